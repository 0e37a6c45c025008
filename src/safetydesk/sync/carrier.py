"""The file carrier (``.sdf``): one attached file's bytes, sealed and signed, on its own.

Attached files do not travel inside change files any more (change files stay in
format 1, which every workstation reads): each file travels in a carrier of its
own, in the writing workstation's folder under ``files/`` at the top of the
district folder (``files/<workstation>/<sha256>.<scope>.sdf``), where a
workstation that does not know carriers never looks.

A carrier is CONTENT ADDRESSED: its name and header carry the file's TOKEN, a
keyed hash of its sha256 under the scope's key (HMAC-SHA256), and the scope
(district or school) the bytes are sealed for, so any workstation that holds
those bytes and that school's key may write one (the sender, or a third
workstation answering another's request), and two carriers of the same file say
the same. The sha256 itself never appears on the share: a workstation that does
not serve a school cannot learn which files that school holds, nor name one of
them in a forged attachment of its own school and ask for it. The bytes are sealed under the scope's key (AES-256-GCM, the header as
associated data), exactly like the history entry that names them, and the
carrier is signed by the workstation that wrote it. What makes the bytes
trustworthy is not the writer but the sha256 the SIGNED ENTRY names: a receiver
keeps the bytes only when they match it.

Layout (big-endian), parsed strictly::

    header   magic "SDFILE\\r\\n" | format u16 | district id (u8 length + ASCII)
             | writer workstation id (u8 length + ASCII) | scope (u8 length + ASCII)
             | token of the bytes (32) | size of the bytes u32 | nonce (12)
    body     AES-256-GCM(carrier key of the scope, nonce, bytes, header)   (size + 16 bytes)
    trailer  Ed25519 signature (64 bytes) by the writer over header + body

The bytes are stored as they are (never compressed, so no bomb can hide in
them); a carrier is at most ``MAX_CARRIER`` bytes, which a 20 MiB attachment
(the largest SafetyDesk accepts) fits in with room to spare.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from dataclasses import dataclass

from safetydesk.store.blobs import sha256_hex
from safetydesk.sync import crypto
from safetydesk.sync.errors import InvalidChangeFile
from safetydesk.sync.keys import DISTRICT, SyncKeys, valid_scope

MAGIC = b"SDFILE\r\n"
FORMAT = 1
FOLDER = "files"
SUFFIX = ".sdf"
SIG_BYTES = 64
MAX_CARRIER = 32 * 1024 * 1024       # bytes of one carrier file (an attachment is at most 20 MiB)

_ID = re.compile(rb"^[0-9A-Za-z_-]{1,64}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")


class InvalidCarrier(InvalidChangeFile):
    """A carrier failed a check; ``reason`` says why in plain words."""


def _carrier_key(keys: SyncKeys, scope: str) -> bytes | None:
    key = keys.for_scope(scope)
    return crypto.derive(key, "file-carrier") if key else None


def token(keys: SyncKeys, scope: str, digest: str) -> str | None:
    """The name a file (by sha256) has on the share when sealed for ``scope`` (None: no key)."""
    key = keys.for_scope(scope)
    if key is None:
        return None
    return crypto.mac(crypto.derive(key, "file-carrier-name"), bytes.fromhex(digest))


def file_name(keys: SyncKeys, digest: str, scope: str) -> str | None:
    found = token(keys, scope, digest)
    return None if found is None else name_of(found, scope)


@dataclass(frozen=True)
class Carrier:
    district: str
    writer: str
    scope: str
    digest: str
    data: bytes


def scope_tag(scope: str) -> str:
    """The scope as it appears in a file name (no ':' on Windows shares)."""
    return scope.replace(":", "-", 1)


def scope_of_tag(tag: str) -> str | None:
    scope = DISTRICT if tag == DISTRICT else (
        "school:" + tag[len("school-"):] if tag.startswith("school-") else "")
    return scope if valid_scope(scope) else None


def name_of(tag: str, scope: str) -> str:
    return f"{tag}.{scope_tag(scope)}{SUFFIX}"


def parse_name(name: str) -> tuple[str, str] | None:
    """(token, scope) of a carrier's file name, or None when it is not one."""
    if not name.endswith(SUFFIX):
        return None
    digest, _, tag = name[:-len(SUFFIX)].partition(".")
    scope = scope_of_tag(tag)
    if not _SHA.match(digest) or scope is None:
        return None
    return digest, scope


def _pack(text: str) -> bytes:
    raw = text.encode("ascii")
    return struct.pack(">B", len(raw)) + raw


def _header(district: str, writer: str, scope: str, tag: str, size: int, nonce: bytes) -> bytes:
    return (MAGIC + struct.pack(">H", FORMAT) + _pack(district) + _pack(writer) + _pack(scope)
            + bytes.fromhex(tag) + struct.pack(">I", size) + nonce)


