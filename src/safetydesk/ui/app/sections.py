"""The sections of the main window, in navigation order, and who opens which record.

One static list: every section, every record opener (record type -> function(window, record
id) that shows that record, used by the dashboard and by links between records) and every
draft resumer (form name -> function(window, draft entry) that reopens a draft kept when a
form was closed unsaved). Adding a record kind adds its lines here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget

from safetydesk.domain.permissions import Permission
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.windows import existing_form, page_of, track_form

PageBuilder = Callable[[Any, Any], QWidget]  # (ctx, main window) -> page


class later:  # used like a function: later("module:name")
    """``"package.module:name"``: callable like ``name`` (a page class, an opener), but the module
    is imported only when it is first called. The modules of the section pages are not imported
    at start-up, only when a page is shown or a record of theirs opened."""

    def __init__(self, path: str) -> None:
        self.path = path

    def resolve(self) -> Any:
        module, _, name = self.path.partition(":")
        return getattr(importlib.import_module(module), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"later({self.path!r})"


def _of(path: str) -> Any:
    """The object ``"package.module:name"`` (importing its module now)."""
    return later(path).resolve()


_R = "safetydesk.ui.records"
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
    Section("staff", "Staff & training", build=later(f"{_R}.staff:StaffPage")),
    Section("students", "Students", build=later(f"{_R}.students:StudentsPage")),
    Section("requests", "Intervention requests", build=later(f"{_R}.requests:InterventionsPage")),
    Section("climate", "Climate activities", build=later(f"{_R}.climate:ClimatePage")),
    Section("outside_requests", "Outside requests",
            build=later(f"{_R}.outside_requests:OutsideRequestsPage")),
    Section("complaints", "Complaints", build=later(f"{_R}.complaints:ComplaintsPage"),
            visible=can_see_complaints),
    Section("start_of_year", "Start of year", build=later(f"{_R}.start_of_year:StartOfYearPage"),
            visible=_can_view),
    Section("agreements", "Agreements", build=later(f"{_R}.agreements:AgreementsPage"),
            visible=_can_view),
    Section("reports", "Reports", build=later("safetydesk.ui.reports.page:ReportsPage"),
            visible=_can_view),
    Section("needs_review", "Needs review", build=later(f"{_R}.needs_review:NeedsReviewPage"),
            visible=lambda ctx: ctx.can(Permission.RETRACT_INTERACTION)),
    Section("settings", "Settings", build=later("safetydesk.ui.admin.settings_page:SettingsPage"),
            visible=lambda ctx: ctx.signed_in),
]


# ---------------------------------------------------------------------- openers
def _open_complaint(window: Any, record_id: str) -> Any:
    if not can_see_complaints(window.ctx):
        prompts.info(window, "Not available", "Your account cannot open complaints.")
        return None
    return later(f"{_R}.complaints:open_complaint")(window, window.ctx, record_id)


def _open_start_of_year(window: Any, record_id: str) -> Any:
    """``record_id`` is "<school id>:<school year>" (as the dashboard names checklists)."""
    school_id, _, year = record_id.rpartition(":")
    page = page_of(window, "start_of_year")
    if isinstance(page, _of(f"{_R}.start_of_year:StartOfYearPage")):
        window.show_section_key("start_of_year")
        if year:
            page.set_year(year)
    if not school_id:
        return page
    return later(f"{_R}.start_of_year:open_checklist")(window, window.ctx, school_id, year)


OPENERS: dict[str, Opener] = {
    "staff": later(f"{_R}.staff:open_staff"),
    "staff_training": later(f"{_R}.staff:open_staff"),
    "intervention_request": later(f"{_R}.requests:open_request"),
    "climate_activity": later(f"{_R}.climate:open_activity"),
    "outside_request": later(f"{_R}.outside_requests:open_outside"),
    "student": later(f"{_R}.students:open_student"),
    "complaint": _open_complaint,
    "agreement": lambda window, record_id: later(f"{_R}.agreements:open_agreement")(
        window, window.ctx, record_id),
    "start_of_year": _open_start_of_year,
    "policy_training": lambda window, record_id: later(
        "safetydesk.ui.admin.training:open_training_session")(window, window.ctx, record_id),
}


# ---------------------------------------------------------------------- draft resumers
SIMPLE_FORMS: dict[str, str] = {"staff": f"{_R}.staff:StaffForm",
                                "intervention_request": f"{_R}.requests:InterventionForm",
                                "climate_activity": f"{_R}.climate:ClimateForm",
                                "outside_request": f"{_R}.outside_requests:OutsideRequestForm"}


def _resume_simple(window: Any, entry: dict[str, Any]) -> Any:
    found = existing_form(window, entry.get("key", ""))
    if found is not None:
        return found
    form = _of(SIMPLE_FORMS[entry["form"]])
    return track_form(window, form(window.ctx, draft_entry=entry, parent=window))


def _resume_training(window: Any, entry: dict[str, Any]) -> Any:
    found = existing_form(window, entry.get("key", ""))
    if found is not None:
        return found
    data = entry.get("data", {})
    staff_id = data.get("draft", {}).get("staff_id", "")
    name = data.get("labels", {}).get(staff_id, "")
    form = _of(f"{_R}.staff:StaffTrainingForm")
    return track_form(window, form(window.ctx, staff_id, name, None, parent=window, draft_entry=entry))


RESUMERS: dict[str, Resumer] = {
    **{form: _resume_simple for form in SIMPLE_FORMS},
    "staff_training": _resume_training,
    "complaint": lambda window, entry: later(f"{_R}.complaints:resume_complaint_draft")(
        window, window.ctx, entry),
}
