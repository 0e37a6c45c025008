"""History entries: per-device signed chains, causal bases, and the order-free fold (P25).

Every entry belongs to the chain of the device (workstation) that wrote it:
``dseq`` is that device's own sequence number and ``prev`` the hash of that
device's previous entry. ``bases`` names the heads of the record the entry was
made on (the entries of that record nobody had built on yet), so two entries
are concurrent when neither is in the other's past. The hash covers every
wire key except ``hash`` and ``sig``; the signature is the device's Ed25519
signature of the hash. The local ``seq`` is only arrival order.

`fold_record` computes a record's state from the SET of its entries: the same
entries in any order give the same state, info, heads and conflicts.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

ENTRY_FORMAT = 1  # entries of a newer format are kept, not applied

# Wire keys, in canonical (sorted) order; ``hash`` and ``sig`` are not hashed.
HASHED_KEYS = (
    "action", "bases", "changes", "device", "dseq", "format", "hlc", "id", "prev", "reason",
    "record_id", "record_type", "user", "wall_time",
)
WIRE_KEYS = frozenset((*HASHED_KEYS, "hash", "sig"))

# Actions that change nothing in a record (views, prints, exports) are in the chain but not folded.
STEP = "step"
RETRACT = "retract"
CREATE = "create"
RESOLVE = "resolve"
LIST_ADD = "+"  # a change {field: ["+", [items]]} adds items to a list (folded by set union)

# Test-only switches for the mutation suite (tests/store/test_convergence.py).
MUTANT: str = ""


def canonical(value: Any) -> str:
    """The one JSON spelling of a value: hashed, stored and exchanged byte for byte."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Change:
    """A change to append: ``changes`` maps each field to ``[before, after]``
    (or ``["+", [items]]`` to add items to a list field)."""

    record_type: str
    record_id: str
    action: str
    changes: dict[str, list[Any]]
    reason: str = ""


@dataclass(frozen=True)
class Entry:
    seq: int
    id: str
    hlc: str
    device: str
    user: str
    record_type: str
    record_id: str
    action: str
    changes: dict[str, list[Any]]
    reason: str
    wall_time: str
    prev_hash: str
    hash: str
    dseq: int = 0
    bases: tuple[str, ...] = ()
    sig: str = ""
    format: int = ENTRY_FORMAT
    # ``user`` as the entry records it (hashed): a user id, or, in entries made before ids were
    # recorded, a user name. ``user`` itself is the name to show (`Store` looks ids up).
    author_id: str = ""


