"""The dashboard's derived tables (m070): the incidents whose outcomes name no student, and the live
interactions per school and year, kept by the projector on every write.

Each is compared with the query it replaces, run over the interactions themselves (the old
``outcomes_to_review`` scanned every interaction and its JSON state), after creates, amendments,
retractions, duplicate marking, entries imported from another workstation (concurrent ones
included, which refold the record), a rebuild and verify's scratch rebuild; and the migration's
one SQL pass is compared with what the projector wrote.
"""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetydesk.domain.filters import InteractionFilter, interaction_sort_key
from safetydesk.domain.outcomes import needs_outcome_review
from safetydesk.store import Change, Store, queries
from safetydesk.store import queries_everyday as qe
from safetydesk.store import queries_reports as qr
from support import count, examples, retract, toggle_duplicate

ADMIN = Change("user", "U1", "create", {"username": [None, "admin"], "role": [None, "district_admin"],
                                        "active": [None, True]})
SCHOOLS = ("SA", "SB")
STUDENTS = ("S1", "S2", "S3")
OUTCOMES = ("resulted_in_discipline", "use_of_force", "arrest")
MIGRATION = "m070_dashboard_counts_and_review"

# The dashboard's review query before m070, word for word: every interaction with an outcome and
# its JSON state (3.9 s at a million records).
OLD_REVIEW = """SELECT i.id FROM interactions i
    JOIN record_state r ON r.record_type = 'interaction' AND r.record_id = i.id
    LEFT JOIN interaction_details d ON d.interaction_id = i.id
    WHERE i.retracted = 0 AND COALESCE(d.duplicate_of, '') = '' AND ({})
    ORDER BY i.occurred_at, i.id""".format(" OR ".join(
    f"(i.{f} = 1 AND COALESCE(json_array_length(r.state, '$.outcome_students.{f}'), 0) = 0)" for f in OUTCOMES))
OLD_COUNTS = """SELECT school_id, school_year, COUNT(*), SUM(discipline_related), SUM(use_of_force), SUM(arrest)
    FROM interactions WHERE retracted = 0 AND duplicate_of = '' GROUP BY school_id, school_year
    ORDER BY school_id, school_year"""


def _table(store, table: str, order: str) -> list[tuple]:
    return store.conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()


def _check(store) -> None:
    """The tables against the old queries over the interactions, and each query that reads them."""
    listed = [r["record_id"] for r in qr.outcomes_to_review(store, None, limit=10_000)]
    live = [(s["occurred_at"], rid, s) for rid, s in store.states("interaction")
            if not s.get("retracted") and not s.get("duplicate_of")]
    old = [rid for _when, rid, s in sorted(live, key=lambda x: x[:2]) if needs_outcome_review(s)]
    assert listed == old
    # The old query's answer, but for an outcome given only to students not on the record (which a
    # save refuses; only concurrent edits merged can leave it): the reports count nobody for it,
    # so it is listed for review too.
    before = [r[0] for r in store.conn.execute(OLD_REVIEW)]
    assert set(before) <= set(listed)
    for rid in set(listed) - set(before):
        state = store.state("interaction", rid)
        on_record = {p["student_id"] for p in state.get("students") or []}
        assert any(not set(state["outcome_students"].get(f) or []) & on_record for f in OUTCOMES if state.get(f))
    for school in SCHOOLS:
        scoped = [r["record_id"] for r in qr.outcomes_to_review(store, frozenset({school}), limit=10_000)]
        assert scoped == [rid for rid in old if store.state("interaction", rid)["school_id"] == school]
    assert qr.outcomes_to_review(store, frozenset()) == []
    assert [r["record_id"] for r in qr.outcomes_to_review(store, None, limit=2)] == old[:2]
    expected = store.conn.execute(OLD_COUNTS).fetchall()
    assert _table(store, "interaction_counts", "school_id, school_year") == expected
    for scope in (None, frozenset(), frozenset({"SA"}), frozenset(SCHOOLS)):
        for f in (InteractionFilter(scope=scope), InteractionFilter(scope=scope, school_id="SB"),
                  InteractionFilter(scope=scope, school_year="2024-25")):
            where, params = queries._interaction_where(f)
            walked = store.conn.execute(f"SELECT COUNT(*) FROM interactions i{where}", params).fetchone()[0]
            assert queries.count_interactions(store, f) == walked
        where, params = queries._interaction_where(InteractionFilter(scope=scope))
        years = store.conn.execute(f"SELECT school_year, COUNT(*) FROM interactions i{where} GROUP BY 1"
                                   " ORDER BY 1 DESC", params).fetchall()
        assert queries.school_year_counts(store, scope) == years
        assert queries.school_years(store, scope) == [y for y, _n in years]


