"""Derived tables for the P20 disaggregated tables (m071, issue 14), and the audit's kept results.

* ``p20_involvement``: for each live interaction with a law enforcement action (not
  retracted, not a duplicate), the students it counts for under P20
  (`domain.outcomes.law_enforcement_students`: named in a law enforcement activity, or
  arrested), with the interaction's school and school year. A year's (school, student)
  pairs are one index range.
* ``student_demographics``: every version of every student's roster entry, as
  `queries_reports.roster_versions` folds them from the history (the plain fold of the
  student's entries in clock order, each dated by the day of its clock stamp), with the
  dates it is in force for (`domain.as_of.version_on`): from ``valid_from`` (inclusive;
  '' for the first version, which also stands for any earlier day) to ``valid_until``
  (exclusive; `OPEN_END` for the last). Exactly one version of a student is in force on
  any day, so "the roster as of the cut-off date" is ``valid_from <= day < valid_until``.

Both are kept by the projectors (`projections_p20`) inside each write's transaction, on
append, import, refold, the bulk demo path and every rebuild, and verify compares them like
any derived table. The migration fills them for an existing file: the involvement in one SQL
pass over the live law enforcement interactions' states, the demographics in one ordered pass
over the students' history (the fold of JSON changes is the projector's own Python function).

``p20_audit_kept`` is a cache, not a record: the suppression audit's result for one exact set
of tables (`domain.suppression_audit`), keyed by a hash of every count, the threshold and the
audit rules' version. It is not derived from the history, so verify neither compares nor
rebuilds it; nothing trusts it either: a kept result is used only when its key matches and it
passes the checks of `suppression_audit.decode_protected` (same counts, every small count
hidden, every hidden cell proven wide enough), else the audit is solved again and the entry
replaced. Emptying it loses nothing but time.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from safetydesk.store.schema import Area, migrations, register_area

if TYPE_CHECKING:  # annotations only: sqlite-utils is imported when a migration runs
    from sqlite_utils import Database

P20_TABLES = ("p20_involvement", "student_demographics")
OPEN_END = "9999-12-31"  # valid_until of a student's last version
ROSTER_ACTIONS = ("create", "amend", "retract", "step", "resolve")  # as roster_versions reads them

P20_SQL = """
CREATE TABLE {s}p20_involvement (
    interaction_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    school_id TEXT NOT NULL,
    PRIMARY KEY (interaction_id, student_id)
);
CREATE TABLE {s}student_demographics (
    student_id TEXT NOT NULL,
    hlc TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    school_id TEXT NOT NULL,
    enrolled INTEGER NOT NULL,
    races TEXT NOT NULL,
    hispanic_latino INTEGER NOT NULL,
    gender_identity TEXT NOT NULL,
    multilingual INTEGER NOT NULL,
    homeless INTEGER NOT NULL,
    low_income INTEGER NOT NULL,
    iep INTEGER NOT NULL,
    section_504 INTEGER NOT NULL,
    PRIMARY KEY (student_id, hlc)
);
"""

P20_INDEX_SQL = """
CREATE INDEX IF NOT EXISTS p20_involvement_year ON p20_involvement (school_year, school_id, student_id);
CREATE INDEX IF NOT EXISTS student_demographics_until ON student_demographics (valid_until, valid_from);
"""

KEPT_SQL = """
CREATE TABLE IF NOT EXISTS p20_audit_kept (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    result TEXT NOT NULL
);
"""

LIVE_LE = "i.retracted = 0 AND i.duplicate_of = '' AND d.le_action = 1"

# law_enforcement_students in SQL: students named by an activity that are on the record, and the
# arrested students chosen among those on the record (INSERT OR IGNORE: each student once).
INVOLVEMENT_FILL_SQL = [f"""
INSERT OR IGNORE INTO p20_involvement (interaction_id, student_id, school_year, school_id)
SELECT i.id, json_extract(a.value, '$.student_id'), i.school_year, i.school_id
FROM interactions i JOIN interaction_details d ON d.interaction_id = i.id
JOIN record_state r ON r.record_type = 'interaction' AND r.record_id = i.id,
json_each(r.state, '$.le_activities') a
WHERE {LIVE_LE} AND json_extract(a.value, '$.student_id') IN
    (SELECT json_extract(s.value, '$.student_id') FROM json_each(r.state, '$.students') s)
""", f"""
INSERT OR IGNORE INTO p20_involvement (interaction_id, student_id, school_year, school_id)
SELECT i.id, o.value, i.school_year, i.school_id
FROM interactions i JOIN interaction_details d ON d.interaction_id = i.id
JOIN record_state r ON r.record_type = 'interaction' AND r.record_id = i.id,
json_each(r.state, '$.outcome_students.arrest') o
WHERE {LIVE_LE} AND i.arrest = 1 AND o.value IN
    (SELECT json_extract(s.value, '$.student_id') FROM json_each(r.state, '$.students') s)
"""]

register_area(Area(name="p20", derived_sql=P20_SQL, derived_tables=P20_TABLES))


def fill(db: Database | Any) -> None:
    """Both tables for the records a file already holds."""
    from safetydesk.store.history import fold
    from safetydesk.store.projections_p20 import INSERT_VERSION, version_rows

    conn: Any = getattr(db, "conn", db)  # a sqlite-utils Database (a migration) or a connection
    conn.execute("DELETE FROM p20_involvement")
    conn.execute("DELETE FROM student_demographics")
    for sql in INVOLVEMENT_FILL_SQL:
        conn.execute(sql)
    marks = ",".join("?" * len(ROSTER_ACTIONS))
    cur = conn.execute(f"""SELECT record_id, hlc, changes FROM history WHERE record_type = 'student'
                           AND action IN ({marks}) ORDER BY record_id, hlc""", ROSTER_ACTIONS)
    rows: list[tuple] = []
    current = ""
    state: dict[str, Any] | None = None
    versions: list[tuple[str, dict[str, Any]]] = []
    for rid, hlc, changes in cur:
        if rid != current:
            if versions:
                rows.extend(version_rows(current, versions))
            current, state, versions = rid, None, []
        state = fold(state, json.loads(changes))
        versions.append((hlc, state))
        if len(rows) >= 5000:
            conn.executemany(INSERT_VERSION.format(p=""), rows)
            rows = []
    if versions:
        rows.extend(version_rows(current, versions))
    conn.executemany(INSERT_VERSION.format(p=""), rows)


@migrations()
def m071_p20_involvement_and_demographics(db: Database) -> None:
    """The P20 pairs of each year and the students' demographics by date; the audit's kept results."""
    db.executescript(P20_SQL.format(s=""))
    db.executescript(P20_INDEX_SQL)
    db.executescript(KEPT_SQL)
    fill(db)
