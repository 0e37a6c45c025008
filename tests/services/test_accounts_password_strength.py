"""Password strength (P23, NIST SP 800-63B practice): a maintained estimator (zxcvbn), the lists
of passwords attackers try first, and more asked of an administrator's password. The rules live
in the services, so the window and the command line refuse the same passwords for the same reason."""

from __future__ import annotations

import pytest

from safetydesk.app import main
from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.records import SchoolDraft, UserDraft
from safetydesk.services import accounts, files
from support import count

ADMIN = "district_admin"


@pytest.mark.policy("P23")
@pytest.mark.parametrize("password", ["password12", "Password12!", "Summer2026!!", "administrator1",
                                      "qwertyuiop12", "aaaaaaaaaaaaaaa", "Welcome123456"])
def test_an_administrator_password_that_is_easy_to_guess_is_refused_with_why_and_what_to_do(password):
    problems = accounts.check_password_rules(password, "dana.admin", ADMIN, ["Fictional Valley"])
    count("accounts-weak-admin-password", tried=1, caught=int(bool(problems)))
    assert problems, password
    first = problems[0].message
    assert password not in first  # a password is never echoed back in a message or a log
    assert "Choose another" in first or "add a word" in first
    assert "words that have nothing to do with each other" in first  # what to do instead


def test_password12_says_it_is_common_and_too_short_for_an_administrator():
    messages = [e.message for e in accounts.check_password_rules("password12", "dana.admin", ADMIN)]
    assert messages[0].startswith("That password is too common")
    assert any("administrator's password needs at least 12 characters" in m for m in messages)


@pytest.mark.parametrize("password", ["correct horse battery", "lantern quarry violet", "Tr0ub4dor&3 maple"])
def test_long_unrelated_words_are_accepted_for_an_administrator(password):
    strength = accounts.password_strength(password, "dana.admin", ADMIN)
    assert strength.acceptable and strength.score >= accounts.MIN_ADMIN_SCORE
    assert strength.sentence() in ("Strong password.", "Very strong password.")


def test_an_administrator_is_held_to_more_than_other_accounts():
    # 11 characters, not common: enough for a front-office account, not for an administrator.
    assert accounts.check_password_rules("maple quart", "office1", "front_office") == []
    assert "at least 12" in accounts.check_password_rules("maple quart", "office1", ADMIN)[0].message
    assert accounts.check_password_rules("maple quartz", "office1", ADMIN) == []
    assert "at least 10" in accounts.check_password_rules("maple qua", "office1", "front_office")[0].message


def test_the_district_name_and_the_user_name_count_as_guessable():
    problems = accounts.check_password_rules("fictionalvalley1", "dana", ADMIN, ["Fictional Valley"])
    assert problems and "easy to guess" in problems[0].message
    assert "user name" in accounts.check_password_rules("dana.admin horse tree", "dana.admin", ADMIN)[-1].message


def test_a_very_long_passphrase_is_estimated_without_error():
    phrase = "the quick brown fox jumps over the lazy dog near the old red barn " * 3
    assert accounts.password_strength(phrase[:120], "dana", ADMIN).acceptable


@pytest.mark.policy("P23")
def test_the_services_refuse_a_weak_administrator_password_on_every_path(admin, paths):
    draft = UserDraft(username="dana.admin", display_name="Dana Admin", role=ADMIN, schools=[])
    with pytest.raises(ValidationFailed) as refused:
        accounts.create_user(admin, draft, "password12")
    assert "too common" in refused.value.message
    # A reviewer may have a 10-character password; an administrator may not.
    accounts.create_user(admin, draft, "correct horse battery")
    with pytest.raises(ValidationFailed) as refused:
        accounts.reset_password(admin, "dana.admin", "maple quar")
    assert "at least 12" in refused.value.message
    with pytest.raises(ValidationFailed):
        files.create_data_file(paths, "Fictional Valley", [SchoolDraft(name="Alder Elementary",
                               level="elementary")], "it", "password12")


def test_the_command_line_refuses_password12_for_the_first_administrator(paths, monkeypatch, capsys):
    monkeypatch.setenv("SAFETYDESK_PASSWORD", "password12")
    code = main(["init", "--district", "Fictional Valley SD", "--school", "Alder Elementary:elementary",
                 "--admin", "it-admin"])
    err = capsys.readouterr().err
    assert code != 0 and not paths.data_file.exists()
    assert "too common" in err and "words that have nothing to do with each other" in err
    assert "Traceback" not in err and "password12" not in err
