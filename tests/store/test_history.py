"""P25: the record of what happened is never rewritten, and tampering is detected."""

import pytest

from safetydesk.services import interactions
from safetydesk.store import Store
from safetydesk.store.connection import IntegrityError
from support import raw_connection


@pytest.fixture
def logged(world):
    iid = interactions.log_interaction(world.session, world.draft())
    draft = interactions.get_interaction(world.session, iid)["draft"]
    draft.location = "Main hallway"
    interactions.amend_interaction(world.session, iid, draft, "Wrong place recorded")
    return world, iid


@pytest.mark.policy("P25")
def test_history_entries_chain_and_keep_before_and_after(logged):
    world, iid = logged
    store: Store = world.session.store
    history = store.history("interaction", iid)
    assert [e.action for e in history] == ["create", "amend"]
    assert history[1].changes == {"location": ["Cafeteria", "Main hallway"]}
    assert history[1].reason == "Wrong place recorded"
    assert history[1].user == "admin" and history[1].device == store.device_id
    assert store.verify() == []


@pytest.mark.policy("P25")
def test_the_history_refuses_ordinary_updates_and_deletes(logged):
    world, _ = logged
    conn = raw_connection(world.session.store)
    with pytest.raises(IntegrityError, match="append-only"):
        conn.execute("UPDATE history SET reason = 'nothing to see'")
    with pytest.raises(IntegrityError, match="append-only"):
        conn.execute("DELETE FROM history")


@pytest.mark.policy("P25")
def test_verify_detects_an_edited_entry(logged):
    world, iid = logged
    store = world.session.store
    conn = raw_connection(store)
    conn.execute("DROP TRIGGER history_no_update")
    conn.execute(
        "UPDATE history SET changes = replace(changes, 'Main hallway', 'Gym') WHERE record_id = ?", (iid,)
    )
    conn.commit()
    problems = store.verify()
    assert any("altered" in p for p in problems)


@pytest.mark.policy("P25")
def test_verify_detects_a_removed_entry_in_the_middle(logged):
    world, _iid = logged
    store = world.session.store
    conn = raw_connection(store)
    conn.execute("DROP TRIGGER history_no_delete")
    conn.execute("DELETE FROM history WHERE seq = 3")
    conn.commit()
    problems = store.verify()
    assert any("missing" in p or "removed" in p for p in problems)


@pytest.mark.policy("P25")
def test_verify_detects_removal_of_the_latest_entry(logged):
    world, _iid = logged
    store = world.session.store
    conn = raw_connection(store)
    conn.execute("DROP TRIGGER history_no_delete")
    conn.execute("DELETE FROM history WHERE seq = (SELECT MAX(seq) FROM history)")
    conn.commit()
    problems = store.verify()
    assert any("removed" in p for p in problems)


@pytest.mark.policy("P25")
def test_verify_detects_derived_tables_edited_behind_the_history(logged):
    world, iid = logged
    store = world.session.store
    conn = raw_connection(store)
    conn.execute("UPDATE interactions SET use_of_force = 1 WHERE id = ?", (iid,))
    conn.commit()
    problems = store.verify()
    assert any("interactions does not match the history" in p for p in problems)
    store.rebuild_derived()
    assert store.verify() == []
    assert interactions.get_interaction(world.session, iid)["state"]["use_of_force"] is False


def test_rebuild_reproduces_every_derived_table(world):
    for n in range(5):
        interactions.log_interaction(world.session, world.draft(location=f"Room {n}"))
    store = world.session.store
    before = {t: sorted(store.conn.execute(f"SELECT * FROM {t}").fetchall()) for t in ("interactions", "students")}
    store.rebuild_derived()
    after = {t: sorted(store.conn.execute(f"SELECT * FROM {t}").fetchall()) for t in ("interactions", "students")}
    assert before == after
    assert store.verify() == []


def test_renaming_a_student_updates_the_names_shown_on_their_interactions(world):
    iid = interactions.log_interaction(world.session, world.draft())
    store = world.session.store
    sid = world.students[0]
    state = store.state("student", sid)
    from safetydesk.store import Change
    store.append("admin", [Change("student", sid, "amend", {"last_name": [state["last_name"], "Quinn-Reyes"]}, "Name change")])
    rows = interactions.list_interactions(world.session, __import__("safetydesk.domain.filters", fromlist=["x"]).InteractionFilter())
    assert rows[0]["id"] == iid and rows[0]["students_label"] == "Avery Quinn-Reyes"
    assert store.verify() == []


def test_verify_leaves_no_transaction_open_so_a_backup_can_follow(world, tmp_path):
    from safetydesk.services import files

    store = world.session.store
    assert store.verify() == []
    assert not store.conn.in_transaction
    assert files.backup(world.session, tmp_path / "after-verify.sdbackup").exists()
