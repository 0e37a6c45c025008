"""Attachments stored once, by content (sha256), inside the encrypted data file; carried beside
the entries that reference them (issue: a history that several workstations can merge)."""

from __future__ import annotations

import base64
import hashlib
import json
import os

import pytest

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.permissions import Permission
from safetydesk.services import attachments
from safetydesk.store import Change, Store
from safetydesk.store.blobs import blob_refs

MIB = 1024 * 1024
ADMIN = Change("user", "U1", "create", {"username": [None, "admin"], "role": [None, "district_admin"],
                                        "active": [None, True]})


def _size(session) -> int:
    """The data file's size with its write-ahead log folded in."""
    session.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return session.store.path.stat().st_size


@pytest.mark.policy("P25")
def test_a_20_mib_file_costs_about_20_mib_and_the_same_file_twice_costs_once(admin):
    data = os.urandom(20 * MIB)
    before = _size(admin)
    first = attachments.add_attachment(admin, "minutes.pdf", data, "", "agreement")
    grown = _size(admin) - before
    assert grown < 1.3 * len(data), f"the file grew by {grown / MIB:.1f} MiB for a 20 MiB attachment"
    second = attachments.add_attachment(admin, "minutes-copy.pdf", data, "", "agreement")
    again = _size(admin) - before - grown
    assert second != first and again < MIB, f"the same file attached twice cost {again / MIB:.1f} MiB more"
    assert admin.store.conn.execute("SELECT COUNT(*) FROM blobs").fetchone()[0] == 1
    for record_id in (first, second):
        name, _media, back = attachments.read_attachment(admin, record_id, Permission.VIEW_RECORDS)
        assert back == data and name.startswith("minutes")
        state = admin.store.state("attachment", record_id)
        assert "content_b64" not in state and state["blob"] == hashlib.sha256(data).hexdigest()
    # no byte of the file's content is in the history or the derived state
    row = admin.store.conn.execute("SELECT MAX(LENGTH(changes)) FROM history").fetchone()
    assert row[0] < 10_000
    assert admin.store.verify() == []


def _attach(store: Store, data: bytes, rid: str = "A1") -> None:
    digest = hashlib.sha256(data).hexdigest()
    with store.write():
        store.put_blob(data)
        store.append("admin", [Change("attachment", rid, "create", {
            "name": [None, "plan.pdf"], "sha256": [None, digest], "size": [None, len(data)],
            "blob": [None, digest], "media_type": [None, "application/pdf"]})])


@pytest.fixture
def pair(tmp_path):
    a, b = Store.open(tmp_path / "a.sqlite"), Store.open(tmp_path / "b.sqlite")
    a.append("admin", [ADMIN])
    yield a, b
    a.close()
    b.close()


@pytest.mark.policy("P25")
def test_an_entry_whose_file_has_not_arrived_applies_and_blocks_nothing(pair):
    a, b = pair
    data = b"%PDF-1.4 fictional plan " * 100
    digest = hashlib.sha256(data).hexdigest()
    _attach(a, data)
    a.append("admin", [Change("student", "S1", "create", {"last_name": [None, "Quinn"]})])
    wires = a.entries_since(a.device_id, 0)
    assert [blob_refs(w) for w in wires if blob_refs(w)] == [[digest]]
    report = b.import_entries(wires)
    # The record is signed and complete without its bytes: it applies, and so does the next entry.
    assert report.held == [] and b.held_entries() == []
    assert b.state("attachment", "A1")["blob"] == digest and b.blob(digest) is None
    assert b.state("student", "S1") == {"last_name": "Quinn"}
    assert b.missing_blobs() == [digest] and b.missing_blobs([digest, "0" * 64]) == [digest, "0" * 64]
    assert [e["record_id"] for e in b.missing_blob_entries()] == ["A1"]
    # Another workstation's file not arrived yet is awaited, not damage.
    assert b.verify() == []
    carried = a.blobs_for(wires)
    assert carried == {digest: data}
    late = b.import_blobs(carried)
    assert late.blobs == 1 and late.held == [] and b.held_entries() == []
    assert b.blob(digest) == data and b.missing_blobs() == []
    assert b.verify() == [] and a.verify() == []


