"""The SQLite data file: opening, the append-only history, derived state, verify, backup.

Every write goes through `Store.append` (or `append_new`, or `import_entries`),
which appends signed entries to this device's chain and updates the derived
tables in the same transaction, so a crash leaves either the whole change or
none of it. Derived state is a function of the set of entries (see
store/history.py); the exchange API is in store/exchange.py.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safetydesk.domain.changes import DRAFT, Changes
from safetydesk.domain.clock import HybridClock, Stamp
from safetydesk.domain.errors import (
    CorruptDataFile,
    DataFileError,
    DataFolderError,
    NewerDataFile,
)
from safetydesk.domain.ids import new_id
from safetydesk.domain.records import RecordType
from safetydesk.domain.vocab import AUDIT_ONLY_ACTIONS, Action
from safetydesk.store import blobs as blobs_mod
from safetydesk.store import connection as dbc
from safetydesk.store import history as history_mod
from safetydesk.store import schema, schema_outcomes
from safetydesk.store.backup import write_backup
from safetydesk.store.bulk import Deferred
from safetydesk.store.chain import DEVICE, unhex
from safetydesk.store.history import (
    ENTRY_FORMAT,
    RESOLVE,
    Change,
    Entry,
    Folded,
    FoldEntry,
    canonical,
    fold,
    fold_record,
    hash_text,
)
from safetydesk.store.schema_history import HISTORY_TRIGGERS
from safetydesk.store.signing import (
    DeviceKey,
    binding_of,
    load_device_key,
    new_device_key,
    save_device_key,
    signing_path,
    verify_signature,
)
from safetydesk.store.verifying import SideChecks

if TYPE_CHECKING:
    from sqlite_utils import Database

    from safetydesk.store import exchange
    from safetydesk.store.exchange import DeviceHead, ImportReport

log = logging.getLogger(__name__)


def _database(conn: dbc.Connection) -> Database:
    """sqlite-utils' view of the connection, imported on first use (migrations, `Store.db`); no
    sqlite-utils plugin runs on the data file (finding them reads every package's metadata)."""
    from safetydesk.store import _import_sqlite_utils_without_numpy

    _import_sqlite_utils_without_numpy()
    from sqlite_utils import Database

    return Database(conn, execute_plugins=False)

AUDIT_ONLY_SQL = ", ".join(f"'{a.value}'" for a in sorted(AUDIT_ONLY_ACTIONS))
ENTRY_COLUMNS = (
    "seq, id, format, device, dseq, prev_hash, hlc, user, record_type, record_id, action, changes, "
    "reason, bases, wall_time, hash, sig"
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
        self._write_lock = threading.RLock()
        self._touched: set[tuple[str, str]] = set()  # by the open transaction
        self._committed: set[tuple[str, str]] = set()  # since the last take_changes()
        self.device_id = self.get_meta("device_id") or ""
        self._wall: Callable[[], int] | None = None  # tests: a skewed wall clock
        self.clock = HybridClock(self.device_id, self.get_meta("hlc_last"))
        self._signer: DeviceKey = new_device_key(self.device_id)
        self._pending_device = True
        self._dseq, self._head = 0, ""
        self._scratch = False  # verify's scratch database is attached
        self._connect: Connect | None = None  # how `open` was told to connect, if not the usual way
        self.bulk = False  # inside store.bulk.bulk_load: append_new groups the projectors' writes
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        """sqlite-utils' view of the file (made on first use: opening does not import it)."""
        if self._db is None:
            self._db = _database(self.conn)
        return self._db

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
            # Behind? Told by the names read above, so that sqlite-utils is imported only when a
            # migration runs (a tenth of a second of every start-up otherwise).
            pending = [name for name in schema.migrations.names() if name not in applied]
            if pending and existed:
                cls._backup_before_migration(conn, path, backup_dir or folder / "backups", key)
            if pending:
                schema.migrations.apply(_database(conn))
            store = cls(path, conn, key)
            store._connect = connect
            if not store.device_id:
                store._initialise_meta()
            store._setup_device()
            schema_outcomes.run_upgrades(store)
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
                self.clock = HybridClock(self.device_id, self._clock_floor(), self._wall)
                self._load_local()
                self._pending_device = self._pending_device or (
                    (self.get_meta("device_id") or "") != self.device_id)
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

    # ---------------------------------------------------------------- device
    def _setup_device(self) -> None:
        """Load this workstation's signing key, or prepare a new device (copy, restore, new file).

        A migrated file (marked ``rechain``) keeps its device id: its entries are re-chained and
        signed now. A file whose signing key is missing or belongs to another copy starts a new
        device: a new id and key, written with the first change (its own device record first).
        """
        binding = binding_of(self.path)
        spath = signing_path(self.path)
        key = load_device_key(spath, self.key, binding)
        meta_device = self.get_meta("device_id") or ""
        if self.get_meta("rechain") == "1":
            key = new_device_key(meta_device)
            save_device_key(spath, key, self.key, binding)
            self._signer = key
            self._rechain()
            return
        if key is not None and key.device == meta_device and meta_device:
            self._signer = key
            self._pending_device = False
        else:
            self._signer = new_device_key(new_id())
            self._pending_device = True
            self.device_id = self._signer.device
            self.clock = HybridClock(self.device_id, self._clock_floor(), self._wall)
        self._load_local()

    def set_wall_clock(self, wall: Callable[[], int]) -> None:
        """Use another wall clock (milliseconds) for new stamps: tests of clock skew."""
        self._wall = wall
        self.clock = HybridClock(self.device_id, self.clock.last, wall)

    def _clock_floor(self) -> str | None:
        last = self.get_meta("hlc_last")
        if not last:
            return None
        s = Stamp.decode(last)
        return Stamp(s.wall_ms, s.counter, self.device_id).encode()

    def _load_local(self) -> None:
        """This device's chain head, from the history (after opening or a rolled-back write)."""
        row = self.conn.execute(
            "SELECT dseq, hash FROM history WHERE device = ? ORDER BY dseq DESC LIMIT 1",
            (self.device_id,),
        ).fetchone()
        self._dseq, self._head = (row[0], row[1]) if row else (0, "")

    def _ensure_device(self, conn: dbc.Connection, user: str) -> bool:
        """Inside a write: a new device first writes its id and its own public-key record."""
        if not self._pending_device:
            return False
        save_device_key(signing_path(self.path), self._signer, self.key, binding_of(self.path))
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('device_id', ?)", (self.device_id,))
        self._dseq, self._head = 0, ""
        self._pending_device = False
        self._append_one(conn, user, Change(
            DEVICE, self.device_id, Action.CREATE, self._device_record(conn),
            "This workstation's signing key"))
        return True

    def _device_record(self, conn: dbc.Connection) -> dict[str, list[Any]]:
        """A new device's own record: its public key and a prefix no device this file knows has."""
        taken = {json.loads(r[0]).get("prefix") for r in conn.execute(
            "SELECT state FROM record_state WHERE record_type = ?", (DEVICE,))}
        return {"public_key": [None, self._signer.public.hex()],
                "prefix": [None, device_prefix(self.device_id, taken)]}

    def confirmation_serial(self, record_type: str) -> tuple[str, int]:
        """This workstation's own prefix and how many ``record_type`` records it has created:
        numbers made from both never clash with another workstation's."""
        state = self.state(DEVICE, self.device_id) or {}
        prefix = state.get("prefix") or device_prefix(self.device_id, set())
        n = self.conn.execute(
            # by the record-type index (+device: not the device's whole chain, which grows with N)
            "SELECT COUNT(*) FROM history WHERE +device = ? AND record_type = ? AND action = 'create'",
            (self.device_id, record_type),
        ).fetchone()[0]
        return prefix, n

    @property
    def signer(self) -> DeviceKey:
        return self._signer

    def sign(self, data: bytes) -> bytes:
        """Sign with this device's Ed25519 key (kept apart from the data-file key)."""
        return self._signer.sign(data)

    def public_key(self, device: str) -> bytes | None:
        """The raw Ed25519 public key of a device, from its device record in the history."""
        if device == self.device_id and self._pending_device:
            return self._signer.public
        row = self.conn.execute(
            """SELECT changes FROM history WHERE device = ? AND dseq = 1 AND record_type = ?
               AND record_id = ?""", (device, DEVICE, device),
        ).fetchone()
        if not row:
            return None
        try:
            return bytes.fromhex(json.loads(row[0])["public_key"][1])
        except (KeyError, ValueError, TypeError, IndexError):
            return None

    # ---------------------------------------------------------------- history
    def append(self, user: str, changes: Iterable[Change]) -> list[Entry]:
        """Append entries and update derived state, in one transaction.

        Each entry's bases are the record's current heads, found here.
        """
        out: list[Entry] = []
        with self.write() as conn:
            made_device = self._ensure_device(conn, user)
            for change in changes:
                out.append(self._append_one(conn, user, change))
            if out or made_device:
                self._finish_write(conn, [self.device_id])
        return out

    def _record_heads(self, conn: dbc.Connection, record_type: str, record_id: str) -> list[str]:
        row = conn.execute(
            "SELECT heads FROM record_heads WHERE record_type = ? AND record_id = ?",
            (record_type, record_id),
        ).fetchone()
        return json.loads(row[0]) if row else []

    def _new_row(self, user: str, change: Change, bases: list[str], changes_text: str | None = None) -> tuple:
        """A signed history row of this device (without seq), as stored. ``changes_text``: the
        canonical text of ``change.changes`` when it was made already (`bulk.Encoded`)."""
        hlc = self.clock.now()
        wall = datetime.now(UTC).isoformat(timespec="seconds")  # the local clock, shown to people
        dseq = self._dseq + 1
        prev = self._head
        if history_mod.MUTANT == "chain-local-seq":  # test-only: the link of one chain per file
            row = self.conn.execute("SELECT hash FROM history ORDER BY seq DESC LIMIT 1").fetchone()
            prev = row[0] if row else ""
        changes_text = canonical(change.changes) if changes_text is None else changes_text
        bases_text = canonical(sorted(bases)) if bases else "[]"
        eid = new_id()
        digest = hash_text(
            action=change.action, bases_text=bases_text, changes_text=changes_text,
            device=self.device_id, dseq=dseq, format=ENTRY_FORMAT, hlc=hlc, id=eid, prev=prev,
            reason=change.reason, record_id=change.record_id, record_type=change.record_type,
            user=user, wall_time=wall,
        )
        sig = self._signer.sign(digest.encode("ascii")).hex()
        self._dseq, self._head = dseq, digest
        return (eid, ENTRY_FORMAT, self.device_id, dseq, prev, hlc, user, change.record_type,
                change.record_id, change.action, changes_text, change.reason, bases_text, wall,
                digest, sig)

    _INSERT = """INSERT INTO history (id, format, device, dseq, prev_hash, hlc, user, record_type,
        record_id, action, changes, reason, bases, wall_time, hash, sig)
        VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""

    def _append_one(self, conn: dbc.Connection, user: str, change: Change) -> Entry:
        audit = change.action in AUDIT_ONLY_ACTIONS
        heads = [] if audit else self._record_heads(conn, change.record_type, change.record_id)
        row = self._new_row(user, change, heads)
        cur = conn.execute(self._INSERT, row)
        if not audit:
            if change.action == RESOLVE or history_mod.MUTANT:
                self._refold(conn, change.record_type, change.record_id)
            else:
                self._apply_after_heads(conn, change, row)
            self.touch(change.record_type, change.record_id)
        return _entry((cur.lastrowid or 0, *row))

    def _apply_after_heads(self, conn: dbc.Connection, change: Change, row: tuple) -> None:
        """The quick fold of a local entry made on every head of its record.

        It is later than every entry of the record this file holds (its clock has seen them
        all) and in none's concurrent set, so folding it onto the current state equals
        refolding the whole record.
        """
        from safetydesk.store.projections import Info
        from safetydesk.store.projectors import PROJECTORS

        record_type, record_id, hlc, user, digest = change.record_type, change.record_id, row[5], row[6], row[14]
        current = conn.execute(
            """SELECT state, version, created_hlc, created_by FROM record_state
               WHERE record_type = ? AND record_id = ?""",
            (record_type, record_id),
        ).fetchone()
        if current:
            state = _stored_state(conn, record_type, fold(json.loads(current[0]), change.changes))
            info = Info(record_id, current[1] + 1, current[2], hlc, current[3], user)
        else:
            state = _stored_state(conn, record_type, fold(None, change.changes))
            info = Info(record_id, 1, hlc, hlc, user, user)
        conn.execute(
            """INSERT OR REPLACE INTO record_state (record_type, record_id, state, version,
               created_hlc, updated_hlc, created_by, updated_by) VALUES (?,?,?,?,?,?,?,?)""",
            (record_type, record_id, canonical(state), info.version, info.created_hlc,
             info.updated_hlc, info.created_by, info.updated_by),
        )
        conn.execute(
            "INSERT OR REPLACE INTO record_heads (record_type, record_id, heads) VALUES (?,?,?)",
            (record_type, record_id, canonical([digest])),
        )
        projector = PROJECTORS.get(record_type)
        if projector:
            projector(conn, "", state, info, current is None)

    def _entries_of(self, conn: dbc.Connection, record_type: str, record_id: str) -> list[FoldEntry]:
        rows = conn.execute(
            f"""SELECT id, hash, hlc, user, action, changes, bases FROM history
               WHERE record_type = ? AND record_id = ? AND action NOT IN ({AUDIT_ONLY_SQL})
               AND format <= ? ORDER BY seq""",
            (record_type, record_id, ENTRY_FORMAT),
        ).fetchall()
        return [FoldEntry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), tuple(json.loads(r[6])))
                for r in rows]

    def _refold(self, conn: dbc.Connection, record_type: str, record_id: str) -> None:
        """Fold one record again from all of its entries (an entry arrived out of order)."""
        entries = self._entries_of(conn, record_type, record_id)
        existed = conn.execute(
            "SELECT 1 FROM record_state WHERE record_type = ? AND record_id = ?", (record_type, record_id)
        ).fetchone() is not None
        if not entries:
            return
        folded = fold_record(entries)
        if existed:
            conn.execute("DELETE FROM conflicts WHERE record_type = ? AND record_id = ?",
                         (record_type, record_id))
        self._write_folded(conn, "", record_type, record_id, folded, fresh=not existed)

    def _finish_write(self, conn: dbc.Connection, devices: Iterable[str] | None = None) -> None:
        """After appending or importing: the clock and the signed list of every device's head.

        ``devices``: the devices whose chains grew (None: recompute every head). A local save
        updates only this device's head, so it costs the same however long the history is.
        """
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('hlc_last', ?)", (self.clock.last,))
        recorded = conn.execute("SELECT value FROM meta WHERE key = 'heads'").fetchone()
        if devices is None or recorded is None:
            heads = {d: [s, h] for d, s, h in conn.execute(
                "SELECT device, MAX(dseq), hash FROM chain_links GROUP BY device")}
        else:
            heads = json.loads(recorded[0])
            for device in set(devices):
                row = conn.execute(
                    "SELECT dseq, hash FROM chain_links WHERE device = ? ORDER BY dseq DESC LIMIT 1", (device,)
                ).fetchone()
                if row:
                    heads[device] = [row[0], row[1]]
        text = canonical(heads)
        conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [
            ("heads", text), ("heads_sig", self._signer.sign(text.encode("utf-8")).hex())])

    def append_new(self, items: Iterable[tuple[str, Change]]) -> int:
        """Bulk path for records that do not exist yet (imports, demo data).

        The same entries, chain and derived rows as `append`, without looking up
        a current state that cannot exist; history and state rows are written
        with executemany. Returns how many entries were written.
        """
        from safetydesk.store.projections import NAMED_IN_LABELS, Info, refresh_labels_of
        from safetydesk.store.projectors import PROJECTORS

        count = 0
        with self.write() as conn:
            rows_to: Any = Deferred(conn, history_pending=True) if self.bulk else conn  # projectors write through
            history_rows: list[tuple] = []
            states: dict[tuple[str, str], tuple[dict[str, Any], Info, str]] = {}
            texts: dict[tuple[str, str], str | None] = {}
            named_late: set[tuple[str, str]] = set()  # people written after an interaction of the batch
            interactions = False
            for user, change in items:
                if not count:
                    self._ensure_device(conn, user)
                count += 1
                if change.action in AUDIT_ONLY_ACTIONS:
                    history_rows.append(self._new_row(user, change, []))
                    continue
                key = (change.record_type, change.record_id)
                earlier = states.get(key)  # the same record changed again within this batch
                # texts made beforehand (store.bulk.Encoded, the demo's worker): "" when not
                state_text = "" if earlier else getattr(change, "state_text", "")
                row = self._new_row(user, change, [earlier[2]] if earlier else [],
                                    getattr(change, "changes_text", "") or None)
                history_rows.append(row)
                hlc, digest = row[5], row[14]
                self._touched.add(key)
                if earlier:
                    old = earlier[1]
                    state = fold(earlier[0], change.changes)
                    info = Info(change.record_id, old.version + 1, old.created_hlc, hlc, old.created_by, user)
                else:
                    state, info = fold(None, change.changes), Info(change.record_id, 1, hlc, hlc, user, user)
                folded = state
                state = _stored_state(conn, change.record_type, state)
                # the stored state's text, when it is the plain fold of this one entry
                texts[key] = state_text if state_text and state is folded else None
                states[key] = (state, info, digest)
                if change.record_type == RecordType.INTERACTION:
                    interactions = True
                elif interactions and change.record_type in NAMED_IN_LABELS:
                    named_late.add(key)
                projector = PROJECTORS.get(change.record_type)
                if projector:
                    projector(rows_to, "", state, info, earlier is None)
            if isinstance(rows_to, Deferred):
                rows_to.flush()
            conn.executemany(self._INSERT, history_rows)
            conn.executemany(
                """INSERT INTO record_state (record_type, record_id, state, version, created_hlc,
                   updated_hlc, created_by, updated_by) VALUES (?,?,?,?,?,?,?,?)""",
                [(rt, rid, texts[(rt, rid)] or canonical(st), i.version, i.created_hlc, i.updated_hlc,
                  i.created_by, i.updated_by) for (rt, rid), (st, i, _h) in states.items()],
            )
            conn.executemany(
                "INSERT INTO record_heads (record_type, record_id, heads) VALUES (?,?,?)",
                [(rt, rid, canonical([h])) for (rt, rid), (_s, _i, h) in states.items()],
            )
            refresh_labels_of(conn, "", named_late)  # now that the batch's interactions have states
            if count:
                self._finish_write(conn, [self.device_id])
        return count

    def _rechain(self) -> None:
        """Once, after m040: link, hash and sign the entries of a file made before device chains.

        Every entry was this workstation's own: they keep their ids and order, and are
        numbered from 2 (1 is the device's public-key record, appended here).
        """
        device = self.device_id
        with self.write() as conn:
            conn.execute("DROP TRIGGER IF EXISTS history_no_update")
            rows = conn.execute(
                """SELECT seq, id, hlc, user, record_type, record_id, action, changes, reason, wall_time
                   FROM history ORDER BY seq"""
            ).fetchall()
            first_user = rows[0][3] if rows else ""
            # the device record comes first in the chain (dseq 1)
            self._dseq, self._head = 0, ""
            device_row = self._new_row(first_user, Change(
                DEVICE, device, Action.CREATE, self._device_record(conn),
                "This workstation's signing key"), [])
            heads: dict[tuple[str, str], str] = {}
            updates = []
            for seq, eid, hlc, user, rt, rid, action, changes_text, reason, wall in rows:
                audit = action in AUDIT_ONLY_ACTIONS
                bases = [] if audit or (rt, rid) not in heads else [heads[(rt, rid)]]
                dseq, prev = self._dseq + 1, self._head
                bases_text = canonical(bases)
                stamp = Stamp.decode(hlc)
                hlc = Stamp(stamp.wall_ms, stamp.counter, device).encode()
                digest = hash_text(
                    action=action, bases_text=bases_text, changes_text=changes_text, device=device,
                    dseq=dseq, format=ENTRY_FORMAT, hlc=hlc, id=eid, prev=prev, reason=reason,
                    record_id=rid, record_type=rt, user=user, wall_time=wall)
                sig = self._signer.sign(digest.encode("ascii")).hex()
                self._dseq, self._head = dseq, digest
                if not audit:
                    heads[(rt, rid)] = digest
                updates.append((device, dseq, prev, hlc, bases_text, digest, sig, seq))
            conn.executemany(
                """UPDATE history SET device = ?, dseq = ?, prev_hash = ?, hlc = ?, bases = ?, hash = ?,
                   sig = ? WHERE seq = ?""", updates)
            # the device record: dseq 1 (the migration left it free); its seq is simply the next
            conn.execute(self._INSERT, device_row)
            for statement in HISTORY_TRIGGERS:
                conn.execute(statement)
            conn.execute("DELETE FROM meta WHERE key = 'rechain'")
            for fts in schema.all_fts_tables():
                conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
            for table in schema.all_derived_tables():
                conn.execute(f"DELETE FROM {table}")
            self._fold_all(conn, "", None)
            self._finish_write(conn)
        self._pending_device = False

    def state(self, record_type: str, record_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT state FROM record_state WHERE record_type = ? AND record_id = ?",
            (record_type, record_id),
        ).fetchone()
        return json.loads(row[0]) if row else None

    # ---------------------------------------------------------------- names
    def user_names(self) -> dict[str, str]:
        """User id -> user name, from the replicated accounts: entries record the id, people see
        the name. (An entry made before ids were recorded names the user name itself.)"""
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, username FROM users")}

    def name_of(self, author: str, names: dict[str, str] | None = None) -> str:
        """The name to show for an entry's recorded author (a user id or an older entry's name)."""
        return (names if names is not None else self.user_names()).get(author, author)

    def _shown(self, entries: list[Entry]) -> list[Entry]:
        if not entries:
            return entries
        names = self.user_names()
        return [dataclasses.replace(e, user=names.get(e.user, e.user), author_id=e.user) for e in entries]

    def record_info(self, record_type: str, record_id: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            """SELECT version, created_hlc, updated_hlc, created_by, updated_by FROM record_state
               WHERE record_type = ? AND record_id = ?""",
            (record_type, record_id),
        ).fetchone()
        if not row:
            return None
        info = dict(zip(("version", "created_hlc", "updated_hlc", "created_by", "updated_by"), row,
                        strict=True))
        names = self.user_names()
        for key in ("created_by", "updated_by"):
            info[key] = names.get(info[key], info[key])
        return info

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
               ORDER BY hlc, hash""",
            (record_type, record_id),
        ).fetchall()
        return self._shown([_entry(r) for r in rows])

    def audit_trail(
        self, *, user: str = "", record_type: str = "", action: str = "", since: str = "",
        until: str = "", record_id: str = "", offset: int = 0, limit: int = 200,
    ) -> list[Entry]:
        """History entries, newest first by clock (the same order on every workstation), filtered."""
        clauses, params = [], []
        if user:  # a user name: the entries recorded under its ids, and older ones under the name
            ids = [uid for uid, name in self.user_names().items() if name == user]
            clauses.append(f"user IN ({', '.join('?' * (len(ids) + 1))})")
            params.extend([user, *ids])
        for column, value in (("record_type", record_type), ("action", action),
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
            f"SELECT {ENTRY_COLUMNS} FROM history{where} ORDER BY hlc DESC, hash DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return self._shown([_entry(r) for r in rows])

    def history_count(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]

    def conflicts(self, *, open_only: bool = True) -> list[dict[str, Any]]:
        """Conflicts between concurrent entries (a derived table), with the winner every
        workstation shows; open ones wait in "Needs review"."""
        where = " WHERE resolved_by = ''" if open_only else ""
        rows = self.conn.execute(
            f"""SELECT record_type, record_id, kind, fields, winner, loser, resolved_by FROM conflicts{where}
                ORDER BY record_type, record_id, winner, loser"""
        ).fetchall()
        keys = ("record_type", "record_id", "kind", "fields", "winner", "loser", "resolved_by")
        out = []
        for r in rows:
            d = dict(zip(keys, r, strict=True))
            d["fields"] = json.loads(d["fields"])
            out.append(d)
        return out

    def name_clashes(self) -> list[tuple[str, str]]:
        """(user id, user name) of accounts that share their name with another active account."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT id, username FROM users WHERE name_clash = 1 ORDER BY username, id")]

    def hash_at(self, device: str, dseq: int) -> str | None:
        """The hash of a device's entry number ``dseq``, if this file holds it."""
        row = self.conn.execute("SELECT hash FROM history WHERE device = ? AND dseq = ?", (device, dseq)).fetchone()
        return row[0] if row else None

    def entry(self, entry_id: str) -> Entry | None:
        row = self.conn.execute(f"SELECT {ENTRY_COLUMNS} FROM history WHERE id = ?", (entry_id,)).fetchone()
        return self._shown([_entry(row)])[0] if row else None

    # ----------------------------------------------------------- rebuild
    def _fold_all(
        self, conn: dbc.Connection, schema_prefix: str, progress: Progress | None
    ) -> None:
        """Fold the whole history into record_state and the typed tables under ``schema_prefix``
        (`verify_parts.fold_records`: one record's entries at a time, so memory stays flat)."""
        from safetydesk.store.verify_parts import fold_records

        total = self.history_count()
        fold_records(self.conn, conn, schema_prefix, self._write_folded,
                     (lambda n: progress(n, total)) if progress else None)
        if progress:
            progress(total, total)

    @staticmethod
    def _write_folded(
        conn: dbc.Connection, prefix: str, record_type: str, record_id: str, folded: Folded,
        fresh: bool = True,
    ) -> None:
        from safetydesk.store.projections import Info
        from safetydesk.store.projectors import PROJECTORS

        info = Info(record_id, folded.version, folded.created_hlc, folded.updated_hlc,
                    folded.created_by, folded.updated_by)
        folded.state = _stored_state(conn, record_type, folded.state, prefix)
        conn.execute(
            f"""INSERT OR REPLACE INTO {prefix}record_state (record_type, record_id, state, version,
                created_hlc, updated_hlc, created_by, updated_by) VALUES (?,?,?,?,?,?,?,?)""",
            (record_type, record_id, canonical(folded.state), info.version, info.created_hlc,
             info.updated_hlc, info.created_by, info.updated_by),
        )
        conn.execute(
            f"INSERT OR REPLACE INTO {prefix}record_heads (record_type, record_id, heads) VALUES (?,?,?)",
            (record_type, record_id, canonical(folded.heads)),
        )
        conn.executemany(
            f"""INSERT OR REPLACE INTO {prefix}conflicts (record_type, record_id, kind, fields, winner,
                loser, resolved_by) VALUES (?,?,?,?,?,?,?)""",
            [(record_type, record_id, c.kind, canonical(list(c.fields)), c.winner, c.loser,
              c.resolved_by) for c in folded.conflicts],
        )
        projector = PROJECTORS.get(record_type)
        if projector:
            projector(conn, prefix, folded.state, info, fresh)

    def rebuild_derived(self, progress: Progress | None = None) -> None:
        """Throw away every derived table and fold them again from the history."""
        with self.write() as conn:
            for fts in schema.all_fts_tables():
                conn.execute(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
            for table in schema.all_derived_tables():
                conn.execute(f"DELETE FROM {table}")
            self._fold_all(conn, "", progress)

    # ------------------------------------------------------------ verify
    def verify(self, progress: Progress | None = None, workers: int | None = None) -> list[str]:
        """Integrity, every device's signed chain, the recorded heads, and derived tables
        equal to a rebuild. Returns the problems found, in plain language; empty means clean.

        SQLite's integrity check, the chains, the stored files and the search indexes are
        checked on a second connection, on a thread (`store/verifying.py`), while this one
        refolds the history into the scratch file; a damaged file reports only what the
        integrity check found, as before. The refold runs in ``workers`` processes (default:
        two on a machine with two cores, for a long history; `store/verify_parts.py`).
        """
        try:
            total = self.history_count()
        except dbc.DatabaseError:
            total = 0  # the integrity check says why
        side = SideChecks(self._connect_again, schema.all_fts_tables(), total, _describe,
                          self.device_id).start()
        derived: list[str] = []
        failure: BaseException | None = None
        try:
            derived = self._verify_derived(progress, side, total, workers)
        except dbc.DatabaseError as exc:
            failure = exc
        side.join()
        if side.integrity:
            return side.integrity
        if failure is not None:
            raise failure
        if progress:
            progress(2 * total, 2 * total)
        return [*side.chains, *self._verify_heads(), *side.blobs, *derived, *side.search]

    def _connect_again(self) -> dbc.Connection:
        """A second connection to the data file, as this one was made."""
        if self._connect is not None:
            return self._connect(self.path)
        conn = dbc.connect(self.path, self.key)
        conn.execute("PRAGMA busy_timeout = 10000")
        return conn

    def _verify_heads(self) -> list[str]:
        """The heads this file recorded (signed by this workstation) against the history."""
        problems: list[str] = []
        actual = {d: (s, h) for d, s, h in self.conn.execute(  # a number edited into text: the chain check
            "SELECT device, MAX(dseq), hash FROM chain_links WHERE typeof(dseq) = 'integer' GROUP BY device")}
        text, sig = self.get_meta("heads"), self.get_meta("heads_sig")
        if not text or not sig:
            if actual:
                problems.append("The list of every workstation's latest entry is missing from the "
                                "file: entries may have been removed.")
            return problems
        # Signed by this workstation's key; a copy that has not written yet still carries the
        # heads signed by the device it was copied from.
        signer = self.public_key(self.get_meta("device_id") or "") if self._pending_device \
            else self._signer.public
        if not verify_signature(signer or b"", unhex(sig), text.encode("utf-8")):
            problems.append("The list of every workstation's latest entry was changed outside "
                            "SafetyDesk (its signature does not match): entries may have been removed.")
            return problems
        recorded = self.public_key(self.device_id)
        if not self._pending_device and recorded is not None and recorded != self._signer.public:
            problems.append("This workstation's public key in the history is not its own signing key: "
                            "the key record was replaced.")
        for device, (dseq, digest) in json.loads(text).items():
            have = actual.get(device)
            if have is None or have[0] < dseq:
                problems.append(f"Entries of workstation {device} after number {have[0] if have else 0} "
                                f"were removed from the file (it held up to {dseq}).")
            elif have[0] == dseq and have[1] != digest:
                problems.append(f"The latest entry of workstation {device} was replaced.")
            elif have[0] > dseq:
                problems.append(f"Entries of workstation {device} after number {dseq} were added "
                                "outside SafetyDesk.")
        for device in set(actual) - set(json.loads(text)):
            problems.append(f"Entries of workstation {device} were added outside SafetyDesk.")
        return problems

    # ------------------------------------------------------------ exchange
    def device_heads(self) -> dict[str, DeviceHead]:
        """Every device's head as this file holds it."""
        from safetydesk.store import exchange

        return exchange.device_heads(self)

    def entries_since(self, device: str, after_seq: int, limit: int = 1000) -> list[dict[str, Any]]:
        """That device's entries with seq > after_seq, in device-seq order, as wire dicts."""
        from safetydesk.store import exchange

        return exchange.entries_since(self, device, after_seq, limit)

    def import_entries(self, entries: Iterable[dict[str, Any]],
                       blobs: Mapping[str, bytes] | None = None) -> ImportReport:
        """Check, apply and refold entries from other workstations, in one transaction
        (storing first the ``blobs``, sha256 -> bytes, that they reference)."""
        from safetydesk.store import exchange

        return exchange.import_entries(self, entries, blobs)

    # ------------------------------------------------------------ files (store/blobs.py)
    def put_blob(self, data: bytes) -> str:
        """Store a file's bytes once (in the open transaction, if any); returns their sha256."""
        with self.write() as conn:
            return blobs_mod.put(conn, data)

    def blob(self, digest: str) -> bytes | None:
        """A stored file's bytes by sha256 (None: not here, or damaged)."""
        return blobs_mod.get(self.conn, digest)

    def blobs_for(self, entries: Iterable[dict[str, Any]]) -> dict[str, bytes]:
        """sha256 -> bytes of the blobs these wire entries reference (those this file holds)."""
        return blobs_mod.blobs_for(self.conn, entries)

    def missing_blobs(self, digests: Iterable[str] | None = None) -> list[str]:
        """The files among ``digests`` (every file the history refers to, when None) not here."""
        return blobs_mod.missing(self.conn, digests)

    def blob_digests(self) -> list[str]:
        """The sha256 of every file this data file holds."""
        return blobs_mod.digests(self.conn)

    def missing_blob_entries(self) -> list[dict[str, Any]]:
        """For each file the history names but this data file lacks, the first entry naming it."""
        return blobs_mod.missing_entries(self.conn)

    def import_blobs(self, blobs: Mapping[str, bytes]) -> ImportReport:
        """Store received blobs (each checked against its sha256) and retry held entries."""
        from safetydesk.store import exchange

        return exchange.import_entries(self, [], blobs)

    def entries_of_record(self, record_type: str, record_id: str) -> list[dict[str, Any]]:
        """One record's entries held in full, as wire dicts (sync carries a moved record's)."""
        from safetydesk.store import exchange

        return exchange.entries_of_record(self, record_type, record_id)

    def reveal_withheld(self, entries: Iterable[dict[str, Any]],
                        schools: frozenset[str] | None) -> exchange.RevealReport:
        """Add withheld entries' content for records now at ``schools`` (None: every school)."""
        from safetydesk.store import exchange

        return exchange.reveal_withheld(self, entries, schools)

    def held_entries(self) -> list[tuple[str, str]]:
        """Entries received but not applied (a gap, a failed check, a newer format), with why."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT id, reason FROM held_entries ORDER BY device, dseq")]

    def clock_flags(self) -> list[tuple[str, str]]:
        """(device, stamp) of clocks seen far ahead of this workstation's."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT device, hlc FROM clock_flags ORDER BY hlc")]

    def _verify_derived(self, progress: Progress | None, side: SideChecks, total: int,
                        workers: int | None) -> list[str]:
        """The refold into scratch files beside the data file, encrypted under the same key,
        each with a small page cache of its own (memory stays flat however long the history
        is), compared with the live tables; in this process or in ``workers`` (store/verify_parts.py).
        The scratch files are removed when verify ends, however it ends."""
        from safetydesk.store import verify_parts as parts_mod

        parts = parts_mod.default_workers(total) if workers is None else max(1, workers)
        if self._connect is not None:
            parts = 1  # a connection made by the caller's own function: this process only
        for leftover in parts_mod.leftovers(self.path):
            leftover.unlink(missing_ok=True)

        def folded(n: int) -> None:  # the side's chain half, then the refold's
            if progress:
                progress(min(side.done, total) + min(n, total), 2 * total)

        if parts > 1:
            try:
                return self._verify_in_parts(parts, folded)
            except (OSError, parts_mod.PartFailed) as exc:  # no process could start, or one died
                log.warning("verify's processes failed (%s); refolding in this process", type(exc).__name__)
        scratch_file = self._scratch_path()
        self._scratch = True
        try:
            parts_mod.open_scratch(self.conn, scratch_file, self.key)
            parts_mod.fold_part(self.conn, 0, 1, folded, lambda names: names)
            return parts_mod.compare(self.conn, [parts_mod.SCRATCH])
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            with contextlib.suppress(*dbc.Error):
                self.conn.execute(f"DETACH DATABASE {parts_mod.SCRATCH}")
            self._scratch = False
            for path in (scratch_file, Path(f"{scratch_file}-journal")):
                path.unlink(missing_ok=True)

    def _verify_in_parts(self, parts: int, folded: Callable[[int], None]) -> list[str]:
        from safetydesk.store import verify_parts as parts_mod

        with parts_mod.parts_running(self.path, self.key, parts, folded) as (files, owned):
            names = [f"{parts_mod.SCRATCH}_{i}" for i in range(parts)]
            key = f" KEY \"x'{self.key.hex()}'\"" if self.key is not None else ""
            attached: list[str] = []
            try:
                for name, scratch_file in zip(names, files, strict=True):
                    self.conn.execute(f"ATTACH DATABASE ? AS {name}{key}", (str(scratch_file),))
                    attached.append(name)
                return parts_mod.compare(self.conn, names, owned=owned)
            finally:
                for name in attached:
                    self.conn.execute(f"DETACH DATABASE {name}")

    def _scratch_path(self) -> Path:
        return self.path.with_name(f"{self.path.name}.verify-scratch")

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


PREFIX_ALPHABET = "346789ABDEFGHJKMNPQRTWXY"  # the confirmation-number alphabet


def device_prefix(device: str, taken: set[Any]) -> str:
    """Three letters for a device, derived from its id, avoiding the prefixes already taken."""
    n = len(PREFIX_ALPHABET)
    for attempt in range(1000):
        value = int.from_bytes(hashlib.sha256(f"{device}/{attempt}".encode()).digest()[:8], "big")
        prefix = "".join(PREFIX_ALPHABET[(value // n**k) % n] for k in range(3))
        if prefix not in taken:
            return prefix
    return prefix


def _stored_state(conn: dbc.Connection, record_type: str, state: dict[str, Any],
                  prefix: str = "") -> dict[str, Any]:
    """The folded state as the derived tables keep it: files by reference (store/blobs.py), and
    the record type's own shaping (a complaint's findings per allegation). A function of the
    folded state alone, so a rebuild, an import's refold and `verify` agree. ``prefix``: verify's
    scratch, which writes nothing to the data file (not even a legacy payload's stored file)."""
    from safetydesk.store.projectors import SHAPERS

    shaper = SHAPERS.get(record_type)
    return blobs_mod.store_state(conn, shaper(state) if shaper else state, prefix)


def _entry(r: tuple) -> Entry:
    """An Entry from a row in ENTRY_COLUMNS order."""
    return Entry(
        seq=r[0], id=r[1], format=r[2], device=r[3], dseq=r[4], prev_hash=r[5], hlc=r[6], user=r[7],
        record_type=r[8], record_id=r[9], action=r[10], changes=json.loads(r[11]), reason=r[12],
        bases=tuple(json.loads(r[13])), wall_time=r[14], hash=r[15], sig=r[16], author_id=r[7],
    )
