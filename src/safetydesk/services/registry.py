"""The district, its schools and school years, staff (P01), and the student roster."""

from __future__ import annotations

from typing import Any

from safetydesk.domain.errors import NotFound, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import (
    DistrictDraft,
    Draft,
    RecordType,
    SchoolDraft,
    SchoolYearDraft,
    StaffDraft,
    StudentDraft,
    diff_states,
)
from safetydesk.domain.validation import (
    FieldError,
    Known,
    parse_date,
    validate_school,
    validate_staff,
    validate_student,
)
from safetydesk.domain.vocab import Action
from safetydesk.services import audit
from safetydesk.services.context import Session, service
from safetydesk.store import Change, Store, queries, queries_everyday


def create_changes(draft: Draft, record_id: str | None = None) -> Change:
    """The history entry that creates a record from a draft."""
    return Change(draft.record_type, record_id or new_id(), Action.CREATE, diff_states(None, draft.to_state()))


def _known_schools(store: Store) -> Known:
    return Known(schools={s["id"]: s["name"] for s in queries.schools(store, include_inactive=True)})


def setup_district(store: Store, by: str, name: str, schools: list[SchoolDraft]) -> str:
    """A new data file's district and schools (used by `init` and the first-run screen)."""
    errors: list[FieldError] = []
    if not name.strip():
        errors.append(FieldError("district", "Enter the district's name."))
    if queries.district(store):
        errors.append(FieldError("district", "This data file already has a district."))
    for s in schools:
        errors += validate_school(s)
    if errors:
        raise ValidationFailed(errors)
    district_id = new_id()
    changes = [create_changes(DistrictDraft(name=name.strip()), district_id)]
    changes += [create_changes(s) for s in schools]
    store.append(by, changes)
    return district_id


@service(Permission.VIEW_RECORDS)
def district(session: Session) -> dict[str, Any] | None:
    return queries.district(session.store)


@service(Permission.VIEW_RECORDS)
def schools(session: Session) -> list[dict[str, Any]]:
    scope = session.scope
    return [s for s in queries.schools(session.store) if scope is None or s["id"] in scope]


@service(Permission.MANAGE_REGISTRY)
def add_school(session: Session, draft: SchoolDraft) -> str:
    errors = validate_school(draft)
    if errors:
        raise ValidationFailed(errors)
    change = create_changes(draft)
    session.store.append(session.author, [change])
    return change.record_id


@service(Permission.MANAGE_REGISTRY)
def add_school_year(session: Session, draft: SchoolYearDraft) -> str:
    start, end = parse_date(draft.start_date), parse_date(draft.end_date)
    if not draft.label or not start or not end or end <= start:
        raise ValidationFailed([FieldError("school_year", "Give the school year a label and a start "
                                           "date before its end date.")])
    change = create_changes(draft, draft.label)
    session.store.append(session.author, [change])
    return change.record_id


@service(Permission.VIEW_RECORDS)
def staff(session: Session, school_id: str = "") -> list[dict[str, Any]]:
    if school_id:
        session.require(Permission.VIEW_RECORDS, school_id)
    rows = queries.staff_members(session.store, school_id)
    assignments = queries.staff_assignments(session.store)
    scope = session.scope
    out = []
    for r in rows:
        r["assignments"] = assignments.get(r["id"], [])
        if scope is None or any(a["school_id"] in scope for a in r["assignments"]):
            out.append(r)
    return out


@service(Permission.MANAGE_REGISTRY)
def add_staff(session: Session, draft: StaffDraft) -> str:
    errors = validate_staff(draft, _known_schools(session.store))
    if errors:
        raise ValidationFailed(errors)
    change = create_changes(draft)
    session.store.append(session.author, [change])
    return change.record_id


@service(Permission.MANAGE_ROSTER)
def add_student(session: Session, draft: StudentDraft) -> str:
    session.require(Permission.MANAGE_ROSTER, draft.school_id or None)
    errors = validate_student(draft, _known_schools(session.store))
    if errors:
        raise ValidationFailed(errors)
    change = create_changes(draft)
    session.store.append(session.author, [change])
    return change.record_id


@service(Permission.VIEW_RECORDS)
def find_students(session: Session, text: str, school_id: str = "", limit: int = 25, *,
                  sort: str = "", descending: bool = False) -> list[dict[str, Any]]:
    """Students matching ``text``, by name or by a column of the whole list (``sort``)."""
    return queries.find_students(session.store, text, school_id, session.scope, limit,
                                 sort=sort, descending=descending)


@service(Permission.VIEW_RECORDS)
def student_id_for(session: Session, text: str) -> str:
    """The student a person named by the SIS id (what exports and the window show) or by
    SafetyDesk's internal id. Only students at the person's schools count; two of them with
    that SIS id is refused with a sentence naming their internal ids."""
    text = (text or "").strip()
    if not text:
        raise NotFound("Name the student by their SIS id (as exports and the window show it).")
    scope = session.scope
    seen = lambda school_id: scope is None or school_id in scope  # noqa: E731
    known = queries.student_schools(session.store, [text])
    if text in known and seen(known[text]):
        return text
    found = [sid for sid, school_id in queries_everyday.students_with_local_id(session.store, text)
             if seen(school_id)]
    if len(found) == 1:
        return found[0]
    if found:
        raise NotFound(f"{len(found)} students have the SIS id {text}; name the one you mean by its internal "
                       f"id ({', '.join(found)}).")
    raise NotFound(f"No student at your schools has the SIS id or internal id “{text}”.")


@service(Permission.VIEW_RECORDS)
def student(session: Session, student_id: str) -> dict[str, Any]:
    found = queries.students_by_id(session.store, [student_id]).get(student_id)
    if not found:
        raise NotFound("That student is not in the roster.")
    session.require(Permission.VIEW_RECORDS, found["school_id"])
    audit.record_access(session, RecordType.STUDENT, student_id, Action.VIEW)
    return found


@service(Permission.VIEW_RECORDS)
def student_history(session: Session, student_id: str) -> list:
    """Every change to a student's roster entry (imports, corrections), oldest first."""
    found = queries.students_by_id(session.store, [student_id]).get(student_id)
    if not found:
        raise NotFound("That student is not in the roster.")
    session.require(Permission.VIEW_RECORDS, found["school_id"])
    return session.store.history(RecordType.STUDENT, student_id)
