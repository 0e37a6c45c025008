"""Outside requests for information, including from federal immigration authorities (P15)."""

from __future__ import annotations

from typing import Any

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.outside_requests import (
    OUTSIDE_REQUEST,
    OutsideRequestDraft,
    validate_outside_request,
)
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError, Known
from safetydesk.services import recordkit
from safetydesk.services.context import Session, service
from safetydesk.store import Entry, queries
from safetydesk.store import queries_everyday as qe

T = OUTSIDE_REQUEST


def _errors(session: Session, draft: OutsideRequestDraft) -> list[FieldError]:
    known = Known(schools={s["id"]: s["name"] for s in queries.schools(session.store)}, now=session.clock())
    return validate_outside_request(draft, known)


@service(Permission.VIEW_RECORDS)
def check(session: Session, draft: OutsideRequestDraft) -> list[FieldError]:
    return _errors(session, draft)


def _save_checks(session: Session, draft: OutsideRequestDraft) -> None:
    # A request received by the district office (no school) is logged by a district-wide account.
    if not draft.school_id and session.scope is not None:
        session.require(Permission.LOG_OUTSIDE_REQUEST, "-")
    session.require(Permission.LOG_OUTSIDE_REQUEST, draft.school_id or None)
    recordkit.check_free_text(draft.to_state())
    errors = _errors(session, draft)
    if errors:
        raise ValidationFailed(errors)


@service(Permission.LOG_OUTSIDE_REQUEST)
def log_request(session: Session, draft: OutsideRequestDraft) -> str:
    """Log an outside request. A release cannot be recorded without its legal basis."""
    _save_checks(session, draft)
    return recordkit.create(session, T, draft.to_state())


@service(Permission.LOG_OUTSIDE_REQUEST)
def amend_request(session: Session, record_id: str, draft: OutsideRequestDraft, reason: str,
                  expected_version: int | None = None) -> list[str]:
    state = recordkit.current(session, T, record_id, permission=Permission.LOG_OUTSIDE_REQUEST)
    _save_checks(session, draft)
    return recordkit.amend(session, T, record_id, state, draft.to_state(), reason, expected_version)


@service(Permission.LOG_OUTSIDE_REQUEST)
def retract_request(session: Session, record_id: str, reason: str) -> None:
    state = recordkit.current(session, T, record_id, permission=Permission.LOG_OUTSIDE_REQUEST)
    recordkit.retract(session, T, record_id, state, reason)


def _visible(session: Session, record_id: str) -> dict[str, Any]:
    state = recordkit.current(session, T, record_id)
    if not state.get("school_id") and session.scope is not None:
        session.require(Permission.VIEW_RECORDS, "-")
    return state


@service(Permission.VIEW_RECORDS)
def get_request(session: Session, record_id: str) -> dict[str, Any]:
    state = _visible(session, record_id)
    info = session.store.record_info(T, record_id) or {}
    return {"id": record_id, "state": state, "draft": OutsideRequestDraft.from_state(state), **info}


@service(Permission.VIEW_RECORDS)
def request_history(session: Session, record_id: str) -> list[Entry]:
    _visible(session, record_id)
    return session.store.history(T, record_id)


def _filters(session: Session, f: dict[str, Any]) -> dict[str, Any]:
    if f.get("school_id"):
        session.require(Permission.VIEW_RECORDS, f["school_id"])
    return f | {"scope": session.scope}


@service(Permission.VIEW_RECORDS)
def list_requests(session: Session, offset: int = 0, limit: int = 200, **filters: Any) -> list[dict[str, Any]]:
    """Filters: school_id, document_type, response, text, school_year, include_retracted."""
    return qe.list_outside_requests(session.store, offset, limit, **_filters(session, filters))


@service(Permission.VIEW_RECORDS)
def count_requests(session: Session, **filters: Any) -> int:
    return qe.count_outside_requests(session.store, **_filters(session, filters))
