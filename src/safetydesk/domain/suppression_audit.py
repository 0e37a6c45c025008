"""P20: audit suppressed tables exactly before they are published, and hide more until they pass.

`suppression.suppress_tables` hides small cells and closes a cycle of hidden cells
through each one, so no hidden value follows from *one* line sum. An attacker has
more than that: every table of the report at once (seven dimensions share their
school totals), enrolment beside involvement (no group has more students involved
than enrolled), the rule that zeros are always shown (so a hidden cell is at least
1), non-negativity and whole numbers. Solving an integer program over all of it
can pin a hidden cell that sits on a cycle whose other cells are small.

So before publishing, `audit` attacks the report the same way, with a real solver
(HiGHS): for every hidden cell, the smallest and the largest value consistent with
everything published. The report passes only when each hidden cell's interval is
at least ``width`` wide (the suppression threshold): a reader cannot tell a hidden
3 from a 13. `protect_report` suppresses, audits, hides more cells where an
interval is too narrow (for each such cell, the rectangle of three more cells
that moves it by the most for the fewest students) and audits again, until every
interval is wide enough.

An interval is proven wide by two feasible tables (whole numbers, checked exactly
against every published figure) whose values of the cell differ by ``width`` or
more; the solver's optimal bounds are needed only to show that a cell is narrow.
Every solve also widens the observed interval of every other hidden cell, so most
cells need no solve of their own.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from safetydesk.domain.suppression import (
    GRAND_COST,
    MARGIN_COST,
    Pos,
    SuppressedTable,
    extended,
    protect,
)

# Hidden cells are not bounded above by anything but what is published; a finite bound keeps
# every integer program bounded. Far above any school's enrolment.
BIG = 10_000_000


@dataclass(frozen=True)
class CellRef:
    family: int  # 0: students involved, 1: students enrolled (the families of `audit`)
    table: int  # the dimension
    pos: Pos  # in the extended table


@dataclass(frozen=True)
class Interval:
    cell: CellRef
    low: int  # an observed (or, when exact, the smallest) consistent value
    high: int
    exact: bool  # low and high are the optimum, not only observed


@dataclass(frozen=True)
class AuditResult:
    width: int
    intervals: tuple[Interval, ...]

    @property
    def narrow(self) -> tuple[Interval, ...]:
        return tuple(i for i in self.intervals if i.high - i.low < self.width)

    @property
    def passed(self) -> bool:
        return not self.narrow


class _Model:
    """The attacker's integer program over every table of the report."""

    def __init__(self, families: Sequence[Sequence[SuppressedTable]], within: Sequence[tuple[int, int]],
                 zeros_shown: bool) -> None:
        self.families = families
        self.var: dict[tuple[int, int, int, int], int] = {}
        for f, tables in enumerate(families):
            for d, t in enumerate(tables):
                for r in range(t.rows):
                    for c in range(t.cols):
                        self.var[(f, d, r, c)] = len(self.var)
        self.rows: list[tuple[list[int], list[int], float, float]] = []
        for f, tables in enumerate(families):
            for d, t in enumerate(tables):
                ext = extended(t.values)
                for r in range(t.rows + 1):
                    for c in range(t.cols + 1):
                        idx = self.expr(f, d, (r, c))
                        if (r, c) in t.hidden:
                            if zeros_shown:
                                self.rows.append((idx, [1] * len(idx), 1, float("inf")))
                        else:
                            v = ext[r][c]
                            self.rows.append((idx, [1] * len(idx), v, v))
                # The same students in every dimension: school totals are equal across tables.
                if d:
                    first = tables[0]
                    for c in range(t.cols):
                        mine = [self.var[(f, d, r, c)] for r in range(t.rows)]
                        theirs = [self.var[(f, 0, r, c)] for r in range(first.rows)]
                        self.rows.append((mine + theirs, [1] * len(mine) + [-1] * len(theirs), 0, 0))
        for a, b in within:  # family a counts a subset of family b's students, cell by cell
            for d, (ta, tb) in enumerate(zip(families[a], families[b], strict=True)):
                for r in range(ta.rows):
                    for c in range(ta.cols):
                        if ta.values[r][c] <= tb.values[r][c]:  # only what is true can be assumed
                            self.rows.append(([self.var[(a, d, r, c)], self.var[(b, d, r, c)]], [1, -1],
                                              float("-inf"), 0))
        self._highs: Any = None
        self._lp: Any = None
        self._sparse: Any = None
        self.solves = {"lp": 0, "mip": 0}

    def expr(self, f: int, d: int, pos: Pos) -> list[int]:
        t = self.families[f][d]
        r, c = pos
        rows = range(t.rows) if r == t.rows else (r,)
        cols = range(t.cols) if c == t.cols else (c,)
        return [self.var[(f, d, rr, cc)] for rr in rows for cc in cols]

    def _build(self, integer: bool) -> Any:
        import highspy
        import numpy as np

        h = _new_highs()
        h.setOptionValue("threads", 1)
        n = len(self.var)
        h.addVars(n, np.zeros(n), np.full(n, float(BIG)))
        if integer:
            h.setOptionValue("mip_rel_gap", 0.0)
            h.setOptionValue("mip_abs_gap", 0.0)
            h.changeColsIntegrality(n, np.arange(n, dtype=np.int32),
                                    np.array([highspy.HighsVarType.kInteger] * n))
        inf = h.getInfinity()
        for idx, coef, lo, hi in self.rows:
            h.addRow(max(lo, -inf), min(hi, inf), len(idx), np.array(idx, dtype=np.int32),
                     np.array(coef, dtype=np.float64))
        return h

    def solver(self) -> Any:
        """The integer program (built on first need: most cells are settled by the LP)."""
        if self._highs is None:
            self._highs = self._build(integer=True)
        return self._highs

    def relaxation(self) -> Any:
        """The same constraints without integrality, built once per audit and re-solved from the
        previous basis for each objective (a warm start: only the cost vector changes)."""
        if self._lp is None:
            self._lp = self._build(integer=False)
        return self._lp

    def sparse(self) -> Any:
        """The constraints as (row, column, coefficient) arrays with bounds, for exact checks."""
        import numpy as np

        if self._sparse is None:
            rows = np.concatenate([np.full(len(idx), k, dtype=np.int64) for k, (idx, _c, _l, _h)
                                   in enumerate(self.rows)])
            cols = np.concatenate([np.asarray(idx, dtype=np.int64) for idx, _c, _l, _h in self.rows])
            coef = np.concatenate([np.asarray(c, dtype=np.int64) for _i, c, _l, _h in self.rows])
            lo = np.array([r[2] for r in self.rows], dtype=np.float64)
            hi = np.array([r[3] for r in self.rows], dtype=np.float64)
            self._sparse = (rows, cols, coef, lo, hi)
        return self._sparse

    def feasible(self, x: Sequence[int]) -> bool:
        """Exact check of a whole-number table against every constraint (integer arithmetic)."""
        import numpy as np

        v = np.asarray(x, dtype=np.int64)
        if (v < 0).any() or (v > BIG).any():
            return False
        rows, cols, coef, lo, hi = self.sparse()
        s = np.zeros(len(self.rows), dtype=np.int64)
        np.add.at(s, rows, coef * v[cols])
        return bool(((s >= lo) & (s <= hi)).all())

    def vertex(self, cost: Any, maximise: bool) -> list[int] | None:
        """The LP relaxation's optimum for ``cost``, warm-started from the previous basis, when it
        is whole numbers that pass the exact check (then it is also an integer optimum)."""
        import highspy
        import numpy as np

        n = len(self.var)
        lp = self.relaxation()
        lp.changeColsCost(n, np.arange(n, dtype=np.int32), np.asarray(cost, dtype=np.float64))
        lp.changeObjectiveSense(highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize)
        lp.run()
        self.solves["lp"] += 1
        if lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        values = np.asarray(lp.getSolution().col_value)
        whole = np.round(values)
        if np.abs(values - whole).max(initial=0.0) >= 1e-7:
            return None
        x = [int(v) for v in whole]
        return x if self.feasible(x) else None

    def optimise(self, idx: list[int], maximise: bool) -> tuple[list[int] | None, float | None]:
        """A verified optimal table for the sum of ``idx`` and a proven bound on it.

        The LP relaxation first, warm-started: its optimum bounds the integer optimum, and when
        its solution is whole numbers that pass the exact check it *is* an integer optimum. Only
        when it is not does the integer program run (mip gap 0), exactly as before."""
        import highspy
        import numpy as np

        n = len(self.var)
        cost = np.zeros(n)
        cost[idx] = 1.0
        sense = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        x = self.vertex(cost, maximise)
        if x is not None:
            return x, float(sum(x[i] for i in idx))
        h = self.solver()
        h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
        h.changeObjectiveSense(sense)
        h.clearSolver()
        h.run()
        self.solves["mip"] += 1
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None, None
        x = [round(v) for v in h.getSolution().col_value]
        bound = float(h.getInfo().mip_dual_bound)
        return (x if self.feasible(x) else None), bound


