"""Small-number suppression (P20): no hidden value can be worked out from what is published.

Two independent checks of every output, neither using the algorithm's own cycle argument:
exact linear algebra (no hidden cell is fixed by the published line sums), and, for small
tables, an explicit second table of non-negative counts, consistent with everything
published, in which the hidden cell has a different value.
"""

from fractions import Fraction
from itertools import product

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from safetydesk.domain.suppression import extended, suppress, suppress_tables

pytestmark = pytest.mark.policy("P20")


def _equations(table):
    """Line-sum equations over the hidden cells: coefficients and right-hand sides."""
    ext = extended(table.values)
    R1, C1 = len(ext), len(ext[0])
    hidden = sorted(table.hidden)
    index = {p: i for i, p in enumerate(hidden)}
    eqs = []
    lines = [[(r, c) for c in range(C1 - 1)] + [(r, C1 - 1)] for r in range(R1)]
    lines += [[(r, c) for r in range(R1 - 1)] + [(R1 - 1, c)] for c in range(C1)]
    for line in lines:
        *parts, total = line
        coef = [Fraction(0)] * len(hidden)
        rhs = Fraction(0)
        for p in parts:
            if p in index:
                coef[index[p]] += 1
            else:
                rhs -= ext[p[0]][p[1]]
        if total in index:
            coef[index[total]] -= 1
        else:
            rhs += ext[total[0]][total[1]]
        eqs.append((coef, rhs))
    return hidden, eqs


def _rank(rows):
    rows = [list(r) for r in rows]
    rank, col = 0, 0
    ncols = len(rows[0]) if rows else 0
    while rank < len(rows) and col < ncols:
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            col += 1
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                f = rows[i][col] / rows[rank][col]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
        col += 1
    return rank


def determined_cells(table):
    """Hidden cells whose value follows from the published numbers by linear algebra."""
    hidden, eqs = _equations(table)
    if not hidden:
        return []
    A = [coef for coef, _ in eqs]
    base = _rank(A)
    out = []
    for i, p in enumerate(hidden):
        unit = [Fraction(0)] * len(hidden)
        unit[i] = Fraction(1)
        if _rank([*A, unit]) == base:  # e_i is in the row space: the value is fixed
            out.append(p)
    return out


def second_values_exist(table):
    """For every hidden cell, a different non-negative table agreeing with all that is published."""
    ext = extended(table.values)
    hidden, eqs = _equations(table)
    wanted = set(hidden)
    for d in product((-1, 0, 1), repeat=len(hidden)):
        if not any(d):
            continue
        if any(ext[p[0]][p[1]] + x < 0 for p, x in zip(hidden, d, strict=True)):
            continue
        if all(sum(c * x for c, x in zip(coef, d, strict=True)) == 0 for coef, _ in eqs):
            wanted -= {p for p, x in zip(hidden, d, strict=True) if x}
            if not wanted:
                return True
    return not wanted


def published_lines_are_safe(table):
    """The weak rule readers usually check: no line with exactly one hidden cell."""
    ext = extended(table.values)
    R1, C1 = len(ext), len(ext[0])
    rows_ok = all(sum((r, c) in table.hidden for c in range(C1)) != 1 for r in range(R1))
    return rows_ok and all(sum((r, c) in table.hidden for r in range(R1)) != 1 for c in range(C1))


cells = st.integers(0, 14) | st.sampled_from([0, 0, 1, 2, 3, 9, 10, 11, 40])
tables = st.integers(1, 6).flatmap(lambda r: st.integers(1, 6).flatmap(
    lambda c: st.lists(st.lists(cells, min_size=c, max_size=c), min_size=r, max_size=r)))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables, st.sampled_from([3, 5, 10]))
def test_no_hidden_value_follows_from_the_published_numbers(values, threshold):
    t = suppress(values, threshold)
    ext = extended(t.values)
    for p in t.primary:
        assert p in t.hidden
    for r, row in enumerate(ext):
        for c, v in enumerate(row):
            if 0 < v < threshold:
                assert (r, c) in t.hidden, "every small count is hidden"
    assert determined_cells(t) == []
    assert published_lines_are_safe(t)
    assert all(ext[r][c] > 0 for r, c in t.hidden), "zero cells never serve as complements"


small = st.integers(1, 3).flatmap(lambda r: st.integers(1, 3).flatmap(
    lambda c: st.lists(st.lists(st.integers(0, 12), min_size=c, max_size=c), min_size=r, max_size=r)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small)
def test_each_hidden_cell_has_at_least_two_consistent_values(values):
    t = suppress(values, 5)
    assume(len(t.hidden) <= 11)
    assert second_values_exist(t)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 4), st.lists(st.integers(1, 5), min_size=2, max_size=3), st.data())
