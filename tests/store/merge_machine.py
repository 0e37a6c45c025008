"""A hypothesis state machine of five workstations exchanging history entries (see test_convergence).

Five real data files in a temporary folder make creates, amendments, retractions,
workflow steps, list additions, account changes, natural-id records and roster
students, with wall clocks up to a day apart, and exchange random subsets of
their entries in random order, with duplicates and forged entries. The machine
keeps its own account of what happened (which entries each workstation held
when it wrote one: the true causal past), and checks against it:

* after every exchange, `verify()` is empty on the workstation that received;
* after a full exchange every workstation holds every entry (nothing lost),
  all derived tables are identical, and equal a reference fold written here;
* every concurrent pair that disagrees is exactly one conflict row everywhere.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from safetydesk.domain.ids import new_id
from safetydesk.store import Change, Store, projections, schema
from safetydesk.store import history as history_mod
from safetydesk.store.history import LIST_ADD, canonical, conflict_between, wire_hash

N = 5
DAY_MS = 86_400_000
VALUES = ("a", "b", "c")
STATUSES = ("acknowledged", "investigating", "closed")
TEMPLATE: dict[str, Path] = {}
# Real data files, in memory-backed temporary folders where there are some (fsync is free there).
FAST_TMP = "/dev/shm" if Path("/dev/shm").is_dir() else None


def template() -> Path:
    """One migrated, empty data file, copied for every replica (opening runs no migration)."""
    if "path" not in TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="merge-template-", dir=FAST_TMP))
        Store.open(folder / "t.sqlite").close()
        TEMPLATE["path"] = folder / "t.sqlite"
    return TEMPLATE["path"]


def derived_dump(store: Store) -> dict[str, list[tuple]]:
    out = {}
    for table in schema.all_derived_tables():
        cols = [r[1] for r in store.conn.execute(f"PRAGMA table_info({table})") if r[1] != "n"]
        rows = store.conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
        out[table] = sorted(rows, key=repr)
    return out


class _Const:
    """Stands in for hypothesis' ``data`` in the fixed opening moves: always draws ``value``."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def draw(self, _strategy: Any) -> Any:
        return self.value


class Op:
    """One entry the machine wrote: what it is, and its true causal past (entry ids)."""

    def __init__(self, entry_id: str, record: tuple[str, str], action: str, changes: dict, past: frozenset[str],
                 hlc: str, digest: str) -> None:
        self.id, self.record, self.action, self.changes, self.past = entry_id, record, action, changes, past
        self.hlc, self.hash = hlc, digest


