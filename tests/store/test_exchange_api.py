"""The exchange API the shared-folder sync codes against (store/exchange.py)."""

from __future__ import annotations

import copy

import pytest

from safetydesk.store import Change, Store
from safetydesk.store.history import WIRE_KEYS, wire_hash
from safetydesk.store.signing import verify_signature

ADMIN = Change("user", "U1", "create", {"username": [None, "admin"], "role": [None, "district_admin"],
                                        "active": [None, True]})


@pytest.fixture
def pair(tmp_path):
    a, b = Store.open(tmp_path / "a.sqlite"), Store.open(tmp_path / "b.sqlite")
    a.append("admin", [ADMIN])
    yield a, b
    a.close()
    b.close()


def test_wire_dicts_carry_exactly_the_agreed_keys_hash_and_signature(pair):
    a, _b = pair
    a.append("admin", [Change("student", "S1", "create", {"last_name": [None, "Quinn"]})])
    heads = a.device_heads()
    assert heads[a.device_id].seq == 3 and heads[a.device_id].hash
    wires = a.entries_since(a.device_id, 0)
    assert [w["dseq"] for w in wires] == [1, 2, 3] and wires[0]["record_type"] == "device"
    assert a.entries_since(a.device_id, 2) == wires[2:] and len(a.entries_since(a.device_id, 0, limit=1)) == 1
    for prev, w in zip([None, *wires], wires, strict=False):
        assert set(w) == WIRE_KEYS and w["format"] == 1
        assert w["hash"] == wire_hash(w)
        assert w["prev"] == (prev["hash"] if prev else "")
        assert verify_signature(a.public_key(a.device_id), bytes.fromhex(w["sig"]), w["hash"].encode())
    assert a.public_key(a.device_id) == a.signer.public and a.public_key("nobody") is None
    assert verify_signature(a.signer.public, a.sign(b"anchor"), b"anchor")


def test_out_of_order_entries_wait_for_the_gap_and_duplicates_are_ignored(pair):
    a, b = pair
    for n in range(3):
        a.append("admin", [Change("student", f"S{n}", "create", {"last_name": [None, f"N{n}"]})])
    wires = a.entries_since(a.device_id, 0)
    first = b.import_entries(wires[3:])  # entries 4 and 5 before 1-3
    assert first.imported == 0 and len(first.held) == 2 and "have not arrived yet" in first.held[0][1]
    second = b.import_entries(wires[:3] + wires[:1])
    assert second.imported == 3 and second.duplicates == 1 and second.held == []
    assert b.held_entries() == [] and b.state("student", "S2") == {"last_name": "N2"}
    assert ("student", "S2") in second.touched.records
    again = b.import_entries(wires)
    assert again.imported == 0 and again.duplicates == len(wires)
    assert b.verify() == []


def test_a_newer_format_is_kept_not_applied(pair):
    a, b = pair
    a.append("admin", [Change("student", "S1", "create", {"last_name": [None, "Quinn"]})])
    wires = a.entries_since(a.device_id, 0)
    future = copy.deepcopy(wires[-1])
    future["format"] = 2
    future["hash"] = wire_hash(future)
    report = b.import_entries([*wires[:-1], future])
    assert report.imported == 2 and "newer version of SafetyDesk" in report.held[0][1]
    assert b.state("student", "S1") is None and b.held_entries()[0][0] == future["id"]


def test_an_unknown_workstation_or_author_is_held(pair, tmp_path):
    _a, b = pair
    stranger = Store.open(tmp_path / "s.sqlite")
    stranger.append("mallory", [Change("student", "S9", "create", {"last_name": [None, "X"]})])
    wires = stranger.entries_since(stranger.device_id, 0)
    report = b.import_entries(wires[1:])
    assert "have not arrived yet" in report.held[0][1]
    report = b.import_entries(wires)
    assert [r for _i, r in report.held] == ["its author (mallory) has no account in this district"]
    stranger.close()


def test_an_interaction_that_arrives_before_its_student_shows_the_name(pair):
    a, b = pair
    a.append("admin", [Change("student", "S1", "create", {"first_name": [None, "Avery"], "last_name": [None, "Quinn"]})])
    a.append("admin", [Change("interaction", "I1", "create", {
        "occurred_at": [None, ""], "students": [None, [{"student_id": "S1", "role": "subject"}]]})])
    wires = a.entries_since(a.device_id, 0)
    # b receives the interaction by way of a's chain order only; use a third file fed in reverse
    b.import_entries(wires)
    row = b.conn.execute("SELECT students_label, school_year FROM interactions WHERE id = 'I1'").fetchone()
    assert row == ("Avery Quinn", "")  # no date: no school year, never today's
    assert b.verify() == []
