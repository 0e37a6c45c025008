"""Families' complaints about safety and security staff (P16).

Intake (front office or principal), the workflow received → acknowledged →
investigating → findings → response sent → (appeal) → closed, findings per
allegation, append-only investigation notes, deadline extensions, and the
content of the response letter (rendered to PDF by `safetydesk.reports.letters`).

Who may see complaints: those who file them (front office, principals,
district administrators) at their schools, and read-only reviewers. Safety and
security staff cannot: the complaints are about them. Investigation notes are
shown only to those who may investigate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from safetydesk.domain.complaints import (
    COMPLAINT_RECORD_TYPE,
    CONFIRMATION_ALPHABET,
    FINDING_MEANING,
    TRANSITIONS,
    ComplaintDraft,
    ComplaintStatus,
    Deadline,
    Finding,
    LetterAllegation,
    ResponseLetter,
    StepRequest,
    acknowledgement_due,
    confirmation_for,
    extension_problems,
    new_confirmation_number,
    normalise_confirmation,
    number_allegations,
    open_deadlines,
    response_due,
    step_changes,
    step_problems,
    validate_complaint,
)
from safetydesk.domain.errors import NotFound, PermissionDenied, SafetyDeskError, ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError, parse_date
from safetydesk.domain.vocab import Action
from safetydesk.services import audit, kernel
from safetydesk.services.calendar import school_calendar
from safetydesk.services.context import Session, service
from safetydesk.services.settings import current as current_settings
from safetydesk.store import Entry, queries, queries_district

S = ComplaintStatus
T = COMPLAINT_RECORD_TYPE


def _validate(session: Session, draft: ComplaintDraft) -> list[FieldError]:
    return validate_complaint(draft, kernel.known(session, draft.student_ids))


def _can_view(session: Session, school_id: str | None) -> bool:
    a = session.actor
    return a.can(Permission.VIEW_COMPLAINTS, school_id)


def _require_view(session: Session, school_id: str | None) -> None:
    if not _can_view(session, school_id):
        where = " at this school" if school_id else ""
        raise PermissionDenied(
            f"Your account ({session.actor.role.label}) is not allowed to see complaints{where}. "
            "Complaints are seen by the front office, principals, district administrators and reviewers."
        )


def _write_permission_for(state: dict[str, Any]) -> Permission:
    return Permission.FILE_COMPLAINT if state.get("status", S.RECEIVED) == S.RECEIVED \
        else Permission.INVESTIGATE_COMPLAINT


def _number(session: Session, draft: ComplaintDraft, before: dict[str, Any] | None) -> None:
    """Allegations are numbered A1, A2, ...; their findings change only through `record_findings`
    (a new complaint has none; a correction keeps those already made)."""
    old = {a["id"]: a for a in (before or {}).get("allegations") or []}
    draft.allegations = number_allegations(draft.allegations)
    for a in draft.allegations:
        kept = old.get(a["id"], {})
        a["finding"], a["finding_note"] = kept.get("finding", ""), kept.get("finding_note", "")


def _details(session: Session, record_id: str, state: dict[str, Any]) -> dict[str, Any]:
    if not session.actor.can(Permission.INVESTIGATE_COMPLAINT, state.get("school_id")):
        state = state | {"notes": [], "notes_hidden": len(state.get("notes") or [])}
    status = state.get("status", S.RECEIVED)
    return {
        "state": state, **queries_district.complaint_people(session.store, record_id),
        "deadlines": _deadlines(session, state),
        "next_steps": [] if state.get("retracted") else list(TRANSITIONS.get(status, ())),
        "status_label": S.label_of(status),
    }


KIND = kernel.RecordKind(
    T, ComplaintDraft, "complaint", _validate, write=Permission.FILE_COMPLAINT,
    amend=_write_permission_for, retract=Permission.INVESTIGATE_COMPLAINT, view=Permission.VIEW_COMPLAINTS,
    prepare=_number, can_see=lambda session, state: _require_view(session, state.get("school_id")),
    details=_details, steps=TRANSITIONS, append_only=("notes",),
    lister=queries_district.list_complaints, counter=queries_district.count_complaints,
)


def _state(session: Session, record_id: str) -> dict[str, Any]:
    return kernel.load(session, KIND, record_id)


def _today(session: Session) -> date:
    return session.clock().date()


@dataclass(frozen=True)
class Filed:
    """What the person at the desk tells the family after saving."""

    id: str
    confirmation: str
    acknowledge_by: date
    respond_by: date


@service(Permission.FILE_COMPLAINT)
def check_complaint(session: Session, draft: ComplaintDraft) -> list[FieldError]:
    """Validate without saving (as the form is filled in)."""
    return _validate(session, draft)


def _unique_confirmation(session: Session) -> str:
    """This workstation's next number (its own prefix: no clash with another workstation)."""
    prefix, serial = session.store.confirmation_serial(COMPLAINT_RECORD_TYPE)
    if serial < len(CONFIRMATION_ALPHABET) ** 3:
        for step in range(50):
            number = confirmation_for(prefix, serial + step)
            if not queries_district.complaint_ids_by_confirmation(session.store, number):
                return number
    for _ in range(50):
        number = new_confirmation_number()
        if not queries_district.complaint_ids_by_confirmation(session.store, number):
            return number
    raise SafetyDeskError("SafetyDesk could not make a new confirmation number; try again.")


