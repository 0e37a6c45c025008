"""Derived tables and migrations for staff training (P02), interactions in full (P06-P13),
intervention requests (P09), climate activities (P10), outside information requests (P15),
compliance flags, follow-ups and duplicates.

The core `interactions` table is left as it is: the details of P07-P13 live in
child tables here (`interaction_details`, `interaction_le_activities`), filled
by a projector that runs after the core one.

P14: no table or column here names immigration, citizenship, birthplace, visa or
alien data; `tests/store/test_everyday_schema.py` scans for such names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safetydesk.store.schema import Area, migrations, register_area

if TYPE_CHECKING:  # annotations only: sqlite-utils is imported when a migration runs
    from sqlite_utils import Database

EVERYDAY_TABLES = (
    "compliance_flags",
    "interaction_details",
    "interaction_le_activities",
    "follow_ups",
    "staff_training",
    "intervention_requests",
    "intervention_students",
    "intervention_staff",
    "climate_activities",
    "climate_staff",
    "outside_requests",
)
EVERYDAY_FTS = ("intervention_requests_fts", "climate_activities_fts", "outside_requests_fts",
                "follow_ups_fts")

EVERYDAY_SQL = """
CREATE TABLE {s}compliance_flags (
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    school_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    since TEXT NOT NULL,
    occurred_at TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (record_type, record_id, kind)
);
CREATE TABLE {s}interaction_details (
    interaction_id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    le_action INTEGER NOT NULL DEFAULT 0,
    alternatives TEXT NOT NULL DEFAULT '[]',
    diversion INTEGER NOT NULL DEFAULT 0,
    consequence_by_staff_id TEXT NOT NULL DEFAULT '',
    notification_needed INTEGER NOT NULL DEFAULT 0,
    notification_attempts INTEGER NOT NULL DEFAULT 0,
    duplicate_of TEXT NOT NULL DEFAULT '',
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE {s}interaction_le_activities (
    interaction_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    student_id TEXT NOT NULL,
    type TEXT NOT NULL,
    legal_basis TEXT NOT NULL DEFAULT '',
    officer_staff_id TEXT NOT NULL DEFAULT '',
    agency TEXT NOT NULL DEFAULT '',
    removed_from_school INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (interaction_id, position)
);
CREATE TABLE {s}follow_ups (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    interaction_id TEXT NOT NULL,
    school_id TEXT NOT NULL,
    written_at TEXT NOT NULL,
    author TEXT NOT NULL,
    note TEXT NOT NULL,
    created_hlc TEXT NOT NULL
);
CREATE TABLE {s}staff_training (
    staff_id TEXT PRIMARY KEY,
    esd_issuer TEXT NOT NULL DEFAULT '',
    esd_date TEXT NOT NULL DEFAULT '',
    esd_reference TEXT NOT NULL DEFAULT '',
    esd_file_sha256 TEXT NOT NULL DEFAULT '',
    esd_confirmed_on TEXT NOT NULL DEFAULT '',
    program_start TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL DEFAULT '',
    classroom_count INTEGER NOT NULL DEFAULT 0,
    on_the_job_count INTEGER NOT NULL DEFAULT 0,
    check_in_count INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL,
    updated_hlc TEXT NOT NULL
);
CREATE TABLE {s}intervention_requests (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    requested_at TEXT NOT NULL,
    school_year TEXT NOT NULL,
    school_id TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    self_initiated INTEGER NOT NULL DEFAULT 0,
    requester_name TEXT NOT NULL DEFAULT '',
    requester_role TEXT NOT NULL DEFAULT '',
    ground TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    response_at TEXT NOT NULL DEFAULT '',
    response_minutes INTEGER,
    outcome TEXT NOT NULL DEFAULT '',
    outcome_note TEXT NOT NULL DEFAULT '',
    interaction_id TEXT NOT NULL DEFAULT '',
    duplicate_of TEXT NOT NULL DEFAULT '',
    student_count INTEGER NOT NULL DEFAULT 0,
    author TEXT NOT NULL,
    rules_version TEXT NOT NULL DEFAULT '',
    created_hlc TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    version INTEGER NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0,
    retract_reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE {s}intervention_students (
    request_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    PRIMARY KEY (request_id, student_id)
);
CREATE TABLE {s}intervention_staff (
    request_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    PRIMARY KEY (request_id, staff_id)
);
CREATE TABLE {s}climate_activities (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    activity_date TEXT NOT NULL,
    school_year TEXT NOT NULL,
    school_id TEXT NOT NULL,
    activity_type TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    staff_count INTEGER NOT NULL DEFAULT 0,
    author TEXT NOT NULL,
    created_hlc TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    version INTEGER NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0,
    retract_reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE {s}climate_staff (
    activity_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    PRIMARY KEY (activity_id, staff_id)
);
CREATE TABLE {s}outside_requests (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    received_on TEXT NOT NULL,
    school_year TEXT NOT NULL,
    school_id TEXT NOT NULL DEFAULT '',
    agency TEXT NOT NULL,
    document_type TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    routed_to TEXT NOT NULL DEFAULT '',
    response TEXT NOT NULL,
    legal_basis TEXT NOT NULL DEFAULT '',
    responded_on TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL,
    created_hlc TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    version INTEGER NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0,
    retract_reason TEXT NOT NULL DEFAULT ''
);
"""

EVERYDAY_INDEX_SQL = """
CREATE INDEX compliance_flags_school ON compliance_flags (school_id, kind, since);
CREATE INDEX compliance_flags_kind ON compliance_flags (kind, occurred_at);
CREATE INDEX interaction_details_year ON interaction_details (school_year, school_id);
CREATE INDEX interaction_details_duplicate ON interaction_details (duplicate_of);
CREATE INDEX interaction_le_activities_student ON interaction_le_activities (student_id);
CREATE INDEX follow_ups_interaction ON follow_ups (interaction_id, created_hlc);
CREATE INDEX staff_training_due ON staff_training (due_on);
CREATE INDEX intervention_requests_when ON intervention_requests (requested_at DESC, id DESC);
CREATE INDEX intervention_requests_school ON intervention_requests (school_id, requested_at DESC);
CREATE INDEX intervention_requests_year ON intervention_requests (school_year, school_id, ground);
CREATE INDEX intervention_students_student ON intervention_students (student_id);
CREATE INDEX intervention_staff_staff ON intervention_staff (staff_id);
CREATE INDEX climate_activities_when ON climate_activities (activity_date DESC, id DESC);
CREATE INDEX climate_activities_school ON climate_activities (school_id, school_year);
CREATE INDEX climate_staff_staff ON climate_staff (staff_id);
CREATE INDEX outside_requests_when ON outside_requests (received_on DESC, id DESC);
CREATE INDEX outside_requests_school ON outside_requests (school_id, received_on DESC);
"""

EVERYDAY_FTS_SQL = """
CREATE VIRTUAL TABLE intervention_requests_fts USING fts5(description, location, outcome_note,
    content = 'intervention_requests', content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE climate_activities_fts USING fts5(note,
    content = 'climate_activities', content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE outside_requests_fts USING fts5(agency, description, note,
    content = 'outside_requests', content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE follow_ups_fts USING fts5(note,
    content = 'follow_ups', content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2');
"""

register_area(Area(name="everyday", derived_sql=EVERYDAY_SQL, derived_tables=EVERYDAY_TABLES,
                   fts_tables=EVERYDAY_FTS))


@migrations()
def m010_everyday_records(db: Database) -> None:
    """Tables for the everyday records, filled from any history already present."""
    db.executescript(EVERYDAY_SQL.format(s=""))
    db.executescript(EVERYDAY_INDEX_SQL)
    db.executescript(EVERYDAY_FTS_SQL)
    _project_existing_interactions(db)


def _project_existing_interactions(db: Database) -> None:
    """A data file made before this migration: give its interactions their detail rows."""
    import json

    # imported here, when a file this old is migrated, not at every open (start-up, issue 14)
    from safetydesk.store import projections_everyday
    from safetydesk.store.projections import Info

    rows = db.execute(
        """SELECT record_id, state, version, created_hlc, updated_hlc, created_by, updated_by
           FROM record_state WHERE record_type = 'interaction'"""
    ).fetchall()
    for rid, state, version, created, updated, cby, uby in rows:
        projections_everyday.project_interaction_details(
            db.conn, "", json.loads(state), Info(rid, version, created, updated, cby, uby), True)
