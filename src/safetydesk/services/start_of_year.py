"""The start of each school year: role information (P03), gun safety campaign (P04), gun safes (P05).

Each school records what it did (presentations, distributions, campaigns, gun
safe counts); the checklist per school and the district view for a year are
derived from those records.

P05: the household list for gun safe delivery exists only when the district
setting ``gun_safe_household_list`` is on, needs `HOUSEHOLD_PERMISSION`, and
no aggregate output (`gun_safe_report`, `district_status`, the dashboard)
reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from safetydesk.domain.errors import SafetyDeskError, ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import Draft
from safetydesk.domain.start_of_year import (
    GUN_SAFE_COUNT,
    GUN_SAFE_HOUSEHOLD,
    GUN_SAFETY_CAMPAIGN,
    ROLE_DISTRIBUTION,
    ROLE_PRESENTATION,
    START_OF_YEAR_LEAD_DAYS,
    GunSafeCountDraft,
    GunSafeHouseholdDraft,
    GunSafetyCampaignDraft,
    ItemStatus,
    RoleDistributionDraft,
    RolePresentationDraft,
    SchoolYearStatus,
    school_status,
    staff_serves_year,
    start_of_year_due,
    validate_campaign,
    validate_distribution,
    validate_gun_safe_count,
    validate_household,
    validate_presentation,
)
from safetydesk.domain.validation import FieldError, parse_date, school_year_of
from safetydesk.services import attachments, kernel
from safetydesk.services.context import Session, service
from safetydesk.services.settings import current as current_settings
from safetydesk.store import Entry, queries, queries_district

# P05: who may keep and read the household list. No role but the district administrator
# holds it today; a dedicated permission would let a district grant it to a school's
# delivery coordinator (see the report on the complaints/start-of-year issue).
HOUSEHOLD_PERMISSION = Permission.MANAGE_GUN_SAFE_HOUSEHOLDS

P = Permission.MANAGE_START_OF_YEAR


def _with_materials(validate, field_name: str = "materials"):
    def run(session: Session, draft: Any) -> list[FieldError]:
        errors = validate(draft, kernel.known(session))
        return errors + attachments.check_attachments(session, getattr(draft, field_name, []) or [], field_name)
    return run


def _household_validate(session: Session, draft: GunSafeHouseholdDraft) -> list[FieldError]:
    errors = []
    if not current_settings(session.store).gun_safe_household_list:
        errors.append(FieldError(
            "household_name", "This district keeps no household list for gun safes (the setting "
                              "“gun safe household list” is off). Record the counts instead."))
    return errors + validate_household(draft, kernel.known(session))


KINDS: dict[str, kernel.RecordKind] = {
    ROLE_PRESENTATION: kernel.RecordKind(ROLE_PRESENTATION, RolePresentationDraft, "presentation record",
                                         _with_materials(validate_presentation), P, P),
    ROLE_DISTRIBUTION: kernel.RecordKind(ROLE_DISTRIBUTION, RoleDistributionDraft, "distribution record",
                                         _with_materials(validate_distribution), P, P),
    GUN_SAFETY_CAMPAIGN: kernel.RecordKind(GUN_SAFETY_CAMPAIGN, GunSafetyCampaignDraft, "campaign record",
                                           _with_materials(validate_campaign), P, P),
    GUN_SAFE_COUNT: kernel.RecordKind(GUN_SAFE_COUNT, GunSafeCountDraft, "gun safe count",
                                      lambda s, d: validate_gun_safe_count(d, kernel.known(s)), P, P),
    GUN_SAFE_HOUSEHOLD: kernel.RecordKind(GUN_SAFE_HOUSEHOLD, GunSafeHouseholdDraft, "household record",
                                          _household_validate, HOUSEHOLD_PERMISSION, HOUSEHOLD_PERMISSION,
                                          view=HOUSEHOLD_PERMISSION),
}


def _kind(record_type: str) -> kernel.RecordKind:
    try:
        return KINDS[record_type]
    except KeyError:
        raise ValueError(f"{record_type} is not a start-of-year record type") from None


@service(Permission.VIEW_RECORDS)
def check(session: Session, draft: Draft) -> list[FieldError]:
    """Validate a start-of-year draft without saving (any of the five kinds)."""
    return kernel.check(session, _kind(draft.record_type), draft)


@service(Permission.VIEW_RECORDS)
def record(session: Session, draft: Draft) -> str:
    """Save a presentation, distribution, campaign, gun safe count or household record."""
    return kernel.create(session, _kind(draft.record_type), draft)


@service(Permission.VIEW_RECORDS)
def amend(session: Session, record_type: str, record_id: str, draft: Draft, reason: str,
          expected_version: int | None = None) -> list[str]:
    return kernel.amend(session, _kind(record_type), record_id, draft, reason, expected_version)


@service(Permission.VIEW_RECORDS)
def retract(session: Session, record_type: str, record_id: str, reason: str) -> None:
    kind = _kind(record_type)
    session.require(kind.retract)
    kernel.retract(session, kind, record_id, reason)


@service(Permission.VIEW_RECORDS)
def get(session: Session, record_type: str, record_id: str) -> dict[str, Any]:
    return kernel.get(session, _kind(record_type), record_id)


@service(Permission.VIEW_RECORDS)
def history(session: Session, record_type: str, record_id: str) -> list[Entry]:
    return kernel.history(session, _kind(record_type), record_id)


@service(Permission.MANAGE_START_OF_YEAR)
def attach_material(session: Session, school_id: str, name: str, data: bytes) -> str:
    """Store a handout or slide deck in the (encrypted) data file; returns its id for ``materials``."""
    session.require(Permission.MANAGE_START_OF_YEAR, school_id or None)
    return attachments.add_attachment(session, name, data, school_id, "start_of_year")


@service(Permission.VIEW_RECORDS)
def open_material(session: Session, attachment_id: str) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of stored materials. Opening is audited."""
    return attachments.read_attachment(session, attachment_id, Permission.VIEW_RECORDS)


