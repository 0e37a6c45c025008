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


def amend(rid: str, changes: dict) -> Change:
    return Change("interaction", rid, "amend", changes, "")


@pytest.fixture
def two_schools(district):
    """The district with a front office at S2 too; C still writes as anybody."""
    a, b, c = district
    a.append("admin", [user("FO2", "fo2", "front_office", ["S2"])])
    send(a, b)
    send(a, c)
    return a, b, c


@pytest.mark.policy("P23")
@pytest.mark.policy("P25")
def test_an_amendment_arriving_with_its_record_is_judged_at_the_record_s_school(two_schools, tmp_path):
    """A record made at S2 and amended by S1's front office: held whether the two entries arrive
    in one import (a joining workstation's first import holds everything) or in two."""
    a, b, c = two_schools
    c.append("FO2", [interaction("I7", "S2")])
    c.append("FO", [amend("I7", {"location": ["Hall", "Office"]})])
    together = send(c, b)  # both entries in one import
    assert [r for _i, r in together.held] == ["its author (FO) does not work at that record's school"]
    assert b.state("interaction", "I7")["location"] == "Hall" and b.verify() == []
    d = Store.open(tmp_path / "d.sqlite")
    try:
        send(a, d)
        mine = d.device_heads()
        first = c.entries_since(c.device_id, mine[c.device_id].seq if c.device_id in mine else 0)
        d.import_entries(first[:-1])  # the record first, then its amendment alone
        apart = d.import_entries(first[-1:])
        assert [r for _i, r in apart.held] == [r for _i, r in together.held]
        assert d.state("interaction", "I7") == b.state("interaction", "I7")
    finally:
        d.close()


@pytest.mark.policy("P23")
@pytest.mark.policy("P25")
def test_an_amendment_after_a_move_in_the_same_import_is_judged_at_the_new_school(two_schools):
    """Made at S1, moved to S2 by the district office, then amended by S1's front office after
    the move, all in one import: S1's front office no longer serves the record."""
    _a, b, c = two_schools
    c.append("FO", [interaction("I8", "S1")])
    c.append("admin", [amend("I8", {"school_id": ["S1", "S2"]})])
    c.append("FO", [amend("I8", {"location": ["Hall", "Office"]})])
    report = send(c, b)
    assert [r for _i, r in report.held] == ["its author (FO) does not work at that record's school"]
    state = b.state("interaction", "I8")
    assert state["school_id"] == "S2" and state["location"] == "Hall" and b.verify() == []


@pytest.mark.policy("P23")
@pytest.mark.policy("P25")
def test_an_amendment_before_its_record_arrives_waits_for_it(two_schools):
    """An amendment from one workstation whose record was made on another arrives first: it is
    not judged against a record this file does not know yet (any school would pass); it waits,
    and is judged when the record arrives."""
    a, b, c = two_schools
    a.append("fo2", [interaction("I9", "S2")])
    send(a, c)
    c.append("FO", [amend("I9", {"location": ["Hall", "Office"]})])
    mine = b.device_heads()
    early = b.import_entries(c.entries_since(c.device_id, mine[c.device_id].seq if c.device_id in mine else 0))
    assert b.state("interaction", "I9") is None
    assert [r for _i, r in early.held] == ["its record's earlier entries have not arrived yet"]
    send(a, b)  # the record arrives: the amendment is judged now, at the record's school
    assert b.state("interaction", "I9")["location"] == "Hall"
    assert [r for _i, r in b.held_entries()] == ["its author (FO) does not work at that record's school"]
    assert b.verify() == []


@pytest.mark.policy("P23")
def test_an_allowed_amendment_that_arrives_before_its_record_applies_once_it_arrives(two_schools):
    a, b, c = two_schools
    a.append("fo2", [interaction("I10", "S2")])
    send(a, c)
    c.append("FO2", [amend("I10", {"location": ["Hall", "Office"]})])
    mine = b.device_heads()
    b.import_entries(c.entries_since(c.device_id, mine[c.device_id].seq if c.device_id in mine else 0))
    assert b.state("interaction", "I10") is None
    send(a, b)
    assert b.state("interaction", "I10")["location"] == "Office" and b.held_entries() == []
    assert b.verify() == []