def _create(rid: str, school: str, day: str, students: list[tuple[str, str]], ticks: dict[str, bool],
            chosen: dict[str, list[str]] | None) -> Change:
    state = {"occurred_at": [None, f"{day}T10:15"], "school_id": [None, school], "type": [None, "de_escalation"],
             "discipline_related": [None, ticks.get("resulted_in_discipline", False)],
             "students": [None, [{"student_id": s, "role": r} for s, r in students]], "retracted": [None, False]}
    state |= {k: [None, v] for k, v in ticks.items()}
    if chosen is not None:
        state["outcome_students"] = [None, chosen]
    return Change("interaction", rid, "create", state)


@pytest.fixture
def pair(tmp_path):
    a, b = Store.open(tmp_path / "a.sqlite"), Store.open(tmp_path / "b.sqlite")
    a.append("admin", [ADMIN])
    b.import_entries(a.entries_since(a.device_id, 0))
    yield a, b
    a.close()
    b.close()


def _sync(src, dst) -> None:
    dst.import_entries(src.entries_since(src.device_id, 0))


def test_flagged_and_plain_incidents_through_every_kind_of_write(pair):
    a, b = pair
    subject, victim = [("S1", "subject")], [("S2", "victim")]
    a.append("admin", [
        _create("I-flag-two", "SA", "2024-10-03", [("S1", "subject"), ("S3", "subject")],
                {"resulted_in_discipline": True}, None),
        _create("I-flag-none", "SB", "2023-11-04", victim, {"use_of_force": True}, None),
        _create("I-given", "SA", "2024-09-10", subject, {"arrest": True}, {"arrest": ["S1"]}),
        _create("I-plain", "SB", "2024-12-01", subject, {}, None),
        _create("I-stranger", "SA", "2025-01-08", subject, {"arrest": True}, {"arrest": ["S9"]}),
    ])
    _check(a)
    assert [r["record_id"] for r in qr.outcomes_to_review(a, None)] == ["I-flag-none", "I-flag-two", "I-stranger"]
    assert [r[0] for r in a.conn.execute(OLD_REVIEW)] == ["I-flag-none", "I-flag-two"]
    # a person answers who was disciplined; another outcome is ticked with nobody chosen
    a.append("admin", [Change("interaction", "I-flag-two", "amend",
                              {"outcome_students": [None, {"resulted_in_discipline": ["S3"]}]})])
    a.append("admin", [Change("interaction", "I-plain", "amend", {"use_of_force": [False, True]})])
    _check(a)
    assert [r["record_id"] for r in qr.outcomes_to_review(a, None)] == ["I-flag-none", "I-plain", "I-stranger"]
    # retracted, then marked as a duplicate: neither is listed nor counted
    a.append("admin", [Change("interaction", "I-flag-none", "retract",
                              {"retracted": [False, True], "retract_reason": ["", "Logged in error"]})])
    a.append("admin", [Change("interaction", "I-plain", "amend", {"duplicate_of": [None, "I-given"]})])
    _check(a)
    # moved to the other school and year: the counts follow the row
    a.append("admin", [Change("interaction", "I-given", "amend",
                              {"school_id": ["SA", "SB"], "occurred_at": ["2024-09-10T10:15", "2022-09-10T08:00"]})])
    _check(a)
    # imported into a second workstation, which amends concurrently with the first
    _sync(a, b)
    _check(b)
    b.append("admin", [Change("interaction", "I-given", "amend", {"outcome_students": [{"arrest": ["S1"]}, {}]})])
    a.append("admin", [Change("interaction", "I-given", "amend", {"arrest": [True, False]})])
    b.append("admin", [_create("I-b", "SB", "2025-02-02", [], {"arrest": True}, None)])
    _sync(a, b)
    _sync(b, a)
    for store in (a, b):
        _check(store)
        assert store.verify() == []  # the scratch rebuild makes the same rows
        before = (_table(store, "outcome_review", "interaction_id"),
                  _table(store, "interaction_counts", "school_id, school_year"))
        store.rebuild_derived()
        _check(store)
        assert (_table(store, "outcome_review", "interaction_id"),
                _table(store, "interaction_counts", "school_id, school_year")) == before
    assert _table(a, "outcome_review", "interaction_id") == _table(b, "outcome_review", "interaction_id")
    count("dashboard-tables", tried=1, caught=0)


