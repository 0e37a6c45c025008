"""Turning stored values into what people read: dates, labels, counts.

One place writes a date or a time in the window, the US way, as every document does
(``reports.formats``): "Dec 1, 2026", "5:40 PM", "Dec 1, 2026, 5:40 PM", "Tuesday, December 1, 2026".
"""

from __future__ import annotations

from datetime import date, datetime

from safetydesk.domain.validation import parse_local_datetime
from safetydesk.reports.formats import us_date, us_datetime, us_time

__all__ = ["us_date", "us_datetime", "us_time"]


def when(occurred_at: str) -> str:
    """'2025-10-03T10:15' -> 'Fri, Oct 3, 2025, 10:15 AM'."""
    dt = parse_local_datetime(occurred_at or "")
    if dt is None:
        return occurred_at or ""
    return f"{dt:%a}, {us_datetime(dt)}"


def short_when(occurred_at: str) -> str:
    """'2025-10-03T10:15' -> 'Oct 3, 2025, 10:15 AM' (lists, titles)."""
    dt = parse_local_datetime(occurred_at or "")
    if dt is None:
        return occurred_at or ""
    return us_datetime(dt)


def day(value: str | date | None) -> str:
    """'2025-10-03' (or a date) -> 'Oct 3, 2025'; anything else as it is."""
    if isinstance(value, datetime):
        return us_date(value.date())
    if isinstance(value, date):
        return us_date(value)
    try:
        return us_date(date.fromisoformat((value or "")[:10]))
    except ValueError:
        return value or ""


def long_day(d: date) -> str:
    """'Tuesday, December 1, 2026'."""
    return f"{d:%A}, {d:%B} {d.day}, {d.year}"


def wall_time(text: str) -> str:
    """A history entry's UTC wall time, shown in this computer's local time."""
    try:
        dt = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text or ""
    return us_datetime(dt.astimezone())


def count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def yes_no(value: object) -> str:
    return "Yes" if value else "No"


def outcomes(row: dict) -> list[str]:
    out = []
    if row.get("resulted_in_discipline"):
        out.append("Discipline")
    if row.get("use_of_force"):
        out.append("Use of force")
    if row.get("arrest"):
        out.append("Arrest")
    return out
