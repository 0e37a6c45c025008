"""Every shortcut of the main window is bound once, works, and is in the F1 list."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from safetydesk.ui.app import shortcuts


def test_each_shortcut_is_bound_once(qtbot, ui_window):
    window = ui_window()
    keys = [s.key().toString() for s in window.findChildren(QShortcut) if s.isEnabled()
            and s.parent() is window and not s.key().isEmpty()]
    twice = [k for k, n in Counter(keys).items() if n > 1]
    assert twice == [], f"bound more than once: {twice}"
    assert "Ctrl+0" in keys or len(window.sections) < 10


def test_every_window_shortcut_says_what_it_does_and_f1_lists_them(qtbot, ui_window):
    window = ui_window()
    listed = shortcuts.window_shortcuts(window)
    assert listed and all(what for _keys, what in listed)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.findChild(shortcuts.ShortcutsDialog) is not None, timeout=5_000)
    dialog = window.findChild(shortcuts.ShortcutsDialog)
    shown = {keys for keys, _ in dialog.rows}
    assert QKeySequence("Ctrl+L").toString(QKeySequence.SequenceFormat.NativeText) in shown
    assert "Ctrl+S" in shown


def test_the_section_shortcuts_show_their_section(qtbot, ui_window):
    window = ui_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.sections[1][2]


def test_the_underlined_staff_and_student_shortcuts_reach_their_fields(qtbot, ui_ctx):
    from safetydesk.ui.records.interactions.form import InteractionForm

    form = InteractionForm(ui_ctx)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: form.staff.isAncestorOf(QApplication.focusWidget()))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: form.students.isAncestorOf(QApplication.focusWidget()))
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.occurred_at.line)


def test_a_manual_lock_says_the_person_locked_it(qtbot, ui_window):
    window = ui_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked
    assert window.lock_screen.reason.text().startswith("You locked the window")
    assert "minutes" not in window.lock_screen.reason.text()
