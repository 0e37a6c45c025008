"""P25, issue 14: verify's refold in several processes (store/verify_parts.py) finds what one finds.

On real encrypted files: a hypothesis property edits the derived tables by hand (a column
changed, a row removed, a row added, a key set to NULL) and asserts that verify in one process,
in two processes, and with the comparison cut into ranges of two rows all give the same
sentences; a clean file is clean every way; a verify stopped by its caller leaves no scratch
file and no process behind; progress reaches the end on the calling thread. That verify writes
nothing to the data file with two processes is in test_verify_leaves_file_alone.py.
"""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetydesk.services import interactions
from safetydesk.store import connection as dbc
from safetydesk.store import verify_parts
from support import count, examples, raw_connection

TABLES = ("interactions", "students", "record_state", "interaction_students", "interaction_counts",
          "p20_involvement", "staff", "record_heads", "student_demographics")


def _filled(world, n: int = 8):
    for i in range(n):
        interactions.log_interaction(world.session, world.draft(narrative=f"Fictional event number {i}."))
    return world.session.store


def _edit(store, table: str, how: str, pick: int) -> bool:
    """One hand edit of a derived table; False when the table has no row to edit."""
    conn = raw_connection(store)
    try:
        rows = conn.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
        if not rows:
            return False
        row = rows[pick % len(rows)]
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        key = verify_parts._key(conn, "main", table) or cols[:1]
        text_cols = [c for c, v in zip(cols, row[1:], strict=True) if isinstance(v, str) and c not in key]
        if how == "changed" and text_cols:
            conn.execute(f"UPDATE {table} SET {text_cols[pick % len(text_cols)]} = 'edited by hand' "
                         "WHERE rowid = ?", (row[0],))
        elif how == "removed" or (how == "changed" and not text_cols):
            conn.execute(f"DELETE FROM {table} WHERE rowid = ?", (row[0],))
        elif how == "added":
            values = dict(zip(cols, row[1:], strict=True))
            values[key[0]] = f"{values[key[0]]}-copy"
            values.pop("n", None)
            conn.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                         tuple(values.values()))
        else:  # a key column set to NULL (the unique index lets a NULL through)
            conn.execute(f"UPDATE {table} SET {key[-1]} = NULL WHERE rowid = ?", (row[0],))
        conn.commit()
        return True
    except dbc.IntegrityError:  # a NOT NULL column: that edit cannot be made
        conn.rollback()
        return False
    finally:
        conn.close()


EDITS = st.lists(st.tuples(st.sampled_from(TABLES), st.sampled_from(("changed", "removed", "added", "null")),
                           st.integers(0, 50)), min_size=1, max_size=3)


@pytest.mark.policy("P25")
@settings(max_examples=examples(ci=25, dev=4), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=EDITS)
def test_one_process_two_processes_and_ranges_find_the_same(world, monkeypatch, edits):
    store = _filled(world) if store_is_empty(world) else world.session.store
    assert store.verify(workers=1) == [] == store.verify(workers=2)
    applied = [e for e in edits if _edit(store, *e)]
    one = store.verify(workers=1)
    two = store.verify(workers=2)
    with monkeypatch.context() as m:
        m.setattr(verify_parts, "CHUNK", 2)
        ranged_one, ranged_two = store.verify(workers=1), store.verify(workers=2)
    same = one == two == ranged_one == ranged_two
    count("verify-parts-same-findings", tried=1, differed=0 if same else 1,
          found=1 if one or not applied else 0)
    assert same, (edits, one, two, ranged_one, ranged_two)
    assert one or not applied, edits  # every hand edit here changes a compared row
    store.rebuild_derived()  # the next example starts from a clean file
    assert store.verify(workers=1) == []


def store_is_empty(world) -> bool:
    return world.session.store.conn.execute("SELECT COUNT(*) FROM interactions").fetchone()[0] == 0


def test_both_processes_fold_some_records(world):
    """The split is real: each part of a small file holds interactions (by the hash of their id)."""
    store = _filled(world)
    ids = [r[0] for r in store.conn.execute("SELECT id FROM interactions")]
    parts = {i: [rid for rid in ids if verify_parts.in_part("interaction", rid, i, 2)] for i in (0, 1)}
    assert parts[0] and parts[1] and sorted(parts[0] + parts[1]) == sorted(ids)


@pytest.mark.policy("P25")
@pytest.mark.parametrize("workers", [1, 2])
def test_a_stopped_verify_leaves_no_scratch_and_no_process(world, workers):
    store = _filled(world, 3)

    class Stopped(Exception):
        pass

    calls = []

    def stop(done, total):
        calls.append(done)
        if len(calls) >= 2:
            raise Stopped

    with pytest.raises(Stopped):
        store.verify(stop, workers=workers)
    assert verify_parts.leftovers(store.path) == []
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("verify-part")]
    assert store.verify(workers=workers) == []  # and the store is usable as before


def test_progress_with_two_processes_is_on_the_calling_thread_and_ends_full(world):
    store = _filled(world, 3)
    calls: list[tuple[int, int, bool]] = []
    problems = store.verify(lambda done, total: calls.append(
        (done, total, threading.current_thread() is threading.main_thread())), workers=2)
    assert problems == []
    assert calls and all(on_main for _d, _t, on_main in calls)
    assert all(d <= t for d, t, _ in calls)
    done, total, _ = calls[-1]
    assert done == total > 0


def test_the_default_is_one_process_for_a_short_history_and_two_for_a_long_one():
    assert verify_parts.default_workers(100) == 1
    assert verify_parts.default_workers(verify_parts.PARALLEL_FROM) == min(2, multiprocessing.cpu_count())


@pytest.mark.policy("P25")
def test_a_process_that_dies_is_replaced_by_the_refold_in_this_process(world):
    """A part's process killed midway (as by the system, short of memory): verify still answers,
    the same answer, by refolding in the calling process; nothing is left behind."""
    store = _filled(world, 3)
    _edit(store, "students", "changed", 1)
    expected = store.verify(workers=1)
    killed = []

    def kill_one(_done, _total):
        for p in multiprocessing.active_children():
            if p.name == "verify-part-1" and not killed:
                p.kill()
                killed.append(p.name)

    assert store.verify(kill_one, workers=2) == expected
    assert expected and killed
    assert verify_parts.leftovers(store.path) == []
