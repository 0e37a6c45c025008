"""A record moved to a school a workstation serves brings its older entries (sync/carry.py).

Real data files and a real district folder: the district office, an Alder-only, a Birch-only
and (where said) an Alder-and-Birch workstation. Records are made at Alder, a student is moved
to Birch, everyone syncs; then each workstation's readable records are compared with the scope
rule applied to the district office's data.
"""

from __future__ import annotations

from typing import Any

import pytest
from sync_world import ADMIN_USER, SCHOOLS, District, Workstation

from safetydesk.domain.ids import new_id
from safetydesk.sync import carry, share
from safetydesk.sync.keys import school_scope

ALDER, BIRCH, CEDAR = SCHOOLS


def student(ws: Workstation, school: str, name: str = "Avery") -> str:
    rid = new_id()
    ws.exchange.append(ADMIN_USER, "student", rid, "create", {
        "school_id": [None, school], "first_name": [None, name], "last_name": [None, "Quinn"],
        "local_id": [None, f"S-{rid[-6:]}"], "grade": [None, "7"]})
    return rid


def amend(ws: Workstation, rid: str, **changes: Any) -> None:
    ws.exchange.append(ADMIN_USER, "student", rid, "amend",
                       {k: ["?", v] for k, v in changes.items()})


def move(ws: Workstation, rid: str, to: str) -> None:
    now = ws.exchange.state("student", rid)["school_id"]
    ws.exchange.append(ADMIN_USER, "student", rid, "amend", {"school_id": [now, to]})


def interaction(ws: Workstation, school: str, about: str) -> str:
    rid = new_id()
    ws.exchange.append(ADMIN_USER, "interaction", rid, "create", {
        "school_id": [None, school], "location": [None, "Gym"],
        "students": [None, [{"student_id": about, "role": "subject"}]],
        "narrative": [None, "Fictional: a student was late to class."]})
    return rid


def sync_all(stations: list[Workstation], rounds: int = 2) -> None:
    for _ in range(rounds):
        for ws in stations:
            ws.sync()


def school_of(states: dict[tuple[str, str], dict[str, Any]], key: tuple[str, str]) -> str | None:
    state = states[key]
    school = state.get("school_id")
    if school:
        return str(school)
    parent = state.get("interaction_id")
    for (_t, rid), other in states.items():
        if rid == parent:
            return other.get("school_id")
    return None


def check_scope(office: Workstation, stations: list[Workstation],
                moved_away: dict[str, set[str]] | None = None) -> None:
    """Each workstation holds exactly the district office's records of its schools, identical;
    a record that left one of its schools only as "moved away" (its school now not served)."""
    truth = office.exchange.records()
    for ws in stations:
        served = ws.exchange.schools
        held = ws.exchange.records()
        for key, state in truth.items():
            school = school_of(truth, key)
            if school is None or served is None or school in served:
                assert held.get(key) == state, (ws.name, key)
            elif key in held:
                # Only a record that was at a school it serves, and it knows it left.
                assert key[1] in (moved_away or {}).get(ws.name, set()), (ws.name, key)
                assert held[key]["school_id"] not in served, (ws.name, key)
        assert set(held) <= set(truth), ws.name
        assert ws.exchange.held == {}, (ws.name, ws.exchange.held)
        assert ws.exchange.store.verify() == [], ws.name


@pytest.fixture
def world(district: District) -> tuple[District, Workstation, Workstation, Workstation]:
    alder = district.add("Alder office", schools=[ALDER])
    birch = district.add("Birch office", schools=[BIRCH])
    return district, district.admin, alder, birch


