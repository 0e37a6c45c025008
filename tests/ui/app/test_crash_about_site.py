"""Deployment in the window: the crash window and its report, About, settings managed by the district."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from safetydesk import __version__, site
from safetydesk.app import setup_logging
from safetydesk.ui.app import about, application, crash
from safetydesk.ui.kit import managed

STUDENT = "Jordan Fictionalname"


@pytest.fixture
def restore_process(monkeypatch):
    """The exception hook, the log handlers and the site configuration, as they were."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    site.use(None)


def crash_dialogs() -> list[crash.CrashDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, crash.CrashDialog) and w.isVisible()]


@pytest.mark.qt_no_exception_capture
def test_an_error_inside_a_slot_shows_plain_words_and_saves_a_report_for_it(
        qtbot, ui_window, ui_prompts, paths, tmp_path, restore_process, monkeypatch):
    setup_logging(paths)
    logging.getLogger("safetydesk.test").info("Opened the interactions list (42 rows)")
    handler = crash.install(paths)
    window = ui_window()

    def broken_facts(ctx):
        raise ValueError(f"cannot show '{STUDENT}' in the summary")

    monkeypatch.setattr(about, "facts", broken_facts)
    qtbot.mouseClick(window.findChild(QPushButton, "headerAbout"), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: len(crash_dialogs()) == 1, timeout=5_000)
    (dialog,) = crash_dialogs()
    words = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "did not expect" in words and "already saved is safe" in words and "IT" in words
    assert "Traceback" not in words and "ValueError" not in words and STUDENT not in words
    assert handler.count == 1 and window.isVisible()  # the program goes on

    target = tmp_path / "for-it.txt"
    ui_prompts.answers["save_file"] = str(target)
    qtbot.mouseClick(dialog.findChild(QPushButton, "crashSaveReport"), Qt.MouseButton.LeftButton)
    assert str(target) in dialog.status.text()
    report = target.read_text("utf-8")
    assert f"SafetyDesk {__version__}" in report
    assert "Platform:" in report and "Python:" in report and "Qt:" in report
    assert "Traceback (most recent call last):" in report and "in broken_facts" in report
    assert "ValueError: cannot show ‹text left out› in the summary" in report
    assert "Opened the interactions list (42 rows)" in report  # the last log lines
    assert STUDENT not in report  # no record content, not even from the log's copy of the error
    log_text = (paths.logs / "safetydesk.log").read_text("utf-8")
    assert "in broken_facts" in log_text and STUDENT not in log_text
    assert str(paths.data_file) not in report.split("Last ")[0]
    # IT can also collect a copy from the log folder later.
    (kept,) = (paths.logs / crash.REPORTS_FOLDER).glob("error-*.txt")
    assert kept.read_text("utf-8") == report
    qtbot.mouseClick(dialog.findChild(QPushButton, "crashClose"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not crash_dialogs(), timeout=5_000)


@pytest.mark.qt_no_exception_capture
def test_a_repeated_error_shows_one_window_and_a_cancelled_save_writes_nothing(
        qtbot, ui_prompts, paths, tmp_path, restore_process):
    handler = crash.install(paths)
    button = QPushButton("Try")
    qtbot.addWidget(button)
    button.clicked.connect(lambda: 1 / 0)
    button.click()
    button.click()
    assert handler.count == 2 and len(crash_dialogs()) == 1
    ui_prompts.answers["save_file"] = None
    assert crash_dialogs()[0].save() is None
    assert list(tmp_path.glob("*.txt")) == []
    crash_dialogs()[0].close()


def test_a_report_names_where_and_why_but_not_what_was_typed(paths):
    typed = f"{STUDENT} hit another student"
    try:
        try:
            {}[typed]
        except KeyError as first:
            raise RuntimeError(f'saving "{typed}" failed') from first
    except RuntimeError as exc:
        report = crash.build_report((type(exc), exc, exc.__traceback__), paths)
    assert "RuntimeError: saving ‹text left out› failed" in report
    assert "It was caused by:" in report and "KeyError: ‹text left out›" in report
    assert STUDENT not in report and "hit another student" not in report
    assert "(no log file)" in report


def test_about_shows_version_folders_site_configuration_and_last_sync(qtbot, ui_window, paths):
    window = ui_window()
    qtbot.mouseClick(window.findChild(QPushButton, "headerAbout"), Qt.MouseButton.LeftButton)
    dialog = window.findChild(about.AboutDialog)
    assert dialog is not None and dialog.isVisible()
    shown = dict(dialog.rows)
    assert shown["Version"].startswith(f"SafetyDesk {__version__}")
    assert shown["Data folder"] == str(paths.data) and shown["Log folder"] == str(paths.logs)
    assert shown["Last sync"] == about.NOT_SET_UP
    assert "does not exist" in shown["Site configuration"]
    assert dialog.findChild(QLabel, "aboutLogFolder").text() == str(paths.logs)
    dialog.copy()
    assert f"Data folder: {paths.data}" in QApplication.clipboard().text()
    dialog.close()


def test_settings_the_district_fixes_are_in_force_and_read_only_in_the_window(
        qtbot, ui_window, paths, restore_process):
    assert paths.site is not None
    paths.site.mkdir(parents=True)
    (paths.site / site.SITE_FILE).write_text(
        'shared_folder = "//fileserver/safetydesk"\n[settings]\nlock_after_minutes = 5\n', "utf-8")
    site.use(paths.site)
    window = ui_window()
    qtbot.waitUntil(lambda: window.lock_after_minutes == 5, timeout=10_000)
    tab = window.show_section_key("settings").show_tab("settings")
    qtbot.waitUntil(lambda: tab.lock.value() == 5, timeout=10_000)
    row = tab.form.rows["lock_after_minutes"]
    assert not row.control.isEnabled()
    assert row.label.text().endswith("(managed by your district)")
    assert str(paths.site / site.SITE_FILE) in row.control.toolTip()
    assert tab.form.rows["suppression_threshold"].control.isEnabled()
    qtbot.mouseClick(window.findChild(QPushButton, "headerAbout"), Qt.MouseButton.LeftButton)
    shown = dict(window.findChild(about.AboutDialog).rows)
    assert shown["Shared folder"] == "//fileserver/safetydesk"
    assert "lock_after_minutes" in shown["Site configuration"]


def test_mistakes_in_the_site_file_are_shown_once_with_file_and_line(ui_prompts, paths, restore_process):
    assert paths.site is not None
    paths.site.mkdir(parents=True)
    file = paths.site / site.SITE_FILE
    file.write_text("[settings]\nlock_after_minutes = 0\n", "utf-8")
    assert managed.report_site_problems(None, site.use(paths.site))
    ((kind, _title, text),) = ui_prompts.shown
    assert kind == "error" and f"{file}, line 2: lock_after_minutes = 0 is not allowed" in text
    assert "usual value" in text


def test_the_self_test_fails_on_a_bad_site_file_naming_it(qapp, paths, capsys, restore_process):
    assert paths.site is not None
    paths.site.mkdir(parents=True)
    file = paths.site / site.SITE_FILE
    file.write_text('district = "Fictional Valley"\nunknown = 1\n', "utf-8")
    assert application.run(paths, self_test=True) == 1
    err = capsys.readouterr().err
    assert f"{file}, line 2" in err and "Traceback" not in err


def test_the_site_file_presets_the_district_name_at_first_run(qtbot, paths, ui_worker, restore_process):
    from safetydesk.ui.app.first_run import FirstRunDialog
    from safetydesk.ui.kit.context import UiContext

    assert paths.site is not None
    paths.site.mkdir(parents=True)
    (paths.site / site.SITE_FILE).write_text('district = "Fictional Valley School District"\n', "utf-8")
    site.use(paths.site)
    dialog = FirstRunDialog(UiContext(paths, ui_worker))
    qtbot.addWidget(dialog)
    assert dialog.district.text() == "Fictional Valley School District"
    assert not dialog.district.isEnabled()
    assert "managed by your district" in dialog.setup_form.rows["district"].label.text()