def test_tables_sharing_their_column_totals_hide_the_same_totals(cols, heights, data):
    # Several breakdowns of the same students: each column sums to the same total in every table.
    totals = data.draw(st.lists(st.integers(0, 30), min_size=cols, max_size=cols))
    tables = []
    for h in heights:
        rows = [[0] * cols for _ in range(h)]
        for c, total in enumerate(totals):
            for _ in range(total):
                rows[data.draw(st.integers(0, h - 1))][c] += 1
        tables.append(rows)
    out = suppress_tables(tables, 10)
    hidden_totals = [{c for (r, c) in t.hidden if r == t.rows} for t in out]
    assert all(h == hidden_totals[0] for h in hidden_totals)
    for t in out:
        assert determined_cells(t) == []


def test_a_row_of_zeros_beside_one_small_count_hides_the_row_total():
    # [3, 0, 0] with total 3: the only possible complement is the total itself.
    t = suppress([[3, 0, 0], [20, 30, 40]], 10)
    assert (0, 0) in t.hidden and (0, 3) in t.hidden
    assert determined_cells(t) == []


def test_one_hidden_cell_in_a_row_gets_a_complement_and_large_tables_keep_their_totals():
    t = suppress([[12, 4, 30], [25, 18, 22], [40, 33, 51]], 10)
    assert (0, 1) in t.primary
    assert len([p for p in t.hidden if p[0] == 0]) >= 2
    assert t.grand_total == sum(map(sum, t.values))
    assert determined_cells(t) == []


def test_nothing_small_nothing_hidden_and_same_result_every_time():
    assert suppress([[12, 40], [25, 18]], 10).hidden == frozenset()
    a = suppress([[1, 2, 30, 4], [25, 18, 22, 11], [7, 33, 51, 13]], 10)
    b = suppress([[1, 2, 30, 4], [25, 18, 22, 11], [7, 33, 51, 13]], 10)
    assert a == b


# ------------------------------------------------------------------ the exact audit, attacked
# An attacker written without the audit's code: it reads only what the report publishes (the
# shown value of every cell and total of every table, '*' for hidden), knows that zeros are
# always shown, that every dimension covers the same students per school, that no group has
# more students involved than enrolled, and solves integer programs (scipy.optimize.milp) for
# the smallest and largest value of each hidden cell.
from safetydesk.domain.suppression_audit import audit, protect_report, suppress_report  # noqa: E402
from support import count, examples  # noqa: E402


def _published(t):
    """The extended table as a reader sees it: numbers, None for hidden."""
    return [[t.shown(r, c) for c in range(t.cols + 1)] for r in range(t.rows + 1)]


