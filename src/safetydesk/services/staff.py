"""The staff registry in full (P01) and each person's training record (P02)."""

from __future__ import annotations

from datetime import date
from typing import Any

from safetydesk.domain.attachments import validate_attachment
from safetydesk.domain.errors import NotFound, ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RecordType, StaffDraft, diff_states
from safetydesk.domain.staff_training import (
    TRAINING,
    TrainingDraft,
    TrainingItem,
    esd_confirmed,
    training_items,
    validate_training,
)
from safetydesk.domain.validation import FieldError, Known, validate_staff
from safetydesk.domain.vocab import Action
from safetydesk.services import audit, recordkit
from safetydesk.services import district_records as dr
from safetydesk.services.context import Session, service
from safetydesk.store import Change, Entry, queries, queries_district
from safetydesk.store import queries_everyday as qe

STAFF = RecordType.STAFF


def _known(session: Session) -> Known:
    return Known(schools={s["id"]: s["name"] for s in queries.schools(session.store, include_inactive=True)},
                 now=session.clock())


def _staff_state(session: Session, staff_id: str) -> dict[str, Any]:
    state = session.store.state(STAFF, staff_id)
    if state is None:
        raise NotFound("That staff member is not in the registry.")
    scope = session.scope
    schools = {a.get("school_id") for a in state.get("assignments") or []}
    if scope is not None and not schools & scope:
        session.require(Permission.VIEW_RECORDS, next(iter(schools), "") or "-")
    return state


# ------------------------------------------------------------------ registry
@service(Permission.VIEW_RECORDS)
def list_staff(session: Session, text: str = "", school_id: str = "", category: str = "",
               include_retracted: bool = False, offset: int = 0, limit: int = 200) -> list[dict[str, Any]]:
    """Staff with their assignments and training summary, by name; paged."""
    if school_id:
        session.require(Permission.VIEW_RECORDS, school_id)
    return qe.list_staff(session.store, text=text, school_id=school_id, category=category,
                         scope=session.scope, include_retracted=include_retracted, offset=offset, limit=limit)


@service(Permission.VIEW_RECORDS)
def get_staff(session: Session, staff_id: str) -> dict[str, Any]:
    state = _staff_state(session, staff_id)
    info = session.store.record_info(STAFF, staff_id) or {}
    training = session.store.state(TRAINING, staff_id)
    return {"id": staff_id, "state": state, "draft": StaffDraft.from_state(state), **info,
            "training": TrainingDraft.from_state(training) if training else None,
            "training_items": training_items(staff_id, state.get("category", ""), training,
                                             session.clock().date())}


@service(Permission.VIEW_RECORDS)
def staff_history(session: Session, staff_id: str) -> list[Entry]:
    _staff_state(session, staff_id)
    return session.store.history(STAFF, staff_id)


@service(Permission.MANAGE_REGISTRY)
def amend_staff(session: Session, staff_id: str, draft: StaffDraft, reason: str,
                expected_version: int | None = None) -> list[str]:
    state = _staff_state(session, staff_id)
    recordkit.check_free_text(draft.to_state())
    errors = validate_staff(draft, _known(session))
    if errors:
        raise ValidationFailed(errors)
    return recordkit.amend(session, STAFF, staff_id, state, draft.to_state(), reason, expected_version)


@service(Permission.MANAGE_REGISTRY)
def retract_staff(session: Session, staff_id: str, reason: str) -> None:
    """Withdraw a staff entry made in error. Someone who left gets an end date instead."""
    recordkit.retract(session, STAFF, staff_id, _staff_state(session, staff_id), reason)


# ------------------------------------------------------------------ training
@service(Permission.MANAGE_TRAINING)
def attach_file(session: Session, name: str, data: bytes, media_type: str = "application/pdf") -> dict[str, Any]:
    """Keep a document (the ESD documentation) in the data file's history, like every attachment:
    encrypted, tamper-evident and carried wherever the history goes. Returns its reference."""
    errors = validate_attachment(name, data)
    if errors:
        raise ValidationFailed([FieldError("esd_file", e.message) for e in errors], "The file was not attached.")
    attachment_id = dr.add_attachment(session, name, data, "", TRAINING)
    found = queries_district.attachments(session.store, [attachment_id])[0]
    return {"attachment_id": attachment_id, "sha256": found["sha256"], "name": found["name"],
            "size": found["size"]}


