"""The main window fits the screens offices have at 100%, 125% and 150% scaling: no sideways
scrolling, and every header button (Lock, Switch user, ...) inside the window.

``QT_SCALE_FACTOR`` cannot change inside one running QApplication, but it only makes the screen
smaller in Qt's logical pixels (fonts and widgets keep their logical size), so a 1366x768 screen at
150% is a 911x512 logical screen, which is what is measured here."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QRect
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollArea

from safetydesk.ui.app import application
from safetydesk.ui.app.main_window import MainWindow

SCREENS = [(1280, 720), (1366, 768)]
SCALES = [1.0, 1.25, 1.5]
TITLE_AND_TASKBAR = 30  # logical pixels a window manager's title bar takes at least


@pytest.fixture
def styled(qapp):
    assert application.apply_style(qapp)
    yield qapp
    qapp.setStyleSheet("")


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scale", SCALES, ids=lambda s: f"{round(s * 100)}pct")
def test_the_main_window_and_its_header_buttons_fit_the_screen(qtbot, styled, ui_ctx, screen, scale):
    width, height = int(screen[0] / scale), int(screen[1] / scale) - TITLE_AND_TASKBAR
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    # A long district name and person must not push the buttons out either.
    window.district_label.setText("North Cascades Consolidated Public Schools District No. 2011")
    window.user_label.setText("Alexandria Montgomery-Castellanos · District administrator")
    window.show()
    qtbot.waitExposed(window)
    minimum = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert minimum.width() <= width and minimum.height() <= height, (minimum, width, height)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height)

    # no sideways scrolling of the main window
    sideways = window.fit_area.horizontalScrollBar()
    assert sideways.maximum() == 0, f"scrolls sideways by {sideways.maximum()} pixels"
    qtbot.waitUntil(lambda: not sideways.isVisible(), timeout=2_000)  # hidden after the layout pass
    # nor does the page shown first (the dashboard, which scrolls inside itself) once it has loaded
    qtbot.waitUntil(lambda: window.dashboard.cards["interactions"].number.text() != "–", timeout=10_000)
    qtbot.waitUntil(ui_ctx.worker.is_idle, timeout=10_000)  # every panel filled (the table fits its rows)
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # the posted layout requests, now
    QApplication.processEvents()
    for area in window.dashboard.findChildren(QScrollArea):
        needs = area.widget().minimumSizeHint().width()
        room = window.width() - window.nav.width() - area.verticalScrollBar().sizeHint().width()
        assert needs <= room, f"the dashboard needs {needs} pixels across, {room} are there"
    inside = QRect(0, 0, window.width(), window.height())
    buttons = window.header.findChildren(QAbstractButton)
    assert {b.objectName() for b in buttons} >= {"headerLock", "headerSwitchUser"}
    for button in buttons:
        assert button.isVisible(), button.objectName()
        top_left = button.mapTo(window, button.rect().topLeft())
        where = QRect(top_left, button.size())
        assert inside.contains(where), (button.objectName(), where, inside)
        assert button.width() >= button.sizeHint().width(), button.objectName()  # text not cut
