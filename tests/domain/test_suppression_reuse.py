"""P20: a year's new counts published under the year's last solved hiding pattern (no protection
rounds, one audit) stay as safe as a report protected afresh: every small count and small
complement hidden, zeros shown, and an independent attacker (the integer programs of
test_suppression) neither recovers nor narrows any hidden cell. A pattern that no longer fits the
new counts, or does not pass the audit with them, is not used: the report is solved afresh."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_suppression import _students, attack

from safetydesk.domain import suppression_audit as sa
from safetydesk.domain.suppression import extended
from support import count, examples


class Kept:
    def __init__(self) -> None:
        self.rows: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.rows.get(key)

    def put(self, key: str, result: str) -> None:
        self.rows[key] = result


@pytest.fixture
def solves(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = sa._suppress_report

    def counting(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(sa, "_suppress_report", counting)
    return calls


def _safe(report, threshold: int) -> tuple[int, int]:
    for f, fam in enumerate(report):
        for d, t in enumerate(fam):
            ext = extended(t.values)
            small = {(r, c) for r, row in enumerate(ext) for c, v in enumerate(row) if 0 < v < threshold}
            if f == 0:
                small |= sa.small_complements(t.values, report[1][d].values, threshold)
            assert small <= t.hidden, "every small count and small complement is hidden"
            assert all(ext[r][c] > 0 for r, c in t.hidden), "zeros are shown"
    bounds = attack(report, threshold)
    recovered = sum(1 for a, b in bounds.values() if a == b)
    narrowed = sum(1 for a, b in bounds.values() if a < b and b - a < threshold)
    assert recovered == 0 and narrowed == 0, {k: v for k, v in bounds.items() if v[1] - v[0] < threshold}
    return recovered, narrowed


INV = [[[3, 12, 40], [15, 9, 30]], [[18, 21, 70]]]
ENR = [[[30, 60, 300], [45, 29, 90]], [[75, 89, 390]]]


@pytest.mark.policy("P20")
def test_a_years_new_counts_reuse_its_last_pattern_when_they_pass_with_it(solves):
    kept = Kept()
    sa.clear_cache()
    first = sa.suppress_report(INV, ENR, 10, kept, series="2025-26")
    assert solves == [1]
    # one more student enrolled and involved at the large school: the same cells are small
    inv = [[[3, 12, 41], [15, 9, 30]], [[18, 21, 71]]]
    enr = [[[30, 60, 301], [45, 29, 90]], [[75, 89, 391]]]
    sa.clear_cache()
    again = sa.suppress_report(inv, enr, 10, kept, series="2025-26")
    assert solves == [1], "no protection rounds: the last pattern passed"
    assert again.rounds == 0
    assert [[t.hidden for t in fam] for fam in again.families] == [[t.hidden for t in fam] for fam in first.families]
    assert [[t.values for t in fam] for fam in again.families] == [[sa._frozen(x) for x in inv],
                                                                   [sa._frozen(x) for x in enr]], "the new counts"
    _safe(again.families, 10)
    # kept under its own exact key too: opened again after a restart, nothing is audited
    sa.clear_cache()
    assert sa.suppress_report(inv, enr, 10, kept, series="2025-26") == again and solves == [1]
    # another year's series has no pattern: solved
    sa.clear_cache()
    sa.suppress_report([[[3, 12, 42], [15, 9, 30]], [[18, 21, 72]]], [[[30, 60, 302], [45, 29, 90]], [[75, 89, 392]]],
                       10, kept, series="2024-25")
    assert solves == [1, 1]
    # a new small count the pattern does not hide: solved afresh, never published under the old one
    inv2 = [[[3, 12, 40], [15, 9, 30]], [[18, 21, 70]]]
    enr2 = [[[30, 60, 300], [45, 14, 90]], [[75, 74, 390]]]  # 14 - 9 = 5 not involved: a small complement
    sa.clear_cache()
    fresh = sa.suppress_report(inv2, enr2, 10, kept, series="2025-26")
    assert solves == [1, 1, 1]
    assert (1, 1) in fresh.families[0][0].hidden
    _safe(fresh.families, 10)
    count("p20-reuse-pattern", tried=3, reused=1, solved=2)


def test_a_damaged_or_foreign_pattern_is_not_used(solves):
    sa.clear_cache()
    pattern = sa.encode_protected(sa._suppress_report(INV, ENR, 10))
    assert solves == [1]
    inv = [[[3, 12, 41], [15, 9, 30]], [[18, 21, 71]]]
    enr = [[[30, 60, 301], [45, 29, 90]], [[75, 89, 391]]]
    assert sa.reuse_pattern(pattern, inv, enr, 10) is not None
    refused = [
        sa.reuse_pattern("{not json", inv, enr, 10),
        sa.reuse_pattern('{"families": [[{"hidden": [[0, 0]]}]]}', inv, enr, 10),
        sa.reuse_pattern(pattern.replace('"hidden":[[0,0]', '"hidden":[[0,1]', 1), inv, enr, 10)
        if '"hidden":[[0,0]' in pattern else None,
        sa.reuse_pattern(sa.encode_protected(sa._suppress_report([[[40], [30]], [[70]]], [[[300], [90]], [[390]]], 10)),
                         inv, enr, 10),  # another shape
        sa.reuse_pattern(pattern, inv, enr, 5),  # another threshold: its own cells to hide
    ]
    # the kept consistent tables only start the audit: garbage among them (tables that meet no
    # published line) is dropped by its exact check and changes nothing that is decided
    import json

    solved = sa._suppress_report(INV, ENR, 10)
    pool: list[list[int]] = []
    sa.audit(solved.families, 10, pool=pool)
    text = sa.encode_pattern(solved, pool)
    bogus = json.loads(text)
    bogus["pool"] = [[(7 * k + i) % 50 for i in range(len(pool[0]))] for k in range(20)] + [[0] * len(pool[0])]
    with_pool = sa.reuse_pattern(text, inv, enr, 10)
    with_bogus = sa.reuse_pattern(json.dumps(bogus), inv, enr, 10)
    without = sa.reuse_pattern(sa.encode_protected(solved), inv, enr, 10)
    assert with_pool is not None and with_bogus is not None and without is not None
    assert with_pool.families == with_bogus.families == without.families
    for p in (with_pool, with_bogus, without):
        assert p.audit.passed and not p.audit.narrow
    # a pattern that does not hide a new small count
    assert sa.reuse_pattern(pattern, [[[3, 12, 40], [15, 9, 30]], [[18, 21, 70]]],
                            [[[30, 60, 300], [45, 14, 90]], [[75, 74, 390]]], 10) is None
    assert refused[:2] == [None, None] and refused[3] is None
    assert refused[2] is None
    count("p20-reuse-refused", tried=5)


@st.composite
def year_and_change(draw):
    schools = draw(st.integers(1, 4))
    dims = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    inv, enr = _students(draw, schools, dims)
    first = (copy.deepcopy(inv), copy.deepcopy(enr))
    threshold = draw(st.sampled_from([3, 5, 10]))
    # then a few students enrolled (some of them involved), left or no longer involved
    for _ in range(draw(st.integers(1, 4))):
        s = draw(st.integers(0, schools - 1))
        groups = [draw(st.integers(0, g - 1)) for g in dims]
        kind = draw(st.sampled_from(["enrolled", "involved", "left", "uninvolved"]))
        for d, g in enumerate(groups):
            if kind == "left" and enr[d][g][s] <= inv[d][g][s]:
                break
            if kind == "uninvolved" and inv[d][g][s] == 0:
                break
        else:
            for d, g in enumerate(groups):
                if kind in ("enrolled", "involved"):
                    enr[d][g][s] += 1
                if kind == "involved":
                    inv[d][g][s] += 1
                if kind == "left":
                    enr[d][g][s] -= 1
                if kind == "uninvolved":
                    inv[d][g][s] -= 1
    return first, (inv, enr), threshold


@pytest.mark.policy("P20")
@settings(max_examples=examples(ci=100, dev=10), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(case=year_and_change())
def test_whichever_way_a_years_next_counts_are_published_an_attacker_learns_nothing(case, solves):
    (inv0, enr0), (inv1, enr1), threshold = case
    kept = Kept()
    sa.clear_cache()
    sa.suppress_report(inv0, enr0, threshold, kept, series="year")  # the year's pattern, solved
    before = len(solves)
    sa.clear_cache()
    later = sa.suppress_report(inv1, enr1, threshold, kept, series="year")  # its counts a little later
    _safe(later.families, threshold)
    count("p20-reuse-property", examples=1, reused=int(len(solves) == before), recovered=0, narrowed=0)
