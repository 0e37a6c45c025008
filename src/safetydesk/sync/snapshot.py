"""Snapshots: one file that lets a new workstation start without opening thousands.

A snapshot bundles, byte for byte, the change files it covers (each keeps its
own workstation's signature and seal, so a snapshot needs no trust of its own:
every inner file is checked like any other). Its name is the SHA-256 of its
content, and its content depends only on the files it covers (sorted by
workstation and sequence), so two workstations that write the same snapshot
at the same time write the same bytes under the same name: no lock needed.

    magic "SDSNAP\\r\\n" | format u16 | count u32 | count x (length u32 | change file)

A joining workstation reads a snapshot through ``Reader``: its framing is walked
once (each inner file's header read and its hash taken, one file at a time), and
each inner file's bytes are read again from the same open file only when its run
is checked and applied, so a snapshot of a million-entry district is never held
in memory whole.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

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



@dataclass(frozen=True)
class Packed:
    """One change file inside an open snapshot: where it is, its hash, and its header
    (read for shape only: nothing in it is trusted before the file is checked)."""

    header: changefile.Header
    file_hash: str
    offset: int
    size: int


class Reader:
    """A snapshot read from an open file one inner file at a time (the format of ``unbundle``).

    ``count`` is known as soon as it is opened; ``files()`` walks every inner file
    in order with the same checks as ``unbundle`` (raising InvalidChangeFile at the
    first fault, including bytes after the last file), and ``read`` fetches one
    inner file's bytes again later.
    """

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.size = os.fstat(fh.fileno()).st_size
        fh.seek(0)
        head = fh.read(len(MAGIC) + 6)
        if self.size > MAX_SNAPSHOT or len(head) < len(MAGIC) + 6 or not head.startswith(MAGIC):
            raise InvalidChangeFile("the snapshot is not a SafetyDesk snapshot")
        fmt, count = struct.unpack_from(">HI", head, len(MAGIC))
        if fmt > FORMAT:
            raise changefile.NewerFormat("the snapshot was written by a newer SafetyDesk")
        if count > MAX_FILES:
            raise InvalidChangeFile("the snapshot lists more files than any real one")
        self.count: int = count

    def files(self) -> Iterator[tuple[int, bytes]]:
        """(offset, bytes) of each inner file, in the snapshot's order."""
        at = len(MAGIC) + 6
        for _ in range(self.count):
            if at + 4 > self.size:
                raise InvalidChangeFile("the snapshot is cut short")
            self.fh.seek(at)
            raw = self.fh.read(4)
            if len(raw) != 4:
                raise InvalidChangeFile("the snapshot is cut short")
            (size,) = struct.unpack(">I", raw)
            at += 4
            if size > changefile.MAX_FILE or at + size > self.size:
                raise InvalidChangeFile("the snapshot is cut short or holds an oversized file")
            data = self.fh.read(size)
            if len(data) != size:
                raise InvalidChangeFile("the snapshot is cut short")
            yield at, data
            at += size
        if at != self.size:
            raise InvalidChangeFile("the snapshot has bytes after its last file")

    def read(self, packed: Packed) -> bytes:
        """The bytes of one inner file, read again (OSError when the share went away)."""
        self.fh.seek(packed.offset)
        return self.fh.read(packed.size)
