"""Indexes that keep what a person waits for from growing with the data (m050).

The interaction list, its count and the dashboard filter on the live records
(``retracted = 0 AND duplicate_of = ''``). Partial indexes over exactly that
filter let SQLite count and page them without reading the table: the count
walks a small index instead of every row, and keyset paging seeks straight to
a page. The year index covers the dashboard's per-year figures. Each index also
carries the two filter columns, so that SQLite sees it as covering and never
reads a table row to count one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safetydesk.store.schema import migrations

if TYPE_CHECKING:  # annotations only: sqlite-utils is imported when a migration runs
    from sqlite_utils import Database

LIVE = "retracted = 0 AND duplicate_of = ''"

SPEED_INDEX_SQL = f"""
CREATE INDEX IF NOT EXISTS interactions_live_when ON interactions (occurred_at DESC, id DESC, retracted, duplicate_of)
    WHERE {LIVE};
CREATE INDEX IF NOT EXISTS interactions_live_school_when ON interactions (school_id, occurred_at DESC, id DESC, retracted, duplicate_of)
    WHERE {LIVE};
CREATE INDEX IF NOT EXISTS interactions_live_year ON interactions
    (school_year, school_id, type, discipline_related, use_of_force, arrest, resulted_in_discipline,
     retracted, duplicate_of)
    WHERE {LIVE};
"""


@migrations()
def m050_live_interaction_indexes(db: Database) -> None:
    db.executescript(SPEED_INDEX_SQL)
