"""Derived tables that keep the dashboard and the list's count flat at any size (m070, issue 14).

* ``interaction_counts``: the live interactions (not retracted, not a duplicate)
  per school and school year, with how many of them are discipline-related,
  used force or ended in an arrest. The dashboard's year bars and this year's
  figures, and the list's total when no filter but the school (or the year) is
  set, add up a few hundred rows instead of walking a million.
* ``outcome_review``: the live interactions with a ticked outcome that names
  no student on the record (left by the per-student upgrade, m060, for a
  person to decide), which the dashboard lists oldest first.

Both are kept by the interaction's projector (`projections_dashboard`) on
every write, by the same function on a rebuild and in verify's scratch copy;
the migration fills them for an existing file in one SQL pass each, from the
rows the projector reads; two indexes let the dashboard's open flags be read newest first, for
every school or school by school (`tests/store/test_dashboard_tables.py` compares the
two).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safetydesk.domain.outcomes import OUTCOME_FIELDS
from safetydesk.store.schema import Area, migrations, register_area

if TYPE_CHECKING:  # annotations only: sqlite-utils is imported when a migration runs
    from sqlite_utils import Database

DASHBOARD_TABLES = ("interaction_counts", "outcome_review")

DASHBOARD_SQL = """
CREATE TABLE {s}interaction_counts (
    school_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    live INTEGER NOT NULL,
    discipline_related INTEGER NOT NULL,
    use_of_force INTEGER NOT NULL,
    arrests INTEGER NOT NULL,
    PRIMARY KEY (school_id, school_year)
);
CREATE TABLE {s}outcome_review (
    interaction_id TEXT PRIMARY KEY,
    school_id TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);
"""

DASHBOARD_INDEX_SQL = """
CREATE INDEX IF NOT EXISTS outcome_review_when ON outcome_review (occurred_at, interaction_id);
CREATE INDEX IF NOT EXISTS outcome_review_school ON outcome_review (school_id, occurred_at, interaction_id);
CREATE INDEX IF NOT EXISTS compliance_flags_when ON compliance_flags (occurred_at DESC, record_id);
CREATE INDEX IF NOT EXISTS compliance_flags_school_when ON compliance_flags (school_id, occurred_at DESC, record_id);
"""

LIVE_SQL = "i.retracted = 0 AND i.duplicate_of = ''"


def _names_no_student(field: str) -> str:
    """SQL: the outcome ``field`` is ticked and names no student of the record
    (domain.outcomes.needs_outcome_review, for one outcome)."""
    return (f"(i.{field} = 1 AND NOT EXISTS (SELECT 1 FROM json_each(r.state, '$.outcome_students.{field}') o "
            "WHERE o.value IN (SELECT json_extract(s.value, '$.student_id') FROM json_each(r.state, '$.students') s)))")


COUNTS_FILL_SQL = f"""
INSERT INTO interaction_counts (school_id, school_year, live, discipline_related, use_of_force, arrests)
SELECT i.school_id, i.school_year, COUNT(*), SUM(i.discipline_related), SUM(i.use_of_force), SUM(i.arrest)
FROM interactions i WHERE {LIVE_SQL} GROUP BY i.school_id, i.school_year
"""

REVIEW_FILL_SQL = f"""
INSERT INTO outcome_review (interaction_id, school_id, occurred_at)
SELECT i.id, i.school_id, i.occurred_at FROM interactions i
JOIN record_state r ON r.record_type = 'interaction' AND r.record_id = i.id
WHERE {LIVE_SQL} AND ({' OR '.join(f'i.{f} = 1' for f in OUTCOME_FIELDS)})
AND ({' OR '.join(_names_no_student(f) for f in OUTCOME_FIELDS)})
"""

register_area(Area(name="dashboard", derived_sql=DASHBOARD_SQL, derived_tables=DASHBOARD_TABLES))


def fill(db: Database) -> None:
    """The two tables for the interactions a file already holds (one pass each)."""
    db.execute("DELETE FROM interaction_counts")
    db.execute("DELETE FROM outcome_review")
    db.execute(COUNTS_FILL_SQL)
    db.execute(REVIEW_FILL_SQL)


@migrations()
def m070_dashboard_counts_and_review(db: Database) -> None:
    """Live interactions per school and year, and the incidents whose outcomes name no student."""
    db.executescript(DASHBOARD_SQL.format(s=""))
    db.executescript(DASHBOARD_INDEX_SQL)
    fill(db)