@service(Permission.FILE_COMPLAINT)
def file_complaint(session: Session, draft: ComplaintDraft) -> Filed:
    """Record a new complaint (status "received"); returns its confirmation number and deadlines."""
    session.require(Permission.FILE_COMPLAINT, draft.school_id or None)
    confirmation = _unique_confirmation(session)
    extra = {"confirmation": confirmation, "status": S.RECEIVED.value, "steps": [], "notes": [],
             "acknowledged_date": "", "response_date": "", "appeal_date": "", "appeal_outcome": "",
             "closed_date": "", "extension_days": 0, "extension_reason": ""}
    record_id = kernel.create(session, KIND, draft, extra)
    settings = current_settings(session.store)
    received = parse_date(draft.received_date)
    assert received is not None
    return Filed(record_id, confirmation,
                 acknowledgement_due(received, school_calendar(session.store), settings),
                 response_due(received, {}, settings))


@service(Permission.FILE_COMPLAINT)
def amend_complaint(session: Session, record_id: str, draft: ComplaintDraft, reason: str,
                    expected_version: int | None = None) -> list[str]:
    """Correct the intake details. Findings are kept (they change through `record_findings`)."""
    return kernel.amend(session, KIND, record_id, draft, reason, expected_version)


@service(Permission.INVESTIGATE_COMPLAINT)
def retract_complaint(session: Session, record_id: str, reason: str) -> None:
    """Withdraw a complaint entered in error (not one the family withdrew: close that one)."""
    kernel.retract(session, KIND, record_id, reason)


def _deadlines(session: Session, state: dict[str, Any], today: date | None = None) -> list[Deadline]:
    return open_deadlines(state, school_calendar(session.store), current_settings(session.store),
                          today or _today(session))


@service(Permission.VIEW_COMPLAINTS)
def get_complaint(session: Session, record_id: str) -> dict[str, Any]:
    """A complaint as the detail view shows it. The view is audited."""
    return kernel.get(session, KIND, record_id)


@service(Permission.VIEW_COMPLAINTS)
def complaint_history(session: Session, record_id: str) -> list[Entry]:
    return kernel.history(session, KIND, record_id)


def _filters(session: Session, filters: dict[str, Any]) -> dict[str, Any]:
    """The filters, checked (a named school with this module's own refusal); the kernel's list adds
    the schools the person sees."""
    _require_view(session, filters.get("school_id") or None)
    allowed = {"school_id", "status", "school_year", "open_only", "text", "staff_id", "student_id",
               "include_retracted", "after", "before", "from_end",  # paging by key
               "sort", "descending"}
    unknown = set(filters) - allowed
    if unknown:
        raise TypeError(f"unknown complaint filters: {', '.join(sorted(unknown))}")
    return filters


