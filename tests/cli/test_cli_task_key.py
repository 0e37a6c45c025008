"""District IT runs `backup` and `verify` from a scheduled task without a person's password in the
script: a key slot whose secret only the operating system's credential store holds (keyring; the tests
use keyring's plaintext file backend), and whose session can do nothing but those two commands."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import keyring
import pytest

import safetydesk.services as services_pkg
from safetydesk.app import main
from safetydesk.domain.errors import PermissionDenied
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import UserDraft
from safetydesk.services import accounts, files, registry, task_key
from safetydesk.services.context import SERVICES
from safetydesk.store import keys_path

PASSWORD = "a long enough password"


def run(*args: str) -> int:
    return main(list(args))


@pytest.fixture
def district(paths, monkeypatch):
    monkeypatch.setenv("SAFETYDESK_PASSWORD", PASSWORD)
    assert run("init", "--district", "Fictional Valley SD", "--school", "Birch High School:high",
               "--admin", "it-admin") == 0
    session = files.sign_in(paths, "it-admin", PASSWORD)
    try:
        school = registry.schools(session)[0]["id"]
        accounts.create_user(session, UserDraft(username="principal", display_name="P", role="principal",
                                                schools=[school]), PASSWORD)
    finally:
        session.store.close()
    return paths


@pytest.fixture
def enabled(district, monkeypatch, capsys):
    assert run("task-key", "enable", "--user", "it-admin") == 0
    monkeypatch.delenv("SAFETYDESK_PASSWORD")  # the scheduled task has no password at all
    capsys.readouterr()
    return district


@pytest.mark.policy("P23")
def test_backup_and_verify_run_with_the_task_key_and_no_password(enabled, tmp_path, capsys):
    out = tmp_path / "nightly.sdbackup"
    assert run("backup", "--task-key", "--out", str(out)) == 0
    assert out.exists()
    assert run("verify", "--task-key") == 0
    assert "OK" in capsys.readouterr().out
    assert run("backup", "--task-key") == 0
    assert len(list(enabled.backups.glob("*.sdbackup"))) == 1


@pytest.mark.policy("P23")
def test_the_secret_is_only_in_the_credential_store(enabled):
    ring_text = keys_path(enabled.data_file).read_text("utf-8")
    assert task_key.SLOT in ring_text
    file_id = __import__("json").loads(ring_text)["file_id"]
    secret = keyring.get_password(task_key.CREDENTIAL_SERVICE, file_id)
    assert secret and len(secret) >= 40
    for f in enabled.data.rglob("*"):
        if f.is_file():
            assert secret.encode() not in f.read_bytes(), f.name


@pytest.mark.policy("P23")
def test_the_task_key_opens_no_other_command(enabled, tmp_path, capsys):
    for argv in (["restore", str(tmp_path / "x"), "--task-key"], ["export", "records", "--type", "interaction",
                 "--out", str(tmp_path / "e.csv"), "--task-key"],
                 ["report", "listing", "--year", "2025-26", "--out", str(tmp_path / "l.csv"), "--task-key"],
                 ["task-key", "disable", "--task-key"]):
        assert run(*argv) == 2, argv  # no such option: a usage error
    assert run("verify", "--task-key", "--user", "it-admin") == 2
    assert "not both" in capsys.readouterr().err


@pytest.mark.policy("P23")
def test_a_task_key_session_is_refused_by_every_service_but_administer(enabled):
    for m in pkgutil.iter_modules(services_pkg.__path__):
        importlib.import_module(f"safetydesk.services.{m.name}")
    session = task_key.open_as_task(enabled)
    outcomes = {}
    try:
        for name, permission in sorted(SERVICES.items()):
            if permission is None or permission == Permission.ADMINISTER:
                continue
            module, fn_name = name.split(".")
            fn = getattr(importlib.import_module(f"safetydesk.services.{module}"), fn_name)
            params = list(inspect.signature(fn).parameters.values())[1:]
            args = [None for p in params if p.default is inspect.Parameter.empty
                    and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            try:
                fn(session, *args)
                outcomes[name] = "allowed"
            except PermissionDenied:
                pass
            except Exception:
                outcomes[name] = "got past the check"
    finally:
        session.store.close()
    assert outcomes == {}
    assert files.verify(task_key.open_as_task(enabled)) == []


@pytest.mark.policy("P23")
def test_only_an_account_that_manages_users_enables_it(district, capsys):
    assert run("task-key", "enable", "--user", "principal") == 1
    assert "not allowed to manage users" in capsys.readouterr().err
    assert run("backup", "--task-key") == 1
    assert "no scheduled-task key" in capsys.readouterr().err


@pytest.mark.policy("P23")
def test_disabled_or_missing_secret_gives_a_sentence(enabled, monkeypatch, capsys):
    ring = __import__("json").loads(keys_path(enabled.data_file).read_text("utf-8"))
    keyring.delete_password(task_key.CREDENTIAL_SERVICE, ring["file_id"])
    assert run("verify", "--task-key") == 1
    err = capsys.readouterr().err
    assert "credential store holds no scheduled-task key" in err and "Traceback" not in err
    monkeypatch.setenv("SAFETYDESK_PASSWORD", PASSWORD)
    assert run("task-key", "enable", "--user", "it-admin") == 0
    assert run("task-key", "status", "--user", "it-admin") == 0
    assert "enabled; secret in this computer account's credential store: yes" in capsys.readouterr().out
    assert run("task-key", "disable", "--user", "it-admin") == 0
    assert task_key.SLOT not in keys_path(enabled.data_file).read_text("utf-8")
    monkeypatch.delenv("SAFETYDESK_PASSWORD")
    assert run("backup", "--task-key") == 1
    assert "no scheduled-task key" in capsys.readouterr().err


@pytest.mark.policy("P23")
def test_verify_and_backup_without_user_or_task_key_are_usage_errors(district, monkeypatch, capsys):
    for command in ("verify", "backup"):
        assert run(command) == 2
        assert "--user NAME" in capsys.readouterr().err
