"""The order of a list's text column when the query sorts it (the staff and student lists, which
hold more rows than one fetch): accents and case aside, numbers inside by value ("FV-9" before
"FV-20"). The window sorts the rows it holds by the person's locale; this key is close to it and
needs no locale, so SQLite can sort the whole list by it (`store.queries` registers it as the
collation ``LISTTEXT``)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

COLLATION = "LISTTEXT"
_DIGITS = re.compile(r"(\d+)")


@lru_cache(maxsize=65536)
def text_key(text: str) -> tuple[tuple[int, str], ...]:
    """What ``text`` sorts by: its letters without accents, case-folded, and each run of digits
    by its value (ties then by the text itself, so the order is total)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    parts = _DIGITS.split(plain)  # text, digits, text, digits, ...: same kinds at the same places
    return (*((int(p), "") if i % 2 else (0, p) for i, p in enumerate(parts)), (0, text))


def compare(a: str, b: str) -> int:
    """``text_key(a)`` against ``text_key(b)``: -1, 0 or 1 (an SQLite collation)."""
    ka, kb = text_key(a), text_key(b)
    return (ka > kb) - (ka < kb)
