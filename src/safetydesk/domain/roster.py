"""Student roster import: OneRoster 1.1 CSV, a plain CSV with a saved column mapping, program flags.

Parsing is pure: it takes the files' text and returns a `RosterPreview` (the
students it would write, the row-level problems, the columns it skipped).
Nothing is written until the services apply a preview.

P14: columns that carry place of birth, citizenship, immigration or visa data
(OneRoster ``demographics.csv`` has ``countryOfBirthCode``,
``stateOfBirthAbbreviation`` and ``cityOfBirth``) are recognised by their
normalised header and dropped *while each row is read*: their values never
enter a row dict, a preview, a problem message or a log. The preview only keeps
the column's name and why it was skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from safetydesk.domain.records import Draft, StudentDraft
from safetydesk.domain.roster_headers import HeaderAlias, normalise_header, resolve_headers
from safetydesk.domain.roster_text import RosterFileError
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import GenderIdentity, Race

ROSTER_MAPPING = "roster_mapping"

P14_REASON = ("not imported: SafetyDesk never stores place of birth, citizenship, immigration or "
              "visa information (Policy 4311, RCW 10.93.160)")

# Normalised header names and fragments that are never read.
_FORBIDDEN_EXACT = {
    "countryofbirthcode", "stateofbirthabbreviation", "cityofbirth", "birthplace", "placeofbirth",
    "countryofbirth", "birthcountry", "birthcity", "birthstate", "stateofbirth", "nativecountry",
    "countryoforigin", "nationality", "alienumber", "aliennumber", "anumber", "visa", "visatype",
    "visastatus", "i94", "i94number", "uscis", "uscisnumber", "greencard", "passport",
    "passportnumber", "passportcountry", "usentrydate", "dateofentry", "entrydateus",
    "firstusschoolentrydate", "immigrant", "yearsinus", "monthsinus", "refugee", "asylum",
}
_FORBIDDEN_FRAGMENTS = (
    "immigra", "citizen", "birthplace", "placeofbirth", "ofbirth", "birthcountry", "birthcity",
    "birthstate", "countryof", "nationalit", "visa", "alien", "passport", "refugee", "asylum",
    "greencard", "naturaliz", "naturalis", "legalstatus", "residencystatus", "uscis", "daca",
    "entryintous", "usentry", "dateofusentry", "countrycode",
)


# A date of birth is not a place of birth ("dateOfBirth" contains "ofbirth").
_BIRTH_DATE = re.compile(r"(student)?(dateofbirth|birthdate|dob|birthdt|dateofbirthdate)")


def is_forbidden_column(name: str) -> bool:
    """P14: does this column header name place of birth, citizenship, immigration or visa data?"""
    n = normalise_header(name)
    if not n or _BIRTH_DATE.fullmatch(n):
        return False
    return n in _FORBIDDEN_EXACT or any(f in n for f in _FORBIDDEN_FRAGMENTS)


@dataclass(frozen=True)
class SkippedColumn:
    file: str
    column: str
    reason: str


@dataclass(frozen=True)
class RowProblem:
    file: str
    row: int  # line number in the file (the header is line 1)
    message: str
    local_id: str = ""  # the student the problem is about, if any
    kind: str = ""  # what sort of problem, to group "the first rows of each problem"

    def __str__(self) -> str:
        return f"{self.file}, line {self.row}: {self.message}" if self.row else f"{self.file}: {self.message}"


@dataclass
class RosterPreview:
    """What an import would do. Holds only the fields SafetyDesk stores (never a raw row)."""

    source: str  # "oneroster" | "csv"
    students: list[StudentDraft] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    skipped_columns: list[SkippedColumn] = field(default_factory=list)
    unmatched_schools: list[str] = field(default_factory=list)
    flag_rows: int = 0
    # The student fields this import carries; a re-import changes only these.
    provided: set[str] = field(default_factory=set)
    # Per student (SIS id), when it carries other fields than `provided` (a delta row, a dropped birth date).
    fields: dict[str, set[str]] = field(default_factory=dict)
    # Where each student was read: SIS id -> (file, line).
    origin: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Students this file can only update (a delta row without a school): new ones are problems.
    update_only: set[str] = field(default_factory=set)
    # Warnings: a field left out (an unreadable birth date), never the student.
    warnings: list[RowProblem] = field(default_factory=list)
    # Vendor spellings read as OneRoster columns; encodings other than UTF-8 (file -> name).
    aliases: list[HeaderAlias] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)
    # OneRoster version ("1.0", "1.1", "1.2") and each file's mode ("bulk" or "delta").
    version: str = ""
    modes: dict[str, str] = field(default_factory=dict)
    # Demographic fields the reports need: how many active students lack each.
    missing: dict[str, int] = field(default_factory=dict)
    counted: int = 0
    notes: list[str] = field(default_factory=list)
    # What it would do against the data file (filled in by the services; see services.roster.RosterPlan).
    plan: Any = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def delta(self) -> bool:
        return self.modes.get("users.csv") == "delta"

    def fields_of(self, local_id: str) -> set[str]:
        return self.fields.get(local_id, self.provided)

    def missing_lines(self) -> list[str]:
        """"Say what is missing", in words, for each demographic missing for most students."""
        out = []
        total = self.counted
        for name in MISSING_ORDER:
            n = self.missing.get(name, 0)
            if total and n * 2 > total:
                who = f"all {total} students" if n == total else f"{n} of {total} students"
                out.append(f"{MISSING_WORDS[name][0]} is missing for {who}: they will be counted as "
                           f"{MISSING_WORDS[name][1]}.")
        flags = [f for f in ("multilingual", "homeless", "low_income", "iep", "section_504")
                 if f not in self.provided]
        if total and flags:
            out.append(f"{_join([FLAG_WORDS[f] for f in flags])} "
                       f"{'is' if len(flags) == 1 else 'are'} not in this roster: add a program flags "
                       "file, or every student will be counted as “no”.")
        return out

    def note_missing(self, name: str, missing: bool) -> None:
        if missing:
            self.missing[name] = self.missing.get(name, 0) + 1


MISSING_ORDER = ("race", "ethnicity", "gender", "birth_date")
MISSING_WORDS = {
    "race": ("Race", "Not reported (unless Hispanic or Latino)"),
    "ethnicity": ("Hispanic or Latino ethnicity", "not Hispanic or Latino"),
    "gender": ("Gender", "Not provided"),
    "birth_date": ("The birth date", "of unknown age"),
}
FLAG_WORDS = {"multilingual": "Multilingual learner", "homeless": "homelessness",
              "low_income": "poverty (low income)", "iep": "IEP", "section_504": "504 plan"}


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _csv_rows(name: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line of the row, cells) for a CSV text; a broken file is one sentence, not a traceback."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    line = 1
    try:
        for raw in reader:
            yield line, raw
            line = reader.line_num + 1
    except csv.Error as exc:
        raise RosterFileError(f"{name}, line {reader.line_num}: this is not a CSV file SafetyDesk can "
                              f"read ({exc}). Export it again as CSV.") from None


def _keep_columns(name: str, header: list[str], skipped: list[SkippedColumn]) -> list[tuple[int, str]]:
    """(position, header) of the columns that may be read; P14 columns are named in ``skipped``."""
    keep: list[tuple[int, str]] = []
    for i, col in enumerate(header):
        col = col.strip()
        if is_forbidden_column(col):
            if not any(s.file == name and s.column == col for s in skipped):
                skipped.append(SkippedColumn(name, col, P14_REASON))
        else:
            keep.append((i, col))
    return keep


def read_rows(name: str, text: str, skipped: list[SkippedColumn]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV text as {header: value}, without any forbidden column's value.

    Forbidden columns are dropped by position before a row dict is built; the
    list ``skipped`` receives each such column once.
    """
    rows = _csv_rows(name, text)
    first = next(rows, None)
    if first is None:
        return
    keep = _keep_columns(name, first[1], skipped)
    for line, raw in rows:
        if not any(cell.strip() for cell in raw):
            continue
        row = {col: (raw[i].strip() if i < len(raw) else "") for i, col in keep}
        del raw  # the full row, forbidden cells included, is not kept
        yield line, row


