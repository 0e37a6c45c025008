"""The record of disclosures (P24, 34 CFR 99.32): who received which student records, why.

Any print or export that names a student for someone outside the school needs
a `DisclosureDraft`; the entry (with the SHA-256 of the exact file) is written
before the file, so there is never a file without its entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from safetydesk.domain.records import Draft
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import Labelled, vocabulary

DISCLOSURE = "disclosure"


class DisclosureBasis(Labelled):
    """The legal basis of a disclosure of personally identifiable information (20 U.S.C. 1232g)."""

    CONSENT, SCHOOL_OFFICIAL, EMERGENCY, SUBPOENA, OTHER = vocabulary("""
        consent                  Written consent of the parent or eligible student
        school_official          School official with a legitimate educational interest
        health_safety_emergency  Health or safety emergency
        subpoena_court_order     Subpoena or court order
        other                    Other (describe)
    """)


@dataclass
class DisclosureDraft(Draft):
    record_type: ClassVar[str] = DISCLOSURE
    recipient: str = ""
    organisation: str = ""
    legal_basis: str = ""
    # Emergency: the threat; subpoena or court order: its reference; other: the basis.
    basis_detail: str = ""
    note: str = ""


@dataclass
class Disclosure:
    """One entry of the record of disclosures, as stored."""

    recipient: str
    organisation: str
    legal_basis: str
    basis_detail: str
    released_at: str  # ISO date and time
    released_by: str
    report: str
    file_name: str
    sha256: str
    records: list[list[str]] = field(default_factory=list)  # [record_type, record_id]
    student_ids: list[str] = field(default_factory=list)
    school_id: str = ""
    note: str = ""
    # Who released it in what capacity: the role, and the permission it held (P23).
    released_by_role: str = ""
    permission: str = ""


def validate_disclosure(d: DisclosureDraft) -> list[FieldError]:
    errors = []
    if not d.recipient.strip():
        errors.append(FieldError("recipient", "Name the person who receives the records."))
    if not d.organisation.strip():
        errors.append(FieldError("organisation", "Name the recipient's organisation (for example the police "
                                 "department), or write “private individual”."))
    if d.legal_basis not in DisclosureBasis._value2member_map_:
        errors.append(FieldError("legal_basis", "Choose the legal basis: consent, school official, health or "
                                 "safety emergency, subpoena or court order, or other."))
    elif d.legal_basis == DisclosureBasis.EMERGENCY and not d.basis_detail.strip():
        errors.append(FieldError("basis_detail", "Describe the articulable and significant threat to health "
                                 "or safety that makes this disclosure necessary (34 CFR 99.36)."))
    elif d.legal_basis == DisclosureBasis.SUBPOENA and not d.basis_detail.strip():
        errors.append(FieldError("basis_detail", "Give the subpoena or court order (court, case number, date)."))
    elif d.legal_basis == DisclosureBasis.OTHER and not d.basis_detail.strip():
        errors.append(FieldError("basis_detail", "Describe the legal basis for this disclosure."))
    return errors
