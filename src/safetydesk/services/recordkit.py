"""Create, amend and retract for the everyday record types, the way interactions do it.

Each service module validates its drafts and calls these helpers, which write
the history (create, amendment with reason, retraction with reason), keep the
rules version, and guard against saving over someone else's change.
"""

from __future__ import annotations

from typing import Any

from safetydesk.domain.errors import NotFound, SafetyDeskError, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.immigration_guard import free_texts, guard
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RULES_VERSION, diff_states
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import Action
from safetydesk.services.context import Session
from safetydesk.store import Change

# Plain-language names of record types, for messages.
NAMES = {
    "interaction": "interaction", "intervention_request": "intervention request",
    "climate_activity": "climate activity", "outside_request": "outside request",
    "staff_training": "training record", "staff": "staff member", "follow_up": "follow-up",
}


def check_free_text(state: dict[str, Any], skip: tuple[str, ...] = ()) -> None:
    """P14: refuse text that records immigration or citizenship status or place of birth."""
    texts = {k: v for k, v in free_texts({k: v for k, v in state.items() if k not in skip}).items()}
    guard(texts)


def create(session: Session, record_type: str, state: dict[str, Any], record_id: str | None = None) -> str:
    record_id = record_id or new_id()
    full = state | {"author": session.actor.username, "rules_version": RULES_VERSION,
                    "retracted": False, "retract_reason": ""}
    session.store.append(session.actor.username,
                         [Change(record_type, record_id, Action.CREATE, diff_states(None, full))])
    return record_id


def current(session: Session, record_type: str, record_id: str, school_key: str = "school_id",
            permission: Permission = Permission.VIEW_RECORDS) -> dict[str, Any]:
    state = session.store.state(record_type, record_id)
    if state is None:
        raise NotFound(f"That {NAMES.get(record_type, record_type)} does not exist (it may not have "
                       "reached this workstation yet).")
    session.require(permission, state.get(school_key) or None)
    return state


def refuse_stale(session: Session, record_type: str, record_id: str, expected_version: int | None,
                 noun: str = "") -> None:
    """Refuse to save over a change someone else made after the form was opened."""
    info = session.store.record_info(record_type, record_id)
    if expected_version is not None and info and info["version"] != expected_version:
        name = noun or NAMES.get(record_type, record_type.replace("_", " "))
        raise SafetyDeskError(
            f"Someone else changed this {name} after you opened it (by {info['updated_by']}). "
            "Your changes were not saved; reopen the record to see theirs, then try again.")


def append_change(session: Session, record_type: str, record_id: str, state: dict[str, Any],
                  new_values: dict[str, Any], reason: str, *, noun: str = "",
                  expected_version: int | None = None, action: Action = Action.AMEND,
                  quiet: frozenset[str] = frozenset({"rules_version"})) -> list[str]:
    """The one way a record changes after it is created: refuses a retracted record, a missing
    reason and a change made over someone else's (``expected_version``); appends only the fields
    that differ, with the reason. Returns their names (without ``quiet`` bookkeeping fields)."""
    name = noun or NAMES.get(record_type, record_type.replace("_", " "))
    if state.get("retracted"):
        raise SafetyDeskError(f"This {name} was retracted; a retracted record cannot be changed.")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", f"Say why the {name} is being changed.")])
    check_free_text({"reason": reason})  # P14: the reason is free text too
    refuse_stale(session, record_type, record_id, expected_version, name)
    changes = diff_states(state, state | new_values)
    if set(changes) <= quiet:
        return []
    session.store.append(session.actor.username,
                         [Change(record_type, record_id, action, changes, reason.strip())])
    return sorted(k for k in changes if k not in quiet)


def retraction(state: dict[str, Any], reason: str) -> dict[str, list[Any]]:
    """The changes that retract a record (the original stays in the history)."""
    return {"retracted": [bool(state.get("retracted")), True],
            "retract_reason": [state.get("retract_reason", ""), reason.strip()]}


def amend(session: Session, record_type: str, record_id: str, state: dict[str, Any],
          new_state: dict[str, Any], reason: str, expected_version: int | None = None) -> list[str]:
    """Append the fields that changed, with the reason. Returns their names."""
    return append_change(session, record_type, record_id, state, new_state | {"rules_version": RULES_VERSION},
                         reason, expected_version=expected_version)


def retract(session: Session, record_type: str, record_id: str, state: dict[str, Any], reason: str) -> None:
    name = NAMES.get(record_type, record_type)
    if state.get("retracted"):
        raise SafetyDeskError(f"This {name} is already retracted.")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", f"Say why the {name} is being retracted.")])
    session.store.append(session.actor.username,
                         [Change(record_type, record_id, Action.RETRACT, retraction(state, reason), reason.strip())])
