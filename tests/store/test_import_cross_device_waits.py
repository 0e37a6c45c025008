"""Entries that wait on another workstation's entries in the same import (a change to a record
made there) are applied in the same import, and the import stays linear in its entries: a chain
stopped at a waiting entry is not checked again entry by entry on every pass."""

from __future__ import annotations

import pytest

from safetydesk.store import Change, Store
from safetydesk.store import exchange as exchange_mod


def user(uid: str, name: str, role: str, schools: list[str]) -> Change:
    return Change("user", uid, "create", {"username": [None, name], "role": [None, role],
                                          "schools": [None, schools], "active": [None, True]})


def send(src: Store, dst: Store):
    mine = dst.device_heads()
    return dst.import_entries([w for d in src.device_heads()
                               for w in src.entries_since(d, mine[d].seq if d in mine else 0)])


@pytest.mark.policy("P23")
def test_records_and_changes_made_back_and_forth_on_two_workstations_join_in_one_import(tmp_path, monkeypatch):
    a, c, b = (Store.open(tmp_path / f"{n}.sqlite") for n in "acb")
    try:
        a.append("admin", [user("ADMIN", "admin", "district_admin", []),
                           user("FO", "fo", "front_office", ["S1"])])
        send(a, c)
        rounds = 25
        for k in range(rounds):  # each workstation changes what the other made just before
            a.append("FO", [Change("interaction", f"I{k}", "create",
                                   {"school_id": [None, "S1"], "location": [None, "Hall"]})])
            send(a, c)
            c.append("FO", [Change("interaction", f"I{k}", "amend", {"location": ["Hall", f"Room {k}"]}, ""),
                            Change("interaction", f"J{k}", "create",
                                   {"school_id": [None, "S1"], "location": [None, "Gym"]})])
            send(c, a)
            a.append("FO", [Change("interaction", f"J{k}", "amend", {"location": ["Gym", f"Office {k}"]}, "")])
        checks = 0
        real = exchange_mod._check

        def counted(*args, **kw):
            nonlocal checks
            checks += 1
            return real(*args, **kw)

        monkeypatch.setattr(exchange_mod, "_check", counted)
        wires = [w for d in c.device_heads() for w in c.entries_since(d, 0)]
        report = b.import_entries(wires)  # a new workstation: everything in one import
        assert report.held == [] and b.held_entries() == []
        for k in range(rounds):
            assert b.state("interaction", f"I{k}")["location"] == f"Room {k}"
        send(a, b)
        for k in range(rounds):
            assert b.state("interaction", f"J{k}")["location"] == f"Office {k}"
        assert b.verify() == [] and b.state("interaction", "I3") == a.state("interaction", "I3")
        # Each entry is checked about once, plus the stopped chain's next entry once a pass:
        # checking every waiting entry on every pass would be about rounds times the entries.
        assert checks <= 3 * len(wires), (checks, len(wires))
    finally:
        for s in (a, c, b):
            s.close()
