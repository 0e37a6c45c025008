"""The staff registry in full (P01) and each person's training record (P02)."""

from __future__ import annotations

from datetime import date
from typing import Any

from safetydesk.domain.errors import NotFound, ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RecordType, StaffDraft
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
from safetydesk.services import attachments, audit, kernel
from safetydesk.services.context import Session, service
from safetydesk.store import Entry, queries
from safetydesk.store import queries_everyday as qe

STAFF = RecordType.STAFF


def _known(session: Session) -> Known:
    return Known(schools={s["id"]: s["name"] for s in queries.schools(session.store, include_inactive=True)},
                 now=session.clock())


def _can_see_staff(session: Session, state: dict[str, Any]) -> None:
    """A staff member is seen by accounts that serve one of the schools they are assigned to."""
    scope = session.scope
    schools = {a.get("school_id") for a in state.get("assignments") or []}
    if scope is not None and not schools & scope:
        session.require(Permission.VIEW_RECORDS, next(iter(schools), "") or "-")


def _staff_state(session: Session, staff_id: str) -> dict[str, Any]:
    state = session.store.state(STAFF, staff_id)
    if state is None:
        raise NotFound("That staff member is not in the registry.")
    _can_see_staff(session, state)
    return state


def _validate_training(session: Session, draft: TrainingDraft) -> list[FieldError]:
    errors = validate_training(draft, session.clock().date())
    if draft.esd_file:
        errors += attachments.check_attachments(session, [draft.esd_file.get("attachment_id", "")], "esd_file")
    return errors


def _training_defaults(session: Session, draft: TrainingDraft, before: dict[str, Any] | None) -> None:
    if not draft.program_start:
        start = (session.store.state(STAFF, draft.staff_id) or {}).get("start_date")
        draft.program_start = start or draft.esd_confirmed_on or draft.esd_date


# Staff and their training belong to the district; who sees a person follows their assignments.
STAFF_KIND = kernel.RecordKind(
    STAFF, StaffDraft, "staff member", lambda session, draft: validate_staff(draft, _known(session)),
    write=Permission.MANAGE_REGISTRY, retract=Permission.MANAGE_REGISTRY, scope=kernel.Scope.DISTRICT,
    can_see=_can_see_staff, audit_views=False,
)
TRAINING_KIND = kernel.RecordKind(
    TRAINING, TrainingDraft, "training record", _validate_training, write=Permission.MANAGE_TRAINING,
    retract=Permission.MANAGE_TRAINING, scope=kernel.Scope.DISTRICT, prepare=_training_defaults,
    p14_skip=("esd_file",), audit_views=False,
)


# ------------------------------------------------------------------ registry
@service(Permission.VIEW_RECORDS)
def list_staff(session: Session, text: str = "", school_id: str = "", category: str = "",
               include_retracted: bool = False, offset: int = 0, limit: int = 200,
               sort: str = "", descending: bool = False) -> list[dict[str, Any]]:
    """Staff with their assignments and training summary, by name or by a column of the whole
    list (``sort``); paged."""
    if school_id:
        session.require(Permission.VIEW_RECORDS, school_id)
    return qe.list_staff(session.store, text=text, school_id=school_id, category=category,
                         scope=session.scope, include_retracted=include_retracted, offset=offset, limit=limit,
                         sort=sort, descending=descending)


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
    _staff_state(session, staff_id)
    return kernel.amend(session, STAFF_KIND, staff_id, draft, reason, expected_version)


@service(Permission.MANAGE_REGISTRY)
def retract_staff(session: Session, staff_id: str, reason: str) -> None:
    """Withdraw a staff entry made in error. Someone who left gets an end date instead."""
    _staff_state(session, staff_id)
    kernel.retract(session, STAFF_KIND, staff_id, reason)


# ------------------------------------------------------------------ training
def _file_ref(session: Session, attachment_id: str) -> dict[str, Any]:
    found = attachments.describe(session, attachment_id)
    return {"attachment_id": attachment_id, "sha256": found["sha256"], "name": found["name"],
            "size": found["size"]}


@service(Permission.MANAGE_TRAINING)
def attach_file(session: Session, name: str, data: bytes, media_type: str = "application/pdf") -> dict[str, Any]:
    """Keep a document (the ESD documentation) in the data file's history, like every attachment:
    encrypted, tamper-evident and carried wherever the history goes. Returns its reference."""
    attachment_id = attachments.add_attachment(session, name, data, "", TRAINING, field_name="esd_file")
    return _file_ref(session, attachment_id)


@service(Permission.VIEW_RECORDS)
def read_file(session: Session, ref: dict[str, Any] | str) -> tuple[str, str, bytes]:
    """(name, media type, bytes) of an attached document, from its reference (or attachment id)."""
    attachment_id = ref.get("attachment_id", "") if isinstance(ref, dict) else ref
    if not attachment_id:
        raise NotFound("That file is not in this data file.")
    return attachments.read_attachment(session, attachment_id, Permission.VIEW_RECORDS)


@service(Permission.MANAGE_TRAINING)
def record_training(session: Session, draft: TrainingDraft, reason: str = "",
                    expected_version: int | None = None) -> list[str]:
    """Create or amend a staff member's training record; returns the fields changed.

    An amendment needs a reason. The programme start defaults to the person's start date.
    """
    if not draft.staff_id:
        raise ValidationFailed([FieldError("staff_id", "Choose the staff member.")])
    _staff_state(session, draft.staff_id)
    if session.store.state(TRAINING, draft.staff_id) is None:
        kernel.create(session, TRAINING_KIND, draft, record_id=draft.staff_id)
        return sorted(draft.to_state())
    return kernel.amend(session, TRAINING_KIND, draft.staff_id, draft, reason, expected_version)


@service(Permission.MANAGE_TRAINING)
def record_training_with_file(session: Session, draft: TrainingDraft, name: str, data: bytes,
                              reason: str = "", expected_version: int | None = None) -> list[str]:
    """Attach the ESD documentation and save the training record that refers to it, in one
    transaction: if the record is refused, the file is not kept either."""
    with kernel.transaction(session):
        draft.esd_file = attach_file(session, name, data)
        return record_training(session, draft, reason, expected_version)


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
