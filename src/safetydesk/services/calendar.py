"""The district's school calendar: non-school days per school year (for school-day deadlines, P16)."""

from __future__ import annotations

from datetime import date
from typing import Any

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RULES_VERSION, diff_states
from safetydesk.domain.school_calendar import (
    CALENDAR_RECORD_TYPE,
    SchoolCalendar,
    SchoolCalendarDraft,
    validate_calendar,
)
from safetydesk.domain.validation import FieldError, parse_date
from safetydesk.domain.vocab import Action
from safetydesk.services.context import Session, service
from safetydesk.store import Change, Entry, Store, queries_district
from safetydesk.store.history import list_additions


def school_calendar(store: Store) -> SchoolCalendar:
    """Every entered non-school day of every year (a few hundred dates at most)."""
    return SchoolCalendar.from_days(queries_district.all_non_school_days(store))


@service(Permission.VIEW_RECORDS)
def non_school_days(session: Session, school_year: str) -> list[dict[str, Any]]:
    """The non-school days entered for a school year: ``[{"day", "school_year", "note"}]``."""
    return queries_district.non_school_days(session.store, school_year)


@service(Permission.VIEW_RECORDS)
def calendar_draft(session: Session, school_year: str) -> tuple[SchoolCalendarDraft, int | None]:
    """The year's calendar as an editable draft, and its version (None: nothing entered yet)."""
    state = session.store.state(CALENDAR_RECORD_TYPE, school_year)
    info = session.store.record_info(CALENDAR_RECORD_TYPE, school_year)
    if state is None:
        return SchoolCalendarDraft(school_year=school_year), None
    return SchoolCalendarDraft.from_state(state), (info or {}).get("version")


@service(Permission.MANAGE_REGISTRY)
def save_calendar(session: Session, draft: SchoolCalendarDraft, reason: str = "",
                  expected_version: int | None = None) -> list[str]:
    """Enter or correct a school year's non-school days. Corrections need a reason.

    One record per school year (its id is the year's label), so the history of
    a year's calendar reads as one list of changes.
    """
    errors = validate_calendar(draft)
    days = sorted(({"date": parse_date(d["date"]).isoformat(),  # type: ignore[union-attr]
                    "note": str(d.get("note") or "").strip()} for d in draft.non_school_days
                   if parse_date(str(d.get("date", "")))), key=lambda d: d["date"])
    before = session.store.state(CALENDAR_RECORD_TYPE, draft.school_year)
    if before is not None and not reason.strip():
        errors.append(FieldError("reason", "Say why the calendar is being changed."))
    info = session.store.record_info(CALENDAR_RECORD_TYPE, draft.school_year)
    if expected_version is not None and info and info["version"] != expected_version:
        errors.append(FieldError("non_school_days", f"Someone else changed this calendar after you "
                                                    f"opened it (by {info['updated_by']}); reopen it."))
    if errors:
        raise ValidationFailed(errors, "The calendar was not saved.")
    new = {"school_year": draft.school_year, "non_school_days": days, "rules_version": RULES_VERSION,
           "retracted": False}
    # Days only added are a list addition (two offices adding days offline both keep theirs);
    # a correction that removes or changes a day is written whole.
    changes = list_additions(diff_states(before, (before or {}) | new), ("non_school_days",))
    if not changes or set(changes) == {"rules_version"}:
        return []
    action = Action.CREATE if before is None else Action.AMEND
    session.store.append(session.author, [
        Change(CALENDAR_RECORD_TYPE, draft.school_year, action, changes, reason.strip())])
    return sorted(changes)


@service(Permission.VIEW_RECORDS)
def calendar_history(session: Session, school_year: str) -> list[Entry]:
    return session.store.history(CALENDAR_RECORD_TYPE, school_year)


@service(Permission.VIEW_RECORDS)
def add_school_days(session: Session, start: date, n: int) -> date:
    """The ``n``-th school day after ``start`` (for forms that preview a deadline)."""
    return school_calendar(session.store).add_school_days(start, n)
