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


def disclosure_changes(session: Session, draft: DisclosureDraft, *, report: str, file_name: str, data: bytes,
                       records: list[tuple[str, str]], student_ids: list[str], school_id: str = "") -> Change:
    """The history entry of one disclosure of one file (validated; not yet written)."""
    check(draft)
    entry = Disclosure(
        recipient=draft.recipient.strip(), organisation=draft.organisation.strip(),
        legal_basis=draft.legal_basis, basis_detail=draft.basis_detail.strip(),
        released_at=session.clock().isoformat(timespec="seconds"), released_by=session.actor.username,
        report=report, file_name=file_name, sha256=sha256(data),
        records=[list(r) for r in records], student_ids=sorted(set(student_ids)), school_id=school_id,
        note=draft.note.strip())
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
