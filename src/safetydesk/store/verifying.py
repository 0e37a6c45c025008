"""The half of `Store.verify` that reads the data file on a connection of its own (issue 14).

SQLite's integrity check, every device's signed chain (numbers, links, hashes, Ed25519
signatures), the stored files and the search indexes run on a second thread, with a second
connection to the same file, while the calling thread refolds the whole history into the
scratch file and compares. SQLite and libsodium release Python's lock while they work, so on a
machine with two cores the two halves overlap. Every check is the one `verify` made before,
on the same rows; only where it runs changed. Nothing is kept per entry: memory does not grow
with the history.

The thread never calls back into the caller (a window's progress bar lives on another thread):
it counts the entries it has checked in `done`, and the caller reports progress.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from safetydesk.store import blobs as blobs_mod
from safetydesk.store import connection as dbc
from safetydesk.store.chain import chain_problems


class SideChecks:
    """Runs the checks on a thread; `join` returns them (or raises what the thread raised)."""

    def __init__(self, connect: Callable[[], Any], fts_tables: Iterable[str], total: int,
                 describe: Callable[[BaseException], str], own_device: str | None = None) -> None:
        self._connect = connect
        self._own_device = own_device  # only its own entries' files must be here (store/blobs.py)
        self._fts = tuple(fts_tables)
        self._total = total
        self._describe = describe
        self.done = 0  # chain entries checked so far
        self.integrity: list[str] = []  # non-empty: the file is damaged, nothing else counts
        self.chains: list[str] = []
        self.blobs: list[str] = []
        self.search: list[str] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="verify-checks", daemon=True)

    def start(self) -> SideChecks:
        self._thread.start()
        return self

    def join(self) -> SideChecks:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self

    def _counted(self, n: int, _total: int) -> None:
        self.done = n

    def _run(self) -> None:
        try:
            conn = self._connect()
        except BaseException as exc:  # reported by join, on the caller's thread
            self._error = exc
            return
        try:
            self._checks(conn)
        except BaseException as exc:
            self._error = exc
        finally:
            conn.close()

    def _checks(self, conn: Any) -> None:
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        except dbc.DatabaseError as exc:
            self.integrity = [f"SQLite integrity check failed: {self._describe(exc)}"]
            return
        if result != ["ok"]:
            self.integrity = [f"SQLite integrity check: {r}" for r in result[:20]]
            return
        self.chains = chain_problems(conn, self._counted, self._total, remember=False)
        self.done = self._total
        self.blobs = blobs_mod.problems(conn, self._own_device)
        for fts in self._fts:
            try:
                # A command written as an INSERT: the driver opens a transaction for it,
                # which must not stay open (it would block backups and other writers). With
                # rank 1 it also compares the index with the rows it indexes (external content):
                # an entry added to the index, or one taken out to hide a record from search.
                conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
            except dbc.DatabaseError as exc:
                self.search.append(f"The search index {fts} is damaged: {self._describe(exc)}")
            finally:
                if conn.in_transaction:
                    conn.rollback()
