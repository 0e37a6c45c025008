"""Shared builders for the everyday-record tests (fictional people only)."""

from __future__ import annotations

from safetydesk.domain.records import UserDraft
from safetydesk.services import accounts
from safetydesk.services.context import Session


def le_activity(student_id: str, **overrides) -> dict:
    base = {"type": "interview_interrogation", "student_id": student_id, "officer": "Officer Morgan Vale",
            "officer_staff_id": "", "agency": "Fictional Valley Police Department",
            "authorised_by": "Dr. Lena Ortiz, principal", "legal_basis": "consent", "student_age": 15,
            "administrator_present": True, "administrator_name": "Dr. Lena Ortiz",
            "removed_from_school": False}
    base.update(overrides)
    return base


def attorney(student_id: str, *, interrogation=False, detention=False, consent=False, access=False,
             exception=False, waiver=None) -> dict:
    entry = {"student_id": student_id, "custodial_interrogation": interrogation,
             "probable_cause_detention": detention, "consent_search_request": consent,
             "access_given": access, "exception_claimed": exception}
    if access:
        entry |= {"access_at": "2025-10-03T10:40", "access_mode": "phone",
                  "provider": "Fictional County Public Defense"}
    if exception:
        entry["exception_justification"] = "Imminent threat to life: a weapon was reported on campus."
    if waiver is not None:
        entry["waiver_after_consultation"] = waiver
    return entry


def law_enforcement_draft(world, **overrides):
    student = world.students[0]
    base = dict(type="law_enforcement", alternatives_considered=["counselor_referral"],
                le_activities=[le_activity(student, officer_staff_id=world.sro)],
                attorney_access=[attorney(student)],
                notifications=[{"at": "2025-10-03T10:30", "method": "phone", "by": "Front office",
                                "contact": "Parent", "result": "reached"}])
    base.update(overrides)
    return world.draft(**base)


def user(world, username: str, role: str, schools: list[str]) -> Session:
    accounts.create_user(world.session, UserDraft(username=username, display_name=username, role=role,
                                                  schools=schools), "a long enough pw")
    return Session(world.session.store, accounts.actor_for(world.session.store, username))
