"""Climate activities without students (P10) and outside information requests (P15)."""

from dataclasses import fields

import pytest

from everyday_helpers import user
from safetydesk.domain.climate import ClimateDraft
from safetydesk.domain.errors import PermissionDenied, ValidationFailed
from safetydesk.domain.immigration_guard import ImmigrationDataWarning
from safetydesk.domain.outside_requests import OutsideRequestDraft
from safetydesk.services import climate, outside_requests


def activity(world, **kw) -> ClimateDraft:
    base = dict(activity_date="2025-10-02", school_id=world.high, staff=[world.sro],
                activity_type="assembly", note="Spoke at the fall safety assembly.")
    return ClimateDraft(**(base | kw))


@pytest.mark.policy("P10")
def test_a_climate_activity_has_no_student_field_and_needs_none(world):
    assert not [f.name for f in fields(ClimateDraft) if "student" in f.name]
    aid = climate.log_activity(world.session, activity(world))
    assert climate.get_activity(world.session, aid)["state"]["activity_type"] == "assembly"


@pytest.mark.policy("P10")
def test_student_names_and_threat_assessment_case_content_stay_out(world):
    s = world.session
    with pytest.raises(ValidationFailed, match="Avery Quinn"):
        climate.log_activity(s, activity(world, note="Lunch chat with Avery Quinn about sports."))
    with pytest.raises(ValidationFailed, match="case content stays out"):
        climate.log_activity(s, activity(world, activity_type="threat_assessment_team", note="x" * 200))
    assert climate.log_activity(s, activity(world, activity_type="threat_assessment_team", note=""))


@pytest.mark.policy("P10")
def test_activities_are_counted_per_staff_member_and_school(world):
    s = world.session
    climate.log_activity(s, activity(world))
    climate.log_activity(s, activity(world, activity_type="faculty_meeting", staff=[world.sro, world.guard]))
    climate.log_activity(s, activity(world, activity_type="faculty_meeting", school_id=world.elementary,
                                     staff=[world.guard]))
    counts = {(r["staff_name"], r["school_id"], r["activity_type"]): r["count"] for r in climate.counts_per_staff(s)}
    assert counts == {("Jess Okafor", world.elementary, "faculty_meeting"): 1,
                      ("Jess Okafor", world.high, "faculty_meeting"): 1,
                      ("Officer Morgan Vale", world.high, "assembly"): 1,
                      ("Officer Morgan Vale", world.high, "faculty_meeting"): 1}
    assert climate.count_activities(s, text="assembly") == 3
    assert climate.count_activities(s, staff_id=world.guard) == 2
    office = user(world, "office5", "front_office", [world.high])
    with pytest.raises(PermissionDenied):
        climate.log_activity(office, activity(world))


def outside(world, **kw) -> OutsideRequestDraft:
    base = dict(received_on="2025-10-01", school_id=world.high, agency="Federal immigration agency (civil)",
                document_type="administrative_warrant", description="Asked for a student's schedule.",
                routed_to="Superintendent's office", response="declined", responded_on="2025-10-02")
    return OutsideRequestDraft(**(base | kw))


@pytest.mark.policy("P15")
def test_a_release_cannot_be_recorded_without_a_legal_basis(world):
    s = world.session
    with pytest.raises(ValidationFailed) as info:
        outside_requests.log_request(s, outside(world, response="provided_as_required_by_law"))
    assert [e.field for e in info.value.errors] == ["legal_basis"]
    assert "only as required by law" in info.value.message
    rid = outside_requests.log_request(s, outside(world, document_type="judicial_warrant",
                                                  response="provided_as_required_by_law",
                                                  legal_basis="Judicial warrant signed 2025-09-30, reviewed by counsel"))
    assert outside_requests.get_request(s, rid)["state"]["legal_basis"].startswith("Judicial warrant")


@pytest.mark.policy("P15")
def test_every_request_is_logged_listed_and_amended_with_reason(world):
    s = world.session
    first = outside_requests.log_request(s, outside(world))
    outside_requests.log_request(s, outside(world, school_id="", document_type="detainer"))
    assert outside_requests.count_requests(s) == 2
    assert [r["id"] for r in outside_requests.list_requests(s, document_type="administrative_warrant")] == [first]
    d = outside_requests.get_request(s, first)["draft"]
    d.routed_to = "District counsel"
    assert outside_requests.amend_request(s, first, d, "Routed on") == ["routed_to"]
    office = user(world, "office6", "front_office", [world.high])
    assert outside_requests.count_requests(office) == 1  # district-office requests are not theirs
    with pytest.raises(PermissionDenied):
        outside_requests.log_request(office, outside(world, school_id=""))


@pytest.mark.policy("P14")
def test_outside_request_text_is_guarded_too(world):
    with pytest.raises(ImmigrationDataWarning):
        outside_requests.log_request(world.session, outside(world, note="The student was born in Guatemala."))
