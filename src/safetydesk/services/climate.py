"""Climate and threat assessment participation (P10): activities without students."""

from __future__ import annotations

import itertools
import re
from typing import Any

from safetydesk.domain.climate import CLIMATE, ClimateDraft, validate_climate
from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError, Known
from safetydesk.services import recordkit
from safetydesk.services.context import Session, service
from safetydesk.store import Entry, queries
from safetydesk.store import queries_everyday as qe

T = CLIMATE


def _student_names_in(session: Session, draft: ClimateDraft) -> list[str]:
    """Full names of students at the activity's school that appear in the note."""
    words = re.findall(r"[A-Z][\w'-]+", draft.note)
    if len(words) < 2:
        return []
    found = []
    for first, last in itertools.pairwise(words):
        for s in queries.find_students(session.store, f"{first} {last}", draft.school_id, None, 5):
            if s["first_name"].lower() == first.lower() and s["last_name"].lower() == last.lower():
                found.append(f"{s['first_name']} {s['last_name']}")
    return sorted(set(found))


def _errors(session: Session, draft: ClimateDraft) -> list[FieldError]:
    store = session.store
    known = Known(schools={s["id"]: s["name"] for s in queries.schools(store)},
                  staff=queries.staff_categories(store), now=session.clock())
    return validate_climate(draft, known, _student_names_in(session, draft))


@service(Permission.VIEW_RECORDS)
def check(session: Session, draft: ClimateDraft) -> list[FieldError]:
    return _errors(session, draft)


def _validate(session: Session, draft: ClimateDraft) -> None:
    recordkit.check_free_text(draft.to_state())
    errors = _errors(session, draft)
    if errors:
        raise ValidationFailed(errors)


@service(Permission.LOG_CLIMATE)
def log_activity(session: Session, draft: ClimateDraft) -> str:
    session.require(Permission.LOG_CLIMATE, draft.school_id or None)
    _validate(session, draft)
    return recordkit.create(session, T, draft.to_state())


@service(Permission.LOG_CLIMATE)
def amend_activity(session: Session, record_id: str, draft: ClimateDraft, reason: str,
                   expected_version: int | None = None) -> list[str]:
    state = recordkit.current(session, T, record_id, permission=Permission.LOG_CLIMATE)
    session.require(Permission.LOG_CLIMATE, draft.school_id or None)
    _validate(session, draft)
    return recordkit.amend(session, T, record_id, state, draft.to_state(), reason, expected_version)


@service(Permission.LOG_CLIMATE)
def retract_activity(session: Session, record_id: str, reason: str) -> None:
    state = recordkit.current(session, T, record_id, permission=Permission.LOG_CLIMATE)
    recordkit.retract(session, T, record_id, state, reason)


@service(Permission.VIEW_RECORDS)
def get_activity(session: Session, record_id: str) -> dict[str, Any]:
    state = recordkit.current(session, T, record_id)
    info = session.store.record_info(T, record_id) or {}
    return {"id": record_id, "state": state, "draft": ClimateDraft.from_state(state), **info}


@service(Permission.VIEW_RECORDS)
def activity_history(session: Session, record_id: str) -> list[Entry]:
    recordkit.current(session, T, record_id)
    return session.store.history(T, record_id)


def _filters(session: Session, f: dict[str, Any]) -> dict[str, Any]:
    if f.get("school_id"):
        session.require(Permission.VIEW_RECORDS, f["school_id"])
    return f | {"scope": session.scope}


@service(Permission.VIEW_RECORDS)
def list_activities(session: Session, offset: int = 0, limit: int = 200, **filters: Any) -> list[dict[str, Any]]:
    """Filters: school_id, staff_id, activity_type, text, school_year, date_from, date_to, include_retracted."""
    return qe.list_climate(session.store, offset, limit, **_filters(session, filters))


@service(Permission.VIEW_RECORDS)
def count_activities(session: Session, **filters: Any) -> int:
    return qe.count_climate(session.store, **_filters(session, filters))


@service(Permission.VIEW_RECORDS)
def counts_per_staff(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """P10 report: activities per staff member, school and type."""
    return qe.climate_counts(session.store, **_filters(session, filters))
