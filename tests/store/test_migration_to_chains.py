"""A data file made before per-device chains opens, re-chained and signed, with every entry's id kept."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from sqlite_utils import Database

from safetydesk.domain.ids import new_id
from safetydesk.store import Store, schema
from safetydesk.store.history import canonical


def _old_file(path, entries):
    conn = sqlite3.connect(path)
    db = Database(conn)
    schema.migrations.apply(db, stop_before="m040_device_chains")
    device = new_id()
    conn.execute("INSERT INTO meta (key, value) VALUES ('device_id', ?)", (device,))
    conn.execute("INSERT INTO meta (key, value) VALUES ('format', 'safetydesk-store/1')")
    prev, ids = "0" * 64, []
    for n, (rt, rid, action, changes) in enumerate(entries):
        eid = new_id()
        values = [eid, f"{1700000000000 + n:013d}-0000-{device}", device, "admin", rt, rid, action,
                  canonical(changes), "", "2023-11-14T22:13:20+00:00", prev]
        digest = hashlib.sha256(canonical(values).encode()).hexdigest()
        conn.execute("""INSERT INTO history (id, hlc, device, user, record_type, record_id, action, changes,
                        reason, wall_time, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""", (*values, digest))
        prev = digest
        ids.append(eid)
    conn.commit()
    conn.close()
    return device, ids


@pytest.mark.policy("P25")
def test_an_old_file_is_rechained_and_signed_keeping_its_entry_ids(tmp_path):
    path = tmp_path / "old.sqlite"
    device, ids = _old_file(path, [
        ("user", "U1", "create", {"username": [None, "admin"], "role": [None, "district_admin"], "active": [None, True]}),
        ("student", "S1", "create", {"first_name": [None, "Avery"], "last_name": [None, "Quinn"]}),
        ("student", "S1", "view", {}),
        ("student", "S1", "amend", {"last_name": ["Quinn", "Quinn-Reyes"]}),
    ])
    store = Store.open(path, backup_dir=tmp_path / "backups")
    try:
        assert store.device_id == device
        rows = store.conn.execute("SELECT id, dseq, record_type, bases FROM history ORDER BY dseq").fetchall()
        assert rows[0][1:3] == (1, "device")
        assert [r[0] for r in rows[1:]] == ids and [r[1] for r in rows[1:]] == [2, 3, 4, 5]
        amend = store.history("student", "S1")[-1]
        assert amend.bases == (store.history("student", "S1")[0].hash,)
        assert store.state("student", "S1")["last_name"] == "Quinn-Reyes"
        assert store.verify() == []
        assert json.loads(store.get_meta("heads"))[device][0] == 5
    finally:
        store.close()
    again = Store.open(path)  # the signing key file is found: no new device, nothing rewritten
    try:
        assert again.device_id == device and again.verify() == []
    finally:
        again.close()


def test_a_copied_data_folder_becomes_a_new_device(tmp_path):
    import shutil

    from safetydesk.store import Change

    first = Store.open(tmp_path / "a" / "d.sqlite")
    first.append("admin", [Change("user", "U1", "create", {"username": [None, "admin"], "role": [None, "district_admin"]}),
                           Change("student", "S1", "create", {"last_name": [None, "Quinn"]})])
    first.close()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    a, b = Store.open(tmp_path / "a" / "d.sqlite"), Store.open(tmp_path / "b" / "d.sqlite")
    try:
        assert b.verify() == []
        b.append("admin", [Change("student", "S1", "amend", {"last_name": ["Quinn", "Reyes"]})])
        assert a.device_id != b.device_id and b.verify() == []
        report = a.import_entries([w for d in b.device_heads() for w in b.entries_since(d, 0)])
        assert report.held == [] and a.state("student", "S1")["last_name"] == "Reyes"
    finally:
        a.close()
        b.close()
