"""Hostile withheld entries (sync's stubs: a link and a signature, no content): whatever a file
on the share or a hand edit of the data file puts in a stub's fields (non-ASCII or unencodable
text, None, numbers, numbers SQLite cannot hold, very long strings), the import holds it with a
plain reason and `verify` names it; neither raises (issue 17 hardening). Real files, no mocks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from safetydesk.store import Change, Store
from safetydesk.store.chain import stub_problem
from support import count, raw_connection

ADMIN = Change("user", "U1", "create", {"username": [None, "admin"], "role": [None, "district_admin"],
                                        "active": [None, True]})

HOSTILE: dict[str, dict[str, Any]] = {
    "non-ASCII hash": {"hash": "é" * 64},
    "unencodable hash": {"hash": "\ud800" * 64},
    "upper-case hash": {"hash": "AB" * 32},
    "short hash": {"hash": "ab"},
    "very long hash": {"hash": "a" * 1_000_000},
    "None hash": {"hash": None},
    "int hash": {"hash": 5},
    "non-ASCII link": {"prev": "é" * 64},
    "non-ASCII signature": {"sig": "é" * 128},
    "very long signature": {"sig": "0" * 1_000_000},
    "int signature": {"sig": 7},
    "unencodable workstation": {"device": "\ud800"},
    "very long workstation": {"device": "D" * 100_000},
    "None scope": {"withheld": None},
    "number SQLite cannot hold": {"dseq": 2**70},
    "format SQLite cannot hold": {"format": 2**70},
    "bool number": {"dseq": True},
    "text number": {"dseq": "4"},
}


@pytest.fixture
def pair(tmp_path: Path):
    a, b = Store.open(tmp_path / "a.sqlite"), Store.open(tmp_path / "b.sqlite")
    a.append("admin", [ADMIN])
    a.append("admin", [Change("student", "S1", "create", {"last_name": [None, "Quinn"]})])
    b.import_entries(a.entries_since(a.device_id, 0))
    yield a, b
    a.close()
    b.close()


def _stub(a: Store, **fields: Any) -> dict[str, Any]:
    """A stub that follows ``a``'s chain exactly (the next number, linked to its head)."""
    head = a.device_heads()[a.device_id]
    return {"format": 1, "device": a.device_id, "dseq": head.seq + 1, "prev": head.hash,
            "hash": "ab" * 32, "sig": "00" * 64, "withheld": "school:SCH-OTHER"} | fields


@pytest.mark.policy("P25")
@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_stub_field_is_named_as_not_a_safetydesk_stub(pair, case: str) -> None:
    a, _b = pair
    why = stub_problem(_stub(a, **HOSTILE[case]))
    assert why.startswith("it is not a SafetyDesk withheld entry (")
    assert stub_problem(_stub(a)) == ""  # the same stub with honest fields is checked as usual
    count("stub-fields-hostile", tried=1, named=1)


@pytest.mark.policy("P25")
@pytest.mark.parametrize("case", ["non-ASCII hash", "unencodable hash", "number SQLite cannot hold"])
def test_an_import_holds_a_hostile_stub_with_a_reason(pair, case: str) -> None:
    a, b = pair
    report = b.import_entries([_stub(a, **HOSTILE[case])])
    assert report.imported == 0 and len(report.held) == 1
    assert report.held[0][1].startswith("it is not a SafetyDesk withheld entry (")
    assert b.verify() == []


def _add_withheld(store: Store, *, dseq: Any = None, digest: Any = "ab" * 32, sig: Any = "00" * 64) -> None:
    """A withheld row written by hand at the end of the store's own chain (the triggers only
    forbid updates and deletes)."""
    head = store.device_heads()[store.device_id]
    conn = raw_connection(store)
    try:
        conn.execute("INSERT INTO history_withheld (device, dseq, prev_hash, hash, sig, scope) "
                     "VALUES (?,?,?,?,?,?)",
                     (store.device_id, head.seq + 1 if dseq is None else dseq, head.hash, digest, sig,
                      "school:SCH-OTHER"))
        conn.commit()
    finally:
        conn.close()


@pytest.mark.policy("P25")
@pytest.mark.parametrize("fields", [
    {"digest": "é" * 64}, {"digest": "\x00" * 64}, {"digest": b"\xff" * 32}, {"digest": 12345},
    {"digest": "a" * 100_000}, {"sig": b"\x00" * 64}, {"sig": "é" * 128}, {"dseq": "four"},
], ids=["non-ASCII hash", "NUL hash", "bytes hash", "int hash", "long hash", "bytes signature",
        "non-ASCII signature", "text number"])
def test_verify_names_a_withheld_row_with_hostile_fields(tmp_path: Path, fields: dict[str, Any]) -> None:
    store = Store.open(tmp_path / "a.sqlite")
    try:
        store.append("admin", [ADMIN])
        assert store.verify() == []
        _add_withheld(store, **fields)
        problems = store.verify()
        chain = [p for p in problems if "withheld" in p or "no valid number" in p]
        assert chain, problems
        assert any(w in chain[0] for w in ("not a SHA-256", "not signed by its workstation", "no valid number"))
        count("stub-fields-hostile", tried=1, named=1)
    finally:
        store.close()


def _full(a: Store) -> dict[str, Any]:
    """A new full entry of ``a``'s own chain (one ``b`` has not had yet), as it travels."""
    a.append("admin", [Change("student", "S2", "create", {"last_name": [None, "Rowe"]})])
    head = a.device_heads()[a.device_id]
    return a.entries_since(a.device_id, head.seq - 1)[-1]


# A full entry whose fields a hostile or damaged (but decrypted) file may hold: numbers SQLite
# cannot store, and text JSON can spell but UTF-8 cannot (a lone surrogate), at the top level
# and inside the changes.
FULL_HOSTILE: dict[str, Any] = {
    "number SQLite cannot hold": lambda w: {**w, "dseq": 2**70},
    "negative format": lambda w: {**w, "format": -1},
    "true as a number": lambda w: {**w, "dseq": True},
    "lone surrogate in its id": lambda w: {**w, "id": "01\ud800X"},
    "lone surrogate in its author": lambda w: {**w, "user": "\udfff"},
    "lone surrogate in its changes": lambda w: {**w, "changes": {**w["changes"], "location": [None, "Hall\ud83d"]}},
}


@pytest.mark.policy("P25")
@pytest.mark.parametrize("case", list(FULL_HOSTILE))
def test_an_import_holds_a_hostile_full_entry_with_a_reason(pair, case: str) -> None:
    a, b = pair
    wire = FULL_HOSTILE[case](_full(a))
    wire = json.loads(json.dumps(wire).replace("\\\\u", "\\u"))  # the file's own escapes, parsed
    before = b.device_heads()
    report = b.import_entries([wire])
    assert report.imported == 0 and len(report.held) == 1
    assert report.held[0][1].startswith(("it is not a SafetyDesk history entry (", "its hash does not match"))
    assert b.device_heads() == before and b.verify() == []
    count("stub-fields-hostile", tried=1, named=1)
