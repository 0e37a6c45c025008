"""Accounts, passwords and sign-in (P23)."""

import logging

import pytest

from safetydesk.domain.errors import (
    AuthenticationFailed,
    PermissionDenied,
    SafetyDeskError,
    ValidationFailed,
)
from safetydesk.domain.records import UserDraft
from safetydesk.services import accounts, files, registry
from safetydesk.store import KeyRing, keys_path
from support import ADMIN_PASSWORD

PW = "river stone lantern"


def add(admin, username, role="front_office"):
    schools = [] if role in ("district_admin", "reviewer") else [registry.schools(admin)[0]["id"]]
    accounts.create_user(admin, UserDraft(username=username, display_name=username.title(), role=role,
                                          schools=schools), PW)


@pytest.mark.policy("P23")
def test_each_account_opens_the_same_file_with_its_own_password(admin, paths):
    add(admin, "office1")
    s = files.sign_in(paths, "office1", PW)
    assert s.actor.role == "front_office" and s.store.key == admin.store.key
    s.store.close()


@pytest.mark.parametrize(
    ("password", "fragment"),
    [("short", "at least 10"), ("password123", "too common"), ("aaaaaaaaaaaa", "too common"),
     ("my office1 password", "user name")],
)
def test_weak_passwords_are_refused_with_the_reason(admin, password, fragment):
    with pytest.raises(ValidationFailed) as info:
        accounts.create_user(admin, UserDraft(username="office1", role="reviewer"), password)
    assert fragment in info.value.message


def test_changing_a_password_rewraps_only_that_account(admin, paths):
    add(admin, "office1")
    ring_before = KeyRing.load(keys_path(paths.data_file))
    s = files.sign_in(paths, "office1", PW)
    accounts.change_own_password(s, PW, "new harbour window")
    ring_after = KeyRing.load(keys_path(paths.data_file))
    assert ring_after.slots["admin"] == ring_before.slots["admin"]
    assert ring_after.slots["office1"] != ring_before.slots["office1"]
    # The old password stops working everywhere: signing in, the key slot itself, the lock screen.
    with pytest.raises(AuthenticationFailed):
        files.sign_in(paths, "office1", PW)
    with pytest.raises(AuthenticationFailed):
        ring_after.unlock("office1", PW)
    with pytest.raises(AuthenticationFailed):
        files.confirm_password(s, PW)
    assert ring_after.unlock("office1", "new harbour window") == admin.store.key
    files.confirm_password(s, "new harbour window")
    files.sign_in(paths, "office1", "new harbour window").store.close()
    with pytest.raises(AuthenticationFailed):
        accounts.change_own_password(s, "wrong old password", "another fine phrase")
    s.store.close()


@pytest.mark.policy("P23")
def test_a_disabled_user_cannot_sign_in_and_has_no_key_copy(admin, paths):
    add(admin, "office1")
    with pytest.raises(ValidationFailed, match="why"):
        accounts.set_user_active(admin, "office1", False, "")
    accounts.set_user_active(admin, "office1", False, "Left the district")
    assert "office1" not in KeyRing.load(keys_path(paths.data_file)).slots
    with pytest.raises(AuthenticationFailed):
        files.sign_in(paths, "office1", PW)
    accounts.set_user_active(admin, "office1", True, "Came back", password="fresh start phrase")
    files.sign_in(paths, "office1", "fresh start phrase").store.close()
    with pytest.raises(SafetyDeskError, match="your own account"):
        accounts.set_user_active(admin, "admin", False, "oops")


def test_an_administrator_resets_a_forgotten_password(admin, paths):
    add(admin, "office1")
    accounts.reset_password(admin, "office1", "temporary phrase one")
    with pytest.raises(AuthenticationFailed):  # the forgotten password no longer opens the file
        files.sign_in(paths, "office1", PW)
    with pytest.raises(AuthenticationFailed):
        KeyRing.load(keys_path(paths.data_file)).unlock("office1", PW)
    files.sign_in(paths, "office1", "temporary phrase one").store.close()


@pytest.mark.policy("P23")
def test_only_district_administrators_manage_accounts(admin, paths):
    add(admin, "principal1", role="principal")
    p = files.sign_in(paths, "principal1", PW)
    with pytest.raises(PermissionDenied):
        accounts.create_user(p, UserDraft(username="x", role="reviewer"), PW)
    with pytest.raises(PermissionDenied):
        accounts.reset_password(p, "admin", "hijack attempt phrase")
    p.store.close()


def test_failed_sign_ins_slow_down_and_are_logged(admin, paths, caplog):
    caplog.set_level(logging.WARNING)
    for _ in range(files.FREE_ATTEMPTS):
        with pytest.raises(AuthenticationFailed, match="do not match"):
            files.sign_in(paths, "admin", "wrong guess here")
    with pytest.raises(AuthenticationFailed, match=r"Wait \d+ seconds"):
        files.sign_in(paths, "admin", ADMIN_PASSWORD)  # even the right password waits
    assert files.wait_before_next_attempt(paths, "admin") > 0
    import time
    assert files.wait_before_next_attempt(paths, "admin", now=time.time() + 3600) == 0
    assert "failed sign-in for account 'admin' (3 in a row)" in caplog.text
    assert ADMIN_PASSWORD not in caplog.text


def test_raised_key_derivation_settings_rewrap_at_the_next_sign_in(admin, paths, monkeypatch):
    from safetydesk.store import keys

    stronger = keys.KdfParams(time_cost=4, memory_cost=65536, parallelism=4)
    monkeypatch.setattr(keys, "CURRENT_KDF", stronger)
    files.sign_in(paths, "admin", ADMIN_PASSWORD).store.close()
    assert KeyRing.load(keys_path(paths.data_file)).slots["admin"].params == stronger


@pytest.mark.policy("P25")
def test_views_and_changes_are_in_the_audit_trail_but_change_nothing(world, paths):
    from safetydesk.services import audit, interactions

    s = world.session
    iid = interactions.log_interaction(s, world.draft())
    version = interactions.get_interaction(s, iid)["version"]
    assert interactions.get_interaction(s, iid)["version"] == version  # a view is not a change
    trail = audit.audit_trail(s, record_id=iid)
    assert [e.action for e in trail] == ["view", "view", "create"]
    assert all(e.user == "admin" for e in trail)
    assert [e.action for e in interactions.interaction_history(s, iid)] == ["create"]
    assert [e.action for e in audit.audit_trail(s, action="view")] == ["view", "view"]
    add(s, "rev", role="reviewer")
    reviewer = files.sign_in(paths, "rev", PW)
    assert len(audit.audit_trail(reviewer, record_id=iid)) == 3  # a reviewer browses the trail
    add(s, "office1")
    office = files.sign_in(paths, "office1", PW)
    with pytest.raises(PermissionDenied):
        audit.audit_trail(office)
    assert s.store.verify() == []
    reviewer.store.close()
    office.store.close()
