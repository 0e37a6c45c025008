"""Interactions in full: P07, P08, P11, P12 (the whole truth table), P13, use of force."""

import itertools
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetydesk.domain.law_enforcement import (
    Alternative,
    InteractionContext,
    attorney_flag,
    compliance_flags,
    incomplete_fields,
    validate_interaction_in_full,
)
from safetydesk.domain.records import InteractionDraft
from safetydesk.domain.validation import Known

KNOWN = Known(schools={"sch": "Birch High School"}, staff={"sro": "sro", "guard": "school_security"},
              students={"s1": "sch", "s2": "sch"}, now=datetime(2025, 11, 1, 12, 0))
CTX = InteractionContext(KNOWN, staff_names={"sro": "Officer Morgan Vale", "guard": "Jess Okafor"},
                         esd_confirmed={"sro": "2020-08-15", "guard": "2020-08-15"})


def activity(**kw):
    base = {"type": "interview_interrogation", "student_id": "s1", "officer_staff_id": "sro",
            "agency": "Fictional Valley PD", "authorised_by": "Principal Ortiz", "legal_basis": "consent",
            "student_age": 15, "administrator_present": False, "removed_from_school": False}
    return base | kw


def entry(**kw):
    base = {"student_id": "s1", "custodial_interrogation": False, "probable_cause_detention": False,
            "consent_search_request": False, "access_given": False, "exception_claimed": False}
    return base | kw


def draft(**kw) -> InteractionDraft:
    base = dict(occurred_at="2025-10-03T10:15", school_id="sch", location="Office", type="escort",
                narrative="Walked a student to the office.", students=[{"student_id": "s1", "role": "subject"}],
                staff=[{"staff_id": "sro", "role": "lead"}])
    return InteractionDraft(**(base | kw))


def le(**kw) -> InteractionDraft:
    base = dict(type="law_enforcement", alternatives_considered=["diversion"], le_activities=[activity()],
                attorney_access=[entry()], notification_deferred_reason="Directed by CPS.")
    return draft(**(base | kw))


def fields_of(errors):
    return {e.field for e in errors}


def kinds(d):
    return {f["kind"] for f in compliance_flags(d, CTX)}


def test_a_complete_law_enforcement_record_is_valid_and_unflagged():
    assert validate_interaction_in_full(le(), CTX) == []
    assert kinds(le()) == set()


@pytest.mark.policy("P07")
def test_an_sro_deciding_a_consequence_is_refused_without_justification():
    d = draft(discipline_related=True, responsible_admin="AP Ortiz", consequence_by_staff_id="sro")
    errors = validate_interaction_in_full(d, CTX)
    assert fields_of(errors) == {"sro_discipline_justification"}
    assert "Officer Morgan Vale is a school resource officer" in errors[0].message


@pytest.mark.policy("P07")
def test_an_sro_deciding_a_consequence_with_justification_is_flagged():
    d = draft(discipline_related=True, responsible_admin="AP Ortiz", consequence_by_staff_id="sro",
              sro_discipline_justification="No administrator on site during the evening game.")
    assert validate_interaction_in_full(d, CTX) == []
    assert kinds(d) == {"sro_discipline"}


@pytest.mark.policy("P07")
def test_the_responsible_administrator_cannot_be_an_sro():
    d = draft(discipline_related=True, responsible_admin="officer morgan vale")
    assert "responsible_admin" in fields_of(validate_interaction_in_full(d, CTX))


@pytest.mark.policy("P07")
def test_non_sro_staff_deciding_a_consequence_is_not_flagged():
    d = draft(discipline_related=True, responsible_admin="AP Ortiz", consequence_by_staff_id="guard")
    assert validate_interaction_in_full(d, CTX) == [] and kinds(d) == set()


@pytest.mark.policy("P08")
@pytest.mark.parametrize("shape", [dict(type="law_enforcement"), dict(arrest=True), dict(type="escort")])
def test_a_law_enforcement_action_needs_alternatives(shape):
    acts = [activity(type="arrest", legal_basis="probable_cause")] if shape.get("arrest") else [activity()]
    d = le(alternatives_considered=[], le_activities=acts, **shape)
    errors = validate_interaction_in_full(d, CTX)
    assert "alternatives_considered" in fields_of(errors)
    assert "keep students out of the justice system" in " ".join(e.message for e in errors)


@pytest.mark.policy("P08")
@given(st.lists(st.sampled_from([a.value for a in Alternative]), min_size=1, unique=True),
       st.text(max_size=20))
