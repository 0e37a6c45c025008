"""Interactions between safety and security staff and students (P06-P13), follow-ups, flags.

Saving an interaction runs, in order: the permission check for the school; the
free-text guard (P14, `ImmigrationDataWarning`); every validation rule
(`law_enforcement.validate_interaction_in_full`); the training gate (P02,
refused or flagged as the district setting says); then the compliance flags
(P02, P07, P12, P13) are stored on the record.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from safetydesk.domain.errors import NotFound, SafetyDeskError, ValidationFailed
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.ids import new_id
from safetydesk.domain.law_enforcement import (
    InteractionContext,
    compliance_flags,
    merge_flags,
    untrained_staff,
    validate_interaction_in_full,
)
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RULES_VERSION, InteractionDraft, RecordType, diff_states
from safetydesk.domain.validation import FieldError, Known
from safetydesk.domain.vocab import Action
from safetydesk.services import audit, recordkit
from safetydesk.services import settings as district_settings
from safetydesk.services.context import Session, service
from safetydesk.store import Change, Entry, queries
from safetydesk.store import queries_everyday as qe

FOLLOW_UP = "follow_up"
# Stored on the record by the services, never typed into a form.
SERVICE_FIELDS = ("author", "rules_version", "retracted", "retract_reason", "compliance_flags",
                  "duplicate_of", "duplicate_reason")

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


def context_for(session: Session, draft: InteractionDraft) -> InteractionContext:
    store = session.store
    staff_ids = [s.get("staff_id", "") for s in draft.staff]
    return InteractionContext(
        known=known_for(session, draft),
        staff_names=qe.staff_names(store),
        staff_periods=qe.staff_periods(store),
        esd_confirmed=qe.esd_confirmed(store, staff_ids),
    )


def _training_gate(session: Session, draft: InteractionDraft, ctx: InteractionContext,
                   already: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """P02: refuse (the default) when staff without confirmed ESD documentation are on the record."""
    if district_settings.current(session.store).untrained_staff != "refuse":
        return
    missing = {sid: why for sid, why in untrained_staff(draft, ctx).items() if sid not in already}
    if missing:
        raise ValidationFailed(
            [FieldError("staff", why + ". The district must confirm the ESD training documentation before "
                        "a staff member interacts with students in an official capacity (Policy 4311, "
                        "RCW 28A.320.1242). Record it under the person's training, or ask a district "
                        "administrator.") for why in missing.values()])


def _validate(session: Session, draft: InteractionDraft) -> InteractionContext:
    recordkit.check_free_text(draft.to_state())
    ctx = context_for(session, draft)
    errors = validate_interaction_in_full(draft, ctx)
    if errors:
        raise ValidationFailed(errors)
    return ctx


def _now(session: Session) -> str:
    return session.clock().isoformat(timespec="seconds")


@service(Permission.VIEW_RECORDS)
def check(session: Session, draft: InteractionDraft) -> list[FieldError]:
    """Validate without saving: what a form shows as the person types (P14 text is checked on save)."""
    return validate_interaction_in_full(draft, context_for(session, draft))


@service(Permission.VIEW_RECORDS)
def preview_flags(session: Session, draft: InteractionDraft) -> list[dict[str, str]]:
    """The compliance flags the draft would be saved with (for the form to show before saving)."""
    return compliance_flags(draft, context_for(session, draft))


@service(Permission.LOG_INTERACTION)
def log_interaction(session: Session, draft: InteractionDraft) -> str:
    """Save a new interaction. Returns its id. Refuses with every problem at once.

    Raises `ImmigrationDataWarning` (P14) when free text appears to record
    immigration or citizenship status or place of birth; nothing is saved.
    """
    session.require(Permission.LOG_INTERACTION, draft.school_id or None)
    ctx = _validate(session, draft)
    _training_gate(session, draft, ctx)
    record_id = new_id()
    state = draft.to_state() | {
        "author": session.actor.username,
        "rules_version": RULES_VERSION,
        "retracted": False,
        "retract_reason": "",
        "compliance_flags": merge_flags(None, compliance_flags(draft, ctx), _now(session)),
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
    recordkit.check_free_text({"reason": reason})  # P14: the reason is free text too
    info = session.store.record_info(T, record_id)
    if expected_version is not None and info and info["version"] != expected_version:
        raise SafetyDeskError(
            f"Someone else changed this interaction after you opened it (by {info['updated_by']}). "
            "Your changes were not saved; reopen the record to see theirs, then amend again."
        )
    ctx = _validate(session, draft)
    _training_gate(session, draft, ctx, {s.get("staff_id", "") for s in state.get("staff") or []})
    flags = merge_flags(state.get("compliance_flags"), compliance_flags(draft, ctx), _now(session))
    new_state = state | draft.to_state() | {"rules_version": RULES_VERSION, "compliance_flags": flags}
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
    recordkit.check_free_text({"reason": reason})  # P14: the reason is free text too
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
    return {"id": record_id, "state": state, "draft": InteractionDraft.from_state(state), **info, **people,
            "flags": state.get("compliance_flags") or [], "duplicate_of": state.get("duplicate_of", ""),
            "follow_ups": qe.follow_ups(session.store, record_id)}


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


# ------------------------------------------------------------------ follow-ups
@service(Permission.LOG_INTERACTION)
def add_follow_up(session: Session, interaction_id: str, note: str) -> str:
    """Append a follow-up to an interaction (P06). Follow-ups are never edited, only added."""
    state = _current(session, interaction_id)
    session.require(Permission.LOG_INTERACTION, state.get("school_id"))
    if state.get("retracted"):
        raise SafetyDeskError("This interaction was retracted; it takes no follow-ups.")
    if not note.strip():
        raise ValidationFailed([FieldError("note", "Write the follow-up.")])
    recordkit.check_free_text({"note": note})
    record_id = new_id()
    follow = {"interaction_id": interaction_id, "school_id": state.get("school_id", ""),
              "written_at": _now(session), "note": note.strip(), "author": session.actor.username}
    session.store.append(session.actor.username,
                         [Change(FOLLOW_UP, record_id, Action.CREATE, diff_states(None, follow))])
    return record_id


@service(Permission.VIEW_RECORDS)
def follow_ups(session: Session, interaction_id: str) -> list[dict[str, Any]]:
    _current(session, interaction_id)
    return qe.follow_ups(session.store, interaction_id)


# ------------------------------------------------------------------ flags
@service(Permission.VIEW_RECORDS)
def open_flags(session: Session, school_id: str = "", kind: str = "", offset: int = 0,
               limit: int = 200) -> list[dict[str, Any]]:
    """Open compliance flags, newest first, for the dashboard (P02, P07, P12, P13)."""
    if school_id:
        session.require(Permission.VIEW_RECORDS, school_id)
    return qe.open_flags(session.store, scope=session.scope, school_id=school_id, kind=kind,
                         offset=offset, limit=limit)


@service(Permission.VIEW_RECORDS)
def flag_counts(session: Session, school_year: str = "") -> list[dict[str, Any]]:
    """Open flags per school and kind (for the principal's dashboard and the annual report)."""
    return qe.flag_counts(session.store, session.scope, school_year)


@service(Permission.VIEW_RECORDS)
def law_enforcement_report(session: Session) -> list[dict[str, Any]]:
    """P08: law enforcement actions beside those that considered diversion, by school and year."""
    return qe.law_enforcement_vs_diversion(session.store, session.scope)
