"""Training sessions for staff on Policy 4311 (sessions and attendance, for the board report, P22)."""

from __future__ import annotations

from typing import Any

from safetydesk.domain.permissions import Permission
from safetydesk.domain.policy_training import (
    POLICY_TRAINING_RECORD_TYPE,
    PolicyTrainingDraft,
    validate_policy_training,
)
from safetydesk.domain.validation import FieldError
from safetydesk.services import attachments, kernel
from safetydesk.services.context import Session, service
from safetydesk.services.doors import Doors
from safetydesk.store import queries_district

M = Permission.MANAGE_TRAINING


def _validate(session: Session, draft: PolicyTrainingDraft) -> list[FieldError]:
    return validate_policy_training(draft, kernel.known(session)) + attachments.check_attachments(
        session, draft.materials, "materials")


def _tidy(session: Session, draft: PolicyTrainingDraft, before: dict[str, Any] | None) -> None:
    draft.attendees = [n.strip() for n in draft.attendees if str(n).strip()]


# District-wide sessions have no school; a session at one school is checked against that school.
KIND = kernel.RecordKind(POLICY_TRAINING_RECORD_TYPE, PolicyTrainingDraft, "training session", _validate,
                         write=M, retract=M, prepare=_tidy)


@service(M)
def check_session(session: Session, draft: PolicyTrainingDraft) -> list[FieldError]:
    return _validate(session, draft)


_doors = Doors[PolicyTrainingDraft](KIND, __name__)
record_session = _doors.create("record_session")
amend_session = _doors.amend("amend_session")
retract_session = _doors.retract("retract_session")
get_session = _doors.get("get_session")
session_history = _doors.history("session_history")


@service(M)
def attach_material(session: Session, name: str, data: bytes, school_id: str = "") -> str:
    session.require(M, school_id or None)
    return attachments.add_attachment(session, name, data, school_id, "policy_training")


@service(Permission.VIEW_RECORDS)
def list_sessions(session: Session, school_year: str = "", include_retracted: bool = False) -> list[dict[str, Any]]:
    """Sessions newest first; district-wide sessions and those at the schools this person sees."""
    scope = session.scope
    return [r for r in queries_district.list_policy_trainings(session.store, school_year, include_retracted)
            if scope is None or not r["school_id"] or r["school_id"] in scope]


@service(Permission.VIEW_RECORDS)
def training_summary(session: Session, school_year: str) -> dict[str, Any]:
    """For the annual board report (P22): sessions, total attendance, by audience."""
    rows = list_sessions(session, school_year)
    by_audience: dict[str, int] = {}
    for r in rows:
        for a in r["audiences"]:
            by_audience[a] = by_audience.get(a, 0) + r["attendance"]
    return {"school_year": school_year, "sessions": len(rows),
            "attendance": sum(r["attendance"] for r in rows), "attendance_by_audience": by_audience,
            "rows": rows}