@service(Permission.VIEW_RECORDS)
def read_file(session: Session, ref: dict[str, Any] | str) -> tuple[str, str, bytes]:
    """(name, media type, bytes) of an attached document, from its reference (or attachment id)."""
    attachment_id = ref.get("attachment_id", "") if isinstance(ref, dict) else ref
    if not attachment_id:
        raise NotFound("That file is not in this data file.")
    return dr.read_attachment(session, attachment_id, Permission.VIEW_RECORDS)


@service(Permission.MANAGE_TRAINING)
def record_training(session: Session, draft: TrainingDraft, reason: str = "",
                    expected_version: int | None = None) -> list[str]:
    """Create or amend a staff member's training record; returns the fields changed.

    An amendment needs a reason. The programme start defaults to the person's start date.
    """
    staff_state = _staff_state(session, draft.staff_id) if draft.staff_id else None
    if staff_state is None:
        raise ValidationFailed([FieldError("staff_id", "Choose the staff member.")])
    if not draft.program_start:
        draft.program_start = staff_state.get("start_date") or draft.esd_confirmed_on or draft.esd_date
    recordkit.check_free_text(draft.to_state(), skip=("esd_file",))
    errors = validate_training(draft, session.clock().date())
    if draft.esd_file:
        errors += dr.check_attachments(session, [draft.esd_file.get("attachment_id", "")], "esd_file")
    if errors:
        raise ValidationFailed(errors)
    current = session.store.state(TRAINING, draft.staff_id)
    if current is None:
        session.store.append(session.actor.username, [Change(
            TRAINING, draft.staff_id, Action.CREATE,
            diff_states(None, draft.to_state() | {"author": session.actor.username}))])
        return sorted(draft.to_state())
    return recordkit.amend(session, TRAINING, draft.staff_id, current, draft.to_state(), reason,
                           expected_version)


@service(Permission.VIEW_RECORDS)
def get_training(session: Session, staff_id: str) -> TrainingDraft | None:
    _staff_state(session, staff_id)
    state = session.store.state(TRAINING, staff_id)
    return TrainingDraft.from_state(state) if state else None


@service(Permission.VIEW_RECORDS)
def training_history(session: Session, staff_id: str) -> list[Entry]:
    _staff_state(session, staff_id)
    return session.store.history(TRAINING, staff_id)


@service(Permission.VIEW_RECORDS)
def is_trained(session: Session, staff_id: str) -> bool:
    state = session.store.state(TRAINING, staff_id)
    return state is not None and esd_confirmed(TrainingDraft.from_state(state))


@service(Permission.VIEW_RECORDS)
def training_due(session: Session, within_days: int = 60, today: date | None = None) -> list[dict[str, Any]]:
    """Training items coming due within ``within_days`` or overdue, most urgent first (dashboard, P02).

    ESD documentation that is not confirmed is always listed: without it the
    person may not interact with students.
    """
    today = today or session.clock().date()
    out: list[dict[str, Any]] = []
    for row in qe.staff_training_overview(session.store, session.scope):
        if row["end_date"] and row["end_date"] < today.isoformat():
            continue  # left the district
        for item in training_items(row["staff_id"], row["category"], row["training"], today):
            if item.item == "esd_documentation" or item.overdue or (
                    item.due and (date.fromisoformat(item.due) - today).days <= within_days):
                out.append(_item(row, item))
    out.sort(key=lambda r: (r["item"] != "esd_documentation", not r["overdue"], r["due"] or "", r["name"]))
    return out


def _item(row: dict[str, Any], item: TrainingItem) -> dict[str, Any]:
    return {"staff_id": row["staff_id"], "name": row["name"], "category": row["category"], "item": item.item,
            "label": item.label, "done": item.done, "required": item.required, "due": item.due,
            "overdue": item.overdue}


@service(Permission.VIEW_RECORDS)
def view_staff(session: Session, staff_id: str) -> None:
    """Record that the staff detail view was opened (audit)."""
    _staff_state(session, staff_id)
    audit.record_access(session, STAFF, staff_id, Action.VIEW)
