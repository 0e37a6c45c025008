"""The "About SafetyDesk" window: version, where the data and logs are, the site configuration, last sync.

What IT asks for on the phone, in one place, selectable and copyable. Opened
from the header's "About" button (``header_button``).
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk import __version__, site

NOT_SET_UP = "Never: this workstation does not exchange records with a shared folder yet"

# The sync service, when there is one, sets this to a function(ctx) -> "Dec 1, 2026, 8:05 AM" or None.
last_sync_provider: Callable[[Any], str | None] | None = None


def facts(ctx: Any) -> list[tuple[str, str]]:
    """(label, value) rows of the About window, also what "Copy" puts on the clipboard."""
    paths = ctx.paths
    config = site.active()
    frozen = " (installed bundle)" if getattr(sys, "frozen", False) else ""
    rows = [
        ("Version", f"SafetyDesk {__version__}{frozen}"),
        ("Data folder", str(paths.data)),
        ("Data file", str(paths.data_file)),
        ("Backups", str(paths.backups)),
        ("Log folder", str(paths.logs)),
    ]
    if config.file is not None:
        managed = ", ".join(sorted(config.managed)) or "nothing"
        problems = f"; {len(config.problems)} problem(s), see the log" if config.problems else ""
        rows.append(("Site configuration", f"{config.file} (manages: {managed}{problems})"))
    else:
        where = paths.site / site.SITE_FILE if paths.site is not None else None
        rows.append(("Site configuration", f"none ({where} does not exist)" if where else "none"))
    rows.append(("Shared folder", config.shared_folder or "not set"))
    last = last_sync_provider(ctx) if last_sync_provider is not None else None
    rows.append(("Last sync", last or NOT_SET_UP))
    rows.append(("Platform", f"{platform.platform()}, Python {platform.python_version()}"))
    return rows


class AboutDialog(QDialog):
    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About SafetyDesk")
        self.rows = facts(ctx)
        title = QLabel(f"SafetyDesk {__version__}")
        title.setProperty("role", "pageTitle")
        what = QLabel("Records and reports for school safety and security services under district "
                      "Policy 4311.")
        what.setWordWrap(True)
        what.setProperty("role", "hint")
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        for i, (label, value) in enumerate(self.rows):
            name = QLabel(f"{label}:")
            name.setProperty("role", "fieldLabel")
            shown = QLabel(value)
            shown.setObjectName("about" + label.title().replace(" ", ""))
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            shown.setAccessibleName(label)
            grid.addWidget(name, i, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(shown, i, 1)
        grid.setColumnStretch(1, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("Copy for IT")
        copy.setObjectName("aboutCopy")
        copy.setAccessibleDescription("Copy these details to the clipboard, to paste in a message to IT.")
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(what)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def text(self) -> str:
        return "\n".join(f"{label}: {value}" for label, value in self.rows)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())


def header_button(window: QWidget, ctx: Any, parent: QWidget | None = None) -> QPushButton:
    """The header's "About" button (made in ``parent``, the header), opening the About window
    over ``window`` (F1 is the shortcut list, see ``shortcuts``)."""
    button = QPushButton("About", parent)
    button.setObjectName("headerAbout")
    button.setProperty("role", "headerButton")
    button.setAccessibleName("About SafetyDesk")
    button.setAccessibleDescription("Version, data and log folders, site configuration and last sync.")
    button.setToolTip("About SafetyDesk: version, folders, last sync")

    def show() -> AboutDialog:
        dialog = AboutDialog(ctx, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    button.clicked.connect(show)
    return button
