"""The exchange API the shared-folder sync uses (re-exported on `Store` as methods).

Entries travel as WIRE DICTS (JSON-serialisable, exactly the keys of
`history.WIRE_KEYS`). `import_entries` takes any entries in any order, any
number of times: it ignores what it holds, holds (in ``held_entries``, retried
on every later import) what has a gap or fails a check, applies the rest, and
refolds the records they touch, all in one transaction.

A WITHHELD entry (a STUB: exactly ``STUB_KEYS``) stands for another
workstation's entry of a school this workstation does not serve, whose content
it cannot read (sync seals each school's entries with that school's key). It
carries the chain link (``device``, ``dseq``, ``prev``), the entry's ``hash``
and the device's signature of it, and the scope it was withheld under; it has
no content, changes no record and is kept in ``history_withheld`` beside the
history, so that device's chain has no gap there and its later entries apply.
The signature is checked as for any entry (the device signed that hash at that
position); the hash cannot be checked against content nobody here can read.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from safetydesk.domain.changes import Changes
from safetydesk.domain.vocab import AUDIT_ONLY_ACTIONS
from safetydesk.store import authority
from safetydesk.store import blobs as blobs_mod
from safetydesk.store import history as history_mod
from safetydesk.store.bulk import Deferred
from safetydesk.store.chain import DEVICE, MAX_DSEQ, storable_text, stub_problem, unhex
from safetydesk.store.history import (
    ENTRY_FORMAT,
    HASHED_KEYS,
    WIRE_KEYS,
    FoldEntry,
    canonical,
    fold_record,
    wire_hash,
)
from safetydesk.store.keys import keys_path, remove_slots
from safetydesk.store.signing import verify_signature

if TYPE_CHECKING:
    from safetydesk.store.store import Store


@dataclass(frozen=True)
class DeviceHead:
    device: str  # device id (ULID-like string)
    seq: int  # that device's own sequence number of its newest entry (1-based; 0 = none)
    hash: str  # hex hash of that entry ("" when seq == 0)


@dataclass
class ImportReport:
    imported: int = 0  # entries newly applied
    duplicates: int = 0  # entries already held (ignored)
    held: list[tuple[str, str]] = field(default_factory=list)  # (entry id, plain-language reason)
    touched: Changes = field(default_factory=Changes)  # the records refolded
    far_ahead: list[str] = field(default_factory=list)  # devices whose clock is far ahead (flagged)
    blobs: int = 0  # files (blobs) newly stored
    blobs_refused: list[str] = field(default_factory=list)  # sha256 of received bytes that did not match
    slots_removed: list[str] = field(default_factory=list)  # accounts disabled elsewhere: key slots removed
    released: list[str] = field(default_factory=list)  # entries held by an earlier import, applied now


WIRE_COLUMNS = (
    "format, id, device, dseq, prev_hash, hlc, user, record_type, record_id, action, changes, "
    "reason, bases, wall_time, hash, sig"
)


# A withheld entry on the wire (sync's stub): the link and signature, no content.
STUB_KEYS = frozenset({"format", "device", "dseq", "prev", "hash", "sig", "withheld"})

ROWS_BATCH = 5000  # history rows written per executemany
REFOLD_CHUNK = 500  # records (or ids) per query
AUDIT_ONLY_SQL = ", ".join(f"'{a.value}'" for a in sorted(AUDIT_ONLY_ACTIONS))


def is_stub(w: Any) -> bool:
    return isinstance(w, dict) and "withheld" in w


def _key_of(w: dict[str, Any]) -> str:
    """The id an entry is known by here (a stub has none: its device and number)."""
    return f"withheld:{w['device']}:{w['dseq']}" if is_stub(w) else w["id"]


def row_to_wire(r: tuple) -> dict[str, Any]:
    return {
        "format": r[0], "id": r[1], "device": r[2], "dseq": r[3], "prev": r[4], "hlc": r[5],
        "user": r[6], "record_type": r[7], "record_id": r[8], "action": r[9],
        "changes": json.loads(r[10]), "reason": r[11], "bases": json.loads(r[12]),
        "wall_time": r[13], "hash": r[14], "sig": r[15],
    }


def device_heads(store: Store) -> dict[str, DeviceHead]:
    return {d: DeviceHead(d, s, h) for d, s, h in store.conn.execute(
        "SELECT device, MAX(dseq), hash FROM chain_links GROUP BY device ORDER BY device")}


def entries_since(store: Store, device: str, after_seq: int, limit: int = 1000) -> list[dict[str, Any]]:
    """That device's entries after ``after_seq``, withheld ones as stubs (so the run has no gap)."""
    rows = store.conn.execute(
        f"SELECT {WIRE_COLUMNS} FROM history WHERE device = ? AND dseq > ? ORDER BY dseq LIMIT ?",
        (device, after_seq, limit),
    ).fetchall()
    out = [row_to_wire(r) for r in rows]
    stubs = store.conn.execute(
        "SELECT device, dseq, prev_hash, hash, sig, scope FROM history_withheld w "
        "WHERE device = ? AND dseq > ? AND NOT EXISTS (SELECT 1 FROM history h "
        "WHERE h.device = w.device AND h.dseq = w.dseq) ORDER BY dseq LIMIT ?",
        (device, after_seq, limit)).fetchall()
    if not stubs:
        return out
    out.extend({"format": 1, "device": d, "dseq": q, "prev": p, "hash": h, "sig": g, "withheld": sc}
               for d, q, p, h, g, sc in stubs)
    out.sort(key=lambda w: w["dseq"])
    return out[:limit]


