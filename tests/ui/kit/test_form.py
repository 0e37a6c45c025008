"""The one form base, as every record kind gets it: the live P14 warning on free text and the
refusal to save over a copy someone else changed since the form was opened.

Each behaviour is checked on an everyday record (a climate activity) and on a district record
(an agreement with a law enforcement agency), through the real forms on real data files.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from safetydesk.domain.agreements import AgreementDraft
from safetydesk.domain.climate import ClimateDraft
from safetydesk.services import agreements, climate
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.records.agreements import AgreementForm
from safetydesk.ui.records.climate import ClimateForm

SENTENCE = "The student said he is undocumented."


def _climate(world: Any) -> str:
    return climate.log_activity(world.session, ClimateDraft(
        activity_date=(date.today() - timedelta(days=3)).isoformat(), school_id=world.high,
        staff=[world.sro], activity_type="assembly", note="Talked about the new bus loop."))


def _agreement(world: Any) -> str:
    return agreements.add_agreement(world.session, AgreementDraft(
        agency="Fictional Valley Police Department",
        effective_start=(date.today() - timedelta(days=20)).isoformat(), note="First draft."))


# kind -> (make a record, its form, service to get it, the form's free-text control, service to amend)
KINDS = {
    "everyday (climate activity)": (_climate, ClimateForm, climate.get_activity, "note",
                                    climate.amend_activity),
    "district (agreement)": (_agreement, AgreementForm, agreements.get_agreement, "note",
                             agreements.amend_agreement),
}


def _open(qtbot, ui_ctx, form_class: type[RecordForm], record: dict[str, Any]) -> RecordForm:
    form = form_class(ui_ctx, record=record)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    qtbot.waitUntil(lambda: form.save_status.text().startswith("Ready"), timeout=10_000)
    return form


@pytest.mark.policy("P14")
@pytest.mark.parametrize("kind", list(KINDS))
def test_the_form_warns_live_about_immigration_text_and_selects_the_sentence_on_refusal(
        qtbot, ui_ctx, ui_world, ui_prompts, kind):
    make, form_class, get, field, _amend = KINDS[kind]
    record_id = make(ui_world)
    form = _open(qtbot, ui_ctx, form_class, get(ui_world.session, record_id))
    text = form.row(field).control
    text.setPlainText(f"Met the families at the assembly. {SENTENCE} Nothing else was said.")
    # Warned as typed, before any save, naming the sentence beside the field.
    qtbot.waitUntil(lambda: "Remove this before saving" in form.row(field).error.text(), timeout=10_000)
    assert SENTENCE in form.row(field).error.text()
    # Saving anyway: the service refuses it; the form says why and selects the sentence.
    ui_prompts.answers["ask_text"] = "Note corrected"
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    form.save()
    qtbot.waitUntil(lambda: "error" in ui_prompts.kinds(), timeout=10_000)
    assert SENTENCE in ui_prompts.shown[-1][2]
    assert text.textCursor().selectedText() == SENTENCE
    assert form.isVisible()  # nothing was saved; the form stays open to fix it
    qtbot.waitUntil(ui_ctx.worker.is_idle)
    assert SENTENCE not in repr(get(ui_world.session, record_id)["state"])


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_form_refuses_to_save_over_a_change_made_after_it_was_opened(
        qtbot, ui_ctx, ui_world, ui_prompts, kind):
    make, form_class, get, field, amend = KINDS[kind]
    record_id = make(ui_world)
    opened = get(ui_world.session, record_id)
    form = _open(qtbot, ui_ctx, form_class, opened)
    # Someone else corrects the record while the form is open.
    theirs = get(ui_world.session, record_id)
    theirs["draft"].note = "Their correction, made after the form was opened."
    amend(ui_world.session, record_id, theirs["draft"], "A colleague's correction",
          theirs["version"])
    # This form's save is refused, said in plain words, and their correction stands.
    form.row(field).control.setPlainText("My correction, typed over the old copy.")
    qtbot.waitUntil(lambda: form.save_button.isEnabled(), timeout=10_000)
    ui_prompts.answers["ask_text"] = "My reason"
    form.save()
    qtbot.waitUntil(lambda: "Someone else changed this" in form.save_status.text(), timeout=10_000)
    assert form.isVisible()
    assert form.save_button.isEnabled()  # Save comes back the same way after any failed save
    qtbot.waitUntil(ui_ctx.worker.is_idle)
    assert get(ui_world.session, record_id)["state"]["note"] == (
        "Their correction, made after the form was opened.")
