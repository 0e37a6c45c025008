"""What per-device signed chains cost: saving one interaction, opening the list, file size.

Runs the same measurements twice in one run, in two child processes: once with
the source tree given by ``--before`` (a checkout of the code before per-device
chains, e.g. the main branch) and once with this tree, on an encrypted data
file of ``--interactions`` interactions (built with the store's append, as in
bench_encryption), and the demo generator's file of ``--demo`` interactions.

    .venv/bin/python benchmarks/bench_history.py --before ../main/src [--interactions 20000] [--demo 10000]

One run on the shared 2-core development machine (10,000 interactions, SQLCipher; the demo at
10,000 interactions because 100,000 takes too long there):

    before: save one interaction median 7.61 ms; open list 2.48 ms; bench file 43.1 MB; demo 92.2 MB in 25.0 s
     after: save one interaction median 5.06 ms; open list 3.01 ms; bench file 54.1 MB; demo 104.2 MB in 31.7 s
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def child(interactions: int, saves: int, demo_n: int) -> dict:
    sys.path.insert(0, str(HERE))
    from bench_encryption import build, time_list_open, time_saves

    from safetydesk import demo
    from safetydesk.paths import resolve
    from safetydesk.store import new_database_key

    folder = Path(tempfile.mkdtemp(prefix="sd-bench-history-"))
    t = time.perf_counter()
    session = build(folder / "bench.sqlite", new_database_key(), interactions, seed=1)
    built = time.perf_counter() - t
    saves_t = time_saves(session, saves)
    lists = time_list_open(session, 20)
    session.store.close()
    out = {"built_s": built, "save_ms": statistics.median(saves_t) * 1000,
           "list_ms": statistics.median(lists) * 1000,
           "bench_mb": (folder / "bench.sqlite").stat().st_size / 1e6}
    if demo_n:
        paths = resolve(folder / "demo-home")
        t = time.perf_counter()
        demo.generate(paths, seed=4311, interactions=demo_n)
        out["demo_s"] = time.perf_counter() - t
        out["demo_mb"] = paths.data_file.stat().st_size / 1e6
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=False, help="src folder of the code before this change")
    ap.add_argument("--interactions", type=int, default=20_000)
    ap.add_argument("--saves", type=int, default=50)
    ap.add_argument("--demo", type=int, default=10_000)
    ap.add_argument("--child", action="store_true")
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.interactions, args.saves, args.demo)))
        return
    results = {}
    for label, src in (("before", args.before), ("after", str(SRC))):
        if not src:
            continue
        env = {**os.environ, "PYTHONPATH": src, "QT_QPA_PLATFORM": "offscreen"}
        proc = subprocess.run([sys.executable, __file__, "--child", "--interactions", str(args.interactions),
                               "--saves", str(args.saves), "--demo", str(args.demo)],
                              capture_output=True, text=True, env=env, check=True)
        results[label] = json.loads(proc.stdout.strip().splitlines()[-1])
        r = results[label]
        print(f"{label:>6}: {args.interactions:,} interactions built in {r['built_s']:.1f} s ({r['bench_mb']:.1f} MB); "
              f"save one interaction median {r['save_ms']:.2f} ms; open list (count + first 200) median "
              f"{r['list_ms']:.2f} ms" + (f"; demo of {args.demo:,} interactions: {r['demo_mb']:.1f} MB in "
                                          f"{r['demo_s']:.1f} s" if "demo_mb" in r else ""))
    if len(results) == 2:
        b, a = results["before"], results["after"]
        print(f"history cost: saving x{a['save_ms'] / b['save_ms']:.2f}, opening the list "
              f"x{a['list_ms'] / b['list_ms']:.2f}, file size x{a['bench_mb'] / b['bench_mb']:.2f}"
              + (f", demo file x{a['demo_mb'] / b['demo_mb']:.2f}" if "demo_mb" in a and "demo_mb" in b else ""))


if __name__ == "__main__":
    main()