# ------------------------------------------------------------------ checklist and district view
def _schools_with_staff(session: Session, school_year: str) -> set[str]:
    return {r["school_id"] for r in queries_district.staff_with_assignments(session.store)
            if staff_serves_year(r, school_year)}


def _statuses(session: Session, school_year: str, school_ids: list[tuple[str, str]]) -> list[SchoolYearStatus]:
    counts = queries_district.start_of_year_counts(session.store, school_year)
    staffed = _schools_with_staff(session, school_year)
    out = []
    for school_id, name in school_ids:
        c = counts.get(school_id, {})
        out.append(school_status(
            school_id, name, school_year, has_safety_staff=school_id in staffed,
            presentations=c.get("presentations", 0), distributions=c.get("distributions", 0),
            campaigns=c.get("campaigns", 0), gun_safes_requested=c.get("gun_safes_requested", 0),
            gun_safes_provided=c.get("gun_safes_provided", 0),
        ))
    return out


def _check_year(school_year: str) -> None:
    try:
        ok = school_year_of(date(int(school_year[:4]), 9, 1)) == school_year
    except ValueError:
        ok = False
    if not ok:
        raise ValidationFailed([FieldError("school_year", "Choose the school year (for example 2025-26).")],
                               "Nothing to show.")


@service(Permission.VIEW_RECORDS)
def district_status(session: Session, school_year: str) -> list[SchoolYearStatus]:
    """Every school's start-of-year status for a year (the schools this person may see)."""
    _check_year(school_year)
    scope = session.scope
    schools = [(s["id"], s["name"]) for s in queries.schools(session.store)
               if scope is None or s["id"] in scope]
    return _statuses(session, school_year, schools)


@dataclass(frozen=True)
class Checklist:
    status: SchoolYearStatus
    presentations: list[dict[str, Any]]
    distributions: list[dict[str, Any]]
    campaigns: list[dict[str, Any]]
    gun_safe_counts: list[dict[str, Any]]


@service(Permission.VIEW_RECORDS)
def school_checklist(session: Session, school_id: str, school_year: str) -> Checklist:
    """One school's checklist for a year, with the records behind each item."""
    session.require(Permission.VIEW_RECORDS, school_id)
    _check_year(school_year)
    names = {s["id"]: s["name"] for s in queries.schools(session.store, include_inactive=True)}
    status = _statuses(session, school_year, [(school_id, names.get(school_id, ""))])[0]
    rows = lambda t: queries_district.start_of_year_rows(session.store, t, school_year, school_id)  # noqa: E731
    return Checklist(status, rows(ROLE_PRESENTATION), rows(ROLE_DISTRIBUTION), rows(GUN_SAFETY_CAMPAIGN),
                     rows(GUN_SAFE_COUNT))


@service(Permission.VIEW_RECORDS)
def gun_safe_report(session: Session, school_year: str) -> list[dict[str, Any]]:
    """P05: gun safes requested and provided per school and date. Counts only, never households."""
    _check_year(school_year)
    names = {s["id"]: s["name"] for s in queries.schools(session.store, include_inactive=True)}
    rows = queries_district.gun_safe_totals(session.store, school_year, session.scope)
    return [{"school_id": r["school_id"], "school_name": names.get(r["school_id"], ""), "date": r["date"],
             "requested": r["requested"], "provided": r["provided"]} for r in rows]


@service(HOUSEHOLD_PERMISSION)
def household_list(session: Session, school_year: str, school_id: str = "") -> list[dict[str, Any]]:
    """P05: the delivery list, for those separately permitted, when the district keeps one."""
    if not current_settings(session.store).gun_safe_household_list:
        raise SafetyDeskError("This district keeps no household list for gun safes (a district setting).")
    rows = queries_district.start_of_year_rows(session.store, GUN_SAFE_HOUSEHOLD, school_year, school_id,
                                               session.scope)
    return [(session.store.state(GUN_SAFE_HOUSEHOLD, r["id"]) or {}) | {"id": r["id"]} for r in rows]


# ------------------------------------------------------------------ for the dashboard
def dashboard_items(session: Session, today: date) -> list[tuple[SchoolYearStatus, date, str]]:
    """(status, due date, "overdue"|"due_soon") for incomplete checklists of the current year."""
    year = school_year_of(today)
    starts = queries_district.school_year_starts(session.store)
    year_start = parse_date(starts.get(year, ""))
    due = start_of_year_due(year, year_start)
    if (due - today).days > START_OF_YEAR_LEAD_DAYS + 30:
        return []
    flag = "overdue" if today > due else "due_soon"
    out = []
    for status in district_status(session, year):
        if status.role_information in (ItemStatus.MISSING, ItemStatus.PARTIAL) or \
                status.campaign == ItemStatus.MISSING:
            out.append((status, due, flag))
    return out