@pytest.mark.policy("P25")
def test_blobs_carried_with_the_entries_apply_in_one_call_and_forged_bytes_are_refused(pair):
    a, b = pair
    data = b"agreement text " * 50
    _attach(a, data)
    wires = a.entries_since(a.device_id, 0)
    digest = hashlib.sha256(data).hexdigest()
    forged = b.import_entries(wires, {digest: b"something else"})
    assert forged.blobs_refused == [digest] and forged.blobs == 0 and b.blob(digest) is None
    report = b.import_entries([], {digest: data})
    assert report.blobs == 1 and report.imported == 0 and b.held_entries() == []
    assert b.state("attachment", "A1") is not None and b.verify() == []
    again = b.import_entries(wires, a.blobs_for(wires))
    assert again.blobs == 0 and again.duplicates == len(wires)


@pytest.mark.policy("P25")
def test_an_old_entry_with_its_bytes_in_base64_keeps_folding_and_verifying(pair):
    a, b = pair
    data = b"an old handout " * 40
    digest = hashlib.sha256(data).hexdigest()
    a.append("admin", [Change("attachment", "OLD", "create", {
        "name": [None, "handout.pdf"], "sha256": [None, digest], "size": [None, len(data)],
        "content_b64": [None, base64.b64encode(data).decode("ascii")]})])
    state = a.state("attachment", "OLD")
    assert "content_b64" not in state and state["blob"] == digest and a.blob(digest) == data
    a.rebuild_derived()
    assert a.state("attachment", "OLD") == state and a.verify() == []
    # it travels as it was signed (with its bytes) and needs no blob beside it
    report = b.import_entries(a.entries_since(a.device_id, 0))
    assert report.held == [] and b.state("attachment", "OLD") == state and b.blob(digest) == data
    assert b.verify() == []


def test_an_altered_or_removed_file_is_reported_by_verify(pair):
    a, _b = pair
    data = b"x" * 5000
    _attach(a, data)
    digest = hashlib.sha256(data).hexdigest()
    a.conn.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", (b"y" * 5000, digest))
    a.conn.commit()
    assert any("was altered" in p for p in a.verify())
    assert a.blob(digest) is None
    a.conn.execute("DELETE FROM blobs")
    a.conn.commit()
    assert any("is missing from the data file" in p for p in a.verify())


def test_reading_a_file_that_has_not_arrived_says_so(admin):
    record_id = attachments.add_attachment(admin, "minutes.pdf", b"minutes " * 10, "", "agreement")
    admin.store.conn.execute("DELETE FROM blobs")
    admin.store.conn.commit()
    with pytest.raises(SafetyDeskError, match="missing from this data file"):
        attachments.read_attachment(admin, record_id, Permission.VIEW_RECORDS)


def test_the_migration_moves_old_payloads_out_of_the_derived_state(tmp_path):
    path = tmp_path / "old.sqlite"
    store = Store.open(path)
    data = b"old minutes " * 30
    digest = hashlib.sha256(data).hexdigest()
    store.append("admin", [ADMIN, Change("attachment", "OLD", "create", {
        "sha256": [None, digest], "content_b64": [None, base64.b64encode(data).decode("ascii")]})])
    # the file as the previous version left it: no blobs table, the base64 in the derived state
    old_state = json.dumps({"content_b64": base64.b64encode(data).decode("ascii"), "sha256": digest})
    store.conn.execute("UPDATE record_state SET state = ? WHERE record_type = 'attachment'", (old_state,))
    store.conn.execute("DROP TABLE blobs")
    store.conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm055_content_addressed_files'")
    store.conn.commit()
    store.close()
    store = Store.open(path)
    assert store.state("attachment", "OLD") == {"blob": digest, "sha256": digest}
    assert store.blob(digest) == data and store.verify() == []
    store.close()
