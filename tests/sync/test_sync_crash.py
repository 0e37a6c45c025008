"""kill -9 at random points during save, export and import, on REAL data files.

Counter: ``sync-crash: kills=N integrity-failures=0 lost=0 invalid-files=0``. Each
workstation is a real process on a real SafetyDesk data file (SQLCipher, the
store's schema and signed history; ``crash_worker.py``) and a real folder; the
parent kills it after a random number of its progress lines, so the kill lands
in a different place each time (inside a save, between the temporary file and
the rename, before the mark, inside an import). After every kill: the data
files pass ``PRAGMA integrity_check``, every save the writer acknowledged is in
its history, every entry of a file the reader marked read is in the reader's
history, and every final-named file on the share validates.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from real_store import real_factory
from sync_world import ADMIN_USER, SCHOOLS, District

from safetydesk.store.connection import connect
from safetydesk.sync import changefile, share
from safetydesk.sync.errors import InvalidChangeFile
from support import count, examples

WORKER = Path(__file__).with_name("crash_worker.py")
ALDER = SCHOOLS[0]


def run(args: list[str], kill_after: int | None, saved: list[str]) -> bool:
    """Run the worker; SIGKILL it after ``kill_after`` progress lines. True if it was killed."""
    proc = subprocess.Popen([sys.executable, str(WORKER), *args], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    killed = False
    for lines, line in enumerate(proc.stdout, start=1):
        if line.startswith("saved "):
            saved.append(line.split()[1])
        if kill_after is not None and lines >= kill_after:
            os.kill(proc.pid, signal.SIGKILL)
            killed = True
            break
    proc.wait()
    return killed and proc.returncode == -signal.SIGKILL


def open_file(path: Path, key: bytes):
    return connect(path, key)


def integrity(path: Path, key: bytes) -> bool:
    db = open_file(path, key)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


def hashes(path: Path, key: bytes) -> set[str]:
    db = open_file(path, key)
    try:
        return {h for (h,) in db.execute("SELECT hash FROM chain_links")}
    finally:
        db.close()


def test_kill_minus_nine_during_save_export_and_import_of_real_data_files(tmp_path):
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else tmp_path
    root = Path(os.path.join(base, f"crash-{os.getpid()}-{random.randrange(1 << 30)}"))
    make = real_factory(root / "stations")
    d = District(root, lambda **kw: make(founders={ADMIN_USER}, **kw))
    writer = d.add("writer", schools=[ALDER])
    reader = d.add("reader", schools=[ALDER])
    keys_file = root / "keys.json"
    keys_file.write_text(d.keys.to_json())
    files = {}
    for ws in (writer, reader):
        station = ws.exchange
        key_file = station.path.with_name("key.hex")
        key_file.write_text(station.key.hex())
        files[ws.name] = (station.path, station.key, key_file, ws.state_path)
    writer_key = writer.exchange.public_key(writer.exchange.device_id)
    for station in make.made:  # type: ignore[attr-defined]
        station.close()

    def args_of(role: str) -> list[str]:
        path, _key, key_file, state = files[role]
        return [role, str(path), str(key_file), str(state), str(d.share), str(keys_file)]

    rng = random.Random(17)
    saved: list[str] = []
    kills = integrity_failures = lost = invalid = 0
    target = examples(ci=300, dev=12)
    try:
        for _ in range(4 * target):  # until that many kills landed (a run may end before its kill)
            if kills >= target:
                break
            role = rng.choice(["writer", "writer", "reader"])
            extra = [str(rng.randrange(2, 6))] if role == "writer" else []
            kills += int(run(args_of(role) + extra, rng.randrange(1, 9), saved))
            integrity_failures += sum(not integrity(p, k) for p, k, _f, _s in files.values())
            # every acknowledged save is in the writer's history
            writer_has = hashes(files["writer"][0], files["writer"][1])
            lost += len(set(saved) - writer_has)
            # every final-named file on the share validates
            for f in (d.folder / share.DEVICES).rglob("*.sdc"):
                try:
                    changefile.parse(f.read_bytes(), d.keys, writer_key)
                except InvalidChangeFile:
                    invalid += 1
            # what the reader marked read is in the reader's history
            state = files["reader"][3]
            seen = json.loads(state.read_text()).get("seen", {}) if state.exists() else {}
            reader_has = hashes(files["reader"][0], files["reader"][1])
            for relpath in seen:
                cf = changefile.parse((d.folder / relpath).read_bytes(), d.keys, writer_key)
                lost += sum(1 for e in cf.entries if e["hash"] not in reader_has)
            assert integrity_failures == lost == invalid == 0
        # After the crashes, one clean run each: everything saved reaches the reader.
        run([*args_of("writer"), "1"], None, saved)
        run(args_of("reader"), None, saved)
        lost += len(set(saved) - hashes(files["reader"][0], files["reader"][1]))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    count("sync-crash", kills=kills, **{"integrity-failures": integrity_failures}, lost=lost,
          **{"invalid-files": invalid})
    assert kills >= target and integrity_failures == 0 and lost == 0 and invalid == 0
