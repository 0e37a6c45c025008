"""P20's derived tables (m071): the year's law enforcement (school, student) pairs and the students'
demographic versions by date, read by two GROUP BY queries (store.queries_p20).

Their counts are compared with the Python fold they replace, kept here word for word as the
reference: every live law enforcement interaction's JSON state of the year, every student's
roster versions folded from the history, the version in force on the cut-off date taken by
`version_on`. Generated runs write on two workstations with their own clocks (so roster changes
arrive back-dated, out of clock order, and concurrent ones refold the record), retract and mark
duplicates, move students between schools, leave records without students, load new records
through the bulk path (with and without the bulk load's dropped indexes), rebuild, and ask for
every cut-off date around the versions' days. verify must find the tables equal to a rebuild,
and the migration's fill equal to what the projectors keep.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from p20_reference import grouped, old_counts, old_roster_versions, old_rows, row_key
from safetydesk.services.reports import _p20_counts
from safetydesk.store import Change, Store, projections_p20
from safetydesk.store import queries_p20 as qp20
from safetydesk.store.bulk import bulk_load
from support import count, examples, retract, toggle_duplicate

ADMIN = Change("user", "U1", "create", {"username": [None, "admin"], "role": [None, "district_admin"],
                                        "active": [None, True]})
SCHOOLS = ("SA", "SB", "SC")
STUDENTS = ("S1", "S2", "S3", "S4")
YEARS = ("2023-24", "2024-25")
DAY0 = date(2023, 8, 20)  # the first day a generated clock shows
MIGRATION = "m071_p20_involvement_and_demographics"


def check(store: Store, extra_days: tuple[str, ...] = ()) -> int:
    """The new counts equal the old fold's for both years at every interesting cut-off date."""
    days = {d for vs in old_roster_versions(store).values() for d, _ in vs}
    around = {(date.fromisoformat(d) + timedelta(days=k)).isoformat() for d in days for k in (-1, 0, 1)}
    cut_offs = sorted(around | {"2024-06-30", "2025-06-30", "2023-01-01", *extra_days})
    compared = 0
    for year in YEARS:
        for as_of in cut_offs:
            involved, enrolled = old_rows(store, year, as_of)
            new_inv = qp20.involved_groups(store, year, as_of)
            new_enr = qp20.enrolled_groups(store, as_of)
            assert grouped(new_inv) == Counter(row_key(r) for r in involved), (year, as_of)
            assert grouped(new_enr) == Counter(row_key(r) for r in enrolled), (year, as_of)
            schools = sorted({r[0] for r in new_inv} | {r[0] for r in new_enr})
            assert _p20_counts(schools, new_inv, new_enr) == old_counts(schools, involved, enrolled)
            compared += 1
    return compared


# ----------------------------------------------------------------- writing
def _ms(day: int) -> int:
    return int(datetime(DAY0.year, DAY0.month, DAY0.day, 15, tzinfo=UTC).timestamp() * 1000) + day * 86_400_000


def _student(store: Store, sid: str, values: dict[str, Any]) -> Change | None:
    current = store.state("student", sid)
    if current is None:
        return Change("student", sid, "create", {"local_id": [None, sid], "first_name": [None, "Pat"],
                                                   "last_name": [None, sid], **{k: [None, v] for k, v in values.items()}})
    changes = {k: [current.get(k), v] for k, v in values.items() if current.get(k) != v}
    return Change("student", sid, "amend", changes) if changes else None


def _interaction(store: Store, rid: str, values: dict[str, Any]) -> Change | None:
    current = store.state("interaction", rid)
    if current is None:
        return Change("interaction", rid, "create", {k: [None, v] for k, v in values.items()})
    changes = {k: [current.get(k), v] for k, v in values.items() if current.get(k) != v}
    return Change("interaction", rid, "amend", changes) if changes else None


def interaction_values(school: str, day: str, people: list[tuple[str, str]], le_type: bool,
                       activities: list[str], arrest: bool, arrested: list[str]) -> dict[str, Any]:
    return {"occurred_at": f"{day}T10:15", "school_id": school,
            "type": "law_enforcement" if le_type else "de_escalation",
            "students": [{"student_id": s, "role": r} for s, r in people],
            "le_activities": [{"student_id": s, "type": "questioning"} for s in activities],
            "arrest": arrest, "outcome_students": {"arrest": arrested} if arrest else {},
            "retracted": False}


demographic = st.fixed_dictionaries({
    "school_id": st.sampled_from(SCHOOLS),
    "races": st.lists(st.sampled_from(("white", "black_african_american", "asian", "american_indian_alaska_native", "zzz")),
                      max_size=2, unique=True),
    "hispanic_latino": st.booleans(),
    "gender_identity": st.sampled_from(("female", "male", "nonbinary", "not_provided", "")),
    "multilingual": st.booleans(), "homeless": st.booleans(), "low_income": st.booleans(),
    "iep": st.booleans(), "section_504": st.booleans(), "active": st.booleans(),
})
who = st.sampled_from((*STUDENTS, "S9"))  # S9 has no roster entry
people = st.lists(st.tuples(st.sampled_from(STUDENTS), st.sampled_from(("subject", "victim", "witness"))),
                  max_size=3, unique_by=lambda p: p[0])
