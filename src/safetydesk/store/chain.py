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


def unhex(text: str) -> bytes:
    try:
        return bytes.fromhex(text or "")
    except ValueError:
        return b""


def row_hash(r: tuple) -> str:
    """The hash a row (in CHAIN_COLUMNS order) should carry."""
    return hash_text(
        device=r[0], dseq=r[1], prev=r[2], id=r[5], format=r[6], hlc=r[7], user=r[8],
        record_type=r[9], record_id=r[10], action=r[11], changes_text=r[12], reason=r[13],
        bases_text=r[14], wall_time=r[15],
    )


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
        if not r[16] and row_hash(r) != r[3]:
            problems.append(f"{what} was altered after it was written.")
        elif key is not None and not verify_signature(key, unhex(r[4]), r[3].encode("ascii"),
                                                         remember=remember):
            problems.append(f"{what} is not signed by its workstation: it was forged or altered.")
        expected, prev = r[1] + 1, r[3]
        if progress and n % 10000 == 0:
            progress(n, total * 2)
        if len(problems) > 50:
            problems.append("… and more; stopping after 50 problems.")
            break
    return problems
