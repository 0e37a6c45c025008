"""The roster benchmark still runs (tiny scale; no timing asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_roster_benchmark_runs_on_a_tiny_district():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_roster.py"), "--students", "40",
                             "--changed", "5"], capture_output=True, text=True, env=dict(os.environ), timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "0 new, 5 updated, 35 unchanged" in result.stdout
