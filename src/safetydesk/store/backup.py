"""Backups: one file holding a consistent, still-encrypted copy of the data file and its key slots.

A backup (``.sdbackup``) is a zip archive, stored without compression, of:

* ``manifest.json``: format, when, which SafetyDesk wrote it, whether encrypted;
* ``safetydesk.sqlite``: the data file's own bytes, still encrypted under the
  same key (so a backup discloses no more than the file does): the write-ahead
  log is first folded into the file, then the file is copied while a read
  transaction keeps that state fixed (no page is decrypted or re-encrypted; a
  save may go on meanwhile, into the log), and the copy is read back and
  checked against the CRC-32 of what was read. When the log cannot be folded in (another
  program holds the file), SQLite's backup API makes the copy instead;
* ``safetydesk.sqlite.keys``: the key slots, so that the same accounts open it.

It is written to a temporary file, flushed and renamed: a backup is either
complete or absent. Restoring checks the backup first (it must open with a
user's password and pass SQLite's integrity check) and keeps the replaced file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from safetydesk import __version__
from safetydesk.domain.errors import CorruptDataFile, DataFileError, DataFolderError
from safetydesk.store import connection as dbc
from safetydesk.store.keys import KeyRing, keys_path

FORMAT = "safetydesk-backup/1"
DATA_NAME = "safetydesk.sqlite"
KEYS_NAME = "safetydesk.sqlite.keys"

Progress = Callable[[int, int], None]
Unlock = Callable[[KeyRing], bytes]


def _describe(exc: BaseException) -> str:
    return str(exc).strip() or exc.__class__.__name__


def write_backup(
    conn: dbc.Connection, key: bytes | None, data_file: Path, target: Path,
    progress: Progress | None = None,
) -> Path:
    target = Path(target)
    if conn.in_transaction:  # SQLite's backup would wait for it forever
        raise DataFileError("A backup cannot start while a change is being saved. Try again in a moment.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".backup-", dir=target.parent))
    except OSError as exc:
        raise DataFolderError(
            f"The backup cannot be written in {target.parent} ({exc.strerror or exc}). "
            "Check the folder's space and permissions."
        ) from exc
    try:
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "safetydesk": __version__,
            "encrypted": key is not None,
        }
        bundle = work / "bundle.zip"
        with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, indent=1))
            copied = _copy_file(conn, data_file, zf, progress)
            if copied is None:  # the log could not be folded in: the backup API's copy
                copy = work / DATA_NAME
                _copy_by_backup_api(conn, key, copy, progress)
                zf.write(copy, DATA_NAME)
            ring = keys_path(data_file)
            if key is not None and ring.exists():
                zf.write(ring, KEYS_NAME)
        with open(bundle, "rb+") as fh:
            os.fsync(fh.fileno())
        if copied:
            _check_copy(bundle, target)
        os.replace(bundle, target)
        return target
    except dbc.Error as exc:
        raise DataFolderError(
            f"The backup to {target} could not be written ({_describe(exc)}). Nothing was replaced."
        ) from exc
    except OSError as exc:
        raise DataFolderError(
            f"The backup to {target} could not be written ({exc.strerror or exc}). "
            "Nothing was replaced; check the space and permissions of that folder."
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


CHUNK = 1 << 20


def _copy_file(conn: dbc.Connection, data_file: Path, zf: zipfile.ZipFile,
               progress: Progress | None) -> bool | None:
    """Copy the encrypted file's bytes into the archive under a read transaction (the archive
    keeps the CRC-32 of the bytes read, which `_check_copy` checks against what was written).

    None (nothing written) when the write-ahead log could not be emptied first, or something
    was committed between emptying it and the read transaction: the file alone would then
    miss pages that only the log holds.
    """
    wal = Path(f"{data_file}-wal")
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy is None or busy[0] != 0:
        return None
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the read snapshot starts here
        if wal.exists() and wal.stat().st_size > 0:
            return None
        total = data_file.stat().st_size
        done = 0
        with open(data_file, "rb") as src, zf.open(DATA_NAME, "w", force_zip64=True) as out:
            while chunk := src.read(CHUNK):
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total)
        return True
    finally:
        conn.execute("ROLLBACK")


def _copy_by_backup_api(conn: dbc.Connection, key: bytes | None, copy: Path, progress: Progress | None) -> None:
    dest = dbc.connect(copy, key)
    try:
        def report(status: int, remaining: int, total: int) -> None:
            if progress:
                progress(total - remaining, total)

        conn.backup(dest, pages=512, progress=report)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()


def _check_copy(bundle: Path, target: Path) -> None:
    """Read the written copy back: zipfile checks it against the CRC-32 of the bytes read."""
    size = 0
    try:
        with zipfile.ZipFile(bundle) as zf, zf.open(DATA_NAME) as member:
            while chunk := member.read(CHUNK):
                size += len(chunk)
            expected = zf.getinfo(DATA_NAME).file_size
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataFolderError(
            f"The backup to {target} does not read back as it was written ({_describe(exc)}). "
            "Nothing was replaced; check the disk and try again."
        ) from exc
    if size != expected:
        raise DataFolderError(
            f"The backup to {target} does not read back as it was written. Nothing was replaced; "
            "check the disk and try again."
        )


def read_manifest(backup: Path) -> dict:
    try:
        with zipfile.ZipFile(backup) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            names = set(zf.namelist())
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise CorruptDataFile(
            f"{backup} is not a SafetyDesk backup, or it is damaged ({_describe(exc)}). Nothing was changed."
        ) from exc
    if manifest.get("format") != FORMAT or DATA_NAME not in names:
        raise CorruptDataFile(f"{backup} is not a SafetyDesk backup this version can read. Nothing was changed.")
    if manifest.get("encrypted") and KEYS_NAME not in names:
        raise CorruptDataFile(f"{backup} lacks its key slots, so it cannot be opened. Nothing was changed.")
    return manifest


def restore_backup(backup: Path, data_file: Path, unlock: Unlock | None) -> Path | None:
    """Replace ``data_file`` (and its key slots) with the backup's. Returns where the old file went.

    ``unlock`` receives the backup's key ring and returns the key (it asks for
    a user's password); the backup must open with it and pass the integrity
    check before anything is replaced.
    """
    backup, data_file = Path(backup), Path(data_file)
    if not backup.is_file():
        raise DataFileError(f"There is no backup file at {backup}.")
    manifest = read_manifest(backup)
    data_file.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_file.parent))
    try:
        with zipfile.ZipFile(backup) as zf:
            zf.extract(DATA_NAME, work)
            if manifest.get("encrypted"):
                zf.extract(KEYS_NAME, work)
        key = None
        if manifest.get("encrypted"):
            if unlock is None:
                raise DataFileError("This backup is encrypted: sign in with an account it holds to restore it.")
            ring = KeyRing.load(work / KEYS_NAME)
            key = unlock(ring)
        probe = dbc.connect(work / DATA_NAME, key)
        try:
            ok = [r[0] for r in probe.execute("PRAGMA integrity_check")]
        except dbc.DatabaseError as exc:
            raise CorruptDataFile(
                f"{backup} is damaged ({_describe(exc)}). Nothing was changed."
            ) from exc
        finally:
            probe.close()
        if ok != ["ok"]:
            raise CorruptDataFile(f"{backup} fails SQLite's integrity check. Nothing was changed.")
        kept: Path | None = None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        if data_file.exists():
            kept = data_file.with_name(f"{data_file.stem}-replaced-{stamp}{data_file.suffix}")
            for suffix in ("", "-wal", "-shm", ".keys"):
                side = Path(str(data_file) + suffix)
                if side.exists():
                    os.replace(side, Path(str(kept) + suffix))
        new_ring = work / KEYS_NAME
        if new_ring.exists():
            os.replace(new_ring, keys_path(data_file))
        os.replace(work / DATA_NAME, data_file)
        return kept
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(work, ignore_errors=True)
