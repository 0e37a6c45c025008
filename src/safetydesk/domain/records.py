"""Record drafts: what a form produces and a service saves.

A record's stored state is a plain JSON-able dict (``to_state``); its history is
the list of changes to that dict. Nested lists (students on an interaction,
schools a staff member is assigned to) are whole-field values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Self

# Bumped whenever a validation rule changes; each saved record keeps the
# version it was checked against (obligations.md, preamble).
RULES_VERSION = "4311-2020.05/r1"


class RecordType:
    DISTRICT = "district"
    SCHOOL = "school"
    SCHOOL_YEAR = "school_year"
    STAFF = "staff"
    STUDENT = "student"
    INTERACTION = "interaction"
    USER = "user"

    ALL: ClassVar[tuple[str, ...]] = (
        DISTRICT, SCHOOL, SCHOOL_YEAR, STAFF, STUDENT, INTERACTION, USER,
    )


@dataclass
class Draft:
    """Base for drafts: conversion to and from a record's stored state."""

    record_type: ClassVar[str] = ""

    def to_state(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Self:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in state.items() if k in names})


@dataclass
class DistrictDraft(Draft):
    record_type: ClassVar[str] = RecordType.DISTRICT
    name: str = ""
    code: str = ""


@dataclass
class SchoolDraft(Draft):
    record_type: ClassVar[str] = RecordType.SCHOOL
    name: str = ""
    code: str = ""
    level: str = "other"
    active: bool = True


@dataclass
class SchoolYearDraft(Draft):
    record_type: ClassVar[str] = RecordType.SCHOOL_YEAR
    label: str = ""  # "2025-26"
    start_date: str = ""  # ISO date
    end_date: str = ""


@dataclass
class Assignment:
    school_id: str
    days_per_week: float = 5.0


@dataclass
class StaffDraft(Draft):
    """P01: a safety and security staff member (basic fields)."""

    record_type: ClassVar[str] = RecordType.STAFF
    name: str = ""
    category: str = ""
    commissioned: bool = False
    employer_type: str = ""
    agency: str = ""
    badge: str = ""
    assignments: list[dict[str, Any]] = field(default_factory=list)
    start_date: str = ""
    end_date: str = ""


@dataclass
class StudentDraft(Draft):
    """A roster entry with the demographics P20 disaggregates by.

    P14: no field for immigration or citizenship status or place of birth.
    """

    record_type: ClassVar[str] = RecordType.STUDENT
    local_id: str = ""  # the student information system's id
    first_name: str = ""
    last_name: str = ""
    school_id: str = ""
    grade: str = ""
    birth_date: str = ""
    races: list[str] = field(default_factory=list)
    hispanic_latino: bool = False
    gender_identity: str = "not_provided"
    multilingual: bool = False
    homeless: bool = False
    low_income: bool = False
    iep: bool = False
    section_504: bool = False
    active: bool = True

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class InteractionDraft(Draft):
    """P06: one interaction between safety staff and one or more students."""

    record_type: ClassVar[str] = RecordType.INTERACTION
    occurred_at: str = ""  # local date and time, "YYYY-MM-DDTHH:MM"
    school_id: str = ""
    location: str = ""
    type: str = ""
    discipline_related: bool = False
    responsible_admin: str = ""
    narrative: str = ""
    resulted_in_discipline: bool = False
    use_of_force: bool = False
    arrest: bool = False
    # The students each ticked outcome applies to: {"arrest": [student_id, ...], ...}
    # (domain/outcomes.py; a subject is the default, a victim or witness is chosen).
    outcome_students: dict[str, list[str]] = field(default_factory=dict)
    # [{"student_id": ..., "role": "subject"|"victim"|"witness"|"reporter"}]
    students: list[dict[str, Any]] = field(default_factory=list)
    # [{"staff_id": ..., "role": "lead"|"assisting"|"observer"}]
    staff: list[dict[str, Any]] = field(default_factory=list)
    # The fields below complete P06-P13; their shapes and rules are in
    # domain/law_enforcement.py and docs/records.md.
    # P07: a safety staff member recorded as deciding or imposing a school consequence.
    consequence_by_staff_id: str = ""
    sro_discipline_justification: str = ""
    # P08: alternatives considered before a law enforcement action (Alternative codes).
    alternatives_considered: list[str] = field(default_factory=list)
    alternatives_note: str = ""
    # P11: one entry per law enforcement activity (see LE_ACTIVITY_FIELDS).
    le_activities: list[dict[str, Any]] = field(default_factory=list)
    # P12: RCW 13.40.740, one entry per student (see ATTORNEY_FIELDS).
    attorney_access: list[dict[str, Any]] = field(default_factory=list)
    # P13: attempts to reach a parent or guardian, or why notification was deferred.
    notifications: list[dict[str, Any]] = field(default_factory=list)
    notification_deferred_reason: str = ""
    # Use of force and restraint or isolation details (see FORCE_FIELDS, RESTRAINT_FIELDS).
    force_details: dict[str, Any] = field(default_factory=dict)
    restraint_details: dict[str, Any] = field(default_factory=dict)


@dataclass
class UserDraft(Draft):
    record_type: ClassVar[str] = RecordType.USER
    username: str = ""
    display_name: str = ""
    role: str = ""
    schools: list[str] = field(default_factory=list)  # empty: every school
    active: bool = True


# Fields a person may change through an amendment, per record type. Anything
# else (author, rules version, retraction) is set by the services themselves.
AMENDABLE: dict[str, frozenset[str]] = {
    RecordType.INTERACTION: frozenset(f.name for f in fields(InteractionDraft)),
    RecordType.STUDENT: frozenset(f.name for f in fields(StudentDraft)),
    RecordType.STAFF: frozenset(f.name for f in fields(StaffDraft)),
    RecordType.SCHOOL: frozenset(f.name for f in fields(SchoolDraft)),
    RecordType.SCHOOL_YEAR: frozenset(f.name for f in fields(SchoolYearDraft)),
    RecordType.DISTRICT: frozenset(f.name for f in fields(DistrictDraft)),
    RecordType.USER: frozenset(f.name for f in fields(UserDraft)),
}


def diff_states(before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value differs, as ``{field: [before, after]}``."""
    before = before or {}
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        if key not in after:
            continue
        old, new = before.get(key), after[key]
        if old != new:
            changes[key] = [old, new]
    return changes


# ------------------------------------------------------------------ bookkeeping
# Fields every record carries that the services set, never a form: who wrote it,
# which rules it was checked against, and whether (and why) it was retracted.
BOOKKEEPING_FIELDS = ("author", "rules_version", "retracted", "retract_reason")


def bookkeeping(author: str) -> dict[str, Any]:
    """The bookkeeping fields of a record as it is created by ``author`` (a user name).

    The one place these are spelled out: the record kernel, imports, attachments
    and the demo generator all take them from here."""
    return {"author": author, "rules_version": RULES_VERSION, "retracted": False, "retract_reason": ""}


def retraction_changes(state: dict[str, Any], reason: str) -> dict[str, list[Any]]:
    """The changes that retract a record (the original stays in the history)."""
    return {"retracted": [bool(state.get("retracted")), True],
            "retract_reason": [state.get("retract_reason", ""), reason.strip()]}
