"""File carriers (sync/carrier.py) on REAL data files through a real folder.

- A workstation not yet upgraded (simulated honestly: its reader accepts only
  change-file format 1 and it never looks at carriers) still gets every change
  after an attachment: change files are written in format 1 now, and the file
  travels beside them.
- A change file of the previous release (format 2, the files inside) is still read.
- A carrier whose bytes do not match the sha256 it names, one signed by another
  key, one from a workstation not enrolled, and one renamed are each refused and
  reported; nothing of them is stored, and the file stays asked for (with the
  refusal in the ack, so another holder answers).
"""

from __future__ import annotations

import hashlib
import json

import pytest
from sync_world import ADMIN_USER, SCHOOLS, District

from safetydesk.domain.ids import new_id
from safetydesk.services.sync import _status_from
from safetydesk.sync import carrier, changefile, share
from safetydesk.sync.changefile import NewerFormat
from safetydesk.sync.engine import SyncEngine
from safetydesk.sync.scope import Scoper
from support import count

ALDER, BIRCH = SCHOOLS[0], SCHOOLS[1]


def _doc(size: int, seed: str) -> bytes:
    out = bytearray(b"%PDF-1.7\n% fictional document " + seed.encode() + b"\n")
    block = hashlib.sha256(seed.encode()).digest()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


class OldReader(SyncEngine):
    """A workstation of an older release: it reads change files of format 1 only, and it does
    not know carriers (it never lists the folder they are in)."""

    @staticmethod
    def parse(data, keys, public_key, entry_signatures=False):   # type: ignore[override]
        if changefile.read_header(data).format > changefile.PLAIN_FORMAT:
            raise NewerFormat("the file was written by a newer SafetyDesk; it is kept until this "
                              "workstation is upgraded")
        return changefile.parse(data, keys, public_key, entry_signatures)

    def _read_carriers(self, found, result):   # type: ignore[override]
        return None

    def answer_wants(self, found):   # type: ignore[override]
        return 0


@pytest.mark.policy("P25")
def test_a_workstation_not_yet_upgraded_gets_every_change_after_an_attachment(district: District):
    office = district.admin
    old = district.add("Alder office (not upgraded)", schools=[ALDER], engine_class=OldReader)
    data = _doc(200_000, "board minutes")
    doc = office.exchange.attach(ADMIN_USER, "", "board-minutes.pdf", data, "training")
    later = office.log(ALDER, 3) + office.log(None, 2)
    office.sync()
    own = district.folder / share.DEVICES / office.exchange.device_id
    assert {changefile.read_header(p.read_bytes()).format for p in own.glob("*.sdc")} == {1}
    got = old.sync().imported
    assert got.held == [] and old.engine().state.held == {} and got.waiting == 0
    records = old.exchange.records()
    assert all(("interaction", rid) in records or ("staff", rid) in records for rid in later)
    assert old.exchange.store.state("attachment", doc) is not None
    assert old.exchange.file_of(doc) is None          # it never reads carriers
    # Once upgraded (the same data file, today's reader), the file arrives from its carrier.
    upgraded = SyncEngine(old.exchange, old.keys, old.share_root, old.state_path)
    assert upgraded.sync_once().imported.files_arrived == 1
    assert old.exchange.file_of(doc) == data
    count("sync-old-reader", later=len(later), received=len(later), held=0)


def test_a_change_file_of_the_previous_release_with_its_files_inside_is_still_read(
        district: District):
    office, school = district.admin, district.add("Alder office", schools=[ALDER])
    data = _doc(30_000, "agreement")
    doc = office.exchange.attach(ADMIN_USER, ALDER, "agreement.pdf", data)
    entries = office.exchange.entries_since(office.exchange.device_id, 0, 1000)
    built = changefile.build(entries, keys=district.keys, device=office.exchange.device_id,
                             prev_file="", sign=office.exchange.sign, scope_of=Scoper({}),
                             blobs=office.exchange.blobs_for(entries))
    assert changefile.read_header(built).format == 2
    own = district.folder / share.DEVICES / office.exchange.device_id
    own.mkdir(parents=True, exist_ok=True)
    (own / share.change_name(1, changefile.file_hash(built))).write_bytes(built)
    result = school.engine().import_()
    assert result.held == [] and result.carriers_opened == 0
    assert school.exchange.file_of(doc) == data


def _wanting(district: District, data: bytes):
    """An Alder workstation that received an attachment whose file its sender lost."""
    sender = district.add("Alder office", schools=[ALDER])
    receiver = district.add("Alder library", schools=[ALDER])
    digest = hashlib.sha256(data).hexdigest()
    doc = sender.exchange.attach(ADMIN_USER, ALDER, "handout.pdf", data, "start_of_year")
    conn = sender.exchange.store.conn
    conn.execute("DELETE FROM blobs WHERE sha256 = ?", (digest,))
    conn.commit()
    sender.sync()
    receiver.sync()
    assert list(receiver.engine().state.wanted) == [digest]
    return sender, receiver, doc, digest


def _plant(district: District, writer: str, name: str, data: bytes) -> None:
    folder = district.folder / carrier.FOLDER / writer
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


