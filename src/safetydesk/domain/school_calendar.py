"""School days: weekends and the district's non-school days (P16 acknowledgement deadlines).

The district administrator enters each school year's non-school days (holidays,
breaks, staff days) as one record per school year (record type
``school_calendar``, id = the school year label, for example ``"2025-26"``).
Everything here is pure: a `SchoolCalendar` is built from those records and
answers date questions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

from safetydesk.domain.records import Draft
from safetydesk.domain.validation import FieldError, parse_date, school_year_bounds, school_year_of

CALENDAR_RECORD_TYPE = "school_calendar"

# Saturday and Sunday (date.weekday() numbers).
WEEKEND = frozenset({5, 6})

# Never loop for ever on a calendar that someone filled with non-school days.
_MAX_SCAN_DAYS = 3 * 366


@dataclass
class SchoolCalendarDraft(Draft):
    """One school year's non-school days: ``[{"date": "2025-11-11", "note": "Veterans Day"}]``."""

    record_type: ClassVar[str] = CALENDAR_RECORD_TYPE
    school_year: str = ""
    non_school_days: list[dict[str, Any]] = field(default_factory=list)


def validate_calendar(d: SchoolCalendarDraft) -> list[FieldError]:
    errors: list[FieldError] = []
    try:
        start, end = school_year_bounds(d.school_year)
        if d.school_year != school_year_of(start):
            raise ValueError
    except (ValueError, TypeError):
        return [FieldError("school_year", "Name the school year as YYYY-YY, for example 2025-26.")]
    seen: set[date] = set()
    for n, item in enumerate(d.non_school_days, 1):
        text = str(item.get("date", ""))
        day = parse_date(text)
        if day is None:
            errors.append(FieldError("non_school_days",
                                     f"Line {n}: enter the date as YYYY-MM-DD (for example 2025-11-11)."))
            continue
        if not start <= day <= end:
            errors.append(FieldError(
                "non_school_days",
                f"Line {n}: {day.isoformat()} is not in the {d.school_year} school year "
                f"({start.isoformat()} to {end.isoformat()}).",
            ))
        if day in seen:
            errors.append(FieldError("non_school_days", f"Line {n}: {day.isoformat()} is listed twice."))
        seen.add(day)
    return errors


@dataclass(frozen=True)
class SchoolCalendar:
    """Which days are school days: not a weekend and not an entered non-school day."""

    non_school_days: frozenset[date] = frozenset()

    @classmethod
    def from_days(cls, days: Iterable[date | str]) -> SchoolCalendar:
        out: set[date] = set()
        for d in days:
            parsed = d if isinstance(d, date) else parse_date(d)
            if parsed is not None:
                out.add(parsed)
        return cls(frozenset(out))

    def is_school_day(self, day: date) -> bool:
        return day.weekday() not in WEEKEND and day not in self.non_school_days

    def add_school_days(self, start: date, n: int) -> date:
        """The day that is the ``n``-th school day after ``start`` (``start`` itself never counts).

        With no non-school days and ``n = 5``: received on a Friday, due the
        next Friday; received on a Saturday, counting starts on Monday, so due
        that Friday.
        ``n = 0`` gives ``start`` if it is a school day, else the next one.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        if n == 0:
            for _ in range(_MAX_SCAN_DAYS):
                if self.is_school_day(day):
                    return day
                day += timedelta(days=1)
            raise ValueError("no school day within three years")
        counted = 0
        for _ in range(_MAX_SCAN_DAYS * max(1, n)):
            day += timedelta(days=1)
            if self.is_school_day(day):
                counted += 1
                if counted == n:
                    return day
        raise ValueError("no school day within three years")

    def school_days_between(self, start: date, end: date) -> int:
        """School days after ``start`` up to and including ``end`` (0 if ``end <= start``)."""
        count = 0
        day = start + timedelta(days=1)
        while day <= end:
            if self.is_school_day(day):
                count += 1
            day += timedelta(days=1)
        return count
