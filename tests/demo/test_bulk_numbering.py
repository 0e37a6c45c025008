"""A batch of new records numbers its rows as SQLite would, and skips only joins that find nothing.

`store.bulk.Deferred.next_row` gives a new row's ``n`` without ``RETURNING`` (so the row and its
full-text row are queued into one executemany); `Deferred.holds_nothing` lets the labels' refresh
skip a join through an empty link table. Both are checked here against SQLite itself, on real
files: the same upserts through a plain connection (``RETURNING n``) and through a batch must
leave the same rows, whatever rows and gaps the table held before.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from safetydesk.store.bulk import Deferred
from safetydesk.store.projections import insert_numbered
from support import count, examples

UPSERT = """INSERT INTO things (id, label) VALUES (?, ?)
    ON CONFLICT(id) DO UPDATE SET label=excluded.label RETURNING n"""


def _table(path: Path, existing: list[int]) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE things (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, label TEXT)")
    conn.execute("CREATE TABLE links (thing_id TEXT, other TEXT)")
    conn.executemany("INSERT INTO things (n, id, label) VALUES (?, ?, 'old')", [(n, f"old{n}") for n in existing])
    return conn


@settings(max_examples=examples(ci=200, dev=30), deadline=None)
@given(existing=st.lists(st.integers(1, 50), unique=True, max_size=8),
       deleted=st.integers(0, 3), new=st.integers(1, 12))
def test_a_batch_numbers_new_rows_as_sqlite_does(tmp_path_factory, existing, deleted, new) -> None:
    folder = tmp_path_factory.mktemp("numbers")
    plain, batch = _table(folder / "plain.sqlite", existing), _table(folder / "batch.sqlite", existing)
    for conn in (plain, batch):  # the largest rows deleted before the batch: SQLite reuses their numbers
        conn.execute("DELETE FROM things WHERE n IN (SELECT n FROM things ORDER BY n DESC LIMIT ?)", (deleted,))
    deferred = Deferred(batch, history_pending=True)
    given_numbers = []
    for i in range(new):
        expected = insert_numbered(plain, "things", UPSERT, (f"new{i}", f"label {i}"), True)
        given_numbers.append(insert_numbered(deferred, "things", UPSERT, (f"new{i}", f"label {i}"), True))
        assert given_numbers[-1] == expected
    assert batch.execute("SELECT COUNT(*) FROM things WHERE id LIKE 'new%'").fetchone()[0] == 0  # queued
    deferred.flush()
    rows = "SELECT n, id, label FROM things ORDER BY n"
    assert batch.execute(rows).fetchall() == plain.execute(rows).fetchall()
    count("bulk row numbers", tried=new)


def test_outside_a_batch_of_new_records_sqlite_numbers_the_row(tmp_path) -> None:
    conn = _table(tmp_path / "t.sqlite", [3, 9])
    rebuild = Deferred(conn)  # verify's rebuild or an import's refold: not a batch of new records
    assert rebuild.next_row("things") is None
    assert insert_numbered(rebuild, "things", UPSERT, ("a", "x"), True) == 10  # ran at once, RETURNING n
    assert insert_numbered(conn, "things", UPSERT, ("a", "y"), False) == 10  # an update keeps its number


def test_an_empty_link_table_is_known_empty_until_a_row_is_queued_or_written(tmp_path) -> None:
    conn = _table(tmp_path / "t.sqlite", [])
    batch = Deferred(conn, history_pending=True)
    assert batch.holds_nothing("links")
    batch.execute("INSERT INTO links (thing_id, other) VALUES (?, ?)", ("a", "b"))
    assert not batch.holds_nothing("links")  # queued, not written yet
    batch.flush()
    assert not batch.holds_nothing("links")
    other = Deferred(conn, history_pending=True)
    conn.execute("DELETE FROM links")
    assert other.holds_nothing("links")
    other.execute("UPDATE links SET other = 'c'")  # any statement run at once may write: asked again
    conn.execute("INSERT INTO links (thing_id, other) VALUES ('x', 'y')")
    assert not other.holds_nothing("links")
