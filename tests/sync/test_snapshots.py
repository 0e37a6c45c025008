"""Snapshots: a new workstation starts from one file instead of opening every change file."""

from __future__ import annotations

from sync_world import SCHOOLS, District

from safetydesk.sync import share, snapshot
from safetydesk.sync.engine import SyncEngine

ALDER = SCHOOLS[0]


class Often(SyncEngine):
    snapshot_every = 5


def _ids(ws) -> set[str]:
    return {rid for (t, rid) in ws.exchange.records() if t != "device"}


def test_a_new_workstation_starts_from_the_snapshot(district: District):
    reader = district.add("reader", schools=[ALDER], engine_class=Often)
    eng = district.admin.engine()
    eng.batch = 1
    made = set(district.admin.log(ALDER, 12))
    eng.export()
    reader.sync()
    names = sorted((district.folder / share.SNAPSHOTS).iterdir())
    assert len(names) == 1
    newcomer = district.add("newcomer", schools=[ALDER])
    result = newcomer.engine().import_()
    assert result.opened == 1  # the snapshot, and not one of the 13 change files
    assert made <= _ids(newcomer)
    assert newcomer.engine().import_().opened == 0


def test_two_workstations_write_the_same_snapshot_under_the_same_name(district: District):
    a = district.add("a", schools=[ALDER], engine_class=Often)
    b = district.add("b", schools=[SCHOOLS[1]], engine_class=Often)
    eng = district.admin.engine()
    eng.batch = 1
    district.admin.log(ALDER, 8)
    eng.export()
    a.engine().import_()
    b.engine().import_()
    name_a, name_b = a.engine().write_snapshot(1), b.engine().write_snapshot(1)
    assert name_a == name_b
    folder = district.folder / share.SNAPSHOTS
    assert len(list(folder.iterdir())) == 1
    assert snapshot.name_of((folder / name_a).read_bytes()) == name_a


def test_a_damaged_snapshot_costs_time_not_records(district: District):
    reader = district.add("reader", schools=[ALDER], engine_class=Often)
    eng = district.admin.engine()
    eng.batch = 1
    made = set(district.admin.log(ALDER, 8))
    eng.export()
    reader.sync()
    path = next((district.folder / share.SNAPSHOTS).iterdir())
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    newcomer = district.add("newcomer", schools=[ALDER])
    newcomer.engine().import_()
    assert made <= _ids(newcomer)


def test_files_every_active_workstation_acknowledged_are_archived_never_deleted(district: District):
    reader = district.add("reader", schools=[ALDER])
    made = set(district.admin.log(ALDER, 3))
    district.admin.sync()
    own = district.folder / share.DEVICES / district.admin.exchange.device_id
    assert list(own.glob("*.sdc"))
    reader.sync()                  # reads and acknowledges
    district.admin.sync()          # every active workstation holds them: archived
    assert not list(own.glob("*.sdc")) and list((own / share.ARCHIVE).glob("*.sdc"))
    assert reader.engine().import_().opened == 0  # moved, not new
    newcomer = district.add("newcomer", schools=[ALDER])
    newcomer.sync()
    assert made <= _ids(newcomer)


def test_nothing_is_archived_while_a_workstation_has_not_acknowledged(district: District):
    district.add("reader", schools=[ALDER])
    district.add("asleep", schools=[ALDER])
    district.admin.log(ALDER, 2)
    district.admin.sync()
    district.stations[1].sync()
    district.admin.sync()
    own = district.folder / share.DEVICES / district.admin.exchange.device_id
    assert list(own.glob("*.sdc")) and not (own / share.ARCHIVE).exists()
