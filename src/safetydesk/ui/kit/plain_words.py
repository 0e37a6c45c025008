"""Plain words in every window: a label never shows a policy code ("School consequence (P07)"
reads "School consequence"); the code and what it means stay in its tooltip for those who look.

``apply(widget)`` rewrites the labels, check boxes, buttons, group boxes and table headers under
a widget; ``install(app)`` does it for every window as it is shown, so each screen gets it without
being written for it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QTableWidget,
    QWidget,
)

from safetydesk.ui.kit.formatting import plain


def _tip(old: str, tip: str) -> str:
    return tip if not old else (old if tip in old else f"{old}\n{tip}")


def apply(root: QWidget) -> int:
    """Take the policy codes out of what ``root`` shows; returns how many texts changed."""
    changed = 0
    widgets: list[Any] = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if isinstance(w, QLabel | QAbstractButton | QGroupBox):
            text = w.title() if isinstance(w, QGroupBox) else w.text()
            words, tip = plain(text)
            if not tip:
                continue
            if isinstance(w, QGroupBox):
                w.setTitle(words)
            else:
                w.setText(words)
            w.setToolTip(_tip(w.toolTip(), tip))
            changed += 1
        elif isinstance(w, QTableWidget):
            for col in range(w.columnCount()):
                item = w.horizontalHeaderItem(col)
                if item is None:
                    continue
                words, tip = plain(item.text())
                if tip:
                    item.setText(words)
                    item.setToolTip(_tip(item.toolTip(), tip))
                    changed += 1
    return changed


class _OnShow(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            apply(watched)
        return False


_filter: _OnShow | None = None


def install(app: QApplication) -> None:
    """Every window, as it is shown, in plain words (once per application)."""
    global _filter
    if _filter is None:
        _filter = _OnShow(app)
        app.installEventFilter(_filter)
