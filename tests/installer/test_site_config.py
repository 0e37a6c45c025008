"""The district's site configuration: presets for every user of a machine, mistakes named by file and line."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safetydesk import site
from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.settings import DistrictSettings
from safetydesk.paths import resolve
from safetydesk.services import settings as district_settings
from support import count, examples

GOOD = """\
# Set by district IT for every workstation
district = "Fictional Valley School District"
shared_folder = '\\\\fileserver\\safetydesk'

[settings]
lock_after_minutes = 5
untrained_staff = "flag"
agreement_reminder_days = [90, 30]
"""


@pytest.fixture(autouse=True)
def _no_site_config_after():
    yield
    site.use(None)


def write(paths, text: str) -> Path:
    assert paths.site is not None
    paths.site.mkdir(parents=True, exist_ok=True)
    file = paths.site / site.SITE_FILE
    file.write_text(text, encoding="utf-8")
    return file


def test_the_site_folder_is_machine_wide_and_under_home_when_one_is_given(tmp_path, monkeypatch):
    monkeypatch.delenv("SAFETYDESK_HOME")
    import platformdirs

    assert resolve().site == Path(platformdirs.site_config_dir("SafetyDesk", appauthor=False))
    assert resolve().site != resolve().config  # not in any one person's profile
    assert resolve(tmp_path).site == tmp_path.absolute() / "site"


def test_no_file_means_nothing_is_managed(paths):
    config = site.use(paths.site)
    assert config is site.NOTHING and config.managed == frozenset() and config.problems == ()
    assert config.apply(DistrictSettings()) == DistrictSettings()


def test_a_good_file_presets_the_district_the_shared_folder_and_settings(paths):
    file = write(paths, GOOD)
    config = site.use(paths.site)
    assert config.file == file and config.problems == ()
    assert config.district == "Fictional Valley School District"
    assert config.shared_folder == "\\\\fileserver\\safetydesk"
    assert config.managed == {"district", "shared_folder", "lock_after_minutes", "untrained_staff",
                              "agreement_reminder_days"}
    applied = config.apply(DistrictSettings())
    assert (applied.lock_after_minutes, applied.untrained_staff, applied.agreement_reminder_days) == (
        5, "flag", (90, 30))
    assert applied.complaint_ack_school_days == DistrictSettings().complaint_ack_school_days


def test_bad_values_are_named_with_file_and_line_and_the_rest_still_applies(paths):
    file = write(paths, """\
district = "Fictional Valley School District"

[settings]
lock_after_minutes = 500
untrained_staff = "flag"
suppression_threshold = "ten"
public_comment_min_days = 7
colour = "blue"
""")
    config = site.use(paths.site)
    by_line = {p.line: str(p) for p in config.problems}
    assert set(by_line) == {4, 6, 7, 8}
    assert by_line[4].startswith(f"{file}, line 4: lock_after_minutes = 500 is not allowed")
    assert "1 to 120" in by_line[4] and "usual value (10)" in by_line[4]
    assert "suppression_threshold must be a whole number, not 'ten'" in by_line[6]
    assert "at least 10 days" in by_line[7]
    assert "“colour” is not a SafetyDesk setting" in by_line[8]
    # What was right is in force; what was wrong keeps its usual value.
    assert config.managed == {"district", "untrained_staff"}
    applied = config.apply(DistrictSettings())
    assert applied.untrained_staff == "flag" and applied.lock_after_minutes == 10


def test_a_file_that_cannot_be_read_is_named_with_its_line_and_defaults_apply(paths):
    file = write(paths, 'district = "Fictional Valley"\n[settings]\nlock_after_minutes = = 5\n')
    config = site.use(paths.site)
    assert [p.line for p in config.problems] == [3]
    assert str(config.problems[0]).startswith(f"{file}, line 3: this file cannot be read")
    assert config.managed == frozenset()


def test_unknown_top_level_keys_and_wrong_types_are_named(paths):
    write(paths, 'district = 42\nlock_after_minutes = 5\n')
    problems = site.use(paths.site).problems
    assert [(p.line, p.message.split(" ")[0]) for p in problems] == [(1, "district"), (2, "“lock_after_minutes”")]
    assert "[settings] section" in problems[1].message


def test_a_file_that_is_not_utf8_is_reported(paths):
    assert paths.site is not None
    paths.site.mkdir(parents=True)
    (paths.site / site.SITE_FILE).write_bytes(b'district = "\xff\xfe"\n')
    (problem,) = site.use(paths.site).problems
    assert "not UTF-8" in problem.message


@settings(max_examples=examples(ci=300, dev=40), deadline=None)
@given(st.one_of(st.integers(1, 120), st.integers(-10_000, 10_000), st.booleans(), st.text(max_size=20),
                 st.lists(st.integers(-5, 400), max_size=4)))
def test_any_value_is_either_in_force_or_named_with_its_line(value):
    text = f"[settings]\n\nlock_after_minutes = {_toml(value)}\n"
    config = site.parse(text, Path("/etc/xdg/SafetyDesk/site.toml"))
    accepted = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 120
    if accepted:
        assert config.problems == () and config.apply(DistrictSettings()).lock_after_minutes == value
    else:
        assert [p.line for p in config.problems] == [3] and "lock_after_minutes" in config.problems[0].message
        assert config.apply(DistrictSettings()).lock_after_minutes == 10
    count("site-config-values", tried=1, accepted=int(accepted), named=int(not accepted))


def _toml(value) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    # ints, strings and lists of ints are written the same in TOML (DEL must be escaped there)
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


# ------------------------------------------------------------------ in force in the services
def test_a_managed_setting_is_in_force_and_cannot_be_changed(admin, paths):
    write(paths, GOOD)
    site.use(paths.site)
    s = district_settings.get_settings(admin)
    assert s.lock_after_minutes == 5 and s.untrained_staff == "flag"
    with pytest.raises(ValidationFailed) as info:
        district_settings.update_settings(admin, replace(s, lock_after_minutes=15), "Longer lock")
    (error,) = info.value.errors
    assert error.field == "lock_after_minutes" and "managed by your district" in error.message
    assert str(paths.site / site.SITE_FILE) in error.message
    # Another setting still changes, and the managed ones stay out of the data file's history.
    assert district_settings.update_settings(admin, replace(s, complaint_ack_school_days=4), "Board") == [
        "complaint_ack_school_days"]
    history = admin.store.history("settings", "district")
    assert history[-1].changes["lock_after_minutes"] == [None, 10]
    assert admin.store.state("settings", "district")["untrained_staff"] == "refuse"
    # Without the site file the data file's own values are back.
    site.use(None)
    assert district_settings.get_settings(admin).lock_after_minutes == 10


def test_the_command_line_puts_the_site_configuration_in_force(paths):
    from safetydesk.cli import State

    write(paths, GOOD)
    site.use(None)
    State(str(paths.data.parent), None).paths  # noqa: B018 - resolving the folders reads the file
    assert site.active().settings["lock_after_minutes"] == 5
