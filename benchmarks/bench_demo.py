"""How long `safetydesk demo` takes and how big the data file gets.

    .venv/bin/python benchmarks/bench_demo.py               # default scale (~12,000 interactions)
    .venv/bin/python benchmarks/bench_demo.py --scale 100000
    .venv/bin/python benchmarks/bench_demo.py --scale 100000 --verify --profile

Prints figures; asserts nothing (DESIGN.md: tests never assert on wall-clock time).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from datetime import date
from pathlib import Path

from safetydesk import demo
from safetydesk.paths import resolve
from safetydesk.services import files


def _size(folder: Path, name: str) -> int:
    return sum(f.stat().st_size for f in folder.glob(name + "*") if f.is_file())


def run(scale: int | None, seed: int, verify: bool, profile: bool) -> None:
    label = f"{scale:,} interactions" if scale is not None else "default scale"
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        paths = resolve(tmp)
        updates = 0

        def progress(done: int, total: int) -> None:
            nonlocal updates
            updates += 1

        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = demo.generate(paths, seed=seed, interactions=scale, progress=progress,
                                today=date(2026, 11, 28))
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        # "outside requests declined" is a part of "outside requests", not more records.
        entries = sum(v for k, v in summary.counts.items()
                      if k not in ("accounts", "outside requests declined"))
        size = _size(paths.data_file.parent, paths.data_file.name)
        print(f"{label}: generate {elapsed:.1f} s "
              f"({summary.counts['interactions'] / max(elapsed, 1e-9):,.0f} interactions/s, "
              f"{summary.counts['students'] + summary.counts['former students']:,} students), "
              f"data file {size / 1e6:.1f} MB, {updates} progress updates, ~{entries:,} records")
        print("  " + ", ".join(f"{v:,} {k}" for k, v in summary.counts.items()
                               if k not in ("schools", "school years", "accounts")))
        if verify:
            started = time.perf_counter()
            problems = files.verify(paths)
            print(f"{label}: verify {time.perf_counter() - started:.1f} s, "
                  f"{len(problems)} problem(s)")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=None,
                        help="also time this many interactions (after the default scale)")
    parser.add_argument("--seed", type=int, default=4311)
    parser.add_argument("--verify", action="store_true", help="also time `verify` on the result")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument("--only", action="store_true", help="skip the default-scale run")
    args = parser.parse_args()
    if not args.only or args.scale is None:
        run(None, args.seed, args.verify, args.profile and args.scale is None)
    if args.scale is not None:
        run(args.scale, args.seed, args.verify, args.profile)


if __name__ == "__main__":
    main()
