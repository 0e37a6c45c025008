"""A missing attached file blocks only itself, is asked for, and arrives from whoever has it.

On REAL data files through a real folder. Alder's first workstation attaches a
start-of-year handout and then loses the file from its data file (so it cannot
send it), and goes on logging records. A second Alder workstation receives every
one of those later records at once; the attachment's record is there too, and
only its file "has not arrived" (listed, with the record, the file name, the
workstation and what to do). It asks for the file in its signed ack; the district
office, which holds the same bytes (the same handout attached at Birch), answers
with a carrier sealed for Alder, and the file opens with the right bytes. A file
that nobody has stays listed, with its reason, and blocks nothing.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from sync_world import ADMIN_USER, SCHOOLS, District

from safetydesk.services.sync import _status_from
from safetydesk.sync import carrier, share
from support import count

ALDER, BIRCH = SCHOOLS[0], SCHOOLS[1]


def _handout(seed: str) -> bytes:
    out = bytearray(b"%PDF-1.7\n% fictional start-of-year handout " + seed.encode() + b"\n")
    block = hashlib.sha256(seed.encode()).digest()
    while len(out) < 60_000:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out)


def _lose(station, digest: str) -> None:
    """The file's bytes are gone from that workstation's data file (a damaged or restored file)."""
    conn = station.exchange.store.conn
    conn.execute("DELETE FROM blobs WHERE sha256 = ?", (digest,))
    conn.commit()
    assert station.exchange.store.blob(digest) is None


def _ack(district: District, station) -> dict:
    raw = json.loads((district.folder / share.DEVICES / station.exchange.device_id
                      / share.ACK).read_bytes())
    return json.loads(raw["body"])


@pytest.mark.policy("P25")
def test_a_file_lost_at_its_sender_blocks_nothing_is_asked_for_and_arrives_from_a_third(
        district: District):
    office = district.admin
    sender = district.add("Alder office", schools=[ALDER])
    receiver = district.add("Alder library", schools=[ALDER])
    data = _handout("same handout")
    digest = hashlib.sha256(data).hexdigest()
    office.exchange.attach(ADMIN_USER, BIRCH, "handout-birch.pdf", data, "start_of_year")
    office.sync()
    doc = sender.exchange.attach(ADMIN_USER, ALDER, "handout-alder.pdf", data, "start_of_year")
    _lose(sender, digest)
    later = sender.log(ALDER, 3)
    sent = sender.sync()
    assert sent.exported.carriers == 0          # it cannot send what it lacks
    assert sender.engine().state.wanted[digest]["device"] == sender.exchange.device_id

    got = receiver.sync().imported
    # Every later record of the sender is here at once, and the attachment's record too.
    assert got.waiting == 0 and receiver.exchange.held == {}
    assert all(("interaction", rid) in receiver.exchange.records() for rid in later)
    assert receiver.exchange.store.state("attachment", doc) is not None
    assert receiver.exchange.file_of(doc) is None
    assert receiver.exchange.store.verify() == []
    # It is listed, in plain words, and asked for in the receiver's signed ack.
    state = receiver.engine().state
    assert list(state.wanted) == [digest] and state.held == {}
    [sentence] = _status_from(state).files
    assert "handout-alder.pdf" in sentence and doc in sentence and "“Alder office”" in sentence
    assert "It will arrive when “Alder office” next syncs" in sentence
    assert _status_from(state).text.endswith("1 attached file to come: see details")
    # By a token only the school's workstations can make, never the file's checksum itself.
    token = carrier.token(district.keys, f"school:{ALDER}", digest)
    assert _ack(district, receiver)["wants"] == [[token, f"school:{ALDER}", []]]
    assert digest not in json.dumps(_ack(district, receiver))

    # The district office holds the same bytes (the Birch copy) and the Alder key: it answers.
    answered = office.sync()
    assert answered.exported.carriers == 1
    assert (district.folder / carrier.FOLDER / office.exchange.device_id
            / carrier.file_name(district.keys, digest, f"school:{ALDER}")).is_file()
    assert not [p for p in district.folder.rglob("*") if digest in p.name]   # no checksum in names
    arrived = receiver.sync().imported
    assert arrived.files_arrived == 1
    assert receiver.exchange.file_of(doc) == data
    assert receiver.engine().state.wanted == {}
    assert "wants" not in _ack(district, receiver)
    # The sender gets its own file back the same way.
    sender.sync()
    assert sender.exchange.file_of(doc) == data and sender.engine().state.wanted == {}
    assert sender.exchange.store.verify() == []
    count("sync-files-lost-at-sender", lost=1, blocked=0, asked=1, arrived=2)


@pytest.mark.policy("P25")
def test_a_file_nobody_has_stays_listed_with_its_reason_and_blocks_nothing(district: District):
    office = district.admin
    sender = district.add("Alder office", schools=[ALDER])
    data = _handout("only copy")
    digest = hashlib.sha256(data).hexdigest()
    doc = sender.exchange.attach(ADMIN_USER, ALDER, "plan.pdf", data, "agreement")
    _lose(sender, digest)
    sender.sync()
    office.sync()
    later = sender.log(ALDER, 2)
    sender.sync()
    office.sync()
    office.sync()
    # Every later record arrived; only the file is missing, listed with what to do.
    assert all(("interaction", rid) in office.exchange.records() for rid in later)
    assert office.exchange.held == {} and office.exchange.store.verify() == []
    status = _status_from(office.engine().state)
    assert status.held == [] and len(status.files) == 1
    assert "plan.pdf" in status.files[0] and "attached to an agreement" in status.files[0]
    assert "If none does, ask someone at “Alder office” to attach the file again" in status.files[0]
    assert office.exchange.file_of(doc) is None
    # The sender's own verify says its data file lacks its own file (that is damage there).
    assert any("is missing from the data file" in p for p in sender.exchange.store.verify())