def hash_text(
    *, action: str, bases_text: str, changes_text: str, device: str, dseq: int, format: int,
    hlc: str, id: str, prev: str, reason: str, record_id: str, record_type: str, user: str,
    wall_time: str,
) -> str:
    """SHA-256 over the canonical JSON of the hashed wire keys, built from stored canonical texts.

    Equal to ``sha256(canonical({k: wire[k] for k in HASHED_KEYS}))``: ``bases_text`` and
    ``changes_text`` are the canonical texts of those values.
    """
    d = _quoted
    text = (
        '{"action":' + d(action, ensure_ascii=False) + ',"bases":' + bases_text
        + ',"changes":' + changes_text + ',"device":' + d(device, ensure_ascii=False)
        + ',"dseq":' + str(int(dseq)) + ',"format":' + str(int(format))
        + ',"hlc":' + d(hlc, ensure_ascii=False) + ',"id":' + d(id, ensure_ascii=False)
        + ',"prev":' + d(prev, ensure_ascii=False) + ',"reason":' + d(reason, ensure_ascii=False)
        + ',"record_id":' + d(record_id, ensure_ascii=False)
        + ',"record_type":' + d(record_type, ensure_ascii=False)
        + ',"user":' + d(user, ensure_ascii=False) + ',"wall_time":' + d(wall_time, ensure_ascii=False)
        + "}"
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def _quoted(value: str, ensure_ascii: bool = False) -> str:
    """``json.dumps(value, ensure_ascii=False)`` for a string, without the encoder's set-up."""
    if isinstance(value, str) and _NEEDS_ESCAPE.search(value) is None:
        return '"' + value + '"'
    return json.dumps(value, ensure_ascii=ensure_ascii)


def wire_hash(wire: dict[str, Any]) -> str:
    """The hash a wire dict should carry."""
    return hashlib.sha256(canonical({k: wire[k] for k in HASHED_KEYS}).encode("utf-8")).hexdigest()


def fold(state: dict[str, Any] | None, changes: dict[str, list[Any]]) -> dict[str, Any]:
    """Apply one entry's changes: every field takes its ``after`` value; list additions add."""
    new = dict(state or {})
    for key, (before, after) in changes.items():
        if before == LIST_ADD and MUTANT != "lists-replace":
            new[key] = _union(new.get(key), after)
        else:
            new[key] = after
    return new


def list_additions(changes: dict[str, list[Any]], fields: Iterable[str]) -> dict[str, list[Any]]:
    """``changes`` with each of ``fields`` that only gains items written as a list addition
    (``[LIST_ADD, [added items]]``); a change that removes or edits an item stays whole."""
    out = dict(changes)
    for name in fields:
        change = out.get(name)
        if not change or not isinstance(change[1], list):
            continue
        before = change[0] if isinstance(change[0], list) else []
        had = {canonical(i) for i in before}
        after = {canonical(i) for i in change[1]}
        if had <= after:
            out[name] = [LIST_ADD, [i for i in change[1] if canonical(i) not in had]]
    return out


def _union(current: Any, added: list[Any]) -> list[Any]:
    items = list(current) if isinstance(current, list) else []
    seen = {canonical(i) for i in items}
    for item in added or []:
        text = canonical(item)
        if text not in seen:
            seen.add(text)
            items.append(item)
    return sorted(items, key=canonical)


# ------------------------------------------------------------------ the fold
@dataclass
class FoldEntry:
    id: str
    hash: str
    hlc: str
    user: str
    action: str
    changes: dict[str, list[Any]]
    bases: tuple[str, ...]


@dataclass
class Conflict:
    kind: str
    fields: tuple[str, ...]
    winner: str  # entry id
    loser: str
    resolved_by: str = ""


@dataclass
class Folded:
    state: dict[str, Any]
    version: int
    created_hlc: str
    updated_hlc: str
    created_by: str
    updated_by: str
    heads: list[str]
    conflicts: list[Conflict] = field(default_factory=list)


CONFLICT_KINDS = {
    "create": "Two different versions of this record were created on two workstations.",
    "step": "Two workflow steps were taken at the same time on two workstations.",
    "retract": "The record was retracted on one workstation while it was changed on another.",
    "field": "The same field was changed to different values on two workstations.",
}


def _after(changes: dict[str, list[Any]]) -> dict[str, str]:
    return {k: canonical(v[1]) for k, v in changes.items() if v and v[0] != LIST_ADD}


def conflict_between(a: FoldEntry, b: FoldEntry) -> tuple[str, tuple[str, ...]] | None:
    """The kind of conflict two concurrent entries make, if any (and the fields involved)."""
    if a.action == CREATE and b.action == CREATE:
        # list additions merge by union: only the fields each create sets whole can differ
        fa, fb = _after(a.changes), _after(b.changes)
        if fa != fb:
            fields = tuple(sorted(k for k in set(fa) | set(fb) if fa.get(k) != fb.get(k)))
            return "create", fields
        return None
    if a.action == STEP and b.action == STEP:
        return "step", tuple(sorted(set(a.changes) | set(b.changes)))
    if (a.action == RETRACT) != (b.action == RETRACT):
        return "retract", tuple(sorted(set(a.changes) | set(b.changes)))
    fa, fb = _after(a.changes), _after(b.changes)
    fields = tuple(sorted(k for k in set(fa) & set(fb) if fa[k] != fb[k]))
    if fields:
        return "field", fields
    return None


def _rank(e: FoldEntry) -> tuple[str, str]:
    return (e.hlc, e.hash)


def fold_record(entries: list[FoldEntry]) -> Folded:
    """A record's state from the set of its entries (any order, duplicates already removed)."""
    if MUTANT == "arrival-order":
        order = list(entries)
    else:
        order = sorted(entries, key=_rank)
    by_hash = {e.hash: e for e in order}
    past: dict[str, frozenset[str]] = {}

    def ancestors(h: str) -> frozenset[str]:
        # iterative, memoised: every hash reachable through bases that this file holds
        if h in past:
            return past[h]
        stack = [h]
        while stack:
            top = stack[-1]
            if top in past:
                stack.pop()
                continue
            pending = [b for b in by_hash[top].bases if b in by_hash and b not in past]
            if pending:
                stack.extend(pending)
                continue
            acc: set[str] = set()
            for b in by_hash[top].bases:
                if b in by_hash:
                    acc.add(b)
                    acc |= past[b]
            past[top] = frozenset(acc)
            stack.pop()
        return past[h]

    ignore_bases = MUTANT == "bases-ignored"
    for e in order:
        if ignore_bases:
            past[e.hash] = frozenset()
        else:
            ancestors(e.hash)

    def concurrent(a: FoldEntry, b: FoldEntry) -> bool:
        return a.hash not in past[b.hash] and b.hash not in past[a.hash]

    # concurrent pairs (quick path: an entry whose past holds every earlier entry has none)
    pairs: list[tuple[FoldEntry, FoldEntry]] = []
    for i, e in enumerate(order):
        if len(past[e.hash]) >= i and all(o.hash in past[e.hash] for o in order[:i]):
            continue
        for o in order[:i]:
            if concurrent(o, e):
                pairs.append((o, e))  # o ranks below e

    # whole workflow steps: a step that loses to a concurrent step is not applied at all
    losers: set[str] = set()
    if MUTANT != "steps-merged":
        for low, high in pairs:
            if low.action == STEP and high.action == STEP:
                losers.add(low.hash)

    state: dict[str, Any] = {}
    for e in order:
        if e.hash in losers:
            continue
        state = fold(state, e.changes)

    creates = [e for e in order if e.action == CREATE] or order
    first, last = creates[0], order[-1]
    referenced = {b for e in order for b in e.bases}
    heads = sorted(e.hash for e in order if e.hash not in referenced)

    resolvers = [e for e in order if e.action == RESOLVE]
    conflicts: list[Conflict] = []
    for low, high in pairs:
        found = conflict_between(low, high)
        if found is None:
            continue
        kind, fields = found
        resolved = next((r.id for r in resolvers
                         if low.hash in past[r.hash] and high.hash in past[r.hash]), "")
        conflicts.append(Conflict(kind, fields, high.id, low.id, resolved))
    return Folded(state, len(order), first.hlc, last.hlc, first.user, last.user, heads, conflicts)
