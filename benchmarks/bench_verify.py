"""verify beside SQLite's integrity_check on the same file, alternating, CPU and wall (issue 14).

    .venv/bin/python benchmarks/bench_verify.py --folder DIR [--rounds 2] [--workers N] [--build 10000]

``DIR`` is a demo data folder (``--build N`` makes one of N interactions first when it holds no
data file). Each round runs ``PRAGMA integrity_check`` on the store's own connection, then
`files.verify`, then integrity_check again, and prints wall and CPU time of each; CPU counts
this process and the verify workers it waited for (getrusage of the children). The last line is
the process's peak resident memory. Asserts nothing; the figures go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from safetydesk import demo
from safetydesk.demo.generator import DEMO_PASSWORD, SETUP_USER
from safetydesk.paths import resolve
from safetydesk.services import files


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), _cpu()
    out = fn()
    return time.perf_counter() - wall, _cpu() - cpu, out


def _status(key: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folder", type=Path, required=True)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--workers", type=int, default=None, help="verify's refold processes (default: its own)")
    ap.add_argument("--build", type=int, default=None, help="build a demo of N interactions if none is there")
    ap.add_argument("--memory", action="store_true",
                    help="only one verify, and this process's peak during it (reset after the sign-in)")
    args = ap.parse_args()
    paths = resolve(args.folder)
    if args.build and not paths.data_file.exists():
        demo.generate(paths, interactions=args.build, today=date(2026, 11, 28))
    session = files.sign_in(paths, SETUP_USER, DEMO_PASSWORD)
    store = session.store
    kwargs = {} if args.workers is None else {"workers": args.workers}
    print(f"history entries: {store.history_count():,}; workers: {args.workers or 'default'}", flush=True)
    if args.memory:
        Path("/proc/self/clear_refs").write_text("5")  # the sign-in's argon2id peaks higher (Linux)
        before = _status("VmRSS")
        wall, cpu, problems = _timed(lambda: store.verify(**kwargs))
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"verify {wall:.1f} s wall {cpu:.1f} s CPU ({len(problems)} problems); signed in {before:.0f} MiB, "
              f"peak during verify {_status('VmHWM'):.0f} MiB (this process), {kids:.0f} MiB (largest worker)")
        return
    ratios_wall, ratios_cpu = [], []
    for n in range(args.rounds):
        a = _timed(lambda: store.conn.execute("PRAGMA integrity_check").fetchall())
        v = _timed(lambda: store.verify(**kwargs))
        b = _timed(lambda: store.conn.execute("PRAGMA integrity_check").fetchall())
        anchor_wall, anchor_cpu = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        ratios_wall.append(v[0] / anchor_wall)
        ratios_cpu.append(v[1] / anchor_cpu)
        print(f"round {n + 1}: integrity_check {a[0]:.1f} s wall {a[1]:.1f} s CPU, then {b[0]:.1f} / "
              f"{b[1]:.1f} s; verify {v[0]:.1f} s wall {v[1]:.1f} s CPU ({len(v[2])} problems); "
              f"ratio x{ratios_wall[-1]:.2f} wall, x{ratios_cpu[-1]:.2f} CPU; load {os.getloadavg()[0]:.1f}",
              flush=True)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"median ratio x{statistics.median(ratios_wall):.2f} wall, x{statistics.median(ratios_cpu):.2f} CPU; "
          f"peak memory {own:.0f} MiB (this process), {kids:.0f} MiB (largest worker)", flush=True)
    session.store.close()


if __name__ == "__main__":
    sys.exit(main())
