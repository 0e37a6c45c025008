"""A pass imports a run of files at a time (one transaction per ``import_chunk`` entries):
the result is the one of a single transaction, even when an entry waits on a later run."""

from __future__ import annotations

import pytest
from sync_world import ADMIN_USER, SCHOOLS, District

from safetydesk.domain.ids import new_id
from safetydesk.store import schema
from safetydesk.sync.engine import SyncEngine
from support import count

ALDER = SCHOOLS[0]


class Tiny(SyncEngine):
    import_chunk = 4


def _account(ws, uid: str) -> None:
    ws.exchange.append(ADMIN_USER, "user", uid, "create", {
        "username": [None, uid.lower()], "role": [None, "principal"], "schools": [None, [ALDER]],
        "active": [None, True]})


def _dump(ws) -> dict:
    """Every derived row, the history and the held list (this station's own entries left out:
    its device record and the founder's account it made itself)."""
    store = ws.exchange.store
    me = store.device_id
    own = [me, *(r[0] for r in store.conn.execute("SELECT hash FROM history WHERE device = ?", (me,)))]
    out = {}
    for table in (*schema.all_derived_tables(), "history_withheld"):
        cols = [r[1] for r in store.conn.execute(f"PRAGMA table_info({table})") if r[1] != "n"]
        rows = store.conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
        out[table] = sorted((r for r in rows if not any(o in repr(r) for o in own)), key=repr)
    out["history"] = sorted(r for r in store.conn.execute(
        "SELECT id, hash FROM history WHERE device != ?", (me,)))
    out["held"] = sorted((k, why) for k, why in ws.exchange.held.items())
    return out


@pytest.mark.policy("P23")
def test_runs_of_files_give_what_one_transaction_gives(district: District):
    x = district.add("x", schools=[ALDER])
    y = district.add("y", schools=[ALDER])
    for ws in (x, y):
        ws.engine().batch = 2
    # each writes as an account the other made: whichever chain sorts first, one waits on a later run
    _account(x, "P-X")
    _account(y, "P-Y")
    x.log(ALDER, 5, user="P-Y")
    y.log(ALDER, 5, user="P-X")
    y.exchange.append("P-X", "user", new_id(), "create", {"username": [None, "extra"], "role": [None, "principal"],
                                                         "active": [None, True]})
    district.admin.log(None, 3)
    for ws in (x, y, district.admin):
        eng = ws.engine()
        eng.batch = 2
        eng.export()
    small = district.add("small", schools=[ALDER], engine_class=Tiny)
    whole = district.add("whole", schools=[ALDER])
    got, want = small.engine().import_(), whole.engine().import_()
    assert got.opened == want.opened > 4
    assert (got.imported, got.waiting) == (want.imported, want.waiting)
    assert want.waiting == 1  # an account made by a principal: held, with its reason, on both
    assert _dump(small) == _dump(whole)
    assert small.exchange.store.verify() == [] and whole.exchange.store.verify() == []
    count("import-batch-chunks", files=got.opened, entries=got.imported, waiting=got.waiting, differed=0)



class TinyFromSnapshots(Tiny):
    snapshot_every = 5


def test_a_workstation_joining_from_a_snapshot_in_runs_verifies_against_the_share(district: District):
    reader = district.add("reader", schools=[ALDER], engine_class=TinyFromSnapshots)
    eng = district.admin.engine()
    eng.batch = 1
    made = set(district.admin.log(ALDER, 12)) | set(district.admin.log(None, 3))
    eng.export()
    reader.sync()
    newcomer = district.add("newcomer", schools=[ALDER], engine_class=Tiny)
    result = newcomer.engine().import_()
    assert result.opened == 1 and result.waiting == 0  # the snapshot only, in runs of 4 entries
    assert made <= {rid for (_t, rid) in newcomer.exchange.records()}
    assert newcomer.exchange.records() == reader.exchange.records()
    assert newcomer.exchange.store.verify() == []
    assert newcomer.engine().compare_with_share() == []
    count("import-batch-chunks", files=result.opened, entries=result.imported, waiting=0, differed=0)
