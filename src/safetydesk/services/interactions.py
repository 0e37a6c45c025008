"""Interactions between safety and security staff and students (P06-P13), follow-ups, flags.

Interactions are saved by the record kernel (`safetydesk.services.kernel`), like
every record type: the permission check for the school; the free-text guard
(P14, `ImmigrationDataWarning`); then this module's hooks, once: every
validation rule (`law_enforcement.validate_interaction_in_full`), the training
gate (P02, refused or flagged as the district setting says), and the
compliance flags (P02, P07, P12, P13) stored on the record.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from safetydesk.domain.errors import SafetyDeskError, ValidationFailed
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.ids import new_id
from safetydesk.domain.law_enforcement import (
    InteractionContext,
    compliance_flags,
    merge_flags,
    untrained_staff,
    validate_interaction_in_full,
)
from safetydesk.domain.outcomes import default_outcome_students
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import BOOKKEEPING_FIELDS, InteractionDraft, RecordType, diff_states
from safetydesk.domain.validation import FieldError, Known
from safetydesk.domain.vocab import Action
from safetydesk.services import kernel
from safetydesk.services import settings as district_settings
from safetydesk.services.context import Session, service
from safetydesk.services.doors import Doors
from safetydesk.store import Change, queries
from safetydesk.store import queries_everyday as qe

FOLLOW_UP = "follow_up"
# Stored on the record by the services, never typed into a form.
SERVICE_FIELDS = (*BOOKKEEPING_FIELDS, "compliance_flags", "duplicate_of", "duplicate_reason")

T = RecordType.INTERACTION


def known_for(session: Session, draft: InteractionDraft) -> Known:
    """What validating ``draft`` needs to know, read from the store."""
    return kernel.known(session, [s.get("student_id", "") for s in draft.students])


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
                   already: set[str]) -> None:
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


def _save_rules(session: Session, draft: InteractionDraft, before: dict[str, Any] | None) -> dict[str, Any]:
    """The interaction's hooks, run once per save after P14: every validation rule, the training
    gate (staff already on the record when it is amended are not refused again), then the
    compliance flags (P02, P07, P12, P13) the record is saved with."""
    ctx = context_for(session, draft)
    errors = validate_interaction_in_full(draft, ctx)
    if errors:
        raise ValidationFailed(errors)
    already = {s.get("staff_id", "") for s in (before or {}).get("staff") or []}
    _training_gate(session, draft, ctx, already)
    flags = merge_flags((before or {}).get("compliance_flags"), compliance_flags(draft, ctx), _now(session))
    return {"compliance_flags": flags}


def _default_outcomes(session: Session, draft: InteractionDraft, before: dict[str, Any] | None) -> None:
    """Each ticked outcome nobody chose students for goes to the record's only subject; a victim
    or witness is never given one by default (domain/outcomes.py)."""
    draft.outcome_students = default_outcome_students(draft.to_state())


def _now(session: Session) -> str:
    return session.clock().isoformat(timespec="seconds")


def _details(session: Session, record_id: str, state: dict[str, Any]) -> dict[str, Any]:
    return {**queries.interaction_people(session.store, record_id),
            "flags": state.get("compliance_flags") or [], "duplicate_of": state.get("duplicate_of", ""),
            "follow_ups": qe.follow_ups(session.store, record_id)}


KIND = kernel.RecordKind(
    T, InteractionDraft, "interaction",
    validate=lambda session, draft: validate_interaction_in_full(draft, context_for(session, draft)),
    write=Permission.LOG_INTERACTION, amend=Permission.AMEND_INTERACTION,
    retract=Permission.RETRACT_INTERACTION, save_rules=_save_rules, details=_details,
    prepare=_default_outcomes,
    append_only=("notifications",),
)


_doors = Doors[InteractionDraft](KIND, __name__)
check = _doors.check()


@service(Permission.VIEW_RECORDS)
def preview_flags(session: Session, draft: InteractionDraft) -> list[dict[str, str]]:
    """The compliance flags the draft would be saved with (for the form to show before saving)."""
    return compliance_flags(draft, context_for(session, draft))


log_interaction = _doors.create("log_interaction")
amend_interaction = _doors.amend("amend_interaction")
retract_interaction = _doors.retract("retract_interaction")
get_interaction = _doors.get("get_interaction", doc="One interaction as the detail view shows it: state, "
                             "people, version. The view is audited.")
interaction_history = _doors.history("interaction_history")


def _scoped(session: Session, f: InteractionFilter) -> InteractionFilter:
    if f.school_id:
        session.require(Permission.VIEW_RECORDS, f.school_id)
    return replace(f, scope=session.scope)


@service(Permission.VIEW_RECORDS)
def count_interactions(session: Session, f: InteractionFilter) -> int:
    return queries.count_interactions(session.store, _scoped(session, f))


@service(Permission.VIEW_RECORDS)
def list_interactions(
    session: Session, f: InteractionFilter, offset: int = 0, limit: int = 200, *,
    after: tuple[Any, str] | None = None, before: tuple[Any, str] | None = None, from_end: bool = False,
    sort: str = "when", descending: bool = True,
) -> list[dict[str, Any]]:
    """One page, newest first unless ``sort``/``descending`` say otherwise; ``after``/``before``/
    ``from_end`` page by key (see the store query)."""
    return queries.list_interactions(session.store, _scoped(session, f), offset, limit,
                                     after=after, before=before, from_end=from_end, sort=sort,
                                     descending=descending)


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
    state = kernel.load(session, KIND, interaction_id)
    session.require(Permission.LOG_INTERACTION, state.get("school_id"))
    if state.get("retracted"):
        raise SafetyDeskError("This interaction was retracted; it takes no follow-ups.")
    if not note.strip():
        raise ValidationFailed([FieldError("note", "Write the follow-up.")])
    kernel.check_free_text({"note": note})
    record_id = new_id()
    follow = {"interaction_id": interaction_id, "school_id": state.get("school_id", ""),
              "written_at": _now(session), "note": note.strip(), "author": session.actor.username}
    session.store.append(session.author,
                         [Change(FOLLOW_UP, record_id, Action.CREATE, diff_states(None, follow))])
    return record_id


@service(Permission.VIEW_RECORDS)
def follow_ups(session: Session, interaction_id: str) -> list[dict[str, Any]]:
    kernel.load(session, KIND, interaction_id)
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
