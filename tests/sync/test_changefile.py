"""The change file: sealed under the district's keys, signed by its workstation, parsed strictly."""

from __future__ import annotations

import struct
import zlib

import pytest
from replica import ReplicaStore

from safetydesk.sync import changefile, crypto
from safetydesk.sync.changefile import NewerFormat
from safetydesk.sync.errors import InvalidChangeFile
from safetydesk.sync.keys import DISTRICT, SyncKeys, school_scope
from safetydesk.sync.scope import Scoper

SCHOOL_A, SCHOOL_B = "SCHOOL-A", "SCHOOL-B"


@pytest.fixture
def keys() -> SyncKeys:
    return SyncKeys("DISTRICT1", crypto.new_key(), {SCHOOL_A: crypto.new_key(),
                                                    SCHOOL_B: crypto.new_key()}, True)


@pytest.fixture
def device() -> ReplicaStore:
    ws = ReplicaStore()
    ws.append("U1", "staff", "R-STAFF", "create", {"name": [None, "Staff One"]})
    ws.append("U1", "interaction", "R-A", "create", {"school_id": [None, SCHOOL_A],
                                                     "narrative": [None, "Fictional text"]})
    ws.append("U1", "interaction", "R-B", "create", {"school_id": [None, SCHOOL_B]})
    ws.append("U1", "interaction", "R-A", "amend", {"location": ["", "Gym"]})
    return ws


def build(device: ReplicaStore, keys: SyncKeys, **kw) -> bytes:
    entries = device.entries_since(device.device_id, 0)
    return changefile.build(entries, keys=keys, device=device.device_id, prev_file="",
                            sign=device.sign, scope_of=Scoper({}), **kw)


def test_round_trip_gives_back_every_entry_in_order(device, keys):
    data = build(device, keys)
    cf = changefile.parse(data, keys, device.public_key(device.device_id))
    assert cf.entries == device.entries_since(device.device_id, 0)
    assert (cf.header.first_seq, cf.header.last_seq, cf.header.device) == (1, 5, device.device_id)
    assert cf.file_hash == changefile.file_hash(data)
    # the amendment, which does not repeat the school, travels under the school's key
    assert [c[3] for c in cf.chain] == [DISTRICT, DISTRICT, school_scope(SCHOOL_A),
                                        school_scope(SCHOOL_B), school_scope(SCHOOL_A)]


def test_a_school_workstation_reads_only_its_school_and_gets_stubs_for_the_rest(device, keys):
    data = build(device, keys)
    school_keys = keys.subset({SCHOOL_A})
    cf = changefile.parse(data, school_keys, device.public_key(device.device_id))
    assert {e["record_id"] for e in cf.entries} == {device.device_id, "R-STAFF", "R-A"}
    assert cf.withheld == {school_scope(SCHOOL_B)}
    wire = changefile.wire_items(cf)
    assert [w["dseq"] for w in wire] == [1, 2, 3, 4, 5]
    assert wire[3]["withheld"] == school_scope(SCHOOL_B) and "changes" not in wire[3]


def test_the_body_is_encrypted(device, keys):
    data = build(device, keys)
    assert b"Fictional text" not in data and b"Staff One" not in data


def test_another_districts_key_reads_nothing(device, keys):
    data = build(device, keys)
    other = SyncKeys("DISTRICT1", crypto.new_key(), {}, True)
    with pytest.raises(InvalidChangeFile, match="does not decrypt"):
        changefile.parse(data, other, device.public_key(device.device_id))
    with pytest.raises(InvalidChangeFile, match="another district"):
        changefile.parse(data, SyncKeys("DISTRICT2", keys.district_key), device.public_key(device.device_id))


def test_a_signature_by_another_key_is_refused(device, keys):
    data = build(device, keys)
    with pytest.raises(InvalidChangeFile, match="signature"):
        changefile.parse(data, keys, ReplicaStore().public_key_of_self())


