"""This workstation's bookkeeping of the exchange: a small sidecar file in the data folder.

It pins what the workstation joined (district id, the folder's id, the
administrators' workstations it trusts, the removed workstations), remembers
what it exported and which files it has already read (by name, size, mtime and
hash, so a pass over an unchanged share opens nothing), the files it held and
why, and when it last synced. Written atomically. Losing it loses nothing:
every file is read again, and import ignores what the history already holds.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from safetydesk.atomic import write_atomically

FILE_NAME = "sync-state.json"
FORMAT = 1


@dataclass
class SyncState:
    share: str = ""
    device: str = ""                                              # this workstation's device id
    district: str = ""
    share_id: str = ""
    manifest_generation: int = 0
    trusted: dict[str, str] = field(default_factory=dict)        # admin device -> public key hex
    devices: dict[str, str] = field(default_factory=dict)        # device -> public key hex (pinned)
    removed: dict[str, int] = field(default_factory=dict)        # device -> last accepted seq
    exported_seq: int = 0
    exported_file: str = ""                                       # hash of our newest file
    seen: dict[str, list[Any]] = field(default_factory=dict)     # relpath -> [size, mtime_ns, hash]
    files: dict[str, dict[str, str]] = field(default_factory=dict)  # device -> {last seq: hash}
    high: dict[str, int] = field(default_factory=dict)           # device -> first seq of newest file read
    held: dict[str, dict[str, Any]] = field(default_factory=dict)   # relpath -> reason, size, mtime
    waiting: int = 0                                              # entries the history holds
    last_sync: str = ""
    offline_since: str = ""
    stopped: str = ""                                             # why sync stopped, if it did
    memo: dict[str, str] = field(default_factory=dict)           # record id -> school id
    snapshot_covered: int = 0                                     # files read when last bundled
    reread_schools: list[str] = field(default_factory=list)      # keys received, older files not re-read
    # device -> {name, schools (None: every school), at: when it last synced, by its signed ack}
    synced_at: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Attached files this workstation's history names but does not hold (sync/carrier.py):
    # sha256 -> {scope, record_type, record_id, name, device (whose entry names it), since,
    # refused: {writer workstation: why its carrier was refused}}. Asked for in the ack.
    wanted: dict[str, dict[str, Any]] = field(default_factory=dict)
    wanted_scanned: bool = False                                  # the history was looked over once

    @property
    def joined(self) -> bool:
        return bool(self.district)

    def save(self, path: Path) -> None:
        write_atomically(json.dumps({"format": FORMAT, **asdict(self)}, separators=(",", ":"))
                         .encode("utf-8"), path)

    @classmethod
    def load(cls, path: Path) -> SyncState:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            return cls()
        raw.pop("format", None)
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        return cls(**known)
