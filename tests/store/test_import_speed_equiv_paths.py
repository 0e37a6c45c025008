"""The batched import (store/exchange.py) gives exactly what the one-entry-at-a-time import gave.

`reference_import` below is the import as it was before it was batched (one query per
lookup, one INSERT per entry, one refold per record, account checks uncached), kept here
as the oracle. A district of three real data files writes students, interactions,
complaints with workflow steps and notes, concurrent amendments (conflicts), accounts
made, changed and disabled, entries their author may not write, an altered copy, an entry
of a newer format and withheld stubs whose content arrives later. Hypothesis then hands
the same batches (random order, duplicates, stubs first) to two empty twin data files,
one through each path, and after every batch compares the reports and every table:
history (with its order), withheld entries, records, heads, conflicts, every derived row,
the held list with its reasons, and the clock flags.
"""

from __future__ import annotations

import copy
import json
import random
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetydesk.domain.changes import Changes
from safetydesk.domain.ids import new_id
from safetydesk.domain.vocab import AUDIT_ONLY_ACTIONS
from safetydesk.store import Change, Store, authority, schema
from safetydesk.store import exchange as ex
from safetydesk.store.history import ENTRY_FORMAT, LIST_ADD, canonical, wire_hash
from safetydesk.store.keys import keys_path, remove_slots
from support import count, examples

ALDER, BIRCH = "SCHOOL-ALDER", "SCHOOL-BIRCH"


def reference_import(store: Store, entries: list[dict[str, Any]]) -> ex.ImportReport:
    """The import before batching, line for line (the oracle)."""
    report = ex.ImportReport()
    touched: set[tuple[str, str]] = set()
    now = datetime.now(UTC).isoformat(timespec="seconds")

    def insert(conn: Any, w: dict[str, Any]) -> None:
        conn.execute(ex._INSERT_ENTRY, ex._row(w))

    with store.write() as conn:
        store._ensure_device(conn, "")
        held_before = {r[0]: json.loads(r[1]) for r in conn.execute("SELECT id, wire FROM held_entries")}
        revealed: list[dict[str, Any]] = []
        revealed_ids: set[str] = set()
        incoming: dict[str, dict[str, Any]] = {}
        fresh_ids: set[str] = set()
        for w in entries:
            problem = ex._well_formed(w)
            if problem:
                report.held.append((str(w.get("id", "")) if isinstance(w, dict) else "", problem))
                continue
            ikey = ex._key_of(w)
            if not ex.is_stub(w) and ex._withheld_here(conn, w):
                if w["id"] in revealed_ids:
                    report.duplicates += 1  # the same entry twice in one import: once is enough
                    continue
                revealed_ids.add(w["id"])
                revealed.append(w)
                continue
            if ikey in incoming or ex._held_here(conn, w):
                report.duplicates += 1
                continue
            incoming[ikey] = w
            fresh_ids.add(ikey)
        for eid, w in held_before.items():
            incoming.setdefault(eid, w)
        heads = {d: (h.seq, h.hash) for d, h in ex.device_heads(store).items()}
        keys: dict[str, bytes | None] = {}
        accounts = authority.Accounts(conn)
        for w in revealed:
            problem = ex._reveal_problem(store, conn, w, keys, accounts)
            if problem:
                report.held.append((w["id"], problem))
                continue
            insert(conn, w)
            accounts.applied(w)
            if w["record_type"] == "user":
                accounts.changed()
            if w["action"] not in AUDIT_ONLY_ACTIONS:
                touched.add((w["record_type"], w["record_id"]))
            report.imported += 1
        pending = sorted(incoming.values(), key=lambda w: (w["device"], w["dseq"], ex.is_stub(w)))
        reasons: dict[str, str] = {}
        progress = True
        while progress:
            progress = False
            still = []
            for w in pending:
                wkey = ex._key_of(w)
                reason = ex._check(store, conn, w, heads, keys, accounts)
                if reason:
                    reasons[wkey] = reason
                    still.append(w)
                    continue
                reasons.pop(wkey, None)
                heads[w["device"]] = (w["dseq"], w["hash"])
                if ex.is_stub(w):
                    conn.execute(ex._INSERT_STUB, (w["device"], w["dseq"], w["prev"], w["hash"], w["sig"],
                                                   w["withheld"]))
                    if wkey in fresh_ids:
                        report.imported += 1
                    progress = True
                    continue
                insert(conn, w)
                accounts.applied(w)
                if store.clock.observe(w["hlc"]):
                    conn.execute("INSERT OR IGNORE INTO clock_flags (device, hlc, seen_at) VALUES (?,?,?)",
                                 (w["device"], w["hlc"], now))
                    if w["device"] not in report.far_ahead:
                        report.far_ahead.append(w["device"])
                if w["record_type"] == "user":
                    accounts.changed()
                if w["action"] not in AUDIT_ONLY_ACTIONS and w["format"] <= ENTRY_FORMAT:
                    touched.add((w["record_type"], w["record_id"]))
                if wkey in fresh_ids:
                    report.imported += 1
                progress = True
            pending = still
        conn.execute("DELETE FROM held_entries")
        for w in pending:
            wkey = ex._key_of(w)
            conn.execute(
                "INSERT OR REPLACE INTO held_entries (id, device, dseq, wire, reason, first_held) "
                "VALUES (?,?,?,?,?,?)", (wkey, w["device"], w["dseq"], canonical(w), reasons[wkey], now))
            if wkey in fresh_ids:
                report.held.append((wkey, reasons[wkey]))
        from safetydesk.store.projectors import REBUILD_ORDER

        rank = {t: i for i, t in enumerate(REBUILD_ORDER)}
        for record_type, record_id in sorted(touched, key=lambda k: (rank.get(k[0], len(rank)), k)):
            store._refold(conn, record_type, record_id)
        report.slots_removed = remove_slots(keys_path(store.path), ex._disabled_names(conn, touched))
        for key in touched:
            store.touch(*key)
        store._finish_write(conn, [*{w["device"] for w in incoming.values()}, store.device_id])
    report.touched = Changes.of(touched)
    return report


