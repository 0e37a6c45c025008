"""The status-bar indicator of sync: "Synced 10:42", "Offline since 09:15", "3 files held: see details".

Self-contained: give it a function that returns the current ``SyncStatus``
(``safetydesk.services.sync.status`` with the window's paths) and add it to the
status bar. It reads only this workstation's sync bookkeeping (a small local
file), never the share, so refreshing it costs nothing and never blocks.
Clicking it opens the details: why sync stopped, and each held file with why.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.services.sync import SyncStatus

REFRESH_MS = 30_000


class SyncDetails(QDialog):
    def __init__(self, status: SyncStatus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync details")
        layout = QVBoxLayout(self)
        self.summary = QLabel(status.text)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        if status.stopped:
            stopped = QLabel(status.stopped)
            stopped.setWordWrap(True)
            layout.addWidget(stopped)
        self.held = QListWidget()
        self.held.setAccessibleName("Held files")
        for path, reason in status.held:
            self.held.addItem(f"{path}: {reason}")
        if status.held:
            layout.addWidget(QLabel("These files on the shared folder were not applied:"))
            layout.addWidget(self.held)
        if status.waiting:
            layout.addWidget(QLabel(f"{status.waiting} entries wait for earlier files from their "
                                    "workstation."))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class SyncStatusIndicator(QToolButton):
    """Shows how sync stands; refreshes itself; opens the details when clicked."""

    def __init__(self, status: Callable[[], SyncStatus], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status = status
        self.current: SyncStatus | None = None
        self.setAutoRaise(True)
        self.setAccessibleName("Sync status")
        self.clicked.connect(self.show_details)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.current = self._status()
        except Exception:  # the indicator must never take the window down
            self.setText("Sync status unknown")
            return
        self.setText(self.current.text)
        self.setVisible(self.current.joined)
        self.setToolTip("Click for details" if self.current.held or self.current.stopped else "")

    def show_details(self) -> SyncDetails | None:
        if self.current is None:
            return None
        dialog = SyncDetails(self.current, self.window())
        dialog.open()
        return dialog