when = st.sampled_from(("2023-10-01", "2024-03-05", "2024-10-01", "2025-03-01", "2025-06-30"))
interaction = st.tuples(st.sampled_from(SCHOOLS), when, people, st.booleans(), st.lists(who, max_size=2),
                        st.booleans(), st.lists(who, max_size=2))
op = st.one_of(
    st.tuples(st.just("student"), st.sampled_from("ab"), st.integers(0, 400), st.sampled_from(STUDENTS), demographic),
    st.tuples(st.just("interaction"), st.sampled_from("ab"), st.integers(0, 400), st.integers(0, 4), interaction),
    st.tuples(st.just("retract"), st.sampled_from("ab"), st.sampled_from(("student", "interaction")), st.integers(0, 4)),
    st.tuples(st.just("duplicate"), st.sampled_from("ab"), st.integers(0, 4), st.integers(0, 4)),
    st.tuples(st.just("bulk"), st.sampled_from("ab"), st.integers(0, 400), st.booleans(),
              st.lists(st.tuples(demographic, demographic, interaction), min_size=1, max_size=3)),
    st.tuples(st.just("sync"), st.sampled_from("ab")),
    st.tuples(st.just("rebuild"), st.sampled_from("ab")),
)


def _sync(src: Store, dst: Store) -> None:
    dst.import_entries(src.entries_since(src.device_id, 0, limit=100_000))


def _bulk(store: Store, n: int, under_bulk_load: bool, items) -> None:
    """New students (created and amended in the same batch) and their interactions, by append_new."""
    changes = []
    for k, (first, second, (school, day, _p, le_type, _a, arrest, _ar)) in enumerate(items):
        sid, rid = f"B{n}-{k}", f"IB{n}-{k}"
        changes.append(("admin", Change("student", sid, "create", {"first_name": [None, "Lee"],
                        "last_name": [None, sid], **{f: [None, v] for f, v in first.items()}})))
        changes.append(("admin", Change("student", sid, "amend", {f: [first[f], v] for f, v in second.items()
                                                                  if first[f] != v} or {"grade": [None, "9"]})))
        changes.append(("admin", Change("interaction", rid, "create", {k2: [None, v] for k2, v in interaction_values(
            school, day, [(sid, "subject")], le_type, [sid], arrest, [sid]).items()})))
    if under_bulk_load:
        with bulk_load(store):
            store.append_new(changes)
    else:
        store.append_new(changes)


def run_ops(stores: dict[str, Store], ops) -> int:
    compared = 0
    for n, (kind, name, *args) in enumerate(ops):
        store, other = stores[name], stores["b" if name == "a" else "a"]
        if kind == "student":
            day, sid, values = args
            store.set_wall_clock(lambda day=day: _ms(day))
            change = _student(store, sid, values)
            if change:
                store.append("admin", [change])
        elif kind == "interaction":
            day, i, values = args
            store.set_wall_clock(lambda day=day: _ms(day))
            change = _interaction(store, f"I{i}", interaction_values(*values))
            if change:
                store.append("admin", [change])
        elif kind == "retract":
            record_type, i = args
            rid = f"I{i}" if record_type == "interaction" else STUDENTS[i % len(STUDENTS)]
            retract(store, record_type, rid)
        elif kind == "duplicate":
            toggle_duplicate(store, f"I{args[0]}", f"I{args[1]}")
        elif kind == "bulk":
            day, under, items = args
            store.set_wall_clock(lambda day=day: _ms(day))
            _bulk(store, n, under, items)
        elif kind == "sync":
            _sync(other, store)
        else:
            store.rebuild_derived()
        compared += check(store)
    return compared


def _open_pair(folder) -> dict[str, Store]:
    stores = {"a": Store.open(folder / "a.sqlite"), "b": Store.open(folder / "b.sqlite")}
    stores["a"].append("admin", [ADMIN])
    _sync(stores["a"], stores["b"])
    return stores


@pytest.mark.policy("P20")
@settings(max_examples=examples(ci=200, dev=15), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=12))
def test_the_p20_counts_from_the_derived_tables_equal_the_old_python_fold(tmp_path_factory, ops):
    stores = _open_pair(tmp_path_factory.mktemp("p20"))
    try:
        compared = run_ops(stores, ops)
        _sync(stores["a"], stores["b"])
        _sync(stores["b"], stores["a"])
        for store in stores.values():
            compared += check(store)
            assert store.verify() == []
    finally:
        for store in stores.values():
            store.close()
    count("p20-tables property", tried=1, caught=0)
    count("p20-tables cut-offs compared", tried=compared, caught=0)


