"""Drafts kept on close, the dashboard, sections and keyboard, role-aware buttons."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit

from safetydesk.domain.records import UserDraft
from safetydesk.services import accounts, admin, files, interactions
from safetydesk.ui.records.interactions.detail import InteractionDetail


def test_closing_unsaved_keeps_a_draft_the_dashboard_offers(qtbot, ui_window, ui_world):
    window = ui_window()
    form = window.new_interaction()
    qtbot.waitExposed(form)
    qtbot.keyClicks(form.findChild(QLineEdit, "location"), "Bus loop")
    qtbot.keyClicks(form.findChild(QPlainTextEdit, "narrative"), "Half-written note")
    qtbot.keyClick(form, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.forms, timeout=10_000)

    dash = window.dashboard
    qtbot.waitUntil(lambda: dash.drafts.count() == 1, timeout=10_000)
    assert "Bus loop" in dash.drafts.item(0).text()
    assert dash.resume_button.isVisibleTo(dash)
    assert "draft" in window.statusBar().currentMessage()

    dash.resume_button.click()
    qtbot.waitUntil(lambda: len(window.forms) == 1)
    resumed = window.forms[0]
    assert resumed.location.text() == "Bus loop"
    assert resumed.narrative.toPlainText() == "Half-written note"

    # Finishing and saving the resumed form removes the draft.
    school = resumed.school
    school.setCurrentIndex(school.findData(ui_world.high))
    resumed.type.setCurrentIndex(resumed.type.findData("escort"))
    resumed.staff.list.add(ui_world.sro, "Officer Morgan Vale", "lead")
    resumed.students.list.add(ui_world.students[0], "Quinn, Avery", "subject")
    qtbot.waitUntil(resumed.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(resumed.saved, timeout=10_000):
        resumed.save()
    qtbot.waitUntil(lambda: dash.drafts.count() == 0 and dash.no_drafts.isVisibleTo(dash),
                    timeout=10_000)
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert admin.drafts(ui_world.session) == []


def test_closing_an_untouched_form_keeps_no_draft(qtbot, ui_window, ui_world):
    window = ui_window()
    form = window.new_interaction()
    form.close()
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert admin.drafts(ui_world.session) == []


def test_dashboard_counts_and_recent_open_the_detail(qtbot, ui_window, ui_world):
    from datetime import datetime

    now = datetime.now().replace(second=0, microsecond=0)
    s = ui_world.session
    record_id = interactions.log_interaction(s, ui_world.draft(
        occurred_at=now.strftime("%Y-%m-%dT%H:%M"), discipline_related=True,
        resulted_in_discipline=True, responsible_admin="Principal Reyes", location="Courtyard"))
    window = ui_window()
    dash = window.dashboard
    qtbot.waitUntil(lambda: dash.cards["interactions"].number.text() == "1", timeout=10_000)
    assert dash.cards["discipline"].number.text() == "1"
    assert dash.cards["force"].number.text() == "0"
    qtbot.waitUntil(lambda: dash.recent.rowCount() == 1)
    assert dash.recent.item(0, 4).text() == "Discipline-related · Resulted in discipline"

    dash.recent.setFocus()
    dash.recent.setCurrentCell(0, 0)
    qtbot.keyClick(dash.recent, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: record_id in window.details)
    detail: InteractionDetail = window.details[record_id]
    qtbot.waitUntil(lambda: detail.findChild(QLabel, "badge_discipline") is not None,
                    timeout=10_000)

    dash.cards["discipline"].activated.emit()  # the figure lists those interactions
    assert window.section_key() == "interactions"
    qtbot.waitUntil(lambda: window.interactions.count_label.text() == "1 interaction",
                    timeout=10_000)


def test_sections_keyboard_and_status_bar(qtbot, ui_window):
    window = ui_window()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.section_key() == "staff"
    page = window.stack.currentWidget()
    assert page.objectName() == "staffPage"  # the staff registry (sections_everyday)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.section_key() == "interactions"
    assert window.interactions.search.hasFocus()
    assert "Signed in as admin (District administrator)" in window.status_user.text()
    assert "Fictional Valley School District" in window.status_user.text()
    assert str(window.ctx.paths.data_file) in window.status_file.text()
    assert window.district_label.text() == "Fictional Valley School District"


@pytest.mark.policy("P23")
def test_a_role_that_cannot_retract_sees_the_button_disabled_and_why(qtbot, ui_world, paths,
                                                                     ui_worker):
    from safetydesk.ui.kit.context import UiContext

    record_id = interactions.log_interaction(ui_world.session, ui_world.draft())
    accounts.create_user(ui_world.session, UserDraft(username="frontdesk", display_name="Sam Front",
                                                  role="front_office", schools=[ui_world.high]),
                         "a long pass phrase 7")
    session = files.sign_in(paths, "frontdesk", "a long pass phrase 7")
    try:
        ctx = UiContext(paths, ui_worker)
        ctx.sign_in(session)
        qtbot.waitUntil(lambda: ctx.lookups_loaded, timeout=10_000)
        detail = InteractionDetail(ctx, record_id)
        qtbot.addWidget(detail)
        qtbot.waitUntil(lambda: detail.data is not None, timeout=10_000)
        assert detail.amend_button.isEnabled()
        assert not detail.retract_button.isEnabled()
        assert "Front office staff" in detail.retract_button.toolTip()
        assert "cannot retract" in detail.retract_button.toolTip()
    finally:
        qtbot.waitUntil(ui_worker.is_idle)
        session.store.close()
