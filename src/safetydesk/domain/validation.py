"""Validation: pure functions that return field errors in plain language.

Each function takes a draft and what it needs to know about the world (a
`Known` snapshot the services build), and returns a list of `FieldError`. An
empty list means the draft may be saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from safetydesk.domain.records import (
    InteractionDraft,
    SchoolDraft,
    StaffDraft,
    StudentDraft,
)
from safetydesk.domain.vocab import (
    EmployerType,
    GenderIdentity,
    InteractionType,
    Race,
    SchoolLevel,
    StaffCategory,
    StaffRole,
    StudentRole,
)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Known:
    """What validation needs to know about existing records."""

    schools: Mapping[str, str] = field(default_factory=dict)  # id -> name
    staff: Mapping[str, str] = field(default_factory=dict)  # id -> category
    students: Mapping[str, str] = field(default_factory=dict)  # id -> school id
    now: datetime = field(default_factory=datetime.now)


EARLIEST = datetime(2000, 1, 1)
# A record may be stamped a little ahead of this workstation's clock (another
# clock in the building may run fast); anything further ahead is a typo.
FUTURE_SLACK = timedelta(minutes=15)


# The forms SafetyDesk itself writes, in ASCII digits with an hour, minute and second in range:
# `datetime.fromisoformat` (C) reads them exactly as the `strptime` formats below would.
_ISO_LOCAL = re.compile(r"\d{4}-\d\d-\d\d(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?| (?:[01]\d|2[0-3]):[0-5]\d)",
                        re.ASCII)
_LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")


def parse_local_datetime(text: str) -> datetime | None:
    """A local date and time in one of `_LOCAL_FORMATS`, or None.

    The forms SafetyDesk writes go through `datetime.fromisoformat`; anything else
    `strptime` accepts (one-digit fields, a lower-case "t", several spaces, other
    digits) keeps its `strptime` reading, so every text gives what it always gave.
    """
    text = (text or "").strip()
    if _ISO_LOCAL.fullmatch(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:  # an impossible day (2025-02-30): strptime refuses it too
            return None
    if ":" not in text:  # every format has a literal colon: a plain date (2025-10-03) is not one
        return None
    for fmt in _LOCAL_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def validate_interaction(d: InteractionDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731

    when = parse_local_datetime(d.occurred_at)
    if not d.occurred_at.strip():
        add("occurred_at", "Enter the date and time the interaction happened.")
    elif when is None:
        add("occurred_at", "Enter the date and time as YYYY-MM-DD HH:MM, for example 2025-10-03 10:15.")
    elif when < EARLIEST:
        add("occurred_at", "The date is before 2000; check the year.")
    elif when > known.now + FUTURE_SLACK:
        add("occurred_at", "The date and time are in the future; an interaction is logged after it happens.")

    if not d.school_id:
        add("school_id", "Choose the school where the interaction happened.")
    elif d.school_id not in known.schools:
        add("school_id", "That school is not in this district's list of schools.")

    if not d.location.strip():
        add("location", "Say where it happened (for example: cafeteria, main hallway, parking lot).")

    if not d.type:
        add("type", "Choose the type of interaction.")
    elif d.type not in InteractionType._value2member_map_:
        add("type", f"“{d.type}” is not a type of interaction SafetyDesk knows.")

    if not d.staff:
        add("staff", "Name at least one safety or security staff member who took part.")
    seen_staff: set[str] = set()
    for link in d.staff:
        sid = link.get("staff_id", "")
        if sid not in known.staff:
            add("staff", "A staff member on this record is not in the staff registry.")
        elif sid in seen_staff:
            add("staff", "The same staff member is listed twice.")
        if link.get("role", "lead") not in StaffRole._value2member_map_:
            add("staff", "Choose how each staff member took part (lead, assisting or observer).")
        seen_staff.add(sid)

    if not d.students:
        add("students", "Name at least one student involved.")
    seen_students: set[str] = set()
    for link in d.students:
        sid = link.get("student_id", "")
        if sid not in known.students:
            add("students", "A student on this record is not in the roster.")
        elif sid in seen_students:
            add("students", "The same student is listed twice; give them one role.")
        if link.get("role") not in StudentRole._value2member_map_:
            add("students", "Give each student a role: subject, victim, witness or reporter.")
        seen_students.add(sid)

    # P06: discipline-related interactions name the administrator responsible.
    if d.resulted_in_discipline and not d.discipline_related:
        add(
            "discipline_related",
            "This interaction resulted in student discipline, so it is discipline-related: "
            "tick “Discipline-related”.",
        )
    if (d.discipline_related or d.resulted_in_discipline) and not d.responsible_admin.strip():
        add(
            "responsible_admin",
            "A discipline-related interaction must name the administrator responsible for "
            "discipline (Policy 4311: principals or their designees handle all discipline).",
        )

    if not d.narrative.strip():
        add("narrative", "Describe what happened in a few sentences.")
    return _dedupe(errors)


def validate_school(d: SchoolDraft) -> list[FieldError]:
    errors = []
    if not d.name.strip():
        errors.append(FieldError("name", "Enter the school's name."))
    if d.level not in SchoolLevel._value2member_map_:
        errors.append(FieldError("level", "Choose elementary, middle, high or other."))
    return errors


def validate_staff(d: StaffDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    if not d.name.strip():
        errors.append(FieldError("name", "Enter the staff member's name."))
    if d.category not in StaffCategory._value2member_map_:
        errors.append(FieldError("category", "Choose the staff member's category (for example SRO)."))
    if d.employer_type not in EmployerType._value2member_map_:
        errors.append(
            FieldError("employer_type", "Choose who employs them: the district, a law enforcement "
                       "agency or a contractor.")
        )
    if d.category == StaffCategory.SRO and not d.commissioned:
        errors.append(
            FieldError("commissioned", "A school resource officer is a commissioned, sworn officer: "
                       "tick “Commissioned”.")
        )
    if d.employer_type in (EmployerType.LAW_ENFORCEMENT, EmployerType.CONTRACTOR) and not d.agency.strip():
        errors.append(FieldError("agency", "Name the agency or company that employs them."))
    for a in d.assignments:
        if a.get("school_id") not in known.schools:
            errors.append(FieldError("assignments", "An assignment names a school that is not in the list."))
        days = a.get("days_per_week")
        if not isinstance(days, int | float) or not 0 < days <= 5:
            errors.append(
                FieldError("assignments", "Days per week at each school must be more than 0 and at most 5.")
            )
    start, end = parse_date(d.start_date), parse_date(d.end_date)
    if d.start_date and start is None:
        errors.append(FieldError("start_date", "Enter the start date as YYYY-MM-DD."))
    if d.end_date and end is None:
        errors.append(FieldError("end_date", "Enter the end date as YYYY-MM-DD."))
    if start and end and end < start:
        errors.append(FieldError("end_date", "The end date is before the start date."))
    return _dedupe(errors)


def validate_student(d: StudentDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    if not d.first_name.strip() and not d.last_name.strip():
        errors.append(FieldError("last_name", "Enter the student's name."))
    if d.school_id and d.school_id not in known.schools:
        errors.append(FieldError("school_id", "That school is not in this district's list of schools."))
    for race in d.races:
        if race not in Race._value2member_map_:
            errors.append(FieldError("races", f"“{race}” is not one of the race categories."))
    if d.gender_identity not in GenderIdentity._value2member_map_:
        errors.append(FieldError("gender_identity", "Choose a gender identity or “Not provided”."))
    if d.birth_date and parse_date(d.birth_date) is None:
        errors.append(FieldError("birth_date", "Enter the birth date as YYYY-MM-DD."))
    return errors


def school_year_of(day: date) -> str:
    """The Washington school year (1 September to 31 August) a date falls in: "2025-26"."""
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def school_year_bounds(label: str) -> tuple[date, date]:
    start = int(label[:4])
    return date(start, 9, 1), date(start + 1, 8, 31)


def _dedupe(errors: list[FieldError]) -> list[FieldError]:
    seen: set[tuple[str, str]] = set()
    out = []
    for e in errors:
        if (e.field, e.message) not in seen:
            seen.add((e.field, e.message))
            out.append(e)
    return out


_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character_errors(value: object, path: str = "") -> list[FieldError]:
    """Text holding an invisible control character (other than tab and line breaks): something
    pasted from another program, which no record needs and no CSV reader trusts."""
    if isinstance(value, str):
        if _CONTROL_CHARACTER.search(value):
            name = path or "text"
            return [FieldError(name, f"The {name.replace('_', ' ')} holds an invisible control character "
                                     "(perhaps pasted from another program): delete it and save again.")]
        return []
    if isinstance(value, dict):
        return [e for k, v in value.items()
                for e in control_character_errors(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list | tuple):
        return [e for i, v in enumerate(value) for e in control_character_errors(v, f"{path}[{i + 1}]")]
    return []
