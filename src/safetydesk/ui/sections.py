"""The sections of the main window, in navigation order, and who opens which record.

Each group of screens lives in its own module and lists its sections there
(`sections_everyday.SECTIONS`, `sections_district.SECTIONS`,
`sections_admin.SECTIONS`), so that they can grow without touching the main
window. A section without a page builder shows a plain "coming" placeholder.
Each module may also list ``OPENERS``: record type -> function(window, record
id) that shows that record (used by the dashboard and by links between records),
and ``RESUMERS``: form name -> function(window, draft entry) that reopens a
draft kept when a form was closed unsaved.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QWidget

PageBuilder = Callable[[Any, Any], QWidget]  # (ctx, main window) -> page
Opener = Callable[[Any, str], Any]  # (main window, record id) -> the window or page shown


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: PageBuilder | None = None
    placeholder: str = ""  # what the section will hold, while it has no page
    visible: Callable[[Any], bool] | None = None  # ctx -> whether this account sees the section


GROUP_MODULES = (
    "safetydesk.ui.sections_everyday",
    "safetydesk.ui.sections_district",
    "safetydesk.ui.sections_admin",
    "safetydesk.ui.sections_reports",
    "safetydesk.ui.needs_review",
)


def _groups() -> list[Any]:
    out = []
    for name in GROUP_MODULES:
        try:
            out.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return out


def extra_sections() -> list[Section]:
    return [s for module in _groups() for s in getattr(module, "SECTIONS", [])]


def openers() -> dict[str, Opener]:
    found: dict[str, Opener] = {}
    for module in _groups():
        found.update(getattr(module, "OPENERS", {}))
    return found


def resumers() -> dict[str, Opener]:
    """Form name -> function(window, draft entry) that reopens a kept draft (``RESUMERS``)."""
    found: dict[str, Opener] = {}
    for module in _groups():
        found.update(getattr(module, "RESUMERS", {}))
    return found
