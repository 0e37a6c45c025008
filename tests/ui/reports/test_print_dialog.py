"""Printing one record (P24): internal, family and outside-party copies from the record's window,
and a student's record of disclosures."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import shiboken6
from pypdf import PdfReader
from test_accessibility import unnamed

from safetydesk.domain.interventions import InterventionDraft
from safetydesk.services import disclosures, interactions, interventions
from safetydesk.ui.reports.print_dialog import PrintDialog


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages)


def two_student_interaction(ui_world) -> str:
    return interactions.log_interaction(ui_world.session, ui_world.draft(
        students=[{"student_id": ui_world.students[0], "role": "subject"},
                  {"student_id": ui_world.students[1], "role": "subject"}],
        narrative="Avery Quinn and Rowan Tanaka argued over a seat; staff calmed them."))


def open_dialog(qtbot, window, record_id: str) -> PrintDialog:
    detail = window.open_interaction(record_id)
    qtbot.waitUntil(lambda: detail.print_button.isEnabled(), timeout=10_000)
    dialog = detail.print_record()
    assert isinstance(dialog, PrintDialog)
    qtbot.waitExposed(dialog)
    return dialog


def save(qtbot, dialog: PrintDialog, ui_prompts, target: Path) -> None:
    ui_prompts.answers["save_file"] = str(target)
    ui_prompts.answers["confirm"] = False
    dialog.save_button.click()
    qtbot.waitUntil(lambda: target.exists() and not dialog.running, timeout=20_000)
    qtbot.waitUntil(dialog.ctx.worker.is_idle, timeout=10_000)


@pytest.mark.policy("P24")
def test_an_outside_copy_needs_a_legal_basis_and_enters_the_file_in_the_record_of_disclosures(
        qtbot, ui_window, ui_world, ui_prompts, tmp_path):
    rid = two_student_interaction(ui_world)
    window = ui_window()
    dialog = open_dialog(qtbot, window, rid)
    assert unnamed(dialog) == []
    assert dialog.save_button.isEnabled()  # an internal copy needs nothing more
    dialog.outside.setChecked(True)
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.recipient, "Detective Sam Ortiz")
    qtbot.keyClicks(dialog.organisation, "Fictional Valley Police Department")
    # No legal basis: Save stays disabled, and says why.
    assert not dialog.save_button.isEnabled()
    assert dialog.reason.isVisible() and "legal basis" in dialog.reason.text()
    dialog.basis.setCurrentIndex(dialog.basis.findData("health_safety_emergency"))
    assert not dialog.save_button.isEnabled()
    assert "threat" in dialog.reason.text() and dialog.detail_label.text() == "The threat to health or safety"
    assert dialog.detail.property("invalid") is not True  # not typed in yet: no red
    ui_prompts.answers["save_file"] = str(tmp_path / "never.pdf")
    dialog.save()  # refused without asking where
    assert "save_file" not in [k for k, *_ in ui_prompts.shown]
    qtbot.keyClicks(dialog.detail, "A student reported a weapon in a locker; police are searching now.")
    assert dialog.save_button.isEnabled() and not dialog.reason.isVisible()
    assert unnamed(dialog) == []
    target = tmp_path / "release.pdf"
    save(qtbot, dialog, ui_prompts, target)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    for student in ui_world.students[:2]:
        entries = disclosures.disclosures_of_student(ui_world.session, student)
        assert len(entries) == 1
        e = entries[0]
        assert e["sha256"] == digest and e["recipient"] == "Detective Sam Ortiz"
        assert e["legal_basis"] == "health_safety_emergency" and "weapon" in e["basis_detail"]
        assert e["file_name"] == "release.pdf"
    assert disclosures.disclosures_of_student(ui_world.session, ui_world.students[2]) == []
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog), timeout=10_000)  # closed (and deleted) once saved
    assert ui_prompts.shown[-1][0] == "confirm" and "record of disclosures" in ui_prompts.shown[-1][2]
    assert "Released outside the school" in pdf_text(target)


@pytest.mark.policy("P24")
def test_a_family_copy_does_not_name_the_other_student(qtbot, ui_window, ui_world, ui_prompts, tmp_path):
    rid = two_student_interaction(ui_world)
    window = ui_window()
    dialog = open_dialog(qtbot, window, rid)
    dialog.family.setChecked(True)
    assert dialog.student.isVisible() and not dialog.save_button.isEnabled()
    assert "Choose which student's family" in dialog.reason.text()
    dialog.student.setCurrentIndex(dialog.student.findData(ui_world.students[0]))
    assert dialog.save_button.isEnabled()
    target = tmp_path / "family.pdf"
    save(qtbot, dialog, ui_prompts, target)
    text = pdf_text(target)
    assert "Avery" in text and "Quinn" in text
    assert "Rowan" not in text and "Tanaka" not in text
    assert "Another student" in text
    assert disclosures.disclosures_of_student(ui_world.session, ui_world.students[0]) == []


def test_an_intervention_request_prints_for_staff(qtbot, ui_window, ui_world, ui_prompts, tmp_path):
    request = interventions.log_request(ui_world.session, InterventionDraft(
        requested_at="2025-10-03T10:00", school_id=ui_world.high, location="Room 12",
        requester_name="Ms. Lee", requester_role="teacher", ground="b_disruption",
        description="Shouting and throwing chairs.", students=[ui_world.students[0]]))
    window = ui_window()
    detail = window.open_record("intervention_request", request)
    qtbot.waitUntil(lambda: detail.print_button.isEnabled(), timeout=10_000)
    dialog = detail.print_record()
    qtbot.waitExposed(dialog)
    assert dialog.student.currentData() == ui_world.students[0]  # the only student is chosen
    target = tmp_path / "request.pdf"
    save(qtbot, dialog, ui_prompts, target)
    text = pdf_text(target)
    assert "Request for intervention" in text and "Avery Quinn" in text


@pytest.mark.policy("P24")
def test_a_students_record_of_disclosures_prints_from_the_student(qtbot, ui_window, ui_world, ui_prompts,
                                                                  tmp_path):
    from safetydesk.domain.disclosures import DisclosureDraft
    from safetydesk.reports.render import render
    from safetydesk.services import reports

    s = ui_world.session
    rid = interactions.log_interaction(s, ui_world.draft())
    doc = reports.interaction_printout(s, rid, audience="outside")
    reports.save(s, doc, [(r, tmp_path / r.name) for r in render(doc, "pdf", "out")],
                 DisclosureDraft(recipient="Jordan Blake", organisation="County Juvenile Court",
                                 legal_basis="subpoena_court_order", basis_detail="Case 25-J-0042"))
    window = ui_window()
    detail = window.open_record("student", ui_world.students[0])
    qtbot.waitUntil(lambda: detail.disclosures_button.isEnabled(), timeout=10_000)
    target = tmp_path / "disclosures.pdf"
    ui_prompts.answers["save_file"] = str(target)
    ui_prompts.answers["confirm"] = False
    assert detail.print_disclosures()
    qtbot.waitUntil(target.exists, timeout=20_000)
    qtbot.waitUntil(window.ctx.worker.is_idle, timeout=10_000)
    text = pdf_text(target)
    assert "Record of disclosures" in text and "Jordan Blake" in text and "Case 25-J-0042" in text


@pytest.mark.policy("P24")
def test_a_read_only_reviewer_is_not_offered_an_outside_copy(qtbot, ui_world, ui_worker, paths):
    """The service refuses a reviewer's disclosure; the dialog does not offer one (it did)."""
    from safetydesk.domain.permissions import Actor
    from safetydesk.domain.vocab import Role
    from safetydesk.services.context import Session
    from safetydesk.ui.kit.context import UiContext

    rid = two_student_interaction(ui_world)
    students = [(s, s) for s in ui_world.students[:2]]
    for role, offered in ((Role.REVIEWER, False), (Role.DISTRICT_ADMIN, True)):
        ctx = UiContext(paths, ui_worker)
        ctx.sign_in(Session(ui_world.session.store, Actor(f"test-{role.value}", role.label, role, frozenset())))
        qtbot.waitUntil(lambda c=ctx: c.lookups_loaded, timeout=10_000)
        dialog = PrintDialog(ctx, "interaction", rid, students)
        qtbot.addWidget(dialog)
        assert dialog.outside.isEnabled() is offered, role
        assert dialog.staff.isEnabled() and dialog.family.isEnabled()
        if not offered:
            assert "may not release records outside the school" in dialog.outside.toolTip()
    qtbot.waitUntil(ui_worker.is_idle, timeout=10_000)
