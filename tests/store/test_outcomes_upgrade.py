"""A data file made before outcomes were per student: on opening, each incident with one subject
gives its outcomes to that student through the history; any other is left for review."""

from __future__ import annotations

import json
import sqlite3

import pytest

from safetydesk.domain.outcomes import UPGRADE_REASON, needs_outcome_review
from safetydesk.store import Change, Store
from safetydesk.store.schema_outcomes import RESULT
from support import count


def _interaction(rid, students, **outcomes):
    state = {"occurred_at": [None, "2024-10-03T10:15"], "school_id": [None, "SCH"], "type": [None, "de_escalation"],
             "students": [None, [{"student_id": s, "role": r} for s, r in students]], "retracted": [None, False]}
    state |= {k: [None, v] for k, v in outcomes.items()}
    return Change("interaction", rid, "create", state)


def _old_file(path):
    """As SafetyDesk left a file before m060: interactions without ``outcome_students``."""
    store = Store.open(path)
    store.append("office1", [
        Change("user", "U1", "create", {"username": [None, "office1"], "role": [None, "principal"]}),
        _interaction("I-one", [("S1", "subject"), ("S2", "victim"), ("S3", "witness")], arrest=True,
                     resulted_in_discipline=True),
        _interaction("I-two", [("S1", "subject"), ("S4", "subject")], resulted_in_discipline=True),
        _interaction("I-none", [("S2", "victim")], use_of_force=True),
        _interaction("I-plain", [("S1", "subject")]),
    ])
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm060_outcomes_per_student'")
    conn.execute("DELETE FROM meta WHERE key = ?", (RESULT,))
    conn.commit()
    conn.close()


@pytest.mark.policy("P21")
@pytest.mark.policy("P25")
def test_an_old_file_gets_per_student_outcomes_through_the_history(tmp_path):
    path = tmp_path / "old.sqlite"
    _old_file(path)
    store = Store.open(path, backup_dir=tmp_path / "backups")
    try:
        one = store.state("interaction", "I-one")
        assert one["outcome_students"] == {"arrest": ["S1"], "resulted_in_discipline": ["S1"]}
        assert "S2" not in json.dumps(one["outcome_students"]), "the victim inherits no arrest"
        entry = store.history("interaction", "I-one")[-1]
        assert entry.action == "amend" and entry.reason == UPGRADE_REASON and entry.user == "office1"
        for rid in ("I-two", "I-none"):  # two subjects; no subject: a person decides
            state = store.state("interaction", rid)
            assert "outcome_students" not in state and needs_outcome_review(state)
            assert len(store.history("interaction", rid)) == 1
        assert len(store.history("interaction", "I-plain")) == 1, "no outcome, nothing to upgrade"
        assert json.loads(store.get_meta(RESULT)) == {"changed": 1, "flagged": 2}
        assert store.verify() == []
        entries = store.history_count()
    finally:
        store.close()
    assert list(tmp_path.joinpath("backups").iterdir()), "a backup copy before the upgrade"
    again = Store.open(path)
    try:
        assert again.history_count() == entries, "the upgrade runs once"
    finally:
        again.close()
    count("outcomes-upgrade", tried=3, caught=3)
