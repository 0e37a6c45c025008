"""Agreement rules (P17 reminders, P18 required contents, P19 public comment) and the
start-of-year checklist (P03, P04)."""

from datetime import date, datetime

import pytest

from safetydesk.domain.agreements import (
    CONTENT_KEYS,
    AgreementDraft,
    adoption_problems,
    next_review_due,
    review_reminder,
    validate_agreement,
)
from safetydesk.domain.policy_training import (
    PolicyTrainingDraft,
    attendance,
    validate_policy_training,
)
from safetydesk.domain.settings import DistrictSettings
from safetydesk.domain.start_of_year import (
    GunSafetyCampaignDraft,
    ItemStatus,
    RolePresentationDraft,
    school_status,
    validate_campaign,
    validate_presentation,
)
from safetydesk.domain.validation import Known

S = DistrictSettings()


def adoptable(**kw):
    state = {
        "agency": "Fictional Valley Police Department", "effective_start": "2025-08-15",
        "comment_start": "2025-06-01", "comment_end": "2025-06-10", "board_approval_date": "2025-06-12",
        "board_resolution": "2025-14",
        "contents": {k: {"note": f"Section {n}"} for n, k in enumerate(CONTENT_KEYS, 1)},
    }
    state.update(kw)
    return state


@pytest.mark.policy("P18")
@pytest.mark.policy("P19")
def test_a_complete_agreement_can_be_adopted():
    assert adoption_problems(adoptable(), S) == []


@pytest.mark.policy("P18")
def test_each_unconfirmed_item_is_named():
    contents = adoptable()["contents"]
    del contents["A4"]
    contents["C"] = {"note": "  "}  # a blank note confirms nothing
    contents["D"] = {"note": "", "document_id": "01DOC"}  # a document does
    problems = adoption_problems(adoptable(contents=contents), S)
    assert [p.field for p in problems] == ["contents.A4", "contents.C"]
    assert "intervene" in problems[0].message and "ESD training" in problems[1].message


@pytest.mark.policy("P19")
@pytest.mark.parametrize(("end", "ok"), [("2025-06-09", False), ("2025-06-10", True)])
def test_the_comment_period_lasts_at_least_ten_calendar_days(end, ok):
    problems = adoption_problems(adoptable(comment_end=end), S)
    assert (problems == []) == ok
    if not ok:
        assert "lasted 9 days" in problems[0].message and "at least 10" in problems[0].message


@pytest.mark.policy("P19")
def test_the_minimum_is_a_setting_and_the_board_approves_after_the_period_closes():
    assert adoption_problems(adoptable(), DistrictSettings(public_comment_min_days=14))[0].field == "comment_end"
    same_day = adoption_problems(adoptable(board_approval_date="2025-06-10"), S)
    assert [p.field for p in same_day] == ["board_approval_date"]
    assert "after the public comment period closed" in same_day[0].message


@pytest.mark.policy("P17")
@pytest.mark.policy("P18")
@pytest.mark.policy("P19")
def test_every_failed_condition_is_reported_at_once():
    problems = adoption_problems({"agency": "X", "contents": {}}, S)
    fields = [p.field for p in problems]
    assert fields == [*(f"contents.{k}" for k in CONTENT_KEYS), "comment_start", "board_approval_date",
                      "board_resolution"]


def test_saved_agreements_are_checked():
    assert validate_agreement(AgreementDraft(agency="PD", effective_start="2025-08-15")) == []
    errors = validate_agreement(AgreementDraft(effective_start="2025-08-15", effective_end="2025-08-01",
                                               comment_start="2025-06-01"))
    assert {e.field for e in errors} == {"agency", "effective_end", "comment_end"}


@pytest.mark.policy("P17")
@pytest.mark.parametrize(("today", "state", "threshold"), [
    (date(2026, 4, 12), "none", None),  # 61 days before the anniversary
    (date(2026, 4, 13), "due_soon", 60),
    (date(2026, 5, 12), "due_soon", 60),  # 31 days
    (date(2026, 5, 13), "due_soon", 30),
    (date(2026, 6, 12), "due_soon", 30),  # the day itself
    (date(2026, 6, 13), "overdue", None),
])
def test_review_reminders_at_60_and_30_days_before_the_anniversary(today, state, threshold):
    agreement = adoptable(review_date="2025-06-12")  # anniversary 2026-06-12
    reminder = review_reminder(agreement, S, today)
    if state == "none":
        assert reminder is None
    else:
        assert reminder.state == state and reminder.threshold == threshold
        assert reminder.due == date(2026, 6, 12)


