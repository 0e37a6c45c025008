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
  directory cache), while the files themselves are current;
* another user: the workstation runs as uid 65534 (``setpriv``) on a share
  only root may write to, so the permission is real even in CI as root.

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
from sync_world import SCHOOLS, District

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


def test_another_user_who_may_not_write_to_the_share(replica_factory):
    """The workstation runs as another user (``setpriv`` to uid 65534, "nobody") on a share that
    only root may write to (mode 0755): permissions are real for that user, even in CI as root."""
    import os
    import subprocess
    import sys
    import tempfile

    from replica import SqliteReplica

    base = Path(tempfile.mkdtemp(prefix="sd-other-user-"))
    try:
        base.chmod(0o755)
        d = District(base, replica_factory)
        data_dir = base / "nobody"
        data_dir.mkdir()
        data_dir.chmod(0o777)
        store = SqliteReplica(data_dir / "ws.sqlite", founders=replica_factory().founders,
                              schools={ALDER})
        pub = store.public_key(store.device_id).hex()
        from safetydesk.sync import manifest as manifest_module
        d.manifest.devices[store.device_id] = manifest_module.Device(pub, "nobody's", False, [ALDER])
        state = data_dir / "sync-state.json"
        from safetydesk.sync.state import SyncState
        SyncState(share=str(d.share), district=d.id, share_id=d.manifest.share_id,
                  trusted={d.admin.exchange.device_id: d.admin.exchange.public_key(
                      d.admin.exchange.device_id).hex()}).save(state)
        d.publish()
        store.db.close()
        keys = data_dir / "keys.json"
        keys.write_text(d.keys.subset({ALDER}).to_json())
        for f in data_dir.iterdir():
            f.chmod(0o666)
        os.chown(data_dir, 65534, 65534)
        for f in data_dir.iterdir():
            os.chown(f, 65534, 65534)
        worker = Path(__file__).with_name("crash_worker.py")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
               str(worker), "writer", str(data_dir / "ws.sqlite"), str(state), str(d.share), str(keys), "3"]
        before = snapshot(d.folder)
        done = subprocess.run(cmd, capture_output=True, text=True)
        assert done.returncode == 2, done.stderr[-2000:]
        unclear = int("may not write" not in done.stdout)
        wrong = len(snapshot(d.folder) - before)
        saved = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("saved ")]
        import sqlite3
        held = {h for (h,) in sqlite3.connect(data_dir / "ws.sqlite").execute("SELECT hash FROM entries")}
        loss = len(set(saved) - held)
        # IT gives the account write access: the same entries go out at the next sync.
        for p in [d.folder / share.DEVICES]:
            p.chmod(0o777)
        again = subprocess.run(cmd, capture_output=True, text=True)
        assert again.returncode == 0, again.stdout + again.stderr[-2000:]
        d.admin.sync()
        ids = {rid for (t, rid) in d.admin.exchange.records() if t == "interaction"}
        loss += 6 - len(ids)
        count("sync-share-faults", tried=1, **{"local-loss": loss, "wrong-share-writes": wrong,
                                              "unclear-status": unclear})
        assert (loss, wrong, unclear) == (0, 0, 0), done.stdout
    finally:
        shutil.rmtree(base, ignore_errors=True)
