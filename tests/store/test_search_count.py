"""The count of a search's hits (m072): the full-text match joined to the live search index, never
to the records' rows, equals a plain count over the records' states for every scope, school and
school year, after creates, amendments, retractions, duplicate marking, entries imported from
another workstation, a rebuild and on a file the migration upgraded.

The reference reads each record's state (its narrative, location, school, students, retraction
and duplicate mark) and matches the typed words as the search does: every word as a prefix, all
in the narrative and location, or all in one of its students' name or id.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.validation import school_year_of
from safetydesk.store import Change, Store, queries
from safetydesk.store.schema_search import SEARCH_INDEX
from support import count, examples, retract, toggle_duplicate

ADMIN = Change("user", "U1", "create", {"username": [None, "admin"], "role": [None, "district_admin"],
                                        "active": [None, True]})
SCHOOLS = ("SA", "SB", "SC")
# No word is a prefix of another, so a prefix match is a match of the whole word (but "cedar"
# also matches the student "Cedarholm", as the search does).
WORDS = ("amber", "birch", "cedar", "delta", "ember")
STUDENTS = {"S1": ("Amber", "Quinn", "X0001"), "S2": ("Rowan", "Cedarholm", "X0002"),
            "S3": ("Kai", "Delta", "Y0003")}
MIGRATION = "m072_live_search_index"
SCOPES = (None, frozenset(), frozenset({"SA"}), frozenset({"SB"}), frozenset({"SA", "SC"}), frozenset(SCHOOLS))


def _tokens(*texts: str) -> list[str]:
    return [t.casefold() for text in texts for t in re.findall(r"\w+", text or "")]


def _matches(words: list[str], tokens: list[str]) -> bool:
    return all(any(t.startswith(w) for t in tokens) for w in words)


def _reference(store: Store, f: InteractionFilter) -> int:
    """A plain count over every record's state."""
    words = [w.casefold() for w in re.findall(r"\w+", f.text)]
    students = {sid: _tokens(*(s.get(k, "") for k in ("first_name", "last_name", "local_id")))
                for sid, s in store.states("student")}
    n = 0
    for _rid, s in store.states("interaction"):
        if s.get("retracted") or s.get("duplicate_of"):
            continue
        school = s.get("school_id", "")
        if f.scope is not None and school not in f.scope:
            continue
        if f.school_id and school != f.school_id:
            continue
        if f.school_year and school_year_of(date.fromisoformat(s["occurred_at"][:10])) != f.school_year:
            continue
        if _matches(words, _tokens(s.get("narrative", ""), s.get("location", ""))) or any(
                _matches(words, students.get(p["student_id"], [])) for p in s.get("students") or []):
            n += 1
    return n


def _walked(store: Store, f: InteractionFilter) -> int:
    """The count as it was taken before m072: the filter over the records' rows."""
    where, params = queries._interaction_where(f)
    return store.conn.execute(f"SELECT COUNT(*) FROM interactions i{where}", params).fetchone()[0]


QUERIES = ("amber", "cedar", "delta ember", "birch", "quinn", "x000", "y0003", "ced", "amber birch",
           "rowan", "nothing")


def _check(store: Store) -> int:
    checked = 0
    for text in QUERIES:
        for scope in SCOPES:
            for f in (InteractionFilter(text=text, scope=scope), InteractionFilter(text=text, scope=scope, school_id="SB"),
                      InteractionFilter(text=text, scope=scope, school_year="2024-25")):
                got = queries.count_search_hits(store, f)
                assert got is not None
                assert got == _reference(store, f) == _walked(store, f), (text, scope, f)
                assert queries.count_interactions(store, f) == got
                checked += 1
    return checked


def _create(rid: str, school: str, day: str, narrative: str, location: str, students: list[str]) -> Change:
    return Change("interaction", rid, "create", {
        "occurred_at": [None, f"{day}T10:15"], "school_id": [None, school], "type": [None, "de_escalation"],
        "discipline_related": [None, False], "narrative": [None, narrative], "location": [None, location],
        "students": [None, [{"student_id": s, "role": "subject"} for s in students]], "retracted": [None, False]})


def _people() -> list[Change]:
    return [Change("student", sid, "create", {"first_name": [None, first], "last_name": [None, last],
                                             "local_id": [None, local], "school_id": [None, "SA"]})
            for sid, (first, last, local) in STUDENTS.items()]


def _sync(src: Store, dst: Store) -> None:
    dst.import_entries(src.entries_since(src.device_id, 0))


text = st.lists(st.sampled_from((*WORDS, "hall", "seat")), max_size=4).map(" ".join)
write = st.tuples(st.just("write"), st.sampled_from("ab"), st.integers(0, 7), st.sampled_from(SCHOOLS),
                  st.sampled_from(("2023-10-01", "2024-09-15", "2025-03-01")), text,
                  st.sampled_from(("Cafeteria", "Birch hall", "Gym", "")),
                  st.lists(st.sampled_from(tuple(STUDENTS)), max_size=2, unique=True))
op = st.one_of(
    write,
    st.tuples(st.just("retract"), st.sampled_from("ab"), st.integers(0, 7)),
    st.tuples(st.just("duplicate"), st.sampled_from("ab"), st.integers(0, 7), st.integers(0, 7)),
    st.tuples(st.just("rename"), st.sampled_from("ab"), st.sampled_from(tuple(STUDENTS)), st.sampled_from(WORDS)),
    st.tuples(st.just("sync"), st.sampled_from("ab")),
    st.tuples(st.just("rebuild"), st.sampled_from("ab")),
)


