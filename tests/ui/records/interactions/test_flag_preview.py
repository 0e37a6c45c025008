"""Before saving, the interaction form says which compliance flags the record will carry, in plain
words with what would clear each, and pre-ticks the attorney-access triggers the activities imply."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from everyday_helpers import law_enforcement_draft, le_activity
from safetydesk.ui.records.interactions.form import InteractionForm
from support import count


def _open(qtbot, ui_ctx, draft) -> InteractionForm:
    form = InteractionForm(ui_ctx, prefill=draft)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    qtbot.waitUntil(lambda: ui_ctx.worker.is_idle() and form.save_status.text() not in ("", "Saving…"),
                    timeout=10_000)
    return form


def _arrest(ui_world, *, arrest: bool = True, **act):
    """Questioned, then (``arrest``) arrested; no attorney access or notification recorded yet."""
    student = ui_world.students[0]
    activities = [le_activity(student, **act)]
    if arrest:
        activities.append(le_activity(student, type="arrest", legal_basis="probable_cause"))
    return law_enforcement_draft(ui_world, occurred_at="2025-10-03T10:15", arrest=arrest,
                                 le_activities=activities, attorney_access=[], notifications=[])


@pytest.mark.policy("P12")
def test_an_arrest_with_questioning_shows_its_flags_and_what_clears_them_not_ready(qtbot, ui_ctx, ui_world):
    form = _open(qtbot, ui_ctx, _arrest(ui_world))
    block = next(iter(form.attorney_blocks.values()))
    assert block.interrogation.isChecked(), "an interview pre-ticks trigger (a)"
    assert block.detention.isChecked(), "an arrest pre-ticks trigger (b)"
    assert not block.consent.isChecked()
    qtbot.waitUntil(form.flags_preview.isVisible, timeout=10_000)
    text = form.flags_preview.text()
    assert "without access to an attorney (RCW 13.40.740)" in text
    assert "No parent or guardian was notified" in text
    assert text.count("To clear it:") == 2
    assert "Ready to save" not in form.save_status.text()
    assert form.save_status.text().startswith("Can be saved, with the 2 compliance flags")
    count("ui-flag-preview", tried=1, caught=1)

    # Clearing the attorney flag as the preview says: access given, with when and how.
    block.access.setChecked(True)
    block.access_at.set_value("2025-10-03T10:40")
    block.mode.setCurrentIndex(block.mode.findData("phone"))
    block.provider.setText("Fictional County Public Defense")
    qtbot.waitUntil(lambda: "13.40.740" not in form.flags_preview.text(), timeout=10_000)
    assert "No parent or guardian was notified" in form.flags_preview.text()


@pytest.mark.policy("P12")
def test_an_attorney_consultation_before_the_interaction_is_refused_with_the_reason(qtbot, ui_ctx, ui_world):
    form = _open(qtbot, ui_ctx, _arrest(ui_world))
    block = next(iter(form.attorney_blocks.values()))
    block.access.setChecked(True)
    block.mode.setCurrentIndex(block.mode.findData("phone"))
    block.provider.setText("Fictional County Public Defense")
    block.access_at.set_value("2025-10-03T09:41")  # the interaction is at 10:15
    sentence = "The attorney consultation (10/3/2025 9:41 AM) is 34 minutes before the interaction's time."
    qtbot.waitUntil(lambda: sentence in form.save_status.text() + form.other_errors.text(), timeout=10_000)
    assert not form.save_button.isEnabled()
    assert block.access_at.reading.text() == sentence
    block.access_at.set_value("2025-10-03T10:20")
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    count("ui-when-before-interaction", tried=1, caught=1)


@pytest.mark.parametrize(("activity", "basis", "ticked"), [
    ("interview_interrogation", "consent", {"custodial_interrogation"}),
    ("arrest", "probable_cause", {"probable_cause_detention"}),
    ("search_locker", "consent", {"consent_search_request"}),
    ("search_locker", "reasonable_suspicion", set()),
])
def test_triggers_the_activities_imply_are_pre_ticked(qtbot, ui_ctx, ui_world, activity, basis, ticked):
    form = _open(qtbot, ui_ctx, _arrest(ui_world, arrest=False, type=activity, legal_basis=basis))
    block = next(iter(form.attorney_blocks.values()))
    got = {k for k in ("custodial_interrogation", "probable_cause_detention", "consent_search_request")
           if block.trigger_box(k).isChecked()}
    assert got == ticked


def test_a_saved_record_s_unticked_triggers_stay_unticked_when_amended(qtbot, ui_ctx, ui_world):
    from everyday_helpers import attorney
    student = ui_world.students[0]
    draft = law_enforcement_draft(ui_world, attorney_access=[attorney(student, consent=True)])
    form = _open(qtbot, ui_ctx, draft)
    block = next(iter(form.attorney_blocks.values()))
    assert not block.interrogation.isChecked()  # what was recorded stands


def test_a_second_activity_can_be_the_same_as_the_one_above_and_the_only_student_is_chosen(
        qtbot, ui_ctx, ui_world):
    form = _open(qtbot, ui_ctx, _arrest(ui_world, arrest=False))
    first = form.le_activities.blocks[0]
    second = form.le_activities.add(focus=True)
    assert second.student.currentData() == ui_world.students[0]  # one student on the record
    assert second.agency.text() == ""
    qtbot.mouseClick(second.same_button, Qt.MouseButton.LeftButton)
    got, want = second.value(), first.value()
    for key in ("officer", "agency", "authorised_by", "legal_basis", "student_age", "administrator_name"):
        assert got[key] == want[key], key
    assert got["type"] == ""  # what the activity was is still asked


def test_a_notification_attempt_is_made_by_the_signed_in_person(qtbot, ui_ctx, ui_world):
    form = _open(qtbot, ui_ctx, _arrest(ui_world))
    block = form.notifications.add(focus=True)
    assert block.by.text() and block.by.text() in (ui_ctx.actor.display_name, ui_ctx.actor.username)
