"""How long `safetydesk demo` takes and how big the data file gets.

    .venv/bin/python benchmarks/bench_demo.py               # default scale (~12,000 interactions)
    .venv/bin/python benchmarks/bench_demo.py --scale 100000
    .venv/bin/python benchmarks/bench_demo.py --scale 100000 --verify --profile
    .venv/bin/python benchmarks/bench_demo.py --scale 100000 --only --anchors --folder DIR

--anchors measures, in the same run and on the file just built, the benchmark's (run.py) demo-build
and backup rows: the build's rate against a bare executemany of every row it wrote, and a backup
against copying the same encrypted file with fsync (alternately, --repeat times). --workers 0
generates in this process (the default: a worker process from 5,000 interactions on). Beside the
wall time it prints the CPU time of the writer and of the worker processes, and with --anchors the
anchor's CPU time and the ratio by CPU; --profile prints the writer's profile by cumulative and by
own time.

Prints figures; asserts nothing (DESIGN.md: tests never assert on wall-clock time).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from safetydesk import demo
from safetydesk.paths import resolve
from safetydesk.services import files


def _size(folder: Path, name: str) -> int:
    return sum(f.stat().st_size for f in folder.glob(name + "*") if f.is_file())


def anchors(paths, rate: float, n: int, repeat: int, build_cpu: float = 0.0) -> None:
    """run.py's demo-build and backup rows, on the file just built."""
    sys.path.insert(0, str(Path(__file__).parent))
    from run import _executemany_rate

    from safetydesk.demo.generator import DEMO_PASSWORD, SETUP_USER

    session = files.sign_in(paths, SETUP_USER, DEMO_PASSWORD)
    store = session.store
    folder = store.path.parent
    try:
        cpu: list[float] = []
        bare_rate, rows = _executemany_rate(store, folder, n, cpu) if rate else (0.0, 0)
        if rate:
            print(f"demo build: {rate:,.0f} interactions/s; bare executemany of the same {rows:,} rows"
                  f" (every table, then its indexes): {bare_rate:,.0f}/s; ratio x{rate / bare_rate:.3f}")
            if build_cpu:
                print(f"  by CPU: the build {build_cpu:.1f} s (writer and worker processes), the bare executemany"
                      f" {cpu[0]:.1f} s: ratio x{cpu[0] / build_cpu:.3f}")
        target, copy = folder / "bench-backup.sdbackup", folder / "bench-copy.sqlite"

        def plain_copy() -> None:  # the same bytes to disk, flushed, as a backup must be
            shutil.copyfile(store.path, copy)
            with open(copy, "rb+") as fh:
                os.fsync(fh.fileno())

        mine, theirs = [], []
        for _ in range(repeat):
            started = time.perf_counter()
            files.backup(session, target)
            mine.append(time.perf_counter() - started)
            started = time.perf_counter()
            plain_copy()
            theirs.append(time.perf_counter() - started)
        a, b = statistics.median(mine), statistics.median(theirs)
        size = store.path.stat().st_size
        print(f"backup: {a * 1000:,.0f} ms; copying the encrypted file ({size / 1e6:,.0f} MB) and fsync:"
              f" {b * 1000:,.0f} ms; ratio x{a / b:.2f} (medians of {repeat}, alternating;"
              f" each: {', '.join(f'{x:.2f}' for x in mine)} / {', '.join(f'{x:.2f}' for x in theirs)} s)")
        target.unlink(missing_ok=True)
        copy.unlink(missing_ok=True)
    finally:
        store.close()


def run(scale: int | None, seed: int, verify: bool, profile: bool, workers: int | None = None,
        with_anchors: bool = False, repeat: int = 3, folder: Path | None = None) -> None:
    label = f"{scale:,} interactions" if scale is not None else "default scale"
    if folder is not None:  # kept, for measuring again (--anchors on the built file)
        kept = folder / f"demo-{scale or 'default'}"
        if files.data_file_exists(resolve(kept)):
            print(f"{label}: reusing {kept}")
            if with_anchors:
                anchors(resolve(kept), 0.0, scale or 0, repeat)
            return
        kept.mkdir(parents=True, exist_ok=True)
        context: Any = contextlib.nullcontext(str(kept))
    else:
        context = tempfile.TemporaryDirectory(prefix="bench-demo-")
    with context as tmp:
        paths = resolve(tmp)
        updates = 0

        def progress(done: int, total: int) -> None:
            nonlocal updates
            updates += 1

        profiler = cProfile.Profile() if profile else None
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = demo.generate(paths, seed=seed, interactions=scale, progress=progress,
                                today=date(2026, 11, 28), workers=workers)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        own_after, children_after = (resource.getrusage(resource.RUSAGE_SELF),
                                     resource.getrusage(resource.RUSAGE_CHILDREN))
        writer_cpu = own_after.ru_utime + own_after.ru_stime - own.ru_utime - own.ru_stime
        worker_cpu = (children_after.ru_utime + children_after.ru_stime
                      - children.ru_utime - children.ru_stime)
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
        print(f"  CPU: writer {writer_cpu:.1f} s, worker processes {worker_cpu:.1f} s "
              f"(wall {elapsed:.1f} s; load average {os.getloadavg()[0]:.1f})")
        if verify:
            from safetydesk.demo.generator import DEMO_PASSWORD, SETUP_USER

            session = files.sign_in(paths, SETUP_USER, DEMO_PASSWORD)
            started = time.perf_counter()
            try:
                problems = files.verify(session)
            finally:
                session.store.close()
            print(f"{label}: verify {time.perf_counter() - started:.1f} s, "
                  f"{len(problems)} problem(s)")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        if with_anchors:
            anchors(paths, summary.counts["interactions"] / elapsed, summary.counts["interactions"], repeat,
                    writer_cpu + worker_cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=None,
                        help="also time this many interactions (after the default scale)")
    parser.add_argument("--seed", type=int, default=4311)
    parser.add_argument("--verify", action="store_true", help="also time `verify` on the result")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument("--only", action="store_true", help="skip the default-scale run")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes generating beside the writer (0: none; default: automatic)")
    parser.add_argument("--anchors", action="store_true",
                        help="also measure run.py's demo-build and backup rows beside their anchors")
    parser.add_argument("--repeat", type=int, default=3, help="backup runs (and anchor runs)")
    parser.add_argument("--folder", type=Path, default=None, help="build into DIR/demo-N and keep it (reused by the next run)")
    args = parser.parse_args()
    extra = {"workers": args.workers, "with_anchors": args.anchors, "repeat": args.repeat, "folder": args.folder}
    if not args.only or args.scale is None:
        run(None, args.seed, args.verify, args.profile and args.scale is None, **extra)
    if args.scale is not None:
        run(args.scale, args.seed, args.verify, args.profile, **extra)


if __name__ == "__main__":
    main()
