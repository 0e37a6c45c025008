"""Families' complaints about safety and security staff (P16): record, workflow, deadlines.

Pure rules: what a complaint holds, what makes it valid, which workflow steps
are allowed from which status, when acknowledgement and response are due, and
the content of the response letter. The services store and enforce them.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from safetydesk.domain.records import BOOKKEEPING_FIELDS, Draft
from safetydesk.domain.school_calendar import SchoolCalendar
from safetydesk.domain.settings import DistrictSettings
from safetydesk.domain.validation import EARLIEST, FieldError, Known, parse_date
from safetydesk.domain.vocab import Labelled, vocabulary

COMPLAINT_RECORD_TYPE = "complaint"


class ComplaintChannel(Labelled):
    IN_PERSON, PHONE, EMAIL, LETTER, ONLINE, OTHER = vocabulary("""
        in_person    In person
        phone        Telephone
        email        Email
        letter       Letter
        online_form  Online form
        other        Other
    """)


class ComplaintStatus(Labelled):
    (RECEIVED, ACKNOWLEDGED, INVESTIGATING, FINDINGS, RESPONSE_SENT, APPEALED,
     CLOSED) = vocabulary("""
        received       Received
        acknowledged   Acknowledged
        investigating  Investigating
        findings       Findings made
        response_sent  Response sent
        appealed       Under appeal
        closed         Closed
    """)


class Finding(Labelled):
    SUSTAINED, NOT_SUSTAINED, UNFOUNDED, EXONERATED, POLICY_ISSUE = vocabulary("""
        sustained      Sustained
        not_sustained  Not sustained
        unfounded      Unfounded
        exonerated     Exonerated
        policy_issue   Policy issue
    """)


# What each finding means, in words a family understands (used in the response letter).
FINDING_MEANING: dict[str, str] = {
    Finding.SUSTAINED: "The investigation found that this happened and was not consistent with "
                       "district policy.",
    Finding.NOT_SUSTAINED: "The investigation could not find enough evidence to show whether or not "
                           "this happened.",
    Finding.UNFOUNDED: "The investigation found that this did not happen.",
    Finding.EXONERATED: "The investigation found that this happened, but it was consistent with "
                        "district policy and the law.",
    Finding.POLICY_ISSUE: "The staff member followed the policy or practice in place, but the "
                          "investigation found that the policy or practice itself needs to change.",
}

S = ComplaintStatus
# The workflow: status -> the statuses one step may lead to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.RECEIVED: (S.ACKNOWLEDGED,),
    S.ACKNOWLEDGED: (S.INVESTIGATING,),
    S.INVESTIGATING: (S.FINDINGS,),
    S.FINDINGS: (S.RESPONSE_SENT,),
    S.RESPONSE_SENT: (S.APPEALED, S.CLOSED),
    S.APPEALED: (S.CLOSED,),
    S.CLOSED: (),
}
# Statuses in which the district still owes the family a response.
AWAITING_RESPONSE = frozenset({S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING, S.FINDINGS})

# Fields a step (not the intake form) sets; the intake draft cannot change them.
WORKFLOW_FIELDS = frozenset({
    "status", "steps", "notes", "acknowledged_date", "response_date", "appeal_date",
    "appeal_outcome", "closed_date", "extension_days", "extension_reason", "confirmation",
    *BOOKKEEPING_FIELDS,
})
CONTACT_FIELDS = ("complainant_name", "contact_phone", "contact_email", "contact_address")


@dataclass
class ComplaintDraft(Draft):
    """What the intake form produces. Workflow fields are set by the workflow steps."""

    record_type: ClassVar[str] = COMPLAINT_RECORD_TYPE
    received_date: str = ""
    channel: str = ""
    received_by: str = ""
    school_id: str = ""
    anonymous: bool = False
    complainant_name: str = ""
    complainant_relationship: str = ""  # parent, guardian, student, other; kept even if anonymous
    contact_phone: str = ""
    contact_email: str = ""
    contact_address: str = ""
    preferred_language: str = "English"
    interpreter_needed: bool = False
    # Staff complained about: registry ids, and/or a description when the name is not known.
    staff_ids: list[str] = field(default_factory=list)
    staff_description: str = ""
    incident_date: str = ""
    incident_place: str = ""
    student_ids: list[str] = field(default_factory=list)
    # [{"id": "A1", "text": ..., "finding": "", "finding_note": ""}]; the id is set on saving.
    allegations: list[dict[str, Any]] = field(default_factory=list)
    narrative: str = ""
    referral_agency: str = ""
    referral_date: str = ""
    referral_case_number: str = ""
    investigator: str = ""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate_complaint(d: ComplaintDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    today = known.now.date()

    received = parse_date(d.received_date)
    if not d.received_date.strip():
        add("received_date", "Enter the date the complaint was received.")
    elif received is None:
        add("received_date", "Enter the date received as YYYY-MM-DD, for example 2025-10-06.")
    elif received < EARLIEST.date():
        add("received_date", "The date received is before 2000; check the year.")
    elif received > today:
        add("received_date", "The date received is in the future.")

    if d.channel not in ComplaintChannel._value2member_map_:
        add("channel", "Choose how the complaint came in (in person, telephone, email, letter, online form or other).")
    if not d.received_by.strip():
        add("received_by", "Enter who received the complaint.")
    if not d.school_id:
        add("school_id", "Choose the school the complaint concerns.")
    elif d.school_id not in known.schools:
        add("school_id", "That school is not in this district's list of schools.")

    if d.anonymous:
        for name in CONTACT_FIELDS:
            if str(getattr(d, name) or "").strip():
                add(name, "This complaint is anonymous: leave the complainant's name and contact "
                          "details empty (SafetyDesk keeps none for an anonymous complaint).")
    else:
        if not d.complainant_name.strip():
            add("complainant_name", "Enter the complainant's name, or tick “Anonymous”.")
        if not any(str(getattr(d, n) or "").strip() for n in CONTACT_FIELDS[1:]):
            add("contact_phone", "Give at least one way to reach the complainant (telephone, email or "
                                 "address), or tick “Anonymous”.")
        if d.contact_email.strip() and not _EMAIL.match(d.contact_email.strip()):
            add("contact_email", "The email address does not look right (for example name@example.org).")
    if not d.preferred_language.strip():
        add("preferred_language", "Enter the family's preferred language (for example English, Spanish).")

    if not d.staff_ids and not d.staff_description.strip():
        add("staff_ids", "Name the staff member complained about, or describe them if the name is not known.")
    if len(set(d.staff_ids)) != len(d.staff_ids):
        add("staff_ids", "The same staff member is listed twice.")
    for sid in d.staff_ids:
        if sid not in known.staff:
            add("staff_ids", "A staff member on this complaint is not in the staff registry.")

    incident = parse_date(d.incident_date)
    if not d.incident_date.strip():
        add("incident_date", "Enter the date of the incident (the best estimate if the family is not sure).")
    elif incident is None:
        add("incident_date", "Enter the incident date as YYYY-MM-DD.")
    elif received and incident > received:
        add("incident_date", "The incident date is after the date the complaint was received.")
    if not d.incident_place.strip():
        add("incident_place", "Say where the incident happened (for example: main entrance, bus loop).")

    if len(set(d.student_ids)) != len(d.student_ids):
        add("student_ids", "The same student is listed twice.")
    for sid in d.student_ids:
        if sid not in known.students:
            add("student_ids", "A student on this complaint is not in the roster.")

    if not d.allegations:
        add("allegations", "List at least one allegation: what the family says the staff member did.")
    ids = [a.get("id") for a in d.allegations if a.get("id")]
    if len(set(ids)) != len(ids):
        add("allegations", "Two allegations have the same number.")
    for n, a in enumerate(d.allegations, 1):
        if not str(a.get("text", "")).strip():
            add("allegations", f"Allegation {n} is empty: describe it or remove it.")
        finding = a.get("finding") or ""
        if finding and finding not in Finding._value2member_map_:
            add("allegations", f"Allegation {n} has a finding SafetyDesk does not know.")
    if not d.narrative.strip():
        add("narrative", "Write down the complaint in the family's words, in a few sentences.")

    ref_date = parse_date(d.referral_date)
    if d.referral_date.strip() and ref_date is None:
        add("referral_date", "Enter the referral date as YYYY-MM-DD.")
    elif ref_date and received and ref_date < received:
        add("referral_date", "The referral date is before the complaint was received.")
    elif ref_date and ref_date > today:
        add("referral_date", "The referral date is in the future.")
    if (d.referral_date.strip() or d.referral_case_number.strip()) and not d.referral_agency.strip():
        add("referral_agency", "Name the law enforcement agency or company the complaint was referred to.")
    return _dedupe(errors)


def number_allegations(allegations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each allegation a stable id (A1, A2, ...) and the keys every allegation carries."""
    used = {a["id"] for a in allegations if a.get("id")}
    n = 0
    out = []
    for a in allegations:
        a = {"id": a.get("id") or "", "text": str(a.get("text", "")).strip(),
             "finding": a.get("finding") or "", "finding_note": str(a.get("finding_note") or "").strip()}
        if not a["id"]:
            while True:
                n += 1
                if f"A{n}" not in used:
                    break
            a["id"] = f"A{n}"
            used.add(a["id"])
        out.append(a)
    return out


