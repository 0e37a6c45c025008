"""Every pop-up of the window goes through here, so tests can answer them.

Tests replace ``hook`` with a function ``hook(kind, title, text, **options)``
that returns what the person would have answered: ``None`` for ``info`` and
``error``, a bool for ``confirm``, a string (or ``None`` for Cancel) for
``ask_text``. With no hook, real dialogs are shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import SafetyDeskError, ValidationFailed

log = logging.getLogger(__name__)

Hook = Callable[..., Any]
hook: Hook | None = None


def info(parent: QWidget | None, title: str, text: str) -> None:
    if hook is not None:
        hook("info", title, text)
        return
    QMessageBox.information(parent, title, text)


def error(parent: QWidget | None, title: str, text: str) -> None:
    if hook is not None:
        hook("error", title, text)
        return
    QMessageBox.warning(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str, *, yes: str = "OK", no: str = "Cancel") -> bool:
    if hook is not None:
        return bool(hook("confirm", title, text, yes=yes, no=no))
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button)
    box.exec()
    return box.clickedButton() is yes_button


def ask_text(
    parent: QWidget | None, title: str, text: str, *, ok: str = "OK", placeholder: str = "",
    required: bool = True,
) -> str | None:
    """Ask for a sentence (for example the reason for a correction). ``None`` when cancelled."""
    if hook is not None:
        answer = hook("ask_text", title, text, ok=ok, placeholder=placeholder)
        return None if answer is None else str(answer)
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setObjectName("askTextDialog")
    layout = QVBoxLayout(dialog)
    label = QLabel(text)
    label.setWordWrap(True)
    edit = QPlainTextEdit()
    edit.setObjectName("askTextEdit")
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(text)
    edit.setTabChangesFocus(True)
    edit.setMinimumSize(420, 100)
    label.setBuddy(edit)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    ok_button = buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
    ok_button.setDefault(True)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    if required:
        ok_button.setEnabled(False)
        edit.textChanged.connect(lambda: ok_button.setEnabled(bool(edit.toPlainText().strip())))
    layout.addWidget(label)
    layout.addWidget(edit)
    layout.addWidget(buttons)
    edit.setFocus(Qt.FocusReason.OtherFocusReason)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return edit.toPlainText().strip()


def explain(exc: BaseException) -> str:
    """A sentence for the person at the desk; never a traceback."""
    if isinstance(exc, ValidationFailed):
        return exc.message
    if isinstance(exc, SafetyDeskError):
        return exc.message
    if isinstance(exc, OSError):
        return (f"SafetyDesk could not use a file: {exc.strerror or exc}. Check that the disk is "
                "not full and that you may write to the data folder, then try again.")
    return ("Something went wrong that SafetyDesk did not expect, and nothing more was changed. "
            "The details were written to the log file; please tell your district IT team.")


def show_failure(parent: QWidget | None, exc: BaseException, title: str = "SafetyDesk") -> None:
    """Show an expected failure's sentence; log (without record content) anything unexpected."""
    if not isinstance(exc, SafetyDeskError | OSError):
        log.error("Unexpected failure: %s", type(exc).__name__,
                  exc_info=(type(exc), exc, exc.__traceback__))
    error(parent, title, explain(exc))


# ---------------------------------------------------------------------- files
def documents_folder() -> str:
    """The person's Documents folder (platformdirs), where every save dialog opens."""
    import platformdirs

    return platformdirs.user_documents_dir() or ""


def choose_save_file(parent: QWidget | None, title: str, suggested: str, filters: str) -> str | None:
    """Where to save a file. Tests answer ``("save_file", title, suggested)`` through the hook."""
    if hook is not None:
        answer = hook("save_file", title, suggested, filters=filters)
        return None if not answer else str(answer)
    from PySide6.QtWidgets import QFileDialog

    folder = documents_folder()
    path, _ = QFileDialog.getSaveFileName(parent, title, f"{folder}/{suggested}" if folder else suggested,
                                          filters)
    return path or None


def choose_open_file(parent: QWidget | None, title: str, filters: str = "All files (*)",
                     kind: str = "open_file") -> str | None:
    """A file to read. Tests answer ``(kind, title, "")`` through the hook."""
    if hook is not None:
        answer = hook(kind, title, "", filters=filters)
        return None if not answer else str(answer)
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, documents_folder(), filters)
    return path or None


def choose_folder(parent: QWidget | None, title: str) -> str | None:
    """A folder to read. Tests answer ``("choose_folder", title, "")`` through the hook."""
    if hook is not None:
        answer = hook("choose_folder", title, "")
        return None if not answer else str(answer)
    from PySide6.QtWidgets import QFileDialog

    return QFileDialog.getExistingDirectory(parent, title, documents_folder()) or None


def open_file_outside(path: str) -> None:
    """Open a saved file with the computer's usual program (PDF reader, spreadsheet)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(path))
