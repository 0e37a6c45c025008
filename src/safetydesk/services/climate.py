"""Climate and threat assessment participation (P10): activities without students."""

from __future__ import annotations

import itertools
import re
from typing import Any

from safetydesk.domain.climate import CLIMATE, ClimateDraft, validate_climate
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError, Known
from safetydesk.services import kernel
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


KIND = kernel.RecordKind(
    T, ClimateDraft, "climate activity", _errors, write=Permission.LOG_CLIMATE,
    retract=Permission.LOG_CLIMATE, lister=qe.list_climate, counter=qe.count_climate, audit_views=False,
)


@service(Permission.VIEW_RECORDS)
def check(session: Session, draft: ClimateDraft) -> list[FieldError]:
    return kernel.check(session, KIND, draft)


@service(Permission.LOG_CLIMATE)
def log_activity(session: Session, draft: ClimateDraft) -> str:
    return kernel.create(session, KIND, draft)


@service(Permission.LOG_CLIMATE)
def amend_activity(session: Session, record_id: str, draft: ClimateDraft, reason: str,
                   expected_version: int | None = None) -> list[str]:
    return kernel.amend(session, KIND, record_id, draft, reason, expected_version)


@service(Permission.LOG_CLIMATE)
def retract_activity(session: Session, record_id: str, reason: str) -> None:
    kernel.retract(session, KIND, record_id, reason)


@service(Permission.VIEW_RECORDS)
def get_activity(session: Session, record_id: str) -> dict[str, Any]:
    return kernel.get(session, KIND, record_id)


@service(Permission.VIEW_RECORDS)
def activity_history(session: Session, record_id: str) -> list[Entry]:
    return kernel.history(session, KIND, record_id)


@service(Permission.VIEW_RECORDS)
def list_activities(session: Session, offset: int = 0, limit: int = 200, **filters: Any) -> list[dict[str, Any]]:
    """Filters: school_id, staff_id, activity_type, text, school_year, date_from, date_to, include_retracted."""
    return kernel.list_records(session, KIND, offset, limit, **filters)


@service(Permission.VIEW_RECORDS)
def count_activities(session: Session, **filters: Any) -> int:
    return kernel.count_records(session, KIND, **filters)


@service(Permission.VIEW_RECORDS)
def counts_per_staff(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """P10 report: activities per staff member, school and type."""
    return qe.climate_counts(session.store, **kernel.scoped(session, KIND, filters))