def _well_formed(w: Any) -> str:
    if is_stub(w):
        if set(w) != STUB_KEYS or not all(isinstance(w[k], str) for k in STUB_KEYS - {"format", "dseq"}):
            return "it is not a SafetyDesk withheld entry (its fields are not the expected ones)"
        if not isinstance(w["dseq"], int) or w["dseq"] < 2 or not isinstance(w["format"], int):
            return "it is not a SafetyDesk withheld entry (its numbers are not valid)"
        return stub_problem(w)
    if not isinstance(w, dict) or set(w) != WIRE_KEYS:
        return "it is not a SafetyDesk history entry (its fields are not the expected ones)"
    if (not isinstance(w["dseq"], int) or isinstance(w["dseq"], bool) or not 1 <= w["dseq"] <= MAX_DSEQ
            or not isinstance(w["format"], int) or not 0 <= w["format"] <= MAX_DSEQ):
        return "it is not a SafetyDesk history entry (its numbers are not valid)"
    if not isinstance(w["changes"], dict) or not isinstance(w["bases"], list):
        return "it is not a SafetyDesk history entry (its changes are not valid)"
    for k in HASHED_KEYS:
        if k not in ("changes", "bases", "dseq", "format") and not isinstance(w[k], str):
            return "it is not a SafetyDesk history entry (a field is not text)"
    for k in ("id", "device", "prev", "hash", "sig", "hlc", "user", "record_type", "record_id", "action"):
        if not w[k].isascii() and not storable_text(w[k]):
            return "it is not a SafetyDesk history entry (a field holds text that is not valid Unicode)"
    return ""


def _hash_problem(w: dict[str, Any]) -> str:
    try:
        if wire_hash(w) == w["hash"]:
            return ""
    except UnicodeEncodeError:
        return "it is not a SafetyDesk history entry (its text is not valid Unicode)"
    return "its hash does not match its contents: it was altered or damaged on the way"


def _held_text(w: dict[str, Any]) -> str:
    """A held entry as stored: its canonical JSON, escaped when it holds text UTF-8 cannot store."""
    text = canonical(w)
    return text if storable_text(text) else json.dumps(w, sort_keys=True, separators=(",", ":"))


