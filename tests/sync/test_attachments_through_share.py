"""Attachments' files travel through the share, on REAL data files.

An attachment made on one workstation opens with the same bytes on another after
a pass on each; a workstation that does not serve the attachment's school gets
neither the record nor the file; a change file whose file does not match its
sha256 is held and applies nothing; a 20 MiB file travels (in a file carrier of
its own: sync/carrier.py); a new workstation that starts from a snapshot gets the
files too. Change files written before carriers (format 2, files inside) are
still read.
"""

from __future__ import annotations

import hashlib
import os

import pytest
from sync_world import ADMIN_USER, SCHOOLS, District

from safetydesk.domain.attachments import MAX_ATTACHMENT_BYTES
from safetydesk.sync import carrier, changefile, share
from safetydesk.sync.scope import Scoper
from support import count

ALDER, BIRCH = SCHOOLS[0], SCHOOLS[1]


def _pdf(size: int, seed: str) -> bytes:
    """Fictional document bytes: a PDF header, then bytes that do not compress."""
    head = b"%PDF-1.7\n% fictional agreement document " + seed.encode() + b"\n"
    out = bytearray(head)
    block = hashlib.sha256(seed.encode()).digest()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


@pytest.mark.policy("P25")
def test_an_attachment_made_on_one_workstation_opens_with_the_same_bytes_on_another(district: District):
    alder = district.add("Alder office", schools=[ALDER])
    birch = district.add("Birch office", schools=[BIRCH])
    office = district.admin
    agreement = _pdf(300_000, "agreement")
    handout = _pdf(50_000, "alder handout")
    secret = _pdf(40_000, "birch handout")
    doc = office.exchange.attach(ADMIN_USER, "", "agreement-2026.pdf", agreement)
    alder_doc = office.exchange.attach(ADMIN_USER, ALDER, "alder-start-of-year.pdf", handout,
                                       "start_of_year")
    birch_doc = office.exchange.attach(ADMIN_USER, BIRCH, "birch-start-of-year.pdf", secret,
                                       "start_of_year")
    for ws in (office, alder, birch):
        ws.sync()
    # The district-wide document reaches every workstation; each school's only its own.
    assert alder.exchange.file_of(doc) == agreement
    assert birch.exchange.file_of(doc) == agreement
    assert alder.exchange.file_of(alder_doc) == handout
    assert birch.exchange.file_of(birch_doc) == secret
    # Alder does not serve Birch: neither the record nor its file is there (withheld with it).
    assert alder.exchange.store.state("attachment", birch_doc) is None
    assert alder.exchange.store.blob(hashlib.sha256(secret).hexdigest()) is None
    assert birch.exchange.store.blob(hashlib.sha256(handout).hexdigest()) is None
    for ws in (alder, birch):
        assert ws.exchange.held == {}
        assert ws.exchange.store.verify() == []
        me = office.exchange.device_id
        assert ws.exchange.store.device_heads()[me] == office.exchange.store.device_heads()[me]
    # Birch's file is sealed under Birch's key on the share: not even its bytes are readable.
    raw = b"".join(p.read_bytes() for p in district.folder.rglob("*.sdc"))
    assert secret[:4096] not in raw and agreement[:4096] not in raw
    count("sync-attachments", travelled=4, withheld=1)


