"""P02: the training record of a safety and security staff member, and when its items fall due.

One training record per staff member (its id is the staff member's id). The
district confirms the educational service district (ESD) training series
documentation before the person interacts with students; within one year of
the start of the training programme the person completes two days of
on-the-job training and, unless an SRO, at least six check-in trainings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

from safetydesk.domain.records import Draft
from safetydesk.domain.validation import FieldError, _dedupe, parse_date
from safetydesk.domain.vocab import StaffCategory

TRAINING = "staff_training"
ON_THE_JOB_DAYS_REQUIRED = 2
CHECK_INS_REQUIRED = 6
DUE_WITHIN = timedelta(days=365)


@dataclass
class TrainingDraft(Draft):
    record_type: ClassVar[str] = TRAINING
    staff_id: str = ""
    # Start of the one-year window for on-the-job days and check-ins (default:
    # the staff member's start date).
    program_start: str = ""
    esd_issuer: str = ""  # "ESD 113"
    esd_date: str = ""  # date on the documentation
    esd_reference: str = ""  # certificate or reference number
    # The attached documentation: {"sha256": ..., "name": ..., "size": ...}; the
    # bytes are kept in the encrypted data file, found by their hash.
    esd_file: dict[str, Any] = field(default_factory=dict)
    esd_confirmed_by: str = ""  # the district staff member who checked it
    esd_confirmed_on: str = ""
    # [{"topic": ..., "completed_on": "YYYY-MM-DD"}]
    classroom_topics: list[dict[str, Any]] = field(default_factory=list)
    # [{"date": "YYYY-MM-DD", "note": ...}]
    on_the_job_days: list[dict[str, Any]] = field(default_factory=list)
    # [{"date": "YYYY-MM-DD", "topic": ...}]
    check_ins: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


def esd_confirmed(d: TrainingDraft) -> bool:
    return bool(d.esd_issuer.strip() and parse_date(d.esd_date) and d.esd_reference.strip()
                and d.esd_confirmed_by.strip() and parse_date(d.esd_confirmed_on))


def validate_training(d: TrainingDraft, today: date) -> list[FieldError]:
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    if not d.staff_id:
        add("staff_id", "Choose the staff member.")
    if d.program_start and parse_date(d.program_start) is None:
        add("program_start", "Enter the training start date as YYYY-MM-DD.")
    esd_any = any(x.strip() for x in (d.esd_issuer, d.esd_date, d.esd_reference, d.esd_confirmed_by,
                                       d.esd_confirmed_on)) or bool(d.esd_file)
    if esd_any:
        if not d.esd_issuer.strip():
            add("esd_issuer", "Name the educational service district that issued the documentation (for example ESD 113).")
        esd_day = parse_date(d.esd_date)
        if esd_day is None:
            add("esd_date", "Enter the date on the ESD documentation as YYYY-MM-DD.")
        elif esd_day > today:
            add("esd_date", "The ESD documentation date is in the future.")
        if not d.esd_reference.strip():
            add("esd_reference", "Enter the reference or certificate number on the ESD documentation.")
        confirmed = parse_date(d.esd_confirmed_on)
        if d.esd_confirmed_on and confirmed is None:
            add("esd_confirmed_on", "Enter the date the district confirmed the documentation as YYYY-MM-DD.")
        elif confirmed and confirmed > today:
            add("esd_confirmed_on", "The confirmation date is in the future.")
        elif confirmed and esd_day and confirmed < esd_day:
            add("esd_confirmed_on", "The district cannot confirm documentation before its date.")
        if bool(d.esd_confirmed_on.strip()) != bool(d.esd_confirmed_by.strip()):
            add("esd_confirmed_by", "Say who at the district confirmed the documentation, and when.")
    if d.esd_file and not (d.esd_file.get("sha256") and d.esd_file.get("name")):
        add("esd_file", "The attached documentation file is incomplete; attach it again.")
    for t in d.classroom_topics:
        if not str(t.get("topic") or "").strip():
            add("classroom_topics", "Name each classroom topic.")
        if parse_date(str(t.get("completed_on") or "")) is None:
            add("classroom_topics", "Enter the date each classroom topic was completed (YYYY-MM-DD).")
    days = [str(x.get("date") or "") for x in d.on_the_job_days]
    if any(parse_date(x) is None for x in days):
        add("on_the_job_days", "Enter each on-the-job training day as YYYY-MM-DD.")
    if len(set(days)) != len(days):
        add("on_the_job_days", "The same on-the-job training day is listed twice.")
    if any(parse_date(str(x.get("date") or "")) is None for x in d.check_ins):
        add("check_ins", "Enter the date of each check-in training as YYYY-MM-DD.")
    for name, items in (("on_the_job_days", days), ("check_ins", [str(x.get("date") or "") for x in d.check_ins])):
        if any((parse_date(x) or date.min) > today for x in items):
            add(name, "A training date is in the future; record training once it has happened.")
    return _dedupe(errors)


def due_date(program_start: str) -> str:
    start = parse_date(program_start)
    return (start + DUE_WITHIN).isoformat() if start else ""


def check_ins_required(category: str) -> int:
    return 0 if category == StaffCategory.SRO else CHECK_INS_REQUIRED


@dataclass(frozen=True)
class TrainingItem:
    """One training requirement of one person and where it stands."""

    staff_id: str
    item: str  # "esd_documentation" | "on_the_job_days" | "check_ins"
    label: str
    done: int
    required: int
    due: str  # ISO date, "" when due before any interaction
    overdue: bool


def training_items(staff_id: str, category: str, state: dict[str, Any] | None, today: date) -> list[TrainingItem]:
    """Every requirement still open for a person (empty: fully trained)."""
    d = TrainingDraft.from_state(state or {"staff_id": staff_id})
    items = []
    if not esd_confirmed(d):
        items.append(TrainingItem(staff_id, "esd_documentation",
                                  "ESD training documentation not confirmed (needed before any interaction)",
                                  0, 1, "", True))
    due = due_date(d.program_start)
    overdue = bool(due) and date.fromisoformat(due) < today
    ojt = len(d.on_the_job_days)
    if ojt < ON_THE_JOB_DAYS_REQUIRED:
        items.append(TrainingItem(staff_id, "on_the_job_days",
                                  f"On-the-job training days: {ojt} of {ON_THE_JOB_DAYS_REQUIRED}",
                                  ojt, ON_THE_JOB_DAYS_REQUIRED, due, overdue))
    need = check_ins_required(category)
    if len(d.check_ins) < need:
        items.append(TrainingItem(staff_id, "check_ins", f"Check-in trainings: {len(d.check_ins)} of {need}",
                                  len(d.check_ins), need, due, overdue))
    return items