def _write(store: Store, user: str, *changes: Change) -> None:
    store.append(user, list(changes))


def _district(folder: Path) -> tuple[list[dict[str, Any]], set[str]]:
    """Three workstations' entries (every device's), and the ids to withhold at first."""
    a, b, c = (Store.open(folder / f"{n}.sqlite") for n in "abc")
    try:
        _write(a, "ADMIN", Change("user", "ADMIN", "create", {
            "username": [None, "admin"], "role": [None, "district_admin"], "active": [None, True]}))
        for sid, school in ((ALDER, "Alder"), (BIRCH, "Birch")):
            _write(a, "ADMIN", Change("school", sid, "create", {"name": [None, school]}))
        _write(a, "ADMIN",
               Change("user", "PRIN", "create", {"username": [None, "prin"], "role": [None, "principal"],
                                                 "schools": [None, [ALDER]], "active": [None, True]}),
               Change("user", "REV", "create", {"username": [None, "rev"], "role": [None, "reviewer"],
                                                "active": [None, True]}),
               Change("user", "FRONT", "create", {"username": [None, "front"], "role": [None, "front_office"],
                                                  "schools": [None, [BIRCH]], "active": [None, True]}))
        students = [new_id() for _ in range(6)]
        _write(a, "ADMIN", *[Change("student", s, "create", {
            "first_name": [None, f"F{i}"], "last_name": [None, f"L{i}"],
            "school_id": [None, ALDER if i % 2 else BIRCH]}) for i, s in enumerate(students)])
        complaint = new_id()
        _write(a, "ADMIN", Change("complaint", complaint, "create", {
            "status": [None, "received"], "school_id": [None, ALDER],
            "notes": [None, [{"by": "intake", "text": "Received by phone"}]]}))
        setup = [w for d in a.device_heads() for w in a.entries_since(d, 0, 10**6)]
        b.import_entries(setup)
        c.import_entries(setup)
        interactions = [new_id() for _ in range(8)]
        for i, iid in enumerate(interactions):
            who, store = (("PRIN", b) if i % 2 else ("ADMIN", c))
            _write(store, who, Change("interaction", iid, "create", {
                "school_id": [None, ALDER], "occurred_at": [None, f"2026-03-0{1 + i % 8}T10:00"],
                "location": [None, "Hall"], "type": [None, "de_escalation"],
                "narrative": [None, "Fictional: a disagreement over a seat."],
                "students": [None, [{"student_id": students[1], "role": "subject"}]]}))
        # concurrent amendments of the same fields on two workstations: conflicts
        _write(b, "PRIN", Change("student", students[1], "amend", {"last_name": ["L1", "Byname"]}))
        _write(c, "ADMIN", Change("student", students[1], "amend", {"last_name": ["L1", "Cyname"]}))
        _write(b, "PRIN", Change("complaint", complaint, "step", {
            "status": ["received", "acknowledged"], "acknowledged_date": [None, "2026-02-01"]}))
        _write(c, "ADMIN", Change("complaint", complaint, "step", {
            "status": ["received", "closed"], "closed_date": [None, "2026-02-02"]}))
        _write(c, "ADMIN", Change("complaint", complaint, "amend", {"notes": [LIST_ADD, [{"by": "c", "text": "n"}]]}))
        # an account changed and then disabled on A, after it wrote on C
        _write(c, "FRONT", Change("interaction", new_id(), "create", {"school_id": [None, BIRCH]}))
        _write(a, "ADMIN", Change("user", "FRONT", "amend", {"role": ["front_office", "principal"]}))
        _write(a, "ADMIN", Change("user", "FRONT", "amend", {"active": [True, False]}))
        _write(c, "ADMIN", Change("interaction", interactions[0], "view", {}))
        # last in B's chain: entries their authors may not write (held, with reasons; B's later
        # entries wait behind the first)
        _write(b, "REV", Change("student", new_id(), "create", {"last_name": [None, "X"]}))
        _write(b, "PRIN", Change("interaction", new_id(), "create", {"school_id": [None, BIRCH]}))
        _write(b, "nobody", Change("student", new_id(), "create", {"last_name": [None, "Y"]}))
        _write(b, "PRIN", Change("user", "FRONT", "amend", {"role": ["front_office", "district_admin"]}))
        wires = [w for s in (a, b, c) for d in s.device_heads() for w in s.entries_since(d, 0, 10**6)]
        unique = {(w["device"], w["dseq"]): w for w in wires}
        withhold = {w["id"] for w in unique.values() if w["record_type"] == "interaction" and w["dseq"] > 1}
        return list(unique.values()), withhold
    finally:
        for s in (a, b, c):
            s.close()


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    folder = tmp_path_factory.mktemp("equiv-district")
    wires, withhold = _district(folder)
    empty = folder / "empty.sqlite"
    Store.open(empty).close()
    return wires, withhold, empty


