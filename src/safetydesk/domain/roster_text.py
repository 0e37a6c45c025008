"""Roster files as text: whatever bytes a student information system wrote.

UTF-8 with or without a byte order mark, UTF-16 (with a BOM, or detected),
Windows-1252 as Excel saves it. The encoding is detected with
``charset-normalizer`` where the bytes do not say it themselves, and named so
the summary can say which encoding was read. Bytes that are not text (a
spreadsheet, a picture, a damaged zip) give one sentence, never a traceback.
"""

from __future__ import annotations

import codecs

from safetydesk.domain.errors import SafetyDeskError

# Only this much of a file is given to the detector: enough to decide, fast on large files.
_SAMPLE = 256 * 1024


class RosterFileError(SafetyDeskError):
    """A roster file or folder that cannot be read as it is (the message says which and why)."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)

_LABELS = {"cp1252": "Windows-1252", "windows-1252": "Windows-1252", "utf_16": "UTF-16",
           "utf_16_le": "UTF-16", "utf_16_be": "UTF-16", "utf_32": "UTF-32", "latin_1": "ISO-8859-1",
           "iso-8859-1": "ISO-8859-1", "mac_roman": "Mac Roman", "ascii": "UTF-8", "utf_8": "UTF-8"}


def _label(encoding: str) -> str:
    return _LABELS.get(encoding.lower().replace("-", "_"), _LABELS.get(encoding.lower(), encoding))


def _not_text(name: str) -> RosterFileError:
    return RosterFileError(f"{name} is not a text (CSV) file: save it from the student information "
                           "system or the spreadsheet as CSV and try again.")


def decode(name: str, data: bytes) -> tuple[str, str]:
    """The text of one roster file and the name of its encoding ("UTF-8", "Windows-1252", …).

    Raises `RosterFileError` (a sentence naming the file) for bytes that are not text.
    """
    if not data:
        return "", "UTF-8"
    if data[:4] == b"PK\x03\x04":
        raise RosterFileError(f"{name} is a zip file, and a damaged one: it cannot be opened. "
                              "Export the roster again.")
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError:
                raise RosterFileError(f"{name} says it is {label} but is not: it cannot be read. "
                                      "Export the roster again as UTF-8 CSV.") from None
    if b"\x00" not in data[:_SAMPLE]:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_SAMPLE]).best()
    if best is None:
        raise _not_text(name)
    encoding = best.encoding
    if encoding.startswith(("utf_16", "utf_32")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise _not_text(name) from None
        if text.count("\x00") or not _looks_like_text(text):
            raise _not_text(name)
        return text, "UTF-16" if encoding.startswith("utf_16") else "UTF-32"
    if b"\x00" in data:
        raise _not_text(name)
    # Single-byte text. Windows-1252 is what Excel and US student information systems write;
    # the detector tells it from its neighbours (1250, Latin-1) poorly, so it is tried first.
    for candidate in ("cp1252", encoding):
        try:
            text = data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text):
            return text, _label(candidate)
    raise _not_text(name)


def _looks_like_text(text: str) -> bool:
    sample = text[:_SAMPLE]
    if not sample:
        return True
    control = sum(1 for c in sample if (ord(c) < 32 and c not in "\r\n\t") or 0x7F <= ord(c) < 0xA0)
    return control * 100 <= len(sample)  # at most 1 % control characters
