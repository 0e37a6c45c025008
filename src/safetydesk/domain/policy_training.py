"""Training sessions for staff on Policy 4311 (for the annual board report, P22)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from safetydesk.domain.records import Draft
from safetydesk.domain.validation import EARLIEST, FieldError, Known, parse_date
from safetydesk.domain.vocab import Labelled, vocabulary

POLICY_TRAINING_RECORD_TYPE = "policy_training"


class TrainingAudience(Labelled):
    ADMINISTRATORS, TEACHERS, FRONT_OFFICE, SAFETY_STAFF, ALL_STAFF, OTHER = vocabulary("""
        administrators  Administrators
        teachers        Teachers
        front_office    Front office staff
        safety_staff    Safety and security staff
        all_staff       All staff
        other           Other
    """)


@dataclass
class PolicyTrainingDraft(Draft):
    record_type: ClassVar[str] = POLICY_TRAINING_RECORD_TYPE
    date: str = ""
    school_id: str = ""  # empty: district-wide
    topic: str = ""
    audiences: list[str] = field(default_factory=list)
    trainer: str = ""
    attendees: list[str] = field(default_factory=list)  # names, when a sign-in sheet was kept
    attendance_count: int = 0  # when only a head count was kept (at least the number of names)
    materials: list[str] = field(default_factory=list)
    note: str = ""


def attendance(state: dict[str, Any]) -> int:
    names = [n for n in state.get("attendees") or [] if str(n).strip()]
    return max(len(names), int(state.get("attendance_count") or 0))


def validate_policy_training(d: PolicyTrainingDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    day = parse_date(d.date)
    if not d.date.strip():
        errors.append(FieldError("date", "Enter the date of the session."))
    elif day is None:
        errors.append(FieldError("date", "Enter the date as YYYY-MM-DD."))
    elif day < EARLIEST.date():
        errors.append(FieldError("date", "The date is before 2000; check the year."))
    elif day > known.now.date():
        errors.append(FieldError("date", "The date is in the future; record a session once it has taken place."))
    if d.school_id and d.school_id not in known.schools:
        errors.append(FieldError("school_id", "That school is not in this district's list of schools."))
    if not d.topic.strip():
        errors.append(FieldError("topic", "Enter the topic (for example: Policy 4311 and the complaint process)."))
    if not d.audiences:
        errors.append(FieldError("audiences", "Choose who the session was for."))
    for a in d.audiences:
        if a not in TrainingAudience._value2member_map_:
            errors.append(FieldError("audiences", f"“{a}” is not one of the audiences."))
    if not d.trainer.strip():
        errors.append(FieldError("trainer", "Enter who led the session."))
    names = [n for n in d.attendees if str(n).strip()]
    count = d.attendance_count
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        errors.append(FieldError("attendance_count", "The head count must be a whole number, 0 or more."))
    elif not names and count == 0:
        errors.append(FieldError("attendees", "Record the attendance: the names of those present, or a head count."))
    elif names and count and count < len(names):
        errors.append(FieldError("attendance_count",
                                 f"The head count ({count}) is smaller than the {len(names)} names listed."))
    if len({n.strip().lower() for n in names}) != len(names):
        errors.append(FieldError("attendees", "A name is listed twice."))
    return errors
