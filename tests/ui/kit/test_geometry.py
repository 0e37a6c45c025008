"""Every window fits a 1280x720 screen with its buttons visible, and remembers the person's
size and place (and not the next person's)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize

from safetydesk.ui.kit import geometry
from safetydesk.ui.records.climate import ClimateForm
from safetydesk.ui.records.interactions.form import InteractionForm
from safetydesk.ui.records.requests import InterventionForm

FORMS = [InteractionForm, ClimateForm, InterventionForm]


@pytest.mark.parametrize("form_class", FORMS)
def test_a_form_s_minimum_size_fits_1280x720_and_its_buttons_sit_outside_the_scrolling(
        qtbot, ui_ctx, form_class):
    form = form_class(ui_ctx)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    minimum = form.minimumSizeHint().expandedTo(form.minimumSize())
    assert minimum.width() <= 1280 - 48 and minimum.height() <= 720 - 80, minimum
    form.resize(QSize(1280 - 48, 720 - 80))
    qtbot.wait(10)
    assert not form.scroll_area.widget().isAncestorOf(form.save_button)  # buttons do not scroll
    assert form.save_button.isVisibleTo(form)
    bottom = form.save_button.mapTo(form, form.save_button.rect().bottomLeft()).y()
    assert bottom <= form.height()


def test_a_window_comes_back_where_the_person_left_it(qtbot, ui_ctx):
    form = ClimateForm(ui_ctx)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    form.resize(610, 540)
    form.move(40, 30)
    qtbot.waitUntil(lambda: form.width() == 610)
    form.reject()
    again = ClimateForm(ui_ctx)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (610, 540)

    # Kept under this person's name: someone else on the same workstation gets the default.
    store = geometry.settings(ui_ctx)
    assert store is not None
    name = again.objectName()
    assert store.value(f"{ui_ctx.actor.username}/{name}/geometry") is not None
    assert store.value(f"someone-else/{name}/geometry") is None
