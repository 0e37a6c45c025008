"""A wheel turn never changes a value the person has not clicked or tabbed into: the form scrolls."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safetydesk.ui.kit import wheel
from safetydesk.ui.kit.widgets import date_edit
from support import count


def _turn(widget: QWidget, down: bool = True) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, -120 if down else 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def _form(qtbot):
    wheel.install()
    area = QScrollArea()
    area.setWidgetResizable(True)
    body = QWidget()
    v = QVBoxLayout(body)
    first = QLineEdit()
    box = QComboBox()
    box.addItems(["Interview or interrogation", "Search of a locker", "Arrest"])
    spin = QSpinBox()
    spin.setRange(0, 22)
    spin.setValue(15)
    day = date_edit("day")
    v.addWidget(first)
    for w in (box, spin, day):
        v.addWidget(w)
    v.addSpacing(2000)  # a long form: it scrolls
    area.setWidget(body)
    area.resize(400, 300)
    qtbot.addWidget(area)
    area.show()
    qtbot.waitExposed(area)
    first.setFocus()
    qtbot.waitUntil(first.hasFocus)
    return area, first, box, spin, day


def test_a_wheel_turn_over_an_unfocused_control_changes_nothing_and_scrolls_the_form(qtbot):
    area, first, box, spin, day = _form(qtbot)
    before = day.date()
    for w in (box, spin, day):
        _turn(w)
    assert box.currentIndex() == 0
    assert spin.value() == 15
    assert day.date() == before
    assert first.hasFocus(), "a wheel turn does not move the focus into the control"
    assert area.verticalScrollBar().value() > 0, "the form scrolled instead"
    count("ui-wheel-unfocused", tried=3, caught=3)


def test_a_control_clicked_or_tabbed_into_still_takes_the_wheel(qtbot):
    _area, _first, box, spin, _day = _form(qtbot)
    box.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(box.hasFocus)
    _turn(box)
    assert box.currentIndex() == 1
    spin.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(spin.hasFocus)
    _turn(spin, down=False)
    assert spin.value() == 16


@pytest.mark.parametrize("cls", [QComboBox, QSpinBox])
def test_every_such_control_gets_strong_focus_not_wheel_focus(qtbot, cls):
    wheel.install()
    w = cls()
    qtbot.addWidget(w)
    w.show()
    assert w.focusPolicy() == Qt.FocusPolicy.StrongFocus
