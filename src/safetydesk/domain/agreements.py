"""Agreements with law enforcement agencies (P17 annual review, P18 contents, P19 public comment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

from safetydesk.domain.records import Draft
from safetydesk.domain.settings import DistrictSettings
from safetydesk.domain.validation import EARLIEST, FieldError, parse_date

AGREEMENT_RECORD_TYPE = "agreement"


@dataclass(frozen=True)
class ContentItem:
    key: str
    part: str  # "A", "B", "C", "D"
    text: str


# P18: what the agreement must contain. Each item is confirmed with a note or a document.
REQUIRED_CONTENTS: tuple[ContentItem, ...] = (
    ContentItem("A1", "A", "No SRO involvement in school discipline that is the administrators' "
                           "responsibility"),
    ContentItem("A2", "A", "Staff know when to interact informally with students and when to enforce "
                           "the law"),
    ContentItem("A3", "A", "All discipline-related interactions with students are documented"),
    ContentItem("A4", "A", "When teachers and administrators may ask safety and security staff to "
                           "intervene"),
    ContentItem("A5", "A", "Engagement in a positive school climate"),
    ContentItem("A6", "A", "The family complaint process, with investigation and response"),
    ContentItem("B", "B", "A jointly determined placement and performance evaluation process involving "
                          "a representative sample of students, families and staff, including community "
                          "review of the disaggregated data"),
    ContentItem("C", "C", "Confirmation of the ESD training series documentation for each staff member"),
    ContentItem("D", "D", "A holistic approach to collaboration: threat assessment support, "
                          "consultation on multi-tiered systems of support, crisis response"),
)
CONTENT_KEYS = tuple(i.key for i in REQUIRED_CONTENTS)
CONTENT_BY_KEY = {i.key: i for i in REQUIRED_CONTENTS}


@dataclass
class AgreementDraft(Draft):
    """An agreement with a law enforcement agency that supplies safety and security staff."""

    record_type: ClassVar[str] = AGREEMENT_RECORD_TYPE
    agency: str = ""
    title: str = ""
    school_ids: list[str] = field(default_factory=list)  # schools it covers (empty: not stated)
    effective_start: str = ""
    effective_end: str = ""
    review_date: str = ""  # the last annual review
    comment_start: str = ""
    comment_end: str = ""
    board_approval_date: str = ""
    board_resolution: str = ""
    sent_to_ospi_date: str = ""
    documents: list[str] = field(default_factory=list)  # attachment ids
    # {"A1": {"note": ..., "document_id": ..., "by": ..., "on": ...}, ...}
    contents: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str = ""


def _day(errors: list[FieldError], name: str, text: str, what: str) -> date | None:
    if not str(text or "").strip():
        return None
    d = parse_date(text)
    if d is None:
        errors.append(FieldError(name, f"Enter {what} as YYYY-MM-DD."))
    elif d < EARLIEST.date():
        errors.append(FieldError(name, f"{what.capitalize()} is before 2000; check the year."))
        return None
    return d


def validate_agreement(d: AgreementDraft, schools: dict[str, str] | None = None) -> list[FieldError]:
    """What must hold for any saved agreement (adoption has its own, stricter, conditions)."""
    errors: list[FieldError] = []
    if not d.agency.strip():
        errors.append(FieldError("agency", "Name the law enforcement agency."))
    start = _day(errors, "effective_start", d.effective_start, "the date the agreement takes effect")
    end = _day(errors, "effective_end", d.effective_end, "the date the agreement ends")
    if not d.effective_start.strip():
        errors.append(FieldError("effective_start", "Enter the date the agreement takes effect."))
    if start and end and end <= start:
        errors.append(FieldError("effective_end", "The agreement ends before it takes effect."))
    _day(errors, "review_date", d.review_date, "the review date")
    cs = _day(errors, "comment_start", d.comment_start, "the first day of public comment")
    ce = _day(errors, "comment_end", d.comment_end, "the last day of public comment")
    if cs and ce and ce < cs:
        errors.append(FieldError("comment_end", "The public comment period ends before it starts."))
    if bool(d.comment_start.strip()) != bool(d.comment_end.strip()):
        errors.append(FieldError("comment_end", "Enter both the first and the last day of public comment."))
    _day(errors, "board_approval_date", d.board_approval_date, "the board approval date")
    _day(errors, "sent_to_ospi_date", d.sent_to_ospi_date, "the date sent to OSPI")
    for sid in d.school_ids:
        if schools is not None and sid not in schools:
            errors.append(FieldError("school_ids", "A school on this agreement is not in the list."))
    for key in d.contents:
        if key not in CONTENT_BY_KEY:
            errors.append(FieldError("contents", f"“{key}” is not one of the required contents."))
    return errors


def item_confirmed(entry: dict[str, Any] | None) -> bool:
    """P18: an item counts as confirmed when a note or a document shows where the agreement says it."""
    if not entry:
        return False
    return bool(str(entry.get("note") or "").strip() or entry.get("document_id"))


def comment_period_days(start: date, end: date) -> int:
    """Calendar days in the comment period, first and last day included (1-10 March is 10 days)."""
    return (end - start).days + 1


def adoption_problems(state: dict[str, Any], settings: DistrictSettings) -> list[FieldError]:
    """Every reason the agreement cannot be marked adopted (empty: it can). P17, P18, P19."""
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    if state.get("retracted"):
        return [FieldError("status", "This agreement was retracted.")]
    if state.get("adopted"):
        return [FieldError("status", "This agreement is already marked adopted.")]
    contents = state.get("contents") or {}
    for item in REQUIRED_CONTENTS:
        if not item_confirmed(contents.get(item.key)):
            add(f"contents.{item.key}", f"Required content {item.key} is not confirmed with a note or a "
                                        f"document: {item.text}.")
    cs, ce = parse_date(state.get("comment_start", "")), parse_date(state.get("comment_end", ""))
    minimum = settings.public_comment_min_days
    if cs is None or ce is None:
        add("comment_start", f"Record the public comment period (first and last day); it must last at "
                             f"least {minimum} days.")
    elif comment_period_days(cs, ce) < minimum:
        add("comment_end", f"The public comment period lasted {comment_period_days(cs, ce)} days "
                           f"({cs.isoformat()} to {ce.isoformat()}); it must last at least {minimum} days.")
    board = parse_date(state.get("board_approval_date", ""))
    if board is None:
        add("board_approval_date", "Record the date the board approved the agreement.")
    elif ce is not None and board <= ce:
        add("board_approval_date", f"The board approval ({board.isoformat()}) must be dated after the "
                                   f"public comment period closed ({ce.isoformat()}).")
    if not str(state.get("board_resolution") or "").strip():
        add("board_resolution", "Record the board's resolution number.")
    return errors


def add_years(d: date, years: int = 1) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February in a year that has none
        return d.replace(year=d.year + years, day=28)


def review_anchor(state: dict[str, Any]) -> date | None:
    """The date the yearly cycle counts from: the last review, else board approval, else effect."""
    for name in ("review_date", "board_approval_date", "effective_start"):
        d = parse_date(state.get(name, "") or "")
        if d:
            return d
    return None


def next_review_due(state: dict[str, Any]) -> date | None:
    anchor = review_anchor(state)
    return add_years(anchor) if anchor else None


@dataclass(frozen=True)
class Reminder:
    due: date
    state: str  # "overdue", "due_soon"
    days_left: int
    threshold: int | None  # the reminder (60, 30) reached, or None when overdue
    title: str


def review_reminder(state: dict[str, Any], settings: DistrictSettings, today: date) -> Reminder | None:
    """P17: reminders at 60 and 30 days (settings) before the annual review anniversary."""
    if state.get("retracted"):
        return None
    end = parse_date(state.get("effective_end", "") or "")
    if end and end < today:
        return None  # expired agreements need no review
    due = next_review_due(state)
    if due is None:
        return None
    left = (due - today).days
    agency = state.get("agency", "")
    if left < 0:
        return Reminder(due, "overdue", left, None, f"Annual review of the {agency} agreement is overdue")
    reached = [d for d in sorted(settings.agreement_reminder_days) if left <= d]
    if not reached:
        return None
    return Reminder(due, "due_soon", left, reached[0],
                    f"Annual review of the {agency} agreement due in {left} days")


def in_effect(state: dict[str, Any], today: date) -> bool:
    start = parse_date(state.get("effective_start", "") or "")
    end = parse_date(state.get("effective_end", "") or "")
    return bool(start and start <= today and not (end and end < today))


def review_window(due: date, days: int) -> date:
    return due - timedelta(days=days)
