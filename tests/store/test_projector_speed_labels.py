"""The names on the interaction list rows, read once per batch (issue 14), are the names a read
one at a time gives: the same batches through `store.bulk` (the demo's path: names kept on the
batch) and through `Store.append_new` on the plain connection (every name read when needed) give
the same labels and counts, also when a student or officer is renamed inside the batch after
their name was read, when a later batch writes a student interactions already named, and after
the batch has read every name at once (more than `NAMES_AT_ONCE` students)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetydesk.domain.records import diff_states
from safetydesk.store import Change, Store, projections
from safetydesk.store.bulk import bulk_load
from support import alder_store as _store
from support import count, examples
from support import created as _create

LABELS = "SELECT id, students_label, staff_label, school_year FROM interactions ORDER BY id"
COUNTS = "SELECT * FROM interaction_counts ORDER BY school_id, school_year"






def _interaction(i: int, who: list[str], officer: str) -> Change:
    return _create("interaction", f"INT-{i:03d}", {
        "occurred_at": f"2025-10-{1 + i % 28:02d}T10:15", "school_id": "SCH", "type": "other",
        "students": [{"student_id": s, "role": "subject"} for s in who],
        "staff": [{"staff_id": officer, "role": "lead"}], "narrative": "Fictional.",
        "discipline_related": i % 3 == 0, "arrest": i % 5 == 0, "retracted": i % 7 == 6})


def _plan(data) -> tuple[list[Change], list[Change], list[Change]]:
    """The first batch: staff, students, interactions naming them; then renames (amendments, by
    `Store.append`); the second batch: students that interactions of the first already named, and
    more interactions. (`append_new` takes only new records, and within one
    `append_new` batch a record refers only to records written before it: its interactions have
    no record_state row until the batch ends, so a rename there cannot reach them.)"""
    students = [f"STU-{i:03d}" for i in range(data.draw(st.integers(1, 90), label="students"))]
    staff = [f"STF-{i:02d}" for i in range(data.draw(st.integers(1, 4), label="staff"))]
    late = data.draw(st.lists(st.sampled_from(students), unique=True, max_size=3), label="late students")
    names: dict[str, dict] = {}
    first: list[Change] = []
    for sid in staff:
        names[sid] = {"name": f"Officer {sid}", "category": "sro", "employer_type": "district"}
        first.append(_create("staff", sid, names[sid]))
    for sid in students:
        if sid not in late:
            names[sid] = {"first_name": f"Ana{sid[-3:]}", "last_name": "Test", "school_id": ""}
            first.append(_create("student", sid, names[sid]))
    links = st.tuples(st.lists(st.sampled_from(students), min_size=1, max_size=5, unique=True),
                      st.sampled_from(staff))
    for i, (who, officer) in enumerate(data.draw(st.lists(links, min_size=1, max_size=80), label="first")):
        first.append(_interaction(i, who, officer))
    second: list[Change] = []
    renames: list[Change] = []
    for sid in late:
        second.append(_create("student", sid, {"first_name": f"Late{sid[-3:]}", "last_name": "Test"}))
    for rid in data.draw(st.lists(st.sampled_from([s for s in students if s not in late] + staff),
                                  unique=True, max_size=6), label="renamed"):
        field = "name" if rid in staff else "first_name"
        old = names[rid]
        renames.append(Change("staff" if rid in staff else "student", rid, "amend",
                             diff_states(old, {**old, field: old[field] + "x"}), "Spelling"))
    for i, (who, officer) in enumerate(data.draw(st.lists(links, max_size=80), label="second")):
        second.append(_interaction(100 + i, who, officer))
    return first, renames, second


def _bulk(store: Store, *batches: list[Change]) -> None:
    """`append_new` takes records that do not exist yet; an amendment inside the batch folds on."""
    with bulk_load(store):
        for changes in batches:
            store.append_new(("admin", c) for c in changes)


@settings(max_examples=examples(ci=40, dev=6), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_batched_names_are_the_names_read_one_at_a_time(tmp_path_factory, data) -> None:
    changes, renames, late = _plan(data)  # late: the second batch
    base = tmp_path_factory.mktemp("labels")
    one, batch = _store(base / "one"), _store(base / "batch")
    try:
        for store in (one, batch):
            with bulk_load(store) if store is batch else contextlib.nullcontext():
                store.append_new(("admin", c) for c in changes)  # one: every name read when needed
            store.append("admin", renames)
            with bulk_load(store) if store is batch else contextlib.nullcontext():
                store.append_new(("admin", c) for c in late)
        assert batch.conn.execute(LABELS).fetchall() == one.conn.execute(LABELS).fetchall()
        assert batch.conn.execute(COUNTS).fetchall() == one.conn.execute(COUNTS).fetchall()
        assert batch.verify() == []
        reads = sum(len(c.changes["students"][1][:3]) for c in changes if c.record_type == "interaction")
        count("projector-speed labels: batched vs read one at a time", tried=1,
              whole_table_read=int(reads > projections.NAMES_AT_ONCE))
    finally:
        one.close()
        batch.close()


def test_a_rename_after_a_whole_table_read_reaches_the_next_label(tmp_path: Path) -> None:
    students = [f"STU-{i:03d}" for i in range(projections.NAMES_AT_ONCE + 10)]
    changes = [_create("student", s, {"first_name": "Ana", "last_name": s}) for s in students]
    changes += [_create("interaction", f"INT-{i:03d}", {
        "occurred_at": "2025-10-03T10:15", "school_id": "SCH", "type": "other",
        "students": [{"student_id": s, "role": "subject"}], "staff": []}) for i, s in enumerate(students[1:])]
    # every name has been read at once by now, the first student's too; then they are renamed
    changes.append(Change("student", students[0], "amend", {"first_name": ["Ana", "Bea"]}, "Spelling"))
    changes.append(_create("interaction", "INT-LAST", {
        "occurred_at": "2025-10-04T10:15", "school_id": "SCH", "type": "other",
        "students": [{"student_id": students[0], "role": "subject"}, {"student_id": "STU-NONE", "role": "witness"}],
        "staff": [{"staff_id": "STF-NONE", "role": "lead"}]}))
    store = _store(tmp_path)
    try:
        _bulk(store, changes)
        labels = dict(store.conn.execute("SELECT id, students_label FROM interactions"))
        assert labels["INT-LAST"] == f"Bea {students[0]}, (unknown student)"
        assert labels["INT-000"] == f"Ana {students[1]}"
        assert store.conn.execute("SELECT COUNT(*) FROM interactions").fetchone()[0] == len(students)
        assert store.verify() == []
    finally:
        store.close()