@pytest.mark.policy("P25")
def test_a_twenty_mib_attachment_travels_in_a_carrier_of_its_own(district: District):
    school = district.add("Alder office", schools=[ALDER])
    big = _pdf(MAX_ATTACHMENT_BYTES, "board minutes")
    small = _pdf(MAX_ATTACHMENT_BYTES // 2, "training slides")
    first = district.admin.exchange.attach(ADMIN_USER, "", "board-minutes.pdf", big, "training")
    second = district.admin.exchange.attach(ADMIN_USER, "", "slides.pdf", small, "training")
    written = district.admin.engine().export()
    # Each file goes in a carrier of its own, under the size a reader accepts; the change
    # file stays small and in the format every workstation reads.
    assert written.carriers == 2
    carried = district.folder / carrier.FOLDER / district.admin.exchange.device_id
    sizes = sorted(p.stat().st_size for p in carried.glob("*" + carrier.SUFFIX))
    assert sizes[-1] <= carrier.MAX_CARRIER and sizes[-1] > MAX_ATTACHMENT_BYTES
    own = district.folder / share.DEVICES / district.admin.exchange.device_id
    for p in own.glob("*.sdc"):
        assert changefile.read_header(p.read_bytes()).format == changefile.PLAIN_FORMAT
        assert p.stat().st_size < 1024 * 1024
    school.sync()
    assert school.exchange.file_of(first) == big
    assert school.exchange.file_of(second) == small
    assert school.exchange.held == {}


@pytest.mark.policy("P25")
def test_a_file_that_does_not_match_its_sha256_is_refused(district: District):
    office, school = district.admin, district.add("Alder office", schools=[ALDER])
    data = _pdf(20_000, "agreement")
    doc = office.exchange.attach(ADMIN_USER, ALDER, "agreement.pdf", data)
    entries = office.exchange.entries_since(office.exchange.device_id, 0, 1000)
    digest = hashlib.sha256(data).hexdigest()
    wrong = bytearray(data)
    wrong[100] ^= 1
    # Properly sealed and signed by the enrolled workstation, but the file is not the one named.
    built = changefile.build(entries, keys=district.keys, device=office.exchange.device_id,
                             prev_file="", sign=office.exchange.sign, scope_of=Scoper({}),
                             blobs={digest: bytes(wrong)})
    own = district.folder / share.DEVICES / office.exchange.device_id
    own.mkdir(parents=True, exist_ok=True)
    (own / share.change_name(1, changefile.file_hash(built))).write_bytes(built)
    result = school.engine().import_()
    assert [why for _f, why in result.held] == [
        "a file the change file carries does not match its checksum (altered or damaged)"]
    assert result.imported == 0
    assert school.exchange.store.state("attachment", doc) is None
    assert school.exchange.store.blob(digest) is None
    # The history refuses such bytes too, whoever hands them over: the record applies (it is
    # signed and complete) and its file is still not here.
    report = school.exchange.import_entries(entries, {digest: bytes(wrong)})
    assert report.blobs_refused == [digest] and report.held == []
    assert school.exchange.store.state("attachment", doc) is not None
    assert school.exchange.file_of(doc) is None
    # The right bytes, later, let it apply.
    school.exchange.import_blobs({digest: data})
    assert school.exchange.file_of(doc) == data
    count("sync-attachment-checksum", tried=2, refused=2)


def test_a_file_is_not_sent_twice_and_an_entry_without_its_file_waits(district: District):
    office, school = district.admin, district.add("Alder office", schools=[ALDER])
    data = _pdf(10_000, "same file")
    one = office.exchange.attach(ADMIN_USER, "", "a.pdf", data)
    two = office.exchange.attach(ADMIN_USER, "", "b.pdf", data)   # the same bytes attached twice
    entries = office.exchange.entries_since(office.exchange.device_id, 0, 1000)
    built = changefile.build(entries, keys=district.keys, device=office.exchange.device_id,
                             prev_file="", sign=office.exchange.sign, scope_of=Scoper({}),
                             blobs=office.exchange.blobs_for(entries))
    assert built.count(data[:2000]) == 0   # sealed
    cf = changefile.parse(built, district.keys, office.exchange.public_key(office.exchange.device_id))
    assert list(cf.blobs) == [hashlib.sha256(data).hexdigest()]
    # Without the file, the entries apply (and so do that workstation's later ones); the file
    # is not there yet.
    report = school.exchange.import_entries(changefile.wire_items(cf))
    assert school.exchange.file_of(one) is None and report.held == []
    assert school.exchange.store.state("attachment", one) is not None
    school.exchange.import_blobs(cf.blobs)
    assert school.exchange.file_of(one) == data and school.exchange.file_of(two) == data


def test_a_new_workstation_gets_the_files_from_the_snapshot(district: District):
    office = district.admin
    data = _pdf(30_000, "training file")
    doc = office.exchange.attach(ADMIN_USER, "", "training.pdf", data, "training")
    office.log(None, 2)
    office.sync()
    school = district.add("Alder office", schools=[ALDER])
    school.sync()
    assert school.engine().write_snapshot(every=1)
    # The change files themselves are moved away: only the snapshot holds them now.
    own = district.folder / share.DEVICES / office.exchange.device_id
    hidden = district.root / "hidden"
    hidden.mkdir()
    for p in own.glob("*.sdc"):
        os.replace(p, hidden / p.name)
    late = district.add("Birch office", schools=[BIRCH])
    result = late.engine().import_()
    assert result.opened == 1   # the snapshot only
    assert late.exchange.file_of(doc) == data
    assert late.exchange.held == {}


def test_a_school_granted_later_brings_its_earlier_attachments_files(district: District):
    office = district.admin
    alder = district.add("Alder office", schools=[ALDER])
    data = _pdf(25_000, "birch agreement")
    doc = office.exchange.attach(ADMIN_USER, BIRCH, "birch.pdf", data)
    office.sync()
    alder.sync()
    assert alder.exchange.file_of(doc) is None   # withheld: Alder does not serve Birch
    # Birch's key is granted to Alder's workstation later: the files it already read are
    # opened again, and the attachment arrives with its file.
    alder.keys = district.keys.subset({ALDER, BIRCH})
    assert alder.engine().reread_for_schools([BIRCH]) >= 1
    assert alder.exchange.file_of(doc) == data
    assert alder.exchange.held == {}
    assert alder.exchange.store.verify() == []


def test_a_run_too_large_for_one_change_file_is_halved_until_it_fits(district: District, monkeypatch):
    # A smaller limit, so that one run of entries passes the size a reader accepts.
    monkeypatch.setattr(changefile, "MAX_FILE", 64 * 1024)
    school = district.add("Alder office", schools=[ALDER])
    files = {district.admin.exchange.attach(ADMIN_USER, "", f"minutes-{i}.pdf", data): data
             for i, data in enumerate(_pdf(400_000, f"minutes {i}") for i in range(4))}
    district.admin.log(None, 300)
    assert district.admin.engine().export().files >= 2
    own = district.folder / share.DEVICES / district.admin.exchange.device_id
    assert all(p.stat().st_size <= changefile.MAX_FILE for p in own.glob("*.sdc"))
    school.sync()
    assert {rid: school.exchange.file_of(rid) for rid in files} == files
    assert school.exchange.held == {}
