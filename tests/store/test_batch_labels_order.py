"""Within one `Store.append_new` batch, a student or staff member written or renamed after an
interaction naming them still sets that interaction's list labels (issue 14 hardening): the
labels are right at the end of the batch whatever the order, so `verify` (which rebuilds every
derived table from the history, students first) finds no difference on an honest file. Both the
plain path and the grouped one (`store.bulk`) are checked, on real files."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from safetydesk.domain.records import diff_states
from safetydesk.store import Change
from safetydesk.store.bulk import bulk_load
from support import alder_store as _store
from support import created as _create

LABELS = "SELECT students_label, staff_label FROM interactions WHERE id = ?"






def _interaction(rid: str, student: str, officer: str) -> Change:
    return _create("interaction", rid, {
        "occurred_at": "2025-10-03T10:15", "school_id": "SCH", "type": "other", "narrative": "Fictional.",
        "students": [{"student_id": student, "role": "subject"}],
        "staff": [{"staff_id": officer, "role": "lead"}]})


@pytest.mark.parametrize("grouped", [False, True], ids=["plain", "bulk"])
def test_a_student_and_officer_written_after_their_interaction_in_one_batch(tmp_path: Path, grouped: bool) -> None:
    store = _store(tmp_path)
    try:
        batch = [
            _interaction("INT-1", "STU-1", "STF-1"),  # names people this batch writes only later
            _create("student", "STU-1", {"first_name": "Avery", "last_name": "Quinn", "school_id": ""}),
            _create("staff", "STF-1", {"name": "Officer Vale", "category": "sro", "employer_type": "district"}),
        ]
        with bulk_load(store) if grouped else contextlib.nullcontext():
            store.append_new(("admin", c) for c in batch)
        assert store.conn.execute(LABELS, ("INT-1",)).fetchone() == ("Avery Quinn", "Officer Vale")
        assert store.verify() == []
    finally:
        store.close()


@pytest.mark.parametrize("grouped", [False, True], ids=["plain", "bulk"])
def test_a_rename_later_in_the_batch_reaches_the_earlier_interactions(tmp_path: Path, grouped: bool) -> None:
    store = _store(tmp_path)
    student = {"first_name": "Avery", "last_name": "Quinn", "school_id": ""}
    officer = {"name": "Officer Vale", "category": "sro", "employer_type": "district"}
    try:
        batch = [
            _create("student", "STU-1", student),
            _create("staff", "STF-1", officer),
            _interaction("INT-1", "STU-1", "STF-1"),
            _interaction("INT-2", "STU-1", "STF-1"),
            # the same records again in the batch: it folds on (append_new's "changed again")
            Change("student", "STU-1", "amend", diff_states(student, {**student, "first_name": "Ava"}), "Spelling"),
            Change("staff", "STF-1", "amend", diff_states(officer, {**officer, "name": "Officer Vael"}), "Spelling"),
            _interaction("INT-3", "STU-1", "STF-1"),
        ]
        with bulk_load(store) if grouped else contextlib.nullcontext():
            store.append_new(("admin", c) for c in batch)
        for rid in ("INT-1", "INT-2", "INT-3"):
            assert store.conn.execute(LABELS, (rid,)).fetchone() == ("Ava Quinn", "Officer Vael"), rid
        assert store.verify() == []
    finally:
        store.close()
