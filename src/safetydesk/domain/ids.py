"""Globally unique, time-ordered record ids (ULID: 48-bit milliseconds + 80 random bits)."""

from __future__ import annotations

import os
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]  # 10 bits -> two characters
_SHIFTS = range(120, -1, -10)


# The first two random bytes of every demo id; no real id has them (new_id avoids them), so
# demo data can never collide with a real district's records, even merged into one history.
DEMO_MARK = b"\xde\x30"


def new_id(now_ms: int | None = None, randomness: bytes | None = None) -> str:
    """A 26-character ULID. Sorts by creation time; never a row number."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    rand = os.urandom(10) if randomness is None else randomness
    if randomness is None and rand[:2] == DEMO_MARK:
        rand = bytes([rand[0] ^ 1]) + rand[1:]
    value = (ms << 80) | int.from_bytes(rand, "big")
    return "".join([_PAIRS[(value >> shift) & 1023] for shift in _SHIFTS])  # 26 characters, 2 at a time


def is_id(text: str) -> bool:
    return len(text) == 26 and all(c in _ALPHABET for c in text.upper())


def demo_id(now_ms: int, randomness: bytes) -> str:
    """An id for fictional demo data: a ULID whose random part starts with DEMO_MARK."""
    return new_id(now_ms, DEMO_MARK + randomness[2:])


def is_demo_id(text: str) -> bool:
    if not is_id(text):
        return False
    value = 0
    for c in text.upper():
        value = value * 32 + _ALPHABET.index(c)
    return ((value >> 64) & 0xFFFF).to_bytes(2, "big") == DEMO_MARK
