"""Text normalisation for the P14 guard: what a word *is*, however it was typed.

A person (or a determined tester) can write a forbidden word so that a plain
pattern does not see it: full-width or styled letters (NFKC folds them), a
Cyrillic "а" or Greek "ο" in place of a Latin letter (Unicode's confusables
table, shipped by the maintained `confusable-homoglyphs` package, maps them
back to Latin), a zero-width space or soft hyphen inside a word (removed, as
are control characters), accents ("está" -> "esta"), upper case (case folding)
and hyphens, dots or underscores inside a word ("green-card", "un-documented",
"d.a.c.a", "place_of_birth").

`clean` keeps the case (some checks need the capital letter of a proper name);
`variants` gives the folded forms the patterns run on: punctuation inside words
read as a space ("green card") and read as nothing ("undocumented").
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Zero-width and invisible format characters that can hide inside a word.
_INVISIBLE = {0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0}

# Dashes and quotes people (and word processors) type, as plain ASCII.
_PLAIN = str.maketrans({
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2043": "-", "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u2032": "'", "\u00b4": "'", "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"',
    "\u00bb": '"', "\u00a0": " ", "\u2007": " ", "\u202f": " ",
})


@cache
def _confusables() -> dict[str, str]:
    """Each non-ASCII character that Unicode's confusables table says looks like one ASCII
    letter or digit, mapped to that letter (case kept)."""
    from confusable_homoglyphs import confusables

    out: dict[str, str] = {}
    for char, alikes in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        latin = [a["c"] for a in alikes if len(a["c"]) == 1 and a["c"].isascii() and a["c"].isalnum()]
        if latin:
            out[char] = latin[0]
    return out


def _is_invisible(ch: str) -> bool:
    if ord(ch) in _INVISIBLE:
        return True
    cat = unicodedata.category(ch)
    if cat == "Cf":  # format: zero-width space/joiners, bidi marks, word joiner ...
        return True
    return cat == "Cc" and ch not in "\n\t\r"


def clean(text: str) -> str:
    """NFKC, invisible and control characters removed, confusable letters as Latin, accents
    removed, plain dashes and quotes; case kept. Line breaks and tabs become spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if not _is_invisible(ch))
    table = _confusables()
    out = []
    for ch in text.translate(_PLAIN):
        if ch.isascii():
            out.append(ch)
            continue
        base = unicodedata.normalize("NFD", ch)
        stripped = "".join(c for c in base if not unicodedata.combining(c))
        if stripped and stripped.isascii():
            out.append(stripped)
        elif ch in table and ch.isalpha():
            out.append(table[ch])
        elif stripped and stripped[0] in table and stripped[0].isalpha():
            out.append(table[stripped[0]])
        else:
            out.append(stripped or ch)
    return re.sub(r"[ \t\r\n]+", " ", "".join(out)).strip()


# Punctuation between two letters of one word: "green-card", "d.a.c.a", "place_of_birth".
_INNER = re.compile(r"(?<=[a-z0-9])[-._*'/\\~|+]+(?=[a-z0-9])")
_ABBREV_US = re.compile(r"\bu\. ?s\. ?(?:a\.?)?(?=\W|$)")


def fold(text: str) -> str:
    """`clean`, case-folded; "U.S.", "U.S.A." and "USA" written "u.s."."""
    text = clean(text).casefold()
    text = _ABBREV_US.sub("u.s. ", text)
    text = re.sub(r"\busa\b", "u.s.", text)
    return re.sub(r"\s+", " ", text).strip()


def variants(text: str) -> tuple[str, ...]:
    """The folded text as written, with punctuation inside words read as spaces, and read as
    nothing (at most three distinct strings)."""
    base = re.sub(r"\s+", " ", fold(text).replace('"', " ")).strip()  # quoted speech: the words inside
    protected = base.replace("u.s.", "\x00")
    spaced = _INNER.sub(" ", protected).replace("\x00", "u.s.")
    joined = _INNER.sub("", protected).replace("\x00", "u.s.")
    out: list[str] = []
    for v in (base, spaced, joined):
        if v not in out:
            out.append(v)
    return tuple(out)
