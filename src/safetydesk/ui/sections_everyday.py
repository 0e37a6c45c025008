"""The everyday records' sections of the main window and how each of their records is opened."""

from __future__ import annotations

from typing import Any

from safetydesk.ui.sections import Section


def _staff(ctx: Any, window: Any) -> Any:
    from safetydesk.ui.everyday_staff import StaffPage
    return StaffPage(ctx, window)


def _students(ctx: Any, window: Any) -> Any:
    from safetydesk.ui.everyday_students import StudentsPage
    return StudentsPage(ctx, window)


def _requests(ctx: Any, window: Any) -> Any:
    from safetydesk.ui.everyday_records import InterventionsPage
    return InterventionsPage(ctx, window)


def _climate(ctx: Any, window: Any) -> Any:
    from safetydesk.ui.everyday_records import ClimatePage
    return ClimatePage(ctx, window)


def _outside(ctx: Any, window: Any) -> Any:
    from safetydesk.ui.everyday_records import OutsideRequestsPage
    return OutsideRequestsPage(ctx, window)


SECTIONS = [
    Section("staff", "Staff & training", build=_staff),
    Section("students", "Students", build=_students),
    Section("requests", "Intervention requests", build=_requests),
    Section("climate", "Climate activities", build=_climate),
    Section("outside_requests", "Outside requests", build=_outside),
]


def _open_staff(window: Any, record_id: str) -> Any:
    from safetydesk.ui.everyday_staff import open_staff
    return open_staff(window, record_id)


def _open_request(window: Any, record_id: str) -> Any:
    from safetydesk.ui.everyday_records import open_request
    return open_request(window, record_id)


def _open_activity(window: Any, record_id: str) -> Any:
    from safetydesk.ui.everyday_records import open_activity
    return open_activity(window, record_id)


def _open_outside(window: Any, record_id: str) -> Any:
    from safetydesk.ui.everyday_records import open_outside
    return open_outside(window, record_id)


def _open_student(window: Any, record_id: str) -> Any:
    from safetydesk.ui.everyday_students import open_student
    return open_student(window, record_id)


OPENERS = {
    "staff": _open_staff,
    "staff_training": _open_staff,
    "intervention_request": _open_request,
    "climate_activity": _open_activity,
    "outside_request": _open_outside,
    "student": _open_student,
}


def resume_draft(window: Any, entry: dict[str, Any]) -> Any:
    """Reopen a kept draft of one of these forms (``entry`` from ``admin.drafts``), or None when
    the draft belongs to another form. For the main window's "Resume draft"."""
    from safetydesk.ui.everyday_base import existing_form, track_form
    from safetydesk.ui.everyday_records import ClimateForm, InterventionForm, OutsideRequestForm
    from safetydesk.ui.everyday_staff import StaffForm, TrainingForm

    form = entry.get("form")
    found = existing_form(window, entry.get("key", ""))
    if found is not None:
        return found
    simple = {"staff": StaffForm, "intervention_request": InterventionForm,
              "climate_activity": ClimateForm, "outside_request": OutsideRequestForm}
    if form in simple:
        return track_form(window, simple[form](window.ctx, draft_entry=entry, parent=window))
    if form == "staff_training":
        data = entry.get("data", {})
        staff_id = data.get("draft", {}).get("staff_id", "")
        name = data.get("labels", {}).get(staff_id, "")
        return track_form(window, TrainingForm(window.ctx, staff_id, name, None, parent=window,
                                               draft_entry=entry))
    return None


# form name -> how to reopen its drafts (see resume_draft)
DRAFT_FORMS = ("staff", "staff_training", "intervention_request", "climate_activity", "outside_request")


RESUMERS = {form: resume_draft for form in DRAFT_FORMS}
