"""Requests for intervention (P09): who asked, on what ground, and what happened."""

from __future__ import annotations

from typing import Any

from safetydesk.domain.interventions import INTERVENTION, InterventionDraft, validate_intervention
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError, Known
from safetydesk.services import kernel
from safetydesk.services.context import Session, service
from safetydesk.store import Entry
from safetydesk.store import queries_everyday as qe

T = INTERVENTION


def _known(session: Session, draft: InterventionDraft) -> Known:
    return kernel.known(session, draft.students)


def _validate(session: Session, draft: InterventionDraft) -> list[FieldError]:
    links = qe.interaction_exists(session.store, [draft.interaction_id] if draft.interaction_id else [])
    return validate_intervention(draft, _known(session, draft), links)


def _details(session: Session, record_id: str, state: dict[str, Any]) -> dict[str, Any]:
    return qe.intervention_people(session.store, record_id)


KIND = kernel.RecordKind(
    T, InterventionDraft, "intervention request", _validate,
    write=Permission.LOG_INTERVENTION, retract=Permission.RETRACT_INTERACTION, details=_details,
    lister=qe.list_interventions, counter=qe.count_interventions,
)


@service(Permission.VIEW_RECORDS)
def check(session: Session, draft: InterventionDraft) -> list[FieldError]:
    return kernel.check(session, KIND, draft)


@service(Permission.LOG_INTERVENTION)
def log_request(session: Session, draft: InterventionDraft) -> str:
    """Save a request for intervention. No ground, no save; only teachers and administrators may ask."""
    return kernel.create(session, KIND, draft)


@service(Permission.LOG_INTERVENTION)
def amend_request(session: Session, record_id: str, draft: InterventionDraft, reason: str,
                  expected_version: int | None = None) -> list[str]:
    return kernel.amend(session, KIND, record_id, draft, reason, expected_version)


@service(Permission.RETRACT_INTERACTION)
def retract_request(session: Session, record_id: str, reason: str) -> None:
    kernel.retract(session, KIND, record_id, reason)


@service(Permission.VIEW_RECORDS)
def get_request(session: Session, record_id: str) -> dict[str, Any]:
    return kernel.get(session, KIND, record_id)


@service(Permission.VIEW_RECORDS)
def request_history(session: Session, record_id: str) -> list[Entry]:
    return kernel.history(session, KIND, record_id)


@service(Permission.VIEW_RECORDS)
def list_requests(session: Session, offset: int = 0, limit: int = 200, **filters: Any) -> list[dict[str, Any]]:
    """Filters: school_id, ground, text, date_from, date_to, student_id, school_year,
    include_retracted, include_duplicates."""
    return kernel.list_records(session, KIND, offset, limit, **filters)


@service(Permission.VIEW_RECORDS)
def count_requests(session: Session, **filters: Any) -> int:
    return kernel.count_records(session, KIND, **filters)


@service(Permission.VIEW_RECORDS)
def counts_by_ground(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """P09 report: requests by school, ground and requester role (self-initiated emergencies apart)."""
    return qe.intervention_counts(session.store, **kernel.scoped(session, KIND, filters))
