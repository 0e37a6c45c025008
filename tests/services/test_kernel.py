"""The record kernel: every record type is created, amended, retracted and shown one way.

Each case below goes through the public use-case functions the window calls
(``log_interaction``, ``file_complaint``, ...), so these tests fail if one of
them stops going through the kernel's rules: the bookkeeping fields, the
reason, the stale-copy refusal, no change to a retracted record, P14 on every
free text written (the reason too), and one history entry per save.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from safetydesk.domain.agreements import AgreementDraft
from safetydesk.domain.attachments import ATTACHMENT_RECORD_TYPE
from safetydesk.domain.changes import DRAFT
from safetydesk.domain.climate import ClimateDraft
from safetydesk.domain.complaints import ComplaintDraft
from safetydesk.domain.errors import SafetyDeskError, ValidationFailed
from safetydesk.domain.immigration_guard import ImmigrationDataWarning
from safetydesk.domain.interventions import InterventionDraft
from safetydesk.domain.outside_requests import OutsideRequestDraft
from safetydesk.domain.records import RULES_VERSION, StaffDraft, bookkeeping
from safetydesk.domain.staff_training import TrainingDraft
from safetydesk.services import (
    admin,
    agreements,
    climate,
    complaints,
    interactions,
    interventions,
    outside_requests,
    registry,
    staff,
)
from safetydesk.services.context import Session

NOW = datetime(2025, 10, 6, 9, 0)


@dataclass(frozen=True)
class Case:
    record_type: str
    noun: str
    draft: Callable[[Any], Any]
    create: Callable[[Session, Any], str]
    amend: Callable[..., list[str]]
    retract: Callable[[Session, str, str], None]
    get: Callable[[Session, str], dict[str, Any]]
    history: Callable[[Session, str], list[Any]]
    field: str  # a free-text field to correct


def _complaint(world):
    return ComplaintDraft(received_date="2025-10-06", channel="phone", received_by="Front office",
                          school_id=world.high, complainant_name="Pat Rivera", complainant_relationship="parent",
                          contact_phone="360-555-0101", staff_ids=[world.sro], incident_date="2025-10-02",
                          incident_place="Main entrance", student_ids=[world.students[0]],
                          allegations=[{"text": "Raised his voice at my son"}], narrative="At the entrance.")


CASES = [
    Case("interaction", "interaction", lambda w: w.draft(), interactions.log_interaction,
         interactions.amend_interaction, interactions.retract_interaction, interactions.get_interaction,
         interactions.interaction_history, "narrative"),
    Case("intervention_request", "intervention request",
         lambda w: InterventionDraft(requested_at="2025-10-03T09:40", school_id=w.high, location="Room 214",
                                     requester_name="Ms. Dana Park", requester_role="teacher",
                                     ground="b_disruption", description="Chairs thrown; class evacuated.",
                                     students=[w.students[1]], responding_staff=[w.guard],
                                     response_at="2025-10-03T09:44", outcome="to_office"),
         interventions.log_request, interventions.amend_request, interventions.retract_request,
         interventions.get_request, interventions.request_history, "description"),
    Case("climate_activity", "climate activity",
         lambda w: ClimateDraft(activity_date="2025-10-02", school_id=w.high, staff=[w.sro],
                                activity_type="assembly", note="Spoke at the fall safety assembly."),
         climate.log_activity, climate.amend_activity, climate.retract_activity, climate.get_activity,
         climate.activity_history, "note"),
    Case("outside_request", "outside request",
         lambda w: OutsideRequestDraft(received_on="2025-10-01", school_id=w.high, agency="A federal agency",
                                       document_type="administrative_warrant", description="Asked for a schedule.",
                                       routed_to="Superintendent's office", response="declined",
                                       responded_on="2025-10-02"),
         outside_requests.log_request, outside_requests.amend_request, outside_requests.retract_request,
         outside_requests.get_request, outside_requests.request_history, "description"),
    Case("complaint", "complaint", _complaint, lambda s, d: complaints.file_complaint(s, d).id,
         complaints.amend_complaint, complaints.retract_complaint, complaints.get_complaint,
         complaints.complaint_history, "narrative"),
]


def _at(session: Session) -> Session:
    return Session(session.store, session.actor, clock=lambda: NOW)


@pytest.mark.policy("P25")
@pytest.mark.parametrize("case", CASES, ids=[c.record_type for c in CASES])
def test_every_kind_is_saved_amended_and_retracted_by_the_same_rules(world, case):
    s = _at(world.session)
    rid = case.create(s, case.draft(world))
    opened = case.get(s, rid)
    state = opened["state"]
    assert {k: state[k] for k in bookkeeping("")} == bookkeeping(s.actor.username)
    assert state["rules_version"] == RULES_VERSION
    version = opened["version"]
    draft = opened["draft"]

    setattr(draft, case.field, getattr(draft, case.field) + " Corrected.")
    with pytest.raises(ValidationFailed, match=f"Say why the {case.noun}"):
        case.amend(s, rid, draft, "  ")
    with pytest.raises(ImmigrationDataWarning):  # P14: the reason is free text too
        case.amend(s, rid, draft, "Fixed; the student is not a US citizen.")
    assert case.amend(s, rid, draft, "Typo", version) == [case.field]
    with pytest.raises(SafetyDeskError, match=f"changed this {case.noun} after you opened it"):
        case.amend(s, rid, draft, "Again", version)  # the copy opened at `version` is stale now
    assert case.amend(s, rid, case.get(s, rid)["draft"], "Nothing differs") == []

    with pytest.raises(ValidationFailed, match="being retracted"):
        case.retract(s, rid, "")
    case.retract(s, rid, "Entered in error")
    with pytest.raises(SafetyDeskError, match="already retracted"):
        case.retract(s, rid, "Twice")
    with pytest.raises(SafetyDeskError, match="retracted"):
        case.amend(s, rid, draft, "After the retraction")
    entries = case.history(s, rid)
    assert [(e.action, e.reason) for e in entries] == [
        ("create", ""), ("amend", "Typo"), ("retract", "Entered in error")]
    assert s.store.verify() == []


@pytest.mark.parametrize("case", CASES, ids=[c.record_type for c in CASES])
def test_one_save_is_one_write_that_reports_the_record_it_changed(world, case):
    s = _at(world.session)
    s.take_changes()
    before = s.store.history_count()
    rid = case.create(s, case.draft(world))
    assert s.store.history_count() == before + 1
    assert (case.record_type, rid) in s.take_changes().records


def test_confirming_an_item_with_a_document_is_one_transaction(admin):
    s = admin
    aid = agreements.add_agreement(s, AgreementDraft(
        agency="Fictional Valley Police Department", title="SRO services", effective_start="2025-08-15",
        effective_end="2027-08-14", comment_start="2025-06-01", comment_end="2025-06-12",
        board_approval_date="2025-06-13", board_resolution="R-1"))
    files_before = len(list(s.store.states(ATTACHMENT_RECORD_TYPE)))
    with pytest.raises(ValidationFailed, match="not one of the required contents"):
        agreements.confirm_with_document(s, aid, "Z9", "", "signed.pdf", b"%PDF-1.7 signed")
    assert len(list(s.store.states(ATTACHMENT_RECORD_TYPE))) == files_before  # no orphan file
    doc = agreements.confirm_with_document(s, aid, "A1", "", "signed.pdf", b"%PDF-1.7 signed")
    checklist = {i["key"]: i for i in agreements.get_agreement(s, aid)["checklist"]}
    assert checklist["A1"]["confirmed"] and checklist["A1"]["document_id"] == doc
    assert agreements.open_document(s, doc)[2] == b"%PDF-1.7 signed"


def test_training_saved_with_its_file_in_one_transaction_keeps_no_file_when_refused(world):
    s = world.session
    sid = registry.add_staff(s, StaffDraft(name="Sam Rivera", category="campus_security",
                                           employer_type="district", start_date="2025-08-25",
                                           assignments=[{"school_id": world.high, "days_per_week": 5}]))
    files_before = len(list(s.store.states(ATTACHMENT_RECORD_TYPE)))
    bad = TrainingDraft(staff_id=sid, esd_issuer="ESD 113", esd_date="2099-01-01", esd_confirmed_on="2099-01-02",
                        esd_confirmed_by="District safety office")
    with pytest.raises(ValidationFailed):
        staff.record_training_with_file(s, bad, "esd.pdf", b"%PDF-1.4 certificate")
    assert len(list(s.store.states(ATTACHMENT_RECORD_TYPE))) == files_before
    good = TrainingDraft(staff_id=sid, esd_issuer="ESD 113", esd_date="2025-08-01", esd_reference="ESD-1",
                         esd_confirmed_by="District safety office", esd_confirmed_on="2025-08-20")
    staff.record_training_with_file(s, good, "esd.pdf", b"%PDF-1.4 certificate")
    saved = staff.get_training(s, sid)
    assert saved is not None and staff.read_file(s, saved.esd_file)[2] == b"%PDF-1.4 certificate"
    assert staff.is_trained(s, sid)


def test_a_save_and_the_discarding_of_its_draft_are_one_write(world):
    s = world.session
    admin.save_draft(s, "new-interaction", "interaction", "", {"narrative": "half typed"})
    bad = world.draft(school_id="")
    with pytest.raises(ValidationFailed):
        admin.save_discarding_draft(s, "new-interaction", interactions.log_interaction, bad)
    assert [d["key"] for d in admin.drafts(s)] == ["new-interaction"]  # refused: the draft is kept
    s.take_changes()
    rid = admin.save_discarding_draft(s, "new-interaction", interactions.log_interaction, world.draft())
    assert admin.drafts(s) == []
    # one committed write: the new record and the dropped draft, reported together
    assert s.take_changes().records == {("interaction", rid), (DRAFT, "new-interaction")}


def test_text_with_an_invisible_control_character_is_refused_with_the_field_named(world):
    with pytest.raises(ValidationFailed, match="narrative holds an invisible control character"):
        interactions.log_interaction(world.session, world.draft(narrative="Left the\x00 gym."))
    rid = interactions.log_interaction(world.session, world.draft(narrative="Left the gym.\n\tThen class."))
    assert interactions.get_interaction(world.session, rid)["draft"].narrative == "Left the gym.\n\tThen class."
