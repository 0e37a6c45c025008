"""Agreements with law enforcement agencies that supply safety and security staff (P17-P19).

District administrators keep the registry (`MANAGE_AGREEMENTS`); everyone who
may view records can read it. An agreement is marked adopted only through
`adopt_agreement`, which refuses with every unmet condition: each P18 item
confirmed with a note or a document, a public comment period of at least the
setting's days (P19), and a board approval dated after the period closed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from safetydesk.domain.agreements import (
    AGREEMENT_RECORD_TYPE,
    CONTENT_BY_KEY,
    REQUIRED_CONTENTS,
    AgreementDraft,
    Reminder,
    adoption_problems,
    in_effect,
    item_confirmed,
    next_review_due,
    review_reminder,
    validate_agreement,
)
from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError, parse_date
from safetydesk.services import attachments, kernel
from safetydesk.services.context import Session, service
from safetydesk.services.doors import Doors
from safetydesk.services.settings import current as current_settings
from safetydesk.store import queries, queries_district

T = AGREEMENT_RECORD_TYPE
M = Permission.MANAGE_AGREEMENTS


def _validate(session: Session, draft: AgreementDraft) -> list[FieldError]:
    schools = {s["id"]: s["name"] for s in queries.schools(session.store, include_inactive=True)}
    errors = validate_agreement(draft, schools)
    errors += attachments.check_attachments(session, draft.documents, "documents")
    errors += attachments.check_attachments(session, [c["document_id"] for c in draft.contents.values()
                                             if c.get("document_id")], "contents")
    return errors


def _adoption_guard(session: Session, state: dict[str, Any], new: dict[str, Any]) -> None:
    """An adopted agreement stays adoptable: a correction that would break a condition of adoption
    (P18, P19) is refused."""
    if state.get("adopted"):
        problems = adoption_problems(state | new | {"adopted": False}, current_settings(session.store))
        if problems:
            raise ValidationFailed(problems, "This agreement is adopted; the correction would break a "
                                             "condition of its adoption and was not saved.")


def _rows(store: Any, offset: int, limit: int, include_retracted: bool = False,
          scope: Any = None) -> list[dict[str, Any]]:
    """The list query (agreements are district records: ``scope`` does not narrow them)."""
    return queries_district.list_agreements(store, include_retracted)[offset:offset + limit]


KIND = kernel.RecordKind(T, AgreementDraft, "agreement", _validate, write=M, retract=M,
                         scope=kernel.Scope.DISTRICT, amend_guard=_adoption_guard, lister=_rows,
                         append_only=("documents", "reviews"))


@service(M)
def check_agreement(session: Session, draft: AgreementDraft) -> list[FieldError]:
    return _validate(session, draft)


@service(M)
def add_agreement(session: Session, draft: AgreementDraft) -> str:
    return kernel.create(session, KIND, draft, {"adopted": False, "adopted_date": "", "adopted_by": "",
                                                "reviews": []})


_doors = Doors[AgreementDraft](KIND, __name__)
amend_agreement = _doors.amend("amend_agreement", doc="Correct an agreement. An adopted agreement stays "
                               "adoptable: a correction that would break a condition of adoption (P18, "
                               "P19) is refused.")
retract_agreement = _doors.retract("retract_agreement")


@service(M)
def attach_document(session: Session, name: str, data: bytes) -> str:
    """Store a document (the signed agreement, board minutes, ...) in the data file; returns its id."""
    return attachments.add_attachment(session, name, data, "", "agreement")


@service(M)
def add_document(session: Session, record_id: str, name: str, data: bytes) -> str:
    """Attach a document to an agreement's document list; returns the document's id."""
    with kernel.transaction(session):
        state = kernel.load(session, KIND, record_id)
        doc = attachments.add_attachment(session, name, data, "", "agreement")
        kernel.change(session, KIND, record_id, state, {"documents": [*(state.get("documents") or []), doc]},
                          f"Document attached: {name}")
    return doc


@service(Permission.VIEW_RECORDS)
def open_document(session: Session, attachment_id: str) -> tuple[str, str, bytes]:
    return attachments.read_attachment(session, attachment_id, Permission.VIEW_RECORDS)


@service(M)
def confirm_content(session: Session, record_id: str, key: str, note: str = "",
                    document_id: str = "") -> None:
    """P18: confirm that the agreement contains a required item, with a note (for example the
    section where it says so) or a document."""
    state = kernel.load(session, KIND, record_id)
    errors = []
    if key not in CONTENT_BY_KEY:
        errors.append(FieldError("contents", f"“{key}” is not one of the required contents "
                                             f"({', '.join(CONTENT_BY_KEY)})."))
    entry = {"note": note.strip(), "document_id": document_id, "by": session.actor.username,
             "on": session.clock().date().isoformat()}
    if not item_confirmed(entry):
        errors.append(FieldError("contents", "Confirm the item with a note (for example “Section 4.2”) "
                                             "or a document."))
    if document_id:
        errors += attachments.check_attachments(session, [document_id], "contents")
    if errors:
        raise ValidationFailed(errors, "The item was not confirmed.")
    contents = dict(state.get("contents") or {})
    contents[key] = entry
    kernel.change(session, KIND, record_id, state, {"contents": contents}, f"Required content {key} confirmed")


@service(M)
def confirm_with_document(session: Session, record_id: str, key: str, note: str, name: str,
                          data: bytes) -> str:
    """P18: store a document and confirm a required item with it, in one transaction (a refused
    confirmation keeps no orphan file). Returns the document's id."""
    with kernel.transaction(session):
        doc = attachments.add_attachment(session, name, data, "", "agreement")
        confirm_content(session, record_id, key, note, doc)
    return doc


