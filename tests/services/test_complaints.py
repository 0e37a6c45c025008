"""Complaints through the services (P16): intake, anonymity, the whole workflow, deadlines on the
dashboard, the response letter, permissions per role, history."""

from datetime import date, datetime

import pytest

from safetydesk.domain.complaints import ComplaintDraft
from safetydesk.domain.errors import NotFound, PermissionDenied, SafetyDeskError, ValidationFailed
from safetydesk.domain.records import UserDraft
from safetydesk.domain.school_calendar import SchoolCalendarDraft
from safetydesk.domain.settings import DistrictSettings
from safetydesk.services import accounts, audit, calendar, complaints, dashboard
from safetydesk.services import settings as settings_service
from safetydesk.services.context import Session

NOW = datetime(2025, 10, 6, 9, 0)  # a Monday


def at(session: Session, when: datetime) -> Session:
    return Session(session.store, session.actor, clock=lambda: when)


def user(world, username, role, schools, when=NOW) -> Session:
    accounts.create_user(world.session, UserDraft(username=username, display_name=username, role=role,
                                                  schools=schools), "a long enough pw")
    return Session(world.session.store, accounts.actor_for(world.session.store, username), clock=lambda: when)


def draft(world, **kw) -> ComplaintDraft:
    base = dict(received_date="2025-10-06", channel="phone", received_by="Front office, Sam Lee",
                school_id=world.high, complainant_name="Pat Rivera", complainant_relationship="parent",
                contact_phone="360-555-0101", contact_address="1234 Cedar Street\nOlympia, WA 98501",
                preferred_language="Spanish", interpreter_needed=True, staff_ids=[world.sro],
                incident_date="2025-10-02", incident_place="Main entrance",
                student_ids=[world.students[0]],
                allegations=[{"text": "Raised his voice and called my son a troublemaker"},
                             {"text": "Searched his backpack without an administrator"}],
                narrative="My son says the officer yelled at him at the entrance.")
    base.update(kw)
    return ComplaintDraft(**base)


@pytest.mark.policy("P16")
def test_intake_gives_a_confirmation_number_and_the_deadlines(world):
    s = at(world.session, NOW)
    filed = complaints.file_complaint(s, draft(world))
    assert filed.acknowledge_by == date(2025, 10, 13) and filed.respond_by == date(2025, 11, 20)
    assert complaints.find_by_confirmation(s, filed.confirmation.lower().replace("-", " ")) == filed.id
    shown = complaints.get_complaint(s, filed.id)
    st = shown["state"]
    assert st["status"] == "received" and st["confirmation"] == filed.confirmation
    assert [a["id"] for a in st["allegations"]] == ["A1", "A2"]
    assert st["preferred_language"] == "Spanish" and st["interpreter_needed"] is True
    assert [p["name"] for p in shown["staff"]] == ["Officer Morgan Vale"]
    assert [p["first_name"] for p in shown["students"]] == ["Avery"]
    assert shown["next_steps"] == ["acknowledged"]
    rows = complaints.list_complaints(s)
    assert rows[0]["staff_names"] == "Officer Morgan Vale" and rows[0]["next_due"] == "2025-10-13"
    assert complaints.list_complaints(s, student_id=world.students[0])[0]["id"] == filed.id
    assert complaints.count_complaints(s, text="troublemaker") == 1
    assert complaints.count_complaints(s, text=filed.confirmation) == 1
    assert complaints.complaint_counts(s, "2025-26") == [{"school_id": world.high, "status": "received",
                                                          "count": 1}]


@pytest.mark.policy("P16")
def test_an_anonymous_complaint_stores_no_contact_details_anywhere(world):
    s = at(world.session, NOW)
    with pytest.raises(ValidationFailed, match="anonymous"):
        complaints.file_complaint(s, draft(world, anonymous=True))
    filed = complaints.file_complaint(s, draft(world, anonymous=True, complainant_name="", contact_phone="",
                                               contact_address=""))
    state = complaints.get_complaint(s, filed.id)["state"]
    assert all(state[f] == "" for f in ("complainant_name", "contact_phone", "contact_email", "contact_address"))
    history_text = " ".join(str(e.changes) for e in complaints.complaint_history(s, filed.id))
    assert "Pat Rivera" not in history_text and "555-0101" not in history_text
    # the family can still follow it by its number
    assert complaints.find_by_confirmation(s, filed.confirmation) == filed.id


