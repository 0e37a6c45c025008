"""The start-of-year checklist through the services (P03, P04, P05) and policy training (P22)."""

from datetime import date, datetime

import pytest

from safetydesk.domain.errors import PermissionDenied, ValidationFailed
from safetydesk.domain.policy_training import PolicyTrainingDraft
from safetydesk.domain.records import UserDraft
from safetydesk.domain.settings import DistrictSettings
from safetydesk.domain.start_of_year import (
    GunSafeCountDraft,
    GunSafeHouseholdDraft,
    GunSafetyCampaignDraft,
    RoleDistributionDraft,
    RolePresentationDraft,
)
from safetydesk.services import accounts, dashboard, policy_training, start_of_year
from safetydesk.services import settings as settings_service
from safetydesk.services.context import Session

NOW = datetime(2025, 10, 20, 9, 0)
YEAR = "2025-26"


def at(session, when=NOW):
    return Session(session.store, session.actor, clock=lambda: when)


def user(world, username, role, schools):
    accounts.create_user(world.session, UserDraft(username=username, display_name=username, role=role,
                                                  schools=schools), "a long enough pw")
    return at(Session(world.session.store, accounts.actor_for(world.session.store, username)))


def presentation(world, school, **kw):
    base = dict(school_id=school, school_year=YEAR, dates=["2025-09-10", "2025-09-11"],
                audience="all_students", presenter="Officer Morgan Vale, SRO, with the principal")
    base.update(kw)
    return RolePresentationDraft(**base)


def distribution(school):
    return RoleDistributionDraft(school_id=school, school_year=YEAR, date="2025-09-12", method="email",
                                 languages=["English", "Spanish", "Vietnamese"])


def campaign(school):
    return GunSafetyCampaignDraft(school_id=school, school_year=YEAR, start_date="2025-09-22",
                                  end_date="2025-09-26", formats=["assembly", "staff_meeting"],
                                  audiences=["students", "staff"])


def by_school(statuses):
    return {s.school_id: s for s in statuses}


@pytest.mark.policy("P03")
def test_a_school_with_assigned_staff_shows_missing_until_presentation_and_distribution(world):
    s = at(world.session)
    # The high school has the SRO and the guard; the elementary has the guard (3 days a week).
    status = by_school(start_of_year.district_status(s, YEAR))
    assert status[world.high].role_information == "missing"
    assert status[world.high].role_information_missing == ("presentation to students",
                                                           "distribution to families")
    material = start_of_year.attach_material(s, world.high, "role-of-the-SRO.pdf", b"%PDF-1.4 slides")
    start_of_year.record(s, presentation(world, world.high, materials=[material]))
    assert by_school(start_of_year.district_status(s, YEAR))[world.high].role_information == "partial"
    start_of_year.record(s, distribution(world.high))
    assert by_school(start_of_year.district_status(s, YEAR))[world.high].role_information == "done"
    checklist = start_of_year.school_checklist(s, world.high, YEAR)
    assert checklist.presentations[0]["dates"] == ["2025-09-10", "2025-09-11"]
    assert checklist.distributions[0]["languages"] == ["English", "Spanish", "Vietnamese"]
    # the materials are stored inside the encrypted data file and come back byte for byte
    name, media, data = start_of_year.open_material(s, material)
    assert (name, media, data) == ("role-of-the-SRO.pdf", "application/pdf", b"%PDF-1.4 slides")
    got = start_of_year.get(s, "role_presentation", checklist.presentations[0]["id"])
    assert got["materials"][0]["name"] == "role-of-the-SRO.pdf"


@pytest.mark.policy("P03")
def test_a_school_without_safety_staff_is_not_required_to_present(admin):
    s = at(admin)
    statuses = start_of_year.district_status(s, YEAR)
    assert {x.role_information for x in statuses} == {"not_required"}


@pytest.mark.policy("P04")
def test_every_school_shows_its_campaign_status_in_the_district_view(world):
    s = at(world.session)
    start_of_year.record(s, campaign(world.elementary))
    status = by_school(start_of_year.district_status(s, YEAR))
    assert set(status) == {world.elementary, world.high}
    assert status[world.elementary].campaign == "done" and status[world.high].campaign == "missing"
    # the dashboard lists the unfinished school after the due date (30 days into the year)
    items = [i for i in dashboard.dashboard_items(s, date(2025, 10, 20)) if i.category == "start_of_year"]
    assert {i.school_id for i in items} == {world.elementary, world.high}
    high = next(i for i in items if i.school_id == world.high)
    assert high.severity == "overdue" and "gun safety campaign" in high.title
    assert high.open_with == {"school_id": world.high, "school_year": YEAR}


