"""Values as of a date: the roster version in force on a day (reports, P20-P22, the CRDC).

The history holds every version of a student's roster entry, each with the day it was
recorded. A report takes, for an incident, the version in force on the incident's date, and
for enrollment the version in force on the report's cut-off date, so a later roster change
does not rewrite figures already published. A student whose first version was recorded after
the date (the roster was imported later) is taken as first recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

Versions = Sequence[tuple[str, dict[str, Any]]]  # (ISO day recorded, state), oldest first


def version_on(versions: Versions, day: str) -> dict[str, Any] | None:
    """The version in force at the end of ``day`` (ISO date), or the first one recorded."""
    chosen = None
    for recorded, state in versions:
        if recorded[:10] <= day[:10]:
            chosen = state
        else:
            break
    if chosen is None and versions:
        chosen = versions[0][1]
    return chosen


def cut_off(school_year: str, today: date) -> str:
    """A school year's cut-off date: its last day (June 30), or today while it is still running."""
    end = date(int(school_year[:4]) + 1, 6, 30)
    return min(end, today).isoformat()