_BANNER_SHOWN = False


def _new_highs() -> Any:
    """A silent HiGHS instance. HiGHS prints a banner on standard output when the first one is
    made in a process, which would land in the middle of a report written to standard output."""
    import os

    import highspy

    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        h = highspy.Highs()
    else:
        import sys

        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _BANNER_SHOWN = True
    h.setOptionValue("output_flag", False)
    return h


def hidden_cells(families: Sequence[Sequence[SuppressedTable]]) -> list[CellRef]:
    return [CellRef(f, d, p) for f, tables in enumerate(families) for d, t in enumerate(tables)
            for p in sorted(t.hidden)]


def outer_bounds(families: Sequence[Sequence[SuppressedTable]], within: Sequence[tuple[int, int]],
                 zeros_shown: bool) -> dict[CellRef, tuple[int, int]]:
    """For every hidden cell, a (floor, cap) that every consistent table respects, from what is
    published line by line: a hidden part of a line whose total is shown is at most that total,
    less the shown parts and the least the line's other hidden parts can be (1 each, zeros being
    shown); a cell of family a is at most the same shown cell of family b when (a, b) is in
    ``within``, and at least the shown cell of a. No solve: a cell whose cap is less than
    ``width`` above its floor is narrow whatever else is published, so it needs no solve to say so."""
    least = 1 if zeros_shown else 0
    out: dict[CellRef, tuple[int, int]] = {}
    for f, tables in enumerate(families):
        for d, t in enumerate(tables):
            ext = extended(t.values)
            R, C = t.rows, t.cols
            # with nothing else known, a cell is at most BIG for each inner cell it sums
            caps = {(r, c): BIG * (R if r == R else 1) * (C if c == C else 1) for r, c in t.hidden}
            lines = [([(r, c) for c in range(C)], (r, C)) for r in range(R + 1)]
            lines += [([(r, c) for r in range(R)], (R, c)) for c in range(C + 1)]
            for parts, total in lines:
                if total in t.hidden:
                    continue
                hidden = [p for p in parts if p in t.hidden]
                room = ext[total[0]][total[1]] - sum(ext[r][c] for r, c in parts if (r, c) not in t.hidden)
                for p in hidden:
                    caps[p] = min(caps[p], room - least * (len(hidden) - 1))
            for p, cap in caps.items():
                out[CellRef(f, d, p)] = (least, cap)
    for a, b in within:
        for d, (ta, tb) in enumerate(zip(families[a], families[b], strict=True)):
            for r in range(ta.rows):
                for c in range(ta.cols):
                    if ta.values[r][c] > tb.values[r][c]:
                        continue  # the model assumes only what is true
                    ca, cb = CellRef(a, d, (r, c)), CellRef(b, d, (r, c))
                    if ca in out and cb not in out:
                        lo, hi = out[ca]
                        out[ca] = (lo, min(hi, tb.values[r][c]))
                    if cb in out and ca not in out:
                        lo, hi = out[cb]
                        out[cb] = (max(lo, ta.values[r][c]), hi)
    return out


