"""Starting the window: the self-test, signing in, the first-run dialog."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit

from safetydesk.domain.records import UserDraft
from safetydesk.services import accounts, files
from safetydesk.ui.app import application
from safetydesk.ui.app.first_run import FirstRunDialog
from safetydesk.ui.app.sign_in import SignInDialog
from safetydesk.ui.kit.context import UiContext


@pytest.fixture
def ui_restore_style(qapp):
    yield
    qapp.setStyleSheet("")


def test_self_test_without_a_data_file_returns_0(paths, ui_restore_style, capsys):
    assert application.run(paths, self_test=True) == 0
    assert "self-test: OK" in capsys.readouterr().out
    assert not files.data_file_exists(paths)  # a check creates nothing


def test_self_test_signs_in_and_builds_the_window(ui_world, paths, monkeypatch, ui_restore_style,
                                                  capsys):
    accounts.create_user(ui_world.session, UserDraft(username="itcheck", display_name="IT check",
                                                  role="reviewer"), "a long pass phrase 5")
    monkeypatch.setenv("SAFETYDESK_USER", "itcheck")
    monkeypatch.setenv("SAFETYDESK_PASSWORD", "a long pass phrase 5")
    assert application.run(paths, self_test=True) == 0
    out = capsys.readouterr().out
    assert "itcheck signs in" in out


def test_self_test_reports_a_wrong_password_on_stderr(ui_world, paths, monkeypatch,
                                                      ui_restore_style, capsys):
    monkeypatch.setenv("SAFETYDESK_USER", "admin")
    monkeypatch.setenv("SAFETYDESK_PASSWORD", "not the password")
    assert application.run(paths, self_test=True) == 1
    err = capsys.readouterr().err
    assert "self-test failed" in err and "do not match" in err
    assert "Traceback" not in err


def test_style_sheet_is_found(qapp, ui_restore_style):
    assert application.resources_dir() is not None
    assert application.apply_style(qapp)
    assert "#headerBand" in qapp.styleSheet()


def test_sign_in_dialog_explains_a_wrong_password(qtbot, ui_world, paths, ui_worker):
    ctx = UiContext(paths, ui_worker)
    dialog = SignInDialog(ctx, "admin")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.findChild(QLineEdit, "signInPassword"), "wrong password")
    dialog.button.click()
    qtbot.waitUntil(lambda: "do not match" in dialog.message.text(), timeout=10_000)
    assert dialog.session is None
    assert dialog.password.text() == ""  # cleared for another try


def test_first_run_creates_the_district_and_signs_in(qtbot, paths, ui_worker):
    ctx = UiContext(paths, ui_worker)
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.findChild(type(dialog.district), "districtName").setText("Evergreen Test District")
    dialog.schools.setPlainText("North High School\n\nSouth Middle School\n")
    dialog.admin.setText("dana")
    dialog.password.setText("a long pass phrase 9")
    dialog.password2.setText("a long pass phrase 8")
    dialog.create_button.click()
    assert "not the same" in dialog.setup_form.rows["password2"].error.text()
    dialog.password2.setText("a long pass phrase 9")
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.session is not None, timeout=20_000)
    assert dialog.username == "dana"
    assert files.data_file_exists(paths)
    ctx.sign_in(dialog.session)
    qtbot.waitUntil(lambda: ctx.lookups_loaded, timeout=10_000)
    assert [s["name"] for s in ctx.schools] == ["North High School", "South Middle School"]
    qtbot.waitUntil(ui_worker.is_idle)
    dialog.session.store.close()
    QApplication.processEvents()
