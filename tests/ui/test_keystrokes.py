"""How many keys a person presses to log a routine interaction and an arrest with questioning,
from the main window to the saved record, with the keyboard only (QTest key clicks, every key
counted: each character typed, each Tab, Space, Enter and shortcut). The figures are printed in
the "keystrokes" counter line; "typed" is the part that is free text (location, narrative, names),
which no form can save a person from."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from safetydesk.services import interactions
from support import count

CTRL = Qt.KeyboardModifier.ControlModifier


class Keys:
    """Sends keys to whatever has the focus, as a person would, and counts them."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.pressed = 0
        self.free_text = 0

    def press(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        self.pressed += 1
        self.qtbot.keyClick(QApplication.focusWidget() or QApplication.activeWindow(), key, modifier)
        QApplication.processEvents()  # a person's next key comes after the window has drawn

    def type(self, text: str, *, free: bool = False) -> None:
        self.pressed += len(text)
        if free:
            self.free_text += len(text)
        focus = QApplication.focusWidget()
        self.qtbot.keyClicks(focus, text)
        QApplication.processEvents()
        # Under the offscreen platform a completer's pop-up, once hidden, stays the active window
        # (a window manager gives activation back): give it back as one would, with no key.
        window = focus.window()
        if QApplication.activeWindow() is not window and window.isVisible():
            window.activateWindow()
            self.qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    def tab_to(self, widget, limit: int = 40) -> None:
        for _ in range(limit):
            if QApplication.focusWidget() is widget:
                return
            self.press(Qt.Key.Key_Tab)
        raise AssertionError(f"{widget.objectName()} cannot be reached with Tab")

    def choose(self, widget, text: str) -> None:
        """Tab to a drop-down and type the start of the choice."""
        self.tab_to(widget)
        self.type(text)

    def tick(self, box) -> None:
        self.tab_to(box)
        self.press(Qt.Key.Key_Space)
        assert box.isChecked()


def open_form(qtbot, window, keys: Keys):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    keys.press(Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: len(window.forms) == 1)
    form = window.forms[0]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    qtbot.waitUntil(lambda: form.staff.choice.count() > 0, timeout=10_000)
    return form


ALT = Qt.KeyboardModifier.AltModifier


def go(keys: Keys, widget, mnemonic: Qt.Key | None) -> None:
    """Move to a field: with its underlined letter (Alt+letter, one chord) or with Tab."""
    if mnemonic is None:
        keys.tab_to(widget)
        return
    keys.press(mnemonic, ALT)
    assert QApplication.focusWidget() is widget, QApplication.focusWidget().objectName()


def people(qtbot, form, keys: Keys, ui_world, shortcuts: bool = False) -> None:
    go(keys, form.staff.choice, Qt.Key.Key_F if shortcuts else None)
    qtbot.waitUntil(lambda: form.staff.choice.findData(ui_world.sro) >= 0, timeout=10_000)
    keys.type("Mor")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.staff.list.ids() == [ui_world.sro])
    go(keys, form.students.search, Qt.Key.Key_U if shortcuts else None)
    keys.type("Tan")
    keys.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.students.list.ids() == [ui_world.students[1]], timeout=10_000)