def test_every_truncation_and_every_flipped_byte_is_refused(device, keys):
    data = build(device, keys)
    pub = device.public_key(device.device_id)
    for cut in range(0, len(data), max(1, len(data) // 97)):
        with pytest.raises(InvalidChangeFile):
            changefile.parse(data[:cut], keys, pub)
    for at in range(0, len(data), max(1, len(data) // 211)):
        flipped = bytearray(data)
        flipped[at] ^= 0x40
        with pytest.raises(InvalidChangeFile):
            changefile.parse(bytes(flipped), keys, pub)
    with pytest.raises(InvalidChangeFile):
        changefile.parse(data + b"\0", keys, pub)


def test_a_newer_format_is_kept_for_later_not_refused_as_bad(device, keys):
    data = build(device, keys, fmt=changefile.FORMAT + 1)
    with pytest.raises(NewerFormat, match="newer SafetyDesk"):
        changefile.parse(data, keys, device.public_key(device.device_id))


def test_an_oversized_file_is_refused_before_anything_is_read(keys):
    with pytest.raises(InvalidChangeFile, match="larger than"):
        changefile.parse(b"\0" * (changefile.MAX_FILE + 1), keys, None)


def test_a_zip_bomb_is_refused_without_inflating_it(device, keys):
    """A section that inflates to 1 GiB: properly sealed and signed, so only the bound stops it."""
    bomb = zlib.compress(b" " * (1024 * 1024 * 1024 // 8), 9)  # 128 MiB of spaces, ~130 KB
    entries = device.entries_since(device.device_id, 0)[:1]
    real = changefile.build(entries, keys=keys, device=device.device_id, prev_file="",
                            sign=device.sign, scope_of=Scoper({}))
    header = changefile.read_header(real)
    scope = DISTRICT.encode()
    new_header = changefile._header(keys.district_id, device.device_id, 1, 1, "", 1,
                                    1 + len(scope) + 4 + len(bomb) + 16, header.nonce)
    sealed = crypto.encrypt(keys.for_scope(DISTRICT), changefile._section_nonce(header.nonce, 0),
                            bomb, changefile._aad(new_header, scope, 0))
    body = struct.pack(">B", len(scope)) + scope + struct.pack(">I", len(sealed)) + sealed
    signed = new_header + body
    with pytest.raises(InvalidChangeFile, match="zip bomb"):
        changefile.parse(signed + device.sign(signed), keys, device.public_key(device.device_id))


def _with_files(device: ReplicaStore) -> tuple[dict[str, bytes], list[str]]:
    """An attachment of school A and a district-wide one (ids R-FA, R-FD), their files held."""
    files = {}
    for rid, school, data in (("R-FA", SCHOOL_A, b"%PDF-1.7 school A handout " * 40),
                              ("R-FD", "", b"%PDF-1.7 agreement " * 30)):
        digest = device.put_blob(data)
        files[digest] = data
        device.append("U1", "attachment", rid, "create", {"school_id": [None, school],
                                                          "blob": [None, digest]})
    return files, list(files)


def test_files_travel_in_the_section_of_their_entry_and_only_there(device, keys):
    files, (_school_file, district_file) = _with_files(device)
    entries = device.entries_since(device.device_id, 0)
    assert build(device, keys)[8:10] == struct.pack(">H", changefile.PLAIN_FORMAT)  # no files given
    data = build(device, keys, blobs=device.blobs_for(entries))
    assert changefile.read_header(data).format == 2
    assert b"school A handout" not in data and b"agreement" not in data
    pub = device.public_key(device.device_id)
    assert changefile.parse(data, keys, pub).blobs == files
    # A workstation of school B reads the district's file, never school A's.
    assert changefile.parse(data, keys.subset({SCHOOL_B}), pub).blobs == {district_file: files[district_file]}
    for cut in range(0, len(data), max(1, len(data) // 61)):
        with pytest.raises(InvalidChangeFile):
            changefile.parse(data[:cut], keys, pub)
    for at in range(0, len(data), max(1, len(data) // 131)):
        flipped = bytearray(data)
        flipped[at] ^= 0x40
        with pytest.raises(InvalidChangeFile):
            changefile.parse(bytes(flipped), keys, pub)


def test_a_file_that_does_not_match_its_checksum_refuses_the_whole_change_file(device, keys):
    _files, (school_file, _district_file) = _with_files(device)
    data = build(device, keys, blobs={school_file: b"%PDF-1.7 not the handout"})
    with pytest.raises(InvalidChangeFile, match="does not match its checksum"):
        changefile.parse(data, keys, device.public_key(device.device_id))
    # A school B workstation cannot open that section: it refuses nothing it cannot read.
    cf = changefile.parse(data, keys.subset({SCHOOL_B}), device.public_key(device.device_id))
    assert school_file not in cf.blobs


def test_a_zip_bomb_beside_files_is_refused_too(device, keys):
    """Format 2: the section's JSON is still inflated under the same bound; files are never inflated."""
    bomb = zlib.compress(b" " * (1024 * 1024 * 1024 // 8), 9)
    plain = struct.pack(">I", len(bomb)) + bomb
    nonce = crypto.new_nonce()
    scope = DISTRICT.encode()
    header = changefile._header(keys.district_id, device.device_id, 1, 1, "", 1,
                                1 + len(scope) + 4 + len(plain) + 16, nonce, fmt=2)
    sealed = crypto.encrypt(keys.for_scope(DISTRICT), changefile._section_nonce(nonce, 0), plain,
                            changefile._aad(header, scope, 0))
    signed = header + struct.pack(">B", len(scope)) + scope + struct.pack(">I", len(sealed)) + sealed
    with pytest.raises(InvalidChangeFile, match="zip bomb"):
        changefile.parse(signed + device.sign(signed), keys, device.public_key(device.device_id))
