"""P25: someone with the data file, its key and any SQLite tool, but not a workstation's signing
key, cannot rewrite the history unseen. Prints the history-tamper counter."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from safetydesk.store import Change, Store
from safetydesk.store.chain import CHAIN_COLUMNS, row_hash
from safetydesk.store.signing import public_bytes
from support import count


def _two_workstations(tmp_path: Path) -> tuple[Store, Store]:
    a, b = Store.open(tmp_path / "a" / "d.sqlite"), Store.open(tmp_path / "b" / "d.sqlite")
    a.append("admin", [Change("user", "U1", "create", {"username": [None, "admin"], "role": [None, "district_admin"]})])
    for n in range(4):
        a.append("admin", [Change("student", f"S{n}", "create", {"last_name": [None, f"Name {n}"]})])
    b.import_entries([w for d in a.device_heads() for w in a.entries_since(d, 0)])
    b.append("admin", [Change("student", "S0", "amend", {"last_name": ["Name 0", "Renamed"]})])
    assert a.verify() == [] and b.verify() == []
    return a, b


def _raw(store: Store) -> sqlite3.Connection:
    conn = sqlite3.connect(store.path)
    conn.execute("DROP TRIGGER IF EXISTS history_no_update")
    conn.execute("DROP TRIGGER IF EXISTS history_no_delete")
    return conn


def _rehash_from(conn, device: str, dseq: int, resign: Ed25519PrivateKey | None = None) -> None:
    """Recompute hashes and links of a device's entries from ``dseq`` on, as a careful forger would."""
    rows = conn.execute(f"SELECT {CHAIN_COLUMNS}, seq FROM history WHERE device = ? ORDER BY dseq", (device,)).fetchall()
    prev = ""
    for r in rows:
        r = list(r)
        if r[1] >= dseq:
            r[2] = prev
            r[3] = row_hash(tuple(r))
            sig = resign.sign(r[3].encode()).hex() if resign else r[4]
            conn.execute("UPDATE history SET prev_hash = ?, hash = ?, sig = ? WHERE seq = ?", (r[2], r[3], sig, r[16]))
        prev = r[3]


def edit_and_rehash(a: Store, b: Store) -> Store:
    conn = _raw(a)
    conn.execute("UPDATE history SET changes = ? WHERE record_id = 'S2'", (json.dumps({"last_name": [None, "Edited"]}),))
    _rehash_from(conn, a.device_id, 1)
    conn.commit()
    return a


def remove_last_and_lower_heads(a: Store, b: Store) -> Store:
    conn = _raw(a)
    top = conn.execute("SELECT MAX(dseq) FROM history WHERE device = ?", (a.device_id,)).fetchone()[0]
    conn.execute("DELETE FROM history WHERE device = ? AND dseq >= ?", (a.device_id, top - 1))
    conn.execute("UPDATE sqlite_sequence SET seq = (SELECT MAX(seq) FROM history) WHERE name = 'history'")
    heads = {d: [s, h] for d, s, h in conn.execute("SELECT device, MAX(dseq), hash FROM history GROUP BY device")}
    conn.execute("UPDATE meta SET value = ? WHERE key = 'heads'", (json.dumps(heads, sort_keys=True, separators=(",", ":")),))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'hlc_last'",
                 (conn.execute("SELECT MAX(hlc) FROM history").fetchone()[0],))
    conn.commit()
    return a


def replace_public_key(a: Store, b: Store) -> Store:
    """Workstation b's copy: a's public key replaced by the forger's, every a entry re-signed."""
    forger = Ed25519PrivateKey.generate()
    conn = _raw(b)
    conn.execute("UPDATE history SET changes = ? WHERE device = ? AND dseq = 1",
                 (json.dumps({"public_key": [None, public_bytes(forger).hex()]}), a.device_id))
    conn.execute("UPDATE history SET changes = ? WHERE record_id = 'S3'", (json.dumps({"last_name": [None, "Forged"]}),))
    _rehash_from(conn, a.device_id, 1, resign=forger)
    conn.commit()
    return b


def replace_own_public_key(a: Store, b: Store) -> Store:
    forger = Ed25519PrivateKey.generate()
    conn = _raw(a)
    conn.execute("UPDATE history SET changes = ? WHERE device = ? AND dseq = 1",
                 (json.dumps({"public_key": [None, public_bytes(forger).hex()]}), a.device_id))
    _rehash_from(conn, a.device_id, 1, resign=forger)
    heads = {d: [s, h] for d, s, h in conn.execute("SELECT device, MAX(dseq), hash FROM history GROUP BY device")}
    text = json.dumps(heads, sort_keys=True, separators=(",", ":"))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'heads'", (text,))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'heads_sig'", (forger.sign(text.encode()).hex(),))
    conn.commit()
    return a


def swap_two_entries(a: Store, b: Store) -> Store:
    conn = _raw(a)
    rows = conn.execute("SELECT seq, dseq FROM history WHERE device = ? AND dseq IN (3, 4)", (a.device_id,)).fetchall()
    (s1, d1), (s2, d2) = rows
    conn.execute("UPDATE history SET dseq = -1 WHERE seq = ?", (s1,))
    conn.execute("UPDATE history SET dseq = ? WHERE seq = ?", (d1, s2))
    conn.execute("UPDATE history SET dseq = ? WHERE seq = ?", (d2, s1))
    conn.commit()
    return a


def delete_imported_device(a: Store, b: Store) -> Store:
    conn = _raw(b)
    conn.execute("DELETE FROM history WHERE device = ?", (a.device_id,))
    conn.commit()
    return b


TAMPERING = [edit_and_rehash, remove_last_and_lower_heads, replace_public_key, replace_own_public_key,
             swap_two_entries, delete_imported_device]


@pytest.mark.policy("P25")
@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda f: f.__name__)
def test_tampering_without_the_signing_key_is_detected(tmp_path, tamper):
    a, b = _two_workstations(tmp_path)
    try:
        victim = tamper(a, b)
        problems = victim.verify()
        count("history-tamper", tried=1, detected=1 if problems else 0)
        assert problems, f"{tamper.__name__} went unnoticed"
    finally:
        a.close()
        b.close()


def test_an_edited_entry_is_refused_by_the_workstation_it_is_sent_to(tmp_path):
    a, b = _two_workstations(tmp_path)
    try:
        wire = a.entries_since(a.device_id, 0)
        c = Store.open(tmp_path / "c" / "d.sqlite")
        wire[3]["changes"] = {"last_name": [None, "Edited"]}
        from safetydesk.store.history import wire_hash
        wire[3]["hash"] = wire_hash(wire[3])
        report = c.import_entries(wire)
        assert report.imported == 3
        assert next(reason for _id, reason in report.held).startswith("its signature does not match")
        assert c.verify() == []
        c.close()
    finally:
        a.close()
        b.close()