def audit(families: Sequence[Sequence[SuppressedTable]], width: int, *,
          within: Sequence[tuple[int, int]] = ((0, 1),), zeros_shown: bool = True,
          exact: bool = False, pool: list[list[int]] | None = None) -> AuditResult:
    """Each hidden cell's interval of values consistent with everything published.

    ``families``: groups of tables about the same students (one table per dimension, the same
    columns and so the same column totals); ``within``: pairs (a, b) where each cell of family
    a counts some of the students of the same cell of family b. With ``exact``, every interval
    is the exact optimum; otherwise solving stops for a cell once it is proven ``width`` wide.
    ``pool``: consistent tables found before (for tables of the same shape with fewer cells
    hidden: they are still consistent); the tables this audit finds are added to it."""
    import numpy as np

    cells = hidden_cells(families)
    if not cells:
        return AuditResult(width, ())
    model = _Model(families, within, zeros_shown)
    exprs = {c: model.expr(c.family, c.table, c.pos) for c in cells}
    e = np.zeros((len(cells), len(model.var)), dtype=np.int64)
    for k, c in enumerate(cells):
        e[k, exprs[c]] = 1
    truth = [0] * len(model.var)
    for (f, d, r, col), i in model.var.items():
        truth[i] = families[f][d].values[r][col]
    pool = pool if pool is not None else []
    seen = [x for x in pool if model.feasible(x)] + [truth]
    values = e @ np.asarray(seen, dtype=np.int64).T
    lows, highs = values.min(axis=1), values.max(axis=1)
    exact_low: set[int] = set()
    exact_high: set[int] = set()
    bounds = outer_bounds(families, within, zeros_shown)
    surely_narrow = {k for k, c in enumerate(cells) if bounds[c][1] - bounds[c][0] < width}
    if not exact:
        # Cheap first: push every cell not yet proven wide up together, then down together. Each
        # such table is checked exactly and widens every cell it moves; most cells come out
        # proven, and only the rest need a solve of their own below. (Which cells are narrow
        # does not depend on this: a narrow cell is only ever decided by its own exact solves.)
        for _ in range(6):
            unproven = np.array([k for k in np.flatnonzero(highs - lows < width) if k not in surely_narrow],
                                dtype=np.int64)
            if len(unproven) < 4:
                break
            for maximise in (True, False):
                x = model.vertex(e[unproven].sum(axis=0), maximise)
                if x is not None:
                    pool.append(x)
                    v = e @ np.asarray(x, dtype=np.int64)
                    lows, highs = np.minimum(lows, v), np.maximum(highs, v)
            if sum(1 for k in unproven if highs[k] - lows[k] < width) > 0.8 * len(unproven):
                break  # few more proven: the rest are for their own solves
    for k, c in enumerate(cells):
        if not exact and k in surely_narrow:
            continue  # narrow by its outer bounds; its interval is as observed
        for maximise in (True, False):
            if not exact and highs[k] - lows[k] >= width:
                break
            x, bound = model.optimise(exprs[c], maximise)
            if x is not None:
                pool.append(x)
                v = e @ np.asarray(x, dtype=np.int64)
                lows, highs = np.minimum(lows, v), np.maximum(highs, v)
            if bound is not None:
                if maximise and round(bound) <= highs[k]:
                    exact_high.add(k)
                    if not exact and highs[k] - bounds[c][0] < width:
                        break  # its largest value is within width of its floor: narrow, no minimum needed
                elif not maximise and round(bound) >= lows[k]:
                    exact_low.add(k)
    return AuditResult(width, tuple(
        Interval(c, int(lows[k]), int(highs[k]), k in exact_low and k in exact_high)
        for k, c in enumerate(cells)))


