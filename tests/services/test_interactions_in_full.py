"""Interactions in full through the services: training gate, flags, follow-ups, P14, duplicates."""

from dataclasses import replace

import pytest

from everyday_helpers import attorney, law_enforcement_draft, le_activity, user
from safetydesk.domain.errors import PermissionDenied, SafetyDeskError, ValidationFailed
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.immigration_guard import ImmigrationDataWarning
from safetydesk.domain.records import StaffDraft
from safetydesk.domain.settings import DistrictSettings
from safetydesk.domain.staff_training import TrainingDraft
from safetydesk.services import duplicates, interactions, registry, settings, staff


def _untrained(world):
    return registry.add_staff(world.session, StaffDraft(
        name="Riley Newhire", category="campus_security", employer_type="contractor", agency="Fictional Guard Co",
        assignments=[{"school_id": world.high, "days_per_week": 5}]))


@pytest.mark.policy("P02")
def test_logging_for_untrained_staff_is_refused_naming_the_person_and_what_is_missing(world):
    s = world.session
    newcomer = _untrained(world)
    before = s.store.history_count()
    with pytest.raises(ValidationFailed) as info:
        interactions.log_interaction(s, world.draft(staff=[{"staff_id": newcomer, "role": "lead"}]))
    assert "Riley Newhire has no confirmed ESD training documentation" in info.value.message
    assert "issuing ESD, date and reference" in info.value.message
    assert s.store.history_count() == before


@pytest.mark.policy("P02")
def test_the_district_setting_turns_the_refusal_into_a_red_flag(world):
    s = world.session
    newcomer = _untrained(world)
    settings.update_settings(s, DistrictSettings(untrained_staff="flag"), "District chose to flag")
    iid = interactions.log_interaction(s, world.draft(staff=[{"staff_id": newcomer, "role": "lead"}]))
    flags = interactions.get_interaction(s, iid)["flags"]
    assert [f["kind"] for f in flags] == ["untrained_staff"] and "Riley Newhire" in flags[0]["detail"]
    assert [f["record_id"] for f in interactions.open_flags(s, kind="untrained_staff")] == [iid]
    # Training confirmed later does not clear what happened before it.
    staff.record_training(s, TrainingDraft(staff_id=newcomer, esd_issuer="ESD 113", esd_date="2025-10-20",
                                           esd_reference="X-1", esd_confirmed_by="HR", esd_confirmed_on="2025-10-21"))
    draft = interactions.get_interaction(s, iid)["draft"]
    draft.location = "Gym"
    interactions.amend_interaction(s, iid, draft, "Location corrected")
    assert [f["kind"] for f in interactions.get_interaction(s, iid)["flags"]] == ["untrained_staff"]


@pytest.mark.policy("P07")
def test_sro_discipline_is_refused_or_saved_with_justification_and_counted(world):
    s = world.session
    base = world.draft(discipline_related=True, responsible_admin="AP Lena Ortiz", consequence_by_staff_id=world.sro)
    with pytest.raises(ValidationFailed, match="SROs may not decide or impose school consequences"):
        interactions.log_interaction(s, base)
    iid = interactions.log_interaction(s, replace(base, sro_discipline_justification="Evening game, no administrator on site."))
    assert [f["kind"] for f in interactions.get_interaction(s, iid)["flags"]] == ["sro_discipline"]
    assert interactions.flag_counts(s) == [{"school_id": world.high, "kind": "sro_discipline", "count": 1}]


@pytest.mark.policy("P08")
def test_a_law_enforcement_action_without_alternatives_is_refused(world):
    with pytest.raises(ValidationFailed, match="alternatives considered"):
        interactions.log_interaction(world.session, law_enforcement_draft(world, alternatives_considered=[]))


@pytest.mark.policy("P08")
def test_the_report_sets_actions_beside_diversions(world):
    s = world.session
    interactions.log_interaction(s, law_enforcement_draft(world))
    interactions.log_interaction(s, law_enforcement_draft(world, alternatives_considered=["diversion"]))
    assert interactions.law_enforcement_report(s) == [
        {"school_id": world.high, "school_year": "2025-26", "actions": 2, "diversion_considered": 1}]


@pytest.mark.policy("P12")
def test_a_trigger_without_attorney_access_is_saved_with_the_red_flag_on_the_dashboard(world):
    s = world.session
    student = world.students[0]
    iid = interactions.log_interaction(s, law_enforcement_draft(
        world, attorney_access=[attorney(student, interrogation=True)]))
    flags = interactions.open_flags(s, school_id=world.high)
    assert [(f["record_id"], f["kind"]) for f in flags] == [(iid, "rcw_13_40_740")]
    # Recording the access later closes the flag; the history keeps that it was open.
    draft = interactions.get_interaction(s, iid)["draft"]
    draft.attorney_access = [attorney(student, interrogation=True, access=True, waiver=False)]
    interactions.amend_interaction(s, iid, draft, "Phone consultation was given at 10:40")
    assert interactions.open_flags(s) == []
    assert interactions.interaction_history(s, iid)[-1].changes["compliance_flags"][0][0]["kind"] == "rcw_13_40_740"


