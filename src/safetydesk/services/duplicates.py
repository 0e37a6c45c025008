"""Duplicates: the same student at the same school within a short time (interactions, requests).

`find_duplicates` runs before saving, so the form can show the candidates;
`mark_duplicate` keeps one canonical record and links the other to it with an
amendment (with its reason). Lists and counts hide duplicates by default.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from safetydesk.domain.errors import SafetyDeskError, ValidationFailed
from safetydesk.domain.interventions import INTERVENTION, InterventionDraft
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import InteractionDraft, RecordType
from safetydesk.domain.validation import FieldError, parse_local_datetime
from safetydesk.domain.vocab import Action
from safetydesk.services import interactions, interventions, kernel
from safetydesk.services.context import Session, service
from safetydesk.store import Change
from safetydesk.store import queries_everyday as qe

WINDOW = timedelta(hours=2)
_FMT = "%Y-%m-%dT%H:%M"


@service(Permission.VIEW_RECORDS)
def find_duplicates(session: Session, draft: InteractionDraft | InterventionDraft, exclude: str = "",
                    window: timedelta = WINDOW) -> list[dict[str, Any]]:
    """Saved records of the same kind naming one of the draft's students at the same school
    within ``window`` (default two hours) of it. Call before saving."""
    if not draft.school_id:
        return []
    session.require(Permission.VIEW_RECORDS, draft.school_id)
    if isinstance(draft, InteractionDraft):
        when = parse_local_datetime(draft.occurred_at)
        students = [s.get("student_id", "") for s in draft.students]
        find = qe.interaction_candidates
    else:
        when = parse_local_datetime(draft.requested_at)
        students = list(draft.students)
        find = qe.intervention_candidates
    if when is None or not students:
        return []
    start, end = (when - window).strftime(_FMT), (when + window).strftime(_FMT) + ":59"
    return find(session.store, draft.school_id, students, start, end, exclude)


_TYPES = {RecordType.INTERACTION: "interaction", INTERVENTION: "intervention request"}


@service(Permission.VIEW_RECORDS)
def mark_duplicate(session: Session, record_type: str, record_id: str, canonical_id: str, reason: str) -> None:
    """Mark ``record_id`` as a duplicate of ``canonical_id``: an amendment with the reason.

    The duplicate stays in the history and can be shown on request; the
    canonical record is the one lists, counts and reports use.
    """
    if record_type not in _TYPES:
        raise SafetyDeskError("Only interactions and intervention requests can be marked as duplicates.")
    kind = interactions.KIND if record_type == RecordType.INTERACTION else interventions.KIND
    state = kernel.load(session, kind, record_id)
    session.require(kind.amend_permission(state), state.get("school_id") or None)
    other = kernel.load(session, kind, canonical_id)
    name = _TYPES[record_type]
    problems = []
    if record_id == canonical_id:
        problems.append(FieldError("duplicate_of", f"A {name} cannot be a duplicate of itself."))
    if other.get("retracted") or other.get("duplicate_of"):
        problems.append(FieldError("duplicate_of", f"Choose a {name} that is itself neither retracted nor a duplicate."))
    if other.get("school_id") != state.get("school_id"):
        problems.append(FieldError("duplicate_of", f"The two {name}s are at different schools."))
    if not reason.strip():
        problems.append(FieldError("reason", "Say why this is a duplicate."))
    if state.get("duplicate_of"):
        problems.append(FieldError("duplicate_of", f"This {name} is already marked as a duplicate."))
    if problems:
        raise ValidationFailed(problems, "Nothing was changed.")
    changes = {"duplicate_of": [state.get("duplicate_of"), canonical_id]}
    session.store.append(session.author,
                         [Change(record_type, record_id, Action.AMEND, changes, reason.strip())])
