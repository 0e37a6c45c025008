"""The keyboard shortcut list (F1): every shortcut of the window, each bound once.

Shortcuts of the main window are made with ``bind`` so that the list shows what each one does;
the form and record-window shortcuts every form shares are listed beside them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

IN_EVERY_FORM = [
    ("Ctrl+S", "Save the form (also Ctrl+Enter)"),
    ("Esc", "Close the form; what was typed is kept as a draft"),
    ("Tab / Shift+Tab", "Next / previous field"),
    ("Alt+underlined letter", "Go to that field"),
    ("Ctrl+T", "In a date or time field: fill in now (or type “now”, “today 9am”, “12/1 5:40 pm”)"),
    ("Ctrl+E", "In a record's window: correct the record"),
]


def bind(window: QWidget, keys: str | QKeySequence | QKeySequence.StandardKey, what: str,
         slot: Callable[[], Any]) -> QShortcut:
    """A shortcut of ``window`` with what it does (shown in the shortcut list)."""
    shortcut = QShortcut(QKeySequence(keys), window)
    shortcut.setWhatsThis(what)
    shortcut.activated.connect(slot)
    return shortcut


def window_shortcuts(window: QWidget) -> list[tuple[str, str]]:
    """(keys, what it does) for every shortcut bound on ``window`` itself, in binding order."""
    out = []
    for s in window.findChildren(QShortcut, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if s.isEnabled() and not s.key().isEmpty():
            out.append((s.key().toString(QKeySequence.SequenceFormat.NativeText), s.whatsThis()))
    return out


class ShortcutsDialog(QDialog):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = [(k, w) for k, w in window_shortcuts(window) if w] + IN_EVERY_FORM
        self.table = QTableWidget(len(rows), 2)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (keys, what) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(keys))
            self.table.setItem(r, 1, QTableWidgetItem(what))
        self.table.resizeColumnToContents(0)
        self.rows = rows
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        v = QVBoxLayout(self)
        v.addWidget(self.table)
        v.addWidget(buttons)
        self.resize(560, 460)


def header_button(window: QWidget, parent: QWidget | None = None) -> QPushButton:
    """The header's "Shortcuts" button (and F1), made in ``parent`` (the header)."""
    button = QPushButton("Shortcuts", parent)
    button.setObjectName("headerShortcuts")
    button.setProperty("role", "headerButton")
    button.setAccessibleName("Keyboard shortcuts (F1)")
    button.setToolTip("Every keyboard shortcut (F1)")

    def show() -> ShortcutsDialog:
        dialog = ShortcutsDialog(window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    button.clicked.connect(show)
    bind(window, QKeySequence.StandardKey.HelpContents, "This list of keyboard shortcuts", show)
    return button
