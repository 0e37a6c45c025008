"""Two and more workstations exchanging their histories through a real folder."""

from __future__ import annotations

import os
import shutil

import pytest
from sync_world import SCHOOLS, District

from safetydesk.sync import share
from safetydesk.sync.errors import ShareUnavailable, WrongShare

ALDER, BIRCH = SCHOOLS[0], SCHOOLS[1]


def records(ws) -> dict:
    return {k: v for k, v in ws.exchange.records().items() if k[0] != "device"}


def test_two_workstations_exchange_everything(district: District):
    school = district.add("Alder office", schools=[ALDER])
    district.admin.log(ALDER, 3)
    school.log(ALDER, 2)
    school.log(None, 1)
    for ws in (district.admin, school, district.admin):
        ws.sync()
    assert records(district.admin) == records(school)
    assert len(records(school)) == 6


def test_a_pass_over_an_unchanged_share_opens_nothing(district: District):
    school = district.add("Alder office", schools=[ALDER])
    district.admin.log(ALDER, 5)
    district.admin.engine().export()
    assert school.engine().import_().opened == 1
    again = school.engine().import_()
    assert (again.opened, again.imported) == (0, 0)


def test_a_school_workstation_never_receives_another_schools_records(district: District):
    alder = district.add("Alder office", schools=[ALDER])
    birch = district.add("Birch office", schools=[BIRCH])
    a_ids = alder.log(ALDER, 2)
    b_ids = birch.log(BIRCH, 2)
    district.admin.log(BIRCH, 1)
    district.admin.log(None, 1)
    for _ in range(2):
        for ws in district.stations:
            ws.sync()
    held_by = {ws.name: {rid for (_t, rid) in records(ws)} for ws in district.stations}
    assert set(b_ids) & held_by["Alder office"] == set()
    assert set(a_ids) & held_by["Birch office"] == set()
    assert set(a_ids) | set(b_ids) <= held_by["district office"]
    # Alder's chain from Birch has no gap: the withheld entries travel as stubs.
    assert alder.exchange.held == {}
    head = alder.exchange.device_heads()[birch.exchange.device_id]
    assert head.seq == birch.exchange.device_heads()[birch.exchange.device_id].seq


def test_a_copy_under_another_name_changes_nothing(district: District):
    school = district.add("Alder office", schools=[ALDER])
    district.admin.log(ALDER, 2)
    district.admin.engine().export()
    school.engine().import_()
    before = records(school)
    folder = district.folder / share.DEVICES / district.admin.exchange.device_id
    name = next(p for p in os.listdir(folder) if p.endswith(".sdc"))
    shutil.copy(folder / name, folder / f"{name[:-4]} (copy).sdc")
    shutil.copy(folder / name, folder / ("000000000009-" + "0" * 64 + ".sdc"))
    result = school.engine().import_()
    assert records(school) == before and result.imported == 0
    assert any("copy" in r or "name" in r for _p, r in result.held + result.ignored)


def test_a_gap_waits_for_the_missing_file(district: District):
    school = district.add("Alder office", schools=[ALDER])
    eng = district.admin.engine()
    eng.batch = 2
    district.admin.log(ALDER, 5)
    eng.export()
    folder = district.folder / share.DEVICES / district.admin.exchange.device_id
    names = sorted(os.listdir(folder))
    aside = district.root / "aside"
    aside.mkdir()
    shutil.move(folder / names[1], aside / names[1])
    school.engine().import_()
    assert len(records(school)) < 5 and school.exchange.held  # waiting, not applied out of order
    shutil.move(aside / names[1], folder / names[1])
    school.engine().import_()
    assert len(records(school)) == 5 and not school.exchange.held


def test_an_unreachable_share_is_offline_not_deleted(district: District):
    school = district.add("Alder office", schools=[ALDER])
    school.log(ALDER, 1)
    school.sync()
    shutil.move(district.share, district.root / "gone")
    with pytest.raises(ShareUnavailable):
        school.sync()
    assert school.engine().state.offline_since
    assert len(records(school)) == 1


def test_an_empty_folder_where_the_folder_used_to_be_stops_sync(district: District):
    school = district.add("Alder office", schools=[ALDER])
    district.admin.log(ALDER, 2)
    district.admin.sync()
    school.sync()
    shutil.rmtree(district.share)
    district.share.mkdir()
    with pytest.raises(WrongShare, match="missing or empty"):
        school.sync()
    assert len(records(school)) == 2