def _stub(w: dict[str, Any]) -> dict[str, Any]:
    return {"format": w["format"], "device": w["device"], "dseq": w["dseq"], "prev": w["prev"],
            "hash": w["hash"], "sig": w["sig"], "withheld": ALDER}


def _dump(store: Store) -> dict[str, Any]:
    me = store.device_id
    out: dict[str, Any] = {}
    tables = [*schema.all_derived_tables(), "history", "history_withheld", "clock_flags"]
    for table in tables:
        cols = [r[1] for r in store.conn.execute(f"PRAGMA table_info({table})")
                if r[1] not in ("n", "seen_at")]
        rows = store.conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
        kept = [r for r in rows if me not in repr(r)]  # this file's own device record differs
        out[table] = kept if table == "history" else sorted(kept, key=repr)
    out["held"] = store.conn.execute("SELECT id, device, dseq, wire, reason FROM held_entries ORDER BY id").fetchall()
    out["heads"] = {d: h for d, h in store.device_heads().items() if d != me}
    return out


def _summary(r: ex.ImportReport) -> tuple:
    return (r.imported, r.duplicates, r.held, sorted(r.touched.records), r.far_ahead, r.slots_removed)


@pytest.mark.policy("P23")
@settings(max_examples=examples(ci=60, dev=6), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), parts=st.integers(1, 5), stubs_first=st.booleans(),
       dup=st.booleans(), tamper=st.booleans())
