"""P09: requests that safety and security staff intervene with a student.

Teachers and administrators may ask for an intervention only when a student's
presence poses (a) an immediate and continuing danger to others, (b) an
immediate and continuing threat of material and substantial disruption of the
educational process, or (c) other emergency circumstances (Policy 3432). Staff
need not be asked before intervening in an emergency ("self-initiated").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from safetydesk.domain.records import Draft
from safetydesk.domain.validation import (
    EARLIEST,
    FUTURE_SLACK,
    FieldError,
    Known,
    _dedupe,
    parse_local_datetime,
)
from safetydesk.domain.vocab import Labelled, vocabulary

INTERVENTION = "intervention_request"


class Ground(Labelled):
    DANGER, DISRUPTION, EMERGENCY = vocabulary("""
        a_danger_to_others  (a) Immediate and continuing danger to others
        b_disruption        (b) Immediate and continuing threat of material and substantial disruption
        c_other_emergency   (c) Other emergency circumstances (Policy 3432)
    """)


class RequesterRole(Labelled):
    """Who asked. Only teachers and administrators may ask (P09); the others are listed so
    that a refusal can say why."""

    (TEACHER, ADMINISTRATOR, COUNSELOR, PARAEDUCATOR, OFFICE, OTHER_STAFF, PARENT,
     STUDENT, OTHER) = vocabulary("""
        teacher        Teacher
        administrator  Administrator
        counselor      Counselor
        paraeducator   Paraeducator
        office_staff   Office staff
        other_staff    Other school staff
        parent         Parent or guardian
        student        Student
        other          Someone else
    """)


ALLOWED_REQUESTERS = frozenset({RequesterRole.TEACHER, RequesterRole.ADMINISTRATOR})


class InterventionOutcome(Labelled):
    (RESOLVED, RETURNED, TO_OFFICE, TO_COUNSELOR, PARENT_PICKUP, MEDICAL,
     LAW_ENFORCEMENT, NO_ACTION, OTHER) = vocabulary("""
        resolved           Resolved at the scene
        returned_to_class  Student returned to class
        to_office          Student taken to the office
        to_counselor       Referred to a counselor
        parent_pickup      Parent or guardian picked up the student
        medical            Medical response
        law_enforcement    Law enforcement action (see the interaction)
        no_action          No action needed
        other              Other (describe)
    """)


@dataclass
class InterventionDraft(Draft):
    record_type: ClassVar[str] = INTERVENTION
    requested_at: str = ""  # "YYYY-MM-DDTHH:MM"
    school_id: str = ""
    location: str = ""
    self_initiated: bool = False  # staff intervened in an emergency without being asked
    requester_name: str = ""
    requester_role: str = ""
    ground: str = ""
    description: str = ""
    students: list[str] = field(default_factory=list)  # student ids
    responding_staff: list[str] = field(default_factory=list)  # staff ids
    response_at: str = ""  # when staff arrived
    outcome: str = ""
    outcome_note: str = ""
    interaction_id: str = ""  # the interaction that resulted, if any


def validate_intervention(d: InterventionDraft, known: Known, interactions: set[str] | None = None) -> list[FieldError]:
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    when = parse_local_datetime(d.requested_at)
    if when is None:
        add("requested_at", "Enter when the request was made, as YYYY-MM-DD HH:MM.")
    elif when < EARLIEST:
        add("requested_at", "The date is before 2000; check the year.")
    elif when > known.now + FUTURE_SLACK:
        add("requested_at", "The time is in the future.")
    if d.school_id not in known.schools:
        add("school_id", "Choose the school.")
    if not d.location.strip():
        add("location", "Say where the student was.")
    if not d.self_initiated:
        if not d.requester_name.strip():
            add("requester_name", "Name the person who asked for the intervention, or tick "
                "“Self-initiated emergency”.")
        if not d.requester_role:
            add("requester_role", "Choose the requester's role: teacher or administrator.")
        elif d.requester_role not in ALLOWED_REQUESTERS:
            label = RequesterRole.label_of(d.requester_role).lower()
            add("requester_role",
                f"Only teachers and administrators may ask safety and security staff to intervene "
                f"(Policy 4311, Policy 3432); a {label} cannot. Ask a teacher or an administrator to "
                "make the request, or record a self-initiated emergency if staff acted on their own.")
    if d.ground not in Ground._value2member_map_:
        add("ground", "Choose the ground for the intervention: (a) immediate and continuing danger to "
            "others, (b) immediate and continuing threat of substantial disruption, or (c) other "
            "emergency. Without one of these grounds staff may not be asked to intervene.")
    if not d.description.strip():
        add("description", "Describe what was happening.")
    if not d.students:
        add("students", "Name the student or students concerned.")
    if len(set(d.students)) != len(d.students):
        add("students", "The same student is listed twice.")
    if any(s not in known.students for s in d.students):
        add("students", "A student on this request is not in the roster.")
    if any(s not in known.staff for s in d.responding_staff):
        add("responding_staff", "A responding staff member is not in the staff registry.")
    if d.response_at:
        response = parse_local_datetime(d.response_at)
        if response is None:
            add("response_at", "Enter when staff responded, as YYYY-MM-DD HH:MM.")
        elif when and response < when:
            add("response_at", "Staff cannot respond before the request was made.")
    if d.outcome and d.outcome not in InterventionOutcome._value2member_map_:
        add("outcome", "Choose one of the outcomes.")
    if d.outcome == InterventionOutcome.OTHER and not d.outcome_note.strip():
        add("outcome_note", "Describe the outcome.")
    if d.interaction_id and interactions is not None and d.interaction_id not in interactions:
        add("interaction_id", "The linked interaction does not exist.")
    return _dedupe(errors)


def response_minutes(d: InterventionDraft) -> int | None:
    start, end = parse_local_datetime(d.requested_at), parse_local_datetime(d.response_at)
    if not start or not end:
        return None
    return int((end - start).total_seconds() // 60)

