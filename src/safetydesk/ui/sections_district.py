"""The district sections of the main window: complaints (P16), the start of the school year
(P03-P05) and agreements with law enforcement agencies (P17-P19), and who opens which record."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from safetydesk.domain.permissions import Permission
from safetydesk.ui import prompts
from safetydesk.ui.district_common import page_of
from safetydesk.ui.sections import Section


def can_see_complaints(ctx: Any) -> bool:
    return any(ctx.can(p) for p in (Permission.FILE_COMPLAINT, Permission.INVESTIGATE_COMPLAINT,
                                    Permission.VIEW_AUDIT))


def _resume_complaint(window: Any, entry: dict[str, Any]) -> Any:
    from safetydesk.ui.district_complaints import resume_complaint_draft

    return resume_complaint_draft(window, window.ctx, entry)


def _complaints(ctx: Any, window: Any) -> QWidget:
    from safetydesk.ui.district_complaints import ComplaintsPage

    return ComplaintsPage(ctx, window)


def _start_of_year(ctx: Any, window: Any) -> QWidget:
    from safetydesk.ui.district_start_of_year import StartOfYearPage

    return StartOfYearPage(ctx, window)


def _agreements(ctx: Any, window: Any) -> QWidget:
    from safetydesk.ui.district_agreements import AgreementsPage

    return AgreementsPage(ctx, window)


SECTIONS = [
    Section("complaints", "Complaints", build=_complaints, visible=can_see_complaints),
    Section("start_of_year", "Start of year", build=_start_of_year,
            visible=lambda ctx: ctx.can(Permission.VIEW_RECORDS)),
    Section("agreements", "Agreements", build=_agreements,
            visible=lambda ctx: ctx.can(Permission.VIEW_RECORDS)),
]


# ---------------------------------------------------------------------- openers
def _not_available(window: Any, what: str) -> None:
    prompts.info(window, "Not available", f"Your account cannot open {what}.")


def open_complaint(window: Any, record_id: str) -> Any:
    if not can_see_complaints(window.ctx):
        return _not_available(window, "complaints")
    from safetydesk.ui.district_complaints import open_complaint as show

    return show(window, window.ctx, record_id)


def open_agreement(window: Any, record_id: str) -> Any:
    from safetydesk.ui.district_agreements import open_agreement as show

    return show(window, window.ctx, record_id)


def open_start_of_year(window: Any, record_id: str) -> Any:
    """``record_id`` is "<school id>:<school year>" (as the dashboard names checklists)."""
    from safetydesk.ui.district_start_of_year import StartOfYearPage, open_checklist

    school_id, _, year = record_id.rpartition(":")
    page = page_of(window, "start_of_year")
    if isinstance(page, StartOfYearPage):
        window.show_section_key("start_of_year")
        if year:
            page.set_year(year)
    if not school_id:
        return page
    return open_checklist(window, window.ctx, school_id, year)


def open_policy_training(window: Any, record_id: str) -> Any:
    from safetydesk.ui.admin_training import open_training_session

    return open_training_session(window, window.ctx, record_id)


OPENERS = {
    "complaint": open_complaint,
    "agreement": open_agreement,
    "start_of_year": open_start_of_year,
    "policy_training": open_policy_training,
}


RESUMERS = {"complaint": _resume_complaint}
