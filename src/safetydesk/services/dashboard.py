"""The morning dashboard: what is overdue, due soon or flagged, for the schools a person sees.

`dashboard_items(session)` returns one flat, sorted list of `DashboardItem`
from every source: complaint deadlines (P16), start-of-year checklists
(P03, P04), agreement reviews and adoption (P17-P19), and the compliance flags
of interactions (P02, P07, P12, P13) and training coming due (P02). Each item
names the record it opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from safetydesk.domain.complaints import COMPLAINT_RECORD_TYPE, ComplaintStatus
from safetydesk.domain.law_enforcement import FlagKind
from safetydesk.domain.permissions import Permission
from safetydesk.services import agreements, complaints, interactions, staff, start_of_year
from safetydesk.services.context import Session, service
from safetydesk.store import queries
from safetydesk.store import queries_reports as qr

SEVERITY_ORDER = {"overdue": 0, "flag": 1, "due_soon": 2, "info": 3}
START_OF_YEAR = "start_of_year"  # the record_type of checklist items (record_id "<school id>:<year>")


@dataclass(frozen=True)
class DashboardItem:
    category: str  # "complaint", "start_of_year", "agreement", "compliance"
    record_type: str  # what to open: "complaint", "agreement", "start_of_year", "interaction", ...
    record_id: str
    school_id: str  # "" for district-level items (agreements)
    school_name: str
    title: str
    severity: str  # "overdue", "flag", "due_soon", "info"
    due: date | None = None
    detail: str = ""
    open_with: dict[str, Any] = field(default_factory=dict)  # arguments for the detail view


def compliance_flag_items(session: Session, today: date) -> list[DashboardItem]:
    """Records carrying a compliance flag: untrained staff (P02), SRO in discipline (P07),
    RCW 13.40.740 (P12), missing parent notification (P13)."""
    items = []
    for f in interactions.open_flags(session, limit=500):
        items.append(DashboardItem(
            "compliance", f["record_type"], f["record_id"], f["school_id"], f["school_name"],
            f"{FlagKind.label_of(f['kind'])}: {f['record_type'].replace('_', ' ')} of {f['occurred_at'][:10]}",
            "flag", None, f.get("detail") or "", {"record_id": f["record_id"]},
        ))
    return items


def _outcome_review_items(session: Session, today: date) -> list[DashboardItem]:
    """Interactions whose outcomes the per-student upgrade could not give to a student."""
    return [DashboardItem(
        "compliance", "interaction", r["record_id"], r["school_id"], r["school_name"],
        f"Outcomes per student not recorded: interaction of {r['occurred_at'][:10]}", "flag", None,
        "Open it and tick the students each outcome (discipline, use of force, arrest) applied to: the "
        "record has several subjects or none, so SafetyDesk did not choose.", {"record_id": r["record_id"]})
        for r in qr.outcomes_to_review(session.store, session.scope)]


def training_items(session: Session, today: date) -> list[DashboardItem]:
    """ESD documentation not confirmed, and training coming due (P02)."""
    items = []
    for t in staff.training_due(session, today=today):
        due = date.fromisoformat(t["due"]) if t.get("due") else None
        # Unconfirmed ESD documentation is a flag (the person may not work with students
        # yet), whatever its date; other items are overdue or coming due.
        severity = "flag" if t["item"] == "esd_documentation" else ("overdue" if t.get("overdue") else "due_soon")
        items.append(DashboardItem(
            "training", "staff", t["staff_id"], "", "", f"{t['name']}: {t.get('label') or t['item']}",
            severity, due,
            f"{t['done']} of {t['required']} done" if t.get("required") else "Not confirmed yet",
            {"record_id": t["staff_id"]},
        ))
    return items


def _complaint_items(session: Session, today: date, names: dict[str, str]) -> list[DashboardItem]:
    items = []
    for record_id, state, d in complaints.deadline_items(session, today):
        school = state.get("school_id", "")
        when = "was due" if d.state == "overdue" else "due"
        items.append(DashboardItem(
            "complaint", COMPLAINT_RECORD_TYPE, record_id, school, names.get(school, ""),
            f"{d.title}: complaint {state.get('confirmation', '')}", d.state, d.due,
            f"{ComplaintStatus.label_of(state.get('status'))}; received {state.get('received_date')}; "
            f"{when} {d.due.isoformat()}",
            {"record_id": record_id},
        ))
    return items


def _start_of_year_items(session: Session, today: date) -> list[DashboardItem]:
    items = []
    for status, due, flag in start_of_year.dashboard_items(session, today):
        missing = []
        if status.role_information_missing:
            missing.append("role information: " + ", ".join(status.role_information_missing))
        if status.campaign == "missing":
            missing.append("gun safety campaign")
        items.append(DashboardItem(
            START_OF_YEAR, START_OF_YEAR, f"{status.school_id}:{status.school_year}", status.school_id,
            status.school_name, f"Start of year {status.school_year}: {'; '.join(missing)} not recorded",
            flag, due, "Record what was done at this school at the start of the school year.",
            {"school_id": status.school_id, "school_year": status.school_year},
        ))
    return items


def _agreement_items(session: Session, today: date) -> list[DashboardItem]:
    actor = session.actor
    if not (actor.can(Permission.MANAGE_AGREEMENTS) or actor.all_schools):
        return []
    items = []
    for record_id, _state, r in agreements.reminders(session, today):
        items.append(DashboardItem(
            "agreement", "agreement", record_id, "", "", r.title, r.state, r.due,
            f"Annual review due {r.due.isoformat()}" + (f" ({r.threshold}-day reminder)" if r.threshold else ""),
            {"record_id": record_id},
        ))
    for record_id, state in agreements.not_adopted_in_effect(session, today):
        items.append(DashboardItem(
            "agreement", "agreement", record_id, "", "",
            f"The {state.get('agency', '')} agreement is in effect but not marked adopted", "flag", None,
            "Confirm the required contents, the public comment period and the board approval.",
            {"record_id": record_id},
        ))
    return items


@service(Permission.VIEW_RECORDS)
def dashboard_items(session: Session, today: date | None = None) -> list[DashboardItem]:
    """Everything overdue, flagged or due soon for this person's schools, most urgent first."""
    today = today or session.clock().date()
    names = {s["id"]: s["name"] for s in queries.schools(session.store, include_inactive=True)}
    items = (_complaint_items(session, today, names) + _start_of_year_items(session, today)
             + _agreement_items(session, today) + compliance_flag_items(session, today)
             + _outcome_review_items(session, today) + training_items(session, today))
    return sorted(items, key=lambda i: (SEVERITY_ORDER.get(i.severity, 9), i.due or date.max,
                                        i.school_name, i.title))


