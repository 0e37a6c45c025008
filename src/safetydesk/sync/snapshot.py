"""Snapshots: one file that lets a new workstation start without opening thousands.

A snapshot bundles, byte for byte, the change files it covers (each keeps its
own workstation's signature and seal, so a snapshot needs no trust of its own:
every inner file is checked like any other). Its name is the SHA-256 of its
content, and its content depends only on the files it covers (sorted by
workstation and sequence), so two workstations that write the same snapshot
at the same time write the same bytes under the same name: no lock needed.

    magic "SDSNAP\\r\\n" | format u16 | count u32 | count x (length u32 | change file)
"""

from __future__ import annotations

import hashlib
import struct

from safetydesk.sync import changefile
from safetydesk.sync.errors import InvalidChangeFile

MAGIC = b"SDSNAP\r\n"
FORMAT = 1
MAX_SNAPSHOT = 1024 * 1024 * 1024
MAX_FILES = 1_000_000
SUFFIX = ".sds"


def _order(data: bytes) -> tuple[str, int, str]:
    h = changefile.read_header(data)
    return (h.device, h.first_seq, changefile.file_hash(data))


def bundle(files: list[bytes]) -> bytes:
    unique = {changefile.file_hash(f): f for f in files}
    ordered = sorted(unique.values(), key=_order)
    out = bytearray(MAGIC + struct.pack(">HI", FORMAT, len(ordered)))
    for f in ordered:
        out += struct.pack(">I", len(f)) + f
    return bytes(out)


def name_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() + SUFFIX


def unbundle(data: bytes) -> list[bytes]:
    """The change files inside a snapshot (each still to be checked), or InvalidChangeFile."""
    if len(data) > MAX_SNAPSHOT or len(data) < len(MAGIC) + 6 or not data.startswith(MAGIC):
        raise InvalidChangeFile("the snapshot is not a SafetyDesk snapshot")
    fmt, count = struct.unpack_from(">HI", data, len(MAGIC))
    if fmt > FORMAT:
        raise changefile.NewerFormat("the snapshot was written by a newer SafetyDesk")
    if count > MAX_FILES:
        raise InvalidChangeFile("the snapshot lists more files than any real one")
    at = len(MAGIC) + 6
    out = []
    for _ in range(count):
        if at + 4 > len(data):
            raise InvalidChangeFile("the snapshot is cut short")
        (size,) = struct.unpack_from(">I", data, at)
        at += 4
        if size > changefile.MAX_FILE or at + size > len(data):
            raise InvalidChangeFile("the snapshot is cut short or holds an oversized file")
        out.append(data[at:at + size])
        at += size
    if at != len(data):
        raise InvalidChangeFile("the snapshot has bytes after its last file")
    return out
