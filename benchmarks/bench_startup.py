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

    .venv/bin/python benchmarks/bench_startup.py --folder DIR --imports-against SRC [--repeat 15]

compares the CPU time of start-up's imports alone with another copy of the code (SRC is its
`src` folder, e.g. `git archive main src | tar -x -C /tmp/before`): one start-up of this code
lists every SafetyDesk module it imported; then fresh processes of each code, alternating,
import exactly that list (the other code imports whatever its own modules pull in with them).
Import cuts of a few per cent are lost in the noise of the whole start-up's figure on a loaded
machine; this figure is steadier.
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

# Start-up as the scale benchmark's child runs it, then the SafetyDesk modules it imported.
LIST_CHILD = scale.STARTUP_CHILD.replace(
    "os._exit(0 if rows", "print('MODULES', ' '.join(m for m in sys.modules if m.startswith('safetydesk')),"
    " flush=True)\nos._exit(0 if rows", 1)
assert LIST_CHILD != scale.STARTUP_CHILD

IMPORT_CHILD = """
import time
began = time.process_time()
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print("IMPORTS", (time.process_time() - began) * 1000, len(sys.modules), flush=True)
"""


def imports_against(folder: Path, other_src: Path, repeat: int) -> None:
    import statistics

    env = scale.child_env(folder)
    _wall, out = scale._child(LIST_CHILD, str(folder), scale.SETUP_USER, scale.DEMO_PASSWORD, env=env)
    names = out.split("MODULES ", 1)[1].split("\n", 1)[0].split()
    envs = {"this code": env, f"{other_src}": {**env, "PYTHONPATH": str(other_src.resolve())}}
    cpu: dict[str, list[float]] = {k: [] for k in envs}
    modules: dict[str, int] = {}
    for round_ in range(repeat + 1):  # the first round compiles and reads the files: not counted
        for label, child_env in envs.items():
            _wall, out = scale._child(IMPORT_CHILD, *names, env=child_env)
            ms, count = out.split("IMPORTS ", 1)[1].split()[:2]
            if round_:
                cpu[label].append(float(ms))
            modules[label] = int(count)
    print(f"Start-up's imports alone ({len(names)} SafetyDesk modules), CPU ms, {repeat} alternating runs:")
    for label, values in cpu.items():
        q = statistics.quantiles(values, n=4)
        print(f"  {label}: median {statistics.median(values):.1f} (quartiles {q[0]:.1f}-{q[2]:.1f}),"
              f" {modules[label]} modules in all")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folder", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--interactions", type=int, default=10_000, help="only to build a missing demo")
    ap.add_argument("--imports-against", type=Path, metavar="SRC",
                    help="compare start-up's imports alone with the code in this src folder")
    args = ap.parse_args(argv)
    args.folder.mkdir(parents=True, exist_ok=True)
    scale._build(args.folder, args.interactions)
    if args.imports_against:
        imports_against(args.folder, args.imports_against, args.repeat)
        return 0
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