def import_entries(store: Store, entries: Iterable[dict[str, Any]],
                   blobs: Mapping[str, bytes] | None = None) -> ImportReport:
    report = ImportReport()
    touched: set[tuple[str, str]] = set()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.write() as conn:
        store._ensure_device(conn, "")  # it signs what it records: it must be a device first
        if blobs:
            report.blobs, report.blobs_refused = blobs_mod.import_into(conn, blobs)
        held_before = {r[0]: json.loads(r[1]) for r in conn.execute("SELECT id, wire FROM held_entries")}
        revealed: list[dict[str, Any]] = []
        revealed_ids: set[str] = set()
        incoming: dict[str, dict[str, Any]] = {}
        fresh_ids: set[str] = set()
        formed: list[dict[str, Any]] = []
        for w in entries:
            problem = _well_formed(w)
            if problem:
                report.held.append((str(w.get("id", "")) if isinstance(w, dict) else "", problem))
                continue
            formed.append(w)
        known = _Known(conn, formed)  # what this file holds of them, read in a few queries
        for w in formed:
            ikey = _key_of(w)
            if not is_stub(w) and known.withheld_here(w):
                if w["id"] in revealed_ids:
                    report.duplicates += 1  # the same entry twice in one import: once is enough
                    continue
                revealed_ids.add(w["id"])
                revealed.append(w)
                continue
            if ikey in incoming or known.held_here(w):
                report.duplicates += 1
                continue
            incoming[ikey] = w
            fresh_ids.add(ikey)
        del formed, known
        for eid, w in held_before.items():
            incoming.setdefault(eid, w)
        heads = {d: (h.seq, h.hash) for d, h in device_heads(store).items()}
        keys: dict[str, bytes | None] = {}
        rows = _Rows(conn)  # the rows applied, written a batch at a time (in the order applied)
        accounts = _BatchAccounts(conn, rows)
        for w in revealed:  # content of entries withheld here until now (the school is served now)
            problem = _reveal_problem(store, conn, w, keys, accounts)
            if problem:
                report.held.append((w["id"], problem))
                continue
            rows.entry(w)
            accounts.applied(w)
            if w["record_type"] == "user":
                accounts.changed()
            if w["action"] not in AUDIT_ONLY_ACTIONS:
                touched.add((w["record_type"], w["record_id"]))
            report.imported += 1
        pending = sorted(incoming.values(), key=lambda w: (w["device"], w["dseq"], is_stub(w)))
        reasons: dict[str, str] = {}
        progress = True
        while progress:  # an entry can wait on another device's (an account, a record made there)
            progress = False
            still = []
            # A chain stopped at an entry that cannot apply yet: its later entries cannot apply in
            # this pass either (each must follow the one before), so they are not checked again
            # until the pass after one applies (those skipped in the last pass are checked at the end).
            stopped: dict[str, int] = {}
            skipped = []
            for w in pending:
                wkey = _key_of(w)
                if w["dseq"] > stopped.get(w["device"], w["dseq"]):
                    still.append(w)
                    skipped.append(w)
                    continue
                reason = _check(store, conn, w, heads, keys, accounts)
                if reason:
                    reasons[wkey] = reason
                    still.append(w)
                    if w["dseq"] > heads.get(w["device"], (0, ""))[0]:
                        stopped.setdefault(w["device"], w["dseq"])
                    continue
                reasons.pop(wkey, None)
                heads[w["device"]] = (w["dseq"], w["hash"])
                if is_stub(w):
                    rows.stub(w)
                    if wkey in fresh_ids:
                        report.imported += 1
                    elif wkey in held_before:
                        report.released.append(wkey)
                    progress = True
                    continue
                rows.entry(w)
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
                elif wkey in held_before:
                    report.released.append(wkey)
                progress = True
            pending = still
        for w in skipped:  # why each entry not checked in the last pass still waits
            reasons[_key_of(w)] = _check(store, conn, w, heads, keys, accounts)
        rows.flush()
        conn.execute("DELETE FROM held_entries")
        conn.executemany(
            "INSERT OR REPLACE INTO held_entries (id, device, dseq, wire, reason, first_held) "
            "VALUES (?,?,?,?,?,?)",
            [(_key_of(w), w["device"], w["dseq"], _held_text(w), reasons[_key_of(w)], now) for w in pending])
        report.held.extend((k, reasons[k]) for k in map(_key_of, pending) if k in fresh_ids)
        _refold_all(store, conn, touched)
        # An account disabled on another workstation loses its key slot here too (inside the
        # transaction: if the key file cannot be written, nothing is imported).
        report.slots_removed = remove_slots(keys_path(store.path), _disabled_names(conn, touched))
        for key in touched:
            store.touch(*key)
        store._finish_write(conn, [*{w["device"] for w in incoming.values()}, store.device_id])
        conn.execute(
            "INSERT INTO imports (at, imported, duplicates, held, heads) VALUES (?,?,?,?,?)",
            (now, report.imported, report.duplicates, len(report.held),
             canonical({d: [s, h] for d, (s, h) in heads.items()})))
    report.touched = Changes.of(touched)
    return report


