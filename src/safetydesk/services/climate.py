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
from safetydesk.services.doors import Doors
from safetydesk.store import queries
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


(check, log_activity, amend_activity, retract_activity, get_activity, activity_history,
 list_activities, count_activities) = Doors[ClimateDraft](KIND, __name__).standard(
    "check log_activity amend_activity retract_activity get_activity activity_history "
    "list_activities count_activities",
    {"list": "Filters: school_id, staff_id, activity_type, text, school_year, date_from, date_to, "
             "include_retracted."})


@service(Permission.VIEW_RECORDS)
def counts_per_staff(session: Session, **filters: Any) -> list[dict[str, Any]]:
    """P10 report: activities per staff member, school and type."""
    return qe.climate_counts(session.store, **kernel.scoped(session, KIND, filters))
