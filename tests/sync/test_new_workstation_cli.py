"""A second workstation that starts EMPTY, driven through the command line on real data files.

Workstation A (the district office) holds the district, its schools and the
accounts. Workstation B is a data folder with nothing in it: `sync --join`
without `--user` makes its data file, joins with the enrolment file and its
passphrase, and its first pass brings the district from the share. A person
who never used B then signs in there with the password they use on A (the
argon2id-wrapped credential that travels sealed under the district key,
docs/sync.md "First sign-in on a new workstation"); a wrong password fails; a
password reset on A replaces the old one on B; once A disables the account and
the change arrives, the account no longer opens B.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from safetydesk.cli import cli
from safetydesk.domain.errors import AuthenticationFailed
from safetydesk.domain.records import UserDraft
from safetydesk.paths import resolve
from safetydesk.services import accounts, files, registry
from safetydesk.store import keys_path
from support import ADMIN_PASSWORD

PASSPHRASE = "maple-river-lantern-42"
JORDAN = "Quiet-Harbor-Willow-93"       # fictional principal's password, set on A only


def run(home: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], env=env, catch_exceptions=False)
    return result.exit_code, result.output


def must(home: Path, *args: str) -> str:
    code, out = run(home, *args)
    assert code == 0, out
    return out


def sign_in(home: Path, user: str, password: str):
    return files.sign_in(resolve(home), user, password)


def _district_office(tmp_path: Path, monkeypatch) -> tuple[Path, Path, Path, str]:
    a, share = tmp_path / "A", tmp_path / "share"
    share.mkdir()
    monkeypatch.setenv("SAFETYDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("SAFETYDESK_ENROL_PASSPHRASE", PASSPHRASE)
    must(a, "init", "--district", "Fictional Valley", "--school", "Alder Elementary:elementary",
         "--school", "Birch High:high", "--admin", "admin")
    s = sign_in(a, "admin", ADMIN_PASSWORD)
    try:
        alder = next(x["id"] for x in registry.schools(s) if x["name"] == "Alder Elementary")
        accounts.create_user(s, UserDraft(username="jordan", display_name="Jordan Reyes",
                                          role="principal", schools=[alder]), JORDAN)
    finally:
        s.store.close()
    must(a, "sync", "--set-up", str(share), "--user", "admin")
    must(a, "sync", "--allow-unattended", "--user", "admin")
    return a, share, tmp_path / "alder.enrol", alder


@pytest.mark.policy("P23")
def test_an_empty_workstation_joins_and_a_person_who_never_used_it_signs_in(tmp_path, monkeypatch):
    a, share, enrolment, alder = _district_office(tmp_path, monkeypatch)
    must(a, "sync", "--enrol", str(enrolment), "--name", "Alder office", "--school", alder,
         "--user", "admin")
    b = tmp_path / "B"
    out = must(b, "sync", "--join", str(enrolment), "--share", str(share))
    assert "Joined the district folder as a new workstation" in out
    for home in (a, b, a, b):   # A approves B; B's files are accepted from then on
        code, out = run(home, "sync", "--once")
        assert code == 0, out

    # Nobody ever signed in on B, and B's key file has no slot made there.
    assert json.loads(keys_path(resolve(b).data_file).read_text())["slots"] == {}
    s = sign_in(b, "jordan", JORDAN)
    try:
        assert s.actor.role == "principal" and s.actor.schools == frozenset({alder})
        assert [x["name"] for x in registry.schools(s)] == ["Alder Elementary"]
        assert s.store.verify() == []
    finally:
        s.store.close()
    with pytest.raises(AuthenticationFailed):
        sign_in(b, "jordan", "Quiet-Harbor-Willow-94")
    # The district administrator can sign in on B too (an administrator's own workstation wrote it),
    # and B holds the district-wide records: both schools.
    s = sign_in(b, "admin", ADMIN_PASSWORD)
    try:
        assert [x["name"] for x in registry.schools(s)] == ["Alder Elementary", "Birch High"]
    finally:
        s.store.close()

    # A password reset on A replaces the old one on B once it arrives.
    s = sign_in(a, "admin", ADMIN_PASSWORD)
    try:
        accounts.reset_password(s, "jordan", "Amber-Canyon-Thistle-17")
    finally:
        s.store.close()
    for home in (a, b):
        code, out = run(home, "sync", "--once")
        assert code == 0, out + must(home, "sync", "--status")
    with pytest.raises(AuthenticationFailed):
        sign_in(b, "jordan", JORDAN)
    sign_in(b, "jordan", "Amber-Canyon-Thistle-17").store.close()

    # Disabled on A: refused on B once the change arrives.
    s = sign_in(a, "admin", ADMIN_PASSWORD)
    try:
        accounts.set_user_active(s, "jordan", False, "Left the district")
    finally:
        s.store.close()
    for home in (a, b):
        assert run(home, "sync", "--once")[0] == 0
    with pytest.raises(AuthenticationFailed):
        sign_in(b, "jordan", "Amber-Canyon-Thistle-17")
    ring = json.loads(keys_path(resolve(b).data_file).read_text())
    assert "jordan" not in ring.get("arrived", {}) and "jordan" not in ring["slots"]


@pytest.mark.policy("P23")
def test_a_wrong_passphrase_leaves_the_empty_folder_empty(tmp_path, monkeypatch):
    a, share, enrolment, alder = _district_office(tmp_path, monkeypatch)
    must(a, "sync", "--enrol", str(enrolment), "--name", "Alder office", "--school", alder,
         "--user", "admin")
    b = tmp_path / "B"
    code, out = run(b, "sync", "--join", str(enrolment), "--share", str(share),
                    env={"SAFETYDESK_ENROL_PASSPHRASE": "not-the-passphrase-00"})
    assert code == 1 and "passphrase does not open" in out
    assert not files.data_file_exists(resolve(b)) and not keys_path(resolve(b).data_file).exists()
    # ... and the right one still works afterwards.
    must(b, "sync", "--join", str(enrolment), "--share", str(share))


@pytest.mark.policy("P23")
def test_a_school_workstation_cannot_hand_out_a_district_administrators_sign_in(tmp_path, monkeypatch):
    """B serves one school: a credential for the district administrator written by B is refused on A."""
    a, share, enrolment, alder = _district_office(tmp_path, monkeypatch)
    must(a, "sync", "--enrol", str(enrolment), "--name", "Alder office", "--school", alder,
         "--user", "admin")
    b = tmp_path / "B"
    must(b, "sync", "--join", str(enrolment), "--share", str(share))
    for home in (a, b, a, b):
        assert run(home, "sync", "--once")[0] == 0
    # On B, someone sets a password of their own choosing for "admin" (B's key file is theirs).
    s = sign_in(b, "jordan", JORDAN)
    try:
        from safetydesk.store import KeyRing
        ring = KeyRing.load(keys_path(s.store.path))
        ring.add("admin", "Stolen-Keys-Over-Here-55", s.store.key)
        ring.add("jordan", "Jordan-New-Password-88", s.store.key)
        ring.save()
    finally:
        s.store.close()
    for home in (b, a):
        assert run(home, "sync", "--once")[0] == 0
    with pytest.raises(AuthenticationFailed):
        sign_in(a, "admin", "Stolen-Keys-Over-Here-55")
    sign_in(a, "admin", ADMIN_PASSWORD).store.close()
    # A principal of the school B serves may change their own password there: it reaches A.
    sign_in(a, "jordan", "Jordan-New-Password-88").store.close()
