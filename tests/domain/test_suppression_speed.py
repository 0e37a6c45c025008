"""The suppression audit's shortcuts change how fast it decides, never what it decides (P20,
issue 14): the cells it finds narrow are exactly the cells whose exact interval (every cell
solved to optimality both ways) is narrower than the threshold; the outer bounds it uses to skip
solves contain every exact interval; and a report opened again with the same counts is the kept
result, while a report differing in one count is solved afresh. Exact intervals come from the
audit's own exact mode here; tests/domain/test_suppression.py attacks the published tables with a
solver written apart from the audit.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetydesk.domain import suppression_audit as sa
from safetydesk.domain.suppression import suppress_tables
from support import count, examples

pytestmark = pytest.mark.policy("P20")


@st.composite
def first_stage(draw):
    """Cycle-suppressed tables before the audit hides more (many cells narrow at this stage)."""
    schools = draw(st.integers(1, 4))
    dims = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    size = [draw(st.sampled_from([2, 3, 5, 8, 15, 30])) for _ in range(schools)]
    rnd = draw(st.randoms(use_true_random=False))
    rate = draw(st.sampled_from([0.1, 0.4, 0.9]))
    inv = [[[0] * schools for _ in range(g)] for g in dims]
    enr = [[[0] * schools for _ in range(g)] for g in dims]
    for s, n in enumerate(size):
        for _ in range(n):
            involved = rnd.random() < rate
            for d, g in enumerate(dims):
                grp = rnd.choices(range(g), weights=[1 + 10 * (k == 0) for k in range(g)])[0]
                enr[d][grp][s] += 1
                inv[d][grp][s] += involved
    threshold = draw(st.sampled_from([3, 5, 10]))
    return (tuple(suppress_tables(inv, threshold)), tuple(suppress_tables(enr, threshold))), threshold


@settings(max_examples=examples(ci=120, dev=15), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(first_stage())
def test_the_fast_audit_finds_exactly_the_cells_the_exact_audit_finds_narrow(case):
    families, width = case
    exact = sa.audit(families, width, exact=True)
    fast = sa.audit(families, width)
    truly_narrow = {i.cell for i in exact.intervals if i.high - i.low < width}
    assert {i.cell for i in fast.narrow} == truly_narrow
    bounds = sa.outer_bounds(families, ((0, 1),), True)
    for i in exact.intervals:
        floor, cap = bounds[i.cell]
        assert floor <= i.low and i.high <= cap, (i, floor, cap)
    for i in fast.intervals:  # every observed value is a consistent value
        assert exact_of(exact, i.cell)[0] <= i.low <= i.high <= exact_of(exact, i.cell)[1]
    count("suppression-audit-shortcuts", hidden=len(exact.intervals), narrow=len(truly_narrow),
          skipped_by_bounds=sum(1 for c, (lo, hi) in bounds.items() if hi - lo < width))


def exact_of(result, cell):
    i = next(i for i in result.intervals if i.cell == cell)
    return i.low, i.high


def test_a_report_opened_again_is_the_kept_result_and_one_count_changed_is_solved_again():
    inv = [[[1, 2, 12], [3, 0, 15]], [[4, 2, 27]]]
    enr = [[[5, 9, 30], [12, 3, 40]], [[17, 12, 70]]]
    sa.clear_cache()
    first = sa.suppress_report(inv, enr, 5)
    again = sa.suppress_report([[list(r) for r in t] for t in inv], [[list(r) for r in t] for t in enr], 5)
    assert again is first
    changed = [[[1, 2, 12], [3, 0, 16]], [[4, 2, 28]]]
    other = sa.suppress_report(changed, [[[5, 9, 30], [12, 3, 40]], [[17, 12, 71]]], 5)
    assert other is not first and other.families[0][0].values != first.families[0][0].values
    assert sa.suppress_report(inv, enr, 10) is not first  # the threshold is part of the key
    sa.clear_cache()
    fresh = sa.suppress_report(inv, enr, 5)
    assert fresh is not first and fresh == first
