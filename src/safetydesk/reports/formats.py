"""US conventions for every document: one place that writes a date or a time.

Dates read "Nov 30, 2026", times "12:33 PM", both together "Nov 30, 2026, 12:33 PM".
Letters in a family's language write the date that language's way (babel, from
CLDR data shipped with the package; nothing is downloaded).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

NBSP = "\u00a0"

# ISO dates and date-times as the records hold them ("2025-10-06", "2025-10-06 14:05",
# "2025-10-06T14:05:09"); a school year such as "2025-26" is not one.
ISO = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?"
                 r"(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w-])")


def us_date(d: date) -> str:
    """``Nov 30, 2026``."""
    return f"{d.strftime('%b')} {d.day}, {d.year}"


def us_time(t: time) -> str:
    """``12:33 PM``."""
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def us_datetime(d: datetime) -> str:
    """``Nov 30, 2026, 12:33 PM``."""
    return f"{us_date(d)}, {us_time(d.time())}"


def date_in(d: date, language: str) -> str:
    """A date for a letter in ``language`` (a babel locale such as "es"); US style for English."""
    if not language or language == "en":
        return us_date(d)
    # babel (and its locale data) is imported here, for a letter in another language, not by every
    # window that shows a date (start-up, issue 14)
    from babel.dates import format_date

    try:
        return format_date(d, "medium", locale=language)
    except (ValueError, LookupError):  # a language babel does not know: the US form
        return us_date(d)


def _replace(m: re.Match) -> str:
    try:
        d = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return m[0]
    if m[4] is None:
        return us_date(d)
    try:
        return f"{us_date(d)}, {us_time(time(int(m[4]), int(m[5])))}"
    except ValueError:
        return m[0]


def us_dates_in(text: str, keep_together: bool = False) -> str:
    """``text`` with every ISO date and date-time written the US way; with ``keep_together`` the
    spaces inside each date are no-break spaces, so a paragraph never wraps a date."""
    if not text or "-" not in text:
        return text
    if keep_together:
        return ISO.sub(lambda m: _replace(m).replace(" ", NBSP), text)
    return ISO.sub(_replace, text)