@service(Permission.VIEW_RECORDS)
def dashboard_summary(session: Session, today: date | None = None) -> dict[str, int]:
    """Counts per severity, for the badges at the top of the dashboard."""
    out = dict.fromkeys(SEVERITY_ORDER, 0)
    for item in dashboard_items(session, today):
        out[item.severity] = out.get(item.severity, 0) + 1
    return out


# Record kinds that change nothing the dashboard shows: a write touching only these does not
# reload it (the window hands every view the `Changes` of each write).
NOT_SHOWN_KINDS = frozenset({"student", "attachment", "disclosure", "follow_up", "user", "device"})


def shows(kinds: frozenset[str]) -> bool:
    """True when a write that changed these record kinds changes what the dashboard shows."""
    return bool(kinds - NOT_SHOWN_KINDS)


@service(Permission.VIEW_RECORDS)
def year_figures(session: Session, school_year: str) -> dict[str, int]:
    """This school year's interactions, discipline-related, use of force and arrests (one index pass)."""
    return queries.year_figures(session.store, school_year, session.scope)


@service(Permission.VIEW_RECORDS)
def interactions_per_year(session: Session) -> list[tuple[str, int]]:
    """Live interactions per school year, newest first (the year bars)."""
    return [tuple(r) for r in queries.school_year_counts(session.store, session.scope)]  # type: ignore[misc]


@service(Permission.VIEW_RECORDS)
def school_years(session: Session) -> list[str]:
    """The school years that have interactions, newest first: a seek per year, not a scan."""
    return queries.school_years(session.store, session.scope)
