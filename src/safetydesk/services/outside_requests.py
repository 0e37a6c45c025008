"""Outside requests for information, including from federal immigration authorities (P15)."""

from __future__ import annotations

from safetydesk.domain.outside_requests import (
    OUTSIDE_REQUEST,
    OutsideRequestDraft,
    validate_outside_request,
)
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError, Known
from safetydesk.services import kernel
from safetydesk.services.context import Session
from safetydesk.services.doors import Doors
from safetydesk.store import queries
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


(check, log_request, amend_request, retract_request, get_request, request_history, list_requests,
 count_requests) = Doors[OutsideRequestDraft](KIND, __name__).standard(
    "check log_request amend_request retract_request get_request request_history list_requests "
    "count_requests",
    {"create": "Log an outside request. A release cannot be recorded without its legal basis.",
     "list": "Filters: school_id, document_type, response, text, school_year, include_retracted."})
