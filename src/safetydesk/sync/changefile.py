"""The change file (``.sdc``): one device's consecutive history entries, sealed and signed.

Layout (big-endian), parsed strictly with a size limit on every part::

    header   magic "SDSYNC\\r\\n" | format u16 | schema u16
             | district id (u8 length + ASCII) | device id (u8 length + ASCII)
             | first device seq u64 | last device seq u64
             | SHA-256 of the previous file of this device (32 bytes; zeros for the first)
             | section count u16 | body length u32 | nonce (12 bytes)
    body     sections, each: scope (u8 length + ASCII) | sealed length u32 | sealed bytes
    trailer  Ed25519 signature (64 bytes) by the device over header + body

Each section is AES-256-GCM under the key of its scope (``keys.SyncKeys``),
with the header, the scope and the section's index as associated data, so a
section cannot be moved to another file or another place. The plaintext is a
zlib-compressed JSON object, decompressed with a hard bound (no zip bomb).

SafetyDesk now WRITES only format 1: attachments' files travel in file carriers
of their own (sync/carrier.py), so a workstation not yet upgraded reads every
change file, and an attachment never holds back the changes after it. It still
READS format 2, which the previous release wrote when files travelled inside
change files (such files are on shares now).

Format 2 adds the
files (blobs) to the section of the entries that reference them, so a file
travels under the same key as its entry (a withheld entry's file is withheld
with it). The plaintext of a format-2 section is::

    json length u32 | zlib-compressed JSON | files, each: sha256 (32 bytes) | length u32 | bytes

The bytes are stored as they are (attachments are mostly compressed formats
already; nothing in them is inflated, so no bomb can hide there), each checked
against its sha256 and against the entries of its section (a file no entry of
the section references is refused).

The first section is always the district's: it lists the chain of every entry
of the file, ``[dseq, hash, prev, scope, sig]``, so a workstation that cannot read a
school's section still checks that nothing was left out; then the district-wide
entries. School sections hold that school's entries.

A file's identity is the SHA-256 of all its bytes; it is the ``<hash>`` of its
name and the "previous file" of the device's next file.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from safetydesk.store.blobs import blob_refs, sha256_hex
from safetydesk.sync import crypto
from safetydesk.sync.errors import InvalidChangeFile
from safetydesk.sync.exchange import ENTRY_FORMAT, entry_hash, entry_problem, stub, wire_problem
from safetydesk.sync.keys import DISTRICT, SyncKeys, valid_scope

MAGIC = b"SDSYNC\r\n"
FORMAT = 2          # the newest format this SafetyDesk reads (format 2: files inside; read only)
PLAIN_FORMAT = 1    # what it writes (files travel in carriers), readable by older workstations
SCHEMA = 1
SIG_BYTES = 64
ZERO_HASH = b"\0" * 32

MAX_FILE = 32 * 1024 * 1024          # bytes of one change file
MAX_PLAIN = 128 * 1024 * 1024        # bytes of one section once decompressed
MAX_RATIO = 200                      # decompressed / compressed, beyond which it is a bomb
MAX_ENTRIES = 20_000                 # entries in one file
MAX_BLOBS = 4096                     # files (blobs) in one section
MAX_SECTIONS = 512
MIN_SIZE = len(MAGIC) + 4 + 2 + 16 + 32 + 2 + 4 + 12 + SIG_BYTES

_ID = re.compile(rb"^[0-9A-Za-z_-]{1,64}$")

ScopeOf = Callable[[dict[str, Any]], str]


class NewerFormat(InvalidChangeFile):
    """Written by a newer SafetyDesk: kept until this workstation is upgraded."""


@dataclass(frozen=True)
class Header:
    format: int
    schema: int
    district: str
    device: str
    first_seq: int
    last_seq: int
    prev_file: str      # hex, "" for a device's first file
    sections: int
    body_length: int
    nonce: bytes
    raw: bytes


@dataclass
class ChangeFile:
    header: Header
    file_hash: str
    chain: list[tuple[int, str, str, str, str]]    # (dseq, hash, prev, scope, sig) of every entry
    entries: list[dict[str, Any]] = field(default_factory=list)   # those this workstation can read
    withheld: set[str] = field(default_factory=set)              # scopes it has no key for
    blobs: dict[str, bytes] = field(default_factory=dict)         # sha256 -> bytes, readable sections


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pack_id(text: str) -> bytes:
    raw = text.encode("ascii")
    if not _ID.match(raw):
        raise ValueError(f"not an id: {text!r}")
    return struct.pack(">B", len(raw)) + raw


def _header(district: str, device: str, first: int, last: int, prev_file: str,
            sections: int, body_length: int, nonce: bytes, fmt: int = PLAIN_FORMAT,
            schema: int = SCHEMA) -> bytes:
    prev = bytes.fromhex(prev_file) if prev_file else ZERO_HASH
    return (MAGIC + struct.pack(">HH", fmt, schema) + _pack_id(district) + _pack_id(device)
            + struct.pack(">QQ", first, last) + prev + struct.pack(">HI", sections, body_length)
            + nonce)


def _section_nonce(nonce: bytes, index: int) -> bytes:
    return nonce[:-2] + ((int.from_bytes(nonce[-2:], "big") ^ index) & 0xFFFF).to_bytes(2, "big")


def _aad(header: bytes, scope: bytes, index: int) -> bytes:
    return header + struct.pack(">BH", len(scope), index) + scope


def build(entries: list[dict[str, Any]], *, keys: SyncKeys, device: str, prev_file: str,
          sign: Callable[[bytes], bytes], scope_of: ScopeOf, nonce: bytes | None = None,
          fmt: int | None = None, schema: int = SCHEMA,
          blobs: dict[str, bytes] | None = None) -> bytes:
    """The bytes of a change file holding ``entries`` (one device's, consecutive).

    ``blobs`` (sha256 -> bytes): the files the entries reference; each goes in the section of
    the entry that references it (those no entry references are left out). Sync passes none
    (files travel in carriers); ``blobs`` makes the previous release's format 2, which readers
    still accept. ``fmt``: by default format 1 when no file travels, format 2 when one does."""
    if not entries:
        raise ValueError("a change file holds at least one entry")
    first, last = entries[0]["dseq"], entries[-1]["dseq"]
    if [e["dseq"] for e in entries] != list(range(first, last + 1)):
        raise ValueError("a change file holds consecutive entries of one device")
    chain = []
    groups: dict[str, list[dict[str, Any]]] = {DISTRICT: []}
    for entry in entries:
        if entry["device"] != device:
            raise ValueError("a change file holds one device's entries")
        scope = scope_of(entry)
        if keys.for_scope(scope) is None:
            raise ValueError(f"no key for {scope}")
        chain.append([entry["dseq"], entry["hash"], entry["prev"], scope, entry["sig"]])
        groups.setdefault(scope, []).append(entry)
    payloads: list[tuple[str, dict[str, Any]]] = [
        (DISTRICT, {"chain": chain, "entries": groups.pop(DISTRICT)})]
    payloads += [(scope, {"entries": items}) for scope, items in sorted(groups.items())]
    files = {scope: _files_of(p["entries"], blobs or {}) for scope, p in payloads}
    if fmt is None:
        fmt = FORMAT if any(files.values()) else PLAIN_FORMAT
    if fmt < FORMAT and any(files.values()):
        raise ValueError("files travel only in a format-2 change file")
    nonce = nonce or crypto.new_nonce()
    compressed = []
    for scope, p in payloads:
        packed = zlib.compress(json.dumps(p, separators=(",", ":"), ensure_ascii=False).encode(), 6)
        if fmt >= FORMAT:
            packed = struct.pack(">I", len(packed)) + packed + b"".join(
                bytes.fromhex(digest) + struct.pack(">I", len(data)) + data
                for digest, data in files[scope])
        compressed.append((scope.encode("ascii"), packed))
    # The sealed length of each section is the compressed length + 16 (the GCM tag).
    body_length = sum(1 + len(s) + 4 + len(c) + 16 for s, c in compressed)
    header = _header(keys.district_id, device, first, last, prev_file, len(compressed),
                     body_length, nonce, fmt, schema)
    body = bytearray()
    for index, (scope_raw, plain) in enumerate(compressed):
        key = keys.for_scope(scope_raw.decode())
        assert key is not None
        sealed = crypto.encrypt(key, _section_nonce(nonce, index), plain,
                                _aad(header, scope_raw, index))
        body += struct.pack(">B", len(scope_raw)) + scope_raw + struct.pack(">I", len(sealed)) + sealed
    signed = header + bytes(body)
    return signed + sign(signed)


def _files_of(entries: list[dict[str, Any]], blobs: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """The files (sha256, bytes) these entries reference that ``blobs`` holds, once each, sorted."""
    wanted = sorted({d for e in entries for d in blob_refs(e) if d in blobs})
    return [(d, bytes(blobs[d])) for d in wanted]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.at + n > len(self.data):
            raise InvalidChangeFile("the file is cut short (truncated or damaged)")
        part = self.data[self.at:self.at + n]
        self.at += n
        return part

    def u(self, fmt: str) -> int:
        size = struct.calcsize(fmt)
        return int(struct.unpack(fmt, self.take(size))[0])

    def ident(self, what: str) -> str:
        raw = self.take(self.u(">B"))
        if not _ID.match(raw):
            raise InvalidChangeFile(f"the file's {what} is not a valid id")
        return raw.decode("ascii")


def read_header(data: bytes) -> Header:
    """The header of ``data``, checked for shape and limits (nothing is trusted yet)."""
    if len(data) > MAX_FILE:
        raise InvalidChangeFile(f"the file is larger than {MAX_FILE // (1024 * 1024)} MiB")
    if len(data) < MIN_SIZE:
        raise InvalidChangeFile("the file is cut short (truncated or damaged)")
    r = _Reader(data)
    if r.take(len(MAGIC)) != MAGIC:
        raise InvalidChangeFile("the file is not a SafetyDesk change file")
    fmt, schema = r.u(">H"), r.u(">H")
    if fmt > FORMAT or schema > SCHEMA:
        raise NewerFormat("the file was written by a newer SafetyDesk; it is kept until this "
                          "workstation is upgraded")
    if fmt < 1 or schema < 1:
        raise InvalidChangeFile("the file's format version is not valid")
    district, device = r.ident("district"), r.ident("workstation")
    first, last = r.u(">Q"), r.u(">Q")
    prev = r.take(32)
    sections, body_length = r.u(">H"), r.u(">I")
    nonce = r.take(crypto.NONCE_BYTES)
    if not 1 <= first <= last or last - first + 1 > MAX_ENTRIES:
        raise InvalidChangeFile("the file's sequence numbers are not valid")
    if not 1 <= sections <= MAX_SECTIONS:
        raise InvalidChangeFile("the file's number of sections is not valid")
    if r.at + body_length + SIG_BYTES != len(data):
        raise InvalidChangeFile("the file's length does not match its header (truncated or padded)")
    return Header(fmt, schema, district, device, first, last,
                  "" if prev == ZERO_HASH else prev.hex(), sections, body_length, nonce,
                  data[:r.at])


def _inflate(blob: bytes) -> bytes:
    d = zlib.decompressobj()
    limit = min(MAX_PLAIN, max(64 * 1024, len(blob) * MAX_RATIO))
    try:
        out = d.decompress(blob, limit + 1)
    except zlib.error:
        raise InvalidChangeFile("a section cannot be decompressed (damaged)") from None
    if len(out) > limit or d.unconsumed_tail or not d.eof or d.unused_data:
        raise InvalidChangeFile("a section expands far beyond any real change file (a zip bomb)")
    return out


def parse(data: bytes, keys: SyncKeys, public_key: bytes | None,
          entry_signatures: bool = False) -> ChangeFile:
    """Check everything about ``data`` and return what this workstation may read.

    Raises ``InvalidChangeFile`` with the reason on any failure; nothing of a
    failing file is returned. The file's signature covers every entry's hash
    and signature (the chain), and every entry is checked against its hash;
    each entry's own signature is checked again by the history when it is
    imported, so here only with ``entry_signatures``.
    """
    header = read_header(data)
    if header.district != keys.district_id:
        raise InvalidChangeFile("the file belongs to another district")
    if public_key is None:
        raise InvalidChangeFile("the file is from a workstation that is not enrolled in this district")
    signed, signature = data[:-SIG_BYTES], data[-SIG_BYTES:]
    if not crypto.signature_valid(public_key, signature, signed):
        raise InvalidChangeFile("the file's signature is not its workstation's (forged or altered)")
    r = _Reader(signed)
    r.at = len(header.raw)
    sections: list[tuple[str, Any, dict[str, bytes]]] = []
    withheld: set[str] = set()
    for index in range(header.sections):
        scope_raw = r.take(r.u(">B"))
        scope = scope_raw.decode("ascii", "replace")
        if not valid_scope(scope) or (index == 0) != (scope == DISTRICT):
            raise InvalidChangeFile("a section of the file names no valid scope")
        sealed = r.take(r.u(">I"))
        key = keys.for_scope(scope)
        if key is None:
            withheld.add(scope)
            continue
        plain = crypto.decrypt(key, _section_nonce(header.nonce, index), sealed,
                               _aad(header.raw, scope_raw, index))
        if plain is None:
            raise InvalidChangeFile("a section does not decrypt under the district's keys "
                                    "(altered, or sealed for another district)")
        files: dict[str, bytes] = {}
        if header.format >= 2:
            plain, files = _split_files(plain)
        try:
            payload = json.loads(_inflate(plain))
        except ValueError:
            raise InvalidChangeFile("a section is not valid JSON") from None
        sections.append((scope, payload, files))
    if r.at != len(signed):
        raise InvalidChangeFile("the file has bytes after its last section")
    return _check_payload(header, file_hash(data), sections, withheld,
                          public_key if entry_signatures else None)


def _split_files(plain: bytes) -> tuple[bytes, dict[str, bytes]]:
    """A format-2 section's compressed JSON, and its files, each checked against its sha256."""
    r = _Reader(plain)
    try:
        compressed = r.take(r.u(">I"))
        files: dict[str, bytes] = {}
        while r.at < len(plain):
            digest = r.take(32).hex()
            data = r.take(r.u(">I"))
            if digest in files or len(files) >= MAX_BLOBS:
                raise InvalidChangeFile("a section lists a file twice, or more files than any "
                                        "real change file")
            if sha256_hex(data) != digest:
                raise InvalidChangeFile("a file the change file carries does not match its "
                                        "checksum (altered or damaged)")
            files[digest] = data
    except InvalidChangeFile as exc:
        if "cut short" in exc.reason:
            raise InvalidChangeFile("a section's files are cut short (damaged)") from None
        raise
    return compressed, files


def _check_payload(header: Header, fhash: str, sections: list[tuple[str, Any, dict[str, bytes]]],
                   withheld: set[str], public_key: bytes | None) -> ChangeFile:
    district = sections[0][1] if sections and sections[0][0] == DISTRICT else None
    if not isinstance(district, dict) or not isinstance(district.get("chain"), list):
        raise InvalidChangeFile("the file lists no chain of entries")
    raw_chain = district["chain"]
    if len(raw_chain) != header.last_seq - header.first_seq + 1:
        raise InvalidChangeFile("the file's chain does not cover its sequence numbers")
    chain: list[tuple[int, str, str, str, str]] = []
    for i, item in enumerate(raw_chain):
        if (not isinstance(item, list) or len(item) != 5 or item[0] != header.first_seq + i
                or not all(isinstance(x, str) for x in item[1:]) or not valid_scope(item[3])):
            raise InvalidChangeFile("the file's chain of entries is not valid")
        if chain and item[2] != chain[-1][1]:
            raise InvalidChangeFile("the file's entries do not link to each other")
        chain.append((item[0], item[1], item[2], item[3], item[4]))
    by_seq = {c[0]: c for c in chain}
    found: dict[int, dict[str, Any]] = {}
    blobs: dict[str, bytes] = {}
    for scope, payload, files in sections:
        items = payload.get("entries") if isinstance(payload, dict) else None
        if not isinstance(items, list):
            raise InvalidChangeFile("a section lists no entries")
        referenced = {d for e in items if isinstance(e, dict) for d in blob_refs(e)}
        if any(d not in referenced for d in files):
            raise InvalidChangeFile("a section carries a file none of its entries refers to")
        blobs.update(files)
        for entry in items:
            problem = wire_problem(entry)
            if problem:
                raise InvalidChangeFile(problem)
            link = by_seq.get(entry["dseq"])
            if (entry["device"] != header.device or link is None or entry["dseq"] in found
                    or link[1] != entry["hash"] or link[2] != entry["prev"] or link[3] != scope
                    or link[4] != entry["sig"]):
                raise InvalidChangeFile("an entry does not match the file's chain")
            if entry["format"] > ENTRY_FORMAT:
                raise NewerFormat("the file holds entries of a newer SafetyDesk; it is kept until "
                                  "this workstation is upgraded")
            if entry_hash(entry) != entry["hash"]:
                raise InvalidChangeFile("an entry's content does not match its hash (altered)")
            problem = entry_problem(entry, public_key) if public_key is not None else None
            if problem:
                raise InvalidChangeFile(problem)
            found[entry["dseq"]] = entry
    readable = {s for s, _p, _f in sections}
    if any(c[3] in readable and c[0] not in found for c in chain):
        raise InvalidChangeFile("the file's sections leave out entries its chain lists")
    if any(c[3] not in readable and c[3] not in withheld for c in chain):
        raise InvalidChangeFile("the file's chain names a section it does not have")
    return ChangeFile(header, fhash, chain, [found[s] for s in sorted(found)], withheld, blobs)


def wire_items(cf: ChangeFile) -> list[dict[str, Any]]:
    """What to hand to ``import_entries``: readable entries, and stubs for the withheld ones."""
    found = {e["dseq"]: e for e in cf.entries}
    return [found[dseq] if dseq in found
            else stub(cf.header.device, dseq, hash_hex, prev, sig, scope)
            for dseq, hash_hex, prev, scope, sig in cf.chain]
