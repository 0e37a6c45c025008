"""The interaction's dashboard rows (tables in schema_dashboard), kept on every write.

`counted` reads what an interaction's list row adds to ``interaction_counts``
(its school and year, and its figures, or None when it is not live);
`project_dashboard` moves that contribution from the row as it was to the row
as it is now, and files or unfiles the interaction in ``outcome_review``.
It runs after the list row is written, in the same transaction, on append,
import, refold, the bulk path and the rebuild (`projections_everyday.
project_interaction_in_full`), so the counts are exact whenever they are read.
"""

from __future__ import annotations

from typing import Any

from safetydesk.domain.outcomes import needs_outcome_review
from safetydesk.store.projections import Info, live_counts

Counted = tuple[str, str, int, int, int]  # school, year, discipline-related, use of force, arrest


def counted(conn: Any, p: str, record_id: str) -> Counted | None:
    """What the interaction's row counts for, as it stands (None: no row, or not live)."""
    row = conn.execute(
        f"""SELECT school_id, school_year, discipline_related, use_of_force, arrest FROM {p}interactions
            WHERE id = ? AND retracted = 0 AND duplicate_of = ''""", (record_id,)).fetchone()
    return None if row is None else (row[0], row[1], row[2], row[3], row[4])


_ADD = """INSERT INTO {p}interaction_counts (school_id, school_year, live, discipline_related, use_of_force,
    arrests) VALUES (?,?,?,?,?,?) ON CONFLICT (school_id, school_year) DO UPDATE SET
    live = live + excluded.live, discipline_related = discipline_related + excluded.discipline_related,
    use_of_force = use_of_force + excluded.use_of_force, arrests = arrests + excluded.arrests"""


def _add(conn: Any, p: str, c: Counted, sign: int) -> None:
    school, year, discipline, force, arrest = c
    conn.execute(_ADD.format(p=p), (school, year, sign, sign * discipline, sign * force, sign * arrest))
    if sign < 0:  # no row for a school and year without live interactions (as a rebuild makes)
        conn.execute(f"DELETE FROM {p}interaction_counts WHERE school_id = ? AND school_year = ? AND live <= 0",
                     (school, year))


def project_dashboard(conn: Any, p: str, st: dict[str, Any], info: Info, fresh: bool,
                      before: Counted | None) -> None:
    """After the list row: ``before`` is what the row counted for before this write."""
    rid = info.record_id
    now = live_counts(st)  # what the row just written counts for (`counted` would read it back)
    if now != before:
        if before is not None:
            _add(conn, p, before, -1)
        if now is not None:
            _add(conn, p, now, 1)
    if not fresh:
        conn.execute(f"DELETE FROM {p}outcome_review WHERE interaction_id = ?", (rid,))
    if now is not None and needs_outcome_review(st):
        conn.execute(f"INSERT INTO {p}outcome_review (interaction_id, school_id, occurred_at) VALUES (?,?,?)",
                     (rid, now[0], _occurred_at(st)))


def _occurred_at(st: dict[str, Any]) -> str:
    value = st.get("occurred_at")
    return "" if value is None else str(value)
