"""What noticing moved records costs a carrier (sync/carry.py), beside a raw read of the same rows.

The first sync pass of a workstation that can carry (the district office, or one serving two
schools or more) looks once at every entry its history holds, to find the records that moved
between schools; later passes look only at new entries. This measures that one-off look on a
copy of a demo data folder, beside reading the same ``changes`` column with one raw SQL query
on the same open, encrypted file in the same run (the anchor), and the cost of planning one
moved student's carry.

    .venv/bin/python benchmarks/bench_carry.py --folder COPY-OF-A-DEMO-FOLDER

Never point it at a shared data folder: opening it may migrate it.

One run on the shared 2-core machine (load average 19: seven other sessions' tests running), a
copy of the 100,000-interaction demo folder (127,397 entries; the demo moves no student):

    raw read of the entries' changes (anchor): 4.8 s
    carry scan (first pass, every entry):      33.8 s, x7.0 the anchor
    planning one student's carry:              0.5 ms

So the first pass of a district office on a million-interaction file spends some minutes once
(entries are decoded through the exchange API); every later pass looks at its new entries only.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from safetydesk.demo.generator import DEMO_PASSWORD, SETUP_USER
from safetydesk.paths import resolve
from safetydesk.services import files
from safetydesk.sync import carry
from safetydesk.sync.keys import SyncKeys


class _Engine:
    """Only what ``carry._scan`` reads of an engine."""

    def __init__(self, exchange) -> None:
        self.exchange = exchange


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, required=True)
    args = parser.parse_args()
    session = files.sign_in(resolve(args.folder), SETUP_USER, DEMO_PASSWORD)
    store = session.store
    entries = store.conn.execute("SELECT COUNT(*) FROM history").fetchone()[0]

    t0 = time.perf_counter()
    raw = sum(1 for (c,) in store.conn.execute("SELECT changes FROM history") if '"school_id"' in c)
    anchor = time.perf_counter() - t0

    cs = carry.CarryState()
    t0 = time.perf_counter()
    carry._scan(_Engine(store), cs)  # type: ignore[arg-type]
    scan = time.perf_counter() - t0

    student = store.conn.execute("SELECT id FROM students LIMIT 1").fetchone()[0]
    keys = SyncKeys("D", b"\0" * 32, {}, True)
    t0 = time.perf_counter()
    plan = carry.plan(keys, store.state("student", student), store.entries_of_record("student", student))
    one = time.perf_counter() - t0
    print(f"entries: {entries:,}; raw read of their changes (anchor): {anchor:.1f} s "
          f"({raw:,} name a school)")
    print(f"carry scan (first pass, every entry): {scan:.1f} s, x{scan / anchor:.1f} the anchor; "
          f"moved records found: {len(cs.moved)}")
    print(f"planning one student's carry: {one * 1000:.1f} ms ({sum(map(len, plan.values()))} entries)")
    store.close()


if __name__ == "__main__":
    main()
