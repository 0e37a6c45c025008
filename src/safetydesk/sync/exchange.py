"""The exchange API of the store, as agreed with the history (issue 10).

The sync package is written against ``HistoryExchange`` only, so the real
``Store`` and the in-memory stand-in of the tests are interchangeable. The wire
format of one entry is fixed here: a JSON dict with exactly ``WIRE_KEYS``,
whose ``hash`` is SHA-256 over the canonical JSON of every other key except
``sig``, and whose ``sig`` is the device's Ed25519 signature of that hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from safetydesk.domain.changes import NO_CHANGES, Changes

ENTRY_FORMAT = 1

WIRE_KEYS = frozenset({
    "format", "id", "device", "dseq", "prev", "hlc", "user", "record_type", "record_id",
    "action", "changes", "reason", "bases", "wall_time", "hash", "sig",
})


def canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(entry: dict[str, Any]) -> str:
    """The hash an entry must carry: over every key except ``hash`` and ``sig``."""
    body = {k: v for k, v in entry.items() if k not in ("hash", "sig")}
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def signed_bytes(hash_hex: str) -> bytes:
    """What the device signs for an entry: the hash as its ASCII hex text."""
    return hash_hex.encode("ascii")


@dataclass(frozen=True)
class DeviceHead:
    device: str
    seq: int
    hash: str


@dataclass
class ImportReport:
    imported: int = 0
    duplicates: int = 0
    held: list[tuple[str, str]] = field(default_factory=list)
    touched: Changes = NO_CHANGES


class HistoryExchange(Protocol):
    """What sync needs from the store (``Store`` implements it; so does the tests' stand-in)."""

    @property
    def device_id(self) -> str: ...

    def device_heads(self) -> dict[str, DeviceHead]: ...

    def entries_since(self, device: str, after_seq: int, limit: int = 1000) -> list[dict[str, Any]]: ...

    def import_entries(self, entries: Iterable[dict[str, Any]],
                       blobs: Mapping[str, bytes] | None = None) -> Any: ...

    def blobs_for(self, entries: Iterable[dict[str, Any]]) -> dict[str, bytes]: ...

    def import_blobs(self, blobs: Mapping[str, bytes]) -> Any: ...

    def missing_blobs(self, digests: Iterable[str] | None = None) -> list[str]: ...

    def missing_blob_entries(self) -> list[dict[str, Any]]: ...

    def blob_digests(self) -> list[str]: ...

    def public_key(self, device: str) -> bytes | None: ...

    def sign(self, data: bytes) -> bytes: ...


def wire_problem(entry: Any) -> str | None:
    """Why ``entry`` is not a well-formed wire dict (shape only), or None."""
    if not isinstance(entry, dict):
        return "an entry is not an object"
    keys = set(entry)
    if keys != WIRE_KEYS:
        extra, missing = sorted(keys - WIRE_KEYS), sorted(WIRE_KEYS - keys)
        return f"an entry has unexpected fields {extra} or lacks {missing}"
    if not isinstance(entry["format"], int) or isinstance(entry["format"], bool):
        return "an entry's format is not a number"
    if not isinstance(entry["dseq"], int) or isinstance(entry["dseq"], bool) or entry["dseq"] < 1:
        return "an entry's sequence number is not a positive number"
    for key in ("id", "device", "prev", "hlc", "user", "record_type", "record_id", "action",
                "reason", "wall_time", "hash", "sig"):
        if not isinstance(entry[key], str):
            return f"an entry's {key} is not text"
    if not isinstance(entry["bases"], list) or not all(isinstance(b, str) for b in entry["bases"]):
        return "an entry's bases are not a list of hashes"
    return None


def entry_problem(entry: dict[str, Any], public_key: bytes | None) -> str | None:
    """Why ``entry`` must not be applied (hash, signature), or None. Shape checked first."""
    shape = wire_problem(entry)
    if shape:
        return shape
    if entry_hash(entry) != entry["hash"]:
        return "an entry's content does not match its hash (altered)"
    if public_key is None:
        return "an entry is from a workstation whose key is not known"
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            bytes.fromhex(entry["sig"]), signed_bytes(entry["hash"]))
    except (InvalidSignature, ValueError):
        return "an entry's signature is not its workstation's"
    return None


# An entry of a school this workstation does not serve travels as a STUB: the
# chain link without the content (``withheld`` names its scope), so the device's
# chain has no gap where that school's entries are. The signature still covers
# the hash, and the next entry's ``prev`` links to it.
STUB_KEYS = frozenset({"format", "device", "dseq", "prev", "hash", "sig", "withheld"})


def stub(device: str, dseq: int, hash_hex: str, prev: str, sig: str, scope: str) -> dict[str, Any]:
    return {"format": ENTRY_FORMAT, "device": device, "dseq": dseq, "prev": prev,
            "hash": hash_hex, "sig": sig, "withheld": scope}
