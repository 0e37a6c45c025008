"""`safetydesk import roster` as IT scripts it: --preview in numbers, the guard and --force."""

from __future__ import annotations

import pytest
from roster_sets import FIXTURES, kids, write_set

from safetydesk.app import main
from support import ADMIN_PASSWORD


@pytest.fixture
def signed(admin, monkeypatch):
    admin.store.close()
    monkeypatch.setenv("SAFETYDESK_PASSWORD", ADMIN_PASSWORD)
    return admin


def run(*args: str) -> int:
    return main(["import", "roster", "--user", "admin", *args])


def test_preview_says_what_would_happen_and_writes_nothing(signed, capsys):
    assert run(str(FIXTURES / "skyward-1.1"), "--preview") == 0
    out = capsys.readouterr().out
    assert "Preview (nothing was written):" in out
    assert "4 new, 0 updated, 0 unchanged, 0 made inactive, 0 skipped." in out
    assert "Birch High School: 3 new" in out and "Read users.csv as Windows-1252." in out
    assert "Read nativeHawaiianOrOtherPacificIs as nativeHawaiianOrOtherPacificIslander" in out
    assert "Skipped column cityOfBirth (demographics.csv)" in out
    assert run(str(FIXTURES / "skyward-1.1"), "--preview") == 0
    assert "4 new" in capsys.readouterr().out  # still new: nothing was written


def test_the_guard_stops_with_the_numbers_and_force_goes_on(signed, tmp_path, capsys):
    people = kids(10)
    assert run(str(write_set(tmp_path / "one", people, as_zip=True))) == 0
    capsys.readouterr()
    two = str(write_set(tmp_path / "two", people[:6], as_zip=True))
    assert run(two, "--full") == 1
    err = capsys.readouterr().err
    assert "Birch High School: 4 of 10 active students (40%)" in err and "--force" in err
    assert "Traceback" not in err
    assert run(two, "--full", "--force") == 0
    assert "4 marked inactive" in capsys.readouterr().out


def test_a_file_that_is_not_a_roster_is_one_sentence(signed, tmp_path, capsys):
    junk = tmp_path / "photo.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    assert run(str(junk)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "photo.zip" in err and "Traceback" not in err
