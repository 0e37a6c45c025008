"""Build the MSI from installer/windows/SafetyDesk.wxs with wixl (Debian's msitools).

    .venv/bin/python installer/build_msi.py [dist/SafetyDesk] [--out dist/SafetyDesk.msi]

On Linux this checks the installer source in CI: the package it builds holds the
Linux bundle, so it is only a proof that the WiX source is valid and complete.
The real Windows MSI is built on Windows with the WiX Toolset from the Windows
bundle (docs/deploying.md, "Building the Windows installer"); the same .wxs
serves both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WXS = ROOT / "installer" / "windows" / "SafetyDesk.wxs"
EXCLUDE_XSLT = ROOT / "installer" / "windows" / "exclude-programs.xslt"
ICON = ROOT / "src" / "safetydesk" / "resources" / "icons" / "safetydesk.ico"
MAIN_PROGRAMS = ("SafetyDesk", "safetydesk-cli")  # declared in the .wxs itself


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def harvest(bundle: Path, heat: str) -> str:
    """The component group BundleFiles: every file of the bundle but the two programs."""
    files = sorted(str(p) for p in bundle.rglob("*") if p.is_file())
    prefix = str(bundle) + os.sep
    cmd = [heat, "--prefix", prefix, "--directory-ref", "INSTALLDIR",
           "--component-group", "BundleFiles", "--var", "var.BundleDir", "--win64"]
    xsltproc = shutil.which("xsltproc")
    if not xsltproc:  # leave the two programs out here instead of with the Windows build's XSLT
        for name in MAIN_PROGRAMS:
            for suffix in ("", ".exe"):
                cmd += ["--exclude", prefix + name + suffix]
    done = subprocess.run(cmd, input="\n".join(files) + "\n", capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"wixl-heat failed: {done.stderr}")
    if not xsltproc:
        return done.stdout
    # The same transform the Windows build applies to WiX heat's output (docs/deploying.md).
    transformed = subprocess.run([xsltproc, str(EXCLUDE_XSLT), "-"], input=done.stdout,
                                 capture_output=True, text=True)
    if transformed.returncode != 0:
        raise SystemExit(f"xsltproc failed: {transformed.stderr}")
    return transformed.stdout


def table(msi: Path, name: str) -> list[list[str]]:
    """Rows of one MSI table (msiinfo export), without its three header lines."""
    done = subprocess.run(["msiinfo", "export", str(msi), name], capture_output=True, text=True)
    lines = done.stdout.splitlines()[3:] if done.returncode == 0 else []
    return [line.split("\t") for line in lines]


def check_package(msi: Path) -> list[str]:
    """What deployment relies on, read back from the built package."""
    problems = []
    props = {row[0]: row[1] for row in table(msi, "Property") if len(row) > 1}
    if props.get("ALLUSERS") != "1":
        problems.append("it is not a per-machine package (ALLUSERS is not 1)")
    if props.get("ProductVersion") != version():
        problems.append(f"its version is {props.get('ProductVersion')}, not {version()}")
    upgrades = table(msi, "Upgrade")
    if not any(row[-1] == "WIX_UPGRADE_DETECTED" for row in upgrades):
        problems.append("it does not replace older versions (no major upgrade)")
    if not any(row[0] == "StartMenuSafetyDesk" and row[1] == "ProgramMenuFolder" for row in table(msi, "Shortcut")):
        problems.append("it has no Start menu entry")
    names = [row[2].split("|")[-1] for row in table(msi, "File") if len(row) > 2]
    files = set(names)
    twice = [n for n in (*MAIN_PROGRAMS, *(p + ".exe" for p in MAIN_PROGRAMS)) if names.count(n) > (
        1 if n.endswith(".exe") else 0)]
    if twice:
        problems.append(f"the harvested files repeat the programs ({', '.join(twice)})")
    missing = {"SafetyDesk.exe", "safetydesk-cli.exe", "style.qss", "NotoSans-Regular.ttf"} - files
    if missing:
        problems.append(f"it lacks {', '.join(sorted(missing))}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", default=str(ROOT / "dist" / "SafetyDesk"))
    parser.add_argument("--out", default=str(ROOT / "dist" / "SafetyDesk.msi"))
    args = parser.parse_args(argv)
    wixl, heat = shutil.which("wixl"), shutil.which("wixl-heat")
    if not wixl or not heat:
        print("wixl is not installed (Debian: apt-get install wixl msitools).", file=sys.stderr)
        return 2
    bundle = Path(args.bundle).resolve()
    suffix = ".exe" if (bundle / "SafetyDesk.exe").exists() else ""
    if not (bundle / f"SafetyDesk{suffix}").is_file():
        print(f"No bundle in {bundle}: run python3 dev.py bundle first.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        fragment = Path(tmp) / "bundle-files.wxs"
        fragment.write_text(harvest(bundle, heat), "utf-8")
        # wixl resolves sources relative to the folder it runs in: give it relative paths.
        where = Path(os.path.commonpath([bundle, ICON]))
        cmd = [wixl, "--arch", "x64", "-D", f"Version={version()}",
               "-D", f"BundleDir={os.path.relpath(bundle, where)}", "-D", f"ExeSuffix={suffix}",
               "-D", f"IconFile={os.path.relpath(ICON, where)}", "-D", "Win64=yes",
               "-o", str(Path(args.out).resolve()), str(WXS), str(fragment)]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=where)
    if done.returncode != 0:
        print(f"wixl failed:\n{done.stdout}{done.stderr}", file=sys.stderr)
        return 1
    problems = check_package(Path(args.out))
    if problems:
        print("The MSI is not what the source promises:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    size = Path(args.out).stat().st_size
    print(f"MSI: {args.out} ({size / 1e6:.0f} MB), from {WXS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
