"""Filters for listing records: plain data the UI builds and the store turns into SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InteractionFilter:
    text: str = ""  # words in the narrative or location, or a student's name or id
    school_id: str = ""
    type: str = ""
    school_year: str = ""
    date_from: str = ""  # ISO date, inclusive
    date_to: str = ""  # ISO date, inclusive
    discipline_only: bool = False
    outcome: str = ""  # "", "discipline", "use_of_force", "arrest"
    student_id: str = ""
    staff_id: str = ""
    include_retracted: bool = False
    include_duplicates: bool = False  # records marked as a duplicate of another
    # Set by the services from the user's role, never by the UI: None means every school.
    scope: frozenset[str] | None = None


OUTCOMES = ("resulted_in_discipline", "use_of_force", "arrest")

# The interaction list's sortable columns -> the listed row's field the query sorts by.
INTERACTION_SORT_FIELDS = {
    "when": "occurred_at", "school": "school_name", "type": "type", "students": "students_label",
    "staff": "staff_label", "location": "location", "discipline": "discipline_related",
}


def interaction_sort_key(row: dict, sort: str) -> tuple:
    """A listed row's keyset key for a sort column: (value as the query compares it, id)."""
    value = row.get(INTERACTION_SORT_FIELDS[sort])
    if value is None:
        value = 0 if sort == "discipline" else ""
    return (value, row["id"])


# The other paged lists' sortable columns -> (the listed row's field the query sorts by, the value
# the query reads for an empty one). The first is the list's default order, newest first. Only
# columns whose shown text sorts like the stored value (dates, names, numbers), not coded labels.
LIST_SORT_FIELDS: dict[str, dict[str, tuple[str, Any]]] = {
    "climate": {"date": ("activity_date", ""), "school": ("school_name", "")},
    "interventions": {"when": ("requested_at", ""), "school": ("school_name", "")},
    "outside_requests": {"received": ("received_on", ""), "where": ("school_name", ""),
                         "agency": ("agency", ""), "routed": ("routed_to", "")},
    "complaints": {"received": ("received_date", ""), "confirmation": ("confirmation", ""),
                   "school": ("school_name", ""), "allegations": ("allegation_count", 0)},
}


def list_sort_key(list_name: str, row: dict, sort: str) -> tuple:
    """A listed row's keyset key in one of those lists: (value as the query compares it, id)."""
    field, empty = LIST_SORT_FIELDS[list_name][sort]
    value = row.get(field)
    return (empty if value is None else value, row["id"])


def fts_query(text: str) -> str:
    """Turn what a person typed into a safe FTS5 query: every word, as a prefix."""
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join(f'"{w}"*' for w in words[:12])
