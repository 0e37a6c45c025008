"""Turning stored values into what people read: dates, labels, counts."""

from __future__ import annotations

from datetime import datetime

from safetydesk.domain.validation import parse_local_datetime


def when(occurred_at: str) -> str:
    """'2025-10-03T10:15' -> 'Fri 3 Oct 2025, 10:15'."""
    dt = parse_local_datetime(occurred_at or "")
    if dt is None:
        return occurred_at or ""
    return f"{dt:%a} {dt.day} {dt:%b %Y}, {dt:%H:%M}"


def short_when(occurred_at: str) -> str:
    dt = parse_local_datetime(occurred_at or "")
    if dt is None:
        return occurred_at or ""
    return f"{dt:%Y-%m-%d %H:%M}"


def wall_time(text: str) -> str:
    """A history entry's UTC wall time, shown in this computer's local time."""
    try:
        dt = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text or ""
    return f"{dt.astimezone():%Y-%m-%d %H:%M}"


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