def _build(data: bytes, claimed: str, *, keys: SyncKeys, writer: str, scope: str,
           sign: Callable[[bytes], bytes], nonce: bytes | None = None) -> bytes:
    key, tag = _carrier_key(keys, scope), token(keys, scope, claimed)
    if key is None or tag is None:
        raise ValueError(f"no key for {scope}")
    nonce = nonce or crypto.new_nonce()
    header = _header(keys.district_id, writer, scope, tag, len(data), nonce)
    signed = header + crypto.encrypt(key, nonce, data, header)
    return signed + sign(signed)


def build(data: bytes, *, keys: SyncKeys, writer: str, scope: str,
          sign: Callable[[bytes], bytes], nonce: bytes | None = None) -> bytes:
    """The bytes of a carrier of ``data`` sealed for ``scope`` and signed by ``writer``."""
    if len(data) + 512 > MAX_CARRIER:
        raise ValueError("the file is larger than a carrier may be")
    return _build(data, sha256_hex(data), keys=keys, writer=writer, scope=scope, sign=sign,
                  nonce=nonce)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.at + n > len(self.data):
            raise InvalidCarrier("the file carrier is cut short (truncated or damaged)")
        part = self.data[self.at:self.at + n]
        self.at += n
        return part

    def text(self, what: str) -> str:
        raw = self.take(self.take(1)[0])
        if what == "scope":
            scope = raw.decode("ascii", "replace")
            if not valid_scope(scope):
                raise InvalidCarrier("the file carrier names no valid scope")
            return scope
        if not _ID.match(raw):
            raise InvalidCarrier(f"the file carrier's {what} is not a valid id")
        return raw.decode("ascii")


def read_header(data: bytes) -> tuple[str, str, str, str, int, bytes, int]:
    """(district, writer, scope, token, size, nonce, header length), nothing trusted yet."""
    if len(data) > MAX_CARRIER:
        raise InvalidCarrier(f"the file carrier is larger than {MAX_CARRIER // (1024 * 1024)} MiB")
    r = _Reader(data)
    if r.take(len(MAGIC)) != MAGIC:
        raise InvalidCarrier("the file is not a SafetyDesk file carrier")
    fmt = struct.unpack(">H", r.take(2))[0]
    if fmt != FORMAT:
        raise InvalidCarrier("the file carrier was written by a newer SafetyDesk; it is "
                             "ignored until this workstation is upgraded")
    district, writer, scope = r.text("district"), r.text("workstation"), r.text("scope")
    tag = r.take(32).hex()
    size = struct.unpack(">I", r.take(4))[0]
    nonce = r.take(crypto.NONCE_BYTES)
    if r.at + size + 16 + SIG_BYTES != len(data):
        raise InvalidCarrier("the file carrier's length does not match its header (truncated "
                             "or padded)")
    return district, writer, scope, tag, size, nonce, r.at


def parse(data: bytes, keys: SyncKeys, public_key: bytes | None, digest: str) -> Carrier:
    """Check everything about a carrier of the file ``digest`` (the sha256 a signed entry here
    names, the only bytes wanted); raises ``InvalidCarrier`` with the reason.

    ``public_key``: the pinned key of the workstation the carrier says wrote it (None when
    that workstation is not enrolled)."""
    district, writer, scope, tag, size, nonce, at = read_header(data)
    if district != keys.district_id:
        raise InvalidCarrier("the file carrier belongs to another district")
    if public_key is None:
        raise InvalidCarrier("the file carrier is from a workstation that is not enrolled in "
                             "this district")
    signed, signature = data[:-SIG_BYTES], data[-SIG_BYTES:]
    if not crypto.signature_valid(public_key, signature, signed):
        raise InvalidCarrier("the file carrier's signature is not its workstation's (forged or "
                             "altered)")
    key = _carrier_key(keys, scope)
    if key is None:
        raise InvalidCarrier("the file carrier is sealed for a school this workstation does not "
                             "serve")
    if tag != token(keys, scope, digest):
        raise InvalidCarrier("the file carrier is not the one of the file asked for (renamed, "
                             "copied or moved)")
    plain = crypto.decrypt(key, nonce, signed[at:], signed[:at])
    if plain is None or len(plain) != size:
        raise InvalidCarrier("the file carrier does not decrypt under the district's keys "
                             "(altered, or sealed for another district)")
    if sha256_hex(plain) != digest:
        raise InvalidCarrier("the file the carrier holds does not match its checksum (altered "
                             "or damaged): it was refused")
    return Carrier(district, writer, scope, digest, plain)
