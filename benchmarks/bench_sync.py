"""Sync through a real folder, beside raw SQLite inserts of the same rows in the same run.

* import: a workstation imports N history entries (default 100,000) that
  another wrote to the share: list, open, check the signature of each file,
  decrypt, check every entry's hash and signature, and hand them to the
  history. Anchor: inserting the same N wire entries into a bare SQLite table
  in one transaction.
* idle pass: a sync pass over a share holding F files (default 10,000), none
  of them new: how long it takes and how many files it opened (it must open
  none). Anchor: a bare listing of the same folders.

The history is the tests' stand-in of the store's exchange API (in memory)
until the store implements it (issue 10); its own checks are timed with the
import, so the figure is an upper bound of what the exchange costs.

    .venv/bin/python benchmarks/bench_sync.py [--entries 100000] [--files 10000] [--folder DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sync"))

from replica import ReplicaStore  # noqa: E402
from sync_world import ADMIN_USER, District  # noqa: E402

from safetydesk.domain.ids import new_id  # noqa: E402
from safetydesk.sync import share  # noqa: E402

SCHOOL = "SCHOOL-ALDER"


def factory(**kw):
    return ReplicaStore(founders={ADMIN_USER}, **kw)


def fill(ws, n: int) -> None:
    for i in range(n):
        ws.exchange.append(ADMIN_USER, "interaction", new_id(), "create", {
            "school_id": [None, SCHOOL], "location": [None, f"Room {i % 40}"],
            "type": [None, "de_escalation"],
            "narrative": [None, "Fictional: two students argued over a seat; staff calmed them."]})


def raw_sqlite(folder: Path, rows: list[dict]) -> float:
    db = sqlite3.connect(folder / "anchor.sqlite")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE entries (hash TEXT PRIMARY KEY, device TEXT, dseq INTEGER, body TEXT)")
    t = time.perf_counter()
    with db:
        db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)",
                       [(r["hash"], r["device"], r["dseq"], json.dumps(r)) for r in rows])
    elapsed = time.perf_counter() - t
    db.close()
    return elapsed


def bench_import(base: Path, n: int) -> None:
    d = District(base / "import", factory)
    writer = d.add("writer", schools=[SCHOOL])
    reader = d.add("reader", schools=[SCHOOL])
    fill(writer, n)
    t = time.perf_counter()
    exported = writer.engine().export()
    export_s = time.perf_counter() - t
    t = time.perf_counter()
    result = reader.engine().import_()
    import_s = time.perf_counter() - t
    rows = writer.exchange.entries_since(writer.exchange.device_id, 0, limit=n + 10)
    anchor = raw_sqlite(base / "import", rows)
    print(f"export of {exported.entries} entries: {export_s:.2f} s in {exported.files} files")
    print(f"import of {result.imported} entries from {result.opened} files: {import_s:.2f} s "
          f"({result.imported / import_s:,.0f} entries/s)")
    print(f"raw SQLite insert of the same {len(rows)} rows: {anchor:.2f} s "
          f"(import costs x{import_s / anchor:.1f})")


def bench_idle_pass(base: Path, files: int) -> None:
    d = District(base / "idle", factory)
    writer = d.add("writer", schools=[SCHOOL])
    reader = d.add("reader", schools=[SCHOOL])
    fill(writer, files - 1)  # the device record is the first entry
    engine = writer.engine()
    engine.batch = 1
    engine.export()
    t = time.perf_counter()
    first = reader.engine().sync_once().imported  # reads everything, acknowledges, snapshots
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    result = reader.engine().sync_once().imported
    idle_s = time.perf_counter() - t
    print(f"first sync pass over {first.listed} files: {first_s:.2f} s, files opened: {first.opened}")
    t = time.perf_counter()
    listed = sum(len(os.listdir(p)) for p in (d.folder / share.DEVICES).iterdir())
    list_s = time.perf_counter() - t
    print(f"idle sync pass over {result.listed} files: {idle_s:.3f} s, files opened: {result.opened}")
    print(f"bare listing of the same {listed} names: {list_s:.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--folder", type=Path, help="Where the share and data go (default: a temporary folder).")
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="sd-bench-sync-", dir=args.folder))
    try:
        bench_import(base, args.entries)
        bench_idle_pass(base, args.files)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
