"""Issue 6: the window locks after inactivity, unlocks with the password, and switches user."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from safetydesk.ui.app.main_window import MainWindow
from support import ADMIN_PASSWORD


@pytest.fixture
def window(qtbot, ui_ctx):
    w = MainWindow(ui_ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: ui_ctx.lookups_loaded)
    # the district's lock setting (default 10 minutes) arrives from the worker
    qtbot.waitUntil(lambda: w.lock_setting_known)
    assert w.idle.timer.interval() == 10 * 60_000
    return w


@pytest.mark.policy("P23")
def test_the_window_locks_itself_after_inactivity_and_hides_open_forms(qtbot, window):
    form = window.new_interaction()
    assert form is not None and form.isVisible()
    window.set_lock_minutes(0.002)  # ~120 ms without input
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    assert window.root.currentWidget() is window.lock_screen
    assert not form.isVisible()  # hidden, not closed: nothing is lost


def test_a_wrong_password_keeps_it_locked_and_the_right_one_unlocks(qtbot, window):
    window.lock()
    screen = window.lock_screen
    qtbot.keyClicks(screen.password, "not my password")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.message.isVisible() and "do not match" in screen.message.text())
    assert window.locked
    screen.password.clear()
    qtbot.keyClicks(screen.password, ADMIN_PASSWORD)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.locked)
    assert window.root.currentIndex() == 0


def test_input_postpones_the_lock(qtbot, window):
    window.set_lock_minutes(1)
    remaining = window.idle.timer.remainingTime()
    qtbot.mouseMove(window, window.rect().center())
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.idle.timer.remainingTime() >= remaining - 1000
    assert not window.locked


def test_switch_user_keeps_unsaved_forms_as_drafts_and_asks_for_the_next_user(qtbot, window):
    form = window.new_interaction()
    form.location.setText("Bus loop")
    with qtbot.waitSignal(window.switch_user_requested):
        qtbot.mouseClick(window.switch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.forms)
    from safetydesk.services import admin

    drafts = []
    window.ctx.worker.read(admin.drafts, done=drafts.extend)
    qtbot.waitUntil(lambda: bool(drafts))
    assert drafts[0]["data"]["draft"]["location"] == "Bus loop"


def test_switching_user_signs_the_next_person_in_to_a_fresh_window(qtbot, ui_ctx, ui_world, monkeypatch):
    from PySide6.QtWidgets import QApplication

    from safetydesk.domain.records import UserDraft
    from safetydesk.services import accounts
    from safetydesk.ui.app.application import Shell

    accounts.create_user(ui_world.session, UserDraft(username="office1", display_name="Office One",
                                                     role="front_office", schools=[ui_world.high]),
                         "river stone lantern")
    shell = Shell(QApplication.instance(), ui_ctx)
    first = shell.start(ui_world.session)  # not given to qtbot: the switch deletes it
    monkeypatch.setenv("SAFETYDESK_USER", "office1")
    monkeypatch.setenv("SAFETYDESK_PASSWORD", "river stone lantern")
    first.switch_user()
    qtbot.waitUntil(lambda: shell.window is not None and shell.window is not first)
    second = shell.window
    assert second is not None and second is not first
    qtbot.addWidget(second)
    assert ui_ctx.actor.username == "office1"
    qtbot.waitUntil(lambda: "Office One" in second.user_label.text())
