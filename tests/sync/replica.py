"""STAND-IN for the real ``Store`` (issue 10): an in-memory replica of the exchange API.

It implements the agreed contract faithfully (entry hash over the canonical
JSON, Ed25519 signatures, the per-device chain link, holding what has a gap
or fails and retrying it on later imports, ignoring duplicates, accounts only
from an administrator), so the sync tests prove the exchange against the same
rules the store enforces. At integration it is replaced by the real ``Store``:
the ``exchange_factory`` fixture in ``tests/sync/conftest.py`` is the one line
to change.

Extension used by per-school keys (to be agreed with the history engineer): a
STUB (``exchange.STUB_KEYS``) stands for an entry of a school this replica
does not serve; it links the chain without its content.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from safetydesk.domain.changes import Changes
from safetydesk.domain.ids import new_id
from safetydesk.store.blobs import blob_refs
from safetydesk.sync.exchange import (
    ENTRY_FORMAT,
    STUB_KEYS,
    DeviceHead,
    ImportReport,
    entry_hash,
    entry_problem,
    signed_bytes,
)

ADMIN_ROLE = "district_admin"
DISTRICT_WIDE = frozenset({"device", "account", "staff", "agreement", "settings", "school"})


class ReplicaStore:
    """One workstation's history, in memory (see the module docstring)."""

    def __init__(self, founders: Iterable[str] = (), schools: set[str] | None = None,
                 skew_ms: int = 0, now_ms: int | None = None) -> None:
        self._key = Ed25519PrivateKey.generate()
        self.device_id = new_id()
        self.schools = schools              # None: every school (the district office)
        self.founders = set(founders)       # user ids whose accounts are trusted from the start
        self.skew_ms = skew_ms
        self._now = now_ms
        self.chains: dict[str, dict[int, dict[str, Any]]] = {}
        self.hashes: set[str] = set()
        self.held: dict[str, tuple[dict[str, Any], str]] = {}   # hash -> (entry, reason)
        self.keys: dict[str, bytes] = {}
        self.blobs: dict[str, bytes] = {}   # sha256 -> bytes (attachments' files)
        self._hlc = (0, 0)
        self.imports = 0
        pub = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.append("system", "device", self.device_id, "create", {"public_key": [None, pub.hex()]})

    # ------------------------------------------------------------- local writes
    def _wall(self) -> int:
        base = self._now if self._now is not None else int(time.time() * 1000)
        return base + self.skew_ms

    def _tick(self, seen: str | None = None) -> str:
        wall, count = self._hlc
        if seen:
            w, c, _ = seen.split("-", 2)
            wall, count = max((wall, count), (int(w), int(c)))
        now = self._wall()
        self._hlc = (now, 0) if now > wall else (wall, count + 1)
        return f"{self._hlc[0]:015d}-{self._hlc[1]:09d}-{self.device_id}"

    def append(self, user: str, record_type: str, record_id: str, action: str,
               changes: dict[str, Any], reason: str = "") -> dict[str, Any]:
        own = self.chains.setdefault(self.device_id, {})
        dseq = len(own) + 1
        prev = own[dseq - 1]["hash"] if dseq > 1 else ""
        entry: dict[str, Any] = {
            "format": ENTRY_FORMAT, "id": new_id(), "device": self.device_id, "dseq": dseq,
            "prev": prev, "hlc": self._tick(), "user": user, "record_type": record_type,
            "record_id": record_id, "action": action, "changes": changes, "reason": reason,
            "bases": [], "wall_time": str(self._wall()),
        }
        entry["hash"] = entry_hash(entry)
        entry["sig"] = self.sign(signed_bytes(entry["hash"])).hex()
        if record_type == "device":
            self.keys[record_id] = bytes.fromhex(changes["public_key"][1])
        own[dseq] = entry
        self.hashes.add(entry["hash"])
        return entry

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data)

    # ------------------------------------------------------------- the contract
    def device_heads(self) -> dict[str, DeviceHead]:
        return {d: DeviceHead(d, max(c), c[max(c)]["hash"]) for d, c in self.chains.items() if c}

    def entries_since(self, device: str, after_seq: int, limit: int = 1000) -> list[dict[str, Any]]:
        chain = self.chains.get(device, {})
        out = []
        seq = after_seq + 1
        while seq in chain and len(out) < limit:
            out.append(dict(chain[seq]))
            seq += 1
        return out

    def public_key(self, device: str) -> bytes | None:
        return self.keys.get(device)

    def put_blob(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self.blobs[digest] = bytes(data)
        return digest

    def blobs_for(self, entries: Iterable[dict[str, Any]]) -> dict[str, bytes]:
        return {d: self.blobs[d] for e in entries for d in blob_refs(e) if d in self.blobs}

    def import_blobs(self, blobs: Mapping[str, bytes]) -> ImportReport:
        return self.import_entries([], blobs)

    def missing_blobs(self, digests: Iterable[str] | None = None) -> list[str]:
        if digests is None:
            digests = [d for e in self.missing_blob_entries() for d in blob_refs(e)]
        return list(dict.fromkeys(d for d in digests if d not in self.blobs))

    def blob_digests(self) -> list[str]:
        return sorted(self.blobs)

    def missing_blob_entries(self) -> list[dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for chain in self.chains.values():
            for entry in chain.values():
                for d in blob_refs(entry):
                    if d not in self.blobs:
                        out.setdefault(d, entry)
        return list(out.values())

    def import_entries(self, entries: Iterable[dict[str, Any]],
                       blobs: Mapping[str, bytes] | None = None) -> ImportReport:
        self.imports += 1
        report = ImportReport()
        for digest, data in (blobs or {}).items():
            if hashlib.sha256(data).hexdigest() == digest:
                self.blobs[digest] = bytes(data)
        touched: set[tuple[str, str]] = set()
        pending = [e for _, (e, _r) in self.held.items()]
        self.held.clear()
        for entry in entries:
            if entry.get("hash") in self.hashes:
                report.duplicates += 1
            else:
                pending.append(entry)
        progress = True
        while progress:
            progress = False
            still = []
            for entry in sorted(pending, key=lambda e: (str(e.get("device")), e.get("dseq", 0))):
                if entry.get("hash") in self.hashes:
                    continue
                reason = self._problem(entry)
                if reason is None:
                    self._apply(entry)
                    report.imported += 1
                    if "withheld" not in entry:
                        touched.add((entry["record_type"], entry["record_id"]))
                    progress = True
                else:
                    still.append((entry, reason))
            pending = [e for e, _ in still]
        for entry, reason in still:
            key = str(entry.get("hash"))
            self.held[key] = (entry, reason)
            report.held.append((str(entry.get("id", entry.get("hash"))), reason))
        report.touched = Changes.of(touched)
        return report

    # ------------------------------------------------------------- checks
    def _problem(self, entry: dict[str, Any]) -> str | None:
        if not isinstance(entry, dict):
            return "not an entry"
        if entry.get("format", 0) > ENTRY_FORMAT:
            return "newer format"
        device, dseq = entry.get("device"), entry.get("dseq")
        if not isinstance(device, str) or not isinstance(dseq, int):
            return "not an entry"
        if "withheld" in entry:
            if set(entry) != STUB_KEYS:
                return "not an entry"
            key = self.keys.get(device)
            if key is None:
                return "unknown device"
            from safetydesk.sync.crypto import signature_valid
            if not signature_valid(key, bytes.fromhex(entry["sig"]), signed_bytes(entry["hash"])):
                return "bad signature"
        else:
            is_own_device_record = (dseq == 1 and entry.get("record_type") == "device"
                                    and entry.get("record_id") == device)
            key = self.keys.get(device)
            if key is None and is_own_device_record:
                try:
                    key = bytes.fromhex(entry["changes"]["public_key"][1])
                except (KeyError, TypeError, ValueError, IndexError):
                    return "bad device record"
            problem = entry_problem(entry, key)
            if problem:
                return "unknown device" if key is None else problem
        chain = self.chains.get(device, {})
        if dseq != len(chain) + 1:
            return "gap"
        if dseq > 1 and entry["prev"] != chain[dseq - 1]["hash"]:
            return "bad chain link"
        if dseq == 1 and entry["prev"] != "":
            return "bad chain link"
        if "withheld" in entry:
            return None
        if entry["record_type"] == "account" and not self._is_admin(entry["user"]):
            return "not permitted"
        # A file that has not arrived does not hold its entry (store/blobs.py, hold semantics).
        school = self._school(entry)
        if school is not None and self.schools is not None and school not in self.schools:
            return "not permitted"
        return None

    def _is_admin(self, user: str) -> bool:
        if user in self.founders:
            return True
        account = self.records().get(("account", user))
        return bool(account and account.get("role") == ADMIN_ROLE and account.get("active", True))

    @staticmethod
    def _school(entry: dict[str, Any]) -> str | None:
        change = entry["changes"].get("school_id")
        return change[1] if isinstance(change, list) and len(change) == 2 else None

    def _apply(self, entry: dict[str, Any]) -> None:
        self.chains.setdefault(entry["device"], {})[entry["dseq"]] = entry
        self.hashes.add(entry["hash"])
        if "withheld" in entry:
            return
        self._tick(entry["hlc"])
        if entry["record_type"] == "device" and entry["record_id"] == entry["device"]:
            self.keys.setdefault(entry["device"], bytes.fromhex(entry["changes"]["public_key"][1]))

    # ------------------------------------------------------------- derived state
    def content_entries(self) -> list[dict[str, Any]]:
        return [e for chain in self.chains.values() for e in chain.values() if "withheld" not in e]

    def records(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Every record's state: a fold of its entries by (hlc, device, dseq), whatever the arrival."""
        state: dict[tuple[str, str], dict[str, Any]] = {}
        for e in sorted(self.content_entries(), key=lambda e: (e["hlc"], e["device"], e["dseq"])):
            rec = state.setdefault((e["record_type"], e["record_id"]), {})
            for name, (_before, after) in e["changes"].items():
                rec[name] = after
        return state

    def public_key_of_self(self) -> bytes:
        return self.keys[self.device_id]


class SqliteReplica(ReplicaStore):
    """The stand-in kept in a SQLite file (WAL, synchronous=FULL), for tests that kill -9.

    Each local append and each ``import_entries`` is one transaction, as in the
    real store, so a kill at any point leaves the file whole with either all or
    none of an import.
    """

    def __init__(self, path, founders: Iterable[str] = (), schools: set[str] | None = None,
                 **kw: Any) -> None:
        import json
        import sqlite3

        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS entries (hash TEXT PRIMARY KEY, device TEXT, "
                        "dseq INTEGER, body TEXT, UNIQUE(device, dseq))")
        self.db.execute("CREATE TABLE IF NOT EXISTS held (hash TEXT PRIMARY KEY, body TEXT, reason TEXT)")
        meta = dict(self.db.execute("SELECT k, v FROM meta").fetchall())
        self._loading = True
        if not meta:
            super().__init__(founders, schools, **kw)
            raw = self._key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
            self._loading = False
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("key", raw.hex()), ("device", self.device_id),
                    ("founders", json.dumps(sorted(self.founders))),
                    ("schools", json.dumps(None if schools is None else sorted(schools)))])
                self._write_rows(self.content_entries())
            return
        self._key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(meta["key"]))
        self.device_id = meta["device"]
        self.founders = set(json.loads(meta["founders"]))
        loaded = json.loads(meta["schools"])
        self.schools = None if loaded is None else set(loaded)
        self.skew_ms, self._now = 0, None
        self.chains, self.hashes, self.held, self.keys = {}, set(), {}, {}
        self._hlc = (0, 0)
        self.imports = 0
        for (body,) in self.db.execute("SELECT body FROM entries ORDER BY device, dseq"):
            entry = json.loads(body)
            self.chains.setdefault(entry["device"], {})[entry["dseq"]] = entry
            self.hashes.add(entry["hash"])
            if entry.get("record_type") == "device" and entry.get("record_id") == entry["device"]:
                self.keys[entry["device"]] = bytes.fromhex(entry["changes"]["public_key"][1])
        for h, body, reason in self.db.execute("SELECT hash, body, reason FROM held"):
            self.held[h] = (json.loads(body), reason)
        self._loading = False

    def _write_rows(self, entries: list[dict[str, Any]]) -> None:
        import json

        self.db.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?)",
                            [(e["hash"], e["device"], e["dseq"], json.dumps(e)) for e in entries])

    def append(self, *args: Any, **kw: Any) -> dict[str, Any]:
        entry = super().append(*args, **kw)
        if not getattr(self, "_loading", True):
            with self.db:
                self.db.execute("BEGIN IMMEDIATE")
                self._write_rows([entry])
        return entry

    def import_entries(self, entries: Iterable[dict[str, Any]],
                       blobs: Mapping[str, bytes] | None = None) -> ImportReport:
        import json

        before = set(self.hashes)
        report = super().import_entries(entries, blobs)
        new = [e for chain in self.chains.values() for e in chain.values() if e["hash"] not in before]
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self._write_rows(new)
            self.db.execute("DELETE FROM held")
            self.db.executemany("INSERT OR IGNORE INTO held VALUES (?, ?, ?)",
                                [(h, json.dumps(e), r) for h, (e, r) in self.held.items()])
        return report

    def content_entries(self) -> list[dict[str, Any]]:
        return [e for chain in self.chains.values() for e in chain.values()]

    def records(self) -> dict[tuple[str, str], dict[str, Any]]:
        state: dict[tuple[str, str], dict[str, Any]] = {}
        for e in sorted((e for e in self.content_entries() if "withheld" not in e),
                        key=lambda e: (e["hlc"], e["device"], e["dseq"])):
            rec = state.setdefault((e["record_type"], e["record_id"]), {})
            for name, (_before, after) in e["changes"].items():
                rec[name] = after
        return state
