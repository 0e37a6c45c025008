"""The morning dashboard brings together every source of work (P02, P07, P12, P13, P16, P17)."""

import pytest

from safetydesk.services import dashboard, interactions, settings


@pytest.mark.policy("P02")
def test_untrained_staff_and_their_flagged_interactions_show_on_the_dashboard(world):
    from dataclasses import replace

    from safetydesk.domain.records import StaffDraft
    from safetydesk.services import registry

    s = world.session
    settings.update_settings(s, replace(settings.get_settings(s), untrained_staff="flag"), "Board decision")
    newcomer = registry.add_staff(s, StaffDraft(
        name="Sam Newcomer", category="campus_security", employer_type="district",
        assignments=[{"school_id": world.high, "days_per_week": 5}]))
    iid = interactions.log_interaction(s, world.draft(staff=[{"staff_id": newcomer, "role": "lead"}]))
    items = dashboard.dashboard_items(s)
    flags = [i for i in items if i.category == "compliance"]
    assert [(i.record_id, i.severity) for i in flags] == [(iid, "flag")]
    assert "Untrained staff" in flags[0].title
    training = [i for i in items if i.category == "training" and i.record_id == newcomer]
    assert training and "Sam Newcomer" in training[0].title


@pytest.mark.policy("P02")
def test_unconfirmed_esd_documentation_is_a_flag_not_a_deadline(world):
    from safetydesk.domain.records import StaffDraft
    from safetydesk.services import registry

    s = world.session
    newcomer = registry.add_staff(s, StaffDraft(
        name="Robin Early", category="campus_security", employer_type="district", start_date="2020-01-06",
        assignments=[{"school_id": world.high, "days_per_week": 5}]))
    mine = [i for i in dashboard.dashboard_items(s) if i.record_id == newcomer]
    assert [i.severity for i in mine if "ESD" in i.title or "documentation" in i.title.lower()] == ["flag"]
