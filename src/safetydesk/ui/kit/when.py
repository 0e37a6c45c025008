"""One date-and-time field for every form: typed as people type it.

``parse_when("12/1 5:40 pm", now)`` understands what an office types: "now", "today 9am",
"yesterday 3:15 pm", "12/1 5:40 pm", "12/1/2026 17:40", "2026-12-01 17:40" (and the ISO "T"
form). An empty text is an empty value, shown as empty (never a special "Not recorded" text to
type into). What cannot be read raises ``WhenNotUnderstood`` with a sentence saying what to type.
``WhenField`` is the control: the text, a "Now" button, and the reason beside it when the value
is not understood, in the future, or before the moment it must follow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

EXAMPLE = "for example 12/1 5:40 pm, 2026-12-01 17:40, now or today 9am"
FUTURE_SLACK = timedelta(minutes=5)  # clocks differ a little between machines


class WhenNotUnderstood(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m?\.?$|^(\d{1,2}):(\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_T = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})T(?=\d)", re.IGNORECASE)
_US = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")


def _time(text: str) -> time:
    m = _TIME.match(text.strip().lower())
    if not m:
        raise WhenNotUnderstood(f"“{text}” is not a time SafetyDesk can read ({EXAMPLE}).")
    if m.group(4) is not None:
        hour, minute = int(m.group(4)), int(m.group(5))
    else:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12:
            raise WhenNotUnderstood(f"“{text}”: with am or pm the hour is 1 to 12.")
        hour = hour % 12 + (12 if m.group(3) == "p" else 0)
    if hour > 23 or minute > 59:
        raise WhenNotUnderstood(f"“{text}” is not a time of day.")
    return time(hour, minute)


def _date(text: str, today: date) -> date:
    t = text.strip().lower()
    if t == "today":
        return today
    if t == "yesterday":
        return today - timedelta(days=1)
    try:
        if m := _ISO.match(t):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _US.match(t):
            month, day = int(m.group(1)), int(m.group(2))
            if m.group(3):
                year = int(m.group(3))
                return date(year + 2000 if year < 100 else year, month, day)
            found = date(today.year, month, day)
            # "12/30" typed in early January is last December, not this one.
            return found if found <= today + timedelta(days=31) else date(today.year - 1, month, day)
    except ValueError:
        raise WhenNotUnderstood(f"“{text}” is not a date in the calendar.") from None
    raise WhenNotUnderstood(f"“{text}” is not a date SafetyDesk can read ({EXAMPLE}).")


def parse_when(text: str, now: datetime) -> datetime | None:
    """The moment typed (minutes), or None for an empty text."""
    t = " ".join(_ISO_T.sub(r"\1 ", text.strip()).lower().split())
    if not t:
        return None
    if t in ("now", "right now"):
        return now.replace(second=0, microsecond=0)
    t = re.sub(r"\s+at\s+|\s*,\s*", " ", t).strip()
    t = re.sub(r"(\d)\s+([ap]\.?m?\.?)$", r"\1\2", t)  # "5:40 pm" -> "5:40pm"
    parts = t.split(" ")
    if len(parts) == 1:
        if parts[0] in ("today", "yesterday") or _ISO.match(parts[0]) or _US.match(parts[0]):
            raise WhenNotUnderstood(f"Add the time to “{text.strip()}” ({EXAMPLE}).")
        return datetime.combine(now.date(), _time(parts[0]))  # a time alone is today
    if len(parts) != 2:
        raise WhenNotUnderstood(f"“{text.strip()}” is not a date and time SafetyDesk can read ({EXAMPLE}).")
    return datetime.combine(_date(parts[0], now.date()), _time(parts[1]))


def shown(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""


def stored(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%dT%H:%M") if value is not None else ""


def from_stored(value: str) -> datetime | None:
    try:
        return datetime.strptime((value or "")[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


class WhenLine(QLineEdit):
    """The typed text; Ctrl+T or Ctrl+N fills in now."""

    now_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.key() in (
                Qt.Key.Key_T, Qt.Key.Key_N):
            self.now_pressed.emit()
            return
        super().keyPressEvent(event)


class WhenField(QWidget):
    """A date and time typed as people type it, with a Now button and its reason beside it.

    ``value()`` is the stored text ("2026-12-01T17:40", or "" when empty or not understood);
    ``problem()`` is the sentence to show (not understood, in the future, before ``after``)."""

    changed = Signal()

    def __init__(self, name: str = "", *, optional: bool = True, now: Callable[[], datetime] = datetime.now,
                 what: str = "This time", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.optional = optional
        self.now = now
        self.what = what
        self.after: Callable[[], tuple[datetime | None, str]] | None = None
        self.line = WhenLine()
        self.line.setObjectName(f"{name}Text" if name else "whenText")
        self.line.setPlaceholderText("Not recorded: type e.g. 12/1 5:40 pm, or press Now")
        self.line.setToolTip(f"Type the date and time ({EXAMPLE}). Ctrl+T fills in now.")
        self.line.setClearButtonEnabled(True)
        self.now_button = QPushButton("Now")
        self.now_button.setObjectName(f"{name}Now" if name else "whenNow")
        self.now_button.setAccessibleName("Fill in the present date and time")
        self.now_button.setAutoDefault(False)
        self.now_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Tab goes field to field
        self.reading = QLabel()
        self.reading.setObjectName(f"{name}Reading" if name else "whenReading")
        self.reading.setProperty("role", "hint")
        self.reading.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.line, 1)
        row.addWidget(self.now_button)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(2)
        v.addLayout(row)
        v.addWidget(self.reading)
        self.setFocusProxy(self.line)
        self.line.textChanged.connect(self._typed)
        self.line.editingFinished.connect(self._tidy)
        self.now_button.clicked.connect(self.set_now)
        self.line.now_pressed.connect(self.set_now)
        self._typed()

    def setAccessibleName(self, name: str) -> None:
        """The typed text carries the field's name (screen readers read the control in focus)."""
        super().setAccessibleName(name)
        self.line.setAccessibleName(name)
        self.now_button.setAccessibleName(f"Fill in the present date and time ({name})")

    def setAccessibleDescription(self, text: str) -> None:
        super().setAccessibleDescription(text)
        self.line.setAccessibleDescription(text)

    # value -------------------------------------------------------------
    def moment(self) -> datetime | None:
        try:
            return parse_when(self.line.text(), self.now())
        except WhenNotUnderstood:
            return None

    def value(self) -> str:
        return stored(self.moment())

    def set_value(self, value: str) -> None:
        self.line.setText(shown(from_stored(value)))

    def set_now(self) -> None:
        self.line.setText(shown(self.now().replace(second=0, microsecond=0)))
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_empty(self) -> bool:
        return not self.line.text().strip()

    # checks --------------------------------------------------------------
    def problem(self) -> str:
        text = self.line.text().strip()
        if not text:
            return "" if self.optional else f"{self.what} is needed ({EXAMPLE})."
        try:
            when = parse_when(text, self.now())
        except WhenNotUnderstood as exc:
            return exc.message
        assert when is not None
        if when > self.now() + FUTURE_SLACK:
            return f"{self.what} ({shown(when)}) is in the future; record what has happened."
        if self.after is not None:
            earlier, reason = self.after()
            if earlier is not None and when < earlier:
                minutes = int((earlier - when).total_seconds() // 60)
                return f"{self.what} ({shown(when)}) is {minutes} minutes before {reason}."
        return ""

    def _typed(self) -> None:
        problem = self.problem()
        when = self.moment()
        if problem:
            self.reading.setText(problem)
            self.reading.setProperty("role", "fieldError")
        elif when is not None and self.line.text().strip() != shown(when):
            self.reading.setText(f"Read as {when.strftime('%A %d %B %Y, %H:%M').replace(' 0', ' ')}.")
            self.reading.setProperty("role", "hint")
        else:
            self.reading.setText("")
        self.reading.setVisible(bool(self.reading.text()))
        self.reading.style().unpolish(self.reading)
        self.reading.style().polish(self.reading)
        self.changed.emit()

    def _tidy(self) -> None:
        """Leaving the field writes what was understood in the one display form."""
        when = self.moment()
        if when is not None and self.line.text().strip() != shown(when):
            self.line.setText(shown(when))

    def recheck(self) -> None:
        self._typed()
