"""Identity across workstations: accounts by id, confirmation prefixes per device, demo ids, clocks."""

from __future__ import annotations

import pytest

from safetydesk.domain.clock import MAX_COUNTER, HybridClock, Stamp
from safetydesk.domain.complaints import confirmation_for
from safetydesk.domain.ids import demo_id, is_demo_id, new_id
from safetydesk.store import Change, Store, queries


def _user(name: str, role: str) -> dict:
    return {"username": [None, name], "role": [None, role], "active": [None, True], "schools": [None, []]}


@pytest.mark.policy("P23")
def test_two_accounts_with_one_name_are_both_kept_and_flagged_on_every_workstation(tmp_path):
    a, b = Store.open(tmp_path / "a.sqlite"), Store.open(tmp_path / "b.sqlite")
    try:
        a.append("admin", [Change("user", "UA", "create", _user("admin", "district_admin"))])
        b.import_entries(a.entries_since(a.device_id, 0))
        a.append("admin", [Change("user", "U1", "create", _user("jsmith", "principal"))])
        b.append("admin", [Change("user", "U2", "create", _user("jsmith", "front_office"))])
        for x, y in ((a, b), (b, a)):
            y.import_entries([w for d in x.device_heads() for w in x.entries_since(d, 0)])
        for s in (a, b):
            rows = s.conn.execute("SELECT id, role, name_clash FROM users WHERE username = 'jsmith' ORDER BY id").fetchall()
            assert rows == [("U1", "principal", 1), ("U2", "front_office", 1)]
            assert queries.user_by_name(s, "jsmith")["name_clash"] is True
            assert s.verify() == []
        a.append("admin", [Change("user", "U2", "amend", {"active": [True, False]}, "Duplicate account")])
        assert queries.user_by_name(a, "jsmith")["name_clash"] is False
    finally:
        a.close()
        b.close()


def test_confirmation_prefixes_differ_between_workstations(tmp_path):
    a, b = Store.open(tmp_path / "a.sqlite"), Store.open(tmp_path / "b.sqlite")
    try:
        a.append("admin", [Change("student", "S", "create", {"last_name": [None, "x"]})])
        b.import_entries(a.entries_since(a.device_id, 0))
        b.append("admin", [Change("student", "S", "amend", {"last_name": ["x", "y"]})])
        pa, na = a.confirmation_serial("complaint")
        pb, nb = b.confirmation_serial("complaint")
        assert pa != pb and na == nb == 0
        assert confirmation_for(pa, 0) != confirmation_for(pb, 0)
        assert len({confirmation_for(pa, n) for n in range(24 ** 3)}) == 24 ** 3
    finally:
        a.close()
        b.close()


def test_demo_ids_are_marked_and_real_ids_never_are():
    assert all(is_demo_id(demo_id(1_700_000_000_000 + n, bytes([n % 256]) * 10)) for n in range(500))
    assert not any(is_demo_id(new_id()) for _ in range(5000))


def test_the_clock_counter_never_outgrows_its_digits_and_keeps_order():
    clock = HybridClock("dev", wall=lambda: 1000)
    stamps = [clock.now() for _ in range(MAX_COUNTER + 10)]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert all(len(s.split("-")[1]) == 4 for s in stamps)


def test_a_clock_far_ahead_is_accepted_and_flagged_and_never_goes_back_after_reopen(tmp_path):
    clock = HybridClock("dev", wall=lambda: 1_000_000)
    assert clock.observe(Stamp(1_000_000 + 86_400_000, 3, "other").encode()) is True
    assert Stamp.decode(clock.now()).wall_ms == 1_000_000 + 86_400_000
    a = Store.open(tmp_path / "a.sqlite")
    a.append("admin", [Change("student", "S", "create", {"last_name": [None, "x"]})])
    last = a.clock.last
    a.close()
    again = Store.open(tmp_path / "a.sqlite")
    try:
        assert again.clock.now() > last
    finally:
        again.close()
