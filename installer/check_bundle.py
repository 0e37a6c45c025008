"""Check a built SafetyDesk bundle the way an installed copy will be used.

    .venv/bin/python installer/check_bundle.py dist/SafetyDesk

Each step runs the *bundled* program (never the development install) in a fresh
temporary home folder, offscreen, and stops at the first failure:

1. ``--version`` prints the version in pyproject.toml;
2. ``--self-test`` with no data file (style sheet, icon, Qt plug-ins, the window);
3. ``demo`` (SQLCipher, FTS5, argon2, every record kind) and ``--self-test``
   signed in, so the encrypted file opens and the window loads it;
4. a PDF report, whose fonts must be the Noto Sans shipped in the bundle;
5. upgrade safety: the data file is made one schema step older (as if an older
   SafetyDesk had written it); the bundle opening it must first leave a backup
   copy in backups/, then migrate, and ``verify`` must pass.

Exit 0 when every step passed. Used by CI (.ci/run) and ``dev.py bundle --check``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


class Failed(Exception):
    pass


def cli_program(bundle: Path) -> Path:
    name = "safetydesk-cli.exe" if os.name == "nt" else "safetydesk-cli"
    program = bundle / name
    if not program.is_file():
        raise Failed(f"{program} is missing: build the bundle first (python3 dev.py bundle).")
    return program


def run(program: Path, *args: str, home: Path, user: bool = False, timeout: int = 300) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFETYDESK_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    # The bundle must not lean on the development checkout or its environment.
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    if user:
        env["SAFETYDESK_USER"], env["SAFETYDESK_PASSWORD"] = "admin", "demo"
    started = time.perf_counter()
    done = subprocess.run([str(program), "--home", str(home), *args], capture_output=True,
                          text=True, env=env, timeout=timeout, cwd=home.parent)
    took = time.perf_counter() - started
    shown = " ".join(args)
    if done.returncode != 0:
        raise Failed(f"`{program.name} {shown}` exited {done.returncode}:\n{done.stdout}{done.stderr}")
    if "Traceback" in done.stderr:
        raise Failed(f"`{program.name} {shown}` printed a traceback:\n{done.stderr}")
    print(f"  ok  {program.name} {shown} ({took:.1f} s)", flush=True)
    return done.stdout


def school_year(today: date) -> str:
    start = today.year if today.month >= 7 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def make_one_step_older(home: Path) -> str:
    """Undo the newest schema migration in ``home``'s data file; returns its name.

    Done with the development install (the bundle has no tool for it on purpose):
    the objects the newest migration created are dropped and its row removed, so
    the file looks exactly like one written by the release before it.
    """
    sys.path.insert(0, str(ROOT / "src"))
    from sqlite_utils import Database

    from safetydesk.paths import resolve
    from safetydesk.services import files
    from safetydesk.store import schema
    from safetydesk.store.connection import connect

    newest = schema.migrations._migrations[-1].name
    with tempfile.TemporaryDirectory() as scratch:
        older = Database(connect(Path(scratch) / "older.sqlite", None))
        schema.migrations.apply(older, stop_before=newest)
        before = {r[0] for r in older.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}
        older.conn.close()
    session = files.sign_in(resolve(home), "admin", "demo")
    conn = session.store.conn
    rows = conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
    added = [(kind, name) for kind, name in rows if name not in before]
    for kind, name in sorted(added, key=lambda r: r[0] != "index"):
        if kind in ("table", "index", "view", "trigger") and not name.startswith(("_", "fts")):
            conn.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
    conn.execute("DELETE FROM _sqlite_migrations WHERE migration_set = ? AND name = ?",
                 (schema.MIGRATION_SET, newest))
    conn.commit()
    session.store.close()
    return newest


def check(bundle: Path) -> None:
    program = cli_program(bundle)
    for name in ("style.qss", "safetydesk.svg", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        if not any(bundle.rglob(name)):
            raise Failed(f"{name} is missing from the bundle")
    print("  ok  the style sheet, icon and fonts are in the bundle")
    with tempfile.TemporaryDirectory(prefix="safetydesk-bundle-") as tmp:
        scratch = Path(tmp)
        out = run(program, "--version", home=scratch / "version")
        if VERSION not in out:
            raise Failed(f"--version printed {out.strip()!r}, not the version {VERSION} of pyproject.toml")
        run(program, "--self-test", home=scratch / "empty")
        home = scratch / "demo"
        run(program, "demo", "--scale", "60", home=home)
        run(program, "--self-test", home=home, user=True)

        pdf = scratch / "board.pdf"
        run(program, "report", "board", "--year", school_year(date.today()), "--out", str(pdf),
            home=home, user=True)
        from pypdf import PdfReader

        fonts = set()
        for page in PdfReader(str(pdf)).pages:
            for font in (page.get("/Resources") or {}).get("/Font", {}).values():
                fonts.add(str(font.get_object().get("/BaseFont")))
        if not any("NotoSans" in f for f in fonts):
            raise Failed(f"the PDF does not use the bundled Noto Sans font (it uses {sorted(fonts)})")
        print(f"  ok  the PDF uses the bundled font ({', '.join(sorted(fonts))})")

        newest = make_one_step_older(home)
        backups = home / "data" / "backups"
        earlier = set(backups.glob("*-before-upgrade-*")) if backups.exists() else set()
        run(program, "--self-test", home=home, user=True)
        taken = set(backups.glob("*-before-upgrade-*")) - earlier
        if len(taken) != 1:
            raise Failed(f"opening a file one version older left {len(taken)} backups in {backups}, not 1")
        print(f"  ok  upgrade ({newest}) ran after the backup {next(iter(taken)).name}")
        run(program, "verify", home=home, user=True)


def main(argv: list[str]) -> int:
    bundle = Path(argv[1] if len(argv) > 1 else ROOT / "dist" / "SafetyDesk").resolve()
    print(f"Checking the bundle {bundle}", flush=True)
    try:
        check(bundle)
    except (Failed, subprocess.TimeoutExpired) as exc:
        print(f"Bundle check failed: {exc}", file=sys.stderr)
        return 1
    print("Bundle check passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
