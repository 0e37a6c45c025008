"""The sections of the main window, in navigation order, and who opens which record.

One static list: every section, every record opener (record type -> function(window, record
id) that shows that record, used by the dashboard and by links between records) and every
draft resumer (form name -> function(window, draft entry) that reopens a draft kept when a
form was closed unsaved). Adding a record kind adds its lines here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget

from safetydesk.domain.permissions import Permission
from safetydesk.ui.admin.settings_page import SettingsPage
from safetydesk.ui.admin.training import open_training_session
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.windows import existing_form, page_of, track_form
from safetydesk.ui.records.agreements import AgreementsPage, open_agreement
from safetydesk.ui.records.climate import ClimateForm, ClimatePage, open_activity
from safetydesk.ui.records.complaints import ComplaintsPage, open_complaint, resume_complaint_draft
from safetydesk.ui.records.needs_review import NeedsReviewPage
from safetydesk.ui.records.outside_requests import (
    OutsideRequestForm,
    OutsideRequestsPage,
    open_outside,
)
from safetydesk.ui.records.requests import InterventionForm, InterventionsPage, open_request
from safetydesk.ui.records.staff import StaffForm, StaffPage, StaffTrainingForm, open_staff
from safetydesk.ui.records.start_of_year import StartOfYearPage, open_checklist
from safetydesk.ui.records.students import StudentsPage, open_student
from safetydesk.ui.reports.page import ReportsPage

PageBuilder = Callable[[Any, Any], QWidget]  # (ctx, main window) -> page
Opener = Callable[[Any, str], Any]  # (main window, record id) -> the window or page shown
Resumer = Callable[[Any, dict[str, Any]], Any]  # (main window, draft entry) -> the form


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: PageBuilder
    visible: Callable[[Any], bool] | None = None  # ctx -> whether this account sees the section


def can_see_complaints(ctx: Any) -> bool:
    return any(ctx.can(p) for p in (Permission.FILE_COMPLAINT, Permission.INVESTIGATE_COMPLAINT,
                                    Permission.VIEW_AUDIT))


def _can_view(ctx: Any) -> bool:
    return bool(ctx.can(Permission.VIEW_RECORDS))


# After the dashboard and the interactions, which the main window builds itself.
SECTIONS: list[Section] = [
    Section("staff", "Staff & training", build=StaffPage),
    Section("students", "Students", build=StudentsPage),
    Section("requests", "Intervention requests", build=InterventionsPage),
    Section("climate", "Climate activities", build=ClimatePage),
    Section("outside_requests", "Outside requests", build=OutsideRequestsPage),
    Section("complaints", "Complaints", build=ComplaintsPage, visible=can_see_complaints),
    Section("start_of_year", "Start of year", build=StartOfYearPage, visible=_can_view),
    Section("agreements", "Agreements", build=AgreementsPage, visible=_can_view),
    Section("reports", "Reports", build=ReportsPage, visible=_can_view),
    Section("needs_review", "Needs review", build=NeedsReviewPage,
            visible=lambda ctx: ctx.can(Permission.RETRACT_INTERACTION)),
    Section("settings", "Settings", build=SettingsPage, visible=lambda ctx: ctx.signed_in),
]


# ---------------------------------------------------------------------- openers
def _open_complaint(window: Any, record_id: str) -> Any:
    if not can_see_complaints(window.ctx):
        prompts.info(window, "Not available", "Your account cannot open complaints.")
        return None
    return open_complaint(window, window.ctx, record_id)


def _open_start_of_year(window: Any, record_id: str) -> Any:
    """``record_id`` is "<school id>:<school year>" (as the dashboard names checklists)."""
    school_id, _, year = record_id.rpartition(":")
    page = page_of(window, "start_of_year")
    if isinstance(page, StartOfYearPage):
        window.show_section_key("start_of_year")
        if year:
            page.set_year(year)
    if not school_id:
        return page
    return open_checklist(window, window.ctx, school_id, year)


OPENERS: dict[str, Opener] = {
    "staff": open_staff,
    "staff_training": open_staff,
    "intervention_request": open_request,
    "climate_activity": open_activity,
    "outside_request": open_outside,
    "student": open_student,
    "complaint": _open_complaint,
    "agreement": lambda window, record_id: open_agreement(window, window.ctx, record_id),
    "start_of_year": _open_start_of_year,
    "policy_training": lambda window, record_id: open_training_session(window, window.ctx,
                                                                       record_id),
}


# ---------------------------------------------------------------------- draft resumers
SIMPLE_FORMS: dict[str, Any] = {"staff": StaffForm, "intervention_request": InterventionForm,
                                "climate_activity": ClimateForm,
                                "outside_request": OutsideRequestForm}


def _resume_simple(window: Any, entry: dict[str, Any]) -> Any:
    found = existing_form(window, entry.get("key", ""))
    if found is not None:
        return found
    form = SIMPLE_FORMS[entry["form"]]
    return track_form(window, form(window.ctx, draft_entry=entry, parent=window))


def _resume_training(window: Any, entry: dict[str, Any]) -> Any:
    found = existing_form(window, entry.get("key", ""))
    if found is not None:
        return found
    data = entry.get("data", {})
    staff_id = data.get("draft", {}).get("staff_id", "")
    name = data.get("labels", {}).get(staff_id, "")
    return track_form(window, StaffTrainingForm(window.ctx, staff_id, name, None, parent=window,
                                           draft_entry=entry))


RESUMERS: dict[str, Resumer] = {
    **{form: _resume_simple for form in SIMPLE_FORMS},
    "staff_training": _resume_training,
    "complaint": lambda window, entry: resume_complaint_draft(window, window.ctx, entry),
}
