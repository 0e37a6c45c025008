"""Settings, "Letter templates": a district administrator edits, previews and approves a
translation in the window (P16); the letter prints the edited wording without the draft mark;
a principal has no such tab and the services refuse them (P23)."""

from __future__ import annotations

import subprocess

import pytest

from safetydesk.domain.complaints import ComplaintDraft
from safetydesk.domain.errors import PermissionDenied
from safetydesk.domain.records import UserDraft
from safetydesk.domain.settings import DistrictSettings
from safetydesk.services import accounts, complaints, files, settings
from safetydesk.services import templates as templates_service
from safetydesk.ui.app.main_window import MainWindow
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.records.complaints import make_letter

THANKS = "Le agradecemos mucho que nos haya escrito sobre lo ocurrido."


def _finished_complaint(world):
    """A complaint with findings made, from a family whose preferred language is Spanish."""
    s = world.session
    settings.update_settings(s, DistrictSettings(letterhead_name="Fictional Valley School District",
                                                 letterhead_address="1113 Legion Way SE\nOlympia, WA 98501"),
                             "Letterhead")
    cid = complaints.file_complaint(s, ComplaintDraft(
        received_date="2025-10-06", channel="letter", received_by="Front office", school_id=world.high,
        complainant_name="María José Núñez", contact_address="1234 Cedar Street", preferred_language="Spanish",
        staff_ids=[world.sro], incident_date="2025-10-02", incident_place="Main entrance", allegations=[{"text": "Rude at the gate"}],
        narrative="The family wrote a letter.")).id
    complaints.take_step(s, cid, "acknowledged", "received", "2025-10-07")
    complaints.assign_investigator(s, cid, "Dr. Lena Ortiz")
    complaints.take_step(s, cid, "investigating", "acknowledged", "2025-10-08")
    complaints.record_findings(s, cid, {"A1": "not_sustained"})
    complaints.take_step(s, cid, "findings", "investigating", "2025-11-10")
    return s, cid


def pdftotext(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


def templates_tab(qtbot, window):
    page = window.show_section_key("settings")
    tab = page.show_tab("templates")
    assert tab is not None
    qtbot.waitUntil(lambda: bool(tab.data), timeout=20_000)
    return tab


@pytest.mark.policy("P16")
def test_an_administrator_edits_previews_and_approves_the_spanish_letter(qtbot, ui_window, ui_world,
                                                                         ui_prompts, tmp_path):
    s, cid = _finished_complaint(ui_world)  # a family whose preferred language is Spanish
    window = ui_window()
    tab = templates_tab(qtbot, window)
    with qtbot.waitSignal(tab.loaded, timeout=20_000):
        tab.choose("response_letter", "es")
    assert "draft translation" in tab.standing.text() and tab.approve_button.isEnabled()

    # an unknown placeholder is refused with a sentence, as it is typed
    tab.set_sentence("text.re", "Asunto: su queja {numero}, recibida el {received}")
    assert tab.problems.isVisible() and "{numero}" in tab.problems.text()
    assert "leaves out {confirmation}" in tab.problems.text()
    assert not tab.save_button.isEnabled() and not tab.approve_button.isEnabled()
    tab.revert_button.click()
    assert not tab.problems.isVisible()

    tab.set_sentence("text.thanks", THANKS)
    assert tab.save_button.isEnabled() and not tab.approve_button.isEnabled()  # save before approving
    preview = tmp_path / "preview.pdf"
    ui_prompts.answers["save_file"] = str(preview)
    ui_prompts.answers["confirm"] = False  # do not open it
    with qtbot.waitSignal(tab.preview_written, timeout=30_000):
        tab.preview_button.click()
    text = pdftotext(preview)
    assert THANKS in text and "draft translation" in text and "C-SAM-PLE" in text

    ui_prompts.answers["ask_text"] = "Reviewed by the district's Spanish interpreter"
    with qtbot.waitSignal(tab.saved, timeout=20_000):
        tab.save_button.click()
    qtbot.waitUntil(lambda: "not yet approved" in tab.standing.text(), timeout=20_000)
    ui_prompts.answers["confirm"] = True
    with qtbot.waitSignal(tab.saved, timeout=20_000):
        tab.approve_button.click()
    qtbot.waitUntil(lambda: "Approved by" in tab.standing.text(), timeout=20_000)
    assert not tab.approve_button.isEnabled()

    # the letter printed from the complaint uses the approved wording and has no draft mark
    letter = tmp_path / "letter.pdf"
    make_letter(s, cid, "Dr. Lena Ortiz", "Principal", str(letter))
    text = pdftotext(letter)
    assert THANKS in text and "draft translation" not in text
    assert "Thank you for bringing your concerns to us." in text  # then the English copy for the file
    assert text.index(THANKS) < text.index("Thank you for bringing your concerns to us.")


@pytest.mark.policy("P23")
def test_a_principal_has_no_template_editor_and_is_refused(qtbot, ui_world, paths, ui_worker):
    accounts.create_user(ui_world.session, UserDraft(username="pri", display_name="Pat Principal",
                                                     role="principal", schools=[ui_world.high]),
                         "a long pass phrase 9")
    session = files.sign_in(paths, "pri", "a long pass phrase 9")
    ctx = UiContext(paths, ui_worker)
    ctx.sign_in(session)
    qtbot.waitUntil(lambda: ctx.lookups_loaded, timeout=10_000)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.show_section_key("settings")
    assert "templates" not in page.keys and page.show_tab("templates") is None
    with pytest.raises(PermissionDenied):
        templates_service.approve_template(session, "response_letter", "es")