def test_verify_sees_a_count_or_a_review_row_changed_behind_its_back(pair):
    a, _b = pair
    a.append("admin", [_create("I1", "SA", "2024-10-03", [], {"arrest": True}, None),
                       _create("I2", "SA", "2024-10-04", [("S1", "subject")], {}, None)])
    assert a.verify() == []
    for tamper in ("UPDATE interaction_counts SET live = live + 1", "DELETE FROM outcome_review"):
        with a.write() as conn:
            conn.execute(tamper)
        problems = a.verify()
        assert problems and ("interaction_counts" in problems[0] or "outcome_review" in problems[0])
        a.rebuild_derived()
        assert a.verify() == []
    count("dashboard-tables tampering seen by verify", tried=2, caught=2)


ticks = st.fixed_dictionaries({}, optional={f: st.booleans() for f in OUTCOMES})
people = st.lists(st.tuples(st.sampled_from(STUDENTS), st.sampled_from(("subject", "victim", "witness"))),
                  max_size=3, unique_by=lambda p: p[0])
chosen = st.none() | st.dictionaries(st.sampled_from(OUTCOMES), st.lists(st.sampled_from((*STUDENTS, "S9")), max_size=2))
op = st.one_of(
    st.tuples(st.just("write"), st.sampled_from("ab"), st.integers(0, 4), st.sampled_from(SCHOOLS),
              st.sampled_from(("2023-10-01", "2024-10-01", "2025-03-01")), people, ticks, chosen),
    st.tuples(st.just("retract"), st.sampled_from("ab"), st.integers(0, 4)),
    st.tuples(st.just("duplicate"), st.sampled_from("ab"), st.integers(0, 4), st.integers(0, 4)),
    st.tuples(st.just("sync"), st.sampled_from("ab")),
    st.tuples(st.just("rebuild"), st.sampled_from("ab")),
)


@settings(max_examples=examples(ci=150, dev=12), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=14))
def test_any_run_of_writes_keeps_the_tables_equal_to_the_old_queries(tmp_path_factory, ops):
    folder = tmp_path_factory.mktemp("run")
    stores = {"a": Store.open(folder / "a.sqlite"), "b": Store.open(folder / "b.sqlite")}
    try:
        stores["a"].append("admin", [ADMIN])
        _sync(stores["a"], stores["b"])
        for kind, name, *args in ops:
            store, other = stores[name], stores["b" if name == "a" else "a"]
            if kind == "write":
                n, school, day, students, ticked, chose = args
                rid, current = f"I{n}", store.state("interaction", f"I{args[0]}")
                if current is None:
                    store.append("admin", [_create(rid, school, day, students, ticked, chose)])
                    continue
                new = {"school_id": school, "occurred_at": f"{day}T09:00", "students":
                       [{"student_id": s, "role": r} for s, r in students], **ticked}
                if chose is not None:
                    new["outcome_students"] = chose
                changes = {k: [current.get(k), v] for k, v in new.items() if current.get(k) != v}
                if changes:
                    store.append("admin", [Change("interaction", rid, "amend", changes)])
            elif kind == "retract":
                retract(store, "interaction", f"I{args[0]}")
            elif kind == "duplicate":
                toggle_duplicate(store, f"I{args[0]}", f"I{args[1]}")
            elif kind == "sync":
                _sync(other, store)
            else:
                store.rebuild_derived()
            _check(store)
        _sync(stores["a"], stores["b"])
        _sync(stores["b"], stores["a"])
        for store in stores.values():
            _check(store)
            assert store.verify() == []
    finally:
        for store in stores.values():
            store.close()
    count("dashboard-tables property", tried=1, caught=0)