@service(Permission.VIEW_RECORDS)
def adoption_check(session: Session, record_id: str) -> list[FieldError]:
    """What still stands in the way of marking the agreement adopted (empty: nothing)."""
    state = kernel.load(session, KIND, record_id)
    return adoption_problems(state, current_settings(session.store))


@service(M)
def adopt_agreement(session: Session, record_id: str, expected_version: int | None = None) -> None:
    """Mark the agreement adopted. Refuses, naming every failed condition (P17, P18, P19)."""
    state = kernel.load(session, KIND, record_id)
    problems = adoption_problems(state, current_settings(session.store))
    if problems:
        raise ValidationFailed(problems, "The agreement cannot be marked adopted yet.")
    kernel.change(session, KIND, record_id, state,
                  {"adopted": True, "adopted_date": state["board_approval_date"],
                   "adopted_by": session.actor.username},
                  f"Adopted: board resolution {state['board_resolution']}", expected_version=expected_version)


@service(M)
def record_review(session: Session, record_id: str, review_date: date | str, note: str) -> None:
    """P17: the yearly review took place. Moves the next reminder a year on."""
    state = kernel.load(session, KIND, record_id)
    day = review_date if isinstance(review_date, date) else parse_date(review_date)
    errors = []
    if day is None:
        errors.append(FieldError("review_date", "Enter the review date as YYYY-MM-DD."))
    elif day > session.clock().date():
        errors.append(FieldError("review_date", "The review date is in the future."))
    if not note.strip():
        errors.append(FieldError("note", "Say what the review concluded (for example: no changes; "
                                         "board approval on the next agenda)."))
    if errors:
        raise ValidationFailed(errors, "The review was not recorded.")
    assert day is not None
    reviews = [*(state.get("reviews") or []), {"date": day.isoformat(), "note": note.strip(),
                                                "by": session.actor.username}]
    kernel.change(session, KIND, record_id, state, {"review_date": day.isoformat(), "reviews": reviews},
                  f"Annual review recorded ({day.isoformat()})")


def _status_of(state: dict[str, Any], today: date) -> str:
    if state.get("adopted"):
        return "adopted, in effect" if in_effect(state, today) else "adopted"
    return "not adopted"


@service(Permission.VIEW_RECORDS)
def list_agreements(session: Session, include_retracted: bool = False, offset: int = 0,
                    limit: int = 1000) -> list[dict[str, Any]]:
    """The agreements (a page of them), each with its status, next review date and reminder."""
    today = session.clock().date()
    settings = current_settings(session.store)
    rows = kernel.list_records(session, KIND, offset, limit, include_retracted=include_retracted)
    for r in rows:
        state = session.store.state(T, r["id"]) or {}
        due = next_review_due(state)
        reminder = review_reminder(state, settings, today)
        r["contents_total"] = len(REQUIRED_CONTENTS)
        r["status"] = _status_of(state, today)
        r["next_review_due"] = due.isoformat() if due else ""
        r["reminder"] = reminder.title if reminder else ""
    return rows


@service(Permission.VIEW_RECORDS)
def get_agreement(session: Session, record_id: str) -> dict[str, Any]:
    out = kernel.get(session, KIND, record_id)
    state = out["state"]
    today = session.clock().date()
    contents = state.get("contents") or {}
    out["checklist"] = [
        {"key": i.key, "part": i.part, "text": i.text, "confirmed": item_confirmed(contents.get(i.key)),
         **(contents.get(i.key) or {})} for i in REQUIRED_CONTENTS
    ]
    out["adoption_problems"] = [] if state.get("adopted") else adoption_problems(
        state, current_settings(session.store))
    due = next_review_due(state)
    out["next_review_due"] = due
    out["status"] = _status_of(state, today)
    return out


agreement_history = _doors.history("agreement_history")


def reminders(session: Session, today: date) -> list[tuple[str, dict[str, Any], Reminder]]:
    """(id, state, reminder) of agreements whose annual review is due within a reminder window."""
    settings = current_settings(session.store)
    out = []
    for record_id, state in queries_district.agreement_states(session.store):
        reminder = review_reminder(state, settings, today)
        if reminder:
            out.append((record_id, state, reminder))
    return out


def not_adopted_in_effect(session: Session, today: date) -> list[tuple[str, dict[str, Any]]]:
    """Agreements already in effect that have not been marked adopted (flagged on the dashboard)."""
    return [(rid, st) for rid, st in queries_district.agreement_states(session.store)
            if not st.get("adopted") and in_effect(st, today)]
