"""The one explicit table of projectors: record type -> the function that writes its typed rows.

The order of the table is the rebuild order: records that others refer to (for
the names shown in lists) come first. Projection is order-free anyway (a
student projected after its interaction refreshes the interaction's names),
the order only saves work. A record type missing here is kept in the history
and in ``record_state`` but has no typed rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safetydesk.domain.agreements import AGREEMENT_RECORD_TYPE
from safetydesk.domain.attachments import ATTACHMENT_RECORD_TYPE
from safetydesk.domain.climate import CLIMATE
from safetydesk.domain.complaints import COMPLAINT_RECORD_TYPE
from safetydesk.domain.interventions import INTERVENTION
from safetydesk.domain.outside_requests import OUTSIDE_REQUEST
from safetydesk.domain.policy_training import POLICY_TRAINING_RECORD_TYPE
from safetydesk.domain.records import RecordType
from safetydesk.domain.school_calendar import CALENDAR_RECORD_TYPE
from safetydesk.domain.staff_training import TRAINING
from safetydesk.domain.start_of_year import (
    GUN_SAFE_COUNT,
    GUN_SAFE_HOUSEHOLD,
    GUN_SAFETY_CAMPAIGN,
    ROLE_DISTRIBUTION,
    ROLE_PRESENTATION,
)
from safetydesk.store import projections as core
from safetydesk.store import projections_district as district
from safetydesk.store import projections_everyday as everyday
from safetydesk.store import projections_p20 as p20
from safetydesk.store.projections import Projector
from safetydesk.store.schema_reports import project_disclosure

DEVICE = "device"  # a workstation's public key: a history record with no typed rows

PROJECTORS: dict[str, Projector] = {
    RecordType.DISTRICT: core.project_district,
    RecordType.SCHOOL: core.project_school,
    RecordType.SCHOOL_YEAR: core.project_school_year,
    RecordType.USER: core.project_user,
    RecordType.STAFF: core.project_staff,
    RecordType.STUDENT: p20.project_student_p20,
    RecordType.INTERACTION: p20.project_interaction_p20,
    TRAINING: everyday.project_training,
    INTERVENTION: everyday.project_intervention,
    CLIMATE: everyday.project_climate,
    OUTSIDE_REQUEST: everyday.project_outside_request,
    everyday.FOLLOW_UP: everyday.project_follow_up,
    CALENDAR_RECORD_TYPE: district.project_calendar,
    ATTACHMENT_RECORD_TYPE: district.project_attachment,
    COMPLAINT_RECORD_TYPE: district.project_complaint,
    ROLE_PRESENTATION: district.project_presentation,
    ROLE_DISTRIBUTION: district.project_distribution,
    GUN_SAFETY_CAMPAIGN: district.project_campaign,
    GUN_SAFE_COUNT: district.project_gun_safe_count,
    GUN_SAFE_HOUSEHOLD: district.project_household,
    AGREEMENT_RECORD_TYPE: district.project_agreement,
    POLICY_TRAINING_RECORD_TYPE: district.project_policy_training,
    "disclosure": project_disclosure,
}

REBUILD_ORDER: tuple[str, ...] = (DEVICE, *PROJECTORS)


FINDING_PREFIX = "finding/"  # a complaint's finding on one allegation: its own field, "finding/A1"


def shape_complaint(state: dict[str, Any]) -> dict[str, Any]:
    """Each allegation shows the finding recorded for it (``finding/<id>``: ``{finding, note}``).

    A finding is a field of its own per allegation, so findings on two allegations recorded
    offline on two workstations both stay, and two findings on one allegation are a conflict.
    Complaints whose findings were written inside ``allegations`` (before) are unchanged."""
    allegations = state.get("allegations")
    if not isinstance(allegations, list) or not any(k.startswith(FINDING_PREFIX) for k in state):
        return state
    shaped = []
    for a in allegations:
        found = state.get(FINDING_PREFIX + str(a.get("id"))) if isinstance(a, dict) else None
        if isinstance(found, dict):
            a = a | {"finding": found.get("finding", ""), "finding_note": found.get("note", "")}
        shaped.append(a)
    return state | {"allegations": shaped}


# The state a record type keeps in its derived tables, as a function of its folded state.
SHAPERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    COMPLAINT_RECORD_TYPE: shape_complaint,
}