def attack(report, width=None):
    """(min, max) of every hidden cell of ``report`` (involved tables, enrolled tables).

    With ``width``, stops working on a cell once two consistent tables (checked exactly) show it
    spans ``width`` or more: (min, max) are then only as far as seen, at least ``width`` apart."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    views = [[_published(t) for t in fam] for fam in report]
    index, n = {}, 0
    for f, fam in enumerate(views):
        for d, grid in enumerate(fam):
            for r in range(len(grid) - 1):
                for c in range(len(grid[0]) - 1):
                    index[(f, d, r, c)] = n
                    n += 1
    rows, lo, hi = [], [], []

    def add(coef, low, high):
        rows.append(coef)
        lo.append(low)
        hi.append(high)

    def cell_coef(f, d, r, c):
        grid = views[f][d]
        R, C = len(grid) - 1, len(grid[0]) - 1
        coef = np.zeros(n)
        for rr in (range(R) if r == R else [r]):
            for cc in (range(C) if c == C else [c]):
                coef[index[(f, d, rr, cc)]] = 1
        return coef

    targets = []
    for f, fam in enumerate(views):
        for d, grid in enumerate(fam):
            R, C = len(grid) - 1, len(grid[0]) - 1
            for r in range(R + 1):
                for c in range(C + 1):
                    coef = cell_coef(f, d, r, c)
                    if grid[r][c] is None:
                        add(coef, 1, np.inf)  # zeros are always shown
                        targets.append(((f, d, r, c), coef))
                    else:
                        add(coef, grid[r][c], grid[r][c])
            if d:
                for c in range(C):
                    add(cell_coef(f, d, R, c) - cell_coef(f, 0, len(fam[0]) - 1, c), 0, 0)
    for d, grid in enumerate(views[0]):
        for r in range(len(grid) - 1):
            for c in range(len(grid[0]) - 1):
                coef = np.zeros(n)
                coef[index[(0, d, r, c)]], coef[index[(1, d, r, c)]] = 1, -1
                add(coef, -np.inf, 0)
    a, lo, hi = np.array(rows), np.array(lo), np.array(hi)
    cons = LinearConstraint(a, lo, hi)
    truth_known = []  # consistent tables found so far (integers, checked against every row)
    out = {}
    for key, coef in targets:
        ends = []
        for sign in (1, -1):
            seen = [coef @ x for x in truth_known]
            if width is not None and seen and max(seen) - min(seen) >= width:
                ends = [int(min(seen)), int(max(seen))]
                break
            res = milp(sign * coef, constraints=cons, integrality=np.ones(n), bounds=Bounds(0, 10**6),
                       options={"mip_rel_gap": 0})
            assert res.status == 0, res.message
            x = np.round(res.x)
            s = a @ x
            assert ((s >= lo) & (s <= hi)).all() and (x >= 0).all()
            truth_known.append(x)
            ends.append(round(sign * res.fun))  # the minimum, then the maximum
        out[key] = tuple(ends)
    return out


def _students(draw, schools, dims):
    """Skewed fictional students: tiny schools, rare groups, few involved."""
    size = [draw(st.sampled_from([1, 2, 3, 5, 8, 15, 30, 60])) for _ in range(schools)]
    weights = [[draw(st.sampled_from([1, 1, 2, 5, 20, 60])) for _ in range(g)] for g in dims]
    rate = draw(st.sampled_from([0.05, 0.2, 0.5, 0.9]))
    rnd = draw(st.randoms(use_true_random=False))
    inv = [[[0] * schools for _ in range(g)] for g in dims]
    enr = [[[0] * schools for _ in range(g)] for g in dims]
    for s, n in enumerate(size):
        for _ in range(n):
            involved = rnd.random() < rate
            for d, g in enumerate(dims):
                grp = rnd.choices(range(g), weights=weights[d])[0]
                enr[d][grp][s] += 1
                if involved:
                    inv[d][grp][s] += 1
    return inv, enr


@st.composite
def datasets(draw):
    schools = draw(st.integers(1, 4))
    dims = draw(st.lists(st.integers(2, 5), min_size=1, max_size=3))
    inv, enr = _students(draw, schools, dims)
    return inv, enr, draw(st.sampled_from([3, 5, 10]))


@pytest.mark.policy("P20")
@settings(max_examples=examples(ci=150, dev=12), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(datasets())
def test_an_independent_attacker_neither_recovers_nor_narrows_any_hidden_cell(data):
    inv, enr, threshold = data
    report = suppress_report(inv, enr, threshold).families
    for fam in report:
        for t in fam:
            ext = extended(t.values)
            assert all((r, c) in t.hidden for r, row in enumerate(ext) for c, v in enumerate(row)
                       if 0 < v < threshold), "every small count is hidden"
            assert all(ext[r][c] > 0 for r, c in t.hidden), "zeros are shown"
    bounds = attack(report, threshold)
    recovered = sum(1 for a, b in bounds.values() if a == b)
    narrowed = sum(1 for a, b in bounds.values() if a < b and b - a < threshold)
    count("suppression-audit", tables=sum(len(f) for f in report), hidden=len(bounds),
          recovered=recovered, narrowed=narrowed)
    assert recovered == 0 and narrowed == 0, {k: v for k, v in bounds.items() if v[1] - v[0] < threshold}


@pytest.mark.policy("P20")
def test_two_rare_groups_at_a_small_school_are_not_pinned_by_the_published_zeros():
    # The tester's case: AI = 1 and NHPI = 1 at a small school, both hidden, their sum published
    # through the totals: with zeros shown each is at least 1, so each is exactly 1.
    inv = [[[1, 0], [1, 0], [6, 30], [0, 25]]]
    enr = [[[2, 3], [1, 2], [14, 80], [3, 60]]]
    cycles_only = (tuple(suppress_tables(inv, 10)), tuple(suppress_tables(enr, 10)))
    before = attack(cycles_only)
    assert any(a == b for a, b in before.values()), "the cycle rule alone leaves a cell pinned"
    assert not audit(cycles_only, 10).passed
    after = attack(suppress_report(inv, enr, 10).families)
    assert all(b - a >= 10 for a, b in after.values())


@pytest.mark.policy("P20")
def test_the_audit_agrees_with_the_attacker_on_exact_intervals():
    inv = [[[1, 2, 12], [3, 0, 15]], [[4, 2, 27]]]
    enr = [[[5, 9, 30], [12, 3, 40]], [[17, 12, 70]]]
    first = (tuple(suppress_tables(inv, 5)), tuple(suppress_tables(enr, 5)))
    mine = {(i.cell.family, i.cell.table, *i.cell.pos): (i.low, i.high)
            for i in audit(first, 5, exact=True).intervals}
    assert mine == attack(first)
    done = protect_report(first, 5)
    assert done.audit.passed and all(b - a >= 5 for a, b in attack(done.families).values())