def _disabled_names(conn: Any, touched: set[tuple[str, str]]) -> set[str]:
    """User names of the touched accounts that are now disabled, unless another active account
    has that name (a slot is keyed by name)."""
    ids = [rid for rt, rid in touched if rt == "user"]
    if not ids:
        return set()
    names = set()
    for rid in ids:
        row = conn.execute("SELECT username, active FROM users WHERE id = ?", (rid,)).fetchone()
        if row and not row[1]:
            names.add(row[0])
    active = {r[0] for r in conn.execute("SELECT username FROM users WHERE active = 1")}
    return names - active


def _refold_all(store: Store, conn: Any, touched: set[tuple[str, str]]) -> None:
    """Fold every touched record again from all of its entries, a few hundred records of a type
    per query, in the order `Store._refold` would one at a time (parents first, then by id);
    the derived rows are written through the batched projection of `store.bulk`."""
    from safetydesk.store.projectors import REBUILD_ORDER

    rank = {t: i for i, t in enumerate(REBUILD_ORDER)}
    order = sorted(touched, key=lambda k: (rank.get(k[0], len(rank)), k))
    out: Any = Deferred(conn)
    at = 0
    while at < len(order):
        record_type = order[at][0]
        ids: list[str] = []
        while at < len(order) and order[at][0] == record_type and len(ids) < REFOLD_CHUNK:
            ids.append(order[at][1])
            at += 1
        _refold_chunk(store, conn, out, record_type, ids)
    out.flush()


def _refold_chunk(store: Store, conn: Any, out: Any, record_type: str, ids: list[str]) -> None:
    """`Store._refold` of each record of ``ids`` (one type), with two queries for all of them."""
    marks = ",".join("?" * len(ids))
    existed = {r[0] for r in out.execute(
        f"SELECT record_id FROM record_state WHERE record_type = ? AND record_id IN ({marks})",
        (record_type, *ids))}
    entries: dict[str, list[FoldEntry]] = {}
    for rid, eid, digest, hlc, user, action, changes, bases in conn.execute(
            f"""SELECT record_id, id, hash, hlc, user, action, changes, bases FROM history
                WHERE record_type = ? AND record_id IN ({marks}) AND action NOT IN ({AUDIT_ONLY_SQL})
                AND format <= ? ORDER BY record_id, seq""", (record_type, *ids, ENTRY_FORMAT)):
        entries.setdefault(rid, []).append(
            FoldEntry(eid, digest, hlc, user, action, json.loads(changes), tuple(json.loads(bases))))
    for rid in ids:
        if rid not in entries:
            continue
        folded = fold_record(entries.pop(rid))
        if rid in existed:
            out.execute("DELETE FROM conflicts WHERE record_type = ? AND record_id = ?", (record_type, rid))
        store._write_folded(out, "", record_type, rid, folded, fresh=rid not in existed)


