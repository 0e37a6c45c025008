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
