"""Logging and correcting interactions through the form (P06), with history (P25)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QPlainTextEdit

from safetydesk.domain.filters import InteractionFilter
from safetydesk.services import interactions
from safetydesk.ui.records.interactions.form import InteractionForm


def open_form(qtbot, window) -> InteractionForm:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.forms) == 1)
    form = window.forms[0]
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form)
    qtbot.waitUntil(lambda: form.staff.choice.count() > 0, timeout=10_000)
    return form


def fill(qtbot, form: InteractionForm, ui_world, *, discipline: bool = False, admin: str = "") -> None:
    when = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    form.findChild(type(form.occurred_at), "occurredAt").set_value(when.strftime("%Y-%m-%dT%H:%M"))
    school = form.findChild(QComboBox, "school")
    school.setCurrentIndex(school.findData(ui_world.high))
    qtbot.keyClicks(form.findChild(QLineEdit, "location"), "Main hallway")
    kind = form.findChild(QComboBox, "type")
    kind.setCurrentIndex(kind.findData("escort"))
    qtbot.waitUntil(lambda: form.staff.choice.findData(ui_world.sro) >= 0, timeout=10_000)
    staff = form.findChild(QComboBox, "staffChoice")
    qtbot.keyClicks(staff.lineEdit(), "Morgan")
    qtbot.keyClick(staff.lineEdit(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.staff.list.ids() == [ui_world.sro])
    search = form.findChild(QLineEdit, "studentSearch")
    qtbot.keyClicks(search, "Tanaka")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.students.list.ids() == [ui_world.students[1]], timeout=10_000)
    if discipline:
        form.findChild(QCheckBox, "disciplineRelated").setChecked(True)
    if admin:
        qtbot.keyClicks(form.findChild(QLineEdit, "responsibleAdmin"), admin)
    qtbot.keyClicks(form.findChild(QPlainTextEdit, "narrative"),
                    "Walked the student back to class after the bell.")


@pytest.mark.policy("P06")
def test_logging_through_the_form_saves_and_lists_it(qtbot, ui_window, ui_world):
    window = ui_window(list_page_size=20, list_max_pages=3)
    form = open_form(qtbot, window)
    assert form.save_button.objectName() == "saveButton"
    assert not form.save_button.isEnabled()  # nothing typed yet
    fill(qtbot, form, ui_world)
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    assert "Ready to save" in form.save_status.text()
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    record_id = saved.args[0]

    page = window.interactions
    window.show_section(1)
    qtbot.waitUntil(lambda: page.count_label.text() == "1 interaction", timeout=10_000)
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 5)) == "Main hallway", timeout=10_000)
    assert "Tanaka" in page.model.data(page.model.index(0, 3))

    qtbot.waitUntil(window.ctx.worker.is_idle)
    stored = interactions.get_interaction(ui_world.session, record_id)
    assert stored["state"]["location"] == "Main hallway"
    assert stored["state"]["type"] == "escort"
    assert [(s["student_id"], s["role"]) for s in stored["students"]] == [(ui_world.students[1], "subject")]
    assert [(s["staff_id"], s["role"]) for s in stored["staff"]] == [(ui_world.sro, "lead")]


@pytest.mark.policy("P06")
def test_discipline_related_without_administrator_is_explained_and_not_saved(
        qtbot, ui_window, ui_world):
    window = ui_window()
    form = open_form(qtbot, window)
    admin_field = form.findChild(QLineEdit, "responsibleAdmin")
    assert not admin_field.isEnabled()  # only asked for when discipline-related
    fill(qtbot, form, ui_world, discipline=True)
    assert admin_field.isEnabled()
    assert form.row("responsible_admin").label.text().endswith("*")

    error = form.row("responsible_admin").error
    qtbot.waitUntil(lambda: "administrator responsible for discipline" in error.text(),
                    timeout=10_000)
    assert error.isVisibleTo(form)
    assert not form.save_button.isEnabled()
    assert "administrator" in form.save_button.toolTip()
    assert "Not ready to save" in form.save_status.text()

    qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # tries anyway
    qtbot.waitUntil(lambda: form.save_status.text().startswith("Not ready"), timeout=10_000)
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert form.isVisible()
    assert interactions.count_interactions(ui_world.session, InteractionFilter()) == 0
    assert "Traceback" not in error.text()

    qtbot.keyClicks(admin_field, "Principal Reyes")  # naming the administrator fixes it
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    assert not error.isVisible()


@pytest.mark.policy("P25")
def test_amending_shows_the_change_and_reason_in_the_history(qtbot, ui_window, ui_world, ui_prompts):
    record_id = interactions.log_interaction(ui_world.session, ui_world.draft(
        location="Cafeteria", alternatives_note="Talked with the student first."))
    window = ui_window()
    detail = window.open_interaction(record_id)
    qtbot.waitUntil(lambda: detail.amend_button.isEnabled(), timeout=10_000)
    assert "Cafeteria" in detail.history.toPlainText()

    detail.amend_button.click()
    qtbot.waitUntil(lambda: len(window.forms) == 1)
    form = window.forms[0]
    assert form.amending
    assert form.location.text() == "Cafeteria"
    assert form.students.list.ids() == [ui_world.students[0]]  # the people come along
    form.location.setText("Gym")
    ui_prompts.answers["ask_text"] = "Wrong room entered at first"
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save_button.click()
    assert "ask_text" in ui_prompts.kinds()  # the reason was asked for

    qtbot.waitUntil(lambda: "Cafeteria → Gym" in detail.history.toPlainText(), timeout=10_000)
    text = detail.history.toPlainText()
    assert "Wrong room entered at first" in text
    assert "Amended by admin" in text
    assert "Created by admin" in text
    assert "Avery" in text  # the student named, not an id
    assert detail.findChild(type(detail.title), "detail_location").text() == "Gym"
    # Details this form does not show are kept as they were, not wiped by the correction.
    qtbot.waitUntil(window.ctx.worker.is_idle)
    state = interactions.get_interaction(ui_world.session, record_id)["state"]
    assert state["alternatives_note"] == "Talked with the student first."


@pytest.mark.policy("P25")
def test_amending_with_no_reason_saves_nothing(qtbot, ui_window, ui_world, ui_prompts):
    record_id = interactions.log_interaction(ui_world.session, ui_world.draft(location="Cafeteria"))
    window = ui_window()
    record = interactions.get_interaction(ui_world.session, record_id)
    form = window.amend_interaction(record)
    form.location.setText("Gym")
    ui_prompts.answers["ask_text"] = None  # the person pressed Cancel
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    form.save_button.click()
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert interactions.get_interaction(ui_world.session, record_id)["state"]["location"] == "Cafeteria"
    assert form.isVisible()


def test_retract_needs_a_reason_and_shows_retracted(qtbot, ui_window, ui_world, ui_prompts):
    record_id = interactions.log_interaction(ui_world.session, ui_world.draft())
    window = ui_window()
    detail = window.open_interaction(record_id)
    qtbot.waitUntil(lambda: detail.retract_button.isEnabled(), timeout=10_000)
    ui_prompts.answers["ask_text"] = "Logged twice by mistake"
    detail.retract_button.click()
    qtbot.waitUntil(lambda: "Retracted" in detail.status.text(), timeout=10_000)
    assert "Logged twice by mistake" in detail.history.toPlainText()
    assert not detail.amend_button.isEnabled()
    assert "retracted" in detail.amend_button.toolTip()