@pytest.mark.policy("P13")
def test_a_search_without_notification_or_deferral_is_flagged(world):
    s = world.session
    iid = interactions.log_interaction(s, world.draft(type="search"))
    assert [f["kind"] for f in interactions.get_interaction(s, iid)["flags"]] == ["notification_missing"]
    ok = interactions.log_interaction(s, world.draft(type="search", notification_deferred_reason="Directed by CPS."))
    assert interactions.get_interaction(s, ok)["flags"] == []


@pytest.mark.policy("P11")
def test_the_law_enforcement_block_is_kept_whole(world):
    s = world.session
    act = le_activity(world.students[0], type="search_locker", legal_basis="reasonable_suspicion",
                      officer_staff_id=world.sro, removed_from_school=True, removed_at="2025-10-03T11:00",
                      removal_destination="Fictional County Juvenile Court", court_order_shown=True)
    iid = interactions.log_interaction(s, law_enforcement_draft(world, le_activities=[act]))
    assert interactions.get_interaction(s, iid)["draft"].le_activities == [act]
    assert s.store.verify() == []


@pytest.mark.policy("P06")
def test_follow_ups_are_appended_never_edited(world):
    s = world.session
    iid = interactions.log_interaction(s, world.draft())
    interactions.add_follow_up(s, iid, "Met with the student's counselor.")
    interactions.add_follow_up(s, iid, "Parent called back; no further action.")
    assert [f["note"] for f in interactions.follow_ups(s, iid)] == [
        "Met with the student's counselor.", "Parent called back; no further action."]
    assert not hasattr(interactions, "amend_follow_up")
    with pytest.raises(ValidationFailed):
        interactions.add_follow_up(s, iid, "  ")


@pytest.mark.policy("P14")
def test_narrative_recording_immigration_status_is_refused_naming_the_sentence(world):
    s = world.session
    before = s.store.history_count()
    draft = world.draft(narrative="Two students argued. One said the other's family came over from "
                                  "Honduras without papers. Staff separated them.")
    with pytest.raises(ImmigrationDataWarning) as info:
        interactions.log_interaction(s, draft)
    assert info.value.sentences == ["One said the other's family came over from Honduras without papers."]
    assert s.store.history_count() == before
    iid = interactions.log_interaction(s, world.draft())
    with pytest.raises(ImmigrationDataWarning):
        interactions.add_follow_up(s, iid, "Mother said she is undocumented.")
    le = law_enforcement_draft(world, alternatives_note="She is not a US citizen.",
                               alternatives_considered=["other"])
    with pytest.raises(ImmigrationDataWarning, match="not a US citizen"):
        interactions.log_interaction(s, le)


def test_duplicates_are_found_before_saving_and_marked_with_a_link(world):
    s = world.session
    first = interactions.log_interaction(s, world.draft(occurred_at="2025-10-03T10:15"))
    later = world.draft(occurred_at="2025-10-03T11:30")
    assert [c["id"] for c in duplicates.find_duplicates(s, later)] == [first]
    assert duplicates.find_duplicates(s, world.draft(occurred_at="2025-10-03T13:00")) == []
    assert duplicates.find_duplicates(s, world.draft(
        students=[{"student_id": world.students[2], "role": "subject"}])) == []
    second = interactions.log_interaction(s, later)
    with pytest.raises(ValidationFailed, match="Say why"):
        duplicates.mark_duplicate(s, "interaction", second, first, "")
    duplicates.mark_duplicate(s, "interaction", second, first, "Logged by two people")
    assert [r["id"] for r in interactions.list_interactions(s, InteractionFilter())] == [first]
    assert interactions.get_interaction(s, second)["duplicate_of"] == first
    assert interactions.interaction_history(s, second)[-1].reason == "Logged by two people"
    with pytest.raises(ValidationFailed, match="neither retracted nor a duplicate"):
        duplicates.mark_duplicate(s, "interaction", first, second, "loop")
    assert s.store.verify() == []


@pytest.mark.policy("P23")
def test_front_office_of_another_school_sees_no_flags_and_cannot_add_follow_ups(world):
    s = world.session
    iid = interactions.log_interaction(s, world.draft(type="search"))
    office = user(world, "office2", "front_office", [world.elementary])
    assert interactions.open_flags(office) == []
    with pytest.raises(PermissionDenied):
        interactions.add_follow_up(office, iid, "note")
    with pytest.raises(SafetyDeskError):
        interactions.open_flags(office, school_id=world.high)
