"""Benchmarks print figures and are run by hand; this only checks they still run (no timing asserted)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_encryption_benchmark_runs_on_a_tiny_data_set():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_encryption.py"), "--interactions", "60", "--saves", "3"],
        capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "encryption overhead" in result.stdout


@pytest.mark.slow
def test_the_scale_benchmark_prints_its_table_on_a_tiny_data_set(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--interactions", "120", "--repeat", "1",
         "--folder", str(tmp_path / "bench")],
        capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    table = result.stdout
    assert "| figure | median ms | anchor in the same run | anchor ms | ratio |" in table
    for figure in ("first rows of the list", "last page of the list", "a filter change", "full-text search, rare",
                   "save one interaction", "dashboard after a save", "disaggregated tables", "verify", "backup",
                   "demo build", "verify, CPU time"):
        assert f"| {figure}" in table, figure


@pytest.mark.slow
def test_the_verify_benchmark_runs_with_two_processes_on_a_tiny_data_set(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_verify.py"), "--folder", str(tmp_path / "v"),
         "--build", "60", "--rounds", "1", "--workers", "2"],
        capture_output=True, text=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "(0 problems)" in result.stdout and "median ratio" in result.stdout, result.stdout
