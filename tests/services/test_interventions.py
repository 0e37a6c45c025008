"""Requests for intervention (P09)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from everyday_helpers import user
from safetydesk.domain.errors import PermissionDenied, ValidationFailed
from safetydesk.domain.interventions import InterventionDraft, RequesterRole
from safetydesk.services import duplicates, interactions, interventions


def request(world, **kw) -> InterventionDraft:
    base = dict(requested_at="2025-10-03T09:40", school_id=world.high, location="Room 214",
                requester_name="Ms. Dana Park", requester_role="teacher", ground="b_disruption",
                description="Student throwing chairs; class evacuated.", students=[world.students[1]],
                responding_staff=[world.guard], response_at="2025-10-03T09:44", outcome="to_office")
    return InterventionDraft(**(base | kw))


@pytest.mark.policy("P09")
def test_no_ground_no_save(world):
    with pytest.raises(ValidationFailed) as info:
        interventions.log_request(world.session, request(world, ground=""))
    assert [e.field for e in info.value.errors] == ["ground"]
    assert "Without one of these grounds" in info.value.message


@pytest.mark.policy("P09")
@settings(max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(role=st.sampled_from([r.value for r in RequesterRole]))
def test_only_teachers_and_administrators_may_ask(world, role):
    errors = interventions.check(world.session, request(world, requester_role=role))
    allowed = role in ("teacher", "administrator")
    assert (errors == []) is allowed
    if not allowed:
        assert "Only teachers and administrators may ask" in errors[0].message


@pytest.mark.policy("P09")
def test_a_self_initiated_emergency_needs_no_requester_and_links_the_interaction(world):
    s = world.session
    iid = interactions.log_interaction(s, world.draft())
    rid = interventions.log_request(s, request(world, self_initiated=True, requester_name="", requester_role="",
                                               ground="a_danger_to_others", interaction_id=iid))
    got = interventions.get_request(s, rid)
    assert got["state"]["interaction_id"] == iid and got["staff"][0]["name"] == "Jess Okafor"
    with pytest.raises(ValidationFailed, match="does not exist"):
        interventions.log_request(s, request(world, interaction_id="01ARZ3NDEKTSV4RRFFQ69G5FAV"))


@pytest.mark.policy("P09")
def test_requests_are_counted_by_ground_school_and_role(world):
    s = world.session
    interventions.log_request(s, request(world))
    interventions.log_request(s, request(world, requester_role="administrator", requested_at="2025-10-06T10:00",
                                         response_at=""))
    interventions.log_request(s, request(world, self_initiated=True, requester_role="", requester_name="",
                                         ground="c_other_emergency", requested_at="2025-10-07T10:00",
                                         response_at=""))
    assert interventions.counts_by_ground(s) == [
        {"school_id": world.high, "ground": "b_disruption", "requester_role": "administrator", "count": 1},
        {"school_id": world.high, "ground": "b_disruption", "requester_role": "teacher", "count": 1},
        {"school_id": world.high, "ground": "c_other_emergency", "requester_role": "self_initiated", "count": 1}]
    assert interventions.count_requests(s, text="chairs") == 3
    assert interventions.count_requests(s, text="tanaka") == 3
    assert len(interventions.list_requests(s, limit=2)) == 2


@pytest.mark.policy("P09")
def test_amend_retract_duplicates_and_school_scope(world):
    s = world.session
    first = interventions.log_request(s, request(world))
    second = interventions.log_request(s, request(world, requested_at="2025-10-03T10:10", response_at=""))
    assert [c["id"] for c in duplicates.find_duplicates(s, request(world), exclude=second)] == [first]
    duplicates.mark_duplicate(s, "intervention_request", second, first, "Same event, two teachers")
    assert [r["id"] for r in interventions.list_requests(s)] == [first]
    assert interventions.count_requests(s, include_duplicates=True) == 2
    d = interventions.get_request(s, first)["draft"]
    d.outcome = "returned_to_class"
    assert interventions.amend_request(s, first, d, "Outcome corrected") == ["outcome"]
    interventions.retract_request(s, first, "Entered at the wrong school")
    assert interventions.count_requests(s) == 0
    other = user(world, "office4", "front_office", [world.elementary])
    with pytest.raises(PermissionDenied):
        interventions.log_request(other, request(world))
    assert s.store.verify() == []
