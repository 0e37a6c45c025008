"""The idle watcher and the wheel guard are put on the application once the window has shown its
first data, or before another section is shown (issue 14: each is an application event filter
in Python, called for every event while the window first lays out and fills itself)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox

from safetydesk.ui.app import application
from safetydesk.ui.kit import wheel


def _wheel_over(combo: QComboBox) -> None:
    centre = QPointF(combo.rect().center())
    event = QWheelEvent(centre, QPointF(combo.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(combo, event)


@pytest.fixture
def app():
    app = QApplication.instance()
    assert application.apply_style(app)
    wheel.install(app)
    yield app
    wheel.resume(app)


def test_the_filters_go_on_when_the_first_data_is_shown(qtbot, ui_ctx, app):
    window = application.build_main_window(app, ui_ctx)
    qtbot.addWidget(window)
    assert not window.idle.watching and wheel._held  # neither looks at the build's events
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: ui_ctx.worker.is_idle() and window.idle.watching, timeout=20_000)
    assert not wheel._held  # the guard is back, on every control made meanwhile
    combos = window.findChildren(QComboBox)
    assert combos and all(c.focusPolicy() == Qt.FocusPolicy.StrongFocus for c in combos)
    remaining = window.idle.timer.remainingTime()
    window.set_lock_minutes(1)  # input restarts the countdown from now on
    before = window.idle.timer.remainingTime()
    qtbot.mouseMove(window, window.rect().center())
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.idle.timer.remainingTime() >= before - 1000 and remaining > 0


def test_showing_another_section_puts_them_on_first(qtbot, ui_ctx, app):
    window = application.build_main_window(app, ui_ctx)
    qtbot.addWidget(window)
    window.show()  # no event processed yet: the first data is not shown
    assert not window.idle.watching and wheel._held
    window.show_section(1)  # the interaction list, with its filter boxes
    assert window.idle.watching and not wheel._held
    qtbot.waitUntil(ui_ctx.worker.is_idle, timeout=20_000)
    combo = next(c for c in window.interactions.findChildren(QComboBox) if c.isVisible() and c.count() > 1)
    combo.clearFocus()
    index = combo.currentIndex()
    _wheel_over(combo)  # a wheel turn over a box not clicked into changes nothing
    assert combo.currentIndex() == index


def test_a_form_asking_for_the_guard_gets_it_at_once(qtbot, ui_ctx, app):
    window = application.build_main_window(app, ui_ctx)
    qtbot.addWidget(window)
    assert wheel._held
    assert wheel.install(app) is wheel._guard and not wheel._held  # as a form's install() does
