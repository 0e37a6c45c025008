"""P20's two counts, read from the derived tables of schema_p20, and the audit's kept results.

Both counts are one GROUP BY each, like the benchmark's anchor on bare tables: the students
involved in a year's live law enforcement interactions, counted once per school, with their
roster version in force on the report's cut-off date; and the students enrolled on that date
(active, not retracted), by the school of that version. Each row: school, the demographic
values `DEMOGRAPHIC_COLUMNS`, and how many students have them.
"""

from __future__ import annotations

from typing import Any

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.store import connection as dbc
from safetydesk.store.store import Store

DEMOGRAPHIC_COLUMNS = ("races", "hispanic_latino", "gender_identity", "multilingual", "homeless", "low_income",
                       "iep", "section_504")
_COLS = ", ".join(f"v.{c}" for c in DEMOGRAPHIC_COLUMNS)
IN_FORCE = "v.valid_from <= ? AND ? < v.valid_until"

INVOLVED_SQL = f"""SELECT p.school_id, {_COLS}, COUNT(*) FROM (
        SELECT DISTINCT school_id, student_id FROM p20_involvement WHERE school_year = ?
    ) p JOIN student_demographics v ON v.student_id = p.student_id AND {IN_FORCE}
    GROUP BY p.school_id, {_COLS}"""

ENROLLED_SQL = f"""SELECT v.school_id, {_COLS}, COUNT(*) FROM student_demographics v
    WHERE v.enrolled = 1 AND {IN_FORCE} GROUP BY v.school_id, {_COLS}"""


def involved_groups(store: Store, school_year: str, as_of: str) -> list[tuple[Any, ...]]:
    """(school, *demographics, students) of the students a year's law enforcement interactions
    counted for, once per school, as the roster stood on ``as_of``."""
    return store.conn.execute(INVOLVED_SQL, (school_year, as_of, as_of)).fetchall()


def enrolled_groups(store: Store, as_of: str) -> list[tuple[Any, ...]]:
    """(school, *demographics, students) of the students enrolled on ``as_of``."""
    return store.conn.execute(ENROLLED_SQL, (as_of, as_of)).fetchall()


_FAILED: tuple[type[Exception], ...] = (SafetyDeskError, *dbc.Error)
KEEP = 64  # kept audit results (the newest); each save that changes a count makes a new key


class KeptAudits:
    """The suppression audit's results kept in the data file (`schema_p20.p20_audit_kept`): a
    cache, best effort. A file that cannot be written (read-only, busy) keeps nothing."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> str | None:
        try:
            row = self.store.conn.execute("SELECT result FROM p20_audit_kept WHERE key = ?", (key,)).fetchone()
        except dbc.Error:
            return None
        return None if row is None else str(row[0])

    def put(self, key: str, result: str) -> None:
        try:
            with self.store.write() as conn:
                conn.execute("INSERT OR REPLACE INTO p20_audit_kept (key, result) VALUES (?, ?)", (key, result))
                conn.execute("DELETE FROM p20_audit_kept WHERE n <= (SELECT MAX(n) FROM p20_audit_kept) - ?",
                             (KEEP,))
        except _FAILED:  # a cache: a failed write loses nothing but time
            return