def save(qtbot, window, form, keys: Keys) -> dict:
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        keys.press(Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(window.ctx.worker.is_idle)
    return interactions.get_interaction(window.ctx.worker._session, saved.args[0])


def routine(qtbot, window, ui_world, shortcuts: bool = False) -> tuple[Keys, dict]:
    keys = Keys(qtbot)
    form = open_form(qtbot, window, keys)  # the time starts as "now"
    keys.press(Qt.Key.Key_Tab)
    keys.type("B")  # Birch High School
    assert form.school.currentData() == ui_world.high
    keys.press(Qt.Key.Key_Tab)
    keys.type("Bench outside room 12", free=True)
    keys.tab_to(form.type)
    keys.type("E")  # Escort
    assert form.type.currentData() == "escort"
    people(qtbot, form, keys, ui_world, shortcuts)
    go(keys, form.narrative, Qt.Key.Key_N if shortcuts else None)
    keys.type("Walked the student back to class after the bell.", free=True)
    return keys, save(qtbot, window, form, keys)


@pytest.mark.policy("P06")
def test_keystrokes_for_a_routine_interaction(qtbot, ui_window, ui_world, ui_prompts):
    keys, stored = routine(qtbot, ui_window(), ui_world)
    keys.pressed += ui_prompts.kinds().count("confirm")
    assert stored["state"]["type"] == "escort"
    count("keystrokes", routine=keys.pressed, routine_typed=keys.free_text)


def test_keystrokes_for_a_routine_interaction_with_the_underlined_shortcuts(
        qtbot, ui_window, ui_world, ui_prompts):
    keys, stored = routine(qtbot, ui_window(), ui_world, shortcuts=True)  # Alt+F, Alt+U, Alt+N
    keys.pressed += ui_prompts.kinds().count("confirm")
    assert stored["state"]["type"] == "escort"
    count("keystrokes", routine_alt=keys.pressed)


@pytest.mark.policy("P12")
def test_keystrokes_for_an_arrest_with_questioning(qtbot, ui_window, ui_world, ui_prompts):
    window = ui_window()
    keys = Keys(qtbot)
    form = open_form(qtbot, window, keys)
    keys.press(Qt.Key.Key_Tab)
    keys.type("B")
    keys.press(Qt.Key.Key_Tab)
    keys.type("Main office", free=True)
    keys.press(Qt.Key.Key_Tab)
    keys.type("La")  # Law enforcement activity
    assert form.type.currentData() == "law_enforcement"
    people(qtbot, form, keys, ui_world)
    keys.tick(form.arrest)
    keys.tab_to(form.narrative)
    keys.type("Questioned about a theft reported by a teacher, then arrested.", free=True)

    keys.tick(form.alternatives["restorative"] if "restorative" in form.alternatives
              else next(iter(form.alternatives.values())))
    keys.tab_to(form.le_activities.add_button)
    keys.press(Qt.Key.Key_Space)  # a first activity: the interview
    first = form.le_activities.blocks[0]
    assert QApplication.focusWidget() is first.type
    keys.type("In")
    assert first.student.currentData() == ui_world.students[1]  # the only student, chosen
    keys.choose(first.officer_staff, "O")  # Officer Morgan Vale, from the staff registry
    keys.tab_to(first.agency)
    keys.type("Valley Police", free=True)
    keys.tab_to(first.authorised_by)
    keys.type("Principal Reyes", free=True)
    keys.choose(first.legal_basis, "P")  # Probable cause
    keys.tab_to(first.age)
    keys.type("15")
    keys.choose(first.admin_present, "Y")
    keys.tab_to(first.admin_name)
    keys.type("Principal Reyes", free=True)

    keys.tab_to(form.le_activities.add_button)
    keys.press(Qt.Key.Key_Space)  # the arrest: the same officer, agency and basis as above
    second = form.le_activities.blocks[1]
    keys.tab_to(second.same_button)
    keys.press(Qt.Key.Key_Space)
    assert QApplication.focusWidget() is second.type
    keys.type("Ar")  # Arrest
    assert second.agency.text() == "Valley Police"

    qtbot.waitUntil(lambda: bool(form.attorney_blocks), timeout=10_000)
    attorney = next(iter(form.attorney_blocks.values()))
    assert attorney.interrogation.isChecked() and attorney.detention.isChecked()  # pre-ticked
    keys.tick(attorney.access)
    keys.tab_to(attorney.access_at.line if hasattr(attorney.access_at, "line") else attorney.access_at)
    keys.type("now")
    keys.choose(attorney.mode, "B")  # By phone
    keys.tab_to(attorney.provider)
    keys.type("Public defender", free=True)

    keys.tab_to(form.notifications.add_button)
    keys.press(Qt.Key.Key_Space)
    note = form.notifications.blocks[0]  # starts at the present; "made by" is the person
    keys.choose(note.method, "P")  # Phone call
    keys.tab_to(note.contact)
    keys.type("mother", free=True)
    keys.choose(note.result, "R")  # Reached
    stored = save(qtbot, window, form, keys)
    state = stored["state"]
    assert state["arrest"] and [a["type"] for a in state["le_activities"]] == ["interview_interrogation", "arrest"]
    assert state["attorney_access"][0]["access_given"]
    keys.pressed += ui_prompts.kinds().count("confirm")  # Enter on each question asked
    count("keystrokes", arrest=keys.pressed, arrest_typed=keys.free_text)
