"""The field vocabulary for exporting and importing records (docs/records.md), and row conversion.

A row names people and schools by keys a person can read in a spreadsheet:
a school by its code (or name), a student by the student information system's
id, a staff member by badge (or name). Lists and nested blocks are JSON in a
CSV cell; in JSON Lines they are plain JSON. Conversion is pure: the services
pass in the lookup tables.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from safetydesk.domain.climate import CLIMATE, ClimateDraft
from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.ids import new_id
from safetydesk.domain.interventions import INTERVENTION, InterventionDraft
from safetydesk.domain.outside_requests import OUTSIDE_REQUEST, OutsideRequestDraft
from safetydesk.domain.records import BOOKKEEPING_FIELDS, Draft, InteractionDraft, RecordType

DRAFTS: dict[str, type[Draft]] = {
    RecordType.INTERACTION: InteractionDraft,
    INTERVENTION: InterventionDraft,
    CLIMATE: ClimateDraft,
    OUTSIDE_REQUEST: OutsideRequestDraft,
}
EXPORTABLE = tuple(DRAFTS)
# Records that name students: exporting them writes an audit entry per record.
NAMES_STUDENTS = frozenset({RecordType.INTERACTION, INTERVENTION})
# Columns written on export and ignored on import (the services set them).
EXPORT_ONLY = (*BOOKKEEPING_FIELDS, "compliance_flags", "duplicate_of")

# Draft field -> column name, where the column holds a human key instead of an id.
RENAMED = {"school_id": "school", "consequence_by_staff_id": "consequence_by_staff",
           "responding_staff": "responding_staff", "interaction_id": "interaction"}
# Keys inside nested entries that hold ids, and what they become.
NESTED_KEYS = {"student_id": ("student", "student"), "staff_id": ("staff", "staff"),
               "officer_staff_id": ("officer_staff", "staff")}
BOOL_TRUE = {"true", "yes", "y", "1", "x"}
BOOL_FALSE = {"false", "no", "n", "0", ""}


@dataclass
class Lookups:
    """Id <-> key tables: ``school``, ``student``, ``staff`` map id -> key."""

    school: Mapping[str, str]
    student: Mapping[str, str]
    staff: Mapping[str, str]

    def reverse(self, kind: str) -> dict[str, str]:
        table = getattr(self, kind)
        out: dict[str, str] = {}
        for rid, key in table.items():
            out.setdefault(str(key).strip().lower(), rid)
        return out


def columns(record_type: str) -> list[str]:
    draft = DRAFTS[record_type]
    return ["record_type", "id"] + [RENAMED.get(f.name, f.name) for f in fields(draft)] + list(EXPORT_ONLY)


def _kind_of(record_type: str, field_name: str) -> str | None:
    """Which lookup a draft field's ids come from."""
    if field_name == "school_id":
        return "school"
    if field_name in ("consequence_by_staff_id", "responding_staff") or (
            record_type == CLIMATE and field_name == "staff"):
        return "staff"
    if (record_type == INTERVENTION and field_name == "students") or field_name == "outcome_students":
        return "student"
    return None


def _to_key(value: Any, kind: str, lk: Lookups) -> Any:
    table = getattr(lk, kind)
    if isinstance(value, dict):  # outcome -> student ids
        return {k: _to_key(v, kind, lk) for k, v in value.items()}
    if isinstance(value, list):
        return [table.get(v, v) for v in value]
    return table.get(value, value) if value else value


