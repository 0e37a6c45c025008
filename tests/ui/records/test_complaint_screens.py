"""Complaints in the window (P16): intake, the whole workflow, the response letter, anonymity, drafts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from safetydesk.domain.settings import DistrictSettings
from safetydesk.services import admin, audit, complaints, settings
from safetydesk.ui.kit.windows import find_tracked


def open_page(qtbot, window):
    page = window.show_section_key("complaints")
    assert page is not None and window.section_key() == "complaints"
    return page


def fill_intake(qtbot, form, ui_world, *, anonymous: bool = False) -> None:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    form.channel.setCurrentIndex(form.channel.findData("phone"))
    form.school.setCurrentIndex(form.school.findData(ui_world.high))
    qtbot.keyClicks(form.complainant_name, "Pat Rivera")
    qtbot.keyClicks(form.contact_phone, "360-555-0101")
    qtbot.keyClicks(form.contact_address, "1234 Cedar Street")
    form.language.setCurrentText("Spanish")
    form.interpreter.setChecked(True)
    if anonymous:
        form.anonymous.setChecked(True)
    qtbot.waitUntil(lambda: form.staff.count() > 0, timeout=10_000)
    for i in range(form.staff.count()):
        item = form.staff.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == ui_world.sro:
            item.setCheckState(Qt.CheckState.Checked)
    form.incident_date.set_value(yesterday)
    qtbot.keyClicks(form.incident_place, "Main entrance")
    form.allegations.setPlainText("Raised his voice at my son\nSearched his backpack without an administrator")
    qtbot.keyClicks(form.narrative, "My son says the officer yelled at him at the entrance.")


def new_form(qtbot, window):
    page = open_page(qtbot, window)
    form = page.new_complaint()
    qtbot.waitExposed(form)
    return form


@pytest.mark.policy("P16")
def test_a_complaint_through_its_whole_workflow_with_the_letter(qtbot, ui_window, ui_world, ui_prompts,
                                                                tmp_path):
    window = ui_window()
    form = new_form(qtbot, window)
    fill_intake(qtbot, form, ui_world)
    qtbot.waitUntil(lambda: form.save_status.text().startswith("Ready"), timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        form.activateWindow()
        qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    filed = saved.args[0]
    assert ("info", "Complaint filed") in [(k, t) for k, t, _ in ui_prompts.shown]
    assert filed.confirmation in ui_prompts.shown[-1][2]

    qtbot.waitUntil(lambda: find_tracked(window, f"complaint:{filed.id}") is not None, timeout=10_000)
    detail = find_tracked(window, f"complaint:{filed.id}")
    status = lambda: detail.data and detail.data["state"]["status"]  # noqa: E731
    qtbot.waitUntil(lambda: status() == "received", timeout=10_000)
    assert detail.status_badge.text() == "Received"
    assert "Acknowledge the complaint" in detail.deadlines.text()

    # The list shows it, and typing the number a family reads out finds it.
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 0)) == filed.confirmation)

    def step(to: str) -> None:
        button = detail.step_buttons_by_status[to]
        assert button.isEnabled()
        button.click()

    detail.step_note.setPlainText("Called the parent back the same day.")
    step("acknowledged")
    qtbot.waitUntil(lambda: status() == "acknowledged", timeout=10_000)
    assert "Called the parent back" in detail.steps_view.text()

    step("investigating")  # refused: no investigator yet, said next to the step
    qtbot.waitUntil(detail.step_error.isVisible, timeout=10_000)
    assert "investigator" in detail.step_error.text()
    ui_prompts.answers["ask_text"] = "Dr. Lee, assistant principal"
    detail.assign_button.click()
    qtbot.waitUntil(lambda: "Dr. Lee" in detail.investigator_label.text(), timeout=10_000)
    step("investigating")
    qtbot.waitUntil(lambda: status() == "investigating", timeout=10_000)

    detail.extension_days.setValue(60)
    detail.extension_reason.setText("Waiting for the agency's body-camera footage")
    detail.extend_button.click()
    qtbot.waitUntil(lambda: detail.data["state"].get("extension_days") == 60, timeout=10_000)

    detail.note_edit.setPlainText("Interviewed the officer.")
    detail.add_note_button.click()
    qtbot.waitUntil(lambda: "Interviewed the officer" in detail.notes_view.text(), timeout=10_000)

    step("findings")  # refused: findings missing
    qtbot.waitUntil(detail.step_error.isVisible, timeout=10_000)
    assert "A1" in detail.step_error.text()
    combo1, _ = detail.finding_controls["A1"]
    combo2, note2 = detail.finding_controls["A2"]
    combo1.setCurrentIndex(combo1.findData("sustained"))
    combo2.setCurrentIndex(combo2.findData("exonerated"))
    note2.setText("Consent was given.")
    detail.save_findings_button.click()
    qtbot.waitUntil(lambda: all(a["finding"] for a in detail.data["state"]["allegations"]), timeout=10_000)
    step("findings")
    qtbot.waitUntil(lambda: status() == "findings", timeout=10_000)

    settings.update_settings(ui_world.session, DistrictSettings(letterhead_address="1113 Legion Way SE"), "Address")
    target = tmp_path / "letter.pdf"
    ui_prompts.answers["save_file"] = str(target)
    ui_prompts.answers["confirm"] = False  # do not open it
    detail.signer_title.setText("Principal")
    with qtbot.waitSignal(detail.letter_written, timeout=20_000):
        detail.letter_button.click()
    text = "\n".join(page.extract_text() for page in PdfReader(str(target)).pages)
    assert filed.confirmation in text
    assert "Sustained" in text and "Exonerated" in text
    assert "interpreter" in text.lower() and "Spanish" in text
    assert any(t == "Response letter saved" for _, t, _ in ui_prompts.shown)

    step("response_sent")
    qtbot.waitUntil(lambda: status() == "response_sent", timeout=10_000)
    detail.step_note.setPlainText("Family satisfied with the response.")
    step("closed")
    qtbot.waitUntil(lambda: status() == "closed", timeout=10_000)
    assert not detail.step_buttons_by_status
    history = detail.history.toPlainText()
    for words in ("Received → Acknowledged", "Investigating → Findings made", "Closed"):
        assert words in history
    printed = audit.audit_trail(ui_world.session, record_id=filed.id, action="print")
    assert printed and "Response letter" in printed[0].reason
    state = complaints.get_complaint(ui_world.session, filed.id)["state"]
    assert [s["to"] for s in state["steps"]] == ["acknowledged", "investigating", "findings",
                                                 "response_sent", "closed"]


@pytest.mark.policy("P16")
def test_anonymous_intake_hides_clears_and_stores_no_contact(qtbot, ui_window, ui_world):
    window = ui_window()
    form = new_form(qtbot, window)
    fill_intake(qtbot, form, ui_world, anonymous=True)
    assert form.complainant_name.text() == "" and form.contact_phone.text() == ""
    assert not form.complainant_name.isVisibleTo(form)
    qtbot.waitUntil(lambda: form.save_status.text().startswith("Ready"), timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        form.save()
    filed = saved.args[0]
    state = complaints.get_complaint(ui_world.session, filed.id)["state"]
    assert state["anonymous"] is True
    assert all(state[f] == "" for f in ("complainant_name", "contact_phone", "contact_email", "contact_address"))
    history = " ".join(str(e.changes) for e in complaints.complaint_history(ui_world.session, filed.id))
    assert "Pat Rivera" not in history and "555-0101" not in history and "Cedar" not in history


@pytest.mark.policy("P16")
def test_errors_show_next_to_fields_and_a_closed_intake_is_kept_as_a_draft(qtbot, ui_window, ui_world):
    window = ui_window()
    form = new_form(qtbot, window)
    form.save()  # nothing filled in: every problem is shown beside its field
    qtbot.waitUntil(lambda: "allegations" in form.errors_shown(), timeout=10_000)
    assert "narrative" in form.errors_shown() and "channel" in form.errors_shown()
    qtbot.keyClicks(form.incident_place, "Bus loop")
    form.reject()
    qtbot.waitUntil(lambda: len(admin.drafts(ui_world.session)) == 1, timeout=10_000)
    dash = window.dashboard
    window.show_section(0)
    qtbot.waitUntil(lambda: dash.drafts.count() == 1, timeout=10_000)
    assert dash.drafts.item(0).text().startswith("New complaint")
    dash.resume_button.click()
    qtbot.waitUntil(lambda: any(getattr(f, "FORM", "") == "complaint" for f in window.forms),
                    timeout=10_000)
    resumed = next(f for f in window.forms if getattr(f, "FORM", "") == "complaint")
    assert resumed.incident_place.text() == "Bus loop"
    QApplication.processEvents()


def test_allegations_typed_just_after_adding_students_are_never_lost(qtbot, ui_window, ui_world):
    """Type a name, Enter at once (before the roster answers), Tab, type the allegations: every
    character lands in the allegations, and the late answer opens nothing under the typing."""
    window = ui_window()
    form = new_form(qtbot, window)
    form.school.setCurrentIndex(form.school.findData(ui_world.high))
    form.activateWindow()
    picker = form.students
    picker.search.setFocus()
    qtbot.waitUntil(picker.search.hasFocus, timeout=5_000)
    qtbot.keyClicks(picker.search, "Rowan")
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)  # before the search has answered
    qtbot.waitUntil(lambda: picker.ids() == [ui_world.students[1]], timeout=10_000)
    qtbot.keyClicks(picker.search, "Kai")
    qtbot.keyClick(picker.search, Qt.Key.Key_Tab)  # moved on while the answer is on its way
    qtbot.waitUntil(form.allegations.hasFocus, timeout=5_000)
    typed = "Raised his voice at my son"
    qtbot.keyClicks(form.allegations, typed)
    qtbot.waitUntil(lambda: window.ctx.worker.is_idle(), timeout=10_000)
    assert not picker.results.isVisible()  # nothing opened under the pointer
    qtbot.keyClick(form.allegations, Qt.Key.Key_Return)
    qtbot.keyClicks(form.allegations, "Searched his backpack")
    assert form.allegations.toPlainText() == typed + "\nSearched his backpack"
    assert [a["text"] for a in form.draft().allegations] == [typed, "Searched his backpack"]
    assert form.draft().student_ids == [ui_world.students[1]]
    # The keyboard still reaches the students added: Down, then Delete removes one.
    picker.search.clear()
    picker.search.setFocus()
    qtbot.waitUntil(picker.search.hasFocus, timeout=5_000)
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.chosen.hasFocus()
    qtbot.keyClick(picker.chosen, Qt.Key.Key_Delete)
    assert picker.ids() == []


def test_complaint_dates_are_typed_as_people_type_and_checked_against_each_other(qtbot, ui_window,
                                                                                  ui_world):
    window = ui_window()
    form = new_form(qtbot, window)
    today = date.today()
    assert form.received_date.value() == today.isoformat()  # a new complaint is received today
    assert form.received_date.line.text() == f"{today.month}/{today.day}/{today.year}"  # US style
    form.incident_date.line.setText("yesterday")
    assert form.incident_date.value() == (today - timedelta(days=1)).isoformat()
    assert form.received_date.problem() == ""
    form.incident_date.set_value((today + timedelta(days=3)).isoformat())
    assert "in the future" in form.incident_date.problem()
    assert "3 days before the incident date" in form.received_date.problem()
    form.incident_date.line.setText("13/45")
    assert "not a date" in form.incident_date.problem()
    assert form.draft().incident_date == ""
    form.incident_date.set_value((today - timedelta(days=2)).isoformat())
    form.referral_date.set_value((today - timedelta(days=1)).isoformat())
    assert "1 day before the date received" in form.referral_date.problem()
    form.referral_date.line.setText("today")
    assert form.referral_date.problem() == "" and form.draft().referral_date == today.isoformat()
