"""Small-number suppression with complementary suppression (P20). Pure Python.

A published table has interior cells, row totals, column totals and a grand
total. Any count from 1 to ``threshold - 1`` (a *primary* cell) is hidden; then
more cells (*complementary* cells) are hidden until no hidden value can be
worked out from what is published. docs/reports.md explains the method; in
short:

* Work on the *extended* table: interior cells plus a total row, a total column
  and the grand total. Negate the totals and every line of the extended table
  sums to zero, so totals are cells like any other (a total can be primary, and
  hiding a total can serve as a complement).
* Draw the hidden cells as edges of a bipartite graph (lines of rows on one
  side, columns on the other). A hidden cell whose edge lies on a cycle of
  hidden cells can move by +1/-1 around that cycle (alternating signs) while
  every line sum stays the same; if every cell on the cycle is at least 1, the
  moved table is still a table of non-negative counts consistent with
  everything published, so the hidden value is not determined. A hidden cell
  whose edge is a *bridge* (on no cycle) is determined: the cut it crosses
  fixes it.
* So: while some hidden cell is a bridge, hide the cheapest path of cells that
  closes a cycle through it (shortest path from its row to its column, already
  hidden cells free, zero cells never used: moving a 0 down is impossible, so
  a 0 cannot hide anything). A path always exists: the non-zero cells of a
  table whose lines sum to zero form a circulation, and no edge of a
  circulation's support is a bridge.

Cost of hiding a cell: its value plus one (prefer few, small complements);
totals cost much more than interior cells, and the grand total most, so
readers keep the totals whenever possible. Ties break by position, so the same
table always gives the same result.

Tables that share their column totals (one table per demographic dimension,
all with the same students per school) are suppressed together: a column
total hidden in one is hidden in all, and the tables are suppressed again
until nothing changes (`suppress_tables`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Pos = tuple[int, int]  # (row, column) in the extended table

MARGIN_COST = 1_000
GRAND_COST = 1_000_000


@dataclass(frozen=True)
class SuppressedTable:
    """A table with its totals and what is hidden. Positions use the extended table: row
    ``len(values)`` holds the column totals, column ``len(values[0])`` the row totals."""

    values: tuple[tuple[int, ...], ...]  # interior, R x C
    hidden: frozenset[Pos]
    primary: frozenset[Pos] = field(default_factory=frozenset)

    @property
    def rows(self) -> int:
        return len(self.values)

    @property
    def cols(self) -> int:
        return len(self.values[0]) if self.values else 0

    def value(self, r: int, c: int) -> int:
        return extended(self.values)[r][c]

    def shown(self, r: int, c: int) -> int | None:
        """The published value, or None when hidden."""
        return None if (r, c) in self.hidden else self.value(r, c)

    def row_total(self, r: int) -> int | None:
        return self.shown(r, self.cols)

    def col_total(self, c: int) -> int | None:
        return self.shown(self.rows, c)

    @property
    def grand_total(self) -> int | None:
        return self.shown(self.rows, self.cols)


def extended(values: Sequence[Sequence[int]]) -> list[list[int]]:
    """The table with a total column on the right and a total row at the bottom."""
    rows = [[*r, sum(r)] for r in values]
    cols = len(values[0]) if values else 0
    totals = [sum(r[c] for r in rows) for c in range(cols + 1)]
    return [*rows, totals]


def primary_cells(values: Sequence[Sequence[int]], threshold: int) -> set[Pos]:
    """Cells (totals included) that describe from 1 to threshold - 1 people."""
    ext = extended(values)
    return {(r, c) for r, row in enumerate(ext) for c, v in enumerate(row) if 0 < v < threshold}


def _cost(ext: list[list[int]], r: int, c: int) -> int:
    R, C = len(ext) - 1, len(ext[0]) - 1
    base = ext[r][c] + 1
    if r == R and c == C:
        return GRAND_COST + base
    if r == R or c == C:
        return MARGIN_COST + base * 10
    return base


def _connected_without(hidden: set[Pos], r: int, c: int) -> bool:
    """Whether row r reaches column c through hidden cells other than (r, c)."""
    adj_rows: dict[int, list[int]] = {}
    adj_cols: dict[int, list[int]] = {}
    for (rr, cc) in hidden:
        if (rr, cc) == (r, c):
            continue
        adj_rows.setdefault(rr, []).append(cc)
        adj_cols.setdefault(cc, []).append(rr)
    seen_rows, seen_cols = {r}, set()
    stack: list[tuple[str, int]] = [("r", r)]
    while stack:
        kind, n = stack.pop()
        if kind == "r":
            for cc in adj_rows.get(n, ()):
                if cc == c:
                    return True
                if cc not in seen_cols:
                    seen_cols.add(cc)
                    stack.append(("c", cc))
        else:
            for rr in adj_cols.get(n, ()):
                if rr not in seen_rows:
                    seen_rows.add(rr)
                    stack.append(("r", rr))
    return False


def _cheapest_cycle(ext: list[list[int]], hidden: set[Pos], r: int, c: int) -> list[Pos]:
    """Cells to hide so that (r, c) lies on a cycle: the cheapest row-r-to-column-c path
    that does not use (r, c). Hidden cells cost nothing; zero cells are never used."""
    R1, C1 = len(ext), len(ext[0])
    # nodes: rows 0..R1-1, columns R1..R1+C1-1
    start, goal = r, R1 + c
    best: dict[int, int] = {start: 0}
    back: dict[int, int] = {}
    heap = [(0, start)]
    while heap:
        cost, node = heapq.heappop(heap)
        if node == goal:
            break
        if cost > best.get(node, 1 << 62):
            continue
        if node < R1:
            neighbours = ((node, cc, R1 + cc) for cc in range(C1))
        else:
            neighbours = ((rr, node - R1, rr) for rr in range(R1))
        for rr, cc, nxt in neighbours:
            if (rr, cc) == (r, c):
                continue
            if (rr, cc) in hidden:
                step = 0
            elif ext[rr][cc] <= 0:
                continue
            else:
                step = _cost(ext, rr, cc)
            new = cost + step
            if new < best.get(nxt, 1 << 62):
                best[nxt] = new
                back[nxt] = node
                heapq.heappush(heap, (new, nxt))
    if goal not in best:
        raise ValueError("no complementary cells can protect this table")  # cannot happen (see module doc)
    path: list[Pos] = []
    node = goal
    while node != start:
        prev = back[node]
        path.append((prev, node - R1) if prev < R1 else (node, prev - R1))
        node = prev
    return [p for p in path if p not in hidden]


def protect(values: Sequence[Sequence[int]], hidden: Iterable[Pos]) -> set[Pos]:
    """Add complementary cells to ``hidden`` until no hidden cell is a bridge."""
    ext = extended(values)
    out = {p for p in hidden if ext[p[0]][p[1]] > 0}
    while True:
        bridge = next((p for p in sorted(out) if not _connected_without(out, *p)), None)
        if bridge is None:
            return out
        out.update(_cheapest_cycle(ext, out, *bridge))


def suppress(values: Sequence[Sequence[int]], threshold: int, *, also: Iterable[Pos] = ()) -> SuppressedTable:
    """Hide small cells of one table and their complements. ``also`` adds primary cells
    (for example a count whose complement within its group is small)."""
    table = tuple(tuple(int(v) for v in row) for row in values)
    primary = primary_cells(table, threshold) | {p for p in also if extended(table)[p[0]][p[1]] > 0}
    return SuppressedTable(table, frozenset(protect(table, primary)), frozenset(primary))


def suppress_tables(tables: Sequence[Sequence[Sequence[int]]], threshold: int,
                    also: Sequence[Iterable[Pos]] | None = None) -> list[SuppressedTable]:
    """Suppress tables that share their column totals and grand total (the same people, broken
    down by different dimensions): a total hidden in one table is hidden in every one."""
    ints = [tuple(tuple(int(v) for v in row) for row in t) for t in tables]
    extra = [set(a) for a in also] if also is not None else [set() for _ in ints]
    forced: set[int] = set()  # column index c of the shared total row (c == cols is the grand total)
    while True:
        out = []
        for t, more in zip(ints, extra, strict=True):
            R = len(t)
            ext = extended(t)
            primary = primary_cells(t, threshold) | {p for p in more if ext[p[0]][p[1]] > 0}
            start = primary | {(R, c) for c in forced if ext[R][c] > 0}
            out.append(SuppressedTable(t, frozenset(protect(t, start)), frozenset(primary)))
        now = {c for t in out for (r, c) in t.hidden if r == t.rows}
        if now <= forced:
            return out
        forced |= now
