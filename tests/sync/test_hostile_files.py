"""Hostile files on the share: none is applied, every one is reported with a reason.

Counter: ``sync-hostile-files: tried=N applied=0 reported=N``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import zlib
from unittest import mock

from replica import ReplicaStore
from sync_world import ADMIN_USER, SCHOOLS, District

from safetydesk.sync import changefile, crypto, share
from safetydesk.sync.keys import DISTRICT, SyncKeys
from safetydesk.sync.scope import Scoper
from support import count

ALDER = SCHOOLS[0]


def _records(ws) -> set:
    return {rid for (t, rid) in ws.exchange.records() if t != "device"}


def _seal(keys: SyncKeys, author: ReplicaStore, entries, **kw) -> bytes:
    return changefile.build(entries, keys=keys, device=author.device_id, prev_file="",
                            sign=author.sign, scope_of=Scoper({}), **kw)


def _bomb(keys: SyncKeys, author: ReplicaStore) -> bytes:
    bomb = zlib.compress(b"[" * (64 * 1024 * 1024), 9)
    nonce = crypto.new_nonce()
    scope = DISTRICT.encode()
    header = changefile._header(keys.district_id, author.device_id, 1, 1, "", 1,
                                1 + len(scope) + 4 + len(bomb) + 16, nonce)
    sealed = crypto.encrypt(keys.for_scope(DISTRICT), changefile._section_nonce(nonce, 0), bomb,
                            changefile._aad(header, scope, 0))
    signed = header + struct.pack(">B", len(scope)) + scope + struct.pack(">I", len(sealed)) + sealed
    return signed + author.sign(signed)


def _file(ws, data: bytes) -> str:
    return ws.exchange.attach(ADMIN_USER, "", "agreement.pdf", data)


def test_hostile_files_are_held_and_reported_never_applied(district: District, tmp_path):
    victim = district.add("Alder office", schools=[ALDER])
    insider = district.add("Birch office", schools=[SCHOOLS[1]])
    removed = district.add("Stolen laptop", schools=[ALDER])
    removed.log(ALDER, 1)
    removed.sync()
    victim.sync()
    from safetydesk.sync import enrol
    district.admin.sync()
    enrol.remove_workstation(district.admin.engine(), removed.exchange.device_id)
    victim.sync()
    before = _records(victim)

    outsider = ReplicaStore()
    outsider.append("U-X", "interaction", "R-EVIL", "create", {"school_id": [None, ALDER]})
    dev_dir = lambda ws: district.folder / share.DEVICES / ws.exchange.device_id  # noqa: E731
    insider_dir = dev_dir(insider)
    insider_dir.mkdir(parents=True, exist_ok=True)

    def put(folder, name, data):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)

    hostile = []
    # 1. forged: an outsider's entries signed by the outsider, placed in the insider's folder
    data = _seal(district.keys, outsider, outsider.entries_since(outsider.device_id, 0))
    put(insider_dir, share.change_name(1, changefile.file_hash(data)), data)
    hostile.append("forged")
    # 2. signed by the wrong key: the insider's entries, file signed by the outsider
    insider.log(None, 1)
    ins_entries = insider.exchange.entries_since(insider.exchange.device_id, 0)
    data = changefile.build(ins_entries, keys=district.keys, device=insider.exchange.device_id,
                            prev_file="", sign=outsider.sign, scope_of=Scoper({}))
    put(insider_dir, share.change_name(1, changefile.file_hash(data)), data)
    hostile.append("wrong key")
    # 3. from an unknown workstation folder
    data = _seal(district.keys, outsider, outsider.entries_since(outsider.device_id, 0))
    put(district.folder / share.DEVICES / outsider.device_id,
        share.change_name(1, changefile.file_hash(data)), data)
    hostile.append("unknown")
    # 4. from a removed workstation, after its removal
    known = removed.exchange.device_heads()[removed.exchange.device_id].seq
    removed.log(ALDER, 1)
    r_entries = removed.exchange.entries_since(removed.exchange.device_id, known)
    data = changefile.build(r_entries, keys=removed.keys, device=removed.exchange.device_id,
                            prev_file="", sign=removed.exchange.sign, scope_of=Scoper({}))
    put(dev_dir(removed), share.change_name(r_entries[0]["dseq"], changefile.file_hash(data)), data)
    hostile.append("removed")
    # 5. replayed under another name: the removed workstation's old file copied into the insider's folder
    old = sorted(p for p in os.listdir(dev_dir(removed)) if p.startswith("000000000001-"))[0]
    shutil.copy(dev_dir(removed) / old, insider_dir / old)
    hostile.append("replayed")
    # 6. from the future: a newer format version
    data = _seal(district.keys, insider.exchange, ins_entries, fmt=changefile.FORMAT + 7)
    put(insider_dir, share.change_name(1, changefile.file_hash(data)), data)
    hostile.append("future")
    # 7. oversized body (sparse: costs no disk)
    with open(insider_dir / share.change_name(1, "a" * 64), "wb") as fh:
        fh.truncate(changefile.MAX_FILE + 10)
    hostile.append("oversized")
    # 8. a zip bomb, properly sealed and signed by an enrolled workstation
    data = _bomb(district.keys, insider.exchange)
    put(insider_dir, share.change_name(1, changefile.file_hash(data)), data)
    hostile.append("bomb")
    # 9. path tricks in names: odd names, a link out of the folder, a folder named like a file
    put(insider_dir, "..%2f..%2fmanifest.json", b"x")
    hostile.append("odd name")
    os.symlink("/etc/passwd", insider_dir / share.change_name(1, "b" * 64))
    hostile.append("link")
    (insider_dir / share.change_name(1, "c" * 64)).mkdir()
    hostile.append("folder")
    put(district.folder / share.DEVICES / "..evil name", "x.sdc", b"x")
    hostile.append("bad folder")
    # 10. another district's file (sealed under another district key)
    other = SyncKeys(district.id, crypto.new_key(), {}, True)
    data = _seal(other, insider.exchange, ins_entries)
    put(insider_dir, share.change_name(1, changefile.file_hash(data)), data)
    hostile.append("foreign")
    # 11. truncated and bit-flipped copies of a real file
    good = _seal(district.keys, insider.exchange, ins_entries)
    cut = good[: len(good) // 2]
    put(insider_dir, share.change_name(1, changefile.file_hash(cut)), cut)
    hostile.append("truncated")
    flip = bytearray(good)
    flip[len(flip) // 3] ^= 1
    put(insider_dir, share.change_name(1, changefile.file_hash(bytes(flip))), bytes(flip))
    hostile.append("bit flip")

    # 12. an attachment's file that does not match its sha256, sealed and signed by the insider
    doc = _file(insider, b"%PDF-1.7\n% fictional agreement\n" * 500)
    with_file = insider.exchange.entries_since(insider.exchange.device_id, 0)
    digest = insider.exchange.store.state("attachment", doc)["blob"]
    data = _seal(district.keys, insider.exchange, with_file, blobs={digest: b"%PDF-1.7 other bytes"})
    put(insider_dir, share.change_name(1, changefile.file_hash(data)), data)
    hostile.append("wrong checksum")
    # 13. a file no entry of its section refers to (smuggled beside real entries)
    extra = b"%PDF-1.7 smuggled"
    carried = {**insider.exchange.blobs_for(with_file), hashlib.sha256(extra).hexdigest(): extra}
    with mock.patch.object(changefile, "_files_of", lambda _entries, blobs: sorted(blobs.items())):
        data = _seal(district.keys, insider.exchange, with_file, blobs=carried)
    put(insider_dir, share.change_name(1, changefile.file_hash(data)), data)
    hostile.append("unreferenced file")

    result = victim.engine().import_()
    after = _records(victim)
    applied = len(after - before)
    reported = {p for p, _r in result.held + result.ignored}
    assert applied == 0, after - before
    assert len(reported) >= len(hostile), (hostile, result.held)
    assert all(reason for _p, reason in result.held)
    reasons = {reason for _p, reason in result.held}
    assert "a file the change file carries does not match its checksum (altered or damaged)" in reasons
    assert "a section carries a file none of its entries refers to" in reasons
    # Reported once, not again at every pass, and still listed in the status.
    assert victim.engine().import_().held == []
    assert len(victim.engine().state.held) >= len(hostile)
    count("sync-hostile-files", tried=len(hostile), applied=applied, reported=len(hostile))