def _check(store: Store, conn: Any, w: dict[str, Any], heads: dict[str, tuple[int, str]],
           keys: dict[str, bytes | None], accounts: authority.Accounts) -> str:
    """Why an entry cannot be applied yet (empty: it can)."""
    device, dseq = w["device"], w["dseq"]
    if w["format"] > ENTRY_FORMAT:
        return ("it was written by a newer version of SafetyDesk (entry format "
                f"{w['format']}); it is kept and applied once this workstation is upgraded")
    if not is_stub(w) and (why := _hash_problem(w)):
        return why
    have_seq, have_hash = heads.get(device, (0, ""))
    if dseq <= have_seq:
        return ("another entry with the same number from the same workstation is already here: "
                "that workstation's data file was copied or restored")
    if dseq > have_seq + 1:
        return f"entries {have_seq + 1}–{dseq - 1} of that workstation have not arrived yet"
    if w["prev"] != have_hash:
        return "it does not follow the entry before it from that workstation (a break in its chain)"
    if device not in keys:
        keys[device] = store.public_key(device)
    key = keys[device]
    if is_stub(w):  # no content: the link (checked above) and the device's signature of the hash
        if key is None:
            return "it comes from a workstation this data file does not know"
        if not verify_signature(key, unhex(w["sig"]), w["hash"].encode("ascii")):
            return "its signature does not match its workstation's key: it was forged or altered"
        return ""
    if dseq == 1:
        if w["record_type"] != DEVICE or w["record_id"] != device:
            return "the first entry of a workstation must be its own signing-key record"
        try:
            key = bytes.fromhex(w["changes"]["public_key"][1])
        except (KeyError, ValueError, TypeError, IndexError):
            return "its signing-key record is not valid"
    if key is None:
        return "it comes from a workstation this data file does not know"
    if history_mod.MUTANT != "signatures-unchecked" and not verify_signature(
            key, unhex(w["sig"]), w["hash"].encode("ascii")):
        return "its signature does not match its workstation's key: it was forged or altered"
    why = _author_or_file_problem(conn, accounts, w)
    if why:
        return why
    if dseq == 1:
        keys[device] = key
    return ""


def _withheld_here(conn: Any, w: dict[str, Any]) -> bool:
    """Whether this full entry is one held here only withheld (same place, same hash)."""
    if conn.execute("SELECT 1 FROM history WHERE id = ? OR (device = ? AND dseq = ?)",
                    (w["id"], w["device"], w["dseq"])).fetchone():
        return False
    row = conn.execute("SELECT hash FROM history_withheld WHERE device = ? AND dseq = ?",
                       (w["device"], w["dseq"])).fetchone()
    return bool(row) and row[0] == w["hash"]


def _reveal_problem(store: Store, conn: Any, w: dict[str, Any], keys: dict[str, bytes | None],
                    accounts: authority.Accounts) -> str:
    """Why a withheld entry's content cannot be added (empty: it can): the same checks as any."""
    if w["format"] > ENTRY_FORMAT:
        return "it was written by a newer version of SafetyDesk"
    if why := _hash_problem(w):
        return why
    if w["device"] not in keys:
        keys[w["device"]] = store.public_key(w["device"])
    key = keys[w["device"]]
    if key is None or not verify_signature(key, unhex(w["sig"]), w["hash"].encode("ascii")):
        return "its signature does not match its workstation's key: it was forged or altered"
    return _author_or_file_problem(conn, accounts, w)


def _author_or_file_problem(conn: Any, accounts: authority.Accounts, w: dict[str, Any]) -> str:
    """The last check of a full entry: its author could write it then (per the replicated
    accounts). Its files need not be here yet (store/blobs.py, hold semantics)."""
    if w["record_type"] != DEVICE:
        why = authority.problem(conn, accounts, w)
        if why and why.endswith(authority.NOT_THAT_SCHOOL):
            # A moved record's entry written before the move, at its former school, by its
            # staff: judged at the school the record was at then (only that check). It reads
            # the record's earlier entries, so a batched import writes what it applied first.
            if isinstance(accounts, _BatchAccounts):
                accounts._rows.flush()
            why = authority.problem(conn, accounts, _as_written(conn, w))
        if why:
            return why
    # A file that has not arrived does not hold the entry (store/blobs.py, hold semantics).
    return ""


