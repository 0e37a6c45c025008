"""Records moved between schools: their older entries follow them (docs/sync.md, "Moves").

A school's entries travel sealed under that school's key, so when a record (a
student, or a record entered at the wrong school) moves from Alder to Birch, a
Birch-only workstation holds the record's entries written before the move only
as withheld entries (chain links without content). A workstation that holds
those entries in full and Birch's key (the district office, or one serving both
schools) CARRIES them: it publishes the original signed entries, unchanged,
sealed under Birch's key, in a file of its own, ``carried/<sha256>.sdk``::

    magic "SDCARRY\\r\\n" | format u16 | district id (u8 length + ASCII)
    | scope (u8 length + ASCII) | nonce (12 bytes) | AES-256-GCM(zlib(JSON {"entries": [...]}))

sealed under a key derived from the scope's key, the header as associated
data, and a nonce derived from the plaintext (HMAC), so two workstations
carrying the same entries write byte for byte the same file under the same
name (and different entries are a second file that changes nothing twice).
The file is not signed by its carrier: nothing in it is taken on the
carrier's word. The receiving workstation hands the entries to the store's
``reveal_withheld``, which adds an entry only at the place it holds withheld
(same workstation, number and hash), after every check of an imported entry,
and only while the record it belongs to is, per its own data, at a school it
serves; what cannot apply yet (the move itself has not arrived) is tried again
at later passes.

What is carried, for a record whose school changed (per the carrier's own
folded state, ``school_id``):

* to its school now: every entry of the record the carrier holds in full (its
  history: the roster record and every version of it, so "as of" figures work);
* to each school it was at before: the entries that moved it away from there
  (for a school a lost concurrent move put it at, or put it back at, the entry
  that put it where it is now), so the former school's workstation folds the
  record to a school it does not serve and no longer lists it (it keeps what it
  held while the record was there, and is not told of its later moves).

Nothing else moves: records that name a student but belong to a school of
their own (interactions, interventions, complaints, disclosures) stay with that
school, as the scope rule of every list shows them (FERPA: need to know).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safetydesk.atomic import write_atomically
from safetydesk.sync import crypto, share
from safetydesk.sync.errors import ShareUnavailable
from safetydesk.sync.keys import SyncKeys, school_scope, valid_scope
from safetydesk.sync.scope import DISTRICT_WIDE

if TYPE_CHECKING:
    from safetydesk.sync.engine import SyncEngine

FOLDER = "carried"
SUFFIX = ".sdk"
MAGIC = b"SDCARRY\r\n"
FORMAT = 1
MAX_FILE = 32 * 1024 * 1024
MAX_PLAIN = 128 * 1024 * 1024
PER_FILE = 2000          # entries in one carried file
STATE_FILE = "sync-carry.json"
NAME = re.compile(r"^([0-9a-f]{64})\.sdk$")


class InvalidCarry(ValueError):
    """A carried file that is damaged, altered or not one (it is ignored: it can change nothing)."""


# ----------------------------------------------------------------- the file
def _key(keys: SyncKeys, scope: str) -> bytes | None:
    key = keys.for_scope(scope)
    return crypto.derive(key, "carried-entries") if key else None


def _pack(text: str) -> bytes:
    raw = text.encode("ascii")
    return struct.pack(">B", len(raw)) + raw


def build(keys: SyncKeys, scope: str, entries: list[dict[str, Any]]) -> bytes:
    """The bytes of a carried file: the same entries give the same bytes, on any workstation."""
    key = _key(keys, scope)
    if key is None:
        raise ValueError(f"no key for {scope}")
    ordered = sorted(entries, key=lambda w: (w["device"], w["dseq"]))
    plain = zlib.compress(json.dumps({"entries": ordered}, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode("utf-8"), 6)
    nonce = bytes.fromhex(crypto.mac(key, plain))[:crypto.NONCE_BYTES]
    header = MAGIC + struct.pack(">H", FORMAT) + _pack(keys.district_id) + _pack(scope) + nonce
    return header + crypto.encrypt(key, nonce, plain, header)


def file_name(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() + SUFFIX


def parse(data: bytes, keys: SyncKeys) -> tuple[str, list[dict[str, Any]] | None]:
    """(scope, entries) of a carried file; entries None when this workstation holds no key for
    its scope (not for it: nothing to do). Raises ``InvalidCarry`` when it is damaged."""
    if len(data) > MAX_FILE or not data.startswith(MAGIC):
        raise InvalidCarry("not a carried file")
    at = len(MAGIC)
    try:
        (fmt,) = struct.unpack_from(">H", data, at)
        at += 2
        parts = []
        for _ in range(2):
            n = data[at]
            parts.append(data[at + 1:at + 1 + n].decode("ascii"))
            at += 1 + n
    except (struct.error, IndexError, UnicodeDecodeError):
        raise InvalidCarry("the file is cut short") from None
    district, scope = parts
    if fmt != FORMAT or district != keys.district_id or not valid_scope(scope):
        raise InvalidCarry("the file is not a carried file of this district")
    key = _key(keys, scope)
    if key is None:
        return scope, None
    nonce, sealed = data[at:at + crypto.NONCE_BYTES], data[at + crypto.NONCE_BYTES:]
    plain = crypto.decrypt(key, nonce, sealed, data[:at + crypto.NONCE_BYTES]) if len(
        nonce) == crypto.NONCE_BYTES else None
    if plain is None:
        raise InvalidCarry("the file does not decrypt (altered or damaged)")
    d = zlib.decompressobj()
    try:
        raw = d.decompress(plain, MAX_PLAIN + 1)
        payload = json.loads(raw) if d.eof and len(raw) <= MAX_PLAIN else None
    except (zlib.error, ValueError):
        payload = None
    entries = payload.get("entries") if isinstance(payload, dict) else None
    if not isinstance(entries, list) or not all(isinstance(w, dict) for w in entries):
        raise InvalidCarry("the file holds no entries")
    return scope, entries


# ----------------------------------------------------------------- bookkeeping
@dataclass
class CarryState:
    """What this workstation carried and read (a sidecar beside the sync state: losing it only
    means scanning and carrying again, which changes nothing twice)."""

    scanned: dict[str, int] = field(default_factory=dict)       # device -> entries looked at
    moved: list[str] = field(default_factory=list)              # "type/id" of records that moved
    dirty: list[str] = field(default_factory=list)              # moved records with new entries
    sent: dict[str, list[str]] = field(default_factory=dict)    # "type/id school" -> hash prefixes carried
    read: dict[str, str] = field(default_factory=dict)          # carried file -> "done" | its scope

    @classmethod
    def load(cls, path: Path) -> CarryState:
        try:
            text = path.read_bytes()
            raw = json.loads(text)
            found = cls(**{k: v for k, v in raw.items() if k in cls.__dataclass_fields__})
        except (OSError, ValueError, TypeError):
            return cls()
        found.__dict__["_loaded"] = text
        return found

    def save(self, path: Path) -> None:
        data = json.dumps(asdict(self), separators=(",", ":")).encode("utf-8")
        if data != self.__dict__.get("_loaded"):   # a pass that changed nothing writes nothing
            write_atomically(data, path)
            self.__dict__["_loaded"] = data


def _school_change(w: dict[str, Any]) -> tuple[str, str] | None:
    """(from, to) when ``w`` moves its record from one school to another."""
    change = (w.get("changes") or {}).get("school_id")
    if (isinstance(change, list) and len(change) == 2 and all(isinstance(s, str) and s for s in change)
            and change[0] != change[1]):
        return change[0], change[1]
    return None


@dataclass
class CarryResult:
    files_written: int = 0
    entries_carried: int = 0
    files_read: int = 0
    revealed: int = 0
    waiting: int = 0


def run(engine: SyncEngine) -> CarryResult:
    """One pass: reveal what was carried here, then carry what this workstation can."""
    ex: Any = engine.exchange
    result = CarryResult()
    if not all(hasattr(ex, n) for n in ("state", "entries_of_record", "reveal_withheld")):
        return result   # a history without these (the tests' in-memory stand-in) carries nothing
    path = engine.state_path.with_name(STATE_FILE)
    cs = CarryState.load(path)
    try:
        receive(engine, cs, result)
        publish(engine, cs, result)
    finally:
        cs.save(path)
    return result


# ----------------------------------------------------------------- receiving
def receive(engine: SyncEngine, cs: CarryState, result: CarryResult) -> None:
    keys = engine.keys
    ex: Any = engine.exchange   # the store: ``reveal_withheld`` beside the exchange API
    if keys.all_schools:
        return   # it holds every school's entries in full: nothing is withheld here
    folder = engine.folder / FOLDER
    try:
        names = sorted(os.listdir(folder)) if folder.is_dir() else []
    except OSError as exc:
        raise ShareUnavailable(f"The shared folder cannot be listed ({exc.strerror or exc}).") from exc
    served = frozenset(keys.school_keys)
    for name in names:
        m = NAME.match(name)
        done = cs.read.get(name)
        if not m or done == "done" or (done and keys.for_scope(done) is None):
            continue   # applied, or for a school this workstation does not serve (still)
        try:
            with open(folder / name, "rb") as fh:
                data = fh.read(MAX_FILE + 1)
        except OSError:
            continue   # gone or unreadable now: looked at again next pass
        result.files_read += 1
        if hashlib.sha256(data).hexdigest() != m.group(1):
            continue   # damaged (its carrier writes it again): it can change nothing here
        try:
            scope, entries = parse(data, keys)
        except InvalidCarry:
            continue
        if entries is None:
            cs.read[name] = scope   # read again if this workstation is given that school
            continue
        report = ex.reveal_withheld(entries, served)
        result.revealed += report.revealed
        result.waiting += len(report.waiting)
        if not report.waiting:
            cs.read[name] = "done"
        # Otherwise (the move itself has not arrived here yet, or the entries' places in their
        # chain): the file is read again at the next pass.


# ----------------------------------------------------------------- carrying
def _scan(engine: SyncEngine, cs: CarryState) -> None:
    """Note the records that moved, and moved records with new entries, among entries not seen."""
    ex = engine.exchange
    moved, dirty = set(cs.moved), set(cs.dirty)
    for device, head in sorted(ex.device_heads().items()):
        after = cs.scanned.get(device, 0)
        while after < head.seq:
            batch = ex.entries_since(device, after, 1000)
            if not batch:
                break
            for w in batch:
                if "withheld" in w or w["record_type"] in DISTRICT_WIDE:
                    continue   # withheld here, or travelling to every workstation anyway
                key = f"{w['record_type']}/{w['record_id']}"
                if _school_change(w):
                    moved.add(key)
                if key in moved:
                    dirty.add(key)
            after = batch[-1]["dseq"]
        cs.scanned[device] = after
    cs.moved, cs.dirty = sorted(moved), sorted(dirty)


def plan(keys: SyncKeys, state: dict[str, Any] | None,
         entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """School -> the entries of one moved record this workstation carries there."""
    now = (state or {}).get("school_id")
    if not isinstance(now, str) or not now:
        return {}
    moves = [(w, c) for w in entries if (c := _school_change(w))]
    before = {s for _, c in moves for s in c} - {now}
    out: dict[str, list[dict[str, Any]]] = {}
    # To the school it is at now: its history, when this workstation could read a part of it
    # that school's workstations could not (it holds the key of a school it was at before).
    if keys.for_scope(school_scope(now)) and any(keys.for_scope(school_scope(s)) for s in before):
        out[now] = entries
    # To the schools it was at before: the entries that moved it away from there (or, for a
    # school it was moved to by a move that lost to another made at the same time, the entry
    # that put it where it is now), so it is no longer listed there.
    into = [w for w, c in moves if c[1] == now]
    last = max(into, key=lambda w: (w["hlc"], w["hash"])) if into else None
    for school in sorted(before):
        if not keys.for_scope(school_scope(school)):
            continue
        away = [w for w, c in moves if c[0] == school] or ([last] if last else [])
        # What that school's workstations hold of its moves: those into it (sealed under its key)
        # and those away from it (carried). When the latest of these puts it back there (it was
        # moved back while a move elsewhere, made at the same time, won), they would still list
        # it: the entry that put it where it is now goes too.
        theirs = max(((w, c) for w, c in moves if school in c), key=lambda m: (m[0]["hlc"], m[0]["hash"]),
                     default=None)
        if last is not None and theirs is not None and theirs[1][1] == school and last not in away:
            away = [*away, last]
        if away:
            out.setdefault(school, []).extend(away)
    return out


def _differs(path: Path, data: bytes) -> bool:
    try:
        return path.read_bytes() != data
    except OSError:
        return True


def publish(engine: SyncEngine, cs: CarryState, result: CarryResult) -> None:
    if not engine.keys.all_schools and len(engine.keys.school_keys) < 2:
        return   # it can read one school only: nothing it holds is withheld at another school
    _scan(engine, cs)
    ex: Any = engine.exchange
    folder = engine.folder / FOLDER
    for key in list(cs.dirty):
        record_type, record_id = key.split("/", 1)
        targets = plan(engine.keys, ex.state(record_type, record_id),
                       ex.entries_of_record(record_type, record_id))
        for school, entries in sorted(targets.items()):
            sent_key = f"{key} {school}"
            sent = set(cs.sent.get(sent_key, []))
            new = [w for w in entries if w["hash"][:16] not in sent]
            for i in range(0, len(new), PER_FILE):
                part = new[i:i + PER_FILE]
                data = build(engine.keys, school_scope(school), part)
                name = file_name(data)
                try:
                    if _differs(folder / name, data):   # absent, or damaged on the share
                        engine._recheck()
                        folder.mkdir(exist_ok=True)   # inside the checked district folder only
                        share.write_new(folder, name, data)
                        result.files_written += 1
                except OSError as exc:
                    raise ShareUnavailable(engine._write_problem(exc)) from exc
                result.entries_carried += len(part)
                sent.update(w["hash"][:16] for w in part)
                cs.sent[sent_key] = sorted(sent)
        cs.dirty.remove(key)
