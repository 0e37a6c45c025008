"""Interactions between safety and security staff and students (P06)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from safetydesk.domain.errors import NotFound, SafetyDeskError, ValidationFailed
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RULES_VERSION, InteractionDraft, RecordType, diff_states
from safetydesk.domain.validation import FieldError, Known, validate_interaction
from safetydesk.domain.vocab import Action
from safetydesk.services import audit
from safetydesk.services.context import Session, service
from safetydesk.store import Change, Entry, queries

T = RecordType.INTERACTION


def known_for(session: Session, draft: InteractionDraft) -> Known:
    """What validating ``draft`` needs to know, read from the store."""
    store = session.store
    student_ids = [s.get("student_id", "") for s in draft.students]
    return Known(
        schools={s["id"]: s["name"] for s in queries.schools(store)},
        staff=queries.staff_categories(store),
        students=queries.student_schools(store, student_ids),
        now=session.clock(),
    )


@service(Permission.VIEW_RECORDS)
def check(session: Session, draft: InteractionDraft) -> list[FieldError]:
    """Validate without saving: what a form shows as the person types."""
    return validate_interaction(draft, known_for(session, draft))


@service(Permission.LOG_INTERACTION)
def log_interaction(session: Session, draft: InteractionDraft) -> str:
    """Save a new interaction. Returns its id. Refuses with every problem at once."""
    session.require(Permission.LOG_INTERACTION, draft.school_id or None)
    errors = validate_interaction(draft, known_for(session, draft))
    if errors:
        raise ValidationFailed(errors)
    record_id = new_id()
    state = draft.to_state() | {
        "author": session.actor.username,
        "rules_version": RULES_VERSION,
        "retracted": False,
        "retract_reason": "",
    }
    session.store.append(
        session.actor.username, [Change(T, record_id, Action.CREATE, diff_states(None, state))]
    )
    return record_id


def _current(session: Session, record_id: str) -> dict[str, Any]:
    state = session.store.state(T, record_id)
    if state is None:
        raise NotFound("That interaction does not exist (it may not have reached this workstation yet).")
    session.require(Permission.VIEW_RECORDS, state.get("school_id"))
    return state


@service(Permission.AMEND_INTERACTION)
def amend_interaction(
    session: Session, record_id: str, draft: InteractionDraft, reason: str,
    expected_version: int | None = None,
) -> list[str]:
    """Correct an interaction. Keeps the record before and after; returns the fields changed.

    ``expected_version`` guards against saving over a change made meanwhile by
    someone else: the form passes the version it was opened at.
    """
    state = _current(session, record_id)
    session.require(Permission.AMEND_INTERACTION, state.get("school_id"))
    session.require(Permission.AMEND_INTERACTION, draft.school_id or None)
    if state.get("retracted"):
        raise SafetyDeskError("This interaction was retracted; a retracted record cannot be amended.")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "Say why the record is being corrected.")])
    info = session.store.record_info(T, record_id)
    if expected_version is not None and info and info["version"] != expected_version:
        raise SafetyDeskError(
            f"Someone else changed this interaction after you opened it (by {info['updated_by']}). "
            "Your changes were not saved; reopen the record to see theirs, then amend again."
        )
    errors = validate_interaction(draft, known_for(session, draft))
    if errors:
        raise ValidationFailed(errors)
    new_state = state | draft.to_state() | {"rules_version": RULES_VERSION}
    changes = diff_states(state, new_state)
    changes.pop("rules_version", None) if set(changes) == {"rules_version"} else None
    if not changes:
        return []
    session.store.append(
        session.actor.username, [Change(T, record_id, Action.AMEND, changes, reason.strip())]
    )
    return sorted(changes)


@service(Permission.RETRACT_INTERACTION)
def retract_interaction(session: Session, record_id: str, reason: str) -> None:
    """Withdraw a record logged in error. The original stays in the history with the reason."""
    state = _current(session, record_id)
    session.require(Permission.RETRACT_INTERACTION, state.get("school_id"))
    if state.get("retracted"):
        raise SafetyDeskError("This interaction is already retracted.")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "Say why the record is being retracted.")])
    changes = {"retracted": [False, True], "retract_reason": [state.get("retract_reason", ""), reason.strip()]}
    session.store.append(
        session.actor.username, [Change(T, record_id, Action.RETRACT, changes, reason.strip())]
    )


@service(Permission.VIEW_RECORDS)
def get_interaction(session: Session, record_id: str) -> dict[str, Any]:
    """One interaction as the detail view shows it: state, people, version. The view is audited."""
    state = _current(session, record_id)
    audit.record_access(session, T, record_id, Action.VIEW)
    info = session.store.record_info(T, record_id) or {}
    people = queries.interaction_people(session.store, record_id)
    return {"id": record_id, "state": state, "draft": InteractionDraft.from_state(state), **info, **people}


@service(Permission.VIEW_RECORDS)
def interaction_history(session: Session, record_id: str) -> list[Entry]:
    _current(session, record_id)
    return session.store.history(T, record_id)


def _scoped(session: Session, f: InteractionFilter) -> InteractionFilter:
    if f.school_id:
        session.require(Permission.VIEW_RECORDS, f.school_id)
    return replace(f, scope=session.scope)


@service(Permission.VIEW_RECORDS)
def count_interactions(session: Session, f: InteractionFilter) -> int:
    return queries.count_interactions(session.store, _scoped(session, f))


@service(Permission.VIEW_RECORDS)
def list_interactions(
    session: Session, f: InteractionFilter, offset: int = 0, limit: int = 200
) -> list[dict[str, Any]]:
    return queries.list_interactions(session.store, _scoped(session, f), offset, limit)


@service(Permission.VIEW_RECORDS)
def search_interactions(session: Session, text: str, limit: int = 200) -> list[dict[str, Any]]:
    return queries.list_interactions(session.store, _scoped(session, InteractionFilter(text=text)), 0, limit)


@service(Permission.VIEW_RECORDS)
def dashboard(session: Session) -> dict[str, Any]:
    store = session.store
    return {
        "counts": queries.counts(store, session.scope),
        "years": queries.school_year_counts(store, session.scope),
        "recent": queries.recent_interactions(store, session.scope),
        "district": queries.district(store),
    }