@pytest.mark.policy("P17")
def test_the_anniversary_of_29_february_and_fallbacks():
    assert next_review_due({"review_date": "2024-02-29"}) == date(2025, 2, 28)
    assert next_review_due({"board_approval_date": "2025-06-12"}) == date(2026, 6, 12)
    assert next_review_due({"effective_start": "2025-08-15"}) == date(2026, 8, 15)
    assert next_review_due({}) is None
    expired = adoptable(review_date="2025-06-12", effective_end="2026-01-01")
    assert review_reminder(expired, S, date(2026, 6, 1)) is None


KNOWN = Known(schools={"sch": "Birch"}, now=datetime(2025, 11, 1, 12, 0))


@pytest.mark.policy("P03")
def test_role_information_is_missing_until_presentation_and_distribution_where_staff_are_assigned():
    status = lambda **kw: school_status("sch", "Birch", "2025-26", **kw).role_information  # noqa: E731
    assert status(has_safety_staff=True, presentations=0, distributions=0, campaigns=0) == ItemStatus.MISSING
    assert status(has_safety_staff=True, presentations=1, distributions=0, campaigns=0) == ItemStatus.PARTIAL
    assert status(has_safety_staff=True, presentations=0, distributions=2, campaigns=0) == ItemStatus.PARTIAL
    assert status(has_safety_staff=True, presentations=1, distributions=1, campaigns=0) == ItemStatus.DONE
    assert status(has_safety_staff=False, presentations=0, distributions=0, campaigns=0) == \
        ItemStatus.NOT_REQUIRED
    partial = school_status("sch", "Birch", "2025-26", has_safety_staff=True, presentations=1,
                            distributions=0, campaigns=1)
    assert partial.role_information_missing == ("distribution to families",) and not partial.complete


@pytest.mark.policy("P04")
def test_every_school_has_a_campaign_status_for_students_and_staff():
    assert school_status("s", "x", "2025-26", has_safety_staff=False, presentations=0, distributions=0,
                         campaigns=0).campaign == ItemStatus.MISSING
    draft = GunSafetyCampaignDraft(school_id="sch", school_year="2025-26", start_date="2025-09-15",
                                   formats=["assembly"], audiences=["students"])
    assert "students and staff" in validate_campaign(draft, KNOWN)[0].message
    draft.audiences = ["students", "staff", "families"]
    assert validate_campaign(draft, KNOWN) == []
    draft.start_date = "2025-08-20"  # the summer before: another school year
    assert "not in the school year 2025-26" in validate_campaign(draft, KNOWN)[0].message


@pytest.mark.policy("P03")
def test_a_presentation_names_dates_audience_and_presenter():
    errors = validate_presentation(RolePresentationDraft(school_id="sch", school_year="2025-26"), KNOWN)
    assert {e.field for e in errors} == {"dates", "audience", "presenter"}
    some = RolePresentationDraft(school_id="sch", school_year="2025-26", dates=["2025-09-10"],
                                 audience="grade_levels", presenter="Officer Vale, SRO")
    assert [e.field for e in validate_presentation(some, KNOWN)] == ["audience_detail"]


@pytest.mark.policy("P22")
def test_policy_training_records_names_or_a_head_count():
    base = dict(date="2025-09-03", topic="Policy 4311", audiences=["teachers"], trainer="Dr. Ortiz")
    assert validate_policy_training(PolicyTrainingDraft(**base, attendance_count=40), KNOWN) == []
    assert validate_policy_training(PolicyTrainingDraft(**base), KNOWN)[0].field == "attendees"
    few = PolicyTrainingDraft(**base, attendees=["A", "B", "C"], attendance_count=2)
    assert validate_policy_training(few, KNOWN)[0].field == "attendance_count"
    assert attendance({"attendees": ["A", "B"], "attendance_count": 0}) == 2
    assert attendance({"attendees": ["A", "B"], "attendance_count": 30}) == 30