# ----------------------------------------------------------------------------- protection
def _cell_cost(ext: list[list[int]], r: int, c: int) -> int:
    R, C = len(ext) - 1, len(ext[0]) - 1
    base = ext[r][c] + 1
    if r == R and c == C:
        return GRAND_COST + base
    if r == R or c == C:
        return MARGIN_COST + base * 10
    return base


def _rectangle(t: SuppressedTable, hidden: set[Pos], pos: Pos, width: int, low: int) -> list[Pos]:
    """Three more cells that, with ``pos``, make a rectangle along which it can move by at least
    ``width`` (estimated from the cells' own values); the fewest students (totals last) first."""
    ext = extended(t.values)
    r, c = pos
    best: tuple[tuple[int, int], list[Pos]] | None = None
    for r2 in range(len(ext)):
        if r2 == r:
            continue
        for c2 in range(len(ext[0])):
            if c2 == c:
                continue
            corners = [(r, c2), (r2, c), (r2, c2)]
            if any(ext[a][b] <= 0 for a, b in corners):
                continue  # zeros are shown: a hidden zero would be read as "at least 1"
            up = min(ext[r][c2], ext[r2][c]) - low
            down = min(ext[r][c], ext[r2][c2]) - low
            short = max(0, width - (up + down))
            cost = sum(_cell_cost(ext, a, b) for a, b in corners if (a, b) not in hidden)
            key = (short, cost)
            if best is None or key < best[0]:
                best = (key, [p for p in corners if p not in hidden])
    return best[1] if best else []