@pytest.mark.policy("P25")
def test_a_carrier_that_does_not_match_its_checksum_is_refused_and_reported(district: District):
    office = district.admin
    data = _doc(40_000, "handout")
    _sender, receiver, doc, digest = _wanting(district, data)
    scope = f"school:{ALDER}"
    wrong = bytearray(data)
    wrong[500] ^= 1
    # Sealed and signed by an enrolled workstation, but the bytes are not the ones named.
    forged = carrier._build(bytes(wrong), digest, keys=district.keys,
                            writer=office.exchange.device_id, scope=scope, sign=office.exchange.sign)
    _plant(district, office.exchange.device_id, carrier.file_name(district.keys, digest, scope),
           forged)
    result = receiver.engine().import_()
    assert [why for _f, why in result.held] == [
        "the file the carrier holds does not match its checksum (altered or damaged): it was refused"]
    assert receiver.exchange.file_of(doc) is None
    assert receiver.exchange.store.blob(digest) is None
    state = receiver.engine().state
    assert state.wanted[digest]["refused"] == {office.exchange.device_id: result.held[0][1]}
    status = _status_from(state)
    assert status.held and "A copy sent by" in status.files[0] and "was refused" in status.files[0]
    # Looked at once: the same refused carrier is not opened again.
    assert receiver.engine().import_().carriers_opened == 0
    # The refusal is in the ack, so a holder of the right bytes answers despite that carrier.
    receiver.sync()
    ack = json.loads(json.loads((district.folder / share.DEVICES / receiver.exchange.device_id
                                 / share.ACK).read_bytes())["body"])
    assert ack["wants"] == [[carrier.token(district.keys, scope, digest), scope,
                             [office.exchange.device_id]]]
    third = district.add("Alder gym", schools=[ALDER])
    third.exchange.attach(ADMIN_USER, ALDER, "same.pdf", data, "start_of_year")
    third.sync()   # its own carrier of the same bytes, for Alder
    assert receiver.sync().imported.files_arrived == 1
    assert receiver.exchange.file_of(doc) == data
    count("sync-hostile-files", tried=1, applied=0, reported=1)


@pytest.mark.policy("P25")
def test_forged_unenrolled_and_renamed_carriers_are_refused(district: District):
    office = district.admin
    data = _doc(20_000, "plan")
    _sender, receiver, doc, digest = _wanting(district, data)
    scope = f"school:{ALDER}"
    name = carrier.file_name(district.keys, digest, scope)
    intruder = district.factory(schools={ALDER})   # a data file that was never enrolled
    built = carrier.build(data, keys=district.keys, writer=office.exchange.device_id, scope=scope,
                          sign=intruder.sign)      # office's name, another key
    _plant(district, office.exchange.device_id, name, built)
    stranger = new_id()
    _plant(district, stranger, name, carrier.build(data, keys=district.keys, writer=stranger,
                                                   scope=scope, sign=intruder.sign))
    # A good carrier (right bytes, office's signature) copied into another workstation's folder.
    good = carrier.build(data, keys=district.keys, writer=office.exchange.device_id, scope=scope,
                         sign=office.exchange.sign)
    _plant(district, _sender.exchange.device_id, name, good)
    # A carrier signed by its own folder's workstation, but sealed for another scope than its name.
    gym = district.add("Alder gym", schools=[ALDER])
    other = carrier.build(data, keys=district.keys, writer=gym.exchange.device_id, scope="district",
                          sign=gym.exchange.sign)
    _plant(district, gym.exchange.device_id, name, other)
    result = receiver.engine().import_()
    reasons = sorted(why for _f, why in result.held)
    assert reasons == sorted([
        "the file carrier's signature is not its workstation's (forged or altered)",
        "the file carrier is from a workstation that is not enrolled in this district",
        "the file carrier's signature is not its workstation's (forged or altered)",
        "the file carrier's name does not match its content (renamed, copied or moved)",
    ]), reasons
    assert receiver.exchange.file_of(doc) is None
    count("sync-hostile-files", tried=4, applied=0, reported=len(reasons))


@pytest.mark.policy("P25")
def test_an_oversized_carrier_is_refused_without_being_read(district: District):
    office = district.admin
    data = _doc(10_000, "minutes")
    _sender, receiver, doc, digest = _wanting(district, data)
    folder = district.folder / carrier.FOLDER / office.exchange.device_id
    folder.mkdir(parents=True, exist_ok=True)
    big = folder / carrier.file_name(district.keys, digest, f"school:{ALDER}")
    with open(big, "wb") as fh:          # sparse: larger than any carrier, without the bytes
        fh.truncate(carrier.MAX_CARRIER + 1)
    result = receiver.engine().import_()
    assert result.carriers_opened == 0
    assert [why for _f, why in result.held] == [
        "the file carrier is larger than any SafetyDesk writes, or not a plain file"]
    assert receiver.exchange.file_of(doc) is None
    # And the bound on what a carrier may hold still lets the largest attachment travel.
    from safetydesk.domain.attachments import MAX_ATTACHMENT_BYTES

    assert MAX_ATTACHMENT_BYTES + 512 <= carrier.MAX_CARRIER
    count("sync-hostile-files", tried=1, applied=0, reported=1)
