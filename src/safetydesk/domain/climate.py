"""P10: climate and threat assessment participation, recorded without students.

A climate activity has no student field at all. Threat assessment team
participation records only that the person took part: case content stays out
of SafetyDesk (Policy 3225).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from safetydesk.domain.records import Draft
from safetydesk.domain.validation import FieldError, Known, _dedupe, parse_date
from safetydesk.domain.vocab import Labelled, vocabulary

CLIMATE = "climate_activity"
NOTE_LIMIT = 500
THREAT_NOTE_LIMIT = 120


class ClimateActivityType(Labelled):
    (FACULTY_MEETING, STUDENT_MEETING, ASSEMBLY, RELATIONSHIPS, THREAT_ASSESSMENT,
     OTHER) = vocabulary("""
        faculty_meeting         Faculty meeting
        student_meeting         Student meeting
        assembly                Assembly
        relationship_building   Positive relationship building
        threat_assessment_team  Threat assessment team participation (no case content)
        other                   Other
    """)


@dataclass
class ClimateDraft(Draft):
    record_type: ClassVar[str] = CLIMATE
    activity_date: str = ""
    school_id: str = ""
    staff: list[str] = field(default_factory=list)  # staff ids
    activity_type: str = ""
    note: str = ""


def validate_climate(d: ClimateDraft, known: Known, student_names_found: list[str] | None = None) -> list[FieldError]:
    """``student_names_found``: roster names the service found in the note (they may not be there)."""
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    day = parse_date(d.activity_date)
    if day is None:
        add("activity_date", "Enter the date of the activity as YYYY-MM-DD.")
    elif day > known.now.date():
        add("activity_date", "The date is in the future; record an activity after it happened.")
    elif day < date(2000, 1, 1):
        add("activity_date", "The date is before 2000; check the year.")
    if d.school_id not in known.schools:
        add("school_id", "Choose the school.")
    if not d.staff:
        add("staff", "Name the staff member(s) who took part.")
    if any(s not in known.staff for s in d.staff):
        add("staff", "A staff member is not in the staff registry.")
    if len(set(d.staff)) != len(d.staff):
        add("staff", "The same staff member is listed twice.")
    if d.activity_type not in ClimateActivityType._value2member_map_:
        add("activity_type", "Choose the kind of activity.")
    if d.activity_type == ClimateActivityType.OTHER and not d.note.strip():
        add("note", "Describe the activity.")
    limit = THREAT_NOTE_LIMIT if d.activity_type == ClimateActivityType.THREAT_ASSESSMENT else NOTE_LIMIT
    if len(d.note) > limit:
        if d.activity_type == ClimateActivityType.THREAT_ASSESSMENT:
            add("note", f"Keep the note under {limit} characters: threat assessment case content stays "
                "out of SafetyDesk (Policy 3225). Record only that the staff member took part.")
        else:
            add("note", f"Keep the note under {limit} characters.")
    if student_names_found:
        add("note", "Climate activities are recorded without students; remove the student name(s) "
            f"from the note: {', '.join(student_names_found)}.")
    return _dedupe(errors)
