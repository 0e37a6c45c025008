"""Which record windows are open: one window per record, brought to the front when asked
again, forgotten when closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    Qt,
)
from PySide6.QtWidgets import (
    QDialog,
    QWidget,
)


# ---------------------------------------------------------------------- window glue
def track_form(window: Any, form: QDialog) -> QDialog:
    """Show a form the way the main window shows its own (kept as a draft on lock or switch)."""
    if window is not None and hasattr(window, "_track"):
        return window.track(form)
    form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    form.show()
    return form


def show_detail(window: Any, key: str, make: Callable[[], QDialog]) -> QDialog:
    """Open (or raise) a detail window, known to the main window so locking hides it."""
    details = getattr(window, "details", None)
    detail = details.get(key) if isinstance(details, dict) else None
    if detail is None:
        detail = make()
        detail.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if isinstance(details, dict):
            details[key] = detail
            detail.destroyed.connect(lambda *_: details.pop(key, None))
    detail.show()
    detail.raise_()
    detail.activateWindow()
    return detail


def existing_form(window: Any, key: str) -> QDialog | None:
    for form in getattr(window, "forms", []):
        if getattr(form, "draft_key", None) == key:
            form.raise_()
            form.activateWindow()
            return form
    return None


# ---------------------------------------------------------------------- window bookkeeping
def track(window: Any, dialog: QWidget, key: str) -> None:
    """Let the main window hide this dialog when it locks and close it on switch user.

    The window hides and closes what is in ``window.forms`` (with ``keep_draft``) and
    ``window.details``; district dialogs join those under a typed key.
    """
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if hasattr(dialog, "keep_draft"):
        dialog.track_key = key
        forms = getattr(window, "forms", None)
        if isinstance(forms, list):
            forms.append(dialog)
            dialog.destroyed.connect(lambda *_: forms.remove(dialog) if dialog in forms else None)
            return
    details = getattr(window, "details", None)
    if isinstance(details, dict):
        details[key] = dialog
        dialog.destroyed.connect(lambda *_: details.pop(key, None) if details.get(key) is dialog else None)


def find_tracked(window: Any, key: str) -> QWidget | None:
    for w in getattr(window, "forms", []) or []:
        if getattr(w, "track_key", "") == key:
            return w
    return (getattr(window, "details", {}) or {}).get(key)


def present(dialog: QWidget) -> QWidget:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def page_of(window: Any, key: str) -> QWidget | None:
    for k, _title, page in getattr(window, "sections", []):
        if k == key:
            return page
    return None
