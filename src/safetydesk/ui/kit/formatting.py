"""Turning stored values into what people read: dates, labels, counts.

One place writes a date or a time in the window, the US way, as every document does
(``reports.formats``): "Dec 1, 2026", "5:40 PM", "Dec 1, 2026, 5:40 PM", "Tuesday, December 1, 2026".
"""

from __future__ import annotations

import re
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


# Policy 4311's obligations, for the tooltips of the window's plain words (the codes themselves
# are for those who look for them: never in a label).
OBLIGATIONS = {
    "P01": "Staff registry", "P02": "Training before working with students", "P03": "Role information",
    "P04": "Gun safety campaign", "P05": "Gun safes", "P06": "Document every discipline-related interaction",
    "P07": "SROs stay out of school discipline", "P08": "Keep students out of the justice system",
    "P09": "Requests for intervention", "P10": "Climate and threat assessment participation",
    "P11": "Kinds of law enforcement activity", "P12": "Access to an attorney (RCW 13.40.740)",
    "P13": "Parents and guardians", "P14": "No immigration data", "P15": "Immigration authority requests",
    "P16": "Complaint process", "P17": "Annual review and board approval", "P18": "Required contents",
    "P19": "Public comment", "P20": "Disaggregated data for community review",
    "P21": "The yearly OSPI collection", "P22": "Annual board report", "P23": "Access on a need-to-know basis",
    "P24": "Record of disclosures", "P25": "Nothing is erased",
}
_CODES = re.compile(r"\s*\(((?:P\d\d|RCW [\d.A-Z]+)(?:,\s*(?:P\d\d|RCW [\d.A-Z]+))*)\)")


def policy_tip(*codes: str) -> str:
    """``Policy 4311, P07: SROs stay out of school discipline``, one line per code."""
    lines: list[str] = []
    for code in codes:
        line = f"Policy 4311, {code}: {OBLIGATIONS[code]}" if code in OBLIGATIONS else code
        if not any(code in earlier for earlier in lines):
            lines.append(line)
    return "\n".join(lines)


def plain(text: str) -> tuple[str, str]:
    """A label with its policy codes taken out, and the tooltip that keeps them:
    ``"School consequence (P07)"`` -> ``("School consequence", "Policy 4311, P07: SROs stay out…")``."""
    codes: list[str] = []

    def take(m: re.Match) -> str:
        codes.extend(c.strip() for c in m.group(1).split(","))
        return ""

    words = _CODES.sub(take, text).strip()
    return words, policy_tip(*codes)
