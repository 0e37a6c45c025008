"""The record kernel: one way to create, amend, retract, get, list and show the history of any record.

Every record type describes itself once with a `RecordKind` (its record type,
draft class, noun, validator, the permissions to write, amend, retract and
view it, whether it belongs to a school or to the district, and the few hooks
where the type is special: compliance flags and the training gate for
interactions, the adoption guard for agreements, the workflow of complaints).
The functions below are the only place a record is written from a draft; the
use-case modules (``interactions``, ``complaints``, ...) are thin doors onto
them that keep their names for the window and the command line.

The rules that hold for every kind, here once:

- the permission is checked at the record's school (once per save; the
  ``@service`` decorator of the use-case function checks the role first);
- free text is checked for immigration data (P14) before anything else is said;
- the draft is validated once per save; every problem is reported at once;
- the bookkeeping fields come from `safetydesk.domain.records.bookkeeping`;
- amendments and retractions need a reason, a retracted record cannot change,
  and an amendment made from a stale copy is refused (``expected_version``);
- only the fields that differ are appended, as one history entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from safetydesk.domain.errors import NotFound, SafetyDeskError, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import (
    RULES_VERSION,
    Draft,
    bookkeeping,
    diff_states,
    retraction_changes,
)
from safetydesk.domain.validation import FieldError, Known, control_character_errors
from safetydesk.domain.vocab import Action
from safetydesk.services import audit
from safetydesk.services.context import Session
from safetydesk.store import Change, Entry, queries, queries_district
from safetydesk.store.history import list_additions

Validator = Callable[[Session, Any], list[FieldError]]
# (session, draft, state before or None) -> fields the service adds; raises ValidationFailed.
SaveRules = Callable[[Session, Any, dict[str, Any] | None], dict[str, Any]]
Lister = Callable[..., Any]

# The school key of a record kept by the district office (an outside request received there):
# only accounts that serve every school may touch it.
DISTRICT_OFFICE = "-"


class Scope(StrEnum):
    SCHOOL = "school"  # the record's school_id decides; an empty one is checked for the role alone
    DISTRICT = "district"  # a district-level record: the role alone decides
    SCHOOL_OR_OFFICE = "school_or_office"  # an empty school_id means the district office


@dataclass(frozen=True)
class RecordKind:
    """One record type, described once: what the kernel needs to save, show and list it."""

    record_type: str
    draft: type[Draft]
    noun: str  # "interaction", "complaint", "presentation record", ...
    validate: Validator  # every problem of a draft (what a form shows as the person types)
    write: Permission  # create (and amend, unless ``amend`` says otherwise)
    retract: Permission
    view: Permission = Permission.VIEW_RECORDS
    scope: Scope = Scope.SCHOOL
    amend: Permission | Callable[[dict[str, Any]], Permission] | None = None
    # ---- hooks, only where a type is special
    prepare: Callable[[Session, Any, dict[str, Any] | None], None] | None = None  # normalise the draft
    save_rules: SaveRules | None = None  # replaces the plain validator at save time (interactions)
    amend_guard: Callable[[Session, dict[str, Any], dict[str, Any]], None] | None = None  # (agreements)
    can_see: Callable[[Session, dict[str, Any]], None] | None = None  # replaces the view check (staff)
    details: Callable[[Session, str, dict[str, Any]], dict[str, Any]] | None = None  # more for `get`
    steps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # workflow (complaints)
    lister: Lister | None = None  # store query: (store, offset, limit, **filters) -> rows
    counter: Lister | None = None  # store query: (store, **filters) -> int
    p14_skip: tuple[str, ...] = ()  # fields that hold no free text (file references)
    audit_views: bool = True  # opening the record writes a view entry (P25)
    # Append-only list fields: a change that only adds items is written as a list addition,
    # which the history folds by set union, so additions made offline on two workstations
    # both stay (complaint notes, agreement documents and reviews, notifications).
    append_only: tuple[str, ...] = ()

    def place(self, school_id: str | None) -> str | None:
        """The school a permission is checked at (None: the role alone)."""
        if self.scope == Scope.DISTRICT:
            return None
        if not school_id:
            return DISTRICT_OFFICE if self.scope == Scope.SCHOOL_OR_OFFICE else None
        return school_id

    def amend_permission(self, state: dict[str, Any]) -> Permission:
        if self.amend is None:
            return self.write
        return self.amend if isinstance(self.amend, Permission) else self.amend(state)


# ------------------------------------------------------------------ building blocks
def require(session: Session, kind: RecordKind, permission: Permission, school_id: str | None) -> None:
    session.require(permission, kind.place(school_id))


def _school_of_draft(kind: RecordKind, draft: Any) -> str | None:
    if not isinstance(draft, kind.draft):
        raise TypeError(f"a {kind.noun} is saved from a {kind.draft.__name__}, not {type(draft).__name__}")
    return getattr(draft, "school_id", "") or None


def check_free_text(state: dict[str, Any], skip: Iterable[str] = ()) -> None:
    """P14: refuse text that records immigration or citizenship status or place of birth; and
    text with an invisible control character, which no form produces and no CSV reader trusts."""
    from safetydesk.domain.immigration_guard import free_texts, guard  # at the first save

    skipped = set(skip)
    kept = {k: v for k, v in state.items() if k not in skipped}
    guard(free_texts(kept))
    if problems := control_character_errors(kept):
        raise ValidationFailed(problems)


def known(session: Session, student_ids: Iterable[str] = ()) -> Known:
    """What validators need to know about schools, staff and the students a draft names."""
    store = session.store
    return Known(
        schools={s["id"]: s["name"] for s in queries.schools(store)},
        staff=queries.staff_categories(store),
        students=queries.student_schools(store, list(student_ids)),
        now=session.clock(),
    )


def transaction(session: Session) -> AbstractContextManager[Any]:
    """One write transaction for a use case that needs several writes: all land, or none."""
    return session.store.write()


def load(session: Session, kind: RecordKind, record_id: str) -> dict[str, Any]:
    """The record's state, after checking the person may see it."""
    state = session.store.state(kind.record_type, record_id)
    if state is None:
        raise NotFound(f"That {kind.noun} does not exist (it may not have reached this workstation yet).")
    if kind.can_see is not None:
        kind.can_see(session, state)
    else:
        require(session, kind, kind.view, state.get("school_id") or None)
    return state


