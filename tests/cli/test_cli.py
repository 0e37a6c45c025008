"""The command line, as IT would script it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from safetydesk.app import main
from safetydesk.cli import cli as click_group
from support import raw_connection

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


def run(*args: str) -> int:
    return main(list(args))


@pytest.fixture
def initialised(paths, monkeypatch):
    monkeypatch.setenv("SAFETYDESK_PASSWORD", PASSWORD)
    code = run("init", "--district", "Fictional Valley SD", "--school", "Alder Elementary:elementary",
               "--school", "Birch High School:high", "--admin", "it-admin")
    assert code == 0
    return paths


def test_init_creates_a_data_file_that_verifies(initialised, capsys):
    assert initialised.data_file.exists()
    assert run("verify", "--user", "it-admin") == 0
    assert "OK" in capsys.readouterr().out


def test_init_refuses_to_overwrite_an_existing_district(initialised, capsys):
    assert run("init", "--district", "Other", "--school", "X", "--admin", "someone") == 1
    err = capsys.readouterr().err
    assert "already a SafetyDesk data file" in err and "Nothing was changed" in err


def test_init_explains_a_short_password(paths, monkeypatch, capsys):
    monkeypatch.setenv("SAFETYDESK_PASSWORD", "short")
    assert run("init", "--district", "D", "--school", "S", "--admin", "a") == 1
    err = capsys.readouterr().err
    assert "was not created" in err and "at least 12 characters" in err
    assert not paths.data_file.exists()  # validation happens before anything is written


@pytest.mark.policy("P25")
def test_verify_exits_non_zero_when_the_history_was_edited(initialised, capsys):
    from safetydesk.services import files

    session = files.sign_in(initialised, "it-admin", PASSWORD)
    session.store.close()
    conn = raw_connection(session.store)
    conn.execute("DROP TRIGGER history_no_update")
    conn.execute("UPDATE history SET user = 'someone-else' WHERE seq = 2")
    conn.commit()
    conn.close()
    assert run("verify", "--user", "it-admin") == 1
    err = capsys.readouterr().err
    assert "problem(s) found" in err and "History entry 2" in err and "altered" in err


def test_backup_and_restore_round_trip(initialised, tmp_path, capsys):
    out = tmp_path / "copy.sqlite"
    assert run("backup", "--user", "it-admin", "--out", str(out)) == 0
    assert out.exists()
    initialised.data_file.write_bytes(b"damaged" * 4096)
    for side in ("-wal", "-shm"):
        Path(str(initialised.data_file) + side).unlink(missing_ok=True)
    assert run("verify", "--user", "it-admin") == 1
    assert "damaged" in capsys.readouterr().err
    assert run("restore", str(out), "--yes", "--user", "it-admin") == 0
    assert "previous data file was kept" in capsys.readouterr().out
    assert run("verify", "--user", "it-admin") == 0


def test_default_backup_goes_to_the_backups_folder(initialised, capsys):
    assert run("backup", "--user", "it-admin") == 0
    assert len(list(initialised.backups.glob("safetydesk-*.sdbackup"))) == 1


def test_version(capsys):
    assert run("--version") == 0
    assert re.search(r"SafetyDesk, version \d+\.\d+", capsys.readouterr().out)


def test_a_damaged_file_gives_a_sentence_not_a_traceback(paths, tmp_path):
    from safetydesk.domain.records import SchoolDraft
    from safetydesk.services import files

    files.create_data_file(paths, "D", [SchoolDraft(name="S")], "it-admin", PASSWORD).store.close()
    paths.data_file.write_bytes(b"\x00garbage" * 2000)
    for side in ("-wal", "-shm"):
        Path(str(paths.data_file) + side).unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "safetydesk", "--home", str(paths.data.parent), "verify", "--user", "it-admin"],
        capture_output=True, text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "SAFETYDESK_PASSWORD": PASSWORD},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "damaged" in result.stderr and "left exactly as it is" in result.stderr


def test_every_command_and_option_is_documented():
    doc = (ROOT / "docs" / "command-line.md").read_text()
    missing = []
    for name, command in click_group.commands.items():
        if f"safetydesk {name}" not in doc:
            missing.append(name)
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in doc:
                    missing.append(f"{name} {opt}")
    for param in click_group.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt not in doc:
                missing.append(opt)
    assert missing == [], f"undocumented in docs/command-line.md: {missing}"


def test_demo_then_verify_and_tampering_is_caught(paths, monkeypatch, capsys):
    assert run("demo", "--scale", "200", "--seed", "7") == 0
    out = capsys.readouterr().out
    assert "admin" in out and "reviewer" in out and "password for each: demo" in out
    monkeypatch.setenv("SAFETYDESK_PASSWORD", "demo")
    assert run("verify", "--user", "admin") == 0
    assert run("demo") == 1
    assert "--replace" in capsys.readouterr().err
    from safetydesk.services import files

    session = files.sign_in(paths, "admin", "demo")
    session.store.close()
    conn = raw_connection(session.store)
    conn.execute("DROP TRIGGER history_no_delete")
    conn.execute("DELETE FROM history WHERE seq = 100")
    conn.commit()
    assert run("verify", "--user", "admin") == 1
    assert "missing" in capsys.readouterr().err
