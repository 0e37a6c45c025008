"""Logging a routine interaction with key presses only, starting from the dashboard (P06)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from safetydesk.domain.filters import InteractionFilter
from safetydesk.services import interactions

CTRL = Qt.KeyboardModifier.ControlModifier


def keys(qtbot, text: str) -> None:
    """Type into whatever has the keyboard focus, as a person would."""
    qtbot.keyClicks(QApplication.focusWidget(), text)


def tab_to(qtbot, widget, limit: int = 25) -> None:
    """Press Tab until ``widget`` has the focus (it must be reachable by Tab)."""
    for _ in range(limit):
        if QApplication.focusWidget() is widget:
            return
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"{widget.objectName()} cannot be reached with Tab")


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), key, modifier)


@pytest.mark.policy("P06")
def test_a_routine_interaction_is_logged_from_the_dashboard_with_the_keyboard_only(
        qtbot, ui_window, ui_world):
    window = ui_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.section_key() == "dashboard"

    press(qtbot, Qt.Key.Key_N, CTRL)  # Ctrl+N: a new interaction
    qtbot.waitUntil(lambda: len(window.forms) == 1)
    form = window.forms[0]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    qtbot.waitUntil(lambda: form.staff.choice.count() > 0, timeout=10_000)
    assert QApplication.focusWidget() is form.occurred_at.line  # starts at "Date and time" (now)

    press(qtbot, Qt.Key.Key_Tab)  # School
    assert QApplication.focusWidget() is form.school
    keys(qtbot, "Birch")
    assert form.school.currentData() == ui_world.high
    press(qtbot, Qt.Key.Key_Tab)  # Location
    keys(qtbot, "Bench outside room 12")
    press(qtbot, Qt.Key.Key_Tab)  # Type
    assert QApplication.focusWidget() is form.type
    keys(qtbot, "Escort")
    assert form.type.currentData() == "escort"

    tab_to(qtbot, form.staff.choice)  # Staff: type part of a name, Enter adds
    qtbot.waitUntil(lambda: form.staff.choice.findData(ui_world.sro) >= 0, timeout=10_000)
    keys(qtbot, "Morgan")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.staff.list.ids() == [ui_world.sro])

    tab_to(qtbot, form.students.search)  # Students: part of a name or id, Enter adds
    keys(qtbot, "Tanaka")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.students.list.ids() == [ui_world.students[1]], timeout=10_000)

    tab_to(qtbot, form.narrative)
    keys(qtbot, "Walked the student back to class after the bell.")
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)

    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        press(qtbot, Qt.Key.Key_S, CTRL)  # Ctrl+S
    qtbot.waitUntil(window.ctx.worker.is_idle)
    stored = interactions.get_interaction(ui_world.session, saved.args[0])
    assert stored["state"]["location"] == "Bench outside room 12"
    assert stored["state"]["type"] == "escort"
    assert stored["state"]["school_id"] == ui_world.high
    assert [s["student_id"] for s in stored["students"]] == [ui_world.students[1]]
    assert [s["staff_id"] for s in stored["staff"]] == [ui_world.sro]
    assert interactions.count_interactions(ui_world.session, InteractionFilter()) == 1


def test_escape_closes_a_form_and_keeps_a_draft(qtbot, ui_window):
    from safetydesk.services import admin

    window = ui_window()
    page = window.show_section_key("requests")
    form = page.new_record()
    qtbot.waitExposed(form)
    qtbot.keyClicks(form.location, "Library")
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not form.isVisible())
    qtbot.waitUntil(window.ctx.worker.is_idle)
    drafts = admin.drafts(window.ctx.worker._session)
    assert [d["form"] for d in drafts] == ["intervention_request"]
    assert drafts[0]["data"]["draft"]["location"] == "Library"
