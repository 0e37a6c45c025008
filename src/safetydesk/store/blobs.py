"""Files stored once, by content (sha256), inside the encrypted data file.

An entry REFERENCES a blob when its changes set the field ``blob`` to a
sha256 (``{"blob": [before, "<64 hex>"]}``); the bytes live in the ``blobs``
table (``sha256``, ``size``, ``data``), which SQLCipher encrypts like every
other page of the file. The entry's hash covers the reference, and the
reference is the content's hash, so the bytes are as tamper-evident as the
entry. The same file attached twice is stored once.

Files written before blobs existed carry their bytes as base64 in the
attachment record's history entry (``content_b64``). Those entries are signed
over their content and are never rewritten: they keep verifying and folding as
they are. What the fold derives from them is stored by reference: the record's
derived state holds ``blob`` instead of the base64 text, and the bytes go in
the ``blobs`` table (m055 moved the existing ones).

The sync layer carries blobs beside entries: `blobs_for` gives the bytes the
given entries reference, `import_blobs` stores them (checking each hash).

HOLD SEMANTICS. An entry from another workstation whose blob has not arrived
is NOT held: its record's content is signed and complete without the bytes
(the entry names their sha256), so it applies at once, and the attachment reads
as "the file has not arrived yet" until the bytes come (`missing` lists what
this file waits for; sync asks the other workstations for it). Holding it would
stop every later entry of that workstation behind one file, possibly for ever
when the sender lost it. The bytes, when they arrive, are checked against the
sha256 the signed entry names, so they are as trustworthy as the entry. Only
this workstation's OWN entries must have their bytes here (`problems`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

BLOB_FIELD = "blob"
LEGACY_FIELD = "content_b64"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _is_sha(text: Any) -> bool:
    return isinstance(text, str) and len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def refs_of_changes(changes: Any) -> list[str]:
    """The blobs an entry's changes reference (a well-formed ``blob`` field set to a sha256)."""
    if not isinstance(changes, dict):
        return []
    change = changes.get(BLOB_FIELD)
    if isinstance(change, list) and len(change) == 2 and _is_sha(change[1]):
        return [change[1]]
    return []


def blob_refs(entry: Mapping[str, Any]) -> list[str]:
    """The sha256 of every blob a wire entry references (none for a withheld stub)."""
    return refs_of_changes(entry.get("changes"))


def put(conn: Any, data: bytes) -> str:
    """Store bytes once (inside the open transaction); returns their sha256."""
    digest = sha256_hex(data)
    conn.execute("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)",
                 (digest, len(data), data))
    return digest


def get(conn: Any, digest: str) -> bytes | None:
    """The bytes of a blob, or None when this file does not hold it (or holds damaged bytes)."""
    row = conn.execute("SELECT data FROM blobs WHERE sha256 = ?", (digest,)).fetchone()
    if row is None:
        return None
    data = bytes(row[0])
    return data if sha256_hex(data) == digest else None


def digests(conn: Any) -> list[str]:
    """The sha256 of every file this data file holds (no bytes are read)."""
    return [r[0] for r in conn.execute("SELECT sha256 FROM blobs ORDER BY sha256")]


def has(conn: Any, digest: str) -> bool:
    return conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (digest,)).fetchone() is not None


# verify's scratch (schema prefix ``{s}``): the legacy payloads its rebuild met, which the data
# file's ``blobs`` must hold; verify only reads the data file, so it notes them there instead.
EXPECTED_SQL = "CREATE TABLE IF NOT EXISTS {s}blobs_expected (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL)"