def test_any_known_alternatives_satisfy_p08(codes, note):
    d = le(alternatives_considered=codes, alternatives_note=note)
    errors = fields_of(validate_interaction_in_full(d, CTX))
    assert "alternatives_considered" not in errors
    assert ("alternatives_note" in errors) == ("other" in codes and not note.strip())


@pytest.mark.policy("P11")
def test_a_law_enforcement_record_needs_its_activity_block():
    errors = validate_interaction_in_full(le(le_activities=[], attorney_access=[]), CTX)
    assert "le_activities" in fields_of(errors)


@pytest.mark.policy("P11")
@pytest.mark.parametrize("broken, words", [
    (dict(type="dance"), "type of activity"),
    (dict(student_id="nobody"), "which of the record's students"),
    (dict(officer_staff_id="guard"), "not an SRO"),
    (dict(agency=""), "agency"),
    (dict(authorised_by=""), "authorised it"),
    (dict(legal_basis=""), "legal basis"),
    (dict(legal_basis="reasonable_suspicion"), "only for a school search"),
    (dict(student_age=None), "age"),
    (dict(administrator_present=None), "administrator was present"),
    (dict(administrator_present=True), "name the administrator"),
    (dict(removed_from_school=True), "removed from school"),
    (dict(removed_from_school=True, removed_at="2025-10-03T11:00"), "where the student was taken"),
])
def test_each_p11_field_is_checked_with_a_plain_reason(broken, words):
    errors = validate_interaction_in_full(le(le_activities=[activity(**broken)]), CTX)
    assert any(words in e.message for e in errors), [e.message for e in errors]


@pytest.mark.policy("P11")
def test_reasonable_suspicion_is_a_basis_for_a_school_search_and_removal_is_recorded():
    d = le(le_activities=[activity(type="search_locker", legal_basis="reasonable_suspicion",
                                   removed_from_school=True, removed_at="2025-10-03T11:00",
                                   removal_destination="Juvenile detention", court_order_shown=False)])
    assert validate_interaction_in_full(d, CTX) == []


@pytest.mark.policy("P11")
def test_an_arrest_outcome_and_an_arrest_activity_go_together():
    assert "arrest" in fields_of(validate_interaction_in_full(
        le(le_activities=[activity(type="arrest", legal_basis="probable_cause")]), CTX))
    assert "le_activities" in fields_of(validate_interaction_in_full(le(arrest=True), CTX))


TRUTH_TABLE = list(itertools.product([False, True], repeat=5))


@pytest.mark.policy("P12")
@pytest.mark.parametrize("interrogation, detention, consent, access, exception", TRUTH_TABLE)
def test_rcw_13_40_740_full_truth_table(interrogation, detention, consent, access, exception):
    """Every combination of the three triggers, access given and exception claimed (32 cases)."""
    e = entry(custodial_interrogation=interrogation, probable_cause_detention=detention,
              consent_search_request=consent, access_given=access, exception_claimed=exception)
    if access:
        e |= {"access_at": "2025-10-03T10:40", "access_mode": "video", "provider": "County public defense"}
    if exception:
        e |= {"exception_justification": "Imminent threat to life."}
    d = le(attorney_access=[e])
    assert validate_interaction_in_full(d, CTX) == []  # it can always be finalised...
    expected = (interrogation or detention or consent) and not access and not exception
    assert attorney_flag(e) is expected
    assert ("rcw_13_40_740" in kinds(d)) is expected  # ...but only with the red flag when it must


@pytest.mark.policy("P12")
def test_access_and_exception_need_their_details_and_a_waiver_needs_a_consultation():
    e = entry(custodial_interrogation=True, access_given=True, exception_claimed=True,
              waiver_after_consultation=False)
    messages = " ".join(x.message for x in validate_interaction_in_full(le(attorney_access=[e]), CTX))
    assert "when the student had access" in messages and "in person, by phone or by video" in messages
    assert "name the attorney" in messages and "justification" in messages
    waived = entry(custodial_interrogation=True, waiver_after_consultation=True)
    assert "cannot be waived" in " ".join(
        x.message for x in validate_interaction_in_full(le(attorney_access=[waived]), CTX))


@pytest.mark.policy("P12")
def test_questioning_needs_the_three_questions_answered_and_consent_search_is_a_trigger():
    errors = validate_interaction_in_full(le(attorney_access=[]), CTX)
    assert "attorney_access" in fields_of(errors)
    d = le(le_activities=[activity(type="search_person", legal_basis="consent")],
           attorney_access=[entry(consent_search_request=False)])
    assert any("search by consent" in e.message for e in validate_interaction_in_full(d, CTX))


