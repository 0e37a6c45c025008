"""Complaint rules (P16): intake validation, anonymity, workflow, confirmation numbers, deadlines."""

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetydesk.domain.complaints import (
    CONFIRMATION_ALPHABET,
    TRANSITIONS,
    ComplaintDraft,
    ComplaintStatus,
    StepRequest,
    extension_problems,
    new_confirmation_number,
    normalise_confirmation,
    number_allegations,
    open_deadlines,
    step_changes,
    step_problems,
    validate_complaint,
)
from safetydesk.domain.school_calendar import SchoolCalendar
from safetydesk.domain.settings import DistrictSettings
from safetydesk.domain.validation import Known

S = ComplaintStatus
KNOWN = Known(schools={"sch": "Birch High"}, staff={"sro": "sro"}, students={"s1": "sch"},
              now=datetime(2025, 11, 20, 12, 0))


def good(**kw) -> ComplaintDraft:
    base = dict(received_date="2025-10-06", channel="phone", received_by="Front office", school_id="sch",
                complainant_name="Pat Rivera", contact_phone="360-555-0101", staff_ids=["sro"],
                incident_date="2025-10-02", incident_place="Main entrance", student_ids=["s1"],
                allegations=[{"text": "Raised his voice at my son"}], narrative="My son was yelled at.")
    base.update(kw)
    return ComplaintDraft(**base)


def test_a_complete_complaint_is_valid():
    assert validate_complaint(good(), KNOWN) == []


@pytest.mark.policy("P16")
def test_an_anonymous_complaint_refuses_every_contact_field():
    assert validate_complaint(good(anonymous=True, complainant_name="", contact_phone=""), KNOWN) == []
    errors = validate_complaint(good(anonymous=True, contact_email="x@example.org"), KNOWN)
    assert {e.field for e in errors} == {"complainant_name", "contact_phone", "contact_email"}
    assert all("anonymous" in e.message for e in errors)


@pytest.mark.policy("P16")
def test_a_named_complaint_needs_a_way_to_reach_the_family():
    errors = validate_complaint(good(contact_phone=""), KNOWN)
    assert [e.field for e in errors] == ["contact_phone"]
    assert "Anonymous" in errors[0].message
    assert validate_complaint(good(contact_email="not an email"), KNOWN)[0].field == "contact_email"


@pytest.mark.policy("P16")
def test_intake_names_every_problem_in_plain_language():
    errors = validate_complaint(ComplaintDraft(), KNOWN)
    fields = {e.field for e in errors}
    assert {"received_date", "channel", "received_by", "school_id", "complainant_name", "staff_ids",
            "incident_date", "incident_place", "allegations", "narrative"} <= fields
    bad = validate_complaint(good(incident_date="2025-10-09", received_date="2025-10-06",
                                  referral_case_number="FV-1"), KNOWN)
    assert {e.field for e in bad} == {"incident_date", "referral_agency"}
    unknown = validate_complaint(good(staff_ids=["ghost"], student_ids=["nobody"]), KNOWN)
    assert {e.field for e in unknown} == {"staff_ids", "student_ids"}
    # an unnamed staff member can be described instead
    assert validate_complaint(good(staff_ids=[], staff_description="Tall officer at the gate"), KNOWN) == []


def test_allegations_get_stable_numbers():
    first = number_allegations([{"text": "a"}, {"text": "b"}])
    assert [a["id"] for a in first] == ["A1", "A2"]
    again = number_allegations([first[1], {"text": "c"}])
    assert [a["id"] for a in again] == ["A2", "A1"]


@given(st.integers(min_value=0, max_value=10**9))
def test_confirmation_numbers_are_short_and_unambiguous(seed):
    import random

    rng = random.Random(seed)
    number = new_confirmation_number(lambda n: rng.randrange(n))
    assert len(number) == 9 and number[:2] == "C-" and number[5] == "-"
    assert all(c in CONFIRMATION_ALPHABET for c in number[2:5] + number[6:])
    assert not set("01OILUSZ25C") & set(number[2:])
    assert normalise_confirmation(number) == number
    assert normalise_confirmation(number.lower().replace("-", " ")) == number
    assert normalise_confirmation(number[2:].replace("-", "")) == number


def test_garbled_confirmation_numbers_are_refused():
    assert normalise_confirmation("C-7K4-QM") is None
    assert normalise_confirmation("C-0K4-QMX") is None  # zero is never used


def _state(status="received", **kw):
    base = {"status": status, "received_date": "2025-10-06", "steps": [], "investigator": "",
            "allegations": [{"id": "A1", "text": "x", "finding": ""}]}
    base.update(kw)
    return base