def refuse_stale(session: Session, kind: RecordKind, record_id: str, expected_version: int | None) -> None:
    """The one stale-copy check: refuse to save over a change made after the form was opened."""
    if expected_version is None:
        return
    info = session.store.record_info(kind.record_type, record_id)
    if info and info["version"] != expected_version:
        raise SafetyDeskError(
            f"Someone else changed this {kind.noun} after you opened it (by {info['updated_by']}). "
            "Your changes were not saved; reopen the record to see theirs, then try again.")


def _refuse_change(session: Session, kind: RecordKind, record_id: str, state: dict[str, Any],
                   reason: str, expected_version: int | None) -> None:
    if state.get("retracted"):
        raise SafetyDeskError(f"This {kind.noun} was retracted; a retracted record cannot be changed.")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", f"Say why the {kind.noun} is being changed.")])
    refuse_stale(session, kind, record_id, expected_version)


def checked_state(session: Session, kind: RecordKind, draft: Draft,
                  before: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a save checks, without writing: P14 first, then validation (once), then the type's own
    save rules. Returns the draft's state plus whatever the save rules add (compliance flags);
    raises `ImmigrationDataWarning` or `ValidationFailed`. (Imports check each row with it.)"""
    if kind.prepare is not None:
        kind.prepare(session, draft, before)
    state = draft.to_state()
    check_free_text(state, kind.p14_skip)
    if kind.save_rules is not None:
        return state | kind.save_rules(session, draft, before)
    errors = kind.validate(session, draft)
    if errors:
        raise ValidationFailed(errors)
    return state


def _append(session: Session, kind: RecordKind, record_id: str, state: dict[str, Any],
            new_values: dict[str, Any], reason: str, action: Action) -> list[str]:
    changes = list_additions(diff_states(state, state | new_values), kind.append_only)
    if set(changes) <= {"rules_version"}:
        return []
    session.store.append(session.author,
                         [Change(kind.record_type, record_id, action, changes, reason.strip())])
    return sorted(k for k in changes if k != "rules_version")


# ------------------------------------------------------------------ the six operations
def check(session: Session, kind: RecordKind, draft: Draft) -> list[FieldError]:
    """Validate without saving (P14 text is checked on save)."""
    return kind.validate(session, draft)


def create(session: Session, kind: RecordKind, draft: Draft, extra: dict[str, Any] | None = None,
           record_id: str | None = None) -> str:
    """Save a new record from a draft. Returns its id. ``extra``: fields the use case sets itself
    (a confirmation number, a starting status)."""
    require(session, kind, kind.write, _school_of_draft(kind, draft))
    state = checked_state(session, kind, draft, None)
    record_id = record_id or new_id()
    full = state | bookkeeping(session.actor.username) | (extra or {})
    session.store.append(session.author,
                         [Change(kind.record_type, record_id, Action.CREATE, diff_states(None, full))])
    return record_id


def amend(session: Session, kind: RecordKind, record_id: str, draft: Draft, reason: str,
          expected_version: int | None = None) -> list[str]:
    """Correct a record from a whole draft, with the reason. Keeps before and after in the history;
    returns the names of the fields changed (empty: nothing differed, nothing was written)."""
    state = load(session, kind, record_id)
    permission = kind.amend_permission(state)
    require(session, kind, permission, state.get("school_id") or None)
    require(session, kind, permission, _school_of_draft(kind, draft))
    _refuse_change(session, kind, record_id, state, reason, expected_version)
    check_free_text({"reason": reason})
    new = checked_state(session, kind, draft, state)
    if kind.amend_guard is not None:
        kind.amend_guard(session, state, new)
    return _append(session, kind, record_id, state, new | {"rules_version": RULES_VERSION}, reason,
                   Action.AMEND)


def change(session: Session, kind: RecordKind, record_id: str, state: dict[str, Any],
           new_values: dict[str, Any], reason: str, *, expected_version: int | None = None,
           action: Action = Action.AMEND) -> list[str]:
    """Append some fields of a record the caller has loaded and checked (a workflow step, a note,
    a finding, a confirmed item): P14, then the same refusals as an amendment. Returns the fields."""
    check_free_text(new_values | {"reason": reason})
    _refuse_change(session, kind, record_id, state, reason, expected_version)
    return _append(session, kind, record_id, state, new_values, reason, action)


def retract(session: Session, kind: RecordKind, record_id: str, reason: str) -> None:
    """Withdraw a record entered in error. The original stays in the history with the reason."""
    state = load(session, kind, record_id)
    require(session, kind, kind.retract, state.get("school_id") or None)
    if state.get("retracted"):
        raise SafetyDeskError(f"This {kind.noun} is already retracted.")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", f"Say why the {kind.noun} is being retracted.")])
    check_free_text({"reason": reason})
    session.store.append(session.author, [
        Change(kind.record_type, record_id, Action.RETRACT, retraction_changes(state, reason), reason.strip())])


def get(session: Session, kind: RecordKind, record_id: str) -> dict[str, Any]:
    """State, draft (for an edit form), version and authorship, and the type's details. The view
    is audited."""
    state = load(session, kind, record_id)
    if kind.audit_views:
        audit.record_access(session, kind.record_type, record_id, Action.VIEW)
    info = session.store.record_info(kind.record_type, record_id) or {}
    out: dict[str, Any] = {"id": record_id, "record_type": kind.record_type, "state": state,
                           "draft": kind.draft.from_state(state), **info}
    for name in ("materials", "documents"):
        if name in state:
            out[name] = queries_district.attachments(session.store, list(state[name] or []))
    if kind.details is not None:
        out |= kind.details(session, record_id, state)
    return out


def history(session: Session, kind: RecordKind, record_id: str) -> list[Entry]:
    load(session, kind, record_id)
    return session.store.history(kind.record_type, record_id)


def scoped(session: Session, kind: RecordKind, filters: dict[str, Any]) -> dict[str, Any]:
    """List filters limited to the schools the person sees (a named school is checked)."""
    if filters.get("school_id"):
        session.require(kind.view, filters["school_id"])
    return filters | {"scope": session.scope}


def list_records(session: Session, kind: RecordKind, offset: int = 0, limit: int = 200,
                 **filters: Any) -> list[dict[str, Any]]:
    assert kind.lister is not None, f"{kind.record_type} has no list query"
    rows: list[dict[str, Any]] = kind.lister(session.store, offset, limit, **scoped(session, kind, filters))
    return rows


def count_records(session: Session, kind: RecordKind, **filters: Any) -> int:
    assert kind.counter is not None, f"{kind.record_type} has no count query"
    return int(kind.counter(session.store, **scoped(session, kind, filters)))