def read_table(name: str, text: str, skipped: list[SkippedColumn], aliases: list[HeaderAlias]
               ) -> tuple[set[str], Iterator[tuple[int, dict[str, str]]]]:
    """A OneRoster file: its (normalised, alias-resolved) column names and its rows keyed by them.

    P14 columns are recognised by their header as written, before any alias, and
    dropped by position before a row dict is built.
    """
    rows = _csv_rows(name, text)
    first = next(rows, None)
    if first is None:
        return set(), iter(())
    keep = _keep_columns(name, first[1], skipped)
    resolved, used = resolve_headers(name, [col for _, col in keep])
    aliases += [a for a in used if a not in aliases]
    columns = [(i, n) for (i, _), n in zip(keep, resolved, strict=True) if n]

    def body() -> Iterator[tuple[int, dict[str, str]]]:
        for line, raw in rows:
            if not any(cell.strip() for cell in raw):
                continue
            row: dict[str, str] = {}
            for i, n in columns:
                if n not in row or not row[n]:
                    row[n] = raw[i].strip() if i < len(raw) else ""
            del raw
            yield line, row

    return {n for _, n in columns}, body()


# ----------------------------------------------------------------- values
_TRUE = {"true", "t", "yes", "y", "1", "x"}
_FALSE = {"false", "f", "no", "n", "0", ""}