def test_a_student_moved_on_the_district_office_brings_its_older_records_to_birch(world):
    d, office, alder, birch = world
    rid = student(alder, ALDER)
    amend(alder, rid, grade="8")
    incident = interaction(alder, ALDER, rid)
    other = student(alder, ALDER, "Rowan")
    sync_all([alder, office, birch])
    assert birch.exchange.state("student", rid) is None   # withheld there: Alder's
    move(office, rid, BIRCH)
    sync_all([office, birch, alder])
    mine = birch.exchange.state("student", rid)
    assert mine == office.exchange.state("student", rid)
    assert mine["first_name"] == "Avery" and mine["grade"] == "8" and mine["school_id"] == BIRCH
    # Its whole history, every entry checked: the same entries as on the district office.
    ours = {w["hash"] for w in birch.exchange.entries_of_record("student", rid)}
    assert ours == {w["hash"] for w in office.exchange.entries_of_record("student", rid)}
    # The interaction at Alder that names the student stays Alder's (need to know); so does
    # the other Alder student.
    assert birch.exchange.state("interaction", incident) is None
    assert birch.exchange.state("student", other) is None
    # Alder holds the record still and knows it left (not listed there any more).
    assert alder.exchange.state("student", rid)["school_id"] == BIRCH
    check_scope(office, [office, alder, birch], moved_away={"Alder office": {rid}})
    files = list((d.folder / carry.FOLDER).iterdir())
    assert files and all(carry.NAME.match(p.name) for p in files)
    # Nothing is carried twice: another round writes no file.
    sync_all([office, birch, alder])
    assert sorted((d.folder / carry.FOLDER).iterdir()) == sorted(files)


def test_a_workstation_serving_both_schools_carries_a_move_it_makes(district):
    alder = district.add("Alder office", schools=[ALDER])
    birch = district.add("Birch office", schools=[BIRCH])
    both = district.add("Alder and Birch office", schools=[ALDER, BIRCH])
    rid = student(alder, ALDER)
    amend(alder, rid, grade="6")
    alder.sync()
    both.sync()
    birch.sync()
    move(both, rid, BIRCH)
    both.sync()      # the district office has not synced at all: the carrier is this workstation
    birch.sync()
    assert birch.exchange.state("student", rid) == both.exchange.state("student", rid)
    assert birch.exchange.state("student", rid)["grade"] == "6"
    sync_all([district.admin, alder, birch, both])
    check_scope(district.admin, [district.admin, alder, birch, both],
                moved_away={"Alder office": {rid}})


def test_moved_back_and_moved_twice_offline_come_out_right(district):
    alder = district.add("Alder office", schools=[ALDER])
    birch = district.add("Birch office", schools=[BIRCH])
    cedar = district.add("Cedar office", schools=[CEDAR])
    office = district.admin
    stations = [office, alder, birch, cedar]
    back = student(alder, ALDER, "Back")
    twice = student(alder, ALDER, "Twice")
    sync_all(stations)
    move(office, back, BIRCH)
    sync_all(stations)
    amend(birch, back, grade="9")            # written at Birch: sealed under Birch's key
    sync_all(stations)
    move(office, back, ALDER)                # back to Alder: Birch's entries follow it
    # Birch and Cedar are offline while the other student moves twice.
    move(office, twice, BIRCH)
    move(office, twice, CEDAR)
    office.sync()
    alder.sync()
    cedar.sync()
    birch.sync()
    sync_all(stations)
    assert alder.exchange.state("student", back)["grade"] == "9"
    assert alder.exchange.state("student", back) == office.exchange.state("student", back)
    assert birch.exchange.state("student", back)["school_id"] == ALDER   # left Birch
    assert cedar.exchange.state("student", twice) == office.exchange.state("student", twice)
    assert cedar.exchange.state("student", back) is None
    check_scope(office, stations, moved_away={"Alder office": {twice}, "Birch office": {back, twice}})


def test_a_move_amended_to_another_school_leaves_no_copy_behind(district):
    """The district office first moves a student to Birch, then corrects it to Cedar."""
    alder = district.add("Alder office", schools=[ALDER])
    birch = district.add("Birch office", schools=[BIRCH])
    cedar = district.add("Cedar office", schools=[CEDAR])
    stations = [district.admin, alder, birch, cedar]
    rid = student(alder, ALDER)
    sync_all(stations)
    move(district.admin, rid, BIRCH)
    sync_all(stations)
    move(district.admin, rid, CEDAR)
    sync_all(stations)
    assert birch.exchange.state("student", rid)["school_id"] == CEDAR
    assert alder.exchange.state("student", rid)["school_id"] == BIRCH   # not told of later moves
    assert cedar.exchange.state("student", rid) == district.admin.exchange.state("student", rid)
    check_scope(district.admin, stations, moved_away={"Alder office": {rid}, "Birch office": {rid}})


