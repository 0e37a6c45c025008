"""The status-bar indicator of sync: "Synced 10:42", "Offline since 09:15", "3 files held: see details".

Self-contained: give it a function that returns the current ``SyncStatus``
(``safetydesk.services.sync.status`` with the window's paths) and add it to the
status bar. It reads only this workstation's sync bookkeeping (a small local
file), never the share, so refreshing it costs nothing and never blocks.
Clicking it opens the details: why sync stopped, and each held file with why.

With ``attach_sync`` it also runs sync: every few minutes and on demand ("Sync
now" in the details), always as a job of the window's database worker (never
on the GUI thread). While a pass runs it says "Syncing…" and, once the pass
knows how many new files it reads, the percentage read; the worker's busy
indicator shows the same job's progress bar and Cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QPushButton,
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
        # Here the details are what follows: the indicator's "see details" would point at itself.
        self.summary = QLabel(status.text.removesuffix(": see details"))
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        if status.stopped:
            stopped = QLabel(status.stopped)
            stopped.setWordWrap(True)
            layout.addWidget(stopped)
        self.held = QListWidget()
        self.held.setAccessibleName("Held files")
        self.held.setWordWrap(True)
        for path, reason in status.held:   # why first (what IT acts on), then which file
            self.held.addItem(f"{reason[:1].upper()}{reason[1:]}.\n{path}")
        self.held_advice = QLabel(
            "A held file changes nothing on this workstation, and the rest of sync goes on. A file "
            "written by a newer SafetyDesk is applied once this workstation is upgraded; a damaged "
            "or forged file stays held until district IT restores that workstation's folder on the "
            "shared folder (the sync guide for IT, \u201cWhen the indicator says files are held\u201d).")
        self.held_advice.setWordWrap(True)
        if status.held:
            layout.addWidget(QLabel("These files on the shared folder were not applied:"))
            layout.addWidget(self.held)
            layout.addWidget(self.held_advice)
        if status.waiting:
            waiting = QLabel(f"{status.waiting} entries wait for earlier files from their "
                             "workstation.")
            waiting.setWordWrap(True)
            layout.addWidget(waiting)
        self.files = QListWidget()
        self.files.setAccessibleName("Attached files not arrived yet")
        self.files.setWordWrap(True)
        for sentence in status.files:
            self.files.addItem(sentence)
        if status.files:
            intro = QLabel("These records are here, but their attached file is not here yet "
                           "(nothing else waits for it):")
            intro.setWordWrap(True)
            layout.addWidget(intro)
            layout.addWidget(self.files)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.sync_now = QPushButton("Sync now")
        self.sync_now.setAccessibleName("Sync now")
        self.sync_now.setVisible(False)
        buttons.addButton(self.sync_now, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        if status.held or status.files:
            self.resize(760, 420 + (160 if status.held and status.files else 0))
        else:
            self.setMinimumWidth(420)


class SyncStatusIndicator(QToolButton):
    """Shows how sync stands; refreshes itself; opens the details when clicked."""

    def __init__(self, status: Callable[[], SyncStatus], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status = status
        self.current: SyncStatus | None = None
        self.worker: Any = None
        self._run: Callable[..., Any] | None = None
        self.syncing = False
        self.last_error = ""
        self.every = QTimer(self)
        self.every.timeout.connect(self.sync_now)
        self.setAutoRaise(True)
        self.setAccessibleName("Sync status")
        self.clicked.connect(self.show_details)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        self.timer.start(REFRESH_MS)
        self.refresh()

    def attach_sync(self, worker: Any, run: Callable[..., Any], every_ms: int) -> None:
        """Run ``run(session, progress=...)`` on ``worker`` every ``every_ms`` and on demand."""
        self.worker, self._run = worker, run
        worker.job_progress.connect(self._progress)
        worker.busy_changed.connect(self._busy)   # a cancelled pass calls neither done nor error
        self.every.start(every_ms)

    def sync_now(self) -> bool:
        """Start a pass (unless one runs, or sync is not set up here); True if started."""
        if self.worker is None or self._run is None or self.syncing:
            return False
        if self.current is None or not self.current.joined:
            return False
        self.syncing = True
        self.setText("Syncing…")
        self.worker.write(self._run, progress=True, label="Syncing with the shared folder",
                          done=self._finished, error=self._failed, owner=self)
        return True

    def _progress(self, done: int, total: int) -> None:
        if self.syncing and total > 0:
            self.setText(f"Syncing… {min(100, 100 * done // total)}%")

    def _busy(self, busy: bool) -> None:
        if not busy and self.syncing:
            self._finished(None)

    def _finished(self, _result: Any) -> None:
        self.syncing, self.last_error = False, ""
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        # Offline, stopped or held: the pass recorded why in the sync bookkeeping, shown below.
        self.syncing = False
        self.last_error = getattr(exc, "message", "") or type(exc).__name__
        self.refresh()

    def refresh(self) -> None:
        if self.syncing:
            return
        try:
            self.current = self._status()
        except Exception:  # the indicator must never take the window down
            self.setText("Sync status unknown")
            return
        self.setText(self.current.text)
        self.setVisible(self.current.joined)
        self.setToolTip("Click for details" if self.current.held or self.current.stopped
                        or self.current.files else "")

    def show_details(self) -> SyncDetails | None:
        if self.current is None:
            return None
        dialog = SyncDetails(self.current, self.window())
        if self.worker is not None and self.current.joined:
            dialog.sync_now.setVisible(True)
            dialog.sync_now.clicked.connect(self.sync_now)
            dialog.sync_now.clicked.connect(dialog.accept)
        dialog.open()
        return dialog