@service(Permission.VIEW_COMPLAINTS)
def list_complaints(session: Session, offset: int = 0, limit: int = 200, **filters: Any) -> list[dict[str, Any]]:
    """One page of complaints (filters: school_id, status, school_year, open_only, text, staff_id,
    student_id, include_retracted). Open ones carry their next deadline and whether it is overdue."""
    rows = kernel.list_records(session, KIND, offset, limit, **_filters(session, filters))
    calendar, settings, today = school_calendar(session.store), current_settings(session.store), _today(session)
    for r in rows:
        r["status_label"] = S.label_of(r["status"])
        r["next_due"], r["due_state"] = "", ""
        if r["status"] in (S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING, S.FINDINGS) and not r["retracted"]:
            state = {"received_date": r["received_date"], "status": r["status"],
                     "extension_days": r["extension_days"]}
            found = open_deadlines(state, calendar, settings, today)
            if found:
                first = min(found, key=lambda d: d.due)
                r["next_due"], r["due_state"] = first.due.isoformat(), first.state
    return rows


@service(Permission.VIEW_COMPLAINTS)
def count_complaints(session: Session, **filters: Any) -> int:
    return kernel.count_records(session, KIND, **_filters(session, filters))


@service(Permission.VIEW_COMPLAINTS)
def complaint_counts(session: Session, school_year: str) -> list[dict[str, Any]]:
    """Complaints received in a school year per school and status (P21 d, P22 board report)."""
    _require_view(session, None)
    return queries_district.complaint_counts(session.store, school_year, session.scope)


@service(Permission.VIEW_COMPLAINTS)
def find_by_confirmation(session: Session, text: str) -> str:
    """The id of the complaint a family's confirmation number names (typed in any spacing or case)."""
    number = normalise_confirmation(text)
    if number is None:
        raise NotFound("That is not a complaint confirmation number (it looks like C-7K4-QMX).")
    for record_id, school_id in queries_district.complaint_ids_by_confirmation(session.store, number):
        if _can_view(session, school_id):
            return record_id
    raise NotFound(f"No complaint you can see has the confirmation number {number}.")


# ------------------------------------------------------------------ workflow
def _as_date(on: date | str | None, session: Session) -> date:
    if on is None or on == "":
        return _today(session)
    if isinstance(on, date):
        return on
    parsed = parse_date(on)
    if parsed is None:
        raise ValidationFailed([FieldError("date", "Enter the date as YYYY-MM-DD.")], "Nothing was changed.")
    return parsed


@service(Permission.FILE_COMPLAINT)
def take_step(session: Session, record_id: str, to_status: str, expected_status: str,
              on: date | str | None = None, note: str = "") -> None:
    """Move a complaint one step along its workflow.

    ``expected_status`` is the status the person saw when they chose the step:
    if someone else has moved the complaint meanwhile, nothing changes and the
    refusal says so. Acknowledging needs FILE_COMPLAINT; every later step
    needs INVESTIGATE_COMPLAINT at the complaint's school.
    """
    state = _state(session, record_id)
    needed = Permission.FILE_COMPLAINT if to_status == S.ACKNOWLEDGED else Permission.INVESTIGATE_COMPLAINT
    session.require(needed, state.get("school_id"))
    req = StepRequest(to_status, _as_date(on, session), note)
    errors = step_problems(state, req, expected_status, _today(session))
    if errors:
        raise ValidationFailed(errors, "The complaint's status was not changed.")
    new = step_changes(state, req, session.actor.username, session.clock())
    reason = f"{S.label_of(state.get('status', S.RECEIVED))} → {S.label_of(to_status)}"
    kernel.change(session, KIND, record_id, state, new, reason + (f": {note.strip()}" if note.strip() else ""),
                  action=Action.STEP)


@service(Permission.INVESTIGATE_COMPLAINT)
def assign_investigator(session: Session, record_id: str, investigator: str, reason: str = "Investigator assigned") -> None:
    state = _state(session, record_id)
    session.require(Permission.INVESTIGATE_COMPLAINT, state.get("school_id"))
    if not investigator.strip():
        raise ValidationFailed([FieldError("investigator", "Enter the investigator's name.")])
    kernel.change(session, KIND, record_id, state, {"investigator": investigator.strip()}, reason)


