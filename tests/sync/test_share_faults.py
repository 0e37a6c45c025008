"""The share misbehaves in the middle of an export and of an import: nothing is lost or misplaced.

Counter: ``sync-share-faults: tried=N local-loss=0 wrong-share-writes=0 unclear-status=0``.

CI runs as root, where file permissions stop nothing, so every fault is made
for real (tests/sync/faults.py):

* vanishes: the share's folder is renamed away (the path no longer exists);
* read-only: a read-only bind mount over the share (writes fail with EROFS);
* fills up: the share is a 1 MiB tmpfs, filled to the last byte (ENOSPC);
* empty folder: the district folder is moved away and an empty one put in its place;
* another district: the district folder is replaced by another district's folder
  under the same name;
* stale listing: the share lists what it held before the pass (an SMB
  directory cache), while the files themselves are current.

The fault strikes after the first change file of the pass was written (export)
or opened (import), through a hook in the engine; then it is cleared and the
workstations sync again.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from faults import fill, read_only, small_filesystem

from conftest import SCHOOLS, District
from safetydesk.sync import share
from safetydesk.sync.engine import SyncEngine
from safetydesk.sync.errors import SyncError
from support import count

ALDER = SCHOOLS[0]


class FaultEngine(SyncEngine):
    """Calls ``strike`` once, after the first file of the pass was written or opened."""

    strike: Callable[[], None] | None = None
    stale: list | None = None

    def _hit(self) -> None:
        if FaultEngine.strike is not None:
            strike, FaultEngine.strike = FaultEngine.strike, None
            strike()

    def _mark_exported(self, last_seq, fhash):
        super()._mark_exported(last_seq, fhash)
        self._hit()

    def _open(self, item, found, result):
        cf = super()._open(item, found, result)
        self._hit()
        return cf

    def list_files(self):
        listed, odd = super().list_files()
        if FaultEngine.stale is not None:
            return FaultEngine.stale, odd
        return listed, odd


def snapshot(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


class Fault:
    def __init__(self, d: District, tmp: Path, factory) -> None:
        self.d, self.tmp, self.factory = d, tmp, factory
        self.undo: list[Callable[[], None]] = []
        self.other_before: set[str] = set()
        self.other: Path | None = None

    def vanish(self) -> None:
        away = self.d.share.parent / "away"
        self.d.share.rename(away)
        self.undo.append(lambda: away.rename(self.d.share))

    def read_only(self) -> None:
        ctx = read_only(self.d.share)
        ctx.__enter__()
        self.undo.append(lambda: ctx.__exit__(None, None, None))

    def full(self) -> None:
        fill(self.d.share.parent)
        self.undo.append(lambda: (self.d.share.parent / ".filler").unlink())

    def empty(self) -> None:
        aside = self.tmp / "aside"
        shutil.move(str(self.d.folder), str(aside))
        self.d.folder.mkdir()
        self.undo.append(lambda: (shutil.rmtree(self.d.folder), shutil.move(str(aside), str(self.d.folder))))

    def other_district(self) -> None:
        other = District(self.tmp / "other", self.factory)
        other.admin.log(ALDER, 2)
        other.admin.sync()
        aside = self.tmp / "aside"
        shutil.move(str(self.d.folder), str(aside))
        shutil.copytree(other.folder, self.d.folder)
        self.other_before = snapshot(self.d.folder)
        self.other = self.d.folder

        def back() -> None:
            self.other_after = snapshot(self.d.folder)
            shutil.rmtree(self.d.folder)
            shutil.move(str(aside), str(self.d.folder))
        self.undo.append(back)

    def clear(self) -> None:
        while self.undo:
            self.undo.pop()()


FAULTS = ["vanish", "read_only", "full", "empty", "other_district", "stale"]


@pytest.mark.parametrize("phase", ["export", "import"])
@pytest.mark.parametrize("kind", FAULTS)
def test_a_share_fault_in_the_middle_of_a_pass(kind, phase, tmp_path, exchange_factory):
    root = tmp_path / kind
    root.mkdir()
    with small_filesystem(root / "fs", 1024):
        d = District(root, exchange_factory, share_root=root / "fs" / "share")
        writer = d.add("writer", schools=[ALDER], engine_class=FaultEngine)
        reader = d.add("reader", schools=[ALDER], engine_class=FaultEngine)
        made = set(writer.log(ALDER, 4))
        writer.sync()
        reader.sync()
        made |= set(writer.log(ALDER, 6))
        fault = Fault(d, root, exchange_factory)
        actor = writer if phase == "export" else reader
        if phase == "import":
            eng = writer.engine()
            eng.batch = 2
            eng.export()
        if kind == "stale":
            FaultEngine.stale = share.list_devices(d.folder)[0]
        else:
            FaultEngine.strike = getattr(fault, kind)
        eng = actor.engine()
        eng.batch = 2
        status, wrong_writes = "", 0
        before_local = len(actor.exchange.content_entries())
        try:
            eng.sync_once()
            status = "completed"
        except SyncError as exc:
            status = exc.message
        finally:
            FaultEngine.strike, FaultEngine.stale = None, None
            fault.clear()
        if kind == "other_district":
            wrong_writes = len(getattr(fault, "other_after", fault.other_before) - fault.other_before)
        # A fault that stopped the pass must be said in a sentence, and recorded in the status.
        state = actor.engine().state
        # A read-only or full share does not stop an import (it only reads).
        blocks = kind in ("vanish", "empty", "other_district") or (
            phase == "export" and kind in ("read_only", "full"))
        unclear = int(status == "completed" and blocks) or int(
            status != "completed" and not (state.offline_since or state.stopped))
        local_loss = max(0, before_local - len(actor.exchange.content_entries()))
        # Once the share is itself again, everything arrives.
        for ws in (writer, reader, writer, reader):
            ws.sync()
        local_loss += len(made - {rid for (_t, rid) in reader.exchange.records()})
        count("sync-share-faults", tried=1, **{"local-loss": local_loss,
                                              "wrong-share-writes": wrong_writes,
                                              "unclear-status": unclear})
        assert (local_loss, wrong_writes, unclear) == (0, 0, 0), status
