"""Build the SafetyDesk desktop bundle (one folder) with PyInstaller, and optionally check it.

    .venv/bin/python installer/build.py           # build dist/SafetyDesk/
    .venv/bin/python installer/build.py --check   # build, then run installer/check_bundle.py

`python3 dev.py bundle [--check]` does the same after setting up the environment.
Works the same on Windows (run it there to get the Windows bundle; see
docs/deploying.md). Prints the bundle's size when done.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "installer" / "safetydesk.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / "SafetyDesk"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(clean: bool = False) -> int:
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
           "--distpath", str(DIST), "--workpath", str(WORK), str(SPEC)]
    if clean:
        cmd.insert(3, "--clean")
    started = time.perf_counter()
    code = subprocess.run(cmd, cwd=ROOT).returncode
    if code != 0:
        print(f"PyInstaller failed (exit {code}).", file=sys.stderr)
        return code
    size = folder_size(BUNDLE)
    files = sum(1 for p in BUNDLE.rglob("*") if p.is_file())
    print(f"Bundle: {BUNDLE} ({size / 1e6:.0f} MB in {files} files), "
          f"built in {time.perf_counter() - started:.0f} s.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="run the bundle's checks after building")
    parser.add_argument("--clean", action="store_true", help="rebuild everything (no PyInstaller cache)")
    parser.add_argument("--no-build", action="store_true", help="only check the existing bundle")
    args = parser.parse_args(argv)
    if not args.no_build:
        code = build(args.clean)
        if code != 0:
            return code
    if args.check or args.no_build:
        env = dict(os.environ)
        return subprocess.run([sys.executable, str(ROOT / "installer" / "check_bundle.py"),
                               str(BUNDLE)], cwd=ROOT, env=env).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