@pytest.mark.policy("P13")
@pytest.mark.parametrize("shape, needed", [
    (dict(type="search"), True),
    (dict(type="escort"), False),
    (dict(type="law_enforcement"), True),
    (dict(type="law_enforcement", le_activities=[activity(type="citation", legal_basis="probable_cause")],
          attorney_access=[]), False),
    (dict(type="law_enforcement", le_activities=[activity(type="citation", legal_basis="probable_cause",
          removed_from_school=True, removed_at="2025-10-03T11:00", removal_destination="Home",
          court_order_shown=False)], attorney_access=[]), True),
])
def test_interviews_searches_arrests_and_custody_without_notification_are_flagged(shape, needed):
    d = le(notification_deferred_reason="", notifications=[], **shape) if shape.get("type") == "law_enforcement" \
        else draft(**shape)
    assert validate_interaction_in_full(d, CTX) == []
    assert ("notification_missing" in kinds(d)) is needed
    if needed:
        attempt = [{"at": "2025-10-03T10:30", "method": "phone", "by": "AP Ortiz", "result": "no_answer"}]
        assert "notification_missing" not in kinds(InteractionDraft(**(d.to_state() | {"notifications": attempt})))
        deferred = InteractionDraft(**(d.to_state() | {"notification_deferred_reason": "Directed by CPS."}))
        assert "notification_missing" not in kinds(deferred)


@pytest.mark.policy("P13")
def test_a_notification_attempt_is_checked():
    d = draft(type="search", notifications=[{"at": "soon", "method": "pigeon", "by": "", "result": ""}])
    assert len([e for e in validate_interaction_in_full(d, CTX) if e.field == "notifications"]) == 4


@pytest.mark.policy("P06")
def test_use_of_force_details_are_checked_and_restraint_needs_times():
    partial = draft(use_of_force=True, force_details={"types": ["takedown"]})
    messages = " ".join(e.message for e in validate_interaction_in_full(partial, CTX))
    assert "Describe the force" in messages and "injured" in messages
    assert incomplete_fields(draft(use_of_force=True)) == ["force_details"]
    restraint = draft(type="restraint", restraint_details={"started_at": "2025-10-03T10:20",
                                                           "ended_at": "2025-10-03T10:10", "description": "x"})
    assert "cannot end before" in " ".join(e.message for e in validate_interaction_in_full(restraint, CTX))


@pytest.mark.policy("P02")
def test_staff_without_confirmed_documentation_on_the_day_are_flagged():
    ctx = InteractionContext(KNOWN, staff_names=CTX.staff_names, esd_confirmed={"sro": "2025-12-01"})
    found = compliance_flags(draft(), ctx)
    assert [f["kind"] for f in found] == ["untrained_staff"]
    assert "Officer Morgan Vale" in found[0]["detail"] and "after this interaction" in found[0]["detail"]


# ------------------------------------------------------------------ one check per obligation
@pytest.mark.parametrize(("obligation", "broken", "field"), [
    ("P07", dict(consequence_by_staff_id="sro", discipline_related=True), "sro_discipline_justification"),
    ("P08", dict(alternatives_considered=[]), "alternatives_considered"),
    ("P11", dict(le_activities=[activity(agency="")]), "le_activities"),
    ("P12", dict(attorney_access=[]), "attorney_access"),
    ("P13", dict(notifications=[{"at": "", "method": "phone", "by": "Ms. Ortiz", "result": "reached"}]),
     "notifications"),
    ("P06", dict(use_of_force=True, force_details={"types": ["bogus"], "description": "x", "injury": False,
                                                   "medical_attention": False}), "force_details"),
])
def test_each_obligation_has_its_own_check_and_only_that_check_speaks(obligation, broken, field):
    from safetydesk.domain.law_enforcement import OBLIGATION_CHECKS

    checks = dict(OBLIGATION_CHECKS)
    assert {"P01", "P06", "P07", "P08", "P11", "P12", "P13"} <= set(checks)
    assert all(check(le(), CTX) == [] for check in checks.values())  # a complete record passes each
    d = le(**broken)
    spoke = {name for name, check in OBLIGATION_CHECKS if check(d, CTX)}
    assert spoke == {obligation}
    assert field in fields_of(checks[obligation](d, CTX))
    assert field in fields_of(validate_interaction_in_full(d, CTX))
