"""Undo a save a moment after it: the record just created is retracted, through the kernel, with
the reason "entered in error". Nothing is deleted: the history keeps the record, its creation and
the retraction with that reason (P25).

The window offers Undo for a short time after a form saves a new record, and only to a person
who may retract that record (``undo_permission``); the service checks again (``undo_save``): the
kernel's retract permission at the record's school, and that the record is still as this person
created it (not changed since, by them or anyone else).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.permissions import Permission
from safetydesk.services import (
    agreements,
    climate,
    complaints,
    interactions,
    interventions,
    kernel,
    outside_requests,
    policy_training,
    start_of_year,
)
from safetydesk.services.context import Session, service

UNDO_REASON = "entered in error"

_KINDS: dict[str, kernel.RecordKind] = {
    k.record_type: k for k in (
        interactions.KIND, interventions.KIND, climate.KIND, outside_requests.KIND,
        complaints.KIND, agreements.KIND, policy_training.KIND, *start_of_year.KINDS.values())
}

# The services that create a record (a form's "log" door) -> the record type they create
# ("" : the draft names it, as start-of-year drafts do).
_DOORS: dict[str, str] = {
    "interactions.log_interaction": interactions.KIND.record_type,
    "interventions.log_request": interventions.KIND.record_type,
    "climate.log_activity": climate.KIND.record_type,
    "outside_requests.log_request": outside_requests.KIND.record_type,
    "complaints.file_complaint": complaints.KIND.record_type,
    "agreements.add_agreement": agreements.KIND.record_type,
    "policy_training.record_session": policy_training.KIND.record_type,
    "start_of_year.record": "",
}


def record_type_created_by(door: Callable[..., Any], draft: Any = None) -> str:
    """The record type a creating service writes ("" when saves through it cannot be undone)."""
    name = f"{getattr(door, '__module__', '').rsplit('.', 1)[-1]}.{getattr(door, '__name__', '')}"
    if name not in _DOORS:
        return ""
    record_type = _DOORS[name] or str(getattr(draft, "record_type", "") or "")
    return record_type if record_type in _KINDS else ""


def undo_permission(record_type: str, school_id: str | None) -> tuple[Permission, str | None] | None:
    """The permission (and the place it is checked at) a person needs to undo a save of this
    record type at this school: the kernel's retract permission. None: not undoable."""
    kind = _KINDS.get(record_type)
    if kind is None:
        return None
    return kind.retract, kind.place(school_id)


@service(Permission.VIEW_RECORDS)
def undo_save(session: Session, record_type: str, record_id: str) -> None:
    """Retract the record this person just created, with the reason "entered in error".

    Refused, with the reason, when the record was changed since it was saved or someone else
    created it (a correction is then an amendment or a retraction with its own reason)."""
    kind = _KINDS.get(record_type)
    if kind is None:
        raise SafetyDeskError("This kind of record cannot be undone. Retract it from its window instead.")
    info = session.store.record_info(record_type, record_id) or {}
    if info and info.get("created_by") != session.actor.username:
        raise SafetyDeskError(f"Only the person who saved this {kind.noun} can undo it. "
                              "Retract it from its window instead, with the reason.")
    if int(info.get("version") or 1) > 1:
        raise SafetyDeskError(f"This {kind.noun} was changed after it was saved, so it cannot be "
                              "undone. Retract it from its window instead, with the reason.")
    kernel.retract(session, kind, record_id, UNDO_REASON)
