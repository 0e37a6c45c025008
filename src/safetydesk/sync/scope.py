"""Which key an entry travels under: its school's, or the district's for district-wide records."""

from __future__ import annotations

import sys
from typing import Any

from safetydesk.sync.keys import DISTRICT, school_scope

# Records every workstation needs, whatever school it serves.
DISTRICT_WIDE = frozenset({
    "device", "account", "user", "school", "school_year", "staff", "training", "agreement",
    "settings", "calendar", "climate_campaign", "roster_mapping", "complaint_config", "letter_template",
})
# Fields that tie a record to a record of a school (a follow-up to its interaction, ...).
PARENT_FIELDS = ("interaction_id", "student_id", "complaint_id", "request_id")


class Scoper:
    """Finds an entry's school from its fields, or from the record (or parent) it belongs to.

    ``memo`` (record id -> school id) is kept in the sync state, so an amendment
    that does not repeat the school still travels under the school's key.
    """

    def __init__(self, memo: dict[str, str]) -> None:
        self.memo = memo

    def __call__(self, entry: dict[str, Any]) -> str:
        school = self.school_of(entry)
        return school_scope(school) if school else DISTRICT

    def school_of(self, entry: dict[str, Any]) -> str | None:
        if entry.get("record_type") in DISTRICT_WIDE:
            return None
        changes = entry.get("changes") or {}
        school = _after(changes.get("school_id"))
        if not school:
            school = self.memo.get(entry.get("record_id", ""))
        if not school:
            for name in PARENT_FIELDS:
                parent = _after(changes.get(name))
                if parent and parent in self.memo:
                    school = self.memo[parent]
                    break
        if school:
            # one string per school, not one per record (a district's memo holds a million)
            self.memo[entry["record_id"]] = school = sys.intern(school)
        return school

    def learn(self, entry: dict[str, Any]) -> None:
        if "withheld" not in entry:
            self.school_of(entry)


def _after(change: Any) -> str | None:
    if isinstance(change, list) and len(change) == 2 and isinstance(change[1], str):
        return change[1]
    if isinstance(change, str):
        return change
    return None
