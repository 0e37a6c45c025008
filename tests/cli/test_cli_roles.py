"""P23 at the command line's file-level doors: only a district administrator restores a backup, after
the password, and the replaced file is kept; `demo` never replaces a file with real data, and
`demo --replace` needs an account."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from safetydesk.app import main
from safetydesk.domain.records import SchoolDraft, UserDraft
from safetydesk.paths import resolve
from safetydesk.services import accounts, files, registry

PASSWORD = "a long enough password"
OTHER_ROLES = {"principal": "principal", "office": "front_office", "officer": "safety_staff",
               "reviewer": "reviewer"}


def run(*args: str) -> int:
    return main(list(args))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def district(paths, monkeypatch, tmp_path):
    """A real district file with an account of every role (same password) and a backup of it."""
    monkeypatch.setenv("SAFETYDESK_PASSWORD", PASSWORD)
    assert run("init", "--district", "Fictional Valley SD", "--school", "Birch High School:high",
               "--admin", "it-admin") == 0
    session = files.sign_in(paths, "it-admin", PASSWORD)
    try:
        school = registry.schools(session)[0]["id"]
        for username, role in OTHER_ROLES.items():
            schools = [] if role == "reviewer" else [school]
            accounts.create_user(session, UserDraft(username=username, display_name=username, role=role,
                                                    schools=schools), PASSWORD)
    finally:
        session.store.close()
    backup = tmp_path / "district.sdbackup"
    assert run("backup", "--user", "it-admin", "--out", str(backup)) == 0
    return paths, backup


def _replaced(paths) -> list[Path]:
    return sorted(paths.data.glob("*-replaced-*"))


@pytest.mark.policy("P23")
@pytest.mark.parametrize("username", sorted(OTHER_ROLES))
def test_only_a_district_administrator_restores(district, username, capsys):
    paths, backup = district
    before = digest(paths.data_file)
    assert run("restore", str(backup), "--yes", "--user", username) == 1
    err = capsys.readouterr().err
    assert "Only a district administrator may restore a backup" in err and "Traceback" not in err
    assert digest(paths.data_file) == before and _replaced(paths) == []


@pytest.mark.policy("P23")
def test_restore_needs_the_password_and_an_account(district, monkeypatch, capsys):
    paths, backup = district
    before = digest(paths.data_file)
    assert run("restore", str(backup), "--yes") == 2  # a usage error: no --user
    monkeypatch.setenv("SAFETYDESK_PASSWORD", "not the password at all")
    assert run("restore", str(backup), "--yes", "--user", "it-admin") == 1
    assert "do not match" in capsys.readouterr().err
    assert digest(paths.data_file) == before and _replaced(paths) == []


@pytest.mark.policy("P23")
def test_a_backup_of_a_file_someone_made_for_themselves_does_not_replace_the_districts(
        district, tmp_path, capsys):
    """Front office sets up a data file of their own (where they are administrator) and restores it."""
    paths, _ = district
    own = resolve(tmp_path / "own")
    files.create_data_file(own, "Mine", [SchoolDraft(name="S")], "office", PASSWORD).store.close()
    session = files.sign_in(own, "office", PASSWORD)
    try:
        own_backup = files.backup(session, tmp_path / "own.sdbackup")
    finally:
        session.store.close()
    before = digest(paths.data_file)
    assert run("restore", str(own_backup), "--yes", "--user", "office") == 1
    assert "front office" in capsys.readouterr().err.lower()
    files.create_data_file(resolve(tmp_path / "new"), "Mine", [SchoolDraft(name="S")], "stranger",
                           PASSWORD).store.close()
    session = files.sign_in(resolve(tmp_path / "new"), "stranger", PASSWORD)
    try:
        stranger_backup = files.backup(session, tmp_path / "stranger.sdbackup")
    finally:
        session.store.close()
    assert run("restore", str(stranger_backup), "--yes", "--user", "stranger") == 1
    assert digest(paths.data_file) == before and _replaced(paths) == []


@pytest.mark.policy("P23")
def test_when_the_current_file_is_damaged_the_backup_decides(district, capsys):
    paths, backup = district
    paths.data_file.write_bytes(b"damaged" * 4096)
    for side in ("-wal", "-shm"):
        Path(str(paths.data_file) + side).unlink(missing_ok=True)
    assert run("restore", str(backup), "--yes", "--user", "reviewer") == 1
    assert "in that backup" in capsys.readouterr().err
    assert paths.data_file.read_bytes() == b"damaged" * 4096
    assert run("restore", str(backup), "--yes", "--user", "it-admin") == 0
    [kept] = [p for p in _replaced(paths) if p.suffix == ".sqlite"]
    assert kept.read_bytes() == b"damaged" * 4096  # moved aside, not deleted


@pytest.mark.policy("P25")
def test_a_district_administrator_restores_and_the_current_file_is_kept(district, capsys):
    paths, backup = district
    before = digest(paths.data_file)
    assert run("restore", str(backup), "--yes", "--user", "it-admin") == 0
    assert "previous data file was kept" in capsys.readouterr().out
    kept = [p for p in _replaced(paths) if p.suffix == ".sqlite"]
    assert [digest(p) for p in kept] == [before]
    assert Path(str(kept[0]) + ".keys").exists()
    assert run("verify", "--user", "it-admin") == 0


# ------------------------------------------------------------------ demo --replace
@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    from safetydesk import demo as demo_service

    home = tmp_path_factory.mktemp("demo-home")
    demo_service.generate(resolve(home), interactions=0)
    return home


@pytest.fixture
def demo_home(demo_folder, paths, monkeypatch):
    shutil.copytree(demo_folder / "data", paths.data, dirs_exist_ok=True)
    monkeypatch.setenv("SAFETYDESK_PASSWORD", "demo")
    return paths


@pytest.mark.policy("P23")
def test_demo_replace_needs_an_account_and_a_district_administrator(demo_home, capsys):
    before = digest(demo_home.data_file)
    assert run("demo", "--replace", "--scale", "0") == 2
    assert "needs an account" in capsys.readouterr().err
    for username in ("office", "officer", "principal", "reviewer"):
        assert run("demo", "--replace", "--scale", "0", "--user", username) == 1
        assert "not allowed to administer" in capsys.readouterr().err
    assert digest(demo_home.data_file) == before


@pytest.mark.policy("P23")
def test_demo_replaces_a_demo_file_for_its_administrator(demo_home, capsys):
    before = digest(demo_home.data_file)
    assert run("demo", "--replace", "--scale", "0", "--seed", "8", "--user", "admin") == 0
    assert digest(demo_home.data_file) != before
    assert run("verify", "--user", "admin") == 0


@pytest.mark.policy("P23")
def test_demo_never_replaces_a_file_with_real_data(district, capsys):
    paths, _ = district
    before = digest(paths.data_file)
    assert run("demo", "--replace", "--scale", "0", "--user", "it-admin") == 1
    assert "holds real (non-demo) data" in capsys.readouterr().err
    assert run("demo", "--scale", "0") == 1
    assert digest(paths.data_file) == before


@pytest.mark.policy("P23")
def test_a_demo_file_someone_started_using_for_real_is_not_replaced(demo_home, capsys):
    session = files.sign_in(demo_home, "admin", "demo")
    try:
        accounts.create_user(session, UserDraft(username="dana.real", display_name="Dana", role="reviewer"),
                             PASSWORD)
    finally:
        session.store.close()
    before = digest(demo_home.data_file)
    assert run("demo", "--replace", "--scale", "0", "--user", "admin") == 1
    assert "holds real (non-demo) data" in capsys.readouterr().err
    assert digest(demo_home.data_file) == before


@pytest.mark.policy("P23")
def test_demo_does_not_replace_a_file_it_cannot_read(demo_home, capsys):
    demo_home.data_file.write_bytes(b"\0garbage" * 1000)
    for side in ("-wal", "-shm"):
        Path(str(demo_home.data_file) + side).unlink(missing_ok=True)
    assert run("demo", "--replace", "--scale", "0", "--user", "admin") == 1
    assert "cannot tell whether it holds real data" in capsys.readouterr().err
    assert demo_home.data_file.read_bytes() == b"\0garbage" * 1000
