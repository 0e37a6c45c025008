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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from safetydesk.domain.changes import Changes
from safetydesk.domain.vocab import AUDIT_ONLY_ACTIONS
from safetydesk.store import authority
from safetydesk.store import blobs as blobs_mod
from safetydesk.store import history as history_mod
from safetydesk.store.chain import DEVICE, unhex
from safetydesk.store.history import ENTRY_FORMAT, HASHED_KEYS, WIRE_KEYS, canonical, wire_hash
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


WIRE_COLUMNS = (
    "format, id, device, dseq, prev_hash, hlc, user, record_type, record_id, action, changes, "
    "reason, bases, wall_time, hash, sig"
)


# A withheld entry on the wire (sync's stub): the link and signature, no content.
STUB_KEYS = frozenset({"format", "device", "dseq", "prev", "hash", "sig", "withheld"})


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
        return ""
    if not isinstance(w, dict) or set(w) != WIRE_KEYS:
        return "it is not a SafetyDesk history entry (its fields are not the expected ones)"
    if not isinstance(w["dseq"], int) or w["dseq"] < 1 or not isinstance(w["format"], int):
        return "it is not a SafetyDesk history entry (its numbers are not valid)"
    if not isinstance(w["changes"], dict) or not isinstance(w["bases"], list):
        return "it is not a SafetyDesk history entry (its changes are not valid)"
    for k in HASHED_KEYS:
        if k not in ("changes", "bases", "dseq", "format") and not isinstance(w[k], str):
            return "it is not a SafetyDesk history entry (a field is not text)"
    return ""


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
        incoming: dict[str, dict[str, Any]] = {}
        fresh_ids: set[str] = set()
        for w in entries:
            problem = _well_formed(w)
            if problem:
                report.held.append((str(w.get("id", "")) if isinstance(w, dict) else "", problem))
                continue
            ikey = _key_of(w)
            if not is_stub(w) and _withheld_here(conn, w):
                revealed.append(w)
                continue
            if ikey in incoming or _held_here(conn, w):
                report.duplicates += 1
                continue
            incoming[ikey] = w
            fresh_ids.add(ikey)
        for eid, w in held_before.items():
            incoming.setdefault(eid, w)
        heads = {d: (h.seq, h.hash) for d, h in device_heads(store).items()}
        keys: dict[str, bytes | None] = {}
        accounts = authority.Accounts(conn)
        for w in revealed:  # content of entries withheld here until now (the school is served now)
            problem = _reveal_problem(store, conn, w, keys, accounts)
            if problem:
                report.held.append((w["id"], problem))
                continue
            _insert(conn, w)
            if w["record_type"] == "user":
                accounts.changed()
            if w["action"] not in AUDIT_ONLY_ACTIONS:
                touched.add((w["record_type"], w["record_id"]))
            report.imported += 1
        pending = sorted(incoming.values(), key=lambda w: (w["device"], w["dseq"], is_stub(w)))
        reasons: dict[str, str] = {}
        progress = True
        while progress:  # an entry can wait on another device's (an account made there)
            progress = False
            still = []
            for w in pending:
                wkey = _key_of(w)
                reason = _check(store, conn, w, heads, keys, accounts)
                if reason:
                    reasons[wkey] = reason
                    still.append(w)
                    continue
                reasons.pop(wkey, None)
                heads[w["device"]] = (w["dseq"], w["hash"])
                if is_stub(w):
                    _insert_stub(conn, w)
                    if wkey in fresh_ids:
                        report.imported += 1
                    progress = True
                    continue
                _insert(conn, w)
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
            wkey = _key_of(w)
            conn.execute(
                "INSERT OR REPLACE INTO held_entries (id, device, dseq, wire, reason, first_held) "
                "VALUES (?,?,?,?,?,?)", (wkey, w["device"], w["dseq"], canonical(w), reasons[wkey], now))
            if wkey in fresh_ids:
                report.held.append((wkey, reasons[wkey]))
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
    from safetydesk.store.projectors import REBUILD_ORDER

    rank = {t: i for i, t in enumerate(REBUILD_ORDER)}
    for record_type, record_id in sorted(touched, key=lambda k: (rank.get(k[0], len(rank)), k)):
        store._refold(conn, record_type, record_id)


def _check(store: Store, conn: Any, w: dict[str, Any], heads: dict[str, tuple[int, str]],
           keys: dict[str, bytes | None], accounts: authority.Accounts) -> str:
    """Why an entry cannot be applied yet (empty: it can)."""
    device, dseq = w["device"], w["dseq"]
    if w["format"] > ENTRY_FORMAT:
        return ("it was written by a newer version of SafetyDesk (entry format "
                f"{w['format']}); it is kept and applied once this workstation is upgraded")
    if not is_stub(w) and wire_hash(w) != w["hash"]:
        return "its hash does not match its contents: it was altered or damaged on the way"
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
    if wire_hash(w) != w["hash"]:
        return "its hash does not match its contents: it was altered or damaged on the way"
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


def _insert_stub(conn: Any, w: dict[str, Any]) -> None:
    conn.execute("INSERT INTO history_withheld (device, dseq, prev_hash, hash, sig, scope) "
                 "VALUES (?,?,?,?,?,?)", (w["device"], w["dseq"], w["prev"], w["hash"], w["sig"],
                                          w["withheld"]))


def _insert(conn: Any, w: dict[str, Any]) -> None:
    conn.execute(
        """INSERT INTO history (id, format, device, dseq, prev_hash, hlc, user, record_type,
           record_id, action, changes, reason, bases, wall_time, hash, sig)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        (w["id"], w["format"], w["device"], w["dseq"], w["prev"], w["hlc"], w["user"],
         w["record_type"], w["record_id"], w["action"], canonical(w["changes"]), w["reason"],
         canonical(sorted(w["bases"])), w["wall_time"], w["hash"], w["sig"]),
    )
