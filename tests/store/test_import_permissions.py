"""`import_entries` judges each entry's author against the replicated accounts (P23, P25): the
role must write that record type, at that school, when the entry was made; account records only
from a district administrator. What fails is held with the reason and applied nowhere."""

from __future__ import annotations

import pytest

from safetydesk.store import Change, Store


def user(uid: str, name: str, role: str, schools: list[str] | None = None) -> Change:
    return Change("user", uid, "create", {"username": [None, name], "role": [None, role],
                                          "schools": [None, schools or []], "active": [None, True]})


def interaction(rid: str, school: str) -> Change:
    return Change("interaction", rid, "create", {"school_id": [None, school], "location": [None, "Hall"]})


def wires_of(store: Store, after: dict | None = None) -> list[dict]:
    mine = after or {}
    return [w for d in store.device_heads() for w in store.entries_since(d, mine[d].seq if d in mine else 0)]


def send(src: Store, dst: Store):
    return dst.import_entries(wires_of(src, dst.device_heads()))


@pytest.fixture
def district(tmp_path):
    """The district office's file (A), a workstation in step with it (B), and a third one (C) that
    can write as anybody: what someone with a copied data folder and their own key could do."""
    a, b, c = (Store.open(tmp_path / f"{n}.sqlite") for n in "abc")
    a.append("admin", [user("ADMIN", "admin", "district_admin"),
                       user("FO", "fo", "front_office", ["S1"]),
                       user("REV", "rev", "reviewer")])
    send(a, b)
    send(a, c)
    yield a, b, c
    for s in (a, b, c):
        s.close()


@pytest.mark.policy("P23")
@pytest.mark.policy("P25")
def test_an_entry_at_a_school_the_author_does_not_serve_is_held(district):
    _a, b, c = district
    c.append("FO", [interaction("I1", "S1")])  # by user id
    c.append("fo", [interaction("I2", "S1")])  # older entries name the user name
    report = send(c, b)
    assert report.held == [] and b.state("interaction", "I1") and b.state("interaction", "I2")
    c.append("FO", [interaction("I3", "S2")])
    report = send(c, b)
    assert [r for _i, r in report.held] == ["its author (FO) does not work at that record's school"]
    assert b.state("interaction", "I3") is None and b.verify() == []


@pytest.mark.policy("P23")
@pytest.mark.policy("P25")
def test_a_role_that_may_not_write_the_record_type_is_held(district):
    _a, b, c = district
    c.append("REV", [Change("student", "S9", "create", {"last_name": [None, "Quinn"]})])
    report = send(c, b)
    assert report.held and "may not write student records" in report.held[0][1]
    assert b.state("student", "S9") is None


@pytest.mark.policy("P23")
@pytest.mark.policy("P25")
def test_account_records_are_accepted_only_from_a_district_administrator(district):
    _a, b, c = district
    c.append("FO", [user("EVIL", "evil", "district_admin")])
    report = send(c, b)
    assert [r for _i, r in report.held] == ["account records are accepted only from a district administrator"]
    assert b.state("user", "EVIL") is None
    # nor can someone with no account make an administrator once their workstation has written
    # anything but its own set-up
    d = Store.open(b.path.with_name("d.sqlite"))
    d.import_entries(wires_of(b))
    d.append("REV", [Change("student", "S8", "view", {})])
    d.append("mallory", [user("M", "mallory", "district_admin")])
    report = send(d, b)
    assert [r for _i, r in report.held] == ["its author (mallory) has no account in this district"]
    assert b.state("user", "M") is None
    d.close()


@pytest.mark.policy("P23")
@pytest.mark.policy("P25")
def test_the_account_as_it_was_when_the_entry_was_made_decides(district):
    a, b, c = district
    c.append("FO", [interaction("I1", "S1")])
    a.append("admin", [Change("user", "FO", "amend", {"active": [True, False]}, "Left the district")])
    send(a, c)
    c.append("FO", [interaction("I2", "S1")])  # written after the account was disabled
    report = send(c, b)
    assert b.state("interaction", "I1") is not None  # made while the account was active
    assert "had no active account" in report.held[0][1] and b.state("interaction", "I2") is None


@pytest.mark.policy("P23")
@pytest.mark.policy("P25")
def test_an_entry_waits_for_the_account_change_that_allows_it(district):
    a, b, c = district
    a.append("admin", [Change("user", "FO", "amend", {"schools": [["S1"], ["S1", "S2"]]}, "Now at two schools")])
    send(a, c)
    c.append("FO", [interaction("I4", "S2")])
    mine = b.device_heads()
    report = b.import_entries(c.entries_since(c.device_id, mine[c.device_id].seq if c.device_id in mine else 0))
    # C's own entries arrived before A's change
    assert "does not work at that record's school" in report.held[-1][1]
    later = send(a, b)
    assert later.held == [] and b.state("interaction", "I4") is not None and b.held_entries() == []
    assert b.verify() == []