def test_files_already_read_vanishing_stops_sync(district: District):
    school = district.add("Alder office", schools=[ALDER])
    district.admin.log(ALDER, 2)
    district.admin.sync()
    school.sync()
    shutil.rmtree(district.folder / share.DEVICES / district.admin.exchange.device_id)
    with pytest.raises(WrongShare, match=r"no longer holds|went backwards"):
        school.sync()


def test_another_districts_folder_stops_sync(district: District, tmp_path, exchange_factory):
    school = district.add("Alder office", schools=[ALDER])
    school.sync()
    other = District(tmp_path / "other", exchange_factory)
    # IT points the share at a folder that holds another district under our district's name.
    shutil.rmtree(district.folder)
    shutil.copytree(other.folder, district.folder)
    with pytest.raises(WrongShare, match="another district"):
        school.sync()


def test_a_removed_workstations_later_files_are_refused(district: District):
    from safetydesk.sync import enrol

    school = district.add("Alder office", schools=[ALDER])
    kept = school.log(ALDER, 1)
    school.sync()
    district.admin.sync()
    enrol.remove_workstation(district.admin.engine(), school.exchange.device_id)
    later = school.log(ALDER, 1)
    # The removed workstation may still write (it does not know yet, or it was stolen).
    eng = school.engine()
    eng.state.removed.clear()
    eng._export_one(school.exchange.entries_since(school.exchange.device_id, eng.state.exported_seq))
    result = district.admin.engine().import_()
    assert {rid for (_t, rid) in records(district.admin)} >= set(kept)
    assert not set(later) & {rid for (_t, rid) in records(district.admin)}
    assert any("removed" in r for _p, r in result.held)
    with pytest.raises(WrongShare, match="removed"):
        school.sync()


def test_a_data_file_restored_from_an_older_copy_is_told_to_restore_or_rejoin(district: District):
    school = district.add("Alder office", schools=[ALDER])
    school.log(ALDER, 1)
    older = school.exchange.copy()
    school.log(ALDER, 2)
    school.sync()
    # The data file goes back in time: restored from a copy without its last two entries.
    school.exchange.restore(older)
    with pytest.raises(WrongShare, match="older than what it already wrote"):
        school.sync()


def test_comparing_with_the_share_finds_an_edited_or_rolled_back_history(district: District):
    school = district.add("Alder office", schools=[ALDER])
    school.log(ALDER, 2)
    older = school.exchange.copy()
    school.log(ALDER, 1)
    school.sync()
    district.admin.sync()
    assert district.admin.engine().compare_with_share() == []
    assert school.engine().compare_with_share() == []
    # Someone with the data file's key edits an entry the office received (and recomputes its hash).
    device = school.exchange.device_id
    [entry] = district.admin.exchange.entries_since(device, 1, 1)
    district.admin.exchange.tamper(device, 2, changes={**entry["changes"],
                                                       "location": [None, "Somewhere else"]})
    problems = district.admin.engine().compare_with_share()
    assert any("entry 2" in p and "differs" in p for p in problems)
    # The school's data file goes back in time.
    school.exchange.restore(older)
    assert any("restored from an older copy" in p for p in school.engine().compare_with_share())


def test_a_held_file_that_is_removed_from_the_share_is_no_longer_held(district: District):
    school = district.add("Alder office", schools=[ALDER])
    bad = district.folder / share.DEVICES / district.admin.exchange.device_id
    bad.mkdir(parents=True, exist_ok=True)
    (bad / ("000000000007-" + "1" * 64 + ".sdc")).write_bytes(b"damaged")
    school.sync()
    assert len(school.engine().state.held) == 1
    (bad / ("000000000007-" + "1" * 64 + ".sdc")).unlink()
    school.sync()
    assert school.engine().state.held == {}


def test_a_record_of_a_school_without_a_key_here_stops_the_export_with_a_reason(district: District):
    from safetydesk.sync.errors import SyncError

    school = district.add("Alder office", schools=[ALDER])
    school.log(BIRCH, 1)  # a school this workstation holds no key for
    with pytest.raises(SyncError, match="no sync key"):
        school.sync()