def _held_here(conn: Any, w: dict[str, Any]) -> bool:
    """Whether this file already holds that entry (in full, or withheld at its place)."""
    if not is_stub(w) and conn.execute("SELECT 1 FROM history WHERE id = ?", (w["id"],)).fetchone():
        return True
    row = conn.execute("SELECT hash FROM chain_links WHERE device = ? AND dseq = ?",
                       (w["device"], w["dseq"])).fetchone()
    return bool(row) and row[0] == w["hash"]


def _row(w: dict[str, Any]) -> tuple:
    return (w["id"], w["format"], w["device"], w["dseq"], w["prev"], w["hlc"], w["user"],
            w["record_type"], w["record_id"], w["action"], canonical(w["changes"]), w["reason"],
            canonical(sorted(w["bases"])), w["wall_time"], w["hash"], w["sig"])


_INSERT_ENTRY = """INSERT INTO history (id, format, device, dseq, prev_hash, hlc, user, record_type,
    record_id, action, changes, reason, bases, wall_time, hash, sig)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""
_INSERT_STUB = ("INSERT INTO history_withheld (device, dseq, prev_hash, hash, sig, scope) "
                "VALUES (?,?,?,?,?,?)")


class _Rows:
    """The history and withheld rows an import applied, written a batch at a time with
    executemany, in the order they were applied (so each keeps the ``seq`` it would have had).
    Whatever reads the history in the middle of an import flushes them first."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.entries: list[tuple] = []
        self.stubs: list[tuple] = []

    def entry(self, w: dict[str, Any]) -> None:
        self.entries.append(_row(w))
        if len(self.entries) >= ROWS_BATCH:
            self.flush()

    def stub(self, w: dict[str, Any]) -> None:
        self.stubs.append((w["device"], w["dseq"], w["prev"], w["hash"], w["sig"], w["withheld"]))
        if len(self.stubs) >= ROWS_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.entries:
            self.conn.executemany(_INSERT_ENTRY, self.entries)
            self.entries = []
        if self.stubs:
            self.conn.executemany(_INSERT_STUB, self.stubs)
            self.stubs = []


class _BatchAccounts(authority.Accounts):
    """The replicated accounts, read once per import: an author's accounts and an account's
    state at a clock stamp are kept until an account entry is applied (`changed`). Every read
    of the history first writes the rows applied so far, so it sees what it would have seen."""

    def __init__(self, conn: Any, rows: _Rows) -> None:
        super().__init__(conn)
        self._rows = rows
        self._candidates: dict[str, list[str]] = {}
        self._stamps: dict[str, list[str]] = {}
        self._states: dict[tuple[str, int], dict[str, Any] | None] = {}

    def changed(self) -> None:
        self._rows.flush()
        super().changed()
        self._candidates.clear()
        self._stamps.clear()
        self._states.clear()

    def candidates(self, author: str) -> list[str]:
        found = self._candidates.get(author)
        if found is None:
            found = self._candidates[author] = super().candidates(author)
        return found

    def state_at(self, user_id: str, hlc: str) -> dict[str, Any] | None:
        entries = self._of(user_id)  # sorted by (hlc, hash): those up to ``hlc`` are a prefix
        stamps = self._stamps.get(user_id)
        if stamps is None:
            stamps = self._stamps[user_id] = [e.hlc for e in entries]
        n = bisect_right(stamps, hlc)
        if not n:
            return None
        if (user_id, n) not in self._states:
            self._states[(user_id, n)] = fold_record(entries[:n]).state
        return self._states[(user_id, n)]

    def opens_its_chain(self, w: dict[str, Any]) -> bool:
        self._rows.flush()
        return super().opens_its_chain(w)