@service(Permission.INVESTIGATE_COMPLAINT)
def add_investigation_note(session: Session, record_id: str, text: str) -> None:
    """Append a note to the investigation. Notes are never edited or removed."""
    state = _state(session, record_id)
    session.require(Permission.INVESTIGATE_COMPLAINT, state.get("school_id"))
    if not text.strip():
        raise ValidationFailed([FieldError("note", "Write the note before saving it.")])
    note = {"at": session.clock().isoformat(timespec="seconds"), "by": session.actor.username,
            "text": text.strip()}
    kernel.change(session, KIND, record_id, state, {"notes": [*(state.get("notes") or []), note]},
                  "Investigation note added", action=Action.AMEND)


@service(Permission.INVESTIGATE_COMPLAINT)
def record_findings(session: Session, record_id: str, findings: dict[str, dict[str, str] | str],
                    reason: str = "Findings recorded") -> list[str]:
    """Set the finding of one or more allegations: ``{"A1": "sustained"}`` or
    ``{"A1": {"finding": "sustained", "note": "..."}}``. Allowed while investigating, and
    (with a reason) after findings were made, until the response is sent."""
    from safetydesk.store.projectors import FINDING_PREFIX  # the projectors load on first write

    state = _state(session, record_id)
    session.require(Permission.INVESTIGATE_COMPLAINT, state.get("school_id"))
    status = state.get("status", S.RECEIVED)
    errors: list[FieldError] = []
    if status not in (S.INVESTIGATING, S.FINDINGS):
        errors.append(FieldError("status", "Findings are recorded during the investigation (status "
                                           f"“Investigating”); this complaint is “{S.label_of(status)}”."))
    by_id = {a["id"]: a for a in state.get("allegations") or []}
    # One field per allegation ("finding/A1"): findings on two allegations made offline on two
    # workstations both stay; two on one allegation are a conflict (the store shows each
    # allegation with its finding).
    new: dict[str, Any] = {}
    for aid, value in findings.items():
        finding, note = (value, "") if isinstance(value, str) else (value.get("finding", ""), value.get("note", ""))
        if aid not in by_id:
            errors.append(FieldError("allegations", f"This complaint has no allegation {aid}."))
        elif finding not in Finding._value2member_map_:
            errors.append(FieldError("allegations", f"Choose a finding for {aid}: sustained, not sustained, "
                                                    "unfounded, exonerated or policy issue."))
        else:
            new[FINDING_PREFIX + aid] = {"finding": finding, "note": str(note or "").strip()}
    if errors:
        raise ValidationFailed(errors, "The findings were not saved.")
    return kernel.change(session, KIND, record_id, state, new, reason)


@service(Permission.INVESTIGATE_COMPLAINT)
def extend_response_deadline(session: Session, record_id: str, total_days: int, reason: str) -> date:
    """Allow ``total_days`` (at most the setting, default 90) after receipt for the response."""
    state = _state(session, record_id)
    session.require(Permission.INVESTIGATE_COMPLAINT, state.get("school_id"))
    settings = current_settings(session.store)
    errors = extension_problems(state, total_days, reason, settings)
    if errors:
        raise ValidationFailed(errors, "The deadline was not extended.")
    kernel.change(session, KIND, record_id, state,
                  {"extension_days": total_days, "extension_reason": reason.strip()},
                  f"Response deadline extended to {total_days} days: {reason.strip()}")
    received = parse_date(state["received_date"])
    assert received is not None
    return response_due(received, {"extension_days": total_days}, settings)


