"""Start-up and sign-in alone: the start-up rows of the scale benchmark (benchmarks/run.py), on
one data folder, without the rest of its table.

    .venv/bin/python benchmarks/bench_startup.py --folder DIR [--repeat 5] [--interactions N]

DIR holds a demo data folder (password "demo"); without a data file one of N interactions is
built first (not timed). Each measurement is a fresh Python process, offscreen, alternating:

* SafetyDesk: interpreter start to the main window shown with its data (the dashboard and the
  first page of the list loaded, the worker idle), its sign-in (argon2id, opening the file)
  timed inside the process and taken off;
* the anchor: a bare QMainWindow with a QTableView of the same 200 newest live interactions,
  read from a plain SQLite copy of the interactions table;
* sign-in against the same argon2id parameters alone.

The parent process closes the data file before measuring (a person starting the program has
no other copy of it open). Asserts nothing; prints the two rows, their ratio and the steps.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as scale

from safetydesk.paths import resolve
from safetydesk.services import files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folder", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--interactions", type=int, default=10_000, help="only to build a missing demo")
    args = ap.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    scale._build(args.folder, args.interactions)
    session = files.sign_in(resolve(args.folder), scale.SETUP_USER, scale.DEMO_PASSWORD)
    total = session.store.conn.execute(
        "SELECT COUNT(*) FROM interactions WHERE retracted = 0 AND duplicate_of = ''").fetchone()[0]
    bare = scale._bare(session, args.folder)
    session.store.close()
    t = scale.Table(args.repeat)
    steps = scale.startup_rows(t, args.folder, bare, args.repeat)
    t.print(f"Start-up at {total:,} live interactions, medians of {args.repeat} runs")
    print("\nSafetyDesk's start-up steps (medians): "
          + ", ".join(f"{k} {v:.0f} ms" for k, v in steps.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
