"""A join reads its snapshot one run at a time: the same records as one whole run, and never
more than about one run's entries held (real data files, a real snapshot on a real folder).

What is held is counted, never timed: the entries handed to the history in each call, and
the change files read from the snapshot still alive (by weak reference) at that moment.
"""

from __future__ import annotations

import gc
import os
import weakref
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sync_world import SCHOOLS, District

from safetydesk.sync import changefile, share
from safetydesk.sync.engine import SyncEngine
from support import count

ALDER, BIRCH = SCHOOLS[0], SCHOOLS[1]
RUN = 5   # entries per run set by the test (a real join uses about 50,000)


class Snapshotting(SyncEngine):
    snapshot_every = 5


class Whole(SyncEngine):
    import_chunk = 10**9   # everything in one run


class Counting(SyncEngine):
    """The real engine with a small run; it notes what each call to the history is handed,
    and how many parsed change files (and their entries) are alive at that moment."""

    import_chunk = RUN

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.runs: list[int] = []
        self.alive_files: list[int] = []
        self.alive_entries: list[int] = []
        self.checked = 0   # files checked so far
        self._parsed: list[weakref.ref[changefile.ChangeFile]] = []
        self.exchange = _Spy(self.exchange, self)

    def _check(self, item, data, result):  # type: ignore[no-untyped-def]
        cf = super()._check(item, data, result)
        self.checked += 1
        if cf is not None:
            self._parsed.append(weakref.ref(cf))
        return cf

    def note(self, entries: list[dict[str, Any]]) -> None:
        gc.collect()
        alive = [cf for ref in self._parsed if (cf := ref()) is not None]
        self.runs.append(len(entries))
        self.alive_files.append(len(alive))
        self.alive_entries.append(sum(len(cf.entries) for cf in alive))


class _Spy:
    """The station's real history, with each ``import_entries`` call counted on its way in."""

    def __init__(self, inner: Any, engine: Counting) -> None:
        self._inner = inner
        self._engine = engine
        self.calls_at_first_import: int | None = None

    def import_entries(self, entries: list[dict[str, Any]], *a: Any, **kw: Any) -> Any:
        self._engine.note(entries)
        return self._inner.import_entries(entries, *a, **kw)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _district(district: District) -> set[str]:
    """Records of two schools and district-wide ones, in files of 2 entries, and a snapshot."""
    reader = district.add("reader", engine_class=Snapshotting)
    eng = district.admin.engine()
    eng.batch = 2
    made = (set(district.admin.log(ALDER, 14)) | set(district.admin.log(BIRCH, 9))
            | set(district.admin.log(None, 4)))
    eng.export()
    reader.sync()   # reads the files and writes the snapshot
    assert len(list((district.folder / share.SNAPSHOTS).iterdir())) == 1
    return made


def _history(ws) -> list[tuple]:
    me = ws.exchange.store.device_id
    return sorted(ws.exchange.store.conn.execute(
        "SELECT id, hash, device, dseq FROM history WHERE device != ?", (me,)))


def _withheld(ws) -> list[tuple]:
    return sorted(ws.exchange.store.conn.execute("SELECT * FROM history_withheld"))


@pytest.mark.policy("P23")
def test_a_join_in_runs_gives_exactly_the_records_of_a_one_run_join(district: District):
    made = _district(district)
    small = district.add("small", schools=[ALDER], engine_class=Counting)
    whole = district.add("whole", schools=[ALDER], engine_class=Whole)
    got, want = small.engine().import_(), whole.engine().import_()
    assert got.opened == want.opened == 1   # the snapshot only
    assert (got.imported, got.waiting, got.held) == (want.imported, want.waiting, want.held)
    assert small.exchange.records() == whole.exchange.records()
    assert _history(small) == _history(whole) and _withheld(small) == _withheld(whole)
    alder = {rid for (_t, rid) in small.exchange.records()}
    assert made & alder and not alder >= made   # Birch's records are withheld, not shown here
    for ws in (small, whole):
        assert ws.exchange.store.verify() == []
        assert ws.engine().compare_with_share() == []
        assert ws.engine().import_().opened == 0   # every file of the snapshot is marked read
    count("join-bounded", entries=got.imported, differed=0)


