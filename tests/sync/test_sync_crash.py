"""kill -9 at random points during save, export and import: nothing acknowledged is lost.

Counter: ``sync-crash: kills=N integrity-failures=0 lost=0 invalid-files=0``. Each
workstation is a real process on a real SQLite file (the stand-in's, until the
store lands) and a real folder; the parent kills it after a random number of
its progress lines, so the kill lands in a different place each time (inside a
save, between the temporary file and the rename, before the mark, inside an
import).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from replica import SqliteReplica
from sync_world import SCHOOLS, District

from safetydesk.sync import changefile, share
from safetydesk.sync.errors import InvalidChangeFile
from support import count, examples

WORKER = Path(__file__).with_name("crash_worker.py")
ALDER = SCHOOLS[0]


def run(args: list[str], kill_after: int | None) -> bool:
    """Run the worker; SIGKILL it after ``kill_after`` progress lines. True if it was killed."""
    proc = subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    killed = False
    saved = []
    for lines, line in enumerate(proc.stdout, start=1):
        if line.startswith("saved "):
            saved.append(line.split()[1])
        if kill_after is not None and lines >= kill_after:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
    proc.wait()
    run.saved.extend(saved)  # type: ignore[attr-defined]
    return killed and proc.returncode == -signal.SIGKILL


def integrity(path: Path) -> bool:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


def test_kill_minus_nine_during_save_export_and_import(tmp_path, replica_factory):
    # The stand-in in a SQLite file: this test is about the process and the share, not the fold.
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else tmp_path
    root = Path(os.path.join(base, f"crash-{os.getpid()}-{random.randrange(1 << 30)}"))
    stations = {}

    def factory(**kw):
        path = root / f"ws{len(stations)}.sqlite"
        store = SqliteReplica(path, founders=replica_factory().founders, **kw)
        stations[store.device_id] = path
        return store

    d = District(root, factory)
    writer = d.add("writer", schools=[ALDER])
    reader = d.add("reader", schools=[ALDER])
    keys_file = root / "keys.json"
    keys_file.write_text(d.keys.to_json())
    paths = {ws.name: (stations[ws.exchange.device_id], ws.state_path) for ws in (writer, reader)}
    for ws in (writer, reader):
        ws.exchange.db.close()
    rng = random.Random(17)
    run.saved = []  # type: ignore[attr-defined]
    kills = integrity_failures = lost = invalid = 0
    target = examples(ci=300, dev=20)
    for _ in range(4 * target):  # until that many kills landed (a run may end before its kill)
        if kills >= target:
            break
        role = rng.choice(["writer", "writer", "reader"])
        data, state = paths[role]
        args = [role, str(data), str(state), str(d.share), str(keys_file)]
        if role == "writer":
            args.append(str(rng.randrange(2, 6)))
        kills += int(run(args, rng.randrange(1, 8)))
        integrity_failures += sum(not integrity(p) for p, _s in paths.values())
        # every acknowledged save is in the writer's file
        held = {h for (h,) in sqlite3.connect(paths["writer"][0]).execute("SELECT hash FROM entries")}
        lost += len(set(run.saved) - held)  # type: ignore[attr-defined]
        assert not set(run.saved) - held, 'writer lost'  # type: ignore[attr-defined]
        # every final-named file on the share validates
        for f in (d.folder / share.DEVICES).rglob("*.sdc"):
            try:
                changefile.parse(f.read_bytes(), d.keys, writer.exchange.public_key(writer.exchange.device_id))
            except InvalidChangeFile:
                invalid += 1
        # what the reader marked read is in the reader's file
        seen = json.loads(paths["reader"][1].read_text()).get("seen", {}) if paths["reader"][1].exists() else {}
        reader_has = {h for (h,) in sqlite3.connect(paths["reader"][0]).execute("SELECT hash FROM entries")}
        for relpath in seen:
            cf = changefile.parse((d.folder / relpath).read_bytes(), d.keys,
                                  writer.exchange.public_key(writer.exchange.device_id))
            lost += sum(1 for e in cf.entries if e["hash"] not in reader_has)
            assert all(e['hash'] in reader_has for e in cf.entries), 'reader lost ' + relpath
    # After the crashes, one clean run each: everything saved reaches the reader.
    run(["writer", str(paths["writer"][0]), str(paths["writer"][1]), str(d.share), str(keys_file), "1"], None)
    run(["reader", str(paths["reader"][0]), str(paths["reader"][1]), str(d.share), str(keys_file)], None)
    reader_has = {h for (h,) in sqlite3.connect(paths["reader"][0]).execute("SELECT hash FROM entries")}
    lost += len(set(run.saved) - reader_has)  # type: ignore[attr-defined]
    count("sync-crash", kills=kills, **{"integrity-failures": integrity_failures}, lost=lost,
          **{"invalid-files": invalid})
    assert kills > 0 and integrity_failures == 0 and lost == 0 and invalid == 0
    import shutil
    shutil.rmtree(root, ignore_errors=True)
