"""P25, issue 14: each of `verify`'s checks, attacked alone, on a real encrypted data file.

Someone with the data file and its key (not a workstation's signing key) edits it with a plain
SQLite connection, in a way that only one check can catch: a derived row, a history row's
column, a signature, a dropped entry, swapped clock stamps, the signed list of heads, a stored
file, a search index, a page of the file. Each case asserts the sentence `verify` gives names
what was done, and that checks which cannot see the change stay quiet (so a check that stops
working fails its own case, not only "something was found"). Prints the verify-attacks counter.
"""

from __future__ import annotations

import threading

import pytest

from safetydesk.services import interactions
from support import count, raw_connection

HISTORY = "SELECT seq, dseq, hlc, record_type, record_id FROM history WHERE device = ? ORDER BY dseq"


def _edit(store, *statements: tuple[str, tuple]) -> None:
    conn = raw_connection(store)
    try:
        conn.execute("DROP TRIGGER IF EXISTS history_no_update")
        conn.execute("DROP TRIGGER IF EXISTS history_no_delete")
        for sql, params in statements:
            conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def _entries(store) -> list[tuple]:
    return store.conn.execute(HISTORY, (store.device_id,)).fetchall()


def _interaction_entries(store) -> list[tuple]:
    return [r for r in _entries(store) if r[3] == "interaction"]


def derived_row_edited(world):
    store = world.session.store
    _edit(store, ("UPDATE students SET grade = '12' WHERE id = ?", (world.students[1],)))
    return ["The table students does not match the history"], ("History entry", "search index")


def derived_row_added(world):
    store = world.session.store
    iid = store.conn.execute("SELECT id FROM interactions LIMIT 1").fetchone()[0]
    _edit(store, ("INSERT INTO interaction_students (interaction_id, student_id, role) VALUES (?,?,?)",
                  (iid, world.students[2], "witness")))
    return ["The table interaction_students does not match the history"], ("History entry",)


def derived_hlc_reordered(world):
    """The clock stamps of two records' states swapped: the order the list shows changes."""
    store = world.session.store
    (a, ha), (b, hb) = store.conn.execute(
        "SELECT record_id, updated_hlc FROM record_state WHERE record_type = 'interaction' ORDER BY record_id"
    ).fetchall()[:2]
    _edit(store, ("UPDATE record_state SET updated_hlc = ? WHERE record_type = 'interaction' AND record_id = ?", (hb, a)),
          ("UPDATE record_state SET updated_hlc = ? WHERE record_type = 'interaction' AND record_id = ?", (ha, b)))
    return ["The table record_state does not match the history"], ("History entry",)


def history_column_edited(world):
    """A column the fold does not read (the wall time): only the entry's hash can tell."""
    store = world.session.store
    seq = _interaction_entries(store)[0][0]
    _edit(store, ("UPDATE history SET wall_time = '2020-01-01T00:00:00+00:00' WHERE seq = ?", (seq,)))
    return ["was altered after it was written"], ("does not match the history", "not signed")


def signature_replaced(world):
    """An entry carries another entry's (valid) signature: only the signature check can tell."""
    store = world.session.store
    first, second = _interaction_entries(store)[:2]
    sig = store.conn.execute("SELECT sig FROM history WHERE seq = ?", (second[0],)).fetchone()[0]
    _edit(store, ("UPDATE history SET sig = ? WHERE seq = ?", (sig, first[0])))
    return ["is not signed by its workstation"], ("altered after", "does not follow", "does not match the history")


def entry_dropped(world):
    store = world.session.store
    seq, dseq = _interaction_entries(store)[0][:2]
    _edit(store, ("DELETE FROM history WHERE seq = ?", (seq,)))
    return [f"Entries {dseq}–{dseq} of workstation {store.device_id} are missing",
            f"History entry {dseq + 1} of workstation {store.device_id}"], ()


def last_entry_dropped(world):
    """The newest entry removed with its link row: only the signed heads remember it."""
    store = world.session.store
    seq, dseq = _entries(store)[-1][:2]
    _edit(store, ("DELETE FROM history WHERE seq = ?", (seq,)))
    return [f"were removed from the file (it held up to {dseq})"], ("History entry",)


def history_hlc_swapped(world):
    """Two entries' clock stamps swapped (their order of application reversed)."""
    store = world.session.store
    a, b = _interaction_entries(store)[:2]
    _edit(store, ("UPDATE history SET hlc = ? WHERE seq = ?", (b[2], a[0])),
          ("UPDATE history SET hlc = ? WHERE seq = ?", (a[2], b[0])))
    return [f"History entry {a[1]} of workstation {store.device_id}",
            f"History entry {b[1]} of workstation {store.device_id}", "was altered after it was written"], ()


def heads_removed(world):
    store = world.session.store
    _edit(store, ("DELETE FROM meta WHERE key IN ('heads', 'heads_sig')", ()))
    return ["The list of every workstation's latest entry is missing"], ("History entry",)


