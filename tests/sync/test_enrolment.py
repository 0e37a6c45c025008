"""Setting up the district folder, enrolling with a file and a passphrase, approving, removing."""

from __future__ import annotations

import json

import pytest
from sync_world import ADMIN_USER, SCHOOLS, Workstation

from safetydesk.sync import enrol, manifest, share
from safetydesk.sync.engine import SyncEngine
from safetydesk.sync.errors import EnrolmentError, SyncError, WrongShare

ALDER, BIRCH = SCHOOLS[0], SCHOOLS[1]
PASSPHRASE = "maple-river-lantern-42"


@pytest.fixture
def office(tmp_path, exchange_factory) -> Workstation:
    share_root = tmp_path / "share"
    share_root.mkdir()
    exchange = exchange_factory()
    state = tmp_path / "office" / "sync-state.json"
    state.parent.mkdir()
    keys = enrol.create_district_folder(exchange, share_root, "DFICTIONALVALLEY",
                                        "Fictional Valley School District", SCHOOLS, state)
    return Workstation("office", exchange, keys, state, share_root)


def join(tmp_path, exchange_factory, office: Workstation, schools, name="Alder office",
         passphrase=PASSPHRASE) -> Workstation:
    enrolment = enrol.make_enrolment(office.engine(), PASSPHRASE, name, schools)
    exchange = exchange_factory(schools=None if schools is None else set(schools))
    state = tmp_path / name / "sync-state.json"
    keys = enrol.join(exchange, office.share_root, enrolment, passphrase, state)
    return Workstation(name, exchange, keys, state, office.share_root)


def test_setting_up_writes_a_signed_manifest_and_refuses_to_do_it_twice(office, tmp_path):
    folder = share.district_folder(office.share_root, "DFICTIONALVALLEY")
    found = manifest.parse((folder / share.MANIFEST).read_bytes())
    manifest.verify(found, {office.exchange.device_id: office.exchange.public_key(office.exchange.device_id).hex()})
    assert found.devices[office.exchange.device_id].admin
    with pytest.raises(EnrolmentError, match="already a district folder"):
        enrol.create_district_folder(office.exchange, office.share_root, "DFICTIONALVALLEY", "x",
                                     [], tmp_path / "again.json")


def test_a_new_workstation_joins_with_a_file_and_a_passphrase(office, tmp_path, exchange_factory):
    office.log(ALDER, 2)
    office.log(BIRCH, 1)
    office.sync()
    alder = join(tmp_path, exchange_factory, office, [ALDER])
    assert set(alder.keys.school_keys) == {ALDER}  # only the keys of the schools it serves
    alder.log(ALDER, 1)
    alder.sync()
    # Before an administrator's workstation approves it, its files wait as "not enrolled".
    first = office.engine().import_()
    assert any("not enrolled" in reason for _p, reason in first.held)
    assert enrol.approve_requests(office.engine()) == [alder.exchange.device_id]
    office.sync()
    alder.sync()
    ids = lambda ws: {rid for (t, rid) in ws.exchange.records() if t == "interaction"}  # noqa: E731
    assert ids(alder) <= ids(office) and len(ids(office)) == 4
    assert len(ids(alder)) == 3  # Alder's two from the office and its own; not Birch's
    assert office.engine().state.held == {}


def test_a_wrong_passphrase_or_a_used_enrolment_file_is_refused(office, tmp_path, exchange_factory):
    enrolment = enrol.make_enrolment(office.engine(), PASSPHRASE, "Birch office", [BIRCH])
    with pytest.raises(EnrolmentError, match="passphrase does not open"):
        enrol.join(exchange_factory(), office.share_root, enrolment, "not the passphrase",
                   tmp_path / "b" / "s.json")
    first = exchange_factory()
    enrol.join(first, office.share_root, enrolment, PASSPHRASE, tmp_path / "b1" / "s.json")
    enrol.approve_requests(office.engine())
    with pytest.raises(EnrolmentError, match="already used"):
        enrol.join(exchange_factory(), office.share_root, enrolment, PASSPHRASE,
                   tmp_path / "b2" / "s.json")


def test_an_enrolment_file_holds_no_readable_key(office):
    enrolment = enrol.make_enrolment(office.engine(), PASSPHRASE, "Alder office", [ALDER])
    info = json.loads(enrolment)
    assert "district_key" not in enrolment.decode() and info["sealed"]["kdf"] == "argon2id"
    assert info["sealed"]["memory_cost"] >= 65536  # no cheaper to guess than an account password


def test_a_school_workstation_cannot_enrol_or_remove(office, tmp_path, exchange_factory):
    alder = join(tmp_path, exchange_factory, office, [ALDER])
    enrol.approve_requests(office.engine())
    with pytest.raises(EnrolmentError, match="administrator's workstation"):
        enrol.make_enrolment(alder.engine(), PASSPHRASE, "rogue", None)
    with pytest.raises(EnrolmentError, match="administrator's workstation"):
        enrol.remove_workstation(alder.engine(), office.exchange.device_id)


def test_a_manifest_rewritten_by_a_school_workstation_stops_sync(office, tmp_path, exchange_factory):
    alder = join(tmp_path, exchange_factory, office, [ALDER])
    enrol.approve_requests(office.engine())
    alder.sync()
    engine = alder.engine()
    found = engine.check_share()
    found.devices[alder.exchange.device_id].admin = True
    found.generation += 1
    share.write_new(engine.folder, share.MANIFEST, found.signed(alder.exchange.device_id, alder.exchange.sign))
    for ws in (office, alder):
        with pytest.raises(WrongShare, match="not signed by an administrator"):
            ws.sync()


def test_accounts_are_accepted_only_from_an_administrator(office, tmp_path, exchange_factory):
    alder = join(tmp_path, exchange_factory, office, [ALDER])
    enrol.approve_requests(office.engine())
    office.exchange.append(ADMIN_USER, "account", "U-FRONT", "create",
                           {"role": [None, "front_office"], "active": [None, True]})
    alder.exchange.append(ADMIN_USER, "account", "U-FRONT", "create",
                          {"role": [None, "front_office"], "active": [None, True]})
    office.sync()
    alder.sync()
    # A front-office person makes themselves an administrator on the school's workstation.
    alder.exchange.append("U-FRONT", "account", "U-FRONT", "amend", {"role": ["front_office", "district_admin"]})
    alder.sync()
    office.sync()
    assert office.exchange.records()[("account", "U-FRONT")]["role"] == "front_office"
    assert office.engine().state.waiting == 1  # held by the history, and said in the status


def test_a_removed_workstation_stays_removed(office, tmp_path, exchange_factory):
    alder = join(tmp_path, exchange_factory, office, [ALDER])
    enrol.approve_requests(office.engine())
    enrol.remove_workstation(office.engine(), alder.exchange.device_id)
    with pytest.raises(WrongShare, match="removed"):
        alder.sync()
    with pytest.raises(EnrolmentError, match="not enrolled"):
        enrol.remove_workstation(office.engine(), alder.exchange.device_id)


def test_the_engine_needs_a_joined_workstation(tmp_path, exchange_factory):
    from safetydesk.sync.keys import SyncKeys
    engine = SyncEngine(exchange_factory(), SyncKeys("D1", b"\0" * 32), tmp_path, tmp_path / "s.json")
    with pytest.raises(SyncError, match="not joined"):
        engine.sync_once()
