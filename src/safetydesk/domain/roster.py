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
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from safetydesk.domain.records import Draft, StudentDraft
from safetydesk.domain.validation import FieldError, parse_date
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


def normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


def is_forbidden_column(name: str) -> bool:
    """P14: does this column header name place of birth, citizenship, immigration or visa data?"""
    n = normalise_header(name)
    if not n:
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

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}: {self.message}"


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

    @property
    def ok(self) -> bool:
        return not self.problems


def read_rows(name: str, text: str, skipped: list[SkippedColumn]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV text as {header: value}, without any forbidden column's value.

    Forbidden columns are dropped by position before a row dict is built; the
    list ``skipped`` receives each such column once.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        return
    keep: list[tuple[int, str]] = []
    for i, col in enumerate(header):
        col = col.strip()
        if is_forbidden_column(col):
            if not any(s.file == name and s.column == col for s in skipped):
                skipped.append(SkippedColumn(name, col, P14_REASON))
        else:
            keep.append((i, col))
    for line, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        row = {col: (raw[i].strip() if i < len(raw) else "") for i, col in keep}
        del raw  # the full row, forbidden cells included, is not kept
        yield line, row


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


ONEROSTER_RACES = {
    "americanindianoralaskanative": Race.AMERICAN_INDIAN.value,
    "asian": Race.ASIAN.value,
    "blackorafricanamerican": Race.BLACK.value,
    "nativehawaiianorotherpacificislander": Race.PACIFIC_ISLANDER.value,
    "white": Race.WHITE.value,
}


# --------------------------------------------------------------- OneRoster
ONEROSTER_FILES = ("orgs.csv", "users.csv", "demographics.csv", "enrollments.csv")


def _norm_row(row: Mapping[str, str]) -> dict[str, str]:
    return {normalise_header(k): v for k, v in row.items()}


def parse_oneroster(files: Mapping[str, str], schools: Mapping[str, list[str]]) -> RosterPreview:
    """A OneRoster 1.1 CSV set (``files``: file name -> text) as students.

    ``schools`` maps each SafetyDesk school id to a list of names it is known by
    (its name and its code), matched against each org's name and identifier.
    """
    preview = RosterPreview("oneroster")
    names = {n.lower().rsplit("/", 1)[-1]: n for n in files}
    missing = [f for f in ("orgs.csv", "users.csv") if f not in names]
    if missing:
        preview.problems.append(RowProblem(", ".join(missing), 0, "A OneRoster import needs orgs.csv "
                                           "and users.csv (and usually demographics.csv and enrollments.csv)."))
        return preview

    def rows(fname: str) -> Iterator[tuple[int, dict[str, str]]]:
        if fname in names:
            for line, row in read_rows(fname, files[names[fname]], preview.skipped_columns):
                yield line, _norm_row(row)

    preview.provided = {"local_id", "first_name", "last_name", "school_id", "grade"}
    if "demographics.csv" in names:
        preview.provided |= {"birth_date", "races", "hispanic_latino", "gender_identity"}
    lookup = _school_lookup(schools)
    org_school: dict[str, str] = {}
    for _line, org in rows("orgs.csv"):
        if org.get("status", "active").lower() == "tobedeleted":
            continue
        sid = lookup.get(org.get("identifier", "").strip().lower()) or lookup.get(org.get("name", "").strip().lower())
        if sid:
            org_school[org.get("sourcedid", "")] = sid
        elif org.get("type", "school").lower() == "school":
            preview.unmatched_schools.append(org.get("name") or org.get("sourcedid", ""))

    enrolled: dict[str, str] = {}
    for _line, e in rows("enrollments.csv"):
        if e.get("role", "").lower() != "student" or e.get("status", "active").lower() == "tobedeleted":
            continue
        user = e.get("usersourcedid", "")
        school = org_school.get(e.get("schoolsourcedid", ""))
        if school and (user not in enrolled or parse_bool(e.get("primary", "")) is True):
            enrolled[user] = school

    demographics: dict[str, dict[str, str]] = {}
    for _line, d in rows("demographics.csv"):
        demographics[d.get("sourcedid", "")] = d

    seen: set[str] = set()
    for line, u in rows("users.csv"):
        if u.get("role", "").lower() != "student":
            continue
        if u.get("status", "active").lower() == "tobedeleted" or parse_bool(u.get("enableduser", "true")) is False:
            continue
        sourced = u.get("sourcedid", "")
        local = u.get("identifier", "").strip() or sourced
        if not local:
            preview.problems.append(RowProblem("users.csv", line, "The student has no identifier or sourcedId."))
            continue
        if local in seen:
            preview.problems.append(RowProblem("users.csv", line, f"The student id {local} appears twice."))
            continue
        seen.add(local)
        school = enrolled.get(sourced)
        if not school:
            for org_id in u.get("orgsourcedids", "").split(","):
                if org_id.strip() in org_school:
                    school = org_school[org_id.strip()]
                    break
        if not school:
            preview.problems.append(RowProblem("users.csv", line, f"Student {local}: no enrollment at a "
                                               "school SafetyDesk knows (match the org's name or identifier "
                                               "to a school's name or code)."))
            continue
        demo = demographics.get(sourced, {})
        races = [code for key, code in ONEROSTER_RACES.items() if parse_bool(demo.get(key, "")) is True]
        birth = demo.get("birthdate", "")
        if birth and parse_date(birth) is None:
            preview.problems.append(RowProblem("demographics.csv", line, f"Student {local}: the birth date "
                                               "is not a date (YYYY-MM-DD).", local))
            birth = ""
        grades = u.get("grades", "").split(",")
        preview.students.append(StudentDraft(
            local_id=local, first_name=u.get("givenname", ""), last_name=u.get("familyname", ""),
            school_id=school, grade=parse_grade(grades[0] if grades else ""), birth_date=birth,
            races=races, hispanic_latino=parse_bool(demo.get("hispanicorlatinoethnicity", "")) is True,
            gender_identity=parse_gender(demo.get("sex", "")),
        ))
        if not (u.get("givenname") or u.get("familyname")):
            preview.problems.append(RowProblem("users.csv", line, f"Student {local} has no name.", local))
    return preview


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


def parse_mapped_csv(name: str, text: str, mapping: RosterMappingDraft, schools: Mapping[str, str | list[str]]) -> RosterPreview:
    preview = RosterPreview("csv")
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
        birth = get("birth_date")
        if birth and parse_date(birth) is None:
            problems.append("the birth date is not a date (YYYY-MM-DD)")
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
            preview.problems.append(RowProblem(name, line, f"Student {local or '(no id)'}: " + "; ".join(problems) + "."))
            continue
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
