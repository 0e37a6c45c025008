"""Signing in: the account and its password, slowed down after failed attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import CorruptDataFile
from safetydesk.services import files
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.layout import FormBuilder
from safetydesk.ui.kit.widgets import hint_label, title_label


class SignInDialog(QDialog):
    """User name and password; a plain-language message when they do not match.

    Signing in is what unlocks and opens the (encrypted) data file, so this is
    also where a damaged file is found: then the latest backup may be restored.
    """

    def __init__(self, ctx: UiContext, username: str = "", message: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session: Any = None
        self.setObjectName("signInDialog")
        self.setWindowTitle("Sign in to SafetyDesk")
        # The width is the fields' minimum, not the dialog's: a minimum size set on the dialog
        # itself would stop its layout from keeping it tall enough for a message after a wrong
        # password (the password field was squeezed to half its height).
        form = FormBuilder()
        self.user = QLineEdit(username)
        form.add("username", "&User name", self.user, object_name="signInUser")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.add("password", "&Password", self.password, object_name="signInPassword")
        self.message = QLabel(message)
        self.message.setObjectName("signInMessage")
        self.message.setProperty("role", "fieldError")
        self.message.setWordWrap(True)
        self.message.setVisible(bool(message))
        self.button = QPushButton("Sign in")
        self.button.setObjectName("signInButton")
        self.button.setProperty("primary", True)
        self.button.setDefault(True)
        cancel = QPushButton("Quit")
        cancel.setObjectName("quitButton")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.button)
        v = QVBoxLayout(self)
        # The dialog grows with what it shows (a message after a wrong password) instead of
        # squeezing the fields below their height.
        v.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        v.setContentsMargins(28, 24, 28, 20)
        v.setSpacing(12)
        v.addWidget(title_label("Sign in"))
        v.addWidget(hint_label(f"Data file: {ctx.paths.data_file}"))
        form.widget.setMinimumWidth(424)
        v.addWidget(form.widget)
        v.addWidget(self.message)
        v.addLayout(row)
        self.button.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        (self.password if username else self.user).setFocus()

    def submit(self) -> None:
        user, password = self.user.text().strip(), self.password.text()
        if not user or not password:
            self._show("Enter your user name and password.")
            return
        self.button.setEnabled(False)
        self.message.setText("Checking…")
        self.message.setProperty("role", "hint")
        self.ctx.worker.call(files.sign_in, self.ctx.paths, user, password, done=self._signed_in,
                             error=lambda exc: self._failed(exc, user, password), owner=self,
                             label="Unlocking the data file")

    def _signed_in(self, session: Any) -> None:
        self.session = session
        self.accept()

    def _failed(self, exc: BaseException, user: str, password: str) -> None:
        self.button.setEnabled(True)
        if isinstance(exc, CorruptDataFile):
            self._offer_backup(exc, user, password)
            return
        self.password.clear()
        self.password.setFocus()
        self._show(prompts.explain(exc))

    def _offer_backup(self, exc: CorruptDataFile, user: str, password: str) -> None:
        """A damaged file is left as it is unless the person chooses to restore the latest backup."""
        paths = self.ctx.paths
        backup = files.latest_backup(paths)
        if backup is None:
            self._show(f"{exc.message} No backup was found in {paths.backups}; the file was left "
                       "as it is. Ask your district IT team for help.")
            return
        taken = datetime.fromtimestamp(backup.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        if not prompts.confirm(
            self, "The data file is damaged",
            f"{exc.message}\n\nThe latest backup is {backup.name}, taken {taken}. Restore it? "
            "Anything recorded after that time on this workstation will be missing. The damaged "
            "file is kept beside it, renamed, so IT can look at it.",
            yes="Restore the backup", no="Leave the file as it is",
        ):
            self._show(f"{exc.message} The file was left as it is.")
            return
        self.button.setEnabled(False)
        self.ctx.worker.call(files.restore, paths, backup, user, password,
                             done=lambda kept: self._restored(kept, taken), owner=self,
                             error=lambda e: self._failed(e, user, password),
                             label="Restoring the backup")

    def _restored(self, kept: Any, taken: str) -> None:
        prompts.info(self, "Backup restored", f"The backup from {taken} is now the data file."
                     + (f" The damaged file was kept as {kept}." if kept else ""))
        self.submit()

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.setProperty("role", "fieldError")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()
        layout = self.layout()
        if layout is not None:
            layout.activate()
        wanted = self.sizeHint().height()  # the wrapped message at this width, fields at full height
        if self.height() < wanted:
            self.resize(self.width(), wanted)
