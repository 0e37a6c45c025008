"""P20 on demo data after m071: the tables equal the old Python fold's, and the suppression audit's
result kept in the data file is used only for the exact tables it was solved for."""

from __future__ import annotations

import pytest
from report_helpers import demo_session

from p20_reference import old_counts, old_rows
from safetydesk.domain import suppression_audit as sa
from safetydesk.domain.as_of import cut_off
from safetydesk.reports.assemble import Disaggregated
from safetydesk.services import reports
from safetydesk.store import queries_p20 as qp20
from support import count

YEARS = ("2025-26", "2024-25")


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    session = demo_session(tmp_path_factory.mktemp("p20-kept"), scale=1500)
    yield session
    session.store.close()


def _published(t: Disaggregated) -> tuple:
    return tuple((tb.values, tb.hidden) for tb in (*t.involved, *t.enrolled))


def _solves(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = sa._suppress_report

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sa, "_suppress_report", counting)
    return calls


@pytest.mark.policy("P20")
def test_the_demo_districts_tables_equal_the_old_fold(district):
    store = district.store
    for year in YEARS:
        as_of = cut_off(year, district.clock().date())
        involved, enrolled = old_rows(store, year, as_of)
        assert involved and enrolled
        t = reports.disaggregated_tables(district, year)
        names = {s: n for s, n in zip(t.schools, t.school_names, strict=True)}
        assert len(names) >= 10
        inv, enr = old_counts(list(t.schools), involved, enrolled)
        assert [tb.values for tb in t.involved] == [sa._frozen(x) for x in inv]
        assert [tb.values for tb in t.enrolled] == [sa._frozen(x) for x in enr]
        expected = sa._suppress_report(inv, enr, t.threshold).families  # solved afresh from the old counts
        assert _published(t) == tuple((tb.values, tb.hidden) for fam in expected for tb in fam)
    count("p20-demo-equals-old-fold", tried=len(YEARS), caught=0)


@pytest.mark.policy("P20")
def test_a_report_opened_after_a_restart_uses_the_kept_audit_and_only_for_the_same_tables(district, monkeypatch):
    store = district.store
    with store.write() as conn:
        conn.execute("DELETE FROM p20_audit_kept")
    sa.clear_cache()
    first = reports.disaggregated_tables(district, YEARS[0])
    # the result for these tables, and the year's last solved pattern (tried first for its next counts)
    assert store.conn.execute("SELECT COUNT(*) FROM p20_audit_kept WHERE key NOT LIKE 'last %'").fetchone()[0] == 1
    solves = _solves(monkeypatch)
    sa.clear_cache()  # as a new process: nothing in memory
    again = reports.disaggregated_tables(district, YEARS[0])
    assert solves == [] and _published(again) == _published(first)
    # another year's tables: another key, solved
    reports.disaggregated_tables(district, YEARS[1])
    assert solves == [1]
    # a kept result that shows a small count (damaged or altered) is not used: solved again, same tables
    with store.write() as conn:
        conn.execute("""UPDATE p20_audit_kept SET result = json_set(result, '$.families[0][0].hidden', json('[]'))""")
    sa.clear_cache()
    checked = reports.disaggregated_tables(district, YEARS[0])
    assert solves == [1, 1] and _published(checked) == _published(first)
    sa.clear_cache()
    reports.disaggregated_tables(district, YEARS[0])  # and the entry was replaced by the good result
    assert solves == [1, 1]
    count("p20-kept-audit", tried=3, caught=3)


def test_a_kept_result_decodes_equal_and_is_refused_for_other_tables():
    inv = [[[3, 12, 40], [15, 9, 30]], [[18, 21, 70]]]
    enr = [[[30, 60, 300], [45, 29, 90]], [[75, 89, 390]]]
    sa.clear_cache()
    p = sa.suppress_report(inv, enr, 10)
    text = sa.encode_protected(p)
    assert sa.decode_protected(text, inv, enr, 10) == p
    other = [[[4, 12, 40], [15, 9, 30]], [[19, 21, 70]]]
    refused = [sa.decode_protected(text, other, enr, 10), sa.decode_protected(text, inv, enr, 5),
               sa.decode_protected("{not json", inv, enr, 10), sa.decode_protected('{"families": 3}', inv, enr, 10)]
    assert refused == [None] * 4
    # the key names the exact tables, the threshold and the rules' version
    kept: dict[str, str] = {}

    class Kept:
        def get(self, key):
            return kept.get(key)

        def put(self, key, result):
            kept[key] = result

    sa.clear_cache()
    sa.suppress_report(inv, enr, 10, Kept())
    sa.suppress_report(other, enr, 10, Kept())
    sa.suppress_report(inv, enr, 5, Kept())
    assert len(kept) == 3
    count("p20-kept-audit refused", tried=4, caught=4)


def test_the_kept_results_are_bounded(district):
    store = district.store
    kept = qp20.KeptAudits(store)
    for n in range(qp20.KEEP + 10):
        kept.put(f"k{n}", "{}")
    assert store.conn.execute("SELECT COUNT(*) FROM p20_audit_kept").fetchone()[0] == qp20.KEEP
    assert kept.get(f"k{qp20.KEEP + 9}") == "{}" and kept.get("k0") is None