@pytest.mark.policy("P16")
def test_the_whole_workflow_with_findings_notes_appeal_and_close(world):
    s = at(world.session, datetime(2025, 12, 1, 9, 0))
    filed = complaints.file_complaint(s, draft(world))
    cid = filed.id
    complaints.take_step(s, cid, "acknowledged", "received", "2025-10-08", "Letter mailed in Spanish")
    with pytest.raises(ValidationFailed, match="investigator"):
        complaints.take_step(s, cid, "investigating", "acknowledged", "2025-10-09")
    complaints.assign_investigator(s, cid, "Dr. Lena Ortiz")
    complaints.take_step(s, cid, "investigating", "acknowledged", "2025-10-09")
    complaints.add_investigation_note(s, cid, "Interviewed two student witnesses.")
    complaints.add_investigation_note(s, cid, "Reviewed the entrance camera footage.")
    with pytest.raises(ValidationFailed, match="missing: A2"):
        complaints.record_findings(s, cid, {"A1": "sustained"})
        complaints.take_step(s, cid, "findings", "investigating", "2025-11-01")
    complaints.record_findings(s, cid, {"A2": {"finding": "exonerated", "note": "Consent was given."}})
    with pytest.raises(ValidationFailed, match="no allegation A9"):
        complaints.record_findings(s, cid, {"A9": "unfounded"})
    complaints.take_step(s, cid, "findings", "investigating", "2025-11-01")
    complaints.take_step(s, cid, "response_sent", "findings", "2025-11-03")
    complaints.take_step(s, cid, "appealed", "response_sent", "2025-11-10", "Family disputes finding A2")
    with pytest.raises(ValidationFailed, match="outcome of the appeal"):
        complaints.take_step(s, cid, "closed", "appealed", "2025-11-24")
    complaints.take_step(s, cid, "closed", "appealed", "2025-11-24", "Superintendent upheld the findings")

    st = complaints.get_complaint(s, cid)["state"]
    assert st["status"] == "closed" and st["appeal_outcome"] == "Superintendent upheld the findings"
    assert [(x["from"], x["to"], x["by"]) for x in st["steps"]] == [
        ("received", "acknowledged", "admin"), ("acknowledged", "investigating", "admin"),
        ("investigating", "findings", "admin"), ("findings", "response_sent", "admin"),
        ("response_sent", "appealed", "admin"), ("appealed", "closed", "admin")]
    assert st["acknowledged_date"] == "2025-10-08" and st["response_date"] == "2025-11-03"
    assert [n["text"] for n in st["notes"]] == ["Interviewed two student witnesses.",
                                                "Reviewed the entrance camera footage."]
    assert [(a["id"], a["finding"]) for a in st["allegations"]] == [("A1", "sustained"), ("A2", "exonerated")]
    history = complaints.complaint_history(s, cid)
    assert any("Acknowledged" in e.reason and "Letter mailed" in e.reason for e in history)
    # notes are append-only: each note is written as a list addition of that note alone
    notes_entries = [e for e in history if "notes" in e.changes and e.action == "amend"]
    assert [e.changes["notes"] for e in notes_entries] == [["+", [n]] for n in st["notes"]]
    with pytest.raises(ValidationFailed, match="it is closed"):
        complaints.take_step(s, cid, "appealed", "closed")
    assert s.store.verify() == []
    s.store.rebuild_derived()  # the typed rows and the search index come back from the history
    assert s.store.verify() == []
    assert complaints.count_complaints(s, text="troublemaker", status="closed") == 1


@pytest.mark.policy("P16")
def test_a_step_taken_meanwhile_by_someone_else_is_refused(world):
    s = at(world.session, NOW)
    cid = complaints.file_complaint(s, draft(world)).id
    complaints.take_step(s, cid, "acknowledged", "received")
    before = s.store.history_count()
    with pytest.raises(ValidationFailed, match="someone else has taken a step"):
        complaints.take_step(s, cid, "acknowledged", "received")
    assert s.store.history_count() == before


