"""Outside requests for information, including from federal immigration authorities (P15)."""

from __future__ import annotations

from typing import Any

from safetydesk.domain.outside_requests import (
    OUTSIDE_REQUEST,
    OutsideRequestDraft,
    validate_outside_request,
)
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError, Known
from safetydesk.services import kernel
from safetydesk.services.context import Session, service
from safetydesk.store import Entry, queries
from safetydesk.store import queries_everyday as qe

T = OUTSIDE_REQUEST


def _errors(session: Session, draft: OutsideRequestDraft) -> list[FieldError]:
    known = Known(schools={s["id"]: s["name"] for s in queries.schools(session.store)}, now=session.clock())
    return validate_outside_request(draft, known)


# A request received by the district office (no school) is kept and seen by district-wide accounts.
KIND = kernel.RecordKind(
    T, OutsideRequestDraft, "outside request", _errors, write=Permission.LOG_OUTSIDE_REQUEST,
    retract=Permission.LOG_OUTSIDE_REQUEST, scope=kernel.Scope.SCHOOL_OR_OFFICE,
    lister=qe.list_outside_requests, counter=qe.count_outside_requests, audit_views=False,
)


@service(Permission.VIEW_RECORDS)
def check(session: Session, draft: OutsideRequestDraft) -> list[FieldError]:
    return kernel.check(session, KIND, draft)


@service(Permission.LOG_OUTSIDE_REQUEST)
def log_request(session: Session, draft: OutsideRequestDraft) -> str:
    """Log an outside request. A release cannot be recorded without its legal basis."""
    return kernel.create(session, KIND, draft)


@service(Permission.LOG_OUTSIDE_REQUEST)
def amend_request(session: Session, record_id: str, draft: OutsideRequestDraft, reason: str,
                  expected_version: int | None = None) -> list[str]:
    return kernel.amend(session, KIND, record_id, draft, reason, expected_version)


@service(Permission.LOG_OUTSIDE_REQUEST)
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
    """Filters: school_id, document_type, response, text, school_year, include_retracted."""
    return kernel.list_records(session, KIND, offset, limit, **filters)


@service(Permission.VIEW_RECORDS)
def count_requests(session: Session, **filters: Any) -> int:
    return kernel.count_records(session, KIND, **filters)