def heads_edited(world):
    store = world.session.store
    top = _entries(store)[-1][1]
    text = store.get_meta("heads").replace(f"[{top},", f"[{top - 1},")
    _edit(store, ("UPDATE meta SET value = ? WHERE key = 'heads'", (text,)))
    return ["its signature does not match"], ("History entry",)


def heads_signature_garbled(world):
    """The heads' signature replaced by text that is not even hexadecimal: a sentence, not a crash."""
    store = world.session.store
    _edit(store, ("UPDATE meta SET value = 'not a signature' WHERE key = 'heads_sig'", ()))
    return ["its signature does not match"], ("History entry",)


def entries_added_for_an_unknown_workstation(world):
    store = world.session.store
    cols = ("id, format, device, dseq, prev_hash, hlc, user, record_type, record_id, action, changes, "
            "reason, bases, wall_time, hash, sig")
    row = store.conn.execute(f"SELECT {cols} FROM history WHERE seq = ?",
                             (_interaction_entries(store)[0][0],)).fetchone()
    forged = ("FORGED-ENTRY", row[1], "FORGED", 1, "", *row[5:])
    _edit(store, (f"INSERT INTO history ({cols}) VALUES ({', '.join('?' * 16)})", forged))
    return ["Entries of workstation FORGED were added outside SafetyDesk",
            "The history of workstation FORGED does not start with its own signing-key record"], ()


def stored_file_altered(world):
    store = world.session.store
    digest = store.put_blob(b"A fictional scanned form.")
    store.conn.commit()
    _edit(store, ("UPDATE blobs SET data = ? WHERE sha256 = ?", (b"A fictional scanned farm.", digest)))
    return [f"A stored file ({digest[:12]}…) was altered"], ("History entry", "does not match the history")


def search_entry_removed(world):
    """A record taken out of the search index (hidden from search), its row left as it was."""
    store = world.session.store
    n, narrative, location = store.conn.execute("SELECT n, narrative, location FROM interactions LIMIT 1").fetchone()
    _edit(store, ("INSERT INTO interactions_fts (interactions_fts, rowid, narrative, location) VALUES ('delete', ?, ?, ?)",
                  (n, narrative, location)))
    return ["The search index interactions_fts is damaged"], ("History entry", "does not match the history")


def search_index_damaged(world):
    """A search-index entry with no row behind it: only the index's own check can tell."""
    store = world.session.store
    _edit(store, ("INSERT INTO interactions_fts (rowid, narrative, location) VALUES (987654, 'forged', 'forged')", ()))
    return ["The search index interactions_fts is damaged"], ("History entry", "does not match the history")


def page_damaged(world):
    """Bytes of a page of the encrypted file overwritten: SQLite's check alone, and nothing else."""
    store = world.session.store
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = store.path.stat().st_size
    page = 4096
    with open(store.path, "r+b") as fh:
        fh.seek((size // page // 2) * page + 100)
        fh.write(b"\0" * 200)
    return ["SQLite integrity check"], ("History entry", "does not match the history", "search index")


ATTACKS = [derived_row_edited, derived_row_added, derived_hlc_reordered, history_column_edited,
           signature_replaced, entry_dropped, last_entry_dropped, history_hlc_swapped, heads_removed,
           heads_edited, heads_signature_garbled, entries_added_for_an_unknown_workstation, stored_file_altered,
           search_entry_removed, search_index_damaged, page_damaged]


@pytest.mark.policy("P25")
@pytest.mark.parametrize("workers", [1, 2], ids=lambda w: f"{w}-process")
@pytest.mark.parametrize("attack", ATTACKS, ids=lambda f: f.__name__)
def test_each_check_names_the_attack_only_it_can_see(world, attack, workers):
    """With the refold in this process and in two processes (store/verify_parts.py) alike."""
    for n in range(3):
        interactions.log_interaction(world.session, world.draft(narrative=f"Fictional event number {n}."))
    store = world.session.store
    assert store.verify(workers=workers) == []
    expected, quiet = attack(world)
    problems = store.verify(workers=workers)
    text = "\n".join(problems)
    named = all(e in text for e in expected)
    count("verify-attacks", tried=1, named=1 if named else 0)
    assert named, f"{attack.__name__}: expected {expected}, verify said:\n{text}"
    for other in quiet:
        assert other not in text, f"{attack.__name__}: a check that cannot see it spoke:\n{text}"
    if attack is page_damaged:
        assert all(p.startswith("SQLite integrity check") for p in problems)


def test_progress_is_reported_on_the_calling_thread_and_ends_full(world):
    interactions.log_interaction(world.session, world.draft())
    calls: list[tuple[int, int, bool]] = []
    problems = world.session.store.verify(
        lambda done, total: calls.append((done, total, threading.current_thread() is threading.main_thread())))
    assert problems == []
    assert calls and all(on_main for _d, _t, on_main in calls)
    done, total, _ = calls[-1]
    assert done == total > 0