def _example(stores: dict[str, Store]) -> None:
    """A fixed run with each case of the property: back-dated, moved, retracted, duplicate, no students."""
    a = stores["a"]
    white = {"school_id": "SA", "races": ["white"], "hispanic_latino": False, "gender_identity": "female",
             "multilingual": False, "homeless": False, "low_income": True, "iep": False, "section_504": False,
             "active": True}
    run_ops(stores, [
        ("student", "a", 10, "S1", white),
        ("student", "a", 12, "S2", white | {"races": ["black_african_american", "asian"], "school_id": "SB"}),
        ("student", "a", 14, "S3", white | {"hispanic_latino": True}),
        ("interaction", "a", 40, 0, ("SA", "2023-10-01", [("S1", "subject"), ("S2", "victim")], True, ["S1"],
                                     True, ["S2"])),
        ("interaction", "a", 41, 1, ("SB", "2024-03-05", [], True, [], False, [])),  # no students
        ("interaction", "a", 42, 2, ("SB", "2024-03-05", [("S3", "subject")], False, ["S3", "S9"], False, [])),
        ("interaction", "a", 43, 3, ("SA", "2024-10-01", [("S1", "subject")], True, ["S1"], False, [])),
        ("student", "a", 300, "S1", white | {"school_id": "SB", "iep": True}),  # moved, a year later
        ("sync", "b"),
        ("student", "b", 100, "S2", white | {"homeless": True}),  # b's clock is behind: back-dated
        ("sync", "a"),
        ("duplicate", "a", 3, 0),
        ("retract", "a", "student", 2),
        ("bulk", "a", 320, True, [(white, white | {"school_id": "SC"}, ("SC", "2024-10-01", [], True, [], True, []))]),
        ("bulk", "b", 330, False, [(white, white, ("SA", "2024-10-01", [], True, [], False, []))]),
        ("rebuild", "b"),
    ])
    assert qp20.involved_groups(a, "2023-24", "2024-06-30")


@pytest.mark.policy("P20")
def test_each_case_once_and_verify_sees_the_tables_changed(tmp_path):
    stores = _open_pair(tmp_path)
    try:
        _example(stores)
        a = stores["a"]
        assert a.verify() == []
        for tamper in ("UPDATE student_demographics SET iep = 1 - iep WHERE rowid = (SELECT MIN(rowid) FROM "
                       "student_demographics)", "DELETE FROM p20_involvement WHERE rowid = (SELECT MIN(rowid) "
                       "FROM p20_involvement)"):
            with a.write() as conn:
                conn.execute(tamper)
            problems = a.verify()
            assert any("student_demographics" in p or "p20_involvement" in p for p in problems)
            a.rebuild_derived()
            assert a.verify() == []
            check(a)
    finally:
        for store in stores.values():
            store.close()
    count("p20-tables tampering seen by verify", tried=2, caught=2)


def _tables(store: Store) -> tuple[list, list]:
    return (store.conn.execute("SELECT * FROM p20_involvement ORDER BY interaction_id, student_id").fetchall(),
            store.conn.execute("SELECT * FROM student_demographics ORDER BY student_id, hlc").fetchall())


@pytest.mark.policy("P20")
def test_the_migration_fills_the_tables_as_the_projectors_keep_them(tmp_path):
    stores = _open_pair(tmp_path)
    try:
        _example(stores)
        projected = _tables(stores["a"])
        assert projected[0] and projected[1]
    finally:
        for store in stores.values():
            store.close()
    path = tmp_path / "a.sqlite"
    conn = sqlite3.connect(path)  # as a file made before m071
    conn.executescript("DROP TABLE p20_involvement; DROP TABLE student_demographics; DROP TABLE p20_audit_kept;")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (MIGRATION,))
    conn.commit()
    conn.close()
    store = Store.open(path, backup_dir=tmp_path / "backups")
    try:
        assert _tables(store) == projected
        check(store)
        assert store.verify() == []
    finally:
        store.close()
    count("p20-tables migration equals projectors", tried=1, caught=0)


MUTANTS = ("first-from-its-day", "same-day-both", "drop-pending", "retracted-enrolled", "duplicates-counted")


@pytest.mark.policy("P20")
def test_each_wrong_rule_of_the_projectors_is_caught_by_the_comparison(tmp_path):
    caught = 0
    for mutant in MUTANTS:
        projections_p20.MUTANT[0] = mutant
        stores = _open_pair(tmp_path / mutant)
        try:
            _example(stores)
            for store in stores.values():
                check(store)
        except AssertionError:
            caught += 1
        finally:
            projections_p20.MUTANT[0] = ""
            for store in stores.values():
                store.close()
    count("p20-mutants", tried=len(MUTANTS), caught=caught)
    assert caught == len(MUTANTS)
