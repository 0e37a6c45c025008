"""An unexpected error: a window in plain words, and a report for district IT.

``install(paths)`` makes this the exception hook, so an error nobody expected
(a bug) inside a slot of the window shows ``CrashDialog`` instead of a bare
traceback, and the program goes on. The dialog offers to save a report for IT:
the version, the platform, the traceback (code locations and the kind of error,
with any quoted text in messages left out) and the last lines of the log file;
never record content. A copy is also kept in the log folder, so IT can collect it
later even if the person closed the window.
"""

from __future__ import annotations

import logging
import platform
import re
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from safetydesk import __version__
from safetydesk.paths import Paths
from safetydesk.ui.kit import prompts

log = logging.getLogger(__name__)

LOG_LINES = 200
MESSAGE_LIMIT = 300
REPORTS_FOLDER = "error-reports"
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”|‘[^’]*’")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def redact(text: str) -> str:
    """``text`` with every quoted part replaced: a message may quote what someone typed."""
    text = _QUOTED.sub("‹text left out›", text)
    return text if len(text) <= MESSAGE_LIMIT else text[:MESSAGE_LIMIT] + "…"


def describe_error(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> list[str]:
    """The traceback without local values and with messages redacted; newest error first, then causes."""
    out: list[str] = []
    seen: set[int] = set()
    error: BaseException | None = exc
    error_tb, how = tb, ""
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if how:
            out += ["", how]
        out.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(error_tb):
            out.append(f'  File "{_short_path(frame.filename)}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                out.append(f"    {frame.line.strip()}")
        kind = type(error)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        message = redact(str(error))
        out.append(f"{name}: {message}" if message else name)
        if error.__cause__ is not None:
            how, error = "It was caused by:", error.__cause__
        elif error.__context__ is not None and not error.__suppress_context__:
            how, error = "It happened while handling:", error.__context__
        else:
            error = None
        error_tb = error.__traceback__ if error is not None else None
    return out


def _short_path(filename: str) -> str:
    """Code locations from the program's own folders, without the person's home or user name."""
    marker = "safetydesk"
    parts = Path(filename).parts
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in (marker, "site-packages", "_internal", "tests"):
            return "/".join(parts[i:])
    return Path(filename).name


def last_log_lines(log_file: Path, count: int = LOG_LINES) -> list[str]:
    try:
        with open(log_file, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()[-count:]
    except OSError:
        return ["(no log file)"]
    return [redact(line) for line in lines]


def build_report(info: ExcInfo, paths: Paths | None, now: datetime | None = None) -> str:
    """The text of a report for IT. Holds no record content: see the module's description."""
    now = now or datetime.now().astimezone()
    frozen = "bundle" if getattr(sys, "frozen", False) else "Python environment"
    lines = [
        "SafetyDesk error report (for district IT; it holds no student records)",
        "",
        f"Version:   SafetyDesk {__version__} ({frozen})",
        f"Time:      {now.isoformat(timespec='seconds')}",
        f"Platform:  {platform.platform()} ({platform.machine()})",
        f"Python:    {platform.python_version()}",
        f"Qt:        {qVersion()} (PySide6 {pyside_version})",
        "",
        "What went wrong:",
        *describe_error(*info),
        "",
    ]
    if paths is not None:
        log_file = paths.logs / "safetydesk.log"
        lines += [f"Last {LOG_LINES} lines of the log ({log_file.name}):", *last_log_lines(log_file), ""]
    return "\n".join(lines)


class CrashDialog(QDialog):
    """What happened, in plain words, and a button to save the report for IT."""

    def __init__(self, report: str, kept: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.kept = kept
        self.saved_to: Path | None = None
        self.setObjectName("crashDialog")
        self.setWindowTitle("SafetyDesk ran into a problem")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        heading = QLabel("Something went wrong that SafetyDesk did not expect.")
        heading.setObjectName("crashHeading")
        heading.setProperty("role", "pageTitle")
        heading.setWordWrap(True)
        self.text = QLabel(
            "What you had already saved is safe. The last thing you did may not have finished: "
            "please check it and try again. If it happens again, save a report and send it to "
            "your district IT team. The report says where in SafetyDesk the problem happened; "
            "it holds no student records.")
        self.text.setObjectName("crashText")
        self.text.setWordWrap(True)
        self.status = QLabel("")
        self.status.setObjectName("crashStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox()
        self.save_button = QPushButton("Save a report for IT…")
        self.save_button.setObjectName("crashSaveReport")
        self.save_button.setAccessibleDescription("Save a text file describing the problem for IT.")
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("crashClose")
        self.close_button.setDefault(True)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        words = QVBoxLayout()
        words.addWidget(heading)
        words.addWidget(self.text)
        words.addWidget(self.status)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def save(self) -> Path | None:
        stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
        chosen = prompts.choose_save_file(self, "Save the report for IT", f"safetydesk-error-{stamp}.txt",
                                          "Text files (*.txt)")
        if not chosen:
            return None
        target = Path(chosen)
        try:
            target.write_text(self.report, encoding="utf-8")
        except OSError as exc:
            self.status.setText(f"The report could not be saved there ({exc.strerror or exc}). "
                                "Choose another folder.")
            return None
        self.saved_to = target
        self.status.setText(f"Saved to {target}. Send this file to your district IT team.")
        return target


class CrashHandler:
    """The exception hook: log the error, keep a report, show the dialog (one at a time)."""

    def __init__(self, paths: Paths | None, parent: Callable[[], QWidget | None] | None = None) -> None:
        self.paths = paths
        self.parent = parent
        self.dialog: CrashDialog | None = None
        self.count = 0

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.count += 1
        # The log gets the same redacted traceback as the report: no typed text in log files.
        log.error("Unexpected error:\n%s", "\n".join(describe_error(exc_type, exc, tb)))
        try:
            report = build_report((exc_type, exc, tb), self.paths)
            kept = self._keep(report)
            if self.dialog is not None and self.dialog.isVisible():
                return  # one window is enough; the log has every occurrence
            parent = self.parent() if self.parent else None
            self.dialog = CrashDialog(report, kept, parent)
            self.dialog.finished.connect(self._closed)
            self.dialog.show()
            self.dialog.raise_()
        except Exception:  # the handler itself must never take the program down
            log.exception("The error window could not be shown")

    def _closed(self) -> None:
        self.dialog = None

    def _keep(self, report: str) -> Path | None:
        if self.paths is None:
            return None
        try:
            folder = self.paths.logs / REPORTS_FOLDER
            folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            target = folder / f"error-{stamp}.txt"
            target.write_text(report, encoding="utf-8")
            reports = sorted(folder.glob("error-*.txt"))
            for old in reports[:-20]:  # keep the latest twenty
                old.unlink(missing_ok=True)
            return target
        except OSError:
            return None


def install(paths: Paths | None, parent: Callable[[], QWidget | None] | None = None) -> CrashHandler:
    """Make the crash window the exception hook for everything that runs in the window's slots."""
    handler = CrashHandler(paths, parent)
    sys.excepthook = handler
    return handler