def parse_bool(value: str) -> bool | None:
    v = (value or "").strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def parse_grade(value: str) -> str:
    v = (value or "").strip().upper()
    if v in ("KG", "K", "0K", "KF", "KH"):
        return "K"
    if v in ("PK", "PREK", "P3", "P4", "TK"):
        return "PK"
    if v.isdigit():
        return str(int(v))
    return v


def parse_gender(value: str) -> str:
    v = (value or "").strip().lower()
    return {"male": "male", "m": "male", "female": "female", "f": "female", "other": "nonbinary",
            "x": "nonbinary", "nonbinary": "nonbinary", "non-binary": "nonbinary"}.get(v, "not_provided")


def parse_birth_date(value: str, today: date) -> tuple[str, str]:
    """A birth date as YYYY-MM-DD, or ("", why) when it cannot be a K-12 student's birth date.

    Reads ISO dates, ISO date-times (``2010-04-17T00:00:00.000Z``: the date part)
    and US dates (``04/17/2011``, ``4-17-2011``). A date in the future or more
    than 25 years ago is refused: the field is dropped, never the student.
    """
    v = (value or "").strip()
    if not v:
        return "", ""
    day: date | None = None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.,]*(?:Z|[+-]\d{2}:?\d{2})?)?", v)
    us = re.fullmatch(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?: [0-9:]+(?: ?[AaPp][Mm])?)?", v)
    try:
        if m:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        elif us:
            day = date(int(us[3]), int(us[1]), int(us[2]))
    except ValueError:
        return "", f"the birth date {v} is not a real date"
    if day is None:
        return "", f"the birth date {v} could not be read (use YYYY-MM-DD or MM/DD/YYYY)"
    if day > today:
        return "", f"the birth date {v} is in the future"
    if day < date(today.year - 25, today.month, min(today.day, 28)):
        return "", f"the birth date {v} is more than 25 years ago, too old for a K-12 student"
    return day.isoformat(), ""


