"""Windows remember the person: size, position and list column widths, per person.

Kept with Qt's ``QSettings`` in an INI file beside the settings file ``paths.py`` names
(``config/windows.ini``), under the signed-in person's user name, so two people sharing a
workstation each get their own layout. A remembered geometry is only used when it still fits a
screen (a laptop taken off its dock); otherwise the window is fitted to the screen it is on.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QRect, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QWidget


def settings(ctx: Any) -> QSettings | None:
    paths = getattr(ctx, "paths", None)
    if paths is None:
        return None
    return QSettings(str(paths.settings_file.with_name("windows.ini")), QSettings.Format.IniFormat)


def _key(ctx: Any, name: str, what: str) -> str:
    actor = getattr(ctx, "actor", None)
    person = getattr(actor, "username", "") or "_nobody"
    return f"{person}/{name}/{what}"


def _fits(rect: QRect) -> bool:
    return any(s.availableGeometry().contains(rect.center()) and
               rect.width() <= s.availableGeometry().width() and
               rect.height() <= s.availableGeometry().height() for s in QGuiApplication.screens())


def restore(ctx: Any, widget: QWidget, name: str) -> bool:
    """Put ``widget`` where this person last left it. True when a remembered geometry was used."""
    store = settings(ctx)
    if store is None or not name:
        return False
    saved = store.value(_key(ctx, name, "geometry"))
    if not isinstance(saved, QByteArray) or saved.isEmpty():
        return False
    before = widget.geometry()
    if not widget.restoreGeometry(saved):
        return False
    if not _fits(widget.frameGeometry()):
        widget.setGeometry(before)
        return False
    return True


def remember(ctx: Any, widget: QWidget, name: str) -> None:
    store = settings(ctx)
    if store is None or not name:
        return
    store.setValue(_key(ctx, name, "geometry"), widget.saveGeometry())
    store.sync()


def restore_columns(ctx: Any, header: QHeaderView, name: str) -> bool:
    store = settings(ctx)
    if store is None or not name:
        return False
    saved = store.value(_key(ctx, name, "columns"))
    return isinstance(saved, QByteArray) and not saved.isEmpty() and header.restoreState(saved)


def remember_columns(ctx: Any, header: QHeaderView, name: str) -> None:
    store = settings(ctx)
    if store is None or not name:
        return
    store.setValue(_key(ctx, name, "columns"), header.saveState())
    store.sync()


def restore_value(ctx: Any, name: str, what: str) -> str:
    """A remembered text (a list's filters, as JSON) for this person, "" when none."""
    store = settings(ctx)
    if store is None or not name:
        return ""
    saved = store.value(_key(ctx, name, what))
    return saved if isinstance(saved, str) else ""


def remember_value(ctx: Any, name: str, what: str, value: str) -> None:
    store = settings(ctx)
    if store is None or not name:
        return
    store.setValue(_key(ctx, name, what), value)
    store.sync()
