"""Derived tables and migrations for complaints (P16), the start-of-year checklist (P03-P05), agreements with law enforcement agencies (P17-P19), policy training sessions.

Register the tables with `schema.register_area(Area(...))` and create them in a
migration on `schema.migrations`, named ``m0xx_...``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safetydesk.store.schema import Area, migrations, register_area

if TYPE_CHECKING:  # annotations only: sqlite-utils is imported when a migration runs
    from sqlite_utils import Database

DISTRICT_TABLES = (
    "complaints",
    "complaint_staff",
    "complaint_students",
    "school_calendar_days",
    "attachments",
    "role_presentations",
    "role_distributions",
    "gun_safety_campaigns",
    "gun_safe_counts",
    "gun_safe_households",
    "agreements",
    "policy_trainings",
)
DISTRICT_FTS = ("complaints_fts",)

DISTRICT_SQL = """
CREATE TABLE {s}complaints (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    confirmation TEXT NOT NULL,
    school_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    received_date TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT '',
    anonymous INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    preferred_language TEXT NOT NULL DEFAULT '',
    interpreter_needed INTEGER NOT NULL DEFAULT 0,
    incident_date TEXT NOT NULL DEFAULT '',
    investigator TEXT NOT NULL DEFAULT '',
    acknowledged_date TEXT NOT NULL DEFAULT '',
    response_date TEXT NOT NULL DEFAULT '',
    closed_date TEXT NOT NULL DEFAULT '',
    extension_days INTEGER NOT NULL DEFAULT 0,
    allegation_count INTEGER NOT NULL DEFAULT 0,
    findings TEXT NOT NULL DEFAULT '',
    referred INTEGER NOT NULL DEFAULT 0,
    narrative TEXT NOT NULL DEFAULT '',
    allegations_text TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    created_hlc TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    version INTEGER NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE {s}complaint_staff (
    complaint_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    PRIMARY KEY (complaint_id, staff_id)
);
CREATE TABLE {s}complaint_students (
    complaint_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    PRIMARY KEY (complaint_id, student_id)
);
CREATE TABLE {s}school_calendar_days (
    day TEXT PRIMARY KEY,
    school_year TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE {s}attachments (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    school_id TEXT NOT NULL DEFAULT '',
    owner_type TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_hlc TEXT NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE {s}role_presentations (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    first_date TEXT NOT NULL DEFAULT '',
    dates TEXT NOT NULL DEFAULT '[]',
    audience TEXT NOT NULL DEFAULT '',
    presenter TEXT NOT NULL DEFAULT '',
    material_count INTEGER NOT NULL DEFAULT 0,
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE {s}role_distributions (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    date TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '[]',
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE {s}gun_safety_campaigns (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    start_date TEXT NOT NULL DEFAULT '',
    end_date TEXT NOT NULL DEFAULT '',
    formats TEXT NOT NULL DEFAULT '[]',
    audiences TEXT NOT NULL DEFAULT '[]',
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE {s}gun_safe_counts (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    date TEXT NOT NULL,
    requested INTEGER NOT NULL DEFAULT 0,
    provided INTEGER NOT NULL DEFAULT 0,
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE {s}gun_safe_households (
    id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    date TEXT NOT NULL,
    household_name TEXT NOT NULL DEFAULT '',
    delivered INTEGER NOT NULL DEFAULT 0,
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE {s}agreements (
    id TEXT PRIMARY KEY,
    agency TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    effective_start TEXT NOT NULL DEFAULT '',
    effective_end TEXT NOT NULL DEFAULT '',
    review_date TEXT NOT NULL DEFAULT '',
    comment_start TEXT NOT NULL DEFAULT '',
    comment_end TEXT NOT NULL DEFAULT '',
    board_approval_date TEXT NOT NULL DEFAULT '',
    board_resolution TEXT NOT NULL DEFAULT '',
    sent_to_ospi_date TEXT NOT NULL DEFAULT '',
    contents_confirmed INTEGER NOT NULL DEFAULT 0,
    document_count INTEGER NOT NULL DEFAULT 0,
    adopted INTEGER NOT NULL DEFAULT 0,
    adopted_date TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE {s}policy_trainings (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    school_year TEXT NOT NULL,
    school_id TEXT NOT NULL DEFAULT '',
    topic TEXT NOT NULL,
    trainer TEXT NOT NULL DEFAULT '',
    audiences TEXT NOT NULL DEFAULT '[]',
    attendance INTEGER NOT NULL DEFAULT 0,
    retracted INTEGER NOT NULL DEFAULT 0
);
"""

DISTRICT_INDEX_SQL = """
CREATE INDEX complaints_school_received ON complaints (school_id, received_date DESC);
CREATE INDEX complaints_status ON complaints (status, received_date);
CREATE INDEX complaints_confirmation ON complaints (confirmation);
CREATE INDEX complaint_staff_staff ON complaint_staff (staff_id);
CREATE INDEX complaint_students_student ON complaint_students (student_id);
CREATE INDEX calendar_days_year ON school_calendar_days (school_year);
CREATE INDEX role_presentations_year ON role_presentations (school_year, school_id);
CREATE INDEX role_distributions_year ON role_distributions (school_year, school_id);
CREATE INDEX gun_safety_campaigns_year ON gun_safety_campaigns (school_year, school_id);
CREATE INDEX gun_safe_counts_year ON gun_safe_counts (school_year, school_id);
CREATE INDEX gun_safe_households_year ON gun_safe_households (school_year, school_id);
CREATE INDEX policy_trainings_year ON policy_trainings (school_year, date);
"""

DISTRICT_FTS_SQL = """
CREATE VIRTUAL TABLE complaints_fts USING fts5(narrative, allegations_text,
    content = 'complaints', content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2');
"""

register_area(Area(name="district", derived_sql=DISTRICT_SQL, derived_tables=DISTRICT_TABLES,
                   fts_tables=DISTRICT_FTS))


@migrations()
def m020_district_records(db: Database) -> None:
    """Complaints, school calendar, attachments, start of year, agreements, policy training."""
    db.executescript(DISTRICT_SQL.format(s=""))
    db.executescript(DISTRICT_INDEX_SQL)
    db.executescript(DISTRICT_FTS_SQL)