def _nested_out(value: Any, lk: Lookups) -> Any:
    if isinstance(value, list):
        return [_nested_out(v, lk) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in NESTED_KEYS:
                name, kind = NESTED_KEYS[k]
                out[name] = getattr(lk, kind).get(v, v) if v else v
            else:
                out[k] = _nested_out(v, lk)
        return out
    return value


def state_to_row(record_type: str, record_id: str, state: Mapping[str, Any], lk: Lookups) -> dict[str, Any]:
    row: dict[str, Any] = {"record_type": record_type, "id": record_id}
    for f in fields(DRAFTS[record_type]):
        value = state.get(f.name, f.default if not callable(f.default_factory) else f.default_factory())
        kind = _kind_of(record_type, f.name)
        row[RENAMED.get(f.name, f.name)] = _to_key(value, kind, lk) if kind else _nested_out(value, lk)
    for name in EXPORT_ONLY:
        value = state.get(name, "")
        row[name] = value if name != "duplicate_of" else (value or "")
    return row


# ------------------------------------------------------------------ CSV injection (OWASP)
# A spreadsheet runs a cell that begins with one of these as a formula (or, after a tab or
# carriage return, may). Such a cell is written with an apostrophe in front, which spreadsheets
# show as text and do not run; reading a CSV removes it again, so values round-trip exactly.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _apostrophes(text: str) -> int:
    return len(text) - len(text.lstrip("'"))


def neutralise(text: str) -> str:
    """A text as a CSV cell a spreadsheet will not run: ``'`` before a formula-like start.

    Also before apostrophes that precede one, so that `restore_cell` is its exact inverse.
    """
    k = _apostrophes(text)
    return "'" + text if text[k:k + 1] and text[k] in FORMULA_STARTS else text


def restore_cell(text: str) -> str:
    """The value of a cell written by `neutralise` (a cell no one neutralised is returned as it is)."""
    k = _apostrophes(text)
    return text[1:] if k and text[k:k + 1] and text[k] in FORMULA_STARTS else text


def cell(value: Any) -> str:
    """A value as a CSV cell: JSON for lists and dicts, yes/no for booleans, never a formula."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else neutralise(str(value))


# ------------------------------------------------------------------ reading any bytes
class UnreadableFile(SafetyDeskError):
    """A file that is not a records file SafetyDesk can read, in one sentence that says why."""


# Well-known file signatures: what a person may have picked by mistake.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook, a Word file or a SafetyDesk backup is one)"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Excel (.xls) or Word (.doc) file"),
    (b"%PDF", "a PDF document"),
    (b"SQLite format 3\x00", "a database file (perhaps a SafetyDesk data file)"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "a rich-text (RTF) document"),
)
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: same first bytes
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings read when a file is not UTF-8: Windows and Latin-1 spreadsheets, and UTF-16 ones.
WESTERN = frozenset({"cp1252", "latin_1", "iso8859_15", "iso8859_1", "windows_1252"})
UTF16 = frozenset({"utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SAVE_AS = "save it from the spreadsheet as “CSV UTF-8” and import it again"
# A cell may be far larger than the csv module's default limit (128 KiB): a long narrative.
FIELD_LIMIT = 1 << 30


def _is_text(text: str, *, strict_utf8: bool = False) -> bool:
    """Whether decoded text looks like text: no NUL, hardly any other control character.

    Bytes that decode as strict UTF-8 are rarely anything but text, and SafetyDesk's own
    exports may carry a control character a person pasted into a narrative: for them a
    tenth of the characters may be controls before the file counts as binary."""
    if "\x00" in text:
        return False
    sample = text[:1_000_000]
    controls = len(_CONTROL.findall(sample))
    if strict_utf8:
        return controls <= max(16, len(sample) // 10)
    return controls <= max(2, len(sample) // 1000)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: ASCII text has a zero in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    half = len(sample) // 2
    for zeros, codec in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros > half * 0.6:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def decode_records_file(name: str, data: bytes) -> tuple[str, str]:
    """The text of a records file and the encoding it was read in, or `UnreadableFile` saying why."""
    for signature, what in SIGNATURES:
        if data.startswith(signature):
            raise UnreadableFile(f"{name} is {what}, not a CSV or JSON Lines file. Nothing was imported; "
                                 "in a spreadsheet, " + SAVE_AS + ".")
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise UnreadableFile(f"{name} begins like a {codec.upper().replace('-SIG', '')} text file but "
                                     f"is damaged at byte {exc.start}. Nothing was imported.") from None
            if not _is_text(text):
                break
            return text, codec.replace("-sig", "")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        else:
            if _is_text(text, strict_utf8=True):
                return text, "utf-8"
            raise UnreadableFile(f"{name} is a binary file, not a CSV or JSON Lines file. Nothing was imported.")
        if b"\x00" in data:
            found = _utf16_without_bom(data)
            if found is not None and _is_text(found):
                return found, "utf-16"
            raise UnreadableFile(f"{name} is a binary file, not a CSV or JSON Lines file. Nothing was imported.")
        return _guess(name, data)
    raise UnreadableFile(f"{name} is a binary file, not a CSV or JSON Lines file. Nothing was imported.")


def _guess(name: str, data: bytes) -> tuple[str, str]:
    """A file that is not UTF-8: detected by charset-normalizer; Windows-1252/Latin-1 are read."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[:2_000_000]))
    names = [m.encoding for m in matches]
    for encoding in names:
        if encoding in WESTERN or encoding in UTF16:
            codec = "cp1252" if encoding in WESTERN else encoding
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                if codec != "cp1252":
                    continue
                text = data.decode("latin-1")
                codec = "latin-1"
            if _is_text(text):
                return text, codec
    if not names:
        raise UnreadableFile(f"{name} is not text in any encoding SafetyDesk recognises (perhaps a binary file). "
                             f"Nothing was imported; {SAVE_AS}.")
    raise UnreadableFile(f"{name} appears to be in the {names[0]} encoding, which SafetyDesk does not read. "
                         f"Nothing was imported; {SAVE_AS}.")


def parse_records_text(name: str, text: str, jsonl: bool) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a decoded records file, each with its line number; a row that cannot be a record
    carries ``__error__``. A file that is not CSV (or JSON Lines) at all is `UnreadableFile`."""
    if jsonl:
        out: list[tuple[int, dict[str, Any]]] = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except (ValueError, RecursionError):
                out.append((n, {"__error__": "the line is not valid JSON"}))
                continue
            out.append((n, value if isinstance(value, dict) else {"__error__": "the line is not a JSON object"}))
        return out
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        header = next(reader, None)
        if header is None:
            return []
        header = [restore_cell(h).strip() for h in header]
        doubled = sorted({h for h in header if h and header.count(h) > 1})
        if doubled:
            raise UnreadableFile(f"{name}: the column(s) {', '.join(doubled)} appear more than once in the "
                                 "header row. Nothing was imported.")
        for n, raw in enumerate(reader, 2):  # the row as a spreadsheet numbers it (the header is 1)
            values = [restore_cell(v) for v in raw]
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
                rows.append((n, {"__error__": f"the row has {len(values)} cells but the header has "
                                              f"{len(header)} columns"}))
                continue
            rows.append((n, {h: v for h, v in zip(header, values, strict=False) if h}))
    except csv.Error as exc:
        raise UnreadableFile(f"{name} is not a readable CSV file (line {reader.line_num}: {exc}). "
                             "Nothing was imported.") from None
    return rows


def row_fingerprint_id(record_type: str, state: Mapping[str, Any], occurrence: int) -> str:
    """The id a row without one gets: the same row of the same file gets the same id every time,
    so importing a file twice creates nothing twice (the occurrence tells identical rows apart)."""
    canonical = json.dumps({"t": record_type, "s": state, "k": occurrence}, sort_keys=True, ensure_ascii=False,
                           default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return new_id(now_ms=int.from_bytes(digest[10:15], "big"), randomness=digest[:10])


class RowError(ValueError):
    pass


def _parse(value: Any, default: Any, name: str, exact: bool = False) -> Any:
    """A CSV cell (text) or JSON value as the draft field's type."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().lower()
        if text in BOOL_TRUE:
            return True
        if text in BOOL_FALSE:
            return False
        raise RowError(f"{name} must be yes or no, not “{value}”")
    if isinstance(default, list | dict):
        if isinstance(value, list | dict):
            if not isinstance(value, type(default)):
                raise RowError(f"{name} must be a {'list' if isinstance(default, list) else 'JSON object'}")
            return value
        text = str(value or "").strip()
        if not text:
            return type(default)()
        try:
            parsed = json.loads(text)
        except ValueError:
            if isinstance(default, list) and "{" not in text:
                return [p.strip() for p in text.split(";") if p.strip()]
            raise RowError(f"{name} is not valid JSON")
        if not isinstance(parsed, type(default)):
            raise RowError(f"{name} must be a JSON {'list' if isinstance(default, list) else 'object'}")
        return parsed
    if value is None:
        return ""
    if isinstance(value, list | dict):
        raise RowError(f"{name} must be text, not a list")
    text = str(value)
    # SafetyDesk's own export is read exactly; in other files, stray spaces around a value go.
    return text if exact else text.strip()


def _nested_in(value: Any, rev: Mapping[str, dict[str, str]], problems: list[str], name: str) -> Any:
    if isinstance(value, list):
        return [_nested_in(v, rev, problems, name) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            target = next((ik for ik, (ek, _) in NESTED_KEYS.items() if ek == k), None)
            if target:
                kind = NESTED_KEYS[target][1]
                rid = rev[kind].get(str(v).strip().lower()) if v else ""
                if v and not rid:
                    problems.append(f"{name}: no {kind} “{v}”")
                out[target] = rid or ""
            else:
                out[k] = _nested_in(v, rev, problems, name)
        return out
    return value


def _ids_in(values: Any, rev: Mapping[str, str], kind: str, column: str, problems: list[str]) -> list[str]:
    ids = []
    for v in values if isinstance(values, list) else [values]:
        rid = rev.get(str(v).strip().lower())
        if not rid:
            problems.append(f"{column}: no {kind} “{v}”")
        ids.append(rid or "")
    return ids


def row_to_draft(record_type: str, row: Mapping[str, Any], lk: Lookups,
                 exact: bool = False) -> tuple[Draft | None, list[str]]:
    """A row as a draft, or the problems that stop it (in plain language, without the row number).

    ``exact``: the row comes from SafetyDesk's own export, so text is kept exactly as it is.
    """
    if record_type not in DRAFTS:
        return None, [f"“{record_type}” is not a record type that can be imported "
                      f"({', '.join(EXPORTABLE)})"]
    problems: list[str] = []
    rev = {k: lk.reverse(k) for k in ("school", "student", "staff")}
    values: dict[str, Any] = {}
    known_columns = set(columns(record_type))
    unknown = [c for c in row if c not in known_columns and c]
    if unknown:
        problems.append(f"unknown column(s): {', '.join(sorted(unknown))} (see docs/records.md)")
    draft_cls = DRAFTS[record_type]
    for f in fields(draft_cls):
        column = RENAMED.get(f.name, f.name)
        default = f.default if not callable(f.default_factory) else f.default_factory()
        if column not in row:
            values[f.name] = default
            continue
        try:
            value = _parse(row[column], default, column, exact)
        except RowError as exc:
            problems.append(str(exc))
            continue
        kind = _kind_of(record_type, f.name)
        if kind:
            if isinstance(value, dict):
                value = {k: _ids_in(v, rev[kind], kind, column, problems) for k, v in value.items()}
            elif isinstance(value, list):
                value = _ids_in(value, rev[kind], kind, column, problems)
            elif value:
                rid = rev[kind].get(str(value).strip().lower())
                if not rid:
                    problems.append(f"{column}: no {kind} “{value}”")
                value = rid or ""
        else:
            value = _nested_in(value, rev, problems, column)
        values[f.name] = value
    if problems:
        return None, problems
    return draft_cls(**values), []
