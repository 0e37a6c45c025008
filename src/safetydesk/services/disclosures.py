"""The record of disclosures (P24): written before any file that discloses student records leaves.

`services.reports.save` calls `disclosure_changes` for a print or export for
someone outside the school and appends the entry in the same transaction as
the audit entries, before the file is written: if the entry cannot be written,
no file is.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Any

from safetydesk.domain.disclosures import (
    DISCLOSURE,
    Disclosure,
    DisclosureDraft,
    validate_disclosure,
)
from safetydesk.domain.errors import NotFound, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import diff_states
from safetydesk.domain.vocab import Action
from safetydesk.services.context import Session, service
from safetydesk.store import Change, queries
from safetydesk.store import queries_everyday as qe
from safetydesk.store import queries_reports as qr


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check(draft: DisclosureDraft | None) -> DisclosureDraft:
    """Refuse (with every problem at once) a disclosure without recipient, organisation or basis."""
    if draft is None:
        raise ValidationFailed(
            ["This file names a student and is for someone outside the school: record the recipient, "
             "their organisation and the legal basis of the disclosure (FERPA, 34 CFR 99.32)."],
            "Nothing was printed or exported.")
    errors = validate_disclosure(draft)
    if errors:
        raise ValidationFailed(errors, "Nothing was printed or exported.")
    return draft


def authorise(session: Session, records: list[tuple[str, str]], student_ids: list[str]) -> list[str]:
    """Refuse, unless this account may disclose to an outside party at every school involved (P23).

    The schools are those of the records released and of the students they name.
    Returns those schools (sorted), which the disclosure entry records.
    """
    schools: set[str] = set()
    by_type: dict[str, list[str]] = {}
    for record_type, record_id in records:
        by_type.setdefault(record_type, []).append(record_id)
    for record_type, ids in by_type.items():
        for state in qe.states_of(session.store, record_type, ids).values():
            if state.get("school_id"):
                schools.add(str(state["school_id"]))
    ids = [s for s in student_ids if s and s != "(listing)"]
    for student in queries.students_by_id(session.store, ids).values():
        if student.get("school_id"):
            schools.add(str(student["school_id"]))
    session.require(Permission.DISCLOSE_OUTSIDE)
    for school in sorted(schools):
        session.require(Permission.DISCLOSE_OUTSIDE, school)
    return sorted(schools)


def disclosure_changes(session: Session, draft: DisclosureDraft, *, report: str, file_name: str, data: bytes,
                       records: list[tuple[str, str]], student_ids: list[str], school_id: str = "") -> Change:
    """The history entry of one disclosure of one file (validated and authorised; not yet written)."""
    check(draft)
    schools = authorise(session, records, student_ids)
    entry = Disclosure(
        recipient=draft.recipient.strip(), organisation=draft.organisation.strip(),
        legal_basis=draft.legal_basis, basis_detail=draft.basis_detail.strip(),
        released_at=session.clock().isoformat(timespec="seconds"), released_by=session.actor.username,
        report=report, file_name=file_name, sha256=sha256(data),
        records=[list(r) for r in records], student_ids=sorted(set(student_ids)),
        school_id=school_id or (schools[0] if len(schools) == 1 else ""),
        note=draft.note.strip(), released_by_role=session.actor.role.value,
        permission=Permission.DISCLOSE_OUTSIDE.value)
    return Change(DISCLOSURE, new_id(), Action.CREATE, diff_states(None, asdict(entry)),
                  f"Disclosed to {entry.recipient} ({entry.organisation})")


@service(Permission.VIEW_RECORDS)
def disclosures_of_student(session: Session, student_id: str) -> list[dict[str, Any]]:
    """Every disclosure of a student's records, oldest first (34 CFR 99.32: viewable by the family)."""
    student = queries.students_by_id(session.store, [student_id]).get(student_id)
    if student is None:
        raise NotFound("That student is not on this workstation's roster.")
    session.require(Permission.VIEW_RECORDS, student["school_id"] or None)
    return qr.disclosures_of_student(session.store, student_id)