def store_state(conn: Any, state: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The state as stored in the derived tables: a legacy base64 payload moves to ``blobs``.

    A function of the state alone (the same entries give the same stored state), so a
    rebuild and `verify` agree with it. With ``prefix`` (verify's scratch rebuild) nothing is
    written to ``blobs``: the payload is noted in the scratch's ``blobs_expected``."""
    text = state.get(LEGACY_FIELD)
    if not isinstance(text, str):
        return state
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return state  # damaged: kept as it is (reading it says so)
    out = {k: v for k, v in state.items() if k != LEGACY_FIELD}
    if prefix:
        out[BLOB_FIELD] = sha256_hex(data)
        conn.execute(f"INSERT OR IGNORE INTO {prefix}blobs_expected (sha256, size) VALUES (?, ?)",
                     (out[BLOB_FIELD], len(data)))
    else:
        out[BLOB_FIELD] = put(conn, data)
    return out


def blobs_for(conn: Any, entries: Iterable[Mapping[str, Any]]) -> dict[str, bytes]:
    """sha256 -> bytes of every blob the entries reference that this file holds."""
    out: dict[str, bytes] = {}
    for entry in entries:
        for digest in blob_refs(entry):
            if digest not in out:
                data = get(conn, digest)
                if data is not None:
                    out[digest] = data
    return out


def import_into(conn: Any, blobs: Mapping[str, bytes]) -> tuple[int, list[str]]:
    """Store received blobs whose bytes match their sha256: (how many new, the refused shas)."""
    stored, refused = 0, []
    for digest, data in blobs.items():
        if not isinstance(data, bytes | bytearray | memoryview) or sha256_hex(bytes(data)) != digest:
            refused.append(str(digest))
            continue
        if not has(conn, digest):
            put(conn, bytes(data))
            stored += 1
    return stored, refused


def _referencing(conn: Any) -> Iterable[tuple[str, str, str, str, dict[str, Any], str]]:
    """(sha256, record type, record id, device, changes, wall time) of each full entry
    referencing a blob, oldest first."""
    for rt, rid, device, changes, wall in conn.execute(
            "SELECT record_type, record_id, device, changes, wall_time FROM history "
            "WHERE changes LIKE '%\"blob\":%' ORDER BY seq"):
        parsed = json.loads(changes)
        for digest in refs_of_changes(parsed):
            yield digest, rt, rid, device, parsed, wall


def missing(conn: Any, digests: Iterable[str] | None = None) -> list[str]:
    """The blobs among ``digests`` this file does not hold (every referenced one when None:
    a scan of the history, for a first look; sync keeps the list afterwards)."""
    if digests is None:
        digests = [d for d, *_rest in _referencing(conn)]
    out: list[str] = []
    for digest in digests:
        if digest not in out and not has(conn, digest):
            out.append(digest)
    return out


def missing_entries(conn: Any) -> list[dict[str, Any]]:
    """For each blob the history names but this file lacks, the first entry naming it (as a
    partial wire dict: device, record_type, record_id, changes, wall_time). A history scan."""
    out: dict[str, dict[str, Any]] = {}
    for digest, rt, rid, device, changes, wall in _referencing(conn):
        if digest not in out and not has(conn, digest):
            out[digest] = {"device": device, "record_type": rt, "record_id": rid,
                           "changes": changes, "wall_time": wall}
    return list(out.values())


def problems(conn: Any, own_device: str | None = None) -> list[str]:
    """Damaged blobs, and entries whose blob is missing (for `verify`).

    With ``own_device``, only that device's own entries must have their blob here: another
    workstation's file that has not arrived yet is awaited, not damage (see the module's
    hold semantics)."""
    out: list[str] = []
    for digest, size, data in conn.execute("SELECT sha256, size, data FROM blobs ORDER BY sha256"):
        data = bytes(data)
        if sha256_hex(data) != digest or len(data) != size:
            out.append(f"A stored file ({digest[:12]}…) was altered: its bytes do not match its checksum.")
    seen: set[str] = set()
    for digest, rt, rid, device, _changes, _wall in _referencing(conn):
        if own_device is not None and device != own_device:
            continue
        if digest not in seen and not has(conn, digest):
            out.append(f"The file of {rt} {rid} ({digest[:12]}…) is missing from the data file.")
        seen.add(digest)
    return out
