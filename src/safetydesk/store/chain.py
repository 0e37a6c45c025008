"""Checking every device's chain: contiguous numbers, links, hashes, signatures."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from safetydesk.store.history import hash_text
from safetydesk.store.signing import verify_signature

DEVICE = "device"
CHAIN_COLUMNS = (
    "device, dseq, prev_hash, hash, sig, id, format, hlc, user, record_type, record_id, action, "
    "changes, reason, bases, wall_time"
)


def unhex(text: Any) -> bytes:
    """The bytes of a hexadecimal signature (empty for anything else: it then fails its check)."""
    if not isinstance(text, str):
        return b""
    try:
        return bytes.fromhex(text)
    except ValueError:
        return b""


HASH_HEX = 64  # a SHA-256 in lowercase hexadecimal, as `history.hash_text` writes it
SIG_HEX = 128  # an Ed25519 signature, in hexadecimal
MAX_DSEQ = 2**63 - 1  # the largest number SQLite stores
_HEX = frozenset("0123456789abcdef")
_HEX_ANY_CASE = frozenset("0123456789abcdefABCDEF")


def is_hash(text: Any) -> bool:
    """Whether ``text`` is a hash as SafetyDesk writes one (so it can be signed: ASCII)."""
    return isinstance(text, str) and len(text) == HASH_HEX and set(text) <= _HEX


def signed_bytes(digest: Any) -> bytes | None:
    """The bytes a workstation signed for ``digest`` (None: not a hash, so nothing was signed)."""
    return digest.encode("ascii") if is_hash(digest) else None


def storable_text(value: Any) -> bool:
    """Text that can be stored and shown (no lone surrogates, which cannot be encoded)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def stub_problem(w: dict[str, Any]) -> str:
    """Why a withheld entry on the wire (sync's stub) is not one SafetyDesk writes: empty when it
    may be (its link and signature are then checked as usual). A hostile or damaged file may put
    anything in its fields; this keeps every such value to a plain reason, held, never raised."""
    if not all(storable_text(w.get(k)) for k in ("device", "prev", "hash", "sig", "withheld")):
        return "it is not a SafetyDesk withheld entry (a field is not text)"
    if not is_hash(w["hash"]):
        return "it is not a SafetyDesk withheld entry (its hash is not a SHA-256 in hexadecimal)"
    if w["prev"] and not is_hash(w["prev"]):
        return "it is not a SafetyDesk withheld entry (its link is not a SHA-256 in hexadecimal)"
    if len(w["sig"]) != SIG_HEX or not set(w["sig"]) <= _HEX_ANY_CASE:
        return "it is not a SafetyDesk withheld entry (its signature is not an Ed25519 signature in hexadecimal)"
    for k in ("dseq", "format"):
        if isinstance(w.get(k), bool) or not isinstance(w.get(k), int) or not 0 < w[k] <= MAX_DSEQ:
            return "it is not a SafetyDesk withheld entry (its numbers are not valid)"
    if len(w["device"]) > 200 or len(w["withheld"]) > 200:
        return "it is not a SafetyDesk withheld entry (its workstation or scope is too long)"
    return ""


def row_hash(r: tuple) -> str:
    """The hash a row (in CHAIN_COLUMNS order) should carry."""
    return hash_text(
        device=r[0], dseq=r[1], prev=r[2], id=r[5], format=r[6], hlc=r[7], user=r[8],
        record_type=r[9], record_id=r[10], action=r[11], changes_text=r[12], reason=r[13],
        bases_text=r[14], wall_time=r[15],
    )


def _row_hash_or_none(r: tuple) -> str | None:
    """`row_hash`, or None when a column holds a value SafetyDesk never writes (edited by hand)."""
    try:
        return row_hash(r)
    except (TypeError, ValueError, UnicodeError):
        return None


def device_key_of(r: tuple) -> bytes | None:
    """The public key a device's first entry (its own device record) carries."""
    if r[1] != 1 or r[9] != DEVICE or r[10] != r[0]:
        return None
    try:
        return bytes.fromhex(json.loads(r[12])["public_key"][1])
    except (KeyError, ValueError, TypeError, IndexError):
        return None


def chain_problems(conn: Any, progress: Callable[[int, int], None] | None, total: int,
                   *, remember: bool = True) -> list[str]:
    """Every device's chain, in (device, dseq) order: numbers without a gap, each entry linked to
    the one before, its hash recomputed from its columns, its signature checked against the key
    of the device's first entry. ``remember``: keep the signatures found valid for this process
    (see `verify_signature`)."""
    problems: list[str] = []
    device, expected, prev, key = None, 1, "", None
    # Withheld entries (sync's stubs of schools this workstation does not serve) hold their
    # place in their device's chain: their link and signature are checked, not their content.
    cursor = conn.execute(
        f"""SELECT {CHAIN_COLUMNS}, 0 FROM history
            UNION ALL SELECT device, dseq, prev_hash, hash, sig, '', 1, '', '', 'withheld', scope,
            'withheld', '{{}}', '', '[]', '', 1 FROM history_withheld w
            WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.device = w.device AND h.dseq = w.dseq)
            ORDER BY device, dseq""")
    for n, r in enumerate(cursor, 1):
        if not isinstance(r[1], int):  # an edit outside SafetyDesk can store any value anywhere
            problems.append(f"An entry of workstation {r[0]} has no valid number ({str(r[1])[:40]!r}): "
                            "it was added or altered outside SafetyDesk.")
            continue
        if r[0] != device:
            device, expected, prev = r[0], 1, ""
            key = device_key_of(r)
            if key is None:
                problems.append(f"The history of workstation {device} does not start with its own "
                                "signing-key record: its first entries were removed or replaced.")
        what = f"History entry {r[1]} of workstation {r[0]} ({r[9]} {r[10]}, {r[11]} by {r[8]})"
        if r[1] != expected:
            problems.append(f"Entries {expected}–{r[1] - 1} of workstation {r[0]} are missing "
                            "(removed from the file).")
        if r[2] != prev:
            problems.append(f"{what} does not follow the entry before it: an entry was removed, "
                            "swapped or altered.")
        signed = signed_bytes(r[3])
        if r[16] and signed is None:
            problems.append(f"{what} holds a hash that is not a SHA-256 in hexadecimal: it was "
                            "altered after it was written, or added outside SafetyDesk.")
        elif not r[16] and _row_hash_or_none(r) != r[3]:
            problems.append(f"{what} was altered after it was written.")
        elif key is not None and (signed is None or not verify_signature(
                key, unhex(r[4]), signed, remember=remember)):
            problems.append(f"{what} is not signed by its workstation: it was forged or altered.")
        expected, prev = r[1] + 1, r[3]
        if progress and n % 10000 == 0:
            progress(n, total * 2)
        if len(problems) > 50:
            problems.append("… and more; stopping after 50 problems.")
            break
    return problems
