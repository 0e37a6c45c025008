"""The create / amend with reason / retract with reason / get / history pattern, shared by the
district-level record types (complaints, start of year, agreements, policy training), and the
files attached to them.

Each record type describes itself with a `Kind`; the service modules call these
helpers after their own permission checks, so the rules stay in one place:
every change is a history entry, amendments and retractions need a reason, a
retracted record cannot change, and an amendment made from a stale copy is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from safetydesk.domain.attachments import (
    ATTACHMENT_RECORD_TYPE,
    attachment_bytes,
    attachment_state,
    validate_attachment,
)
from safetydesk.domain.errors import NotFound, SafetyDeskError, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RULES_VERSION, Draft, diff_states
from safetydesk.domain.validation import FieldError, Known
from safetydesk.domain.vocab import Action
from safetydesk.services import audit
from safetydesk.services.context import Session
from safetydesk.services.recordkit import append_change, check_free_text, refuse_stale, retraction
from safetydesk.store import Change, Entry, queries, queries_district

Validator = Callable[[Session, Any], list[FieldError]]


@dataclass(frozen=True)
class Kind:
    record_type: str
    draft: type[Draft]
    noun: str  # "complaint", "presentation record", ...
    validate: Validator
    write: Permission  # create, amend
    retract: Permission
    view: Permission = Permission.VIEW_RECORDS
    per_school: bool = True  # False: a district-level record (no school_id)


def known(session: Session, student_ids: Iterable[str] = ()) -> Known:
    store = session.store
    return Known(
        schools={s["id"]: s["name"] for s in queries.schools(store)},
        staff=queries.staff_categories(store),
        students=queries.student_schools(store, list(student_ids)),
        now=session.clock(),
    )


def school_of(kind: Kind, state: dict[str, Any]) -> str | None:
    return (state.get("school_id") or None) if kind.per_school else None


def current(session: Session, kind: Kind, record_id: str) -> dict[str, Any]:
    """The record's state, after checking the person may see it."""
    state = session.store.state(kind.record_type, record_id)
    if state is None:
        raise NotFound(f"That {kind.noun} does not exist (it may not have reached this workstation yet).")
    session.require(kind.view, school_of(kind, state))
    return state


def create(session: Session, kind: Kind, draft: Draft, extra: dict[str, Any] | None = None,
           check: bool = True) -> str:
    if kind.per_school:
        session.require(kind.write, getattr(draft, "school_id", "") or None)
    check_free_text(draft.to_state() | (extra or {}))  # P14, before anything else is said
    if check:
        errors = kind.validate(session, draft)
        if errors:
            raise ValidationFailed(errors)
    record_id = new_id()
    state = draft.to_state() | {
        "author": session.actor.username,
        "rules_version": RULES_VERSION,
        "retracted": False,
        "retract_reason": "",
    } | (extra or {})
    session.store.append(session.actor.username,
                         [Change(kind.record_type, record_id, Action.CREATE, diff_states(None, state))])
    return record_id


def change(session: Session, kind: Kind, record_id: str, state: dict[str, Any],
           new_values: dict[str, Any], reason: str, *, expected_version: int | None = None,
           action: Action = Action.AMEND) -> list[str]:
    """Append the differences between ``state`` and ``state | new_values``; returns the fields."""
    check_free_text(new_values | {"reason": reason})  # P14: corrections, notes, findings, steps
    return append_change(session, kind.record_type, record_id, state, new_values, reason, noun=kind.noun,
                         expected_version=expected_version, action=action, quiet=frozenset())


def amend(session: Session, kind: Kind, record_id: str, draft: Draft, reason: str,
          expected_version: int | None = None) -> list[str]:
    """Correct a record from a whole draft. Keeps before and after; returns the fields changed."""
    state = current(session, kind, record_id)
    if kind.per_school:
        session.require(kind.write, school_of(kind, state))
        session.require(kind.write, getattr(draft, "school_id", "") or None)
    else:
        session.require(kind.write)
    if state.get("retracted"):
        raise SafetyDeskError(f"This {kind.noun} was retracted; a retracted record cannot be amended.")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", f"Say why the {kind.noun} is being corrected.")])
    refuse_stale(session, kind.record_type, record_id, expected_version, kind.noun)
    errors = kind.validate(session, draft)
    if errors:
        raise ValidationFailed(errors)
    new = draft.to_state()
    if not diff_states(state, state | new):
        return []
    return change(session, kind, record_id, state, new | {"rules_version": RULES_VERSION}, reason,
                  expected_version=expected_version)


def retract(session: Session, kind: Kind, record_id: str, reason: str) -> None:
    """Withdraw a record entered in error. The original stays in the history with the reason."""
    state = current(session, kind, record_id)
    session.require(kind.retract, school_of(kind, state))
    if state.get("retracted"):
        raise SafetyDeskError(f"This {kind.noun} is already retracted.")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", f"Say why the {kind.noun} is being retracted.")])
    session.store.append(session.actor.username,
                         [Change(kind.record_type, record_id, Action.RETRACT, retraction(state, reason),
                                 reason.strip())])


def get(session: Session, kind: Kind, record_id: str, audit_view: bool = True) -> dict[str, Any]:
    """State, draft (for an edit form), version and authorship. The view is audited."""
    state = current(session, kind, record_id)
    if audit_view:
        audit.record_access(session, kind.record_type, record_id, Action.VIEW)
    info = session.store.record_info(kind.record_type, record_id) or {}
    out = {"id": record_id, "record_type": kind.record_type, "state": state,
           "draft": kind.draft.from_state(state), **info}
    for name in ("materials", "documents"):
        if name in state:
            out[name] = queries_district.attachments(session.store, list(state[name] or []))
    return out


def history(session: Session, kind: Kind, record_id: str) -> list[Entry]:
    current(session, kind, record_id)
    return session.store.history(kind.record_type, record_id)


# ------------------------------------------------------------------ attachments
def add_attachment(session: Session, name: str, data: bytes, school_id: str, owner_type: str) -> str:
    """Store a file in the data file (callers check their own permission first). Returns its id."""
    errors = validate_attachment(name, data)
    if errors:
        raise ValidationFailed(errors, "The file was not attached.")
    record_id = new_id()
    state = attachment_state(name, data, school_id, owner_type)
    session.store.append(session.actor.username, [
        Change(ATTACHMENT_RECORD_TYPE, record_id, Action.CREATE, diff_states(None, state))])
    return record_id


def check_attachments(session: Session, ids: Iterable[str], field_name: str) -> list[FieldError]:
    ids = list(ids)
    found = {a["id"] for a in queries_district.attachments(session.store, ids) if not a["retracted"]}
    if any(i not in found for i in ids):
        return [FieldError(field_name, "An attached file is missing from the data file; attach it again.")]
    return []


def read_attachment(session: Session, attachment_id: str, view: Permission) -> tuple[str, str, bytes]:
    """(name, media type, bytes) of a stored file; opening it is audited."""
    state = session.store.state(ATTACHMENT_RECORD_TYPE, attachment_id)
    if state is None:
        raise NotFound("That file is not in the data file.")
    session.require(view, state.get("school_id") or None)
    try:
        data = attachment_bytes(state)
    except ValueError as exc:
        raise SafetyDeskError("The stored file is damaged (its checksum does not match). "
                              "Run `safetydesk verify` and attach it again.") from exc
    audit.record_access(session, ATTACHMENT_RECORD_TYPE, attachment_id, Action.VIEW)
    return state["name"], state["media_type"], data