# ------------------------------------------------------------------ confirmation numbers
# No 0/O, 1/I/L, U/V, 5/S or 2/Z: nothing a family could misread over the phone; no C,
# so the "C-" prefix can never be mistaken for part of the number.
CONFIRMATION_ALPHABET = "346789ABDEFGHJKMNPQRTWXY"


def new_confirmation_number(randbelow=secrets.randbelow) -> str:
    """A short number a family can quote, like ``C-7K4-QMX`` (24^6, about 191 million)."""
    chars = "".join(CONFIRMATION_ALPHABET[randbelow(len(CONFIRMATION_ALPHABET))] for _ in range(6))
    return f"C-{chars[:3]}-{chars[3:]}"


def confirmation_for(prefix: str, serial: int) -> str:
    """The confirmation number of this workstation's ``serial``-th complaint (from 0).

    ``prefix`` is three letters of CONFIRMATION_ALPHABET that belong to one workstation
    (its device record), so two workstations never hand out the same number offline;
    13,824 numbers per workstation, then `new_confirmation_number` takes over.
    """
    n = len(CONFIRMATION_ALPHABET)
    digits = "".join(CONFIRMATION_ALPHABET[(serial // n**k) % n] for k in (2, 1, 0))
    return f"C-{prefix}-{digits}"


def normalise_confirmation(text: str) -> str | None:
    """What a person typed or read out (``c7k4qmx``, ``C 7K4 QMX``) as the stored form, or None."""
    raw = re.sub(r"[^0-9A-Za-z]", "", text or "").upper()
    if raw.startswith("C") and len(raw) == 7:
        raw = raw[1:]
    if len(raw) != 6:
        return None
    if any(c not in CONFIRMATION_ALPHABET for c in raw):
        return None
    return f"C-{raw[:3]}-{raw[3:]}"


# ------------------------------------------------------------------ workflow
@dataclass(frozen=True)
class StepRequest:
    to_status: str
    on: date  # the date the step took effect (letter sent, findings made, ...)
    note: str = ""


def step_problems(state: dict[str, Any], req: StepRequest, expected_status: str,
                  today: date) -> list[FieldError]:
    """Why the step cannot be taken (empty: it can). Every reason is named at once."""
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    current = state.get("status", S.RECEIVED)
    if state.get("retracted"):
        return [FieldError("status", "This complaint was retracted; its workflow cannot move on.")]
    if expected_status != current:
        return [FieldError("status", (
            f"This complaint is now “{S.label_of(current)}”, not “{S.label_of(expected_status)}” as "
            "when you opened it: someone else has taken a step meanwhile. Nothing was changed; "
            "reopen the complaint to see what they did."))]
    if req.to_status not in TRANSITIONS.get(current, ()):
        allowed = TRANSITIONS.get(current, ())
        nxt = " or ".join(f"“{S.label_of(s)}”" for s in allowed) or "nothing (it is closed)"
        add("status", f"A complaint that is “{S.label_of(current)}” cannot move to "
                      f"“{S.label_of(req.to_status)}”; the next step is {nxt}.")
        return errors
    received = parse_date(state.get("received_date", ""))
    if received and req.on < received:
        add("date", "The step's date is before the complaint was received.")
    if req.on > today:
        add("date", "The step's date is in the future.")
    last = _last_step_date(state)
    if last and req.on < last:
        add("date", f"The step's date is before the previous step ({last.isoformat()}).")
    to = req.to_status
    if to == S.INVESTIGATING and not str(state.get("investigator", "")).strip():
        add("investigator", "Name the investigator before the investigation starts.")
    if to == S.FINDINGS:
        missing = [a["id"] for a in state.get("allegations") or [] if not a.get("finding")]
        if missing:
            add("allegations", "Record a finding for every allegation first (missing: "
                               f"{', '.join(missing)}).")
    if to == S.APPEALED and not req.note.strip():
        add("note", "Say what the family is appealing and how they asked (the appeal's grounds).")
    if to == S.CLOSED and current == S.APPEALED and not req.note.strip():
        add("note", "Record the outcome of the appeal before closing.")
    return errors


def _last_step_date(state: dict[str, Any]) -> date | None:
    steps = state.get("steps") or []
    return parse_date(steps[-1].get("date", "")) if steps else None


def step_changes(state: dict[str, Any], req: StepRequest, by: str, at: datetime) -> dict[str, Any]:
    """The new values of the fields a valid step changes."""
    current = state.get("status", S.RECEIVED)
    step = {"from": current, "to": req.to_status, "date": req.on.isoformat(), "by": by,
            "at": at.isoformat(timespec="seconds"), "note": req.note.strip()}
    new: dict[str, Any] = {"status": req.to_status, "steps": [*(state.get("steps") or []), step]}
    day = req.on.isoformat()
    if req.to_status == S.ACKNOWLEDGED:
        new["acknowledged_date"] = day
    elif req.to_status == S.RESPONSE_SENT:
        new["response_date"] = day
    elif req.to_status == S.APPEALED:
        new["appeal_date"] = day
    elif req.to_status == S.CLOSED:
        new["closed_date"] = day
        if current == S.APPEALED:
            new["appeal_outcome"] = req.note.strip()
    return new


def extension_problems(state: dict[str, Any], total_days: int, reason: str,
                       settings: DistrictSettings) -> list[FieldError]:
    errors = []
    if state.get("status", S.RECEIVED) not in AWAITING_RESPONSE:
        errors.append(FieldError("status", "The response has already been sent; there is nothing to extend."))
    if not reason.strip():
        errors.append(FieldError("extension_reason", "Say why the response needs more time "
                                                     "(the reason is kept with the complaint)."))
    current = response_days(state, settings)
    if total_days <= current:
        errors.append(FieldError("extension_days",
                                 f"The response is already due {current} days after receipt; an "
                                 "extension must give more days than that."))
    if total_days > settings.complaint_extension_max_days:
        errors.append(FieldError("extension_days",
                                 f"The response can be extended to at most "
                                 f"{settings.complaint_extension_max_days} days after receipt."))
    return errors


# ------------------------------------------------------------------ deadlines
def response_days(state: dict[str, Any], settings: DistrictSettings) -> int:
    return int(state.get("extension_days") or 0) or settings.complaint_response_days


def acknowledgement_due(received: date, calendar: SchoolCalendar, settings: DistrictSettings) -> date:
    """P16: acknowledged within N school days of receipt (weekends and non-school days skipped)."""
    return calendar.add_school_days(received, settings.complaint_ack_school_days)


def response_due(received: date, state: dict[str, Any], settings: DistrictSettings) -> date:
    """P16: a response within 45 calendar days of receipt, or the recorded extension (up to 90)."""
    return received + timedelta(days=response_days(state, settings))


@dataclass(frozen=True)
class Deadline:
    kind: str  # "acknowledge" or "respond"
    due: date
    state: str  # "overdue", "due_soon" or "ok"
    title: str


# How early a deadline counts as "due soon".
ACK_SOON_SCHOOL_DAYS = 2
RESPONSE_SOON_DAYS = 10


def open_deadlines(state: dict[str, Any], calendar: SchoolCalendar, settings: DistrictSettings,
                   today: date) -> list[Deadline]:
    """The deadlines a complaint still has to meet, each overdue, due soon or not yet."""
    if state.get("retracted"):
        return []
    received = parse_date(state.get("received_date", ""))
    if received is None:
        return []
    status = state.get("status", S.RECEIVED)
    out = []
    if status == S.RECEIVED:
        due = acknowledgement_due(received, calendar, settings)
        if today > due:
            flag = "overdue"
        elif calendar.school_days_between(today, due) <= ACK_SOON_SCHOOL_DAYS:
            flag = "due_soon"
        else:
            flag = "ok"
        out.append(Deadline("acknowledge", due, flag, "Acknowledge the complaint"))
    if status in AWAITING_RESPONSE:
        due = response_due(received, state, settings)
        if today > due:
            flag = "overdue"
        elif (due - today).days <= RESPONSE_SOON_DAYS:
            flag = "due_soon"
        else:
            flag = "ok"
        extended = " (extended)" if state.get("extension_days") else ""
        out.append(Deadline("respond", due, flag, f"Send the response{extended}"))
    return out


# ------------------------------------------------------------------ response letter
APPEAL_RIGHTS = (
    "If you disagree with these findings, you may appeal. Write to the Superintendent within 30 "
    "calendar days of the date of this letter, quoting your confirmation number and saying why you "
    "disagree. The Superintendent or a designee who was not involved in the investigation will review "
    "the investigation and reply in writing. You may also contact the law enforcement agency or "
    "company that employs the staff member; where the complaint was referred to them, their case "
    "number is given above. Filing a complaint or an appeal will never be held against you or your "
    "student."
)


@dataclass(frozen=True)
class LetterAllegation:
    number: str
    text: str
    finding: str  # label
    meaning: str
    note: str = ""


@dataclass(frozen=True)
class ResponseLetter:
    """Everything the response letter shows; rendered by `safetydesk.reports.letters`."""

    district_name: str
    letterhead_name: str
    letterhead_address: str
    letter_date: date
    confirmation: str
    recipient_lines: tuple[str, ...]
    school_name: str
    received_date: date
    incident_date: date | None
    incident_place: str
    staff_named: str
    allegations: tuple[LetterAllegation, ...]
    summary: str
    referral: str
    preferred_language: str
    interpreter_needed: bool
    signer_name: str
    signer_title: str
    appeal_rights: str = APPEAL_RIGHTS
    referral_agency: str = ""  # the facts behind ``referral``, for letters in the family's language
    referral_case_number: str = ""


def _dedupe(errors: list[FieldError]) -> list[FieldError]:
    seen: set[tuple[str, str]] = set()
    out = []
    for e in errors:
        if (e.field, e.message) not in seen:
            seen.add((e.field, e.message))
            out.append(e)
    return out
