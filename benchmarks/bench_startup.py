"""Start-up time of the SafetyDesk window against a bare PySide6 window, in the same run.

Each measurement is a fresh Python process, offscreen, from interpreter start
to the window built, shown and its first events processed:

* bare: QApplication + an empty QMainWindow;
* SafetyDesk: `safetydesk --self-test` signed in on a demo data file (unlock
  with argon2id, open the encrypted file, build the main window, load the
  dashboard and the first page of the list).

    .venv/bin/python benchmarks/bench_startup.py [--runs 5] [--home DIR]

Without --home a small demo data folder is generated first (not timed).
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

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1200, 800); w.show()
app.processEvents()
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if result.returncode != 0:
        raise SystemExit(f"{cmd} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--home", type=Path)
    args = ap.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    home = args.home
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="sd-bench-start-"))
        subprocess.run([sys.executable, "-m", "safetydesk", "--home", str(home), "demo"], env=env,
                       check=True, capture_output=True)
    sd_env = {**env, "SAFETYDESK_USER": "admin", "SAFETYDESK_PASSWORD": "demo"}
    bare, desk = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        bare.append(timed([sys.executable, "-c", BARE], env))
        desk.append(timed([sys.executable, "-m", "safetydesk", "--home", str(home), "--self-test"], sd_env))
    b, d = statistics.median(bare), statistics.median(desk)
    print(f"bare PySide6 window:   median {b:.2f} s over {args.runs} runs (min {min(bare):.2f})")
    print(f"SafetyDesk window:     median {d:.2f} s over {args.runs} runs (min {min(desk):.2f})")
    print(f"SafetyDesk costs {d - b:.2f} s more than a bare window (x{d / b:.1f})")


if __name__ == "__main__":
    main()