@pytest.mark.policy("P05")
def test_the_default_gun_safe_report_has_counts_only(world):
    s = at(world.session)
    start_of_year.record(s, GunSafeCountDraft(school_id=world.high, date="2025-09-26", requested=7, provided=5))
    start_of_year.record(s, GunSafeCountDraft(school_id=world.high, date="2025-10-03", requested=2, provided=4))
    # no household list unless the district turns it on
    with pytest.raises(ValidationFailed, match="keeps no household list"):
        start_of_year.record(s, GunSafeHouseholdDraft(school_id=world.high, date="2025-09-26",
                                                      household_name="The Rivera family", phone="555"))
    settings_service.update_settings(s, DistrictSettings(gun_safe_household_list=True), "Delivery list")
    start_of_year.record(s, GunSafeHouseholdDraft(school_id=world.high, date="2025-09-26",
                                                  household_name="The Rivera family", address="1 Elm St"))
    report = start_of_year.gun_safe_report(s, YEAR)
    assert report == [
        {"school_id": world.high, "school_name": "Birch High School", "date": "2025-09-26",
         "requested": 7, "provided": 5},
        {"school_id": world.high, "school_name": "Birch High School", "date": "2025-10-03",
         "requested": 2, "provided": 4},
    ]
    assert "Rivera" not in repr(report) and "Elm" not in repr(report)
    status = by_school(start_of_year.district_status(s, YEAR))[world.high]
    assert (status.gun_safes_requested, status.gun_safes_provided) == (9, 9)
    assert "Rivera" not in repr(start_of_year.district_status(s, YEAR))
    assert "Rivera" not in repr(dashboard.dashboard_items(s))
    # the list itself is a separately permitted record
    assert [h["household_name"] for h in start_of_year.household_list(s, YEAR)] == ["The Rivera family"]
    principal = user(world, "principal1", "principal", [world.high])
    with pytest.raises(PermissionDenied):
        start_of_year.household_list(principal, YEAR)
    with pytest.raises(PermissionDenied):
        start_of_year.record(principal, GunSafeHouseholdDraft(school_id=world.high, date="2025-09-26",
                                                              household_name="Another", phone="1"))
    assert "Rivera" not in repr(start_of_year.gun_safe_report(principal, YEAR))


@pytest.mark.policy("P03")
@pytest.mark.policy("P23")
def test_principals_manage_their_own_school_only_and_corrections_keep_history(world):
    principal = user(world, "principal1", "principal", [world.high])
    office = user(world, "office1", "front_office", [world.high])
    rid = start_of_year.record(principal, presentation(world, world.high))
    with pytest.raises(PermissionDenied):
        start_of_year.record(principal, presentation(world, world.elementary))
    with pytest.raises(PermissionDenied):
        start_of_year.record(office, presentation(world, world.high))
    assert [x.school_id for x in start_of_year.district_status(principal, YEAR)] == [world.high]
    d = start_of_year.get(principal, "role_presentation", rid)["draft"]
    d.presenter = "Officer Morgan Vale, SRO"
    assert start_of_year.amend(principal, "role_presentation", rid, d, "Principal did not present") == ["presenter"]
    start_of_year.retract(principal, "role_presentation", rid, "Presentation was postponed")
    assert by_school(start_of_year.district_status(principal, YEAR))[world.high].presentations == 0
    history = start_of_year.history(principal, "role_presentation", rid)
    assert [e.action for e in history] == ["create", "amend", "retract"]
    assert history[2].reason == "Presentation was postponed"


@pytest.mark.policy("P22")
def test_policy_training_sessions_and_attendance_for_the_board_report(world):
    s = at(world.session)
    policy_training.record_session(s, PolicyTrainingDraft(
        date="2025-09-02", topic="Policy 4311: roles and the complaint process", audiences=["all_staff"],
        trainer="Dr. Lena Ortiz", attendance_count=64))
    rid = policy_training.record_session(s, PolicyTrainingDraft(
        date="2025-09-15", school_id=world.high, topic="Requests for intervention (Policy 3432)",
        audiences=["teachers", "administrators"], trainer="District safety office",
        attendees=["A. Park", "B. Singh", " ", "C. Lopez"]))
    with pytest.raises(ValidationFailed, match="attendance"):
        policy_training.record_session(s, PolicyTrainingDraft(date="2025-09-16", topic="x",
                                                              audiences=["teachers"], trainer="y"))
    summary = policy_training.training_summary(s, YEAR)
    assert summary["sessions"] == 2 and summary["attendance"] == 67
    assert summary["attendance_by_audience"] == {"all_staff": 64, "teachers": 3, "administrators": 3}
    assert policy_training.get_session(s, rid)["state"]["attendees"] == ["A. Park", "B. Singh", "C. Lopez"]
    office = user(world, "office1", "front_office", [world.elementary])
    assert [r["topic"] for r in policy_training.list_sessions(office, YEAR)] == [
        "Policy 4311: roles and the complaint process"]
    with pytest.raises(PermissionDenied):
        policy_training.record_session(office, PolicyTrainingDraft())


def test_every_district_record_survives_verify_and_rebuild(world):
    s = at(world.session)
    start_of_year.record(s, presentation(world, world.high))
    start_of_year.record(s, distribution(world.high))
    start_of_year.record(s, campaign(world.high))
    start_of_year.record(s, GunSafeCountDraft(school_id=world.high, date="2025-09-26", requested=1, provided=1))
    before = start_of_year.district_status(s, YEAR)
    assert s.store.verify() == []
    s.store.rebuild_derived()
    assert s.store.verify() == []
    assert start_of_year.district_status(s, YEAR) == before
