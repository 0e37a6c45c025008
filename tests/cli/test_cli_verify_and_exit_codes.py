"""`verify --repair` repairs what is only derived and never the history (P25); exit codes are as
docs/command-line.md says: 0 success, 1 an expected failure (with one sentence), 2 a usage error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from safetydesk.app import main
from safetydesk.services import files
from support import raw_connection

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


def run(*args: str) -> int:
    return main(list(args))


@pytest.fixture
def district(paths, monkeypatch):
    monkeypatch.setenv("SAFETYDESK_PASSWORD", PASSWORD)
    assert run("init", "--district", "Fictional Valley SD", "--school", "Alder Elementary:elementary",
               "--school", "Birch High School:high", "--admin", "it-admin") == 0
    return paths


def _sql(paths, *statements: str) -> None:
    session = files.sign_in(paths, "it-admin", PASSWORD)
    session.store.close()
    conn = raw_connection(session.store)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.mark.policy("P25")
def test_repair_rebuilds_a_derived_table_whose_rows_are_missing(district, capsys):
    _sql(district, "DELETE FROM schools WHERE name = 'Alder Elementary'")
    assert run("verify", "--user", "it-admin") == 1
    err = capsys.readouterr().err
    assert "The table schools does not match the history" in err and "missing" in err
    assert run("verify", "--repair", "--user", "it-admin") == 0
    assert "Repaired" in capsys.readouterr().out
    assert run("verify", "--user", "it-admin") == 0


@pytest.mark.policy("P25")
def test_repair_never_touches_a_damaged_history(district, capsys):
    _sql(district, "DELETE FROM schools WHERE name = 'Alder Elementary'",
         "DROP TRIGGER history_no_update", "UPDATE history SET user = 'someone-else' WHERE seq = 2")
    assert run("verify", "--repair", "--user", "it-admin") == 1
    err = capsys.readouterr().err
    assert "altered" in err and "nothing was repaired: restore a backup" in err
    assert "The table schools does not match" in err  # left as it was: the history is the evidence


@pytest.mark.policy("P23")
@pytest.mark.parametrize("argv", [
    ["no-such-command"],
    ["verify", "--no-such-option"],
    ["report", "no-such-report", "--out", "x.pdf"],
    ["report", "disaggregated", "--out", "x.pdf", "--user", "it-admin"],  # no --year
    ["report", "interaction", "--out", "x.txt", "--user", "it-admin"],
    ["export", "records", "--out", "x.csv"],  # no --type
    ["verify"],  # no --user: the file is encrypted
    ["backup"],
    ["restore", "missing-backup.sdbackup", "--user", "it-admin"],
    ["demo", "--replace"],  # replacing needs an account
])
def test_usage_errors_exit_2(district, argv, capsys):
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert "Error" in err and "Traceback" not in err


@pytest.mark.policy("P23")
@pytest.mark.parametrize("argv", [
    ["verify", "--user", "nobody"],  # wrong account
    ["backup", "--task-key"],  # no scheduled-task key
    ["init", "--district", "D", "--school", "S", "--admin", "a"],  # a data file is already there
    ["report", "interaction", "--id", "01JC3ZZZZZZZZZZZZZZZZZZZZZ", "--out", "x.pdf", "--user", "it-admin"],
])
def test_expected_failures_exit_1_with_one_sentence(district, argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(*argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("safetydesk: ") and "Traceback" not in err
    assert not list(tmp_path.glob("x.*"))


def test_the_exit_codes_are_documented():
    doc = (ROOT / "docs" / "command-line.md").read_text("utf-8")
    section = doc[doc.index("## Exit codes"):]
    for code in ("0", "1", "2"):
        assert re.search(rf"\| `{code}` \|", section), code