@pytest.mark.policy("P16")
def test_the_workflow_runs_in_order_and_refuses_skips_with_the_next_step_named():
    today = date(2025, 11, 20)
    errors = step_problems(_state(), StepRequest(S.INVESTIGATING, today), S.RECEIVED, today)
    assert "cannot move to “Investigating”" in errors[0].message and "“Acknowledged”" in errors[0].message
    assert step_problems(_state(), StepRequest(S.ACKNOWLEDGED, today), S.RECEIVED, today) == []
    closed = step_problems(_state("closed"), StepRequest(S.APPEALED, today), S.CLOSED, today)
    assert "it is closed" in closed[0].message
    # every pair not in TRANSITIONS is refused
    for frm in S:
        for to in S:
            ok = to in TRANSITIONS[frm]
            problems = step_problems(_state(frm, investigator="Ms. Park",
                                            allegations=[{"id": "A1", "finding": "unfounded"}]),
                                     StepRequest(to, today, "grounds"), frm, today)
            assert (problems == []) == ok, (frm, to, problems)


@pytest.mark.policy("P16")
def test_two_steps_from_the_same_state_are_detected():
    today = date(2025, 11, 20)
    state = _state("acknowledged")
    errors = step_problems(state, StepRequest(S.ACKNOWLEDGED, today), S.RECEIVED, today)
    assert "someone else has taken a step meanwhile" in errors[0].message


@pytest.mark.policy("P16")
def test_steps_need_what_they_depend_on():
    today = date(2025, 11, 20)
    no_investigator = step_problems(_state("acknowledged"), StepRequest(S.INVESTIGATING, today),
                                    S.ACKNOWLEDGED, today)
    assert [e.field for e in no_investigator] == ["investigator"]
    no_findings = step_problems(_state("investigating"), StepRequest(S.FINDINGS, today), S.INVESTIGATING, today)
    assert "missing: A1" in no_findings[0].message
    early = step_problems(_state(), StepRequest(S.ACKNOWLEDGED, date(2025, 10, 1)), S.RECEIVED, today)
    assert "before the complaint was received" in early[0].message
    future = step_problems(_state(), StepRequest(S.ACKNOWLEDGED, date(2025, 12, 1)), S.RECEIVED, today)
    assert "future" in future[0].message
    appeal = step_problems(_state("response_sent"), StepRequest(S.APPEALED, today), S.RESPONSE_SENT, today)
    assert appeal[0].field == "note"


def test_a_step_records_who_when_and_the_note():
    new = step_changes(_state(), StepRequest(S.ACKNOWLEDGED, date(2025, 10, 8), "Letter mailed"),
                       "office1", datetime(2025, 10, 8, 9, 30))
    assert new["status"] == "acknowledged" and new["acknowledged_date"] == "2025-10-08"
    assert new["steps"] == [{"from": "received", "to": "acknowledged", "date": "2025-10-08",
                             "by": "office1", "at": "2025-10-08T09:30:00", "note": "Letter mailed"}]


@pytest.mark.policy("P16")
def test_extension_needs_a_reason_and_stays_within_the_limit():
    s = DistrictSettings()
    assert extension_problems(_state(), 90, "Witness on leave", s) == []
    assert {e.field for e in extension_problems(_state(), 91, "", s)} == {"extension_days", "extension_reason"}
    assert extension_problems(_state(), 40, "x", s)[0].field == "extension_days"  # not more than 45
    assert extension_problems(_state("response_sent"), 60, "x", s)[0].field == "status"


@pytest.mark.policy("P16")
def test_deadlines_are_overdue_due_soon_or_ok():
    s, cal = DistrictSettings(), SchoolCalendar()
    received = _state()  # Monday 6 Oct 2025: acknowledge by Monday 13 Oct, respond by 20 Nov
    kinds = lambda today: {d.kind: d.state for d in open_deadlines(received, cal, s, today)}  # noqa: E731
    assert kinds(date(2025, 10, 6)) == {"acknowledge": "ok", "respond": "ok"}
    assert kinds(date(2025, 10, 9)) == {"acknowledge": "due_soon", "respond": "ok"}
    assert kinds(date(2025, 10, 14)) == {"acknowledge": "overdue", "respond": "ok"}
    assert kinds(date(2025, 11, 12))["respond"] == "due_soon"
    assert kinds(date(2025, 11, 21))["respond"] == "overdue"
    acknowledged = _state("acknowledged")
    assert [d.kind for d in open_deadlines(acknowledged, cal, s, date(2025, 11, 21))] == ["respond"]
    assert open_deadlines(_state("response_sent"), cal, s, date(2026, 1, 1)) == []
    extended = _state("investigating", extension_days=90)
    assert open_deadlines(extended, cal, s, date(2025, 11, 21))[0].state == "ok"