# ------------------------------------------------------------------ response letter
@service(Permission.INVESTIGATE_COMPLAINT)
def response_letter(session: Session, record_id: str, signer_name: str, signer_title: str,
                    letter_date: date | None = None) -> ResponseLetter:
    """The content of the response letter, for `reports.letters.render_response_letter`.

    Needs findings on every allegation. Preparing a letter for a family writes a
    "print" entry in the audit trail.
    """
    state = _state(session, record_id)
    session.require(Permission.INVESTIGATE_COMPLAINT, state.get("school_id"))
    errors = []
    if state.get("retracted"):
        errors.append(FieldError("status", "This complaint was retracted."))
    if state.get("status", S.RECEIVED) not in (S.FINDINGS, S.RESPONSE_SENT, S.APPEALED, S.CLOSED):
        errors.append(FieldError("status", "The response letter is written once findings are made "
                                           "(status “Findings made”)."))
    if not signer_name.strip():
        errors.append(FieldError("signer_name", "Enter the name of the person signing the letter."))
    if not current_settings(session.store).letterhead_address.strip():
        errors.append(FieldError("letterhead_address", "The letterhead has no district address. A district "
                                 "administrator enters it in Settings, “Address on letters”, before the first letter."))
    if errors:
        raise ValidationFailed(errors, "The letter was not made.")
    store = session.store
    settings = current_settings(store)
    district = queries.district(store) or {"name": ""}
    school = {s["id"]: s["name"] for s in queries.schools(store, include_inactive=True)}
    people = queries_district.complaint_people(store, record_id)
    staff_named = ", ".join(p["name"] or "(unknown)" for p in people["staff"])
    if state.get("staff_description"):
        staff_named = ", ".join(x for x in (staff_named, state["staff_description"]) if x)
    if state.get("anonymous"):
        recipient: tuple[str, ...] = ("To the person who filed complaint " + state["confirmation"],)
    else:
        recipient = tuple(x for x in (state.get("complainant_name", ""),
                                      *str(state.get("contact_address", "")).splitlines()) if x.strip())
    allegations = tuple(
        LetterAllegation(a["id"], a["text"], Finding.label_of(a.get("finding")),
                         FINDING_MEANING.get(a.get("finding", ""), ""), a.get("finding_note", ""))
        for a in state.get("allegations") or []
    )
    referral = ""
    if state.get("referral_agency"):
        referral = f"Your complaint was also referred to {state['referral_agency']}"
        if state.get("referral_case_number"):
            referral += f" (their case number {state['referral_case_number']})"
        referral += "."
    sustained = sum(1 for a in allegations if a.finding == Finding.SUSTAINED.label)
    n = len(allegations)
    summary = (f"We have completed our investigation of the {_count_words(n, 'allegation')} in your "
               "complaint. "
               + (f"{_count_words(sustained, 'allegation').capitalize()} "
                  f"{'was' if sustained == 1 else 'were'} sustained; the district will take appropriate "
                  "action, the details of which personnel law does not allow us to share. "
                  if sustained else "")
               + "Our finding on each allegation is set out below.")
    letter = ResponseLetter(
        district_name=district.get("name", ""),
        letterhead_name=settings.letterhead_name or district.get("name", ""),
        letterhead_address=settings.letterhead_address,
        letter_date=letter_date or _today(session),
        confirmation=state["confirmation"],
        recipient_lines=recipient,
        school_name=school.get(state.get("school_id", ""), ""),
        received_date=parse_date(state["received_date"]) or _today(session),
        incident_date=parse_date(state.get("incident_date", "")),
        incident_place=state.get("incident_place", ""),
        staff_named=staff_named,
        allegations=allegations,
        summary=summary,
        referral=referral,
        referral_agency=state.get("referral_agency", ""),
        referral_case_number=state.get("referral_case_number", "") if state.get("referral_agency") else "",
        preferred_language=state.get("preferred_language", ""),
        interpreter_needed=bool(state.get("interpreter_needed")),
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
    )
    audit.record_access(session, T, record_id, Action.PRINT,
                        f"Response letter prepared for the family, dated {letter.letter_date.isoformat()}")
    return letter


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count_words(n: int, noun: str) -> str:
    return f"{_WORDS[n] if n < len(_WORDS) else n} {noun}{'' if n == 1 else 's'}"


# ------------------------------------------------------------------ for the dashboard
def deadline_items(session: Session, today: date) -> list[tuple[str, dict[str, Any], Deadline]]:
    """(id, state, deadline) of every overdue or soon-due deadline of complaints in scope."""
    calendar, settings = school_calendar(session.store), current_settings(session.store)
    out = []
    for record_id, state in queries_district.open_complaint_states(session.store, session.scope):
        if not _can_view(session, state.get("school_id")):
            continue
        for d in open_deadlines(state, calendar, settings, today):
            if d.state != "ok":
                out.append((record_id, state, d))
    return out