@dataclass(frozen=True)
class Protected:
    families: tuple[tuple[SuppressedTable, ...], ...]
    audit: AuditResult
    rounds: int
    added: int  # cells hidden beyond `suppress_tables` (counting each table's copy of a total)


def _touches(cells: set[Pos], pos: Pos) -> bool:
    return any(r == pos[0] or c == pos[1] for r, c in cells)


def _sync(families: list[list[set[Pos]]], tables: Sequence[Sequence[SuppressedTable]]) -> None:
    """Hide a shared school total in every table of its family; close every hidden cell's cycle."""
    while True:
        changed = False
        for f, fam in enumerate(families):
            shared = set()
            for d, hid in enumerate(fam):
                R = tables[f][d].rows
                shared |= {c for (r, c) in hid if r == R}
            for d, hid in enumerate(fam):
                t = tables[f][d]
                ext = extended(t.values)
                want = hid | {(t.rows, c) for c in shared if ext[t.rows][c] > 0}
                want = protect(t.values, want)
                if want != hid:
                    fam[d] = want
                    changed = True
        if not changed:
            return


# ----------------------------------------------------------------------------- the cache
# A report opened again with the same counts publishes the same tables: the protected result is
# kept, keyed by a hash of every cell (and which are hidden, the threshold and the assumptions), so
# it is not solved again. The most recent few are kept in this process's memory; `suppress_report`
# also keeps its results in the data file when given a `Kept` (store.queries_p20.KeptAudits), so a
# report opened again after a restart is not solved again either. A kept result is a cache, not a
# record: its key names the exact inputs and `RULES`, and `decode_protected` checks it against
# those inputs before it is used (anything else is solved again).
RULES = "p20-audit/1"  # change when the audit or the suppression rules change: old results unused


class Kept(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, result: str) -> None: ...

_CACHE: OrderedDict[str, Any] = OrderedDict()
_CACHE_SIZE = 32
_CACHE_LOCK = threading.Lock()


