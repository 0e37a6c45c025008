"""One date-and-time field for every form: typed as people type it.

``parse_when("12/1 5:40 pm", now)`` understands what an office types: "now", "today 9am",
"yesterday 3:15 pm", "12/1 5:40 pm", "12/1/2026 17:40", "2026-12-01 17:40" (and the ISO "T"
form). An empty text is an empty value, shown as empty (never a special "Not recorded" text to
type into). What cannot be read raises ``WhenNotUnderstood`` with a sentence saying what to type.
``WhenField`` is the control: the text, a "Now" button, and the reason beside it when the value
is not understood, in the future, or before the moment it must follow. With ``dates_only`` it
is the same control for a day ("12/1", "12/1/2026", "2026-12-01", "today"; a "Today" button).
What the field shows once understood is the US form ("12/1/2026 5:40 PM"), which reads back
as the same moment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

EXAMPLE = "for example 12/1 5:40 pm, 2026-12-01 17:40, now or today 9am"
DAY_EXAMPLE = "for example 12/1, 12/1/2026, 2026-12-01, today or yesterday"
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


def parse_day(text: str, today: date) -> date | None:
    """The day typed, or None for an empty text."""
    t = " ".join(text.strip().lower().split())
    if not t:
        return None
    try:
        return _date(t, today)
    except WhenNotUnderstood as exc:
        raise WhenNotUnderstood(exc.message.replace(EXAMPLE, DAY_EXAMPLE)) from None


def _clock(value: datetime) -> str:
    return f"{value.hour % 12 or 12}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def shown(value: datetime | None) -> str:
    """The one display form of a moment in the field: ``12/1/2026 5:40 PM``."""
    return f"{shown_day(value.date())} {_clock(value)}" if value is not None else ""


def shown_day(value: date | None) -> str:
    return f"{value.month}/{value.day}/{value.year}" if value is not None else ""


def long_reading(value: datetime, with_time: bool = True) -> str:
    """``Tuesday, December 1, 2026, 5:40 PM``: how the field says what it understood."""
    day = f"{value:%A}, {value:%B} {value.day}, {value.year}"
    return f"{day}, {_clock(value)}" if with_time else day


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
                 what: str = "This time", dates_only: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if name:
            self.setObjectName(name)
        self.optional = optional
        self.now = now
        self.what = what
        self.dates_only = dates_only
        self.after: Callable[[], tuple[datetime | None, str]] | None = None
        self.line = WhenLine()
        self.line.setObjectName(f"{name}Text" if name else "whenText")
        if dates_only:
            self.line.setPlaceholderText("Not recorded: type e.g. 12/1 or 12/1/2026, or press Today")
            self.line.setToolTip(f"Type the date ({DAY_EXAMPLE}). Ctrl+T fills in today.")
        else:
            self.line.setPlaceholderText("Not recorded: type e.g. 12/1 5:40 pm, or press Now")
            self.line.setToolTip(f"Type the date and time ({EXAMPLE}). Ctrl+T fills in now.")
        self.line.setClearButtonEnabled(True)
        self.now_button = QPushButton("Today" if dates_only else "Now")
        self.now_button.setObjectName(f"{name}Now" if name else "whenNow")
        self.now_button.setAccessibleName("Fill in today's date" if dates_only
                                          else "Fill in the present date and time")
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
        what = "today's date" if self.dates_only else "the present date and time"
        self.now_button.setAccessibleName(f"Fill in {what} ({name})")

    def setAccessibleDescription(self, text: str) -> None:
        super().setAccessibleDescription(text)
        self.line.setAccessibleDescription(text)

    # value -------------------------------------------------------------
    def _parse(self, text: str) -> datetime | None:
        if self.dates_only:
            day = parse_day(text, self.now().date())
            return None if day is None else datetime.combine(day, time())
        return parse_when(text, self.now())

    def _shown(self, value: datetime | None) -> str:
        if self.dates_only:
            return shown_day(value.date()) if value is not None else ""
        return shown(value)

    def moment(self) -> datetime | None:
        try:
            return self._parse(self.line.text())
        except WhenNotUnderstood:
            return None

    def value(self) -> str:
        """The stored text: ``2026-12-01T17:40``, or ``2026-12-01`` for a day."""
        moment = self.moment()
        if self.dates_only:
            return moment.date().isoformat() if moment is not None else ""
        return stored(moment)

    def set_value(self, value: str) -> None:
        if self.dates_only:
            try:
                day: date | None = date.fromisoformat((value or "")[:10])
            except ValueError:
                day = None
            self.line.setText(shown_day(day) if day is not None else (value or ""))
            return
        self.line.setText(shown(from_stored(value)))

    def set_now(self) -> None:
        self.line.setText(self._shown(self.now().replace(second=0, microsecond=0)))
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_empty(self) -> bool:
        return not self.line.text().strip()

    # checks --------------------------------------------------------------
    def problem(self) -> str:
        text = self.line.text().strip()
        if not text:
            example = DAY_EXAMPLE if self.dates_only else EXAMPLE
            return "" if self.optional else f"{self.what} is needed ({example})."
        try:
            when = self._parse(text)
        except WhenNotUnderstood as exc:
            return exc.message
        assert when is not None
        if self.dates_only:
            if when.date() > self.now().date():
                return f"{self.what} ({shown_day(when.date())}) is in the future; record what has happened."
            if self.after is not None:
                earlier, reason = self.after()
                if earlier is not None and when.date() < earlier.date():
                    days = (earlier.date() - when.date()).days
                    return (f"{self.what} ({shown_day(when.date())}) is {days} day{'s' if days > 1 else ''} "
                            f"before {reason}.")
            return ""
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
        elif when is not None and self.line.text().strip() != self._shown(when):
            self.reading.setText(f"Read as {long_reading(when, not self.dates_only)}.")
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
        if when is not None and self.line.text().strip() != self._shown(when):
            self.line.setText(self._shown(when))

    def recheck(self) -> None:
        self._typed()


def day_field(name: str, what: str, *, optional: bool = True) -> WhenField:
    """The same field for a day (a complaint's received and incident dates): "12/1", "today"."""
    field = WhenField(name, optional=optional, what=what, dates_only=True)
    field.setMaximumWidth(420)
    return field
