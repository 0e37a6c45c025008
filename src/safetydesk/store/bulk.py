"""Loading a new data file in bulk (the demo generator, issue 14).

`bulk_load` wraps a run of large `Store.append_new` batches into a file that
nobody else is using yet. For its duration the secondary indexes (the plain,
non-unique ones: unique indexes enforce the projectors' ``INSERT OR REPLACE``
and ``ON CONFLICT`` rules and stay) are dropped, and recreated from the same
``CREATE INDEX`` text at the end, which sorts each index once instead of
inserting into every B-tree for every row; the page cache is larger meanwhile,
so a batch of a few thousand entries does not spill half-written pages to the
write-ahead log; and the batches are not each flushed to the disk (``synchronous =
OFF``: the file is new and nobody uses it yet; a build that fails is removed), the
commit that builds the indexes again is, as every other. The rows written are exactly those of the ordinary path: only
the order in which SQLite builds its indexes differs. The history triggers and
the full-text indexes are untouched.

Only for records that refer to records already written (students and staff
before the interactions naming them): with the indexes gone, a projector that
looks up what names a student (a student written after its interactions)
would scan instead of seek. Correct either way, only slower.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from safetydesk.domain.vocab import Action
from safetydesk.store.history import Change, canonical, fold

if TYPE_CHECKING:
    from safetydesk.store.store import Store

_ACTIONS: dict[str, str] = {str(a): a for a in Action}  # a sent action's text -> its member
BULK_CACHE_KIB = 256 * 1024  # the page cache while loading (the ordinary one is 64 MiB)


@dataclass(frozen=True)
class Encoded(Change):
    """A change with its texts made beforehand, where it was made (the demo's generating worker
    process), so the writer that chains and signs does not spell them again: ``changes_text``
    is ``canonical(changes)``, the text hashed and stored; ``state_text`` is the canonical text
    of the state the change alone folds to (a new record's first entry), or "" for none.
    `Store.append_new` uses the state's text only when that is the state it stores."""

    changes_text: str = ""
    state_text: str = ""

    @classmethod
    def of(cls, change: Change, new: bool) -> Encoded:
        return cls(change.record_type, change.record_id, change.action, change.changes, change.reason,
                   canonical(change.changes), canonical(fold(None, change.changes)) if new else "")

    def wire(self) -> tuple[str, str, str, str, str, str]:
        """The change as plain texts, to send to another process: unpickling the changes' dicts
        (lists, enum members) costs about 45 µs an entry, reading their canonical text as JSON
        about 8 (`from_wire`)."""
        return (self.record_type, self.record_id, str(self.action), self.reason, self.changes_text,
                self.state_text)

    @classmethod
    def from_wire(cls, wire: tuple[str, str, str, str, str, str]) -> Encoded:
        """The change `wire` sent, its ``changes`` read back from their canonical text: plain JSON
        values (a text for an enum member, a list for a tuple), as an import or a refold reads
        them from the history table, and the same canonical text."""
        record_type, record_id, action, reason, changes_text, state_text = wire
        return cls(record_type, record_id, _ACTIONS.get(action, action), json.loads(changes_text), reason,
                   changes_text, state_text)


def _secondary_indexes(store: Store) -> list[tuple[str, str]]:
    rows = store.conn.execute(
        """SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
           AND name NOT LIKE 'sqlite_%' AND tbl_name NOT LIKE '\\_%' ESCAPE '\\'"""
    ).fetchall()
    return [(name, sql) for name, sql in rows if not sql.lstrip().upper().startswith("CREATE UNIQUE")]


@contextlib.contextmanager
def bulk_load(store: Store) -> Iterator[None]:
    """Drop the secondary indexes and enlarge the cache; put both back when done (or on error)."""
    conn = store.conn
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    indexes = _secondary_indexes(store)
    sync = conn.execute("PRAGMA synchronous").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    conn.execute("PRAGMA synchronous = OFF")  # a new file: its batches need not each reach the disk
    with store.write():
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
    store.bulk = True
    try:
        yield
    finally:
        store.bulk = False
        conn.execute(f"PRAGMA synchronous = {int(sync)}")  # the last commit reaches the disk, as any
        with store.write():
            for _name, sql in indexes:
                conn.execute(sql)
        conn.execute(f"PRAGMA cache_size = {int(cache)}")


# statement text -> table -> whether the text names the table (statements repeat: ask once)
_NAMED: dict[str, dict[str, bool]] = {}
_TABLE: dict[str, str | None] = {}  # statement text -> the table it may queue for (None: runs at once)
_UNSEEN = "\x00"  # not a table name
_TARGET = re.compile(r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|DELETE\s+FROM)\s+([\w.]+)", re.IGNORECASE)


class Deferred:
    """The connection the projectors see inside a bulk batch: their writes, grouped.

    An ``INSERT`` (without ``RETURNING``) or ``DELETE`` is kept, in order, in its
    table's queue; at `flush` each queue runs as one ``executemany`` per run of
    the same statement. Writes to different tables commute (the derived tables
    have no triggers or foreign keys); within a table the order is kept. Any other
    statement (a read, an ``UPSERT … RETURNING``, an ``UPDATE``) first runs the
    queues of every table its text names, so it sees exactly what it would have
    seen, then runs at once.
    """

    def __init__(self, conn: Any, history_pending: bool = False) -> None:
        self.conn = conn
        # True in `Store.append_new`: the batch's history rows are written after the projectors
        # (a projector that reads a record's history sees none of the batch's; projections_p20)
        self.history_pending = history_pending
        self.queues: dict[str, list[tuple[str, list[Any]]]] = {}
        # (schema prefix, table, id) -> the name a row holds, read by the projectors' labels
        # (store.projections._name) and dropped by the projector that rewrites that row.
        self.names: dict[tuple[str, str, str], str | None] = {}
        self.name_reads: dict[tuple[str, str], int | None] = {}  # single reads, None: all read
        self.last_row: dict[str, int] = {}  # table -> the row number `next_row` gave last
        self.empty: set[str] = set()  # tables found empty, with nothing queued since
        self.filled: set[str] = set()  # tables found holding rows (a join through them is run)

    def next_row(self, table: str) -> int | None:
        """The row number (``n``, an ``INTEGER PRIMARY KEY``) SQLite would give the next new row of
        ``table``, for a new record of a batch of new records (`Store.append_new`), so that its
        insert needs no ``RETURNING`` and can be queued with the rows of its full-text index:
        one more than the largest ``n``, read once (after that table's queue has run) and counted
        on. None outside such a batch (the caller then lets SQLite number the row)."""
        if not self.history_pending:
            return None
        key = table.lower()
        n = self.last_row.get(key)
        if n is None:
            self._run(key)
            n = self.conn.execute(f"SELECT COALESCE(MAX(n), 0) FROM {table}").fetchone()[0]
        self.last_row[key] = n + 1
        return n + 1

    def holds_nothing(self, table: str) -> bool:
        """Whether ``table`` has no row (none written, none queued): a join through it finds
        nothing, so the caller can skip it (`projections._refresh_labels` while the batch's
        students are written before any interaction names them)."""
        key = table.lower()
        if key in self.filled or self.queues.get(key):
            return False
        if key not in self.empty:
            if self.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
                self.filled.add(key)
                return False
            self.empty.add(key)
        return True

    def _queue(self, sql: str) -> list[tuple[str, list[Any]]] | None:
        table = _TABLE.get(sql, _UNSEEN)  # one lookup: the projectors' texts are made anew each call
        if table is _UNSEEN:
            m = None if "RETURNING" in sql.upper() else _TARGET.match(sql)
            table = _TABLE[sql] = m.group(1).lower() if m else None
        if table is None:
            return None
        if self.empty:
            self.empty.discard(table)
        return self.queues.setdefault(table, [])

    def _at_once(self, sql: str) -> None:
        self._flush_named(sql)
        if self.empty and sql.lstrip()[:6].upper() != "SELECT":  # it may write any table
            self.empty.clear()

    def execute(self, sql: str, params: Any = ()) -> Any:
        queue = self._queue(sql)
        if queue is None:
            self._at_once(sql)
            return self.conn.execute(sql, params)
        if queue and queue[-1][0] == sql:
            queue[-1][1].append(params)
        else:
            queue.append((sql, [params]))
        return None

    def executemany(self, sql: str, rows: Any) -> Any:
        rows = list(rows)
        queue = self._queue(sql)
        if queue is None:
            self._at_once(sql)
            return self.conn.executemany(sql, rows)
        if not rows:
            return None
        if queue and queue[-1][0] == sql:
            queue[-1][1].extend(rows)
        else:
            queue.append((sql, rows))
        return None

    def _flush_named(self, sql: str) -> None:
        pending = [t for t, q in self.queues.items() if q]
        if not pending:
            return
        named = _NAMED.setdefault(sql, {})
        for table in pending:
            hit = named.get(table)
            if hit is None:
                hit = named[table] = re.search(rf"\b{re.escape(table)}\b", sql, re.IGNORECASE) is not None
            if hit:
                self._run(table)

    def _run(self, table: str) -> None:
        for sql, rows in self.queues.pop(table, []):
            self.conn.executemany(sql, rows)

    def flush(self) -> None:
        for table in list(self.queues):
            self._run(table)
