"""Requests for intervention (P09): who asked, on what ground, and what happened."""

from __future__ import annotations

from typing import Any

from safetydesk.domain.interventions import INTERVENTION, InterventionDraft, validate_intervention
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError, Known
from safetydesk.services import kernel
from safetydesk.services.context import Session, service
from safetydesk.services.doors import Doors
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


(check, log_request, amend_request, retract_request, get_request, request_history, list_requests,
 count_requests) = Doors[InterventionDraft](KIND, __name__).standard(
    "check log_request amend_request retract_request get_request request_history list_requests "
    "count_requests",
    {"create": "Save a request for intervention. No ground, no save; only teachers and "
               "administrators may ask.",
     "list": "Filters: school_id, ground, text, date_from, date_to, student_id, school_year, "
             "include_retracted, include_duplicates."})


@service(Permission.VIEW_RECORDS)
def counts_by_ground(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """P09 report: requests by school, ground and requester role (self-initiated emergencies apart)."""
    return qe.intervention_counts(session.store, **kernel.scoped(session, KIND, filters))