def _key(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _cached(key: str, compute: Callable[[], Any]) -> Any:
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = compute()
    with _CACHE_LOCK:
        _CACHE[key] = value
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def clear_cache() -> None:
    """Forget every kept result (the benchmark times a first opening with this)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def protect_report(families: Sequence[Sequence[SuppressedTable]], width: int, *,
                   within: Sequence[tuple[int, int]] = ((0, 1),)) -> Protected:
    """``_protect_report``, kept for the same published tables (see the cache above)."""
    key = _key("protect", width, tuple(within), tuple(
        tuple((t.values, tuple(sorted(t.hidden)), tuple(sorted(t.primary))) for t in fam) for fam in families))
    result: Protected = _cached(key, lambda: _protect_report(families, width, within=within))
    return result


def _protect_report(families: Sequence[Sequence[SuppressedTable]], width: int, *,
                    within: Sequence[tuple[int, int]] = ((0, 1),)) -> Protected:
    """Audit, hide more where an interval is narrower than ``width``, and audit again until every
    hidden cell passes. For each narrow cell: the cheapest rectangle through it, and the same
    cell of the partner table (enrolment beside involvement) when that one is shown and caps it.
    A cell still narrow after three tries has every count of its table hidden; a report with
    every count hidden passes (nothing but non-negativity bounds a cell), so this ends."""
    partner = {a: b for a, b in within} | {b: a for a, b in within}
    hidden = [[set(t.hidden) for t in fam] for fam in families]
    base = sum(len(h) for fam in hidden for h in fam)
    pool: list[list[int]] = []
    current = families
    result = audit(current, width, within=within, pool=pool)
    rounds = 0
    tries: dict[CellRef, int] = {}
    while not result.passed:
        rounds += 1
        before = [[set(h) for h in fam] for fam in hidden]
        for iv in result.narrow:
            cell = iv.cell
            f, d, (r, c) = cell.family, cell.table, cell.pos
            t, hid = families[f][d], hidden[f][d]
            tries[cell] = tries.get(cell, 0) + 1
            ext = extended(t.values)
            if tries[cell] > 3 or rounds > 12:
                hid.update((rr, cc) for rr in range(t.rows + 1) for cc in range(t.cols + 1) if ext[rr][cc] > 0)
            elif not _touches(hid - before[f][d], (r, c)):  # not given more room yet this round
                hid.update(_rectangle(t, hid, (r, c), width, 1))
            g = partner.get(f)
            if g is not None:
                other = families[g][d]
                v = extended(other.values)[r][c]
                if v > 0 and abs(v - ext[r][c]) < width:
                    hidden[g][d].add((r, c))
        _sync(hidden, families)
        if hidden == before:  # nothing more to hide in the narrow cells' tables: hide every count
            for f2, fam in enumerate(families):
                for d2, t in enumerate(fam):
                    ext = extended(t.values)
                    hidden[f2][d2].update((rr, cc) for rr in range(t.rows + 1)
                                          for cc in range(t.cols + 1) if ext[rr][cc] > 0)
            _sync(hidden, families)
            if hidden == before:
                raise ValueError("the suppression audit could not protect this report")  # see above
        current = tuple(tuple(SuppressedTable(t.values, frozenset(h), t.primary)
                              for t, h in zip(fam, hid, strict=True))
                        for fam, hid in zip(families, hidden, strict=True))
        result = audit(current, width, within=within, pool=pool)
    added = sum(len(h) for fam in hidden for h in fam) - base
    out = tuple(tuple(fam) for fam in current)
    return Protected(out, result, rounds, added)


def small_complements(involved: Sequence[Sequence[int]], enrolled: Sequence[Sequence[int]],
                      threshold: int) -> set[Pos]:
    """Published counts of students involved that also tell something about fewer than
    ``threshold`` students: those whose group has fewer than ``threshold`` students *not*
    involved, including none at all (every student of the group was involved)."""
    ei, ee = extended(involved), extended(enrolled)
    return {(r, c) for r in range(len(ei)) for c in range(len(ei[0]))
            if ei[r][c] > 0 and 0 <= ee[r][c] - ei[r][c] < threshold}


def suppress_report(involved: Sequence[Sequence[Sequence[int]]], enrolled: Sequence[Sequence[Sequence[int]]],
                    threshold: int, kept: Kept | None = None, series: str = "") -> Protected:
    """The P20 rule in one call: for each dimension, a table of students involved and one of
    students enrolled (groups x schools, the same schools in every table). Small counts and small
    complements are hidden, cycles closed, and the whole report audited and protected until every
    hidden cell's interval is at least ``threshold`` wide. With ``kept``, a result kept for these
    exact tables is used (once checked), and a result solved here is kept.

    ``series`` names the report these counts are the latest of (the school year): with ``kept``,
    when nothing is kept for these exact tables, the series' last solved hiding pattern is tried
    first (`reuse_pattern`: one audit of the new counts under it, no protection rounds); only
    when it does not fit or does not pass are the tables solved afresh, and that pattern is then
    the series' last."""
    inv, enr = tuple(map(_frozen, involved)), tuple(map(_frozen, enrolled))
    key = _key("report", RULES, threshold, inv, enr)
    last = f"last {RULES} {threshold} {series}"

    def solve() -> Protected:
        if kept is not None:
            text = kept.get(key)
            found = None if text is None else decode_protected(text, inv, enr, threshold)
            if found is not None:
                return found
            pattern = kept.get(last) if series and text is None else None
            pool: list[list[int]] = []
            reused = None if pattern is None else reuse_pattern(pattern, inv, enr, threshold, pool)
            if reused is not None:
                kept.put(key, encode_protected(reused))
                kept.put(last, encode_pattern(reused, pool))  # the same pattern, with these counts
                return reused
        solved = _suppress_report(involved, enrolled, threshold)
        if kept is not None:
            kept.put(key, encode_protected(solved))
            if series:
                pool = []
                audit(solved.families, threshold, pool=pool)  # the consistent tables it keeps
                kept.put(last, encode_pattern(solved, pool))
        return solved

    result: Protected = _cached(key, solve)
    return result


POOL_KEPT = 64  # consistent tables kept with a series' last pattern (the newest)


def encode_pattern(p: Protected, pool: Sequence[Sequence[int]]) -> str:
    """A series' last pattern: the protected report (`encode_protected`) and the consistent tables
    its audit found (each a value for every inner cell of every table, in the audit's order)."""
    d = json.loads(encode_protected(p))
    d["pool"] = [[int(v) for v in x] for x in pool[-POOL_KEPT:]]
    return json.dumps(d, separators=(",", ":"))


def _inner(families: Sequence[Sequence[Sequence[Sequence[int]]]]) -> list[int]:
    """Every inner cell of every table, in the order of the audit's variables (`_Model.var`)."""
    return [v for tables in families for t in tables for row in t for v in row]


def reuse_pattern(text: str, involved: Sequence[Sequence[Sequence[int]]],
                  enrolled: Sequence[Sequence[Sequence[int]]], threshold: int,
                  pool: list[list[int]] | None = None) -> Protected | None:
    """These counts published under a hiding pattern solved before (``text``, a kept result of
    tables of the same shape), when it still fits and the whole report passes the audit with it;
    None otherwise (the caller solves afresh).

    It fits when every cell these counts must hide (each small count and small complement, as
    `suppress_tables` picks them) is in it, it hides no zero (zeros are shown), and it is closed:
    each hidden school total hidden in every table of its family and each hidden cell on a cycle
    (`_sync` adds nothing). It is then the same pattern, and the audit is the same test a freshly
    protected report passes last: every hidden cell's interval at least ``threshold`` wide.

    The consistent tables kept with the pattern, moved by the change in the counts, start the
    audit's pool: a table of the old counts plus the change meets every published line of the new
    ones, and the audit keeps only those its exact check finds consistent (one that is not, for
    a bound a change crossed, is dropped), so most cells are proven wide without a solve. ``pool``
    receives the tables this audit found."""
    try:
        d = json.loads(text)
        pattern = [[frozenset((int(a), int(b)) for a, b in t["hidden"]) for t in fam] for fam in d["families"]]
        shapes = [[(len(t["values"]), len(t["values"][0]) if t["values"] else 0) for t in fam] for fam in d["families"]]
        old = _inner([[t["values"] for t in fam] for fam in d["families"]])
        kept_pool = [[int(v) for v in x] for x in d.get("pool", [])]
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    from safetydesk.domain.suppression import suppress_tables

    also = [small_complements(i, e, threshold) for i, e in zip(involved, enrolled, strict=True)]
    first = (tuple(suppress_tables(involved, threshold, also)), tuple(suppress_tables(enrolled, threshold)))
    if shapes != [[(t.rows, t.cols) for t in fam] for fam in first]:
        return None
    hidden: list[list[set[Pos]]] = []
    for fam, was_fam in zip(first, pattern, strict=True):
        hidden.append([])
        for t, was in zip(fam, was_fam, strict=True):
            ext = extended(t.values)
            inside = {(r, c) for r in range(t.rows + 1) for c in range(t.cols + 1)}
            if not was <= inside or not t.primary <= was or any(ext[r][c] <= 0 for r, c in was):
                return None
            hidden[-1].append(set(was))
    before = [[set(h) for h in fam] for fam in hidden]
    _sync(hidden, first)
    if hidden != before:
        return None
    families = tuple(tuple(SuppressedTable(t.values, frozenset(h), t.primary) for t, h in zip(fam, hid, strict=True))
                     for fam, hid in zip(first, hidden, strict=True))
    new = _inner([[t.values for t in fam] for fam in families])
    pool = pool if pool is not None else []
    if len(old) == len(new):
        change = [b - a for a, b in zip(old, new, strict=True)]
        pool.extend([v + dv for v, dv in zip(x, change, strict=True)] for x in kept_pool if len(x) == len(new))
    result = audit(families, threshold, pool=pool)
    if not result.passed:
        return None
    added = sum(len(h) for fam in hidden for h in fam) - sum(len(t.hidden) for fam in first for t in fam)
    return Protected(families, result, 0, added)


def encode_protected(p: Protected) -> str:
    """A protected report as JSON text (`decode_protected` reads it back equal)."""
    return json.dumps({
        "families": [[{"values": [list(r) for r in t.values], "hidden": sorted(map(list, t.hidden)),
                       "primary": sorted(map(list, t.primary))} for t in fam] for fam in p.families],
        "audit": {"width": p.audit.width, "intervals": [
            [i.cell.family, i.cell.table, i.cell.pos[0], i.cell.pos[1], i.low, i.high, i.exact]
            for i in p.audit.intervals]},
        "rounds": p.rounds, "added": p.added}, separators=(",", ":"))


def decode_protected(text: str, involved: Sequence[Sequence[Sequence[int]]],
                     enrolled: Sequence[Sequence[Sequence[int]]], threshold: int) -> Protected | None:
    """A kept result for these tables, or None when it is not one that may be published: other
    counts, a small count or small complement shown, a position outside its table, or an audit
    that did not pass at this threshold (damaged or foreign: the caller solves again)."""
    try:
        d = json.loads(text)
        families = tuple(tuple(SuppressedTable(tuple(tuple(int(v) for v in r) for r in t["values"]),
                                               frozenset((int(a), int(b)) for a, b in t["hidden"]),
                                               frozenset((int(a), int(b)) for a, b in t["primary"]))
                               for t in fam) for fam in d["families"])
        a = d["audit"]
        result = AuditResult(int(a["width"]), tuple(
            Interval(CellRef(int(f), int(t), (int(r), int(c))), int(lo), int(hi), bool(ex))
            for f, t, r, c, lo, hi, ex in a["intervals"]))
        protected = Protected(families, result, int(d["rounds"]), int(d["added"]))
    except (ValueError, TypeError, KeyError):
        return None
    if len(families) != 2 or tuple(t.values for t in families[0]) != tuple(map(_frozen, involved)) \
            or tuple(t.values for t in families[1]) != tuple(map(_frozen, enrolled)):
        return None
    if result.width != threshold or not result.passed:
        return None
    for f, fam in enumerate(families):
        for k, t in enumerate(fam):
            ext = extended(t.values)
            inside = {(r, c) for r in range(len(ext)) for c in range(len(ext[0]))}
            must = {p for p in inside if 0 < ext[p[0]][p[1]] < threshold}
            if f == 0:
                must |= small_complements(t.values, families[1][k].values, threshold)
            if not t.hidden <= inside or not t.primary <= t.hidden or not must <= t.hidden:
                return None
    return protected


def _frozen(table: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(v) for v in row) for row in table)


def _suppress_report(involved: Sequence[Sequence[Sequence[int]]], enrolled: Sequence[Sequence[Sequence[int]]],
                     threshold: int) -> Protected:
    from safetydesk.domain.suppression import suppress_tables

    also = [small_complements(i, e, threshold) for i, e in zip(involved, enrolled, strict=True)]
    first = (tuple(suppress_tables(involved, threshold, also)), tuple(suppress_tables(enrolled, threshold)))
    return protect_report(first, threshold)
