from dataclasses import replace

import pytest

from safetydesk.domain.errors import ValidationFailed
from safetydesk.services import settings


def test_defaults_apply_until_changed_and_changes_are_in_the_history(admin):
    s = settings.get_settings(admin)
    assert s.untrained_staff == "refuse" and s.complaint_ack_school_days == 5 and s.suppression_threshold == 10
    assert settings.update_settings(admin, replace(s, untrained_staff="flag"), "Board decision 2025-14") == [
        "untrained_staff"]
    assert settings.get_settings(admin).untrained_staff == "flag"
    assert settings.update_settings(admin, replace(settings.get_settings(admin), lock_after_minutes=5), "IT") == [
        "lock_after_minutes"]
    history = admin.store.history("settings", "district")
    assert [e.action for e in history] == ["create", "amend"]
    assert history[1].changes == {"lock_after_minutes": [10, 5]}


@pytest.mark.policy("P19")
def test_the_policy_floors_cannot_be_lowered(admin):
    s = settings.get_settings(admin)
    with pytest.raises(ValidationFailed) as info:
        settings.update_settings(admin, replace(s, public_comment_min_days=7, suppression_threshold=5), "x")
    assert {e.field for e in info.value.errors} == {"public_comment_min_days", "suppression_threshold"}


def test_settings_survive_a_rebuild_and_verify(admin):
    s = settings.get_settings(admin)
    settings.update_settings(admin, replace(s, untrained_staff="flag"), "Board decision")
    admin.store.rebuild_derived()
    assert admin.store.verify() == []
    assert settings.get_settings(admin).untrained_staff == "flag"