@pytest.mark.policy("P23")
@settings(max_examples=examples(ci=150, dev=12), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(op, min_size=1, max_size=12))
def test_the_count_of_a_search_equals_a_plain_count_after_any_writes(tmp_path_factory, ops):
    folder = tmp_path_factory.mktemp("run")
    stores = {"a": Store.open(folder / "a.sqlite"), "b": Store.open(folder / "b.sqlite")}
    checked = 0
    try:
        stores["a"].append("admin", [ADMIN, *_people()])
        _sync(stores["a"], stores["b"])
        for kind, name, *args in ops:
            store, other = stores[name], stores["b" if name == "a" else "a"]
            if kind == "write":
                n, school, day, narrative, location, students = args
                rid = f"I{n}"
                current = store.state("interaction", rid)
                if current is None:
                    store.append("admin", [_create(rid, school, day, narrative, location, students)])
                else:  # an amendment: any of its school, date, words and students
                    new = {"school_id": school, "occurred_at": f"{day}T09:00", "narrative": narrative,
                           "location": location, "students": [{"student_id": s, "role": "subject"} for s in students]}
                    changes = {k: [current.get(k), v] for k, v in new.items() if current.get(k) != v}
                    if changes:
                        store.append("admin", [Change("interaction", rid, "amend", changes)])
            elif kind == "retract":
                retract(store, "interaction", f"I{args[0]}")
            elif kind == "duplicate":
                toggle_duplicate(store, f"I{args[0]}", f"I{args[1]}")
            elif kind == "rename":  # a student's name changes: the student branch follows it
                sid, word = args
                current = store.state("student", sid)
                store.append("admin", [Change("student", sid, "amend",
                                              {"last_name": [current.get("last_name"), word.title()]})])
            elif kind == "sync":
                _sync(other, store)
            else:
                store.rebuild_derived()
            checked += _check(store)
        _sync(stores["a"], stores["b"])
        _sync(stores["b"], stores["a"])
        for store in stores.values():
            checked += _check(store)
            assert store.verify() == []
    finally:
        for store in stores.values():
            store.close()
    count("search-count property", examples=1, checked=checked, differed=0)


def _small(path) -> Store:
    store = Store.open(path)
    store.append("admin", [ADMIN, *_people()])
    store.append("admin", [
        _create(f"I{n:02d}", SCHOOLS[n % 3], ("2023-10-01", "2024-10-01", "2025-03-01")[n % 3],
                " ".join(WORDS[(n + k) % 5] for k in range(n % 3)), ("Gym", "Birch hall")[n % 2],
                list(STUDENTS)[: n % 4])
        for n in range(40)])
    store.append("admin", [Change("interaction", "I07", "retract", {"retracted": [False, True],
                                                                     "retract_reason": ["", "error"]}),
                           Change("interaction", "I09", "amend", {"duplicate_of": [None, "I03"]})])
    return store


def test_the_count_reads_the_index_and_never_a_records_row(tmp_path):
    """Both parts of the count look each record up in the live search index (a covering index:
    no table row read), whatever the scope."""
    store = _small(tmp_path / "s.sqlite")
    try:
        seen = 0
        for scope in SCOPES:
            f = InteractionFilter(text="cedar", scope=scope)
            for sql, params in queries.search_count_sql(f) or []:
                plan = store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
                text = " | ".join(str(r[-1]) for r in plan)
                assert f"SEARCH i USING COVERING INDEX {SEARCH_INDEX} (n=?" in text, text
                # the only other reads: the full-text index, the students and their records' ids
                for step in text.split(" | "):
                    if re.match(r"(SCAN|SEARCH) i( |$)", step):
                        assert f"COVERING INDEX {SEARCH_INDEX}" in step, text
                    if re.match(r"(SCAN|SEARCH) r( |$)", step):
                        assert "COVERING INDEX" in step, text  # the record's id to its rowid
                seen += 1
            assert queries.count_search_hits(store, f) == _reference(store, f)
        # any other field of the filter is counted over the rows, as before
        assert queries.count_search_hits(store, InteractionFilter(text="cedar", type="de_escalation")) is None
        assert queries.count_search_hits(store, InteractionFilter(text="cedar", include_retracted=True)) is None
        assert queries.count_search_hits(store, InteractionFilter(text="  ")) is None
        f = InteractionFilter(text="cedar", type="de_escalation")
        assert queries.count_interactions(store, f) == _walked(store, f)
    finally:
        store.close()
    count("search-count plan", plans=seen)


def test_the_migration_builds_the_index_on_an_older_file(tmp_path):
    path = tmp_path / "old.sqlite"
    store = _small(path)
    before = {(t, s): _reference(store, InteractionFilter(text=t, scope=s)) for t in QUERIES for s in SCOPES}
    store.close()
    conn = sqlite3.connect(path)  # as a file made before m072
    conn.execute(f"DROP INDEX {SEARCH_INDEX}")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (MIGRATION,))
    conn.commit()
    conn.close()
    store = Store.open(path, backup_dir=tmp_path / "backups")
    try:
        assert store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (SEARCH_INDEX,)).fetchone()
        got = {(t, s): queries.count_search_hits(store, InteractionFilter(text=t, scope=s)) for t in QUERIES for s in SCOPES}
        assert got == before
        assert _check(store)
        assert store.verify() == []
    finally:
        store.close()
    count("search-count migration", tried=1, differed=0)
