"""Start-up time of the bundled program beside the installed (virtualenv) one, in the same run.

Each measurement is a fresh process, offscreen, from start to the window built
and its data loaded (``--self-test`` signed in on the same demo data file), so
both pay for argon2id, SQLCipher and the first page of every list:

* bare:      Python + an empty PySide6 window (the anchor);
* installed: ``.venv/bin/safetydesk --self-test``;
* bundle:    ``dist/SafetyDesk/safetydesk-cli --self-test`` (build it first: python3 dev.py bundle).

Runs are interleaved so all three see the same machine load. Also prints the
bundle's size on disk.

    .venv/bin/python benchmarks/bench_bundle_startup.py [--runs 5] [--scale 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "SafetyDesk"
BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1200, 800); w.show()
app.processEvents()
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{cmd} failed:\n{done.stdout}\n{done.stderr}")
    return took


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scale", type=int, default=200, help="demo interactions in the data file")
    ap.add_argument("--bundle", type=Path, default=BUNDLE)
    args = ap.parse_args()
    cli = args.bundle / ("safetydesk-cli.exe" if os.name == "nt" else "safetydesk-cli")
    if not cli.is_file():
        print(f"No bundle at {args.bundle}: run python3 dev.py bundle first.", file=sys.stderr)
        return 2
    installed = Path(sys.executable).with_name("safetydesk.exe" if os.name == "nt" else "safetydesk")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETYDESK_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="sd-bench-bundle-") as tmp:
        home = Path(tmp) / "home"
        subprocess.run([str(installed), "--home", str(home), "demo", "--scale", str(args.scale)],
                       env=env, check=True, capture_output=True)
        signed = {**env, "SAFETYDESK_USER": "admin", "SAFETYDESK_PASSWORD": "demo"}
        # One untimed run each: the first start of a program pays for the disk cache.
        timed([str(installed), "--home", str(home), "--self-test"], signed)
        timed([str(cli), "--home", str(home), "--self-test"], signed)
        times: dict[str, list[float]] = {"bare": [], "installed": [], "bundle": []}
        for _ in range(args.runs):
            times["bare"].append(timed([sys.executable, "-c", BARE], env))
            times["installed"].append(timed([str(installed), "--home", str(home), "--self-test"], signed))
            times["bundle"].append(timed([str(cli), "--home", str(home), "--self-test"], signed))
    print(f"bundle size: {size_mb(args.bundle):.0f} MB on disk ({args.bundle})")
    print(f"start-up to a loaded window, median of {args.runs} (min-max):")
    for name, values in times.items():
        print(f"  {name:<10} {statistics.median(values):6.2f} s  ({min(values):.2f}-{max(values):.2f})")
    ratio = statistics.median(times["bundle"]) / statistics.median(times["installed"])
    print(f"bundle / installed: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