@pytest.mark.policy("P16")
def test_the_response_deadline_extends_to_90_days_with_a_reason(world):
    s = at(world.session, NOW)
    cid = complaints.file_complaint(s, draft(world)).id
    with pytest.raises(ValidationFailed, match="why the response needs more time"):
        complaints.extend_response_deadline(s, cid, 75, " ")
    with pytest.raises(ValidationFailed, match="at most 90 days"):
        complaints.extend_response_deadline(s, cid, 91, "Witness on leave")
    assert complaints.extend_response_deadline(s, cid, 75, "Witness on leave") == date(2025, 12, 20)
    state = complaints.get_complaint(s, cid)["state"]
    assert state["extension_days"] == 75 and state["extension_reason"] == "Witness on leave"


@pytest.mark.policy("P16")
def test_overdue_and_due_soon_complaints_are_on_the_dashboard(world):
    s = at(world.session, NOW)
    # 2025-26 calendar: Friday 10 Oct is a staff day, so "acknowledge by" moves to Tuesday 14 Oct.
    calendar.save_calendar(s, SchoolCalendarDraft("2025-26", [{"date": "2025-10-10", "note": "Staff day"}]))
    filed = complaints.file_complaint(s, draft(world))
    assert filed.acknowledge_by == date(2025, 10, 14)
    old = complaints.file_complaint(s, draft(world, received_date="2025-08-20", incident_date="2025-08-19")).id
    complaints.take_step(s, old, "acknowledged", "received", "2025-08-21")

    def items(today):
        return [(i.record_id, i.severity, i.due) for i in dashboard.dashboard_items(s, today)
                if i.category == "complaint"]

    assert (filed.id, "due_soon", date(2025, 10, 14)) in items(date(2025, 10, 9))
    assert (filed.id, "overdue", date(2025, 10, 14)) in items(date(2025, 10, 15))
    assert (old, "overdue", date(2025, 10, 4)) in items(date(2025, 10, 6))  # 45 days after 20 Aug
    complaints.take_step(at(s, datetime(2025, 10, 15, 9)), filed.id, "acknowledged", "received")
    assert [x for x in items(date(2025, 10, 15)) if x[0] == filed.id] == []
    first = next(i for i in dashboard.dashboard_items(s, date(2025, 10, 15)) if i.category == "complaint")
    assert first.severity == "overdue" and first.open_with == {"record_id": old}
    assert first.school_name == "Birch High School" and "was due 2025-10-04" in first.detail
    assert s.store.verify() == []


@pytest.mark.policy("P16")
def test_the_deadline_settings_are_used(world):
    s = at(world.session, NOW)
    settings_service.update_settings(s, DistrictSettings(complaint_ack_school_days=2,
                                                         complaint_response_days=30), "Board policy change")
    filed = complaints.file_complaint(s, draft(world))
    assert filed.acknowledge_by == date(2025, 10, 8) and filed.respond_by == date(2025, 11, 5)


@pytest.mark.policy("P16")
def test_the_response_letter_needs_findings_and_is_audited_as_a_print(world):
    s = at(world.session, datetime(2025, 11, 14, 9))
    cid = complaints.file_complaint(s, draft(world)).id
    with pytest.raises(ValidationFailed, match="once findings are made"):
        complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal")
    complaints.take_step(s, cid, "acknowledged", "received", "2025-10-07")
    complaints.assign_investigator(s, cid, "Dr. Lena Ortiz")
    complaints.take_step(s, cid, "investigating", "acknowledged", "2025-10-08")
    complaints.record_findings(s, cid, {"A1": "sustained", "A2": "unfounded"})
    complaints.take_step(s, cid, "findings", "investigating", "2025-11-10")
    with pytest.raises(ValidationFailed, match="Address on letters"):  # no letter before the district's address
        complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal")
    settings_service.update_settings(s, DistrictSettings(letterhead_address="1113 Legion Way SE"), "Letterhead")
    letter = complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal, Birch High School")
    assert letter.recipient_lines == ("Pat Rivera", "1234 Cedar Street", "Olympia, WA 98501")
    assert [(a.number, a.finding) for a in letter.allegations] == [("A1", "Sustained"), ("A2", "Unfounded")]
    assert letter.district_name == "Fictional Valley School District"
    assert letter.staff_named == "Officer Morgan Vale" and letter.preferred_language == "Spanish"
    prints = audit.audit_trail(s, record_id=cid, action="print")
    assert len(prints) == 1 and "Response letter" in prints[0].reason


