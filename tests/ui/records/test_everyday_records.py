"""The everyday record screens at work: policy rules shown where the person types."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from safetydesk.domain.filters import InteractionFilter
from safetydesk.services import (
    climate,
    interactions,
    interventions,
    outside_requests,
    registry,
    staff,
)


def _ago(hours: float = 2) -> str:
    return (datetime.now() - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _new(qtbot, window, section: str):
    page = window.show_section_key(section)
    form = page.new_record()
    qtbot.waitExposed(form)
    return page, form


@pytest.mark.policy("P09")
def test_a_request_without_a_ground_cannot_be_saved_and_says_why(qtbot, ui_window, ui_world):
    window = ui_window()
    _, form = _new(qtbot, window, "requests")
    form.school.setCurrentIndex(form.school.findData(ui_world.high))
    qtbot.keyClicks(form.location, "Room 12")
    qtbot.keyClicks(form.requester_name, "Ms. Lee")
    form.requester_role.setCurrentIndex(form.requester_role.findData("counselor"))
    qtbot.keyClicks(form.description, "Student threw a chair.")
    form.students.list.add(ui_world.students[0], "Quinn, Avery", "subject")
    error = form.row("ground").error
    form._reveal_all = True
    form.check()
    qtbot.waitUntil(lambda: "Without one of these grounds" in error.text(), timeout=10_000)
    assert not form.save_button.isEnabled()
    assert "teachers and administrators" in form.row("requester_role").error.text()

    form.ground.setCurrentIndex(form.ground.findData("a_danger_to_others"))
    form.requester_role.setCurrentIndex(form.requester_role.findData("teacher"))
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        qtbot.keyClick(form, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    request_id = saved.args[0]
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert interventions.get_request(ui_world.session, request_id)["state"]["ground"] == "a_danger_to_others"

    # "Log the interaction" starts the interaction form prefilled, and links it once saved.
    detail = window.open_record("intervention_request", request_id)
    qtbot.waitUntil(lambda: detail.log_button.isEnabled(), timeout=10_000)
    detail.log_button.click()
    form2 = window.forms[-1]
    assert form2.location.text() == "Room 12"
    assert form2.students.list.ids() == [ui_world.students[0]]
    form2.type.setCurrentIndex(form2.type.findData("de_escalation"))
    form2.staff.list.add(ui_world.sro, "Officer Morgan Vale", "lead")
    qtbot.waitUntil(form2.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(form2.saved, timeout=10_000) as logged:
        form2.save()
    qtbot.waitUntil(lambda: interventions.get_request(ui_world.session, request_id)["state"][
        "interaction_id"] == logged.args[0], timeout=10_000)


@pytest.mark.policy("P15")
def test_a_release_needs_its_legal_basis(qtbot, ui_window, ui_world):
    window = ui_window()
    _, form = _new(qtbot, window, "outside_requests")
    qtbot.keyClicks(form.agency, "A federal agency")
    form.document_type.setCurrentIndex(form.document_type.findData("judicial_warrant"))
    qtbot.keyClicks(form.routed_to, "District counsel")
    form.response.setCurrentIndex(form.response.findData("provided_as_required_by_law"))
    form.responded_on.setDate(form.received_on.date())
    assert form.row("legal_basis").label.text().endswith("*")
    error = form.row("legal_basis").error
    qtbot.waitUntil(lambda: "only as required by law" in error.text(), timeout=10_000)
    assert not form.save_button.isEnabled()
    qtbot.keyClicks(form.legal_basis, "Judicial warrant signed by a judge")
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert outside_requests.count_requests(ui_world.session) == 1


@pytest.mark.policy("P10")
def test_a_climate_activity_has_no_student_field_and_saves(qtbot, ui_window, ui_world):
    from PySide6.QtWidgets import QLineEdit

    window = ui_window()
    _, form = _new(qtbot, window, "climate")
    assert not [n for n in form.form.rows if "student" in n]
    assert all("student" not in (w.objectName() or "").lower() for w in form.findChildren(QLineEdit))
    form.school.setCurrentIndex(form.school.findData(ui_world.high))
    form.activity_type.setCurrentIndex(form.activity_type.findData("assembly"))
    qtbot.waitUntil(lambda: form.staff.choice.findData(ui_world.sro) >= 0, timeout=10_000)
    form.staff.list.add(ui_world.sro, "Officer Morgan Vale", "lead")
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert climate.count_activities(ui_world.session) == 1


@pytest.mark.policy("P14")
def test_immigration_text_is_refused_with_the_sentence_named_and_selected(
        qtbot, ui_window, ui_world, ui_prompts):
    window = ui_window()
    form = window.new_interaction()
    qtbot.waitUntil(lambda: form.staff.choice.count() > 0, timeout=10_000)
    form.school.setCurrentIndex(form.school.findData(ui_world.high))
    form.location.setText("Gym")
    form.type.setCurrentIndex(form.type.findData("escort"))
    form.staff.list.add(ui_world.sro, "Officer Morgan Vale", "lead")
    form.students.list.add(ui_world.students[0], "Quinn, Avery", "subject")
    sentence = "The student said he is undocumented."
    form.narrative.setPlainText(f"Walked the student to class. {sentence} He calmed down.")
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    # Warned as typed (the check runs a moment after the last key, so wait for it).
    qtbot.waitUntil(lambda: "Remove this before saving" in form.row("narrative").error.text(), timeout=10_000)
    form.save()
    qtbot.waitUntil(lambda: "error" in ui_prompts.kinds(), timeout=10_000)
    _, _, text = ui_prompts.shown[-1]
    assert sentence in text
    assert form.narrative.textCursor().selectedText() == sentence
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert interactions.count_interactions(ui_world.session, InteractionFilter()) == 0


@pytest.mark.policy("P12")
def test_rcw_13_40_740_flag_is_previewed_confirmed_and_shown_as_a_badge(
        qtbot, ui_window, ui_world, ui_prompts):
    window = ui_window()
    form = window.new_interaction()
    qtbot.waitUntil(lambda: form.staff.choice.count() > 0, timeout=10_000)
    form.school.setCurrentIndex(form.school.findData(ui_world.high))
    qtbot.waitUntil(lambda: form.staff.choice.findData(ui_world.sro) >= 0, timeout=10_000)
    form.location.setText("Office")
    form.type.setCurrentIndex(form.type.findData("law_enforcement"))
    assert not form.row("force_details").control.isVisibleTo(form)  # only what applies is shown
    assert form.row("le_activities").control.isVisibleTo(form)
    form.staff.list.add(ui_world.sro, "Officer Morgan Vale", "lead")
    form.students.list.add(ui_world.students[0], "Quinn, Avery", "subject")
    form.narrative.setPlainText("The officer questioned the student about a theft.")
    form.alternatives["counselor_referral"].setChecked(True)
    block = form.le_activities.add()
    block.type.setCurrentIndex(block.type.findData("interview_interrogation"))
    block.student.setCurrentIndex(block.student.findData(ui_world.students[0]))
    block.officer_staff.setCurrentIndex(block.officer_staff.findData(ui_world.sro))
    block.agency.setText("Fictional Valley Police Department")
    block.authorised_by.setText("Dr. Lena Ortiz, principal")
    block.legal_basis.setCurrentIndex(block.legal_basis.findData("consent"))
    block.age.setValue(15)
    block.admin_present.setCurrentIndex(block.admin_present.findData("no"))
    qtbot.waitUntil(lambda: bool(form.attorney_blocks))
    attorney = form.attorney_blocks[ui_world.students[0]]
    attorney.interrogation.setChecked(True)  # a trigger, no access, no exception
    form.deferred_reason.setText("Directed by child protective services")
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    qtbot.waitUntil(form.flags_preview.isVisible, timeout=10_000)
    assert "RCW 13.40.740" in form.flags_preview.text()
    ui_prompts.answers["confirm"] = False  # "Go back" first: nothing saved
    form._duplicates_seen = True
    form.save()
    assert "confirm" in ui_prompts.kinds()
    ui_prompts.answers["confirm"] = True
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        form.save()
    detail = window.open_interaction(saved.args[0])
    qtbot.waitUntil(lambda: detail.findChild(QLabel, "flag_rcw_13_40_740") is not None, timeout=10_000)
    badge = detail.findChild(QLabel, "flag_rcw_13_40_740")
    assert badge.text() == "RCW 13.40.740: no access to an attorney (P12)"  # words, not a code
    assert badge.property("badge") == "flagRed"


@pytest.mark.policy("P06")
def test_duplicates_are_shown_before_saving_and_follow_ups_are_appended(
        qtbot, ui_window, ui_world, ui_prompts):
    s = ui_world.session
    existing = interactions.log_interaction(s, ui_world.draft(occurred_at=_ago(2)))
    window = ui_window()
    form = window.new_interaction()
    qtbot.waitUntil(lambda: form.staff.choice.count() > 0, timeout=10_000)
    form.school.setCurrentIndex(form.school.findData(ui_world.high))
    form.occurred_at.set_value(_ago(1))
    form.location.setText("Cafeteria")
    form.type.setCurrentIndex(form.type.findData("escort"))
    form.staff.list.add(ui_world.sro, "Officer Morgan Vale", "lead")
    form.students.list.add(ui_world.students[0], "Quinn, Avery", "subject")
    form.narrative.setPlainText("Escorted to the office.")
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    form.save()
    qtbot.waitUntil(form.duplicates_box.isVisible, timeout=10_000)
    assert form.duplicates_list.count() == 1
    assert form.duplicates_list.item(0).data(Qt.ItemDataRole.UserRole) == existing
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        form.save_anyway.click()
    new_id = saved.args[0]

    detail = window.open_interaction(new_id)
    qtbot.waitUntil(lambda: detail.data is not None, timeout=10_000)
    qtbot.waitUntil(lambda: detail.duplicates_box.isVisibleTo(detail), timeout=10_000)
    ui_prompts.answers["ask_text"] = "Called the parent back on Monday."
    detail.follow_up_button.click()
    qtbot.waitUntil(lambda: "Called the parent back" in detail.follow_ups.text(), timeout=10_000)
    ui_prompts.answers["ask_text"] = "Logged twice by the office and the officer."
    detail.mark_duplicate_button.click()
    qtbot.waitUntil(lambda: detail.findChild(QLabel, "badge_retracted") is not None, timeout=10_000)
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert interactions.get_interaction(s, new_id)["duplicate_of"] == existing


@pytest.mark.policy("P02")
def test_staff_without_training_show_red_and_training_is_recorded(qtbot, ui_window, ui_world):
    from safetydesk.domain.records import StaffDraft

    s = ui_world.session
    new_staff = registry.add_staff(s, StaffDraft(
        name="Casey Rivera", category="campus_security", employer_type="contractor", agency="Safe Co",
        assignments=[{"school_id": ui_world.high, "days_per_week": 2.5}]))
    window = ui_window()
    page = window.show_section_key("staff")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    rows = {page.model.row(r)["name"]: r for r in range(3)}
    r = rows["Casey Rivera"]
    assert page.model.data(page.model.index(r, 5)) == "ESD documentation not confirmed"
    assert page.model.data(page.model.index(r, 5), Qt.ItemDataRole.ForegroundRole).color().name() == "#a4262c"
    assert "Birch High School (2.5)" in page.model.data(page.model.index(r, 4))

    detail = window.open_record("staff", new_staff)
    qtbot.waitUntil(lambda: detail.findChild(QLabel, "training_esd_documentation") is not None,
                    timeout=10_000)
    assert detail.findChild(QLabel, "training_esd_documentation").property("overdue")
    detail.training_button.click()
    form = window.forms[-1]
    form.esd_issuer.setText("ESD 113")
    form.esd_date.setDate(form.esd_date.date().currentDate().addDays(-20))
    form.esd_reference.setText("ESD113-7781")
    form.esd_confirmed_by.setText("District safety office")
    form.esd_confirmed_on.setDate(form.esd_confirmed_on.date().currentDate().addDays(-10))
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert staff.is_trained(s, new_staff)
    qtbot.waitUntil(lambda: "ESD 113" in (detail.findChild(QLabel, "training_esd_documentation").text()
                                          if detail.findChild(QLabel, "training_esd_documentation") else ""),
                    timeout=10_000)


@pytest.mark.policy("P01")
def test_a_staff_member_is_added_with_days_per_week(qtbot, ui_window, ui_world):
    window = ui_window()
    _, form = _new(qtbot, window, "staff")
    qtbot.keyClicks(form.name, "Dana Brooks")
    form.category.setCurrentIndex(form.category.findData("sro"))
    assert form.commissioned.isChecked()  # an SRO is a commissioned officer
    qtbot.keyClicks(form.agency, "Fictional Valley Police Department")
    form.assignments.add_button.click()
    school, days, _ = form.assignments.rows[0]
    school.setCurrentIndex(school.findData(ui_world.elementary))
    days.setValue(7)  # capped at 5
    assert days.value() == 5
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        form.save()
    qtbot.waitUntil(window.ctx.worker.is_idle)
    got = staff.get_staff(ui_world.session, saved.args[0])["state"]
    assert got["assignments"] == [{"school_id": ui_world.elementary, "days_per_week": 5.0}]


@pytest.mark.policy("P14")
def test_roster_import_previews_skipped_birth_columns_then_applies(qtbot, ui_window, ui_world, tmp_path):
    folder = tmp_path / "oneroster"
    folder.mkdir()
    (folder / "orgs.csv").write_text("sourcedId,name,type,identifier\no1,Birch High School,school,BHS\n")
    (folder / "users.csv").write_text(
        "sourcedId,role,givenName,familyName,identifier,grades\n"
        "u1,student,Noor,Haddad,S90001,09\nu2,student,Lee,Park,S90002,10\n")
    (folder / "demographics.csv").write_text(
        "sourcedId,birthDate,sex,white,asian,countryOfBirthCode,cityOfBirth\n"
        "u1,2010-02-03,female,false,true,ZZ,Nowhere City\nu2,2009-05-06,male,true,false,YY,Elsewhere\n")
    (folder / "enrollments.csv").write_text(
        "sourcedId,classSourcedId,schoolSourcedId,userSourcedId,role,primary\n"
        "e1,c1,o1,u1,student,true\ne2,c1,o1,u2,student,true\n")
    window = ui_window()
    page = window.show_section_key("students")
    wizard = page.new_record()
    qtbot.waitExposed(wizard)
    wizard.path.setText(str(folder))
    wizard.preview_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=10_000)
    skipped = {wizard.skipped.item(r, 1).text() for r in range(wizard.skipped.rowCount())}
    assert {"countryOfBirthCode", "cityOfBirth"} <= skipped
    assert "2 students" in wizard.preview_status.text()
    assert registry.find_students(ui_world.session, "Haddad") == []  # nothing written yet
    wizard.apply_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 2, timeout=10_000)
    assert "2 new" in wizard.done_text.text()
    found = registry.find_students(ui_world.session, "Haddad")
    assert [s["local_id"] for s in found] == ["S90001"]
    assert "Nowhere" not in repr(found)

    # The page finds the student by part of the name, and the detail has no birthplace field.
    page.search.setText("Hadd")
    page.apply_filter()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    detail = window.open_record("student", found[0]["id"])
    qtbot.waitUntil(lambda: "Noor" in detail.title.text(), timeout=10_000)
    qtbot.waitUntil(lambda: detail.findChild(QLabel, "detail_programs") is not None, timeout=10_000)
    labels = " ".join(w.text().lower() for w in detail.findChildren(QLabel))
    assert "programs" in labels and "on the roster" in labels  # the detail's fields were read
    for forbidden in ("birthplace", "place of birth", "citizenship", "immigration", "country of birth"):
        assert forbidden not in labels
