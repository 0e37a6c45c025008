"""The sync benchmark still runs (tiny); it prints figures, no timing is asserted."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_sync_benchmark_runs_on_a_tiny_share():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_sync.py"), "--entries", "50", "--files", "20",
         "--join-scale", "0"],
        capture_output=True, text=True, env=dict(os.environ), timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "files opened: 0" in result.stdout and "raw SQLite insert" in result.stdout