class MergeMachine(RuleBasedStateMachine):
    stats: dict[str, int]

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="merge-", dir=FAST_TMP))
        self.stores: list[Store] = []
        self.ops: dict[str, Op] = {}
        self.records: dict[str, list[tuple[str, str]]] = {}  # kind -> record keys made anywhere
        self.figures = {"ops": 0, "out-of-order": 0, "duplicates": 0, "held": 0, "diverged": 0,
                        "lost": 0, "conflicts-missed": 0, "verify-failures": 0}

    # ---------------------------------------------------------------- set-up
    @initialize(skews=st.lists(st.integers(0, DAY_MS), min_size=N, max_size=N))
    def start(self, skews: list[int]) -> None:
        base = int(time.time() * 1000)
        for r in range(N):
            path = self.folder / f"r{r}" / "d.sqlite"
            path.parent.mkdir()
            shutil.copyfile(template(), path)
            store = Store.open(path)
            offset = skews[r]
            store.set_wall_clock(lambda offset=offset: int(time.time() * 1000) + offset)
            self.stores.append(store)
        # each workstation's "today", a day apart across the end of a school year (used only by
        # the mutant that reads today's date in a projection)
        self.today = [date(2026, 8, 31) + timedelta(days=r % 2) for r in range(N)]
        del base
        # the district's first administrator, on workstation 0
        self._write(0, "user", "ADMIN", "create", {"username": [None, "admin"], "role": [None, "district_admin"],
                                                    "active": [None, True]})
        # a read-only reviewer's account: it may write nothing but views
        self._write(0, "user", "REV", "create", {"username": [None, "rev"], "role": [None, "reviewer"],
                                                  "active": [None, True]})
        # a district already in step: one student and one complaint every workstation holds
        self.create_student(0, "a", "a")
        self.file_complaint(0)
        wires = [w for d in self.stores[0].device_heads() for w in self.stores[0].entries_since(d, 0)]
        for r in range(1, N):
            self._deliver(r, wires, check=False)
        # a sixth data folder, outside the district's five, whose holder writes as the reviewer
        rogue = self.folder / "rogue" / "d.sqlite"
        rogue.parent.mkdir()
        shutil.copyfile(template(), rogue)
        self.rogue = Store.open(rogue)
        self.rogue.import_entries(wires)
        self.rogue_write(1, "student")
        # then a few things every district sees sooner or later, made offline at the same time:
        # one user name taken on two workstations, two workflow steps and two notes on one
        # complaint, an interaction with no date yet, and an altered copy of an entry sent along
        complaint = self.records["complaint"][0][1]
        self.account(1, "jsmith", "principal")
        self.account(2, "jsmith", "front_office")
        self.step(1, _Const(complaint), "acknowledged")
        self.step(2, _Const(complaint), "closed")
        self.add_note(3, _Const(complaint), "a")
        self.add_note(4, _Const(complaint), "b")
        self.create_interaction(3, _Const(self.records["student"][0][1]), "")
        self.exchange(1, 2, 0, 1.0, False, True)

    def teardown(self) -> None:
        try:
            if self.stores:
                self.full_exchange_and_check()
        finally:
            for s in self.stores:
                s.close()
            if getattr(self, "rogue", None) is not None:
                self.rogue.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            for name, value in self.figures.items():
                self.stats[name] = self.stats.get(name, 0) + value
            self.stats["examples"] = self.stats.get("examples", 0) + 1

    # ---------------------------------------------------------------- writing
    def _held_ids(self, r: int, record: tuple[str, str]) -> set[str]:
        rows = self.stores[r].conn.execute(
            "SELECT id FROM history WHERE record_type = ? AND record_id = ? AND action NOT IN ('view','print','export')",
            record).fetchall()
        return {x[0] for x in rows}

    def _write(self, r: int, kind: str, rid: str, action: str, changes: dict) -> None:
        store = self.stores[r]
        projections.TODAY[0] = (lambda d=self.today[r]: d)
        held = self._held_ids(r, (kind, rid))
        past = set(held)
        for h in held:
            past |= self.ops[h].past if h in self.ops else set()
        [entry] = store.append("admin", [Change(kind, rid, action, changes)])
        self.ops[entry.id] = Op(entry.id, (kind, rid), action, changes, frozenset(past), entry.hlc, entry.hash)
        keys = self.records.setdefault(kind, [])
        if (kind, rid) not in keys:
            keys.append((kind, rid))
        self.figures["ops"] += 1

    def _known(self, r: int, kind: str) -> list[str]:
        return [rid for (_k, rid) in self.records.get(kind, []) if self.stores[r].state(kind, rid) is not None]

    # ---------------------------------------------------------------- rules
    @rule(r=st.integers(0, N - 1), first=st.sampled_from(VALUES), last=st.sampled_from(VALUES))
    def create_student(self, r: int, first: str, last: str) -> None:
        self._write(r, "student", new_id(), "create", {"first_name": [None, first], "last_name": [None, last]})

    @rule(r=st.integers(0, N - 1), sis=st.integers(0, 1), last=st.sampled_from(VALUES))
    def roster_student(self, r: int, sis: int, last: str) -> None:
        """A roster import: the id comes from district + SIS id, the same on every workstation."""
        if self.stores[r].state("student", f"ROSTER{sis}") is None:
            self._write(r, "student", f"ROSTER{sis}", "create",
                        {"first_name": [None, "Sam"], "last_name": [None, "Roster"], "local_id": [None, str(sis)]})

    @rule(r=st.integers(0, N - 1), n=st.integers(0, 1), label=st.sampled_from(VALUES))
    def natural_record(self, r: int, n: int, label: str) -> None:
        """A record keyed by a natural id (a school year): same values merge, different ones conflict."""
        if self.stores[r].state("school_year", f"YEAR{n}") is None:
            self._write(r, "school_year", f"YEAR{n}", "create", {"label": [None, label]})

    @rule(r=st.integers(0, N - 1), data=st.data(), when=st.sampled_from(["", "2026-03-02T10:00"]))
    def create_interaction(self, r: int, data: Any, when: str) -> None:
        students = self._known(r, "student") + [rid for _k, rid in self.records.get("student", [])][:1]
        if not students:
            return
        sid = data.draw(st.sampled_from(students))
        self._write(r, "interaction", new_id(), "create", {
            "occurred_at": [None, when], "location": [None, "Hall"], "type": [None, "other"],
            "students": [None, [{"student_id": sid, "role": "subject"}]]})

    @rule(r=st.integers(0, N - 1))
    def file_complaint(self, r: int) -> None:
        self._write(r, "complaint", new_id(), "create", {
            "status": [None, "received"], "notes": [None, [{"by": "intake", "text": "Received by phone"}]]})

    @rule(r=st.integers(0, N - 1), data=st.data(), kind=st.sampled_from(["student", "interaction", "school_year"]),
          value=st.sampled_from(VALUES))
    def amend(self, r: int, data: Any, kind: str, value: str) -> None:
        known = self._known(r, kind)
        if not known:
            return
        rid = data.draw(st.sampled_from(known))
        field = {"student": "last_name", "interaction": "location", "school_year": "label"}[kind]
        before = (self.stores[r].state(kind, rid) or {}).get(field)
        self._write(r, kind, rid, "amend", {field: [before, value]})

    @rule(r=st.integers(0, N - 1), data=st.data(), kind=st.sampled_from(["student", "interaction"]))
    def retract(self, r: int, data: Any, kind: str) -> None:
        known = [rid for rid in self._known(r, kind) if not self.stores[r].state(kind, rid).get("retracted")]
        if not known:
            return
        rid = data.draw(st.sampled_from(known))
        self._write(r, kind, rid, "retract", {"retracted": [False, True], "retract_reason": ["", "Entered twice"]})

    @rule(r=st.integers(0, N - 1), data=st.data(), status=st.sampled_from(STATUSES))
    def step(self, r: int, data: Any, status: str) -> None:
        known = self._known(r, "complaint")
        if not known:
            return
        rid = data.draw(st.sampled_from(known))
        before = self.stores[r].state("complaint", rid) or {}
        self._write(r, "complaint", rid, "step", {
            "status": [before.get("status"), status], f"{status}_date": [before.get(f"{status}_date"), f"2026-0{r + 1}-01"]})

    @rule(r=st.integers(0, N - 1), data=st.data(), text=st.sampled_from(VALUES))
    def add_note(self, r: int, data: Any, text: str) -> None:
        known = self._known(r, "complaint")
        if not known:
            return
        rid = data.draw(st.sampled_from(known))
        self._write(r, "complaint", rid, "amend", {"notes": [LIST_ADD, [{"by": f"r{r}", "text": text}]]})

    @rule(r=st.integers(0, N - 1), day=st.sampled_from(["2025-11-11", "2025-11-27", "2026-01-19"]))
    def add_non_school_day(self, r: int, day: str) -> None:
        """A calendar (natural id: the school year) made or extended offline: days are list
        additions, so two workstations creating or extending it both keep their days."""
        action = "create" if self.stores[r].state("school_calendar", "2025-26") is None else "amend"
        changes: dict = {"non_school_days": [LIST_ADD, [{"date": day, "note": f"r{r}"}]]}
        if action == "create":
            changes["school_year"] = [None, "2025-26"]
        self._write(r, "school_calendar", "2025-26", action, changes)

    @rule(r=st.integers(0, N - 1), name=st.sampled_from(["jsmith", "akim"]), role=st.sampled_from(["principal", "front_office"]))
    def account(self, r: int, name: str, role: str) -> None:
        """Create an account, or change the role of one this workstation holds with that name."""
        mine = [rid for rid in self._known(r, "user") if (self.stores[r].state("user", rid) or {}).get("username") == name]
        if mine:
            before = self.stores[r].state("user", mine[0])["role"]
            self._write(r, "user", mine[0], "amend", {"role": [before, role]})
        else:
            self._write(r, "user", new_id(), "create", {"username": [None, name], "role": [None, role], "active": [None, True]})

    @rule(src=st.integers(0, N - 1), dst=st.integers(0, N - 1), seed=st.integers(0, 2**16),
          share=st.floats(0.2, 1.0), dup=st.booleans(), forge=st.booleans())
    def exchange(self, src: int, dst: int, seed: int, share: float, dup: bool, forge: bool) -> None:
        if src == dst:
            return
        rnd = random.Random(seed)
        wires = [w for d in self.stores[src].device_heads() for w in self.stores[src].entries_since(d, 0)]
        picked = [w for w in wires if rnd.random() < share]
        if dup:
            picked += rnd.sample(picked, min(len(picked), 3))
        if forge:  # someone sends an altered copy instead of the real entry (re-hashed, not re-signed)
            heads = self.stores[dst].device_heads()
            coming = {(w["device"], w["dseq"]) for w in picked}
            have = {d: h.seq for d, h in heads.items()}
            targets = [w for w in picked if w["dseq"] > max(1, have.get(w["device"], 0)) and (
                w["dseq"] == have.get(w["device"], 0) + 1 or (w["device"], w["dseq"] - 1) in coming)]
            if targets:
                real = rnd.choice(targets)
                picked = [w for w in picked if w["id"] != real["id"]]
                fake = json.loads(json.dumps(real))
                fake["changes"] = {"last_name": [None, "Forged"]}
                fake["hash"] = wire_hash(fake)
                picked.append(fake)
        rnd.shuffle(picked)
        self._deliver(dst, picked)

    @rule(a=st.integers(0, N - 1), b=st.integers(0, N - 1))
    def sync_pair(self, a: int, b: int) -> None:
        """Two workstations exchange everything they lack from each other (as a sync would)."""
        if a == b:
            return
        for src, dst in ((a, b), (b, a)):
            mine = self.stores[dst].device_heads()
            wires = [w for d in self.stores[src].device_heads()
                     for w in self.stores[src].entries_since(d, mine[d].seq if d in mine else 0)]
            self._deliver(dst, wires)

    @rule(dst=st.integers(0, N - 1), kind=st.sampled_from(["student", "user", "interaction"]))
    def rogue_write(self, dst: int, kind: str) -> None:
        """Someone outside the district's workstations writes as an account that may not write
        that (a reviewer adding a student, making an administrator, logging an interaction) and
        sends it: it must be held everywhere, never applied."""
        rid = f"ROGUE{new_id()}"
        changes = {"user": {"username": [None, "mallory"], "role": [None, "district_admin"], "active": [None, True]},
                   "student": {"first_name": [None, "X"], "last_name": [None, "Rogue"]},
                   "interaction": {"location": [None, "Hall"], "type": [None, "other"]}}[kind]
        self.rogue.append("rev", [Change(kind, rid, "create", changes)])
        mine = self.stores[dst].device_heads()
        device = self.rogue.device_id
        self._deliver(dst, self.rogue.entries_since(device, mine[device].seq if device in mine else 0))

    @invariant()
    def nothing_unpermitted_is_applied(self) -> None:
        for s in self.stores:
            if s.conn.execute("SELECT COUNT(*) FROM record_state WHERE record_id LIKE 'ROGUE%'").fetchone()[0]:
                self.figures["verify-failures"] += 1
                raise AssertionError("an entry its author may not write was applied")

    def _deliver(self, dst: int, wires: list[dict], check: bool = True) -> None:
        projections.TODAY[0] = (lambda d=self.today[dst]: d)
        heads = self.stores[dst].device_heads()
        for w in wires:
            head = heads.get(w["device"])
            if w["dseq"] > (head.seq if head else 0) + 1:
                self.figures["out-of-order"] += 1
        report = self.stores[dst].import_entries(wires)
        self.figures["duplicates"] += report.duplicates
        self.figures["held"] += len(report.held)
        if check:
            self._verify(dst)

    def _verify(self, dst: int) -> None:
        problems = self.stores[dst].verify()
        if problems:
            self.figures["verify-failures"] += 1
            raise AssertionError(f"verify on replica {dst}: {problems[:3]}")

    # ---------------------------------------------------------------- checks
    @invariant()
    def nothing_forged_is_applied(self) -> None:
        for s in self.stores:
            if s.conn.execute("SELECT COUNT(*) FROM history WHERE changes LIKE '%Forged%'").fetchone()[0]:
                self.figures["verify-failures"] += 1
                raise AssertionError("a forged entry was applied")

    def full_exchange_and_check(self) -> None:
        """Every workstation takes what it lacks from every other, until nothing moves."""
        for _round in range(4):
            moved = False
            for dst in range(N):
                mine = self.stores[dst].device_heads()
                wanted: dict[str, dict] = {}
                for src in range(N):
                    if src == dst:
                        continue
                    for device in self.stores[src].device_heads():
                        after = mine[device].seq if device in mine else 0
                        for w in self.stores[src].entries_since(device, after, limit=100_000):
                            wanted.setdefault(w["id"], w)
                if wanted:
                    moved = True
                    self._deliver(dst, list(wanted.values()), check=False)
            if not moved:
                break
        for r in range(N):
            self._verify(r)
        everything = set(self.ops)
        for s in self.stores:
            held = {r[0] for r in s.conn.execute("SELECT id FROM history")}
            self.figures["lost"] += len(everything - held)
        dumps = [derived_dump(s) for s in self.stores]
        if any(d != dumps[0] for d in dumps[1:]):
            self.figures["diverged"] += 1
        self._check_reference(self.stores[0])
        self._check_conflicts(dumps[0]["conflicts"])
        bad = {k: v for k, v in self.figures.items() if k in ("diverged", "lost", "conflicts-missed", "verify-failures") and v}
        assert not bad, f"history merge failed: {bad}"

    def _check_reference(self, store: Store) -> None:
        """The store's states against a fold written here from the machine's own account."""
        by_record: dict[tuple[str, str], list[Op]] = {}
        for op in self.ops.values():
            by_record.setdefault(op.record, []).append(op)
        for record, ops in by_record.items():
            ops.sort(key=lambda o: (o.hlc, o.hash))
            losers = {a.id for a in ops for b in ops if a.action == b.action == "step" and a is not b
                      and (a.hlc, a.hash) < (b.hlc, b.hash) and a.id not in b.past and b.id not in a.past}
            state: dict[str, Any] = {}
            for op in ops:
                if op.id in losers:
                    continue
                for k, (before, after) in op.changes.items():
                    if before == LIST_ADD:
                        items = {canonical(i): i for i in (state.get(k) or [])}
                        items.update({canonical(i): i for i in after})
                        state[k] = [items[t] for t in sorted(items)]
                    else:
                        state[k] = after
            if store.state(*record) != state:
                self.figures["diverged"] += 1
        names: dict[str, int] = {}
        for _rid, st_ in store.states("user"):
            if st_.get("active", True):
                names[st_["username"]] = names.get(st_["username"], 0) + 1
        for _uid, username, clash in store.conn.execute("SELECT id, username, name_clash FROM users"):
            if bool(clash) != (names.get(username, 0) > 1):
                self.figures["diverged"] += 1
        if store.conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] != len(list(store.states("user"))):
            self.figures["diverged"] += 1

    def _check_conflicts(self, rows: list[tuple]) -> None:
        expected = set()
        by_record: dict[tuple[str, str], list[Op]] = {}
        for op in self.ops.values():
            by_record.setdefault(op.record, []).append(op)
        for record, ops in by_record.items():
            for i, a in enumerate(ops):
                for b in ops[i + 1:]:
                    if a.id in b.past or b.id in a.past:
                        continue
                    fa = history_mod.FoldEntry(a.id, a.hash, a.hlc, "", a.action, a.changes, ())
                    fb = history_mod.FoldEntry(b.id, b.hash, b.hlc, "", b.action, b.changes, ())
                    if conflict_between(fa, fb) is not None:
                        expected.add((record, frozenset((a.id, b.id))))
        actual = [((r[0], r[1]), frozenset((r[4], r[5]))) for r in rows]
        if len(actual) != len(set(actual)):
            self.figures["conflicts-missed"] += len(actual) - len(set(actual))
        self.figures["conflicts-missed"] += len(expected ^ set(actual))

    @invariant()
    def clocks_never_go_backwards(self) -> None:
        for s in self.stores:
            last = s.get_meta("hlc_last")
            assert last is None or s.clock.last >= last