def test_the_migration_fills_the_tables_as_the_projector_keeps_them(tmp_path):
    path = tmp_path / "old.sqlite"
    store = Store.open(path)
    store.append("admin", [ADMIN])
    store.append("admin", [
        _create(f"I{n}", SCHOOLS[n % 2], ("2023-10-01", "2024-10-01", "2025-03-01")[n % 3],
                [("S1", "subject"), ("S2", "subject")][: n % 3],
                {OUTCOMES[n % 3]: True} if n % 4 else {}, {OUTCOMES[n % 3]: ["S1"]} if n % 5 == 0 else None)
        for n in range(40)])
    store.append("admin", [Change("interaction", "I7", "retract", {"retracted": [False, True],
                                                                    "retract_reason": ["", "error"]}),
                           Change("interaction", "I9", "amend", {"duplicate_of": [None, "I3"]})])
    projected = (_table(store, "outcome_review", "interaction_id"),
                 _table(store, "interaction_counts", "school_id, school_year"))
    assert projected[0] and projected[1]
    store.close()
    conn = sqlite3.connect(path)  # as a file made before m070
    conn.executescript("DROP TABLE interaction_counts; DROP TABLE outcome_review;"
                       "DROP INDEX compliance_flags_when; DROP INDEX compliance_flags_school_when;")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (MIGRATION,))
    conn.commit()
    conn.close()
    store = Store.open(path, backup_dir=tmp_path / "backups")
    try:
        assert (_table(store, "outcome_review", "interaction_id"),
                _table(store, "interaction_counts", "school_id, school_year")) == projected
        _check(store)
        assert store.verify() == []
    finally:
        store.close()
    count("dashboard-tables migration equals projector", tried=1, caught=0)


def test_a_list_over_several_schools_pages_as_one_query_would(tmp_path):
    """Scoped to several schools, a page is merged from each school's own first rows; it equals
    the rows of those schools in the list's order, by offset and by key, in every direction."""
    store = Store.open(tmp_path / "s.sqlite")
    try:
        store.append("admin", [ADMIN])
        made = [_create(f"I{n:02d}", ("SA", "SB", "SC")[n % 3], f"2024-{1 + n % 12:02d}-{1 + n % 5:02d}", [], {}, None)
                for n in range(45)]
        for n, change in enumerate(made):  # flags on most, two on some (the dashboard's open flags)
            change.changes["compliance_flags"] = [None, [{"kind": k, "since": "2024-01-01"}
                                                         for k in ("p13", "p07")[: n % 3]]]
        store.append("admin", made)
        scope = frozenset({"SA", "SC"})
        pages = 0
        for sort in ("when", "school", "location"):
            for descending in (True, False):
                every = queries.list_interactions(store, InteractionFilter(), 0, 1000, sort=sort, descending=descending)
                want = [r for r in every if r["school_id"] in scope]
                f = InteractionFilter(scope=scope)

                def page(f=f, sort=sort, descending=descending, **kw):
                    return queries.list_interactions(store, f, sort=sort, descending=descending, **kw)

                assert page(offset=0, limit=1000) == want
                for start in range(0, len(want), 7):
                    assert page(offset=start, limit=7) == want[start:start + 7]
                    key = interaction_sort_key(want[start], sort)
                    assert page(limit=7, after=key) == want[start + 1:start + 8]
                    assert page(limit=7, before=key) == want[max(0, start - 7):start]
                    pages += 3
                assert page(offset=0, limit=7, from_end=True) == want[-7:]
        assert queries.list_interactions(store, InteractionFilter(scope=frozenset()), 0, 10) == []
        for kind in ("", "p07"):
            flags = [r for r in qe.open_flags(store, kind=kind, limit=1000) if r["school_id"] in scope]
            assert len(flags) > 10
            for start in range(0, len(flags), 4):
                assert qe.open_flags(store, scope=scope, kind=kind, offset=start, limit=4) == flags[start:start + 4]
                pages += 1
    finally:
        store.close()
    count("several-school pages equal one query's", tried=pages, caught=0)
