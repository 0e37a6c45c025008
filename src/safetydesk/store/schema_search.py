"""An index that keeps the count of a search's hits off the table (m072, issue 14).

The list shows how many records a search matches beside its first page. A
common word matches a large share of the records, and the live check
(``retracted = 0 AND duplicate_of = ''``) and the scope (school, school year)
used to read each hit's whole row: at a million records that is most of a
6 GB file, which no longer fits any cache, so the count grew faster than the
data. ``interactions_live_search`` holds, for each live record only, its
full-text rowid (``n``) and the columns the scope needs: the count is the
full-text match joined to this small index (about 60 bytes a record, read in
rowid order as the match yields it), never to the table. SQLite keeps the index on every
write path (save, import, refold, the bulk demo path, verify's rebuild).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safetydesk.store.schema import migrations

if TYPE_CHECKING:  # annotations only: sqlite-utils is imported when a migration runs
    from sqlite_utils import Database

LIVE = "retracted = 0 AND duplicate_of = ''"
SEARCH_INDEX = "interactions_live_search"

SEARCH_INDEX_SQL = f"""
CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON interactions (n, school_id, school_year, retracted, duplicate_of)
    WHERE {LIVE};
"""


@migrations()
def m072_live_search_index(db: Database) -> None:
    db.executescript(SEARCH_INDEX_SQL)
