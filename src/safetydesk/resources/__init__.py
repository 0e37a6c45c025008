"""The style sheet, icons and other files the program ships with, as package data.

They are found through ``importlib.resources``, so a development checkout, an
installed wheel and the PyInstaller bundle all find them the same way.
SAFETYDESK_RESOURCES points at another folder (for trying a new style sheet).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

STYLE_SHEET = "style.qss"
ICON_SVG = "icons/safetydesk.svg"
ICON_PNG = "icons/safetydesk.png"
ICON_ICO = "icons/safetydesk.ico"


def folder() -> Path | None:
    """The folder holding the style sheet and icons, or None when it is missing from this install."""
    override = os.environ.get("SAFETYDESK_RESOURCES")
    candidates = [Path(override)] if override else []
    packaged = resources.files(__name__)
    if isinstance(packaged, Path):
        candidates.append(packaged)
    else:  # pragma: no cover - only for a zipped install, which SafetyDesk does not ship
        with resources.as_file(packaged) as extracted:
            candidates.append(Path(extracted))
    for candidate in candidates:
        if (candidate / STYLE_SHEET).is_file():
            return candidate
    return None


def file(name: str) -> Path | None:
    """One packaged file (``"icons/safetydesk.svg"``), or None when it is missing."""
    where = folder()
    if where is None or not (where / name).is_file():
        return None
    return where / name