def student_id_for(district_id: str, local_id: str) -> str:
    """The id of the student with this SIS id in this district: the same on every workstation.

    ULID-shaped (26 Crockford base32 characters, 128 bits) but derived from a
    hash, so a roster imported on two workstations yields one student, not two.
    """
    digest = hashlib.sha256(f"safetydesk student\x00{district_id}\x00{local_id}".encode()).digest()
    value = int.from_bytes(digest[:16], "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


ONEROSTER_RACES = {
    "americanindianoralaskanative": Race.AMERICAN_INDIAN.value,
    "asian": Race.ASIAN.value,
    "blackorafricanamerican": Race.BLACK.value,
    "nativehawaiianorotherpacificislander": Race.PACIFIC_ISLANDER.value,
    "white": Race.WHITE.value,
}


# --------------------------------------------------------------- OneRoster
ONEROSTER_FILES = ("orgs.csv", "users.csv", "demographics.csv", "enrollments.csv", "roles.csv",
                   "manifest.csv")


def _norm_row(row: Mapping[str, str]) -> dict[str, str]:
    return {normalise_header(k): v for k, v in row.items()}


def parse_oneroster(files: Mapping[str, str], schools: Mapping[str, list[str]], *,
                    today: date | None = None) -> RosterPreview:
    """A OneRoster 1.0, 1.1 or 1.2 CSV set as students (see `safetydesk.domain.roster_oneroster`)."""
    from safetydesk.domain.roster_oneroster import parse

    return parse(files, schools, today=today)


def _school_lookup(schools: Mapping[str, str | list[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for sid, known in schools.items():
        for name in [known] if isinstance(known, str) else known:
            if name:
                out[name.strip().lower()] = sid
    return out


# ------------------------------------------------------- plain CSV + mapping
# What a column mapping may target: the roster fields SafetyDesk keeps.
MAPPABLE = (
    "local_id", "first_name", "last_name", "school", "grade", "birth_date", "races",
    "hispanic_latino", "gender_identity", "multilingual", "homeless", "low_income", "iep",
    "section_504",
)


@dataclass
class RosterMappingDraft(Draft):
    """A saved column mapping for a district's plain CSV: SafetyDesk field -> CSV column."""

    record_type: ClassVar[str] = ROSTER_MAPPING
    name: str = ""
    columns: dict[str, str] = field(default_factory=dict)


def validate_mapping(d: RosterMappingDraft) -> list[FieldError]:
    errors = []
    if not d.name.strip():
        errors.append(FieldError("name", "Give the mapping a name (for example the SIS it comes from)."))
    for target, column in d.columns.items():
        if target not in MAPPABLE or is_forbidden_column(target):
            errors.append(FieldError("columns", f"“{target}” is not a roster field SafetyDesk keeps."))
        if is_forbidden_column(column):
            errors.append(FieldError(
                "columns", f"The column “{column}” holds place of birth, citizenship, immigration or visa "
                "data; SafetyDesk never reads it (P14), so no field can be mapped to it."))
    for required in ("local_id", "school"):
        if not d.columns.get(required):
            errors.append(FieldError("columns", f"Map a column to “{required}”."))
    if not (d.columns.get("first_name") or d.columns.get("last_name")):
        errors.append(FieldError("columns", "Map a column to the student's first or last name."))
    return errors


def _races(value: str) -> tuple[list[str], list[str]]:
    out, bad = [], []
    by_label = {m.label.lower(): m.value for m in Race} | {m.value: m.value for m in Race}
    for part in re.split(r"[;,|]", value or ""):
        p = part.strip().lower()
        if not p:
            continue
        code = by_label.get(p) or ONEROSTER_RACES.get(normalise_header(p))
        if code:
            out.append(code)
        else:
            bad.append(part.strip())
    return sorted(set(out)), bad


def parse_mapped_csv(name: str, text: str, mapping: RosterMappingDraft, schools: Mapping[str, str | list[str]],
                     *, today: date | None = None) -> RosterPreview:
    preview = RosterPreview("csv")
    today = today or date.today()
    errors = validate_mapping(mapping)
    if errors:
        preview.problems += [RowProblem(name, 0, e.message) for e in errors]
        return preview
    preview.provided = {"school_id" if f == "school" else f for f in mapping.columns}
    lookup = _school_lookup(schools)
    seen: set[str] = set()
    header_checked = False
    for line, row in read_rows(name, text, preview.skipped_columns):
        if not header_checked:
            absent = [c for c in mapping.columns.values() if c not in row]
            if absent:
                preview.problems.append(RowProblem(name, 1, f"The file has no column {', '.join(absent)}."))
                return preview
            header_checked = True
        def get(f: str, row: dict[str, str] = row) -> str:
            return row.get(mapping.columns.get(f, ""), "").strip()

        local = get("local_id")
        problems: list[str] = []
        if not local:
            problems.append("the student id is empty")
        elif local in seen:
            problems.append(f"the student id {local} appears twice")
        seen.add(local)
        school = lookup.get(get("school").lower())
        if not school:
            problems.append(f"the school “{get('school')}” is not one of the district's schools")
        birth, why = parse_birth_date(get("birth_date"), today)
        races, bad = _races(get("races"))
        if bad:
            problems.append(f"unknown race value(s): {', '.join(bad)}")
        flags: dict[str, Any] = {}
        for f in ("hispanic_latino", "multilingual", "homeless", "low_income", "iep", "section_504"):
            if f in mapping.columns:
                value = parse_bool(get(f))
                if value is None:
                    problems.append(f"{f.replace('_', ' ')} must be yes or no")
                flags[f] = bool(value)
        gender = get("gender_identity")
        gender_code = gender.lower() if gender.lower() in GenderIdentity._value2member_map_ else parse_gender(gender)
        if problems:
            preview.problems.append(RowProblem(name, line, f"Student {local or '(no id)'}: " + "; ".join(problems) + ".",
                                               kind="row"))
            continue
        if why:
            preview.warnings.append(RowProblem(name, line, f"Student {local}: {why}; the birth date is left "
                                               "out, the student is imported.", local, "birth_date"))
            preview.fields[local] = preview.provided - {"birth_date"}
        preview.origin[local] = (name, line)
        preview.counted += 1
        preview.note_missing("race", "races" not in mapping.columns or not get("races"))
        preview.note_missing("ethnicity", "hispanic_latino" not in mapping.columns or not get("hispanic_latino"))
        preview.note_missing("gender", gender_code == "not_provided")
        preview.students.append(StudentDraft(
            local_id=local, first_name=get("first_name"), last_name=get("last_name"), school_id=school or "",
            grade=parse_grade(get("grade")), birth_date=birth, races=races, gender_identity=gender_code,
            **flags,
        ))
    return preview


# ------------------------------------------------------------ program flags
PROGRAM_FLAGS = {
    "multilingual": ("multilingual", "multilinguallearner", "ell", "el", "englishlearner", "lep", "mll"),
    "homeless": ("homeless", "mckinneyvento", "experiencinghomelessness"),
    "low_income": ("lowincome", "frl", "freereducedlunch", "economicallydisadvantaged", "poverty"),
    "iep": ("iep", "specialeducation", "sped", "idea"),
    "section_504": ("504", "section504", "plan504", "has504"),
}
ID_HEADERS = ("studentid", "localid", "sisid", "identifier", "sourcedid", "studentnumber", "id")


def parse_program_flags(name: str, text: str, skipped: list[SkippedColumn]) -> tuple[dict[str, dict[str, bool]], list[RowProblem]]:
    """A supplementary CSV of program flags: student id -> {flag: bool}."""
    out: dict[str, dict[str, bool]] = {}
    problems: list[RowProblem] = []
    for line, row in read_rows(name, text, skipped):
        norm = _norm_row(row)
        sid = next((norm[h] for h in ID_HEADERS if norm.get(h)), "")
        if not sid:
            problems.append(RowProblem(name, line, "The row has no student id column (student_id, local_id or sis_id)."))
            continue
        flags: dict[str, bool] = {}
        for flag, headers in PROGRAM_FLAGS.items():
            header = next((h for h in headers if h in norm), None)
            if header is None:
                continue
            value = parse_bool(norm[header])
            if value is None:
                problems.append(RowProblem(name, line, f"Student {sid}: “{flag.replace('_', ' ')}” must be yes or no."))
                continue
            flags[flag] = value
        out[sid] = flags
    return out, problems


def apply_flags(preview: RosterPreview, flags: Mapping[str, Mapping[str, bool]], name: str) -> None:
    by_id = {s.local_id: s for s in preview.students}
    for sid, values in flags.items():
        student = by_id.get(sid)
        if student is None:
            preview.problems.append(RowProblem(name, 0, f"Program flags for student {sid}, who is not in the roster file."))
            continue
        for f, v in values.items():
            setattr(student, f, v)
            preview.provided.add(f)
        preview.flag_rows += 1


# What a re-import may change on an existing student.
IMPORTED_FIELDS = ("local_id", "first_name", "last_name", "school_id", "grade", "birth_date", "races",
                   "hispanic_latino", "gender_identity", "multilingual", "homeless", "low_income", "iep",
                   "section_504", "active")