class _Known:
    """What this data file already holds of a batch of entries, read with a few queries before
    any of them is applied: `withheld_here` and `held_here` answer as `_withheld_here` and
    `_held_here` do one entry at a time."""

    def __init__(self, conn: Any, ws: list[dict[str, Any]]) -> None:
        ids = [w["id"] for w in ws if not is_stub(w)]
        self.ids: set[str] = set()
        for at in range(0, len(ids), REFOLD_CHUNK):
            chunk = ids[at:at + REFOLD_CHUNK]
            self.ids.update(r[0] for r in conn.execute(
                f"SELECT id FROM history WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        spans: dict[str, tuple[int, int]] = {}
        for w in ws:
            lo, hi = spans.get(w["device"], (w["dseq"], w["dseq"]))
            spans[w["device"]] = (min(lo, w["dseq"]), max(hi, w["dseq"]))
        self.history: dict[tuple[str, int], str] = {}
        self.withheld: dict[tuple[str, int], str] = {}
        for device, (lo, hi) in spans.items():
            for table, into in (("history", self.history), ("history_withheld", self.withheld)):
                for dseq, digest in conn.execute(
                        f"SELECT dseq, hash FROM {table} WHERE device = ? AND dseq BETWEEN ? AND ?",
                        (device, lo, hi)):
                    into[(device, dseq)] = digest

    def withheld_here(self, w: dict[str, Any]) -> bool:
        place = (w["device"], w["dseq"])
        if w["id"] in self.ids or place in self.history:
            return False
        return place in self.withheld and self.withheld[place] == w["hash"]

    def held_here(self, w: dict[str, Any]) -> bool:
        if not is_stub(w) and w["id"] in self.ids:
            return True
        place = (w["device"], w["dseq"])
        digest = self.history.get(place, self.withheld.get(place))
        return digest is not None and digest == w["hash"]


def _insert(conn: Any, w: dict[str, Any]) -> None:
    conn.execute(_INSERT_ENTRY, _row(w))


# ----------------------------------------------------------------- records moved between schools
def entries_of_record(store: Store, record_type: str, record_id: str) -> list[dict[str, Any]]:
    """Every entry of one record this file holds in full, as wire dicts, by device and number
    (what sync carries to a record's new school: the original signed entries, unchanged)."""
    rows = store.conn.execute(
        f"SELECT {WIRE_COLUMNS} FROM history WHERE record_type = ? AND record_id = ? "
        "ORDER BY device, dseq", (record_type, record_id)).fetchall()
    return [row_to_wire(r) for r in rows]


@dataclass
class RevealReport:
    revealed: int = 0  # withheld entries whose content was added at their place
    already: int = 0  # entries this file holds in full already
    waiting: list[tuple[str, str]] = field(default_factory=list)  # (entry id, why): tried again later
    refused: list[tuple[str, str]] = field(default_factory=list)  # (entry id, why): never applies
    touched: Changes = field(default_factory=Changes)


# The parents whose school a record without a school of its own takes (a follow-up's interaction).
_PARENT_FIELDS = ("interaction_id", "complaint_id", "request_id")


def _school_here(conn: Any, record_type: str, record_id: str) -> str:
    """The school a record is at per this data file's own folded state ("" when unknown)."""
    row = conn.execute("SELECT state FROM record_state WHERE record_type = ? AND record_id = ?",
                       (record_type, record_id)).fetchone()
    state = json.loads(row[0]) if row else {}
    school = state.get("school_id")
    if isinstance(school, str) and school:
        return school
    for name in _PARENT_FIELDS:
        parent = state.get(name)
        if isinstance(parent, str) and parent:
            prow = conn.execute("SELECT state FROM record_state WHERE record_id = ? LIMIT 1",
                                (parent,)).fetchone()
            pschool = json.loads(prow[0]).get("school_id") if prow else None
            if isinstance(pschool, str) and pschool:
                return pschool
    return ""


def _as_written(conn: Any, w: dict[str, Any]) -> dict[str, Any]:
    """``w`` as its author's permission is judged: at the school its record was at when it was
    written (an older entry of a moved record was written at its former school, by its staff).
    Only for that check: the entry itself, its hash and signature, are never changed."""
    change = w["changes"].get("school_id")
    if isinstance(change, list) and len(change) == 2 and isinstance(change[1], str) and change[1]:
        return w
    school = ""
    for (text,) in conn.execute(
            "SELECT changes FROM history WHERE record_type = ? AND record_id = ? AND hlc < ? "
            "ORDER BY hlc, hash", (w["record_type"], w["record_id"], w["hlc"])):
        then = json.loads(text).get("school_id")
        if isinstance(then, list) and len(then) == 2 and isinstance(then[1], str) and then[1]:
            school = then[1]
    if not school:
        return w
    return {**w, "changes": {**w["changes"], "school_id": [school, school]}}


def reveal_withheld(store: Store, entries: Iterable[dict[str, Any]],
                    schools: frozenset[str] | None) -> RevealReport:
    """Add the content of entries held here only withheld, for records now at ``schools``.

    A record moved to a school this workstation serves (``schools``; None: every school) brings
    its older entries, which were sealed under its former school's key and are held here only
    as withheld entries. Another workstation carries them (sync/carry.py); nothing it says is
    trusted: each entry must be the one withheld here at that place (same device, number and
    hash), pass every check of an imported entry (hash, its own workstation's signature, its
    author's permission, its files), and the record it belongs to must be at one of ``schools``
    per this data file's own records (the move itself arrived and applied here). Nothing else
    is ever added through here: an entry this file has no withheld place for waits, and is
    never applied as a new entry.
    """
    report = RevealReport()
    touched: set[tuple[str, str]] = set()
    with store.write() as conn:
        keys: dict[str, bytes | None] = {}
        accounts = authority.Accounts(conn)
        # In clock order, so each entry's author is judged after the record's earlier entries.
        ordered = sorted(entries, key=lambda w: (str(w.get("hlc", "")), str(w.get("hash", "")))
                         if isinstance(w, dict) else ("", ""))
        for w in ordered:
            if is_stub(w) or _well_formed(w):
                report.refused.append((str(w.get("id", "")) if isinstance(w, dict) else "",
                                       "it is not a SafetyDesk history entry"))
                continue
            row = conn.execute("SELECT hash FROM history WHERE id = ? OR (device = ? AND dseq = ?)",
                               (w["id"], w["device"], w["dseq"])).fetchone()
            if row:
                if row[0] == w["hash"]:
                    report.already += 1
                else:
                    report.refused.append((w["id"], "another entry is at its place here"))
                continue
            if not _withheld_here(conn, w):
                head = conn.execute("SELECT MAX(dseq) FROM chain_links WHERE device = ?",
                                    (w["device"],)).fetchone()[0] or 0
                if w["dseq"] <= head:
                    report.refused.append((w["id"], "it is not the entry withheld at its place"))
                else:
                    report.waiting.append((w["id"], "its place in its workstation's chain has not "
                                                    "arrived yet"))
                continue
            school = _school_here(conn, w["record_type"], w["record_id"])
            if schools is not None and school not in schools:
                report.waiting.append((w["id"], "the record it belongs to is not at a school this "
                                                "workstation serves"))
                continue
            problem = _reveal_problem(store, conn, w, keys, accounts)
            if problem:
                report.refused.append((w["id"], problem))
                continue
            _insert(conn, w)
            accounts.applied(w)
            if w["action"] not in AUDIT_ONLY_ACTIONS:
                touched.add((w["record_type"], w["record_id"]))
            report.revealed += 1
        _refold_all(store, conn, touched)
        for key in touched:
            store.touch(*key)
    report.touched = Changes.of(touched)
    return report
