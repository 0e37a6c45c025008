"""A new workstation's join reports progress while its runs of entries are applied, not only
while files are read: real data files, a real snapshot, runs of a few entries."""

from __future__ import annotations

from itertools import pairwise

from sync_world import SCHOOLS, District

from safetydesk.sync.engine import SyncEngine
from support import count

ALDER = SCHOOLS[0]


class Tiny(SyncEngine):
    import_chunk = 4   # entries per run: the district below makes several runs


class Snapshotting(Tiny):
    snapshot_every = 5


class Stop(Exception):
    pass


def _district_with_a_snapshot(district: District) -> set[str]:
    reader = district.add("reader", schools=[ALDER], engine_class=Snapshotting)
    eng = district.admin.engine()
    eng.batch = 1
    made = set(district.admin.log(ALDER, 12)) | set(district.admin.log(None, 3))
    eng.export()
    reader.sync()   # reads the 16 files and writes the snapshot
    return made


def test_a_join_from_a_snapshot_reports_each_run_and_rises_to_the_total(district: District):
    made = _district_with_a_snapshot(district)
    newcomer = district.add("newcomer", schools=[ALDER], engine_class=Tiny)
    calls: list[tuple[int, int]] = []
    commits: list[int] = []   # entries in the newcomer's history at each call
    store = newcomer.exchange.store
    commits_before = store.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        commits.append(store.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0])

    result = newcomer.engine().import_(progress)
    assert result.opened == 1 and result.waiting == 0   # the snapshot only
    assert made <= {rid for (_t, rid) in newcomer.exchange.records()}
    dones = [d for d, _t in calls]
    percents = [100 * d // t for d, t in calls]
    assert dones == sorted(dones) and percents == sorted(percents), calls
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] > 0, calls
    # the first call comes before anything is applied; then a call after each run's commit
    assert commits[0] == commits_before, (calls, commits)
    runs = -(-result.imported // Tiny.import_chunk)
    applying = [i for i, c in enumerate(commits) if i and c > commits[i - 1]]
    assert len(applying) >= runs - 1 >= 2, (calls, commits, result.imported)
    assert all(a <= b for a, b in pairwise(commits)), commits
    assert commits[-1] == store.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    # progress moved while the snapshot was walked and checked, before the first commit
    assert calls[applying[0] - 1][0] > 0, calls
    count("join-progress", runs=len(applying), entries=result.imported, calls=len(calls))


def test_a_join_stopped_between_runs_is_finished_by_the_next_pass(district: District):
    """The window's Cancel is raised from the progress callback: between runs, the runs already
    committed stay, and the next pass applies the rest (the same records as one whole pass)."""
    _district_with_a_snapshot(district)
    whole = district.add("whole", schools=[ALDER])
    history = "SELECT COUNT(*) FROM history"
    start = whole.exchange.store.conn.execute(history).fetchone()[0]
    whole.engine().import_()
    all_of_it = whole.exchange.store.conn.execute(history).fetchone()[0] - start
    stopped = district.add("stopped", schools=[ALDER], engine_class=Tiny)
    store = stopped.exchange.store
    before = store.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]
    seen: list[int] = []

    def cancel_in_the_second_run(done: int, total: int) -> None:
        applied = store.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0] - before
        seen.append(applied)
        if len([a for a in seen if a > 0]) == 2:
            raise Stop

    try:
        stopped.engine().import_(cancel_in_the_second_run)
        raise AssertionError("the pass was not stopped")
    except Stop:
        pass
    part = store.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0] - before
    assert 0 < part < all_of_it
    again = stopped.engine().import_()
    assert again.waiting == 0
    assert stopped.exchange.records() == whole.exchange.records()
    assert store.verify() == []
    count("join-progress", stopped_after=part, finished=1)