@pytest.mark.policy("P16")
@pytest.mark.policy("P23")
def test_who_may_file_investigate_and_see_complaints(world):
    office = user(world, "office1", "front_office", [world.high])
    other_office = user(world, "office2", "front_office", [world.elementary])
    sro = user(world, "sro1", "safety_staff", [world.high])
    principal = user(world, "principal1", "principal", [world.high])
    reviewer = user(world, "reviewer1", "reviewer", [])
    cid = complaints.file_complaint(office, draft(world)).id
    complaints.take_step(office, cid, "acknowledged", "received")  # the front office acknowledges
    with pytest.raises(PermissionDenied):
        complaints.assign_investigator(office, cid, "Ms. Park")
    complaints.assign_investigator(principal, cid, "Ms. Park")
    complaints.add_investigation_note(principal, cid, "Called the family.")
    # the front office sees the complaint but not the investigation notes
    shown = complaints.get_complaint(office, cid)
    assert shown["state"]["notes"] == [] and shown["state"]["notes_hidden"] == 1
    assert len(complaints.get_complaint(principal, cid)["state"]["notes"]) == 1
    # safety staff never see complaints (they are about them)
    with pytest.raises(PermissionDenied, match=r"not allowed to (see|view) complaints"):
        complaints.get_complaint(sro, cid)
    with pytest.raises(PermissionDenied):
        complaints.list_complaints(sro)
    assert all(i.category != "complaint" for i in dashboard.dashboard_items(sro, date(2025, 12, 1)))
    # another school's front office neither sees nor files here
    assert complaints.list_complaints(other_office) == []
    with pytest.raises(PermissionDenied):
        complaints.get_complaint(other_office, cid)
    with pytest.raises(PermissionDenied):
        complaints.file_complaint(other_office, draft(world))
    with pytest.raises(NotFound):
        complaints.find_by_confirmation(other_office, complaints.get_complaint(office, cid)["state"]["confirmation"])
    # a reviewer reads, never writes
    assert complaints.get_complaint(reviewer, cid)["id"] == cid
    with pytest.raises(PermissionDenied):
        complaints.file_complaint(reviewer, draft(world))


@pytest.mark.policy("P25")
def test_amend_keeps_findings_and_retract_keeps_the_original(world):
    s = at(world.session, NOW)
    cid = complaints.file_complaint(s, draft(world)).id
    opened = complaints.get_complaint(s, cid)
    d = opened["draft"]
    d.referral_agency, d.referral_date, d.referral_case_number = "Fictional Valley PD", "2025-10-06", "FV-2025-0192"
    changed = complaints.amend_complaint(s, cid, d, "Referred to the police department",
                                         expected_version=opened["version"])
    assert changed == ["referral_agency", "referral_case_number", "referral_date"]
    assert complaints.complaint_history(s, cid)[-1].reason == "Referred to the police department"
    with pytest.raises(SafetyDeskError, match="changed this complaint after you opened it"):
        complaints.amend_complaint(s, cid, d, "again", expected_version=opened["version"])
    complaints.retract_complaint(s, cid, "Entered twice")
    assert complaints.list_complaints(s) == []
    kept = complaints.get_complaint(s, cid)["state"]
    assert kept["retracted"] is True and kept["narrative"].startswith("My son")
    with pytest.raises(ValidationFailed, match="retracted"):
        complaints.take_step(s, cid, "acknowledged", "received")


@pytest.mark.policy("P14")
def test_complaint_text_that_records_immigration_status_is_refused_naming_the_sentence(world):
    from safetydesk.domain.immigration_guard import ImmigrationDataWarning

    s = world.session
    before = s.store.history_count()
    with pytest.raises(ImmigrationDataWarning) as info:
        complaints.file_complaint(s, draft(world, narrative="The officer was rude. His mother is undocumented."))
    assert any("undocumented" in sentence for sentence in info.value.sentences)
    assert s.store.history_count() == before