def test_a_workstation_that_cannot_read_the_older_entries_carries_nothing(world):
    d, office, alder, birch = world
    rid = student(alder, ALDER)
    alder.sync()
    office.engine().import_()
    birch.sync()
    move(office, rid, BIRCH)
    office.engine().export()      # the move reaches the share, but the district office carries nothing yet
    birch.sync()                  # Birch holds the move, not the older entries, and cannot carry them
    assert not (d.folder / carry.FOLDER).exists()
    assert birch.exchange.state("student", rid)["school_id"] == BIRCH
    assert "first_name" not in birch.exchange.state("student", rid)
    assert birch.exchange.held == {} and birch.engine().state.held == {}
    sync_all([office, birch])
    assert birch.exchange.state("student", rid)["first_name"] == "Avery"


def test_a_carried_file_cannot_reveal_what_did_not_move(world):
    """Someone holding Birch's key seals Alder entries of records that did not move, and a
    carried file that is damaged: Birch reveals nothing of either and says nothing."""
    d, office, alder, birch = world
    rid = student(alder, ALDER)
    incident = interaction(alder, ALDER, rid)
    sync_all([alder, office, birch])
    taken = office.exchange.entries_of_record("student", rid) + office.exchange.entries_of_record(
        "interaction", incident)
    forged = carry.build(birch.keys, school_scope(BIRCH), taken)
    folder = d.folder / carry.FOLDER
    folder.mkdir()
    share.write_new(folder, carry.file_name(forged), forged)
    damaged = bytearray(forged)
    damaged[-3] ^= 1
    (folder / carry.file_name(bytes(damaged))).write_bytes(bytes(damaged))
    birch.sync()
    assert birch.exchange.state("student", rid) is None
    assert birch.exchange.state("interaction", incident) is None
    report = birch.exchange.reveal_withheld(taken, frozenset({BIRCH}))
    assert report.revealed == 0 and report.refused == []
    assert {why for _, why in report.waiting} == {
        "the record it belongs to is not at a school this workstation serves"}
    # Altered content at a withheld place is refused, even once the record is Birch's.
    move(office, rid, BIRCH)
    office.engine().export()
    birch.engine().import_()      # the move arrives (carried files not read yet)
    altered = [dict(w, changes={**w["changes"], "first_name": [None, "Forged"]}) for w in taken
               if w["record_type"] == "student" and w["action"] == "create"]
    bad = birch.exchange.reveal_withheld(altered, frozenset({BIRCH}))
    assert bad.revealed == 0 and "hash" in bad.refused[0][1]
    sync_all([office, birch])     # the student's own entries (genuine, in the file above too)
    assert birch.exchange.state("student", rid)["first_name"] == "Avery"
    assert birch.exchange.state("interaction", incident) is None
    assert birch.engine().state.held == {}


def test_older_entries_written_by_the_former_schools_principal_are_judged_as_written(world):
    """A principal of Alder amended the student before the move: at Birch that entry is judged
    against the school the record was at when it was written, not the one it is at now."""
    _d, office, alder, birch = world
    principal = "U-PRINCIPAL-ALDER"
    office.exchange.append(ADMIN_USER, "user", principal, "create", {
        "username": [None, "principal.alder"], "role": [None, "principal"],
        "display_name": [None, "Principal"], "schools": [None, [ALDER]], "active": [None, True]})
    sync_all([office, alder, birch])
    rid = new_id()
    alder.exchange.append(principal, "student", rid, "create", {
        "school_id": [None, ALDER], "first_name": [None, "Avery"], "last_name": [None, "Quinn"],
        "local_id": [None, "S-77"], "grade": [None, "7"]})
    alder.exchange.append(principal, "student", rid, "amend", {"grade": ["7", "8"]})
    sync_all([alder, office, birch])
    # Written at Alder before the move, arriving (offline until then) after it.
    alder.exchange.append(principal, "student", rid, "amend", {"last_name": ["Quinn", "Quinn-Ito"]})
    move(office, rid, BIRCH)
    sync_all([office, birch, alder])
    assert office.exchange.held == {}
    assert office.exchange.state("student", rid)["last_name"] == "Quinn-Ito"
    assert birch.exchange.state("student", rid) == office.exchange.state("student", rid)
    assert birch.exchange.state("student", rid)["grade"] == "8"
    check_scope(office, [office, alder, birch], moved_away={"Alder office": {rid}})
