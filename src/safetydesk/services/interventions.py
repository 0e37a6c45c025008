"""Requests for intervention (P09): who asked, on what ground, and what happened."""

from __future__ import annotations

from typing import Any

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.interventions import INTERVENTION, InterventionDraft, validate_intervention
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError, Known
from safetydesk.domain.vocab import Action
from safetydesk.services import audit, recordkit
from safetydesk.services.context import Session, service
from safetydesk.store import Entry, queries
from safetydesk.store import queries_everyday as qe

T = INTERVENTION


def _known(session: Session, draft: InterventionDraft) -> Known:
    store = session.store
    return Known(schools={s["id"]: s["name"] for s in queries.schools(store)},
                 staff=queries.staff_categories(store),
                 students=queries.student_schools(store, list(draft.students)), now=session.clock())


def _validate(session: Session, draft: InterventionDraft) -> None:
    recordkit.check_free_text(draft.to_state())
    links = qe.interaction_exists(session.store, [draft.interaction_id] if draft.interaction_id else [])
    errors = validate_intervention(draft, _known(session, draft), links)
    if errors:
        raise ValidationFailed(errors)


@service(Permission.VIEW_RECORDS)
def check(session: Session, draft: InterventionDraft) -> list[FieldError]:
    links = qe.interaction_exists(session.store, [draft.interaction_id] if draft.interaction_id else [])
    return validate_intervention(draft, _known(session, draft), links)


@service(Permission.LOG_INTERVENTION)
def log_request(session: Session, draft: InterventionDraft) -> str:
    """Save a request for intervention. No ground, no save; only teachers and administrators may ask."""
    session.require(Permission.LOG_INTERVENTION, draft.school_id or None)
    _validate(session, draft)
    return recordkit.create(session, T, draft.to_state())


@service(Permission.LOG_INTERVENTION)
def amend_request(session: Session, record_id: str, draft: InterventionDraft, reason: str,
                  expected_version: int | None = None) -> list[str]:
    state = recordkit.current(session, T, record_id, permission=Permission.LOG_INTERVENTION)
    session.require(Permission.LOG_INTERVENTION, draft.school_id or None)
    _validate(session, draft)
    return recordkit.amend(session, T, record_id, state, draft.to_state(), reason, expected_version)


@service(Permission.RETRACT_INTERACTION)
def retract_request(session: Session, record_id: str, reason: str) -> None:
    state = recordkit.current(session, T, record_id, permission=Permission.RETRACT_INTERACTION)
    recordkit.retract(session, T, record_id, state, reason)


@service(Permission.VIEW_RECORDS)
def get_request(session: Session, record_id: str) -> dict[str, Any]:
    state = recordkit.current(session, T, record_id)
    audit.record_access(session, T, record_id, Action.VIEW)
    info = session.store.record_info(T, record_id) or {}
    return {"id": record_id, "state": state, "draft": InterventionDraft.from_state(state), **info,
            **qe.intervention_people(session.store, record_id)}


@service(Permission.VIEW_RECORDS)
def request_history(session: Session, record_id: str) -> list[Entry]:
    recordkit.current(session, T, record_id)
    return session.store.history(T, record_id)


def _filters(session: Session, f: dict[str, Any]) -> dict[str, Any]:
    if f.get("school_id"):
        session.require(Permission.VIEW_RECORDS, f["school_id"])
    return f | {"scope": session.scope}


@service(Permission.VIEW_RECORDS)
def list_requests(session: Session, offset: int = 0, limit: int = 200, **filters: Any) -> list[dict[str, Any]]:
    """Filters: school_id, ground, text, date_from, date_to, student_id, school_year,
    include_retracted, include_duplicates."""
    return qe.list_interventions(session.store, offset, limit, **_filters(session, filters))


@service(Permission.VIEW_RECORDS)
def count_requests(session: Session, **filters: Any) -> int:
    return qe.count_interventions(session.store, **_filters(session, filters))


@service(Permission.VIEW_RECORDS)
def counts_by_ground(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """P09 report: requests by school, ground and requester role (self-initiated emergencies apart)."""
    return qe.intervention_counts(session.store, **_filters(session, filters))
