"""The SQLite data file: opening, the append-only history, derived state, verify, backup.

Every write goes through `Store.append`, which appends hash-chained history
entries and updates the derived tables in the same transaction, so a crash
leaves either the whole change or none of it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from safetydesk.domain.changes import DRAFT, Changes
from safetydesk.domain.clock import HybridClock, Stamp
from safetydesk.domain.errors import (
    CorruptDataFile,
    DataFileError,
    DataFolderError,
    NewerDataFile,
)
from safetydesk.domain.ids import new_id
from safetydesk.domain.vocab import AUDIT_ONLY_ACTIONS
from safetydesk.store import connection as dbc
from safetydesk.store import schema
from safetydesk.store.backup import write_backup
from safetydesk.store.history import GENESIS, Change, Entry, canonical, entry_hash, fold
from safetydesk.store.projections import PROJECTORS, REBUILD_ORDER, Info

log = logging.getLogger(__name__)

AUDIT_ONLY_SQL = ", ".join(f"'{a.value}'" for a in sorted(AUDIT_ONLY_ACTIONS))
ENTRY_COLUMNS = (
    "seq, id, hlc, device, user, record_type, record_id, action, changes, reason, wall_time, "
    "prev_hash, hash"
)

Progress = Callable[[int, int], None]  # (done, total)
Connect = Callable[[Path], dbc.Connection]

STORE_FORMAT = "safetydesk-store/1"




def _describe(exc: BaseException) -> str:
    return str(exc).strip() or exc.__class__.__name__


def _is_corruption(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(
        s in text for s in ("not a database", "malformed", "corrupt", "file is encrypted")
    )


def _is_folder_problem(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(
        s in text
        for s in ("disk is full", "readonly database", "unable to open", "disk i/o", "read-only")
    )


class Store:
    """One open data file. Not thread-safe by itself: the UI uses it from one worker thread."""

    def __init__(self, path: Path, conn: dbc.Connection, key: bytes | None = None) -> None:
        self.path = path
        self.conn = conn
        self.key = key
        self.db = Database(conn)
        self._write_lock = threading.RLock()
        self._touched: set[tuple[str, str]] = set()  # by the open transaction
        self._committed: set[tuple[str, str]] = set()  # since the last take_changes()
        self.device_id = self.get_meta("device_id") or ""
        self.clock = HybridClock(self.device_id, self.get_meta("hlc_last"))

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        create: bool = True,
        key: bytes | None = None,
        connect: Connect | None = None,
        backup_dir: Path | None = None,
    ) -> Store:
        """Open (or create) a data file, applying pending migrations after a backup copy.

        Refuses, leaving the file untouched: a damaged file (`CorruptDataFile`),
        a file from a newer SafetyDesk (`NewerDataFile`), a folder that cannot
        be written (`DataFolderError`).
        """
        path = Path(path)
        existed = path.exists() and path.stat().st_size > 0
        if not existed and not create:
            raise DataFileError(f"There is no SafetyDesk data file at {path}.")
        folder = path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataFolderError(
                f"SafetyDesk cannot create its data folder {folder}: {exc.strerror or exc}. "
                "Choose a folder you can write to (--home) or ask IT to fix the permissions."
            ) from exc
        if not os.access(folder, os.W_OK):
            raise DataFolderError(
                f"SafetyDesk cannot write to its data folder {folder}. Nothing was changed. "
                "Ask IT to give your account write access, or choose another folder with --home."
            )
        try:
            conn = connect(path) if connect else dbc.connect(path, key)
        except dbc.Error as exc:
            raise DataFolderError(f"SafetyDesk cannot open {path}: {_describe(exc)}.") from exc
        try:
            applied = cls._applied_migrations(conn, path) if existed else set()
            unknown = applied - schema.KNOWN_MIGRATIONS
            if unknown:
                raise NewerDataFile(
                    f"The data file {path} was written by a newer version of SafetyDesk "
                    f"(it has changes this version does not know: {', '.join(sorted(unknown))}). "
                    "It has not been touched. Install the newer version of SafetyDesk to open it."
                )
            conn.execute("PRAGMA busy_timeout = 10000")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("journal mode is %s, not WAL", mode)
            conn.execute("PRAGMA synchronous = FULL")
            # Keep up to 64 MiB of decrypted pages in memory: with SQLCipher every page read
            # from disk is decrypted again, and lists re-read the same index pages.
            conn.execute("PRAGMA cache_size = -65536")
            conn.execute("PRAGMA foreign_keys = ON")
            db = Database(conn)
            pending = schema.migrations.pending(db)
            if pending and existed:
                cls._backup_before_migration(conn, path, backup_dir or folder / "backups", key)
            if pending:
                schema.migrations.apply(db)
            store = cls(path, conn, key)
            if not store.device_id:
                store._initialise_meta()
            return store
        except dbc.DatabaseError as exc:
            conn.close()
            if _is_corruption(exc):
                raise CorruptDataFile(
                    f"The data file {path} is damaged and cannot be read ({_describe(exc)}). "
                    "It has been left exactly as it is. Restore the latest backup "
                    "(safetydesk restore FILE), or ask IT for help."
                ) from exc
            if _is_folder_problem(exc):
                raise DataFolderError(
                    f"SafetyDesk cannot write in {folder} ({_describe(exc)}). Nothing was changed. "
                    "Free some space or ask IT to fix the folder's permissions."
                ) from exc
            raise DataFileError(f"SafetyDesk cannot open {path}: {_describe(exc)}.") from exc
        except BaseException:
            with contextlib.suppress(Exception):
                conn.close()
            raise

    @staticmethod
    def _applied_migrations(conn: dbc.Connection, path: Path) -> set[str]:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "_sqlite_migrations" not in tables:
            if tables:
                raise DataFileError(
                    f"{path} is an SQLite file but not a SafetyDesk data file. It has not been touched."
                )
            return set()
        return {
            r[0]
            for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                (schema.MIGRATION_SET,),
            )
        }

    @staticmethod
    def _backup_before_migration(
        conn: dbc.Connection, path: Path, backup_dir: Path, key: bytes | None
    ) -> Path:
        backup_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = backup_dir / f"{path.stem}-before-upgrade-{stamp}.sdbackup"
        write_backup(conn, key, path, target)
        return target

    def _initialise_meta(self) -> None:
        device = new_id()
        with self.write():
            self.conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [
                    ("format", STORE_FORMAT),
                    ("device_id", device),
                    ("created_at", datetime.now(UTC).isoformat(timespec="seconds")),
                ],
            )
        self.device_id = device
        self.clock = HybridClock(device)

    def close(self) -> None:
        with contextlib.suppress(*dbc.Error):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()

    # ------------------------------------------------------------- transactions
    @contextlib.contextmanager
    def write(self) -> Iterator[dbc.Connection]:
        """One write transaction (BEGIN IMMEDIATE): all of it lands, or none of it."""
        with self._write_lock:
            if self.conn.in_transaction:  # nested: part of the outer transaction
                yield self.conn
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except dbc.OperationalError as exc:
                raise self._translate(exc) from exc
            self._touched = set()
            try:
                yield self.conn
                self.conn.execute("COMMIT")
                self._committed |= self._touched
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                self.clock = HybridClock(self.device_id, self.get_meta("hlc_last"))
                if isinstance(exc, dbc.Error):
                    raise self._translate(exc) from exc
                raise

    def touch(self, record_type: str, record_id: str) -> None:
        """Note that the open transaction changed this record (reported once it commits)."""
        self._touched.add((record_type, record_id))

    def take_changes(self) -> Changes:
        """The records changed by transactions committed since the last call, once."""
        with self._write_lock:
            taken, self._committed = self._committed, set()
        return Changes.of(taken)

    def _translate(self, exc: Exception) -> Exception:
        if _is_corruption(exc):
            return CorruptDataFile(
                f"The data file {self.path} is damaged ({_describe(exc)}). Nothing was saved. "
                "Restore the latest backup or ask IT for help."
            )
        if _is_folder_problem(exc):
            return DataFolderError(
                f"SafetyDesk could not save in {self.path.parent} ({_describe(exc)}). Nothing was "
                "saved; your entry is still on screen. Free some space or ask IT to check the folder."
            )
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            return DataFileError(
                "The data file is busy with another SafetyDesk window or command. Try again in a moment."
            )
        return DataFileError(f"SafetyDesk could not save: {_describe(exc)}.")

    # ---------------------------------------------------------------- meta
    def get_meta(self, key: str) -> str | None:
        try:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except dbc.OperationalError:
            return None
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.write():
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # ---------------------------------------------------------------- history
    def append(self, user: str, changes: Iterable[Change]) -> list[Entry]:
        """Append entries and update derived state, in one transaction."""
        out: list[Entry] = []
        with self.write() as conn:
            row = conn.execute("SELECT hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
            prev = row[0] if row else GENESIS
            for change in changes:
                entry = self._append_one(conn, user, change, prev)
                out.append(entry)
                prev = entry.hash
            if out:
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc_last', ?)", (out[-1].hlc,)
                )
        return out

    def append_new(self, items: Iterable[tuple[str, Change]]) -> int:
        """Bulk path for records that do not exist yet (imports, demo data).

        The same entries, hash chain and derived rows as `append`, without
        looking up a current state that cannot exist; history and state rows
        are written with executemany. Returns how many entries were written.
        """
        count = 0
        with self.write() as conn:
            row = conn.execute("SELECT hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
            prev = row[0] if row else GENESIS
            history_rows: list[tuple] = []
            states: dict[tuple[str, str], tuple[dict[str, Any], Info]] = {}
            last = ""
            for user, change in items:
                hlc = last = self.clock.now()
                wall = Stamp.decode(hlc).wall_time().isoformat(timespec="seconds")
                values = (new_id(), hlc, self.device_id, user, change.record_type, change.record_id,
                          change.action, canonical(change.changes), change.reason, wall, prev)
                prev = entry_hash(values)
                history_rows.append((*values, prev))
                count += 1
                if change.action in AUDIT_ONLY_ACTIONS:
                    continue
                key = (change.record_type, change.record_id)
                self._touched.add(key)
                earlier = states.get(key)  # the same record changed again within this batch
                if earlier:
                    old = earlier[1]
                    state = fold(earlier[0], change.changes)
                    info = Info(change.record_id, old.version + 1, old.created_hlc, hlc, old.created_by, user)
                else:
                    state, info = fold(None, change.changes), Info(change.record_id, 1, hlc, hlc, user, user)
                states[key] = (state, info)
                projector = PROJECTORS.get(change.record_type)
                if projector:
                    projector(conn, "", state, info, earlier is None)
            conn.executemany(
                """INSERT INTO history (id, hlc, device, user, record_type, record_id, action, changes,
                   reason, wall_time, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
                history_rows,
            )
            conn.executemany(
                """INSERT INTO record_state (record_type, record_id, state, version, created_hlc,
                   updated_hlc, created_by, updated_by) VALUES (?,?,?,?,?,?,?,?)""",
                [(rt, rid, canonical(st), i.version, i.created_hlc, i.updated_hlc, i.created_by,
                  i.updated_by) for (rt, rid), (st, i) in states.items()],
            )
            if last:
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc_last', ?)", (last,))
        return count

    def _append_one(self, conn: dbc.Connection, user: str, change: Change, prev: str) -> Entry:
        hlc = self.clock.now()
        wall = Stamp.decode(hlc).wall_time().isoformat(timespec="seconds")
        changes_text = canonical(change.changes)
        row: dict[str, str] = {
            "id": new_id(), "hlc": hlc, "device": self.device_id, "user": user,
            "record_type": change.record_type, "record_id": change.record_id,
            "action": change.action, "changes": changes_text, "reason": change.reason,
            "wall_time": wall, "prev_hash": prev,
        }
        digest = entry_hash(row)
        cur = conn.execute(
            """INSERT INTO history (id, hlc, device, user, record_type, record_id, action, changes,
               reason, wall_time, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
            (*row.values(), digest),
        )
        if change.action not in AUDIT_ONLY_ACTIONS:
            self._apply(conn, change.record_type, change.record_id, change.changes, hlc, user)
            self.touch(change.record_type, change.record_id)
        return Entry(
            seq=cur.lastrowid or 0, id=row["id"], hlc=hlc, device=self.device_id, user=user,
            record_type=change.record_type, record_id=change.record_id, action=change.action,
            changes=change.changes, reason=change.reason, wall_time=wall, prev_hash=prev, hash=digest,
        )

    def _apply(self, conn, record_type: str, record_id: str, changes: dict, hlc: str, user: str):
        current = conn.execute(
            """SELECT state, version, created_hlc, created_by FROM record_state
               WHERE record_type = ? AND record_id = ?""",
            (record_type, record_id),
        ).fetchone()
        if current:
            state = fold(json.loads(current[0]), changes)
            info = Info(record_id, current[1] + 1, current[2], hlc, current[3], user)
        else:
            state = fold(None, changes)
            info = Info(record_id, 1, hlc, hlc, user, user)
        conn.execute(
            """INSERT OR REPLACE INTO record_state (record_type, record_id, state, version,
               created_hlc, updated_hlc, created_by, updated_by) VALUES (?,?,?,?,?,?,?,?)""",
            (record_type, record_id, canonical(state), info.version, info.created_hlc,
             info.updated_hlc, info.created_by, info.updated_by),
        )
        projector = PROJECTORS.get(record_type)
        if projector:
            projector(conn, "", state, info, current is None)

    def state(self, record_type: str, record_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT state FROM record_state WHERE record_type = ? AND record_id = ?",
            (record_type, record_id),
        ).fetchone()
        return json.loads(row[0]) if row else None

    def record_info(self, record_type: str, record_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            """SELECT version, created_hlc, updated_hlc, created_by, updated_by FROM record_state
               WHERE record_type = ? AND record_id = ?""",
            (record_type, record_id),
        ).fetchone()
        if not row:
            return None
        return dict(zip(("version", "created_hlc", "updated_hlc", "created_by", "updated_by"), row,
                        strict=True))

    def states(self, record_type: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for rid, st in self.conn.execute(
            "SELECT record_id, state FROM record_state WHERE record_type = ? ORDER BY record_id",
            (record_type,),
        ):
            yield rid, json.loads(st)

    def history(self, record_type: str, record_id: str, include_audit: bool = False) -> list[Entry]:
        """A record's entries in clock order; views, prints and exports only if asked for."""
        audit = "" if include_audit else f" AND action NOT IN ({AUDIT_ONLY_SQL})"
        rows = self.conn.execute(
            f"""SELECT {ENTRY_COLUMNS} FROM history WHERE record_type = ? AND record_id = ?{audit}
               ORDER BY hlc""",
            (record_type, record_id),
        ).fetchall()
        return [_entry(r) for r in rows]

    def audit_trail(
        self, *, user: str = "", record_type: str = "", action: str = "", since: str = "",
        until: str = "", record_id: str = "", offset: int = 0, limit: int = 200,
    ) -> list[Entry]:
        """History entries, newest first, filtered (for the audit browser)."""
        clauses, params = [], []
        for column, value in (("user", user), ("record_type", record_type), ("action", action),
                              ("record_id", record_id)):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value)
        if since:
            clauses.append("wall_time >= ?")
            params.append(since)
        if until:
            clauses.append("wall_time < ?")
            params.append(until + "T99")
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.conn.execute(
            f"SELECT {ENTRY_COLUMNS} FROM history{where} ORDER BY seq DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return [_entry(r) for r in rows]

    def history_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]

    # ----------------------------------------------------------- rebuild
    def _fold_all(
        self, conn: dbc.Connection, schema_prefix: str, progress: Progress | None
    ) -> None:
        """Fold the whole history into record_state and the typed tables under ``schema_prefix``.

        Reads one record's entries at a time (ordered by record, then clock), so
        memory stays flat however long the history is.
        """
        total = self.history_count()
        done = 0
        present = {r[0] for r in self.conn.execute("SELECT DISTINCT record_type FROM history")}
        order = [t for t in REBUILD_ORDER if t in present] + sorted(present - set(REBUILD_ORDER))
        for record_type in order:
            cursor = self.conn.execute(
                f"""SELECT record_id, hlc, user, changes FROM history WHERE record_type = ?
                   AND action NOT IN ({AUDIT_ONLY_SQL}) ORDER BY record_id, hlc""",
                (record_type,),
            )
            pending: tuple[dict[str, Any], Info] | None = None
            for record_id, hlc, user, changes in cursor:
                if pending is None or pending[1].record_id != record_id:
                    if pending is not None:
                        self._write_folded(conn, schema_prefix, record_type, *pending)
                    state, info = fold(None, json.loads(changes)), Info(record_id, 1, hlc, hlc, user, user)
                else:
                    state = fold(pending[0], json.loads(changes))
                    old = pending[1]
                    info = Info(record_id, old.version + 1, old.created_hlc, hlc, old.created_by, user)
                pending = (state, info)
                done += 1
                if progress and done % 5000 == 0:
                    progress(done, total)
            if pending is not None:
                self._write_folded(conn, schema_prefix, record_type, *pending)
        if progress:
            progress(total, total)

    @staticmethod
    def _write_folded(
        conn: dbc.Connection, prefix: str, record_type: str, state: dict[str, Any], info: Info
    ) -> None:
        conn.execute(
            f"""INSERT INTO {prefix}record_state (record_type, record_id, state, version,
                created_hlc, updated_hlc, created_by, updated_by) VALUES (?,?,?,?,?,?,?,?)""",
            (record_type, info.record_id, canonical(state), info.version, info.created_hlc,
             info.updated_hlc, info.created_by, info.updated_by),
        )
        projector = PROJECTORS.get(record_type)
        if projector:
            projector(conn, prefix, state, info, True)

    def rebuild_derived(self, progress: Progress | None = None) -> None:
        """Throw away every derived table and fold them again from the history."""
        with self.write() as conn:
            for fts in schema.all_fts_tables():
                conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
            for table in schema.all_derived_tables():
                conn.execute(f"DELETE FROM {table}")
            self._fold_all(conn, "", progress)

    # ------------------------------------------------------------ verify
    def verify(self, progress: Progress | None = None) -> list[str]:
        """Integrity, the history hash chain, and derived tables equal to a rebuild.

        Returns the problems found, in plain language; an empty list means clean.
        """
        problems: list[str] = []
        try:
            result = [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
        except dbc.DatabaseError as exc:
            return [f"SQLite integrity check failed: {_describe(exc)}"]
        if result != ["ok"]:
            problems.extend(f"SQLite integrity check: {r}" for r in result[:20])
            return problems
        problems.extend(self._verify_chain(progress))
        problems.extend(self._verify_derived(progress))
        for fts in schema.all_fts_tables():
            try:
                # A command written as an INSERT: the driver opens a transaction for it,
                # which must not stay open (it would block backups and other writers).
                self.conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")
            except dbc.DatabaseError as exc:
                problems.append(f"The search index {fts} is damaged: {_describe(exc)}")
            finally:
                if self.conn.in_transaction:
                    self.conn.rollback()
        return problems

    def _verify_chain(self, progress: Progress | None) -> list[str]:
        problems: list[str] = []
        prev = GENESIS
        expected_seq = None
        total = self.history_count()
        cursor = self.conn.execute(
            """SELECT seq, id, hlc, device, user, record_type, record_id, action, changes, reason,
               wall_time, prev_hash, hash FROM history ORDER BY seq"""
        )
        for n, row in enumerate(cursor, 1):
            seq = row[0]
            if expected_seq is not None and seq != expected_seq:
                problems.append(
                    f"History entries {expected_seq}–{seq - 1} are missing (removed from the file)."
                )
            expected_seq = seq + 1
            if row[11] != prev:
                problems.append(
                    f"History entry {seq} ({row[5]} {row[6]}) does not follow the entry before it: "
                    "an entry was removed or altered."
                )
            if entry_hash(row[1:12]) != row[12]:
                problems.append(
                    f"History entry {seq} ({row[5]} {row[6]}, {row[7]} by {row[4]}) was altered "
                    "after it was written."
                )
            prev = row[12]
            if progress and n % 10000 == 0:
                progress(n, total * 2)
            if len(problems) > 50:
                problems.append("… and more; stopping after 50 problems.")
                break
        last = self.conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = 'history'"
        ).fetchone()
        if last and expected_seq is not None and last[0] >= expected_seq:
            problems.append(
                f"The last history entries ({expected_seq}–{last[0]}) were removed from the file."
            )
        elif last and expected_seq is None and last[0] > 0:
            problems.append("Every history entry was removed from the file.")
        return problems

    def _verify_derived(self, progress: Progress | None) -> list[str]:
        problems: list[str] = []
        scratch = "verify_scratch"
        self.conn.execute(f"ATTACH DATABASE '' AS {scratch}")
        try:
            self.conn.executescript(schema.derived_sql(scratch))
            self.conn.execute("BEGIN")
            self._fold_all(self.conn, f"{scratch}.", None)
            self.conn.execute("COMMIT")
            for table in schema.all_derived_tables():
                cols = [r[1] for r in self.conn.execute(f"PRAGMA {scratch}.table_info({table})")]
                cols = [c for c in cols if c != "n"]  # row numbers are local, not content
                col_list = ", ".join(cols)
                extra = self.conn.execute(
                    f"SELECT COUNT(*) FROM (SELECT {col_list} FROM main.{table} "
                    f"EXCEPT SELECT {col_list} FROM {scratch}.{table})"
                ).fetchone()[0]
                missing = self.conn.execute(
                    f"SELECT COUNT(*) FROM (SELECT {col_list} FROM {scratch}.{table} "
                    f"EXCEPT SELECT {col_list} FROM main.{table})"
                ).fetchone()[0]
                if extra or missing:
                    problems.append(
                        f"The table {table} does not match the history ({extra} rows differ or are "
                        f"extra, {missing} expected rows missing). `safetydesk verify --repair` "
                        "rebuilds it from the history."
                    )
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self.conn.execute(f"DETACH DATABASE {scratch}")
        return problems

    # ------------------------------------------------------------ backup
    def backup(self, target: Path | str, progress: Progress | None = None) -> Path:
        """A consistent copy of the data file (SQLite backup API), written then renamed."""
        target = Path(target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataFolderError(f"Cannot create the folder {target.parent}: {exc.strerror}.") from exc
        write_backup(self.conn, self.key, self.path, target, progress)
        return target

    # ------------------------------------------------------------ drafts
    def save_draft(self, key: str, username: str, form: str, record_id: str, data: dict) -> None:
        with self.write() as conn:
            conn.execute(
                """INSERT OR REPLACE INTO drafts (key, username, form, record_id, data, saved_at)
                   VALUES (?,?,?,?,?,?)""",
                (key, username, form, record_id, canonical(data),
                 datetime.now(UTC).isoformat(timespec="seconds")),
            )
            self.touch(DRAFT, key)

    def drafts(self, username: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT key, form, record_id, data, saved_at FROM drafts WHERE username = ? ORDER BY saved_at DESC",
            (username,),
        ).fetchall()
        return [
            {"key": k, "form": f, "record_id": r, "data": json.loads(d), "saved_at": s}
            for k, f, r, d, s in rows
        ]

    def delete_draft(self, key: str) -> None:
        with self.write() as conn:
            conn.execute("DELETE FROM drafts WHERE key = ?", (key,))
            self.touch(DRAFT, key)


def _entry(r: tuple) -> Entry:
    return Entry(
        seq=r[0], id=r[1], hlc=r[2], device=r[3], user=r[4], record_type=r[5], record_id=r[6],
        action=r[7], changes=json.loads(r[8]), reason=r[9], wall_time=r[10], prev_hash=r[11],
        hash=r[12],
    )
