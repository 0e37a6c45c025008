"""The proof counters reach the end of the test output, where CI's log shows them."""

import os
import subprocess
import sys
from pathlib import Path


def test_counter_lines_are_printed_after_the_run(tmp_path: Path):
    tests = Path(__file__).parent
    (tmp_path / "test_one.py").write_text(
        "from support import count\n\ndef test_x():\n    count('demo-proof', tried=3, missed=0)\n"
    )
    (tmp_path / "conftest.py").write_text((tests / "conftest.py").read_text())
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tests)},
    )
    assert "demo-proof: tried=3 missed=0" in out.stdout, out.stdout + out.stderr
