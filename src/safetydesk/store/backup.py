"""Backups: one file holding a consistent, still-encrypted copy of the data file and its key slots.

A backup (``.sdbackup``) is a zip archive, stored without compression, of:

* ``manifest.json``: format, when, which SafetyDesk wrote it, whether encrypted;
* ``safetydesk.sqlite``: the data file's own bytes, still encrypted under the
  same key (so a backup discloses no more than the file does): the write-ahead
  log is first folded into the file, then the file is copied while a read
  transaction keeps that state fixed (no page is decrypted or re-encrypted; a
  save may go on meanwhile, into the log), in one pass of large blocks whose
  CRC-32 is taken as they are written; the archive is flushed to the disk once
  and the copy read back once against that CRC-32. When the log cannot be folded in (another
  program holds the file), SQLite's backup API makes the copy instead;
* ``safetydesk.sqlite.keys``: the key slots, so that the same accounts open it.

It is written to a temporary file, flushed and renamed: a backup is either
complete or absent. Restoring checks the backup first (it must open with a
user's password and pass SQLite's integrity check) and keeps the replaced file.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import struct
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from safetydesk import __version__
from safetydesk.domain.errors import CorruptDataFile, DataFileError, DataFolderError
from safetydesk.store import connection as dbc
from safetydesk.store.keys import KeyRing, keys_path


def _crc32_function() -> Callable[[Any, int], int]:
    """zlib-ng's CRC-32 (the same function, with the processor's carry-less multiply: ~30x),
    imported when a backup is first written or checked, not at every start-up."""
    try:
        from zlib_ng.zlib_ng import crc32
    except ImportError:  # pragma: no cover - a bundle without it still reads back, more slowly
        from zlib import crc32
    return crc32


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
            member = zf.getinfo(DATA_NAME)
        with open(bundle, "rb+") as fh:  # flushed to the disk once, the whole archive
            os.fsync(fh.fileno())
        # read back once: against the CRC-32 taken while copying (the backup API's copy: zipfile's)
        _check_copy(bundle, member, member.CRC if copied is None else copied, target)
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


# Bytes read and written at a time: memory stays at one block whatever the file's size, and a
# block of 1 MiB stays in the processor's cache between the read, the CRC-32 and the write (8 MiB
# blocks measured three times slower than the kernel's own copy; 1 MiB about even with it).
CHUNK = 1 << 20


def _copy_file(conn: dbc.Connection, data_file: Path, zf: zipfile.ZipFile,
               progress: Progress | None) -> int | None:
    """Copy the encrypted file's bytes into the archive under a read transaction, in one pass
    (`_store_member`). Returns their CRC-32, which `_check_copy` checks the written copy against.

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
        with open(data_file, "rb", buffering=0) as src:
            return _store_member(zf, DATA_NAME, src, os.fstat(src.fileno()).st_size, progress)
    finally:
        conn.execute("ROLLBACK")


def _store_member(zf: zipfile.ZipFile, name: str, src: io.FileIO, total: int, progress: Progress | None) -> int:
    """Write ``src`` into the archive as a stored (uncompressed) member, each block read once
    into one reused buffer, its CRC-32 taken (zlib-ng) and written; then the member's header is
    completed and the member listed, as `zipfile` itself does. (zipfile's own writer would take
    the CRC-32 with the standard library's zlib, ~30x slower: most of a backup's time.)"""
    fp = zf.fp
    if fp is None or zf.mode != "w":
        raise ValueError("the archive is not open for writing")
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16
    info.file_size = info.compress_size = total
    info.CRC = 0
    info.header_offset = fp.tell()
    fp.write(info.FileHeader(zip64=True))  # the CRC-32 is filled in below
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    crc = done = 0
    _crc32 = _crc32_function()
    _sequential(src.fileno())
    while n := src.readinto(buf):
        block = view[:n]
        crc = _crc32(block, crc)
        fp.write(block)
        done += n
        if progress:
            progress(done, total)
    end = fp.tell()
    info.CRC, info.file_size, info.compress_size = crc, done, done
    fp.seek(info.header_offset)
    fp.write(info.FileHeader(zip64=True))  # the same length: zip64 sizes either way
    fp.seek(end)
    zf.start_dir = end
    zf.filelist.append(info)
    zf.NameToInfo[name] = info
    return crc


def _sequential(fd: int) -> None:
    """Tell the system the file is read from start to end (larger read-ahead), where it can."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        with contextlib.suppress(OSError):
            advise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)


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


# A zip entry's local header (APPNOTE 4.3.7): signature, versions, flags, method, time, date,
# CRC-32, sizes, then the lengths of the name (field 10) and of the extra field (11).
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def _check_copy(bundle: Path, member: zipfile.ZipInfo, crc: int, target: Path) -> None:
    """Read the written copy back once, in large blocks, against the CRC-32 taken while copying.

    The member is stored (not compressed), so its bytes follow its local header directly; the
    archive's own listing must agree on where it is, how long it is and its CRC-32.
    """
    def differs(why: str) -> DataFolderError:
        return DataFolderError(
            f"The backup to {target} does not read back as it was written ({why}). "
            "Nothing was replaced; check the disk and try again."
        )

    try:
        with zipfile.ZipFile(bundle) as zf:
            listed = zf.getinfo(DATA_NAME)
        if (listed.CRC, listed.file_size, listed.header_offset) != (crc, member.file_size, member.header_offset):
            raise differs("its listing does not match the copy")
        buf = bytearray(CHUNK)
        view = memoryview(buf)
        with open(bundle, "rb", buffering=0) as fh:
            fh.seek(listed.header_offset)
            header = fh.read(_LOCAL_HEADER.size)
            if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
                raise differs("its header is damaged")
            fields = _LOCAL_HEADER.unpack(header)
            fh.seek(fields[10] + fields[11], os.SEEK_CUR)  # past the member's name and extra field
            _sequential(fh.fileno())
            left, got = listed.file_size, 0
            _crc32 = _crc32_function()
            while left:
                n = fh.readinto(view[:min(CHUNK, left)])
                if not n:
                    raise differs("it is shorter than what was copied")
                got = _crc32(view[:n], got)
                left -= n
    except (zipfile.BadZipFile, KeyError, struct.error) as exc:
        raise differs(_describe(exc)) from exc
    except OSError as exc:
        raise differs(exc.strerror or _describe(exc)) from exc
    if got != crc:
        raise differs("its CRC-32 differs")


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
