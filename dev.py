#!/usr/bin/env python3
"""Set up SafetyDesk's environment and run it, or its tests.

    python3 dev.py start [safetydesk arguments...]   # install, then open the window
    python3 dev.py test  [pytest arguments...]       # install, then run every check
    python3 dev.py bundle [--check]                  # build the desktop bundle (dist/SafetyDesk)
    python3 dev.py bench [--interactions N]          # the scale benchmark's table (benchmarks/run.py)

Only the Python standard library is used here, so this works on a fresh clone
with nothing but Python 3.11+ installed. The environment lives in `.venv/`
beside this file and is reinstalled only when `pyproject.toml` changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".dev-stamp"


def venv_bin(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    suffix = ".exe" if os.name == "nt" else ""
    return VENV / folder / f"{name}{suffix}"


def ensure_environment(extra: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"SafetyDesk needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + extra.encode()
    ).hexdigest()
    if not venv_bin("python").exists():
        print("Creating the environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print(f"Installing SafetyDesk and what it needs ({extra}) ...", flush=True)
    python = str(venv_bin("python"))
    pip = [python, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}[{extra}]"], check=True)
    STAMP.write_text(wanted)


def run(cmd: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


def start(args: list[str]) -> int:
    ensure_environment("test")
    return run([str(venv_bin("safetydesk")), *args])


def test(args: list[str]) -> int:
    ensure_environment("test")
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONHASHSEED"] = "0"
    steps = [
        ("Layer contracts (import-linter)", [str(venv_bin("lint-imports"))]),
        ("Lint (ruff)", [str(venv_bin("ruff")), "check",
                         *[d for d in ("src", "tests", "benchmarks", "installer") if (ROOT / d).is_dir()]]),
        # The whole package, the window included (configured in pyproject.toml).
        ("Types (mypy)", [str(venv_bin("mypy"))]),
        ("Tests (pytest)", [str(venv_bin("python")), "-m", "pytest", *args]),
    ]
    for title, cmd in steps:
        print(f"\n== {title}", flush=True)
        code = run(cmd, env)
        if code != 0:
            print(f"\n{title} failed (exit {code}).", flush=True)
            return code
    return 0


def bundle(args: list[str]) -> int:
    """Build the PyInstaller bundle (installer/build.py); --check also runs its self-checks."""
    ensure_environment("test")
    python = str(venv_bin("python"))
    if subprocess.run([python, "-c", "import PyInstaller"], capture_output=True).returncode != 0:
        import tomllib

        wanted = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
        reqs = wanted["project"]["optional-dependencies"]["bundle"]
        print(f"Installing {', '.join(reqs)} ...", flush=True)
        subprocess.run([python, "-m", "pip", "--disable-pip-version-check", "--quiet", "install",
                        *reqs], check=True)
    return run([python, str(ROOT / "installer" / "build.py"), *args])


def bench(args: list[str]) -> int:
    """The scale benchmark: figures beside their anchors at N interactions (benchmarks/run.py)."""
    ensure_environment("test")
    return run([str(venv_bin("python")), str(ROOT / "benchmarks" / "run.py"), *args])


def main() -> int:
    commands = {"start": start, "test": test, "bundle": bundle, "bench": bench}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
