"""The layout of the district's folder on the share, and writing into it safely.

    <share>/SafetyDesk/<district-id>/
      manifest.json                          format, ids, enrolled workstations (signed)
      devices/<device-id>/<seq>-<hash>.sdc   immutable change files, one writer each
      devices/<device-id>/join.json          a joining workstation's request (its own folder)
      devices/<device-id>/ack.json           how far it holds everyone's entries (signed)
      devices/<device-id>/accounts.sda       sign-in credentials set there (sealed, signed)
      devices/<device-id>/archive/           change files every workstation has acknowledged
      snapshots/                             compacted state for new workstations

A workstation writes only inside its own ``devices/<id>`` folder (and the
manifest when an administrator enrols or removes a workstation): a temporary
name, flush and fsync, rename, fsync of the folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = "SafetyDesk"
MANIFEST = "manifest.json"
DEVICES = "devices"
SNAPSHOTS = "snapshots"
ARCHIVE = "archive"
JOIN = "join.json"
ACK = "ack.json"
ACCOUNTS = "accounts.sda"   # sealed sign-in credentials of the accounts whose password was set there
TMP_PREFIX = ".tmp-"

CHANGE_NAME = re.compile(r"^(\d{12})-([0-9a-f]{64})\.sdc$")
DEVICE_NAME = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def district_folder(share: Path, district_id: str) -> Path:
    return Path(share) / ROOT / district_id


def device_folder(share: Path, district_id: str, device: str) -> Path:
    return district_folder(share, district_id) / DEVICES / device


def change_name(first_seq: int, fhash: str) -> str:
    return f"{first_seq:012d}-{fhash}.sdc"


def parse_name(name: str) -> tuple[int, str] | None:
    m = CHANGE_NAME.match(name)
    return (int(m.group(1)), m.group(2)) if m else None


def fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - Windows cannot open a folder for fsync
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# A write to the share that has not finished after this many seconds is given up: a share
# that stops answering (a server that hangs, a frozen file system) must not hang sync.
WRITE_TIMEOUT = 120.0


def write_new(folder: Path, name: str, data: bytes, timeout: float | None = None) -> Path:
    """Write ``data`` as ``folder/name``: temporary name, flush, fsync, rename, fsync the folder.

    On any failure the temporary file is removed (when the share still lets us)
    and the error is raised; a final name never holds a partial file. The write
    runs in a thread of its own: when the share stalls it for longer than
    ``timeout`` (default ``WRITE_TIMEOUT``), ``TimeoutError`` (an ``OSError``,
    ETIMEDOUT) is raised here and the stalled thread is left to finish or fail
    on its own. If it later completes, the file it leaves is whole and valid
    (it was written under a temporary name and renamed), and the next export
    adopts it, as after a crash between the rename and the mark.
    """
    limit = WRITE_TIMEOUT if timeout is None else timeout
    done = threading.Event()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["path"] = _write_new(folder, name, data)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="share-write", daemon=True).start()
    if not done.wait(limit):
        raise TimeoutError(errno.ETIMEDOUT, "the shared folder stopped answering (a write to it "
                           f"did not finish within {limit:g} seconds)")
    if "error" in box:
        raise box["error"]
    path: Path = box["path"]
    return path


def _write_new(folder: Path, name: str, data: bytes) -> Path:
    tmp = folder / f"{TMP_PREFIX}{secrets.token_hex(8)}"
    final = folder / name
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        fsync_folder(folder)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return final


@dataclass(frozen=True)
class Listed:
    """One name found in a device's folder, with what ``stat`` says (the file is not opened)."""

    device: str
    name: str
    relpath: str
    size: int
    mtime_ns: int
    archived: bool

    @property
    def key(self) -> str:
        """The file's identity for bookkeeping: the same after it was moved to the archive."""
        return f"{DEVICES}/{self.device}/{self.name}"


def list_devices(folder: Path) -> tuple[list[Listed], list[tuple[str, str]]]:
    """Every file in ``folder/devices`` (with archives), and names that are not ours (with why).

    Raises ``OSError`` when the folder cannot be listed.
    """
    found: list[Listed] = []
    odd: list[tuple[str, str]] = []
    devices = folder / DEVICES
    if not devices.exists():
        return found, odd
    with os.scandir(devices) as top:
        for dev in top:
            if not dev.is_dir(follow_symlinks=False):
                odd.append((f"{DEVICES}/{dev.name}", "not a workstation folder"))
                continue
            if not DEVICE_NAME.match(dev.name):
                odd.append((f"{DEVICES}/{dev.name}", "the folder name is not a workstation id"))
                continue
            _scan(dev.path, dev.name, f"{DEVICES}/{dev.name}", False, found, odd)
    return found, odd


def _scan(path: str, device: str, rel: str, archived: bool, found: list[Listed],
          odd: list[tuple[str, str]]) -> None:
    with os.scandir(path) as items:
        for item in items:
            relpath = f"{rel}/{item.name}"
            if item.name.startswith(TMP_PREFIX) or item.name in (JOIN, ACK, ACCOUNTS):
                continue
            if item.name == ARCHIVE and not archived and item.is_dir(follow_symlinks=False):
                _scan(item.path, device, relpath, True, found, odd)
                continue
            if item.is_symlink() or not item.is_file(follow_symlinks=False):
                odd.append((relpath, "not a plain file (a link or a folder)"))
                continue
            if parse_name(item.name) is None:
                odd.append((relpath, "the name is not a change file name"))
                continue
            st = item.stat(follow_symlinks=False)
            found.append(Listed(device, item.name, relpath, st.st_size, st.st_mtime_ns, archived))
