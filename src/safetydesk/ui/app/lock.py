"""The inactivity lock and switching user on a shared workstation.

After a period without keyboard or mouse input (the district setting
``lock_after_minutes``, default 10) the window hides every record and asks for
the signed-in account's password. Nothing is closed or lost: open forms are
hidden and come back on unlock. "Switch user" keeps unsaved forms as drafts of
their author, signs out, and lets the next person sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.services import files
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})


class IdleWatcher(QObject):
    """Emits ``idle`` after ``msec`` without user input anywhere in the application.

    The countdown starts at once; input restarts it from when `watch` puts the watcher on the
    application (at once unless ``watch=False``: the main window does it when it has shown its
    first data, as an application event filter in Python is called for every event of every
    widget, thousands while a window first lays itself out)."""

    idle = Signal()

    def __init__(self, msec: int, parent: QObject | None = None, *, watch: bool = True) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.idle)
        self.set_interval(msec)
        self.watching = False
        if watch:
            self.watch()

    def watch(self) -> None:
        """Restart the countdown on input from now on (once; later calls do nothing)."""
        app = QApplication.instance()
        if app is not None and not self.watching:
            app.installEventFilter(self)
            self.watching = True

    def set_interval(self, msec: int) -> None:
        self.timer.setInterval(max(50, msec))
        self.timer.start()

    def pause(self) -> None:
        self.timer.stop()

    def resume(self) -> None:
        self.timer.start()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if event.type() in INPUT_EVENTS and self.timer.isActive():
            self.timer.start()  # restart the countdown
        return False

    def uninstall(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.watching = False
        self.timer.stop()


class LockScreen(QWidget):
    """Covers the window while locked: the account's password, or switch user."""

    unlocked = Signal()
    switch_user = Signal()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("lockScreen")
        card = QFrame()
        card.setObjectName("lockCard")
        card.setMaximumWidth(480)
        title = QLabel("SafetyDesk is locked")
        title.setProperty("role", "pageTitle")
        self.reason = QLabel()
        self.reason.setProperty("role", "hint")
        self.reason.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setAccessibleDescription("The signed-in account's password unlocks the window.")
        self.password.setPlaceholderText("Password")
        self.message = QLabel()
        self.message.setObjectName("lockMessage")
        self.message.setProperty("role", "fieldError")
        self.message.setWordWrap(True)
        self.message.hide()
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.setAccessibleName("Unlock")
        self.switch_button = QPushButton("Switch user…")
        self.switch_button.setObjectName("switchUserButton")
        self.switch_button.setAccessibleName("Switch user")
        self.switch_button.setAccessibleDescription(
            "Sign out (unsaved forms are kept as drafts) and let someone else sign in.")
        row = QHBoxLayout()
        row.addWidget(self.switch_button)
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        cv = QVBoxLayout(card)
        cv.setContentsMargins(28, 24, 28, 24)
        cv.setSpacing(12)
        cv.addWidget(title)
        cv.addWidget(self.reason)
        cv.addWidget(self.password)
        cv.addWidget(self.message)
        cv.addLayout(row)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        h = QHBoxLayout()
        h.addStretch(1)
        h.addWidget(card)
        h.addStretch(1)
        outer.addLayout(h)
        outer.addStretch(2)
        self.unlock_button.clicked.connect(self.submit)
        self.password.returnPressed.connect(self.submit)
        self.switch_button.clicked.connect(self.switch_user)

    def prepare(self, minutes: float, *, by_hand: bool = False) -> None:
        actor = self.ctx.actor
        who = f"{actor.display_name} ({actor.username})" if actor else "the signed-in user"
        why = ("You locked the window" if by_hand else
               f"The window locked itself after {idle_time(minutes)} without use")
        self.reason.setText(
            f"{why}, so that no one else can read student records here. Enter the password of {who} to "
            "carry on where you left off, or switch user.")
        self.password.clear()
        self.message.hide()
        self.unlock_button.setEnabled(True)
        self.password.setFocus()

    def submit(self) -> None:
        password = self.password.text()
        if not password:
            self._show("Enter the password to unlock.")
            return
        self.unlock_button.setEnabled(False)
        self.ctx.worker.read(files.confirm_password, password, done=lambda _: self._ok(),
                             error=self._failed, owner=self, label="Checking the password")

    def _ok(self) -> None:
        self.password.clear()
        self.unlocked.emit()

    def _failed(self, exc: BaseException) -> None:
        self.unlock_button.setEnabled(True)
        self.password.selectAll()
        self._show(prompts.explain(exc))

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


def idle_time(minutes: float) -> str:
    """``10 minutes``, ``1 minute``, ``less than a minute``."""
    if minutes < 1:
        return "less than a minute"
    return f"{minutes:g} minute{'s' if minutes != 1 else ''}"


def lock_minutes(ctx: UiContext, done: Callable[[float], None]) -> None:
    """Read the district's lock setting on the worker and hand the minutes to ``done``."""
    from safetydesk.services import settings

    ctx.worker.read(settings.get_settings, done=lambda s: done(float(s.lock_after_minutes)),
                    error=lambda exc: done(10.0), owner=ctx)