def test_the_batched_import_gives_what_one_entry_at_a_time_gave(district, tmp_path_factory, seed, parts,
                                                                stubs_first, dup, tamper):
    wires, withhold, empty = district
    rnd = random.Random(seed)
    send = [copy.deepcopy(w) for w in wires]
    if tamper:  # an altered copy (re-hashed, not re-signed) and an entry of a newer format
        victim = rnd.choice([w for w in send if w["dseq"] > 1])
        fake = copy.deepcopy(victim)
        fake["changes"] = {"last_name": [None, "Forged"]}
        fake["hash"] = wire_hash(fake)
        send.append(fake)
        future = copy.deepcopy(rnd.choice([w for w in send if w["dseq"] > 1]))
        future["format"] = ENTRY_FORMAT + 1
        future["hash"] = wire_hash(future)
        send.append(future)
        send.append({"id": "not-an-entry"})
    rnd.shuffle(send)
    if dup:
        send += rnd.sample(send, min(5, len(send)))
    first = [_stub(w) if stubs_first and w.get("id") in withhold else w for w in send]
    batches = [first[i::parts] for i in range(parts)]
    if stubs_first:
        batches.append([w for w in send if w.get("id") in withhold])  # the content arrives later
    folder = tmp_path_factory.mktemp("equiv")
    twins = []
    for name in ("batched", "reference"):
        shutil.copyfile(empty, folder / f"{name}.sqlite")
        twins.append(Store.open(folder / f"{name}.sqlite"))
    batched, reference = twins
    try:
        for batch in batches:
            got = ex.import_entries(batched, copy.deepcopy(batch))
            want = reference_import(reference, copy.deepcopy(batch))
            assert _summary(got) == _summary(want)
            assert _dump(batched) == _dump(reference)
        assert batched.verify() == [] and reference.verify() == []
        dump = _dump(batched)
        count("import-batch-equivalence", examples=1, batches=len(batches),
              entries=len(dump["history"]), conflicts=len(dump["conflicts"]), held=len(dump["held"]),
              withheld=len(dump["history_withheld"]), differed=0)
    finally:
        for s in twins:
            s.close()


def test_the_lookups_answer_as_the_one_entry_forms(district, tmp_path):
    """`_Known` (a few queries per batch) against `_withheld_here` / `_held_here` (per entry)."""
    wires, withhold, empty = district
    shutil.copyfile(empty, tmp_path / "t.sqlite")
    store = Store.open(tmp_path / "t.sqlite")
    try:
        store.import_entries([_stub(w) if w["id"] in withhold else w for w in wires[: len(wires) // 2]])
        probe = [*wires, *[_stub(w) for w in wires], *[dict(w, hash="0" * 64) for w in wires[:5]]]
        known = ex._Known(store.conn, probe)
        for w in probe:
            assert known.held_here(w) == ex._held_here(store.conn, w)
            if not ex.is_stub(w):
                assert known.withheld_here(w) == ex._withheld_here(store.conn, w)
        assert any(known.withheld_here(w) for w in wires) and any(known.held_here(w) for w in wires)
    finally:
        store.close()


