"""Every location SafetyDesk uses, from platformdirs. ``--home DIR`` or SAFETYDESK_HOME overrides all.

``site`` is the machine-wide folder where district IT puts the site
configuration (safetydesk.site): platformdirs' ``site_config_dir``, shared by
every user of the machine and never written by SafetyDesk.

The live data file is never placed on a network drive (DESIGN.md, Storage):
SQLite's locking is unreliable over SMB and NFS, and a dropped connection can
damage the file. Sharing between workstations goes through the sync folder.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from safetydesk.domain.errors import DataFolderError

APP = "SafetyDesk"
AUTHOR = "SafetyDesk"
DATA_FILE = "safetydesk.sqlite"

NETWORK_FS_TYPES = frozenset(
    {
        "cifs", "smb", "smb2", "smb3", "smbfs", "nfs", "nfs4", "afs", "ncpfs", "9p",
        "sshfs", "fuse.sshfs", "davfs", "fuse.davfs2", "webdav", "glusterfs", "ceph",
        "fuse.glusterfs", "fuse.cephfs", "lustre", "gpfs", "afpfs", "fuse.rclone", "fuse.s3fs",
    }
)


@dataclass(frozen=True)
class Paths:
    data: Path
    config: Path
    logs: Path
    cache: Path
    site: Path | None = None  # the district's site configuration folder (read only)

    @property
    def data_file(self) -> Path:
        return self.data / DATA_FILE

    @property
    def backups(self) -> Path:
        return self.data / "backups"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    def ensure(self) -> Paths:
        for folder in (self.data, self.config, self.logs, self.cache):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DataFolderError(
                    f"SafetyDesk cannot create the folder {folder}: {exc.strerror or exc}. "
                    "Choose another location with --home, or ask IT to fix the permissions."
                ) from exc
        return self


def resolve(home: str | os.PathLike[str] | None = None) -> Paths:
    """The folders to use: ``home`` (or SAFETYDESK_HOME) for everything, else the platform's."""
    chosen = home or os.environ.get("SAFETYDESK_HOME")
    if chosen:
        root = Path(chosen).expanduser().absolute()
        return Paths(root / "data", root / "config", root / "logs", root / "cache", root / "site")
    return Paths(
        Path(platformdirs.user_data_dir(APP, AUTHOR)),
        Path(platformdirs.user_config_dir(APP, AUTHOR)),
        Path(platformdirs.user_log_dir(APP, AUTHOR)),
        Path(platformdirs.user_cache_dir(APP, AUTHOR)),
        site_folder(),
    )


def site_folder() -> Path:
    """The machine-wide site configuration folder: C:\\ProgramData\\SafetyDesk, /etc/xdg/SafetyDesk, ..."""
    return Path(platformdirs.site_config_dir(APP, appauthor=False))


def network_location(path: Path) -> str | None:
    """Why ``path`` is on a network drive, or None if it is local."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "it is a network (UNC) path"
    if sys.platform == "win32":
        return _windows_remote_drive(path)
    fstype = filesystem_type(path)
    if fstype and (fstype in NETWORK_FS_TYPES or fstype.split(".")[-1] in NETWORK_FS_TYPES):
        return f"it is on a network file system ({fstype})"
    return None


def filesystem_type(path: Path, mounts_file: str = "/proc/self/mounts") -> str | None:
    """The file system type of the mount that holds ``path`` (Linux; macOS via statfs)."""
    target = _existing_ancestor(path)
    if sys.platform == "darwin":  # pragma: no cover - exercised on macOS only
        return _macos_fstype(target)
    try:
        with open(mounts_file, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    return fstype_from_mounts(target, lines)


def fstype_from_mounts(path: Path, mount_lines: list[str]) -> str | None:
    best, best_type = "", None
    text = str(path)
    for line in mount_lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        inside = text == mount_point or text.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, parts[2]
    return best_type


def _existing_ancestor(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    try:
        return path.resolve()
    except OSError:
        return path


def _windows_remote_drive(path: Path) -> str | None:  # pragma: no cover - Windows only
    import ctypes

    drive = os.path.splitdrive(str(path.absolute()))[0]
    if not drive:
        return None
    DRIVE_REMOTE = 4
    kind = ctypes.windll.kernel32.GetDriveTypeW(drive + "\\")  # type: ignore[attr-defined]
    return f"drive {drive} is a network drive" if kind == DRIVE_REMOTE else None


def _macos_fstype(path: Path) -> str | None:  # pragma: no cover - macOS only
    import subprocess

    try:
        out = subprocess.run(["stat", "-f", "%T", str(path)], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def check_data_folder(paths: Paths) -> None:
    """Refuse a data folder on a network drive, saying why and what to do."""
    reason = network_location(paths.data)
    if reason:
        raise DataFolderError(
            f"SafetyDesk will not keep its data file in {paths.data} because {reason}. "
            "A live database on a network drive can be damaged when the connection drops, and "
            "other workstations cannot safely share it. Choose a folder on this computer's own "
            "disk (--home or SAFETYDESK_HOME); to share records between workstations, set the "
            "network folder as the sync folder instead."
        )
