"""History entries and their hash chain (P25)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """The one JSON spelling of a value: hashed, stored and exchanged byte for byte."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Change:
    """A change to append: ``changes`` maps each field to ``[before, after]``."""

    record_type: str
    record_id: str
    action: str
    changes: dict[str, list[Any]]
    reason: str = ""


@dataclass(frozen=True)
class Entry:
    seq: int
    id: str
    hlc: str
    device: str
    user: str
    record_type: str
    record_id: str
    action: str
    changes: dict[str, list[Any]]
    reason: str
    wall_time: str
    prev_hash: str
    hash: str


HASHED_COLUMNS = (
    "id", "hlc", "device", "user", "record_type", "record_id", "action", "changes", "reason",
    "wall_time", "prev_hash",
)


def entry_hash(row: dict[str, Any] | tuple) -> str:
    """SHA-256 over the stored columns (``changes`` as its stored canonical text)."""
    values = [row[c] for c in HASHED_COLUMNS] if isinstance(row, dict) else list(row)
    return hashlib.sha256(canonical(values).encode("utf-8")).hexdigest()


def fold(state: dict[str, Any] | None, changes: dict[str, list[Any]]) -> dict[str, Any]:
    """Apply one entry's changes: every field takes its ``after`` value."""
    new = dict(state or {})
    for key, (_before, after) in changes.items():
        new[key] = after
    return new
