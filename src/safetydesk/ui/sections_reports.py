"""The Reports section (P20-P22): the yearly and public reports. Record printouts (and a
student's record of disclosures, P24) are printed from each record's own window."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from safetydesk.domain.permissions import Permission
from safetydesk.ui.sections import Section


def _reports(ctx: Any, window: Any) -> QWidget:
    from safetydesk.ui.reports_page import ReportsPage

    return ReportsPage(ctx, window)


SECTIONS = [
    Section("reports", "Reports", build=_reports, visible=lambda ctx: ctx.can(Permission.VIEW_RECORDS)),
]
