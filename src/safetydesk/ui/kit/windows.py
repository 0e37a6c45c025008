"""The one window tracker: which record windows are open, one per record.

The main window keeps two lists, ``forms`` (windows with something to keep as a draft) and
``details`` (record windows by key); the lock hides everything tracked, switching user keeps
each form's draft and closes everything. Every record window is opened through here: asked
again, the open one comes to the front; closed, it is forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def track(window: Any, dialog: QWidget, key: str = "") -> QWidget:
    """Let the main window own ``dialog`` (known by ``key``, or a form by its draft key)."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    key = key or str(getattr(dialog, "draft_key", "") or "")
    dialog.setProperty("trackKey", key)
    forms = getattr(window, "forms", None)
    details = getattr(window, "details", None)
    if hasattr(dialog, "keep_draft") and isinstance(forms, list):
        forms.append(dialog)
        dialog.destroyed.connect(lambda *_: forms.remove(dialog) if dialog in forms else None)
        saved = getattr(dialog, "saved", None)
        bar = getattr(window, "statusBar", None)
        if saved is not None and bar is not None:
            saved.connect(lambda *_: bar().showMessage("Saved.", 6000))
    elif isinstance(details, dict) and key:
        details[key] = dialog
        dialog.destroyed.connect(
            lambda *_: details.pop(key, None) if details.get(key) is dialog else None)
    return dialog


def find_tracked(window: Any, key: str) -> QWidget | None:
    """The open window known by ``key`` (a form's track or draft key, a detail's key)."""
    if not key:
        return None
    for w in getattr(window, "forms", []) or []:
        if key in (w.property("trackKey"), getattr(w, "track_key", ""), getattr(w, "draft_key", "")):
            return w
    found = (getattr(window, "details", {}) or {}).get(key)
    return found if isinstance(found, QWidget) else None


def present(dialog: QWidget) -> QWidget:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def open_tracked(window: Any, key: str, make: Callable[[], QWidget]) -> QWidget:
    """The window known by ``key``, brought to the front, or a new one from ``make``."""
    found = find_tracked(window, key)
    if found is not None:
        return present(found)
    return present(track(window, make(), key))


def open_detail(window: Any, key: str, make: Callable[[], QWidget],
                on_amend: Callable[[dict[str, Any]], Any] | None = None) -> QWidget:
    """A record's detail window (raised if open), its "Amend…" leading to ``on_amend(record)``."""
    def build() -> QWidget:
        detail = make()
        if on_amend is not None:
            detail.amend_requested.connect(on_amend)  # type: ignore[attr-defined]
        return detail

    return open_tracked(window, key, build)


def track_form(window: Any, form: QWidget) -> QWidget:
    """Show a form, owned by the main window (kept as a draft on lock or switch)."""
    return present(track(window, form))


def show_detail(window: Any, key: str, make: Callable[[], QWidget]) -> QWidget:
    """Open (or raise) a record's detail window."""
    return open_tracked(window, key, make)


def existing_form(window: Any, key: str) -> QWidget | None:
    """The open form for this draft key, brought to the front."""
    found = find_tracked(window, key)
    return present(found) if found is not None else None


def page_of(window: Any, key: str) -> QWidget | None:
    section_page = getattr(window, "section_page", None)
    if callable(section_page):  # the main window builds its section pages when first needed
        return section_page(key)
    for k, _title, page in getattr(window, "sections", []):
        if k == key:
            return page
    return None
