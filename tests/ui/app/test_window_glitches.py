"""The glitches an office saw, each measured so it cannot come back: text contrast in the first-run
set-up, the administrator's password refused while typed, the password field keeping its height,
drop-down arrows and number-box buttons drawn, and what the lock screen says."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from safetydesk.ui.app import application
from safetydesk.ui.app.first_run import FirstRunDialog
from safetydesk.ui.app.main_window import MainWindow
from safetydesk.ui.app.sign_in import SignInDialog
from safetydesk.ui.kit.context import UiContext
from support import count


@pytest.fixture
def styled(qapp):
    assert application.apply_style(qapp)
    yield qapp
    qapp.setStyleSheet("")


def luminance(c: QColor) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_contrast(widget: QWidget) -> float:
    """The rendered text against the rendered background: the most common colour inside the
    field is its background; the pixel furthest from it is the text (solid strokes of the glyphs)."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    inner = [QColor(image.pixel(x, y)) for x in range(6, image.width() - 6)
             for y in range(6, image.height() - 6)]
    background = Counter(c.rgb() for c in inner).most_common(1)[0][0]
    bg = QColor(background)
    return max(contrast(bg, c) for c in inner)


def test_the_district_name_typed_in_the_first_run_set_up_reads_at_4_5_to_1(qtbot, styled, paths, ui_worker):
    dialog = FirstRunDialog(UiContext(paths, ui_worker))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pages.setCurrentIndex(1)
    qtbot.waitExposed(dialog)
    field = dialog.findChild(QLineEdit, "districtName")
    field.setText("WWWW Evergreen District")
    field.setCursorPosition(0)
    dialog.schools.setFocus()  # measured without the focus border and cursor
    ratio = text_contrast(field)
    count("ui-text-contrast", tried=1, caught=int(ratio >= 4.5))
    assert ratio >= 4.5, f"text contrast {ratio:.2f}:1"
    # The header's light text stays in the header: measured there too, against its dark band.
    assert re.search(r"#headerBand QLabel#districtName", styled.styleSheet())


def test_the_first_run_refuses_password12_for_the_administrator_while_it_is_typed(qtbot, paths, ui_worker):
    dialog = FirstRunDialog(UiContext(paths, ui_worker))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.pages.setCurrentIndex(1)
    meter = dialog.password_meter
    assert "At least 12 characters" in meter.text.text()
    qtbot.keyClicks(dialog.password, "password12")
    assert meter.text.text().startswith("Refused: That password is too common")
    assert "words that have nothing to do with each other" in meter.text.text()
    assert meter.bar.property("level") == "weak"
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "lantern quarry violet")
    assert meter.text.text() in ("Strong password.", "Very strong password.")
    # Saving says the same as the meter: the services refuse it, the field shows why.
    dialog.district.setText("Evergreen Test District")
    dialog.schools.setPlainText("North High School")
    dialog.admin.setText("dana")
    dialog.password.setText("password12")
    dialog.password2.setText("password12")
    dialog.create_button.click()
    error = dialog.setup_form.rows["password"].error
    qtbot.waitUntil(lambda: "too common" in error.text(), timeout=10_000)
    assert dialog.session is None


def test_the_password_field_keeps_its_height_after_a_wrong_password(qtbot, styled, ui_world, paths,
                                                                   ui_worker):
    dialog = SignInDialog(UiContext(paths, ui_worker), "admin")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.password.height()
    assert before >= dialog.password.sizeHint().height()
    qtbot.keyClicks(dialog.password, "wrong password")
    dialog.button.click()
    qtbot.waitUntil(lambda: "do not match" in dialog.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.height() >= dialog.sizeHint().height(), timeout=5_000)
    # The dialog's minimum is its layout's, so no window manager can squeeze the fields.
    assert dialog.minimumHeight() >= dialog.layout().minimumSize().height()
    for field in (dialog.password, dialog.user):
        assert field.height() == before
        assert field.height() >= field.sizeHint().height()  # focused or not, never squeezed


def _arrow_ink(widget: QWidget, region: tuple[int, int, int, int]) -> int:
    """How many dark pixels (an arrow) are drawn inside ``region`` of the widget."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    x0, y0, w, h = region
    return sum(1 for x in range(x0, x0 + w) for y in range(y0, y0 + h)
               if luminance(QColor(image.pixel(x, y))) < 0.35)


def test_drop_downs_have_an_arrow_and_number_boxes_their_buttons(qtbot, styled):
    sheet = styled.styleSheet()
    for name in re.findall(r"url\(([^)]+)\)", sheet):
        assert Path(name).is_file(), name  # every image the style sheet names is shipped
    holder = QWidget()
    combo, spin = QComboBox(), QSpinBox()
    combo.addItems(["Interview or interrogation", "Search of a locker"])
    spin.setRange(0, 120)
    spin.setValue(10)
    v = QVBoxLayout(holder)
    v.addWidget(combo)
    v.addWidget(spin)
    qtbot.addWidget(holder)
    holder.resize(320, 120)
    holder.show()
    qtbot.waitExposed(holder)
    w, h = combo.width(), combo.height()
    assert _arrow_ink(combo, (w - 20, 4, 16, h - 8)) >= 6  # the arrow at the right end
    sw, sh = spin.width(), spin.height()
    assert _arrow_ink(spin, (sw - 18, 2, 14, sh // 2 - 2)) >= 4  # up
    assert _arrow_ink(spin, (sw - 18, sh // 2, 14, sh // 2 - 2)) >= 4  # down
    spin.setFocus()
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=QPoint(sw - 9, sh // 4))
    assert spin.value() == 11  # the up button is where it is drawn


@pytest.fixture
def window(qtbot, ui_ctx):
    w = MainWindow(ui_ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.lock_setting_known)
    return w


def test_a_lock_by_hand_says_so_and_an_idle_lock_says_after_how_long(qtbot, window):
    qtbot.mouseClick(window.lock_button, Qt.MouseButton.LeftButton)
    assert window.locked
    reason = window.lock_screen.reason.text()
    assert reason.startswith("You locked the window") and "minutes" not in reason
    window.unlock()
    window.set_lock_minutes(0.002)
    qtbot.waitUntil(lambda: window.locked, timeout=5_000)
    assert window.lock_screen.reason.text().startswith(
        "The window locked itself after less than a minute without use")


def test_the_window_opens_with_the_sections_focused_not_a_header_button(qtbot, ui_window):
    window = ui_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=5_000)
    assert QApplication.focusWidget() is window.nav