def test_the_entries_held_at_once_are_bounded_by_the_run_size(district: District):
    _district(district)
    newcomer = district.add("newcomer", engine_class=Counting)   # the district office: all of it
    engine = newcomer.engine()
    assert isinstance(engine, Counting)
    result = engine.import_()
    largest_file = 2
    assert sum(engine.runs) >= 27 and len(engine.runs) >= sum(engine.runs) // RUN
    # a run never passes its size (a file is never split; these files hold 2 entries)
    assert max(engine.runs) <= max(RUN, largest_file), engine.runs
    # while a run is applied, at most the file being judged besides it is alive
    assert max(engine.alive_files) <= 2, engine.alive_files
    assert max(engine.alive_entries) <= 2 * largest_file, engine.alive_entries
    gc.collect()
    assert [ref for ref in engine._parsed if ref() is not None] == []   # all released at the end
    # and the snapshot the pass read from is closed again
    snap = next((district.folder / share.SNAPSHOTS).iterdir())
    fds = Path("/proc/self/fd")
    if fds.is_dir():
        open_now = {os.path.realpath(fds / fd) for fd in os.listdir(fds)}
        assert str(snap.resolve()) not in open_now
    assert result.waiting == 0
    count("join-bounded", runs=len(engine.runs), largest_run=max(engine.runs),
          held_at_once=max(engine.alive_entries) + max(engine.runs))


def test_progress_rises_to_the_total_and_begins_before_the_first_entry_is_applied(district: District):
    _district(district)
    newcomer = district.add("newcomer", schools=[ALDER], engine_class=Counting)
    engine = newcomer.engine()
    assert isinstance(engine, Counting)
    calls: list[tuple[int, int]] = []
    imports_at_call: list[int] = []
    checked_at_call: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append((done, total))
        imports_at_call.append(len(engine.runs))
        checked_at_call.append(engine.checked)

    engine.import_(progress)
    dones = [d for d, _t in calls]
    assert dones == sorted(dones) and all(0 <= d <= t for d, t in calls), calls
    assert all(a[0] * b[1] <= b[0] * a[1] for a, b in pairwise(calls)), calls   # never falls
    assert [t for _d, t in calls] == sorted((t for _d, t in calls), reverse=True), calls
    assert calls[0][0] == 0 and calls[-1][0] == calls[-1][1] > 0, calls
    # the first call before any file is checked (before the snapshot is read), and the bar
    # moves while the snapshot is walked and its files checked, before the first entry is applied
    assert imports_at_call[0] == 0 and checked_at_call[0] == 0
    assert any(c > 0 for c, n in zip(checked_at_call, imports_at_call, strict=True) if n == 0)
    before_first = [d for (d, _t), n in zip(calls, imports_at_call, strict=True) if n == 0]
    assert max(before_first) > 0, calls
    # a call after each run is committed
    assert len(set(imports_at_call)) - 1 >= len(engine.runs) - 1 >= 3, (calls, imports_at_call)
    count("join-bounded", progress_calls=len(calls), before_first_run=len(before_first))


class Stop(Exception):
    pass


def test_a_join_stopped_while_the_snapshot_is_read_is_finished_by_the_next_pass(district: District):
    _district(district)
    whole = district.add("whole", schools=[ALDER], engine_class=Whole)
    whole.engine().import_()
    stopped = district.add("stopped", schools=[ALDER], engine_class=Counting)
    engine = stopped.engine()
    assert isinstance(engine, Counting)

    def cancel_before_applying(done: int, total: int) -> None:
        if done > 0 and not engine.runs:
            raise Stop

    with pytest.raises(Stop):
        engine.import_(cancel_before_applying)
    assert _history(stopped) == []
    again = stopped.engine().import_()
    assert again.opened == 1 and again.waiting == 0
    assert stopped.exchange.records() == whole.exchange.records()
    assert stopped.exchange.store.verify() == []
    count("join-bounded", stopped_while_reading=1, finished=1)


def test_a_damaged_file_inside_the_snapshot_is_held_and_the_others_applied(district: District):
    """Each inner file is still checked completely, when its run comes, before anything of it
    is applied; the damaged one is held and its good copy listed on the share is read instead."""
    _district(district)
    whole = district.add("whole", schools=[ALDER], engine_class=Whole)
    whole.engine().import_()
    path = next((district.folder / share.SNAPSHOTS).iterdir())
    data = bytearray(path.read_bytes())
    at = 8 + 6   # past the magic, the format and the count
    for _ in range(2):   # to the third inner file
        at += 4 + int.from_bytes(data[at:at + 4], "big")
    size = int.from_bytes(data[at:at + 4], "big")
    data[at + 4 + size // 2] ^= 0xFF   # inside its sealed body: its framing stays whole
    path.write_bytes(bytes(data))
    victim = district.add("victim", schools=[ALDER], engine_class=Counting)
    engine = victim.engine()
    got = engine.import_()
    assert got.opened == 2   # the snapshot, and the damaged file's good copy on the share
    assert [why for _f, why in got.held] == [
        "the file's signature is not its workstation's (forged or altered)"]
    assert victim.exchange.records() == whole.exchange.records()
    assert _history(victim) == _history(whole) and got.waiting == 0
    assert victim.exchange.store.verify() == []
    count("join-bounded", damaged_inside=1, held=len(got.held))
