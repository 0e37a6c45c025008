"""The interaction form asks, under each ticked outcome, which students it applies to: the subject
is ticked by default, a witness only when someone ticks them."""

from __future__ import annotations

import pytest

from safetydesk.services import interactions
from safetydesk.ui.records.interactions.form import InteractionForm


def _open(qtbot, ui_ctx, draft) -> InteractionForm:
    form = InteractionForm(ui_ctx, prefill=draft)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitExposed(form)
    qtbot.waitUntil(lambda: ui_ctx.worker.is_idle() and form.save_status.text() not in ("", "Saving…"),
                    timeout=10_000)
    return form


@pytest.mark.policy("P21")
def test_discipline_goes_to_the_subject_and_a_witness_only_when_ticked(qtbot, ui_ctx, ui_world):
    subject, witness = ui_world.students[0], ui_world.students[1]
    draft = ui_world.draft(type="de_escalation", students=[{"student_id": subject, "role": "subject"},
                                                          {"student_id": witness, "role": "witness"}],
                           discipline_related=True, responsible_admin="Dr. Lena Ortiz")
    form = _open(qtbot, ui_ctx, draft)
    assert not form.outcome_students.isVisible()
    form.resulted_in_discipline.setChecked(True)
    boxes = form.outcome_students.boxes["resulted_in_discipline"]
    assert boxes[subject].isChecked() and not boxes[witness].isChecked()
    assert form.draft().outcome_students == {"resulted_in_discipline": [subject]}
    boxes[witness].setChecked(True)
    boxes[subject].setChecked(False)
    assert form.draft().outcome_students == {"resulted_in_discipline": [witness]}
    boxes[witness].setChecked(False)
    qtbot.waitUntil(lambda: "Which students were disciplined?" in form.save_status.text()
                    + form.other_errors.text() + form.row("outcome_students").error.text(), timeout=10_000)
    assert not form.save_button.isEnabled()
    boxes[subject].setChecked(True)
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    rid = interactions.log_interaction(ui_world.session, form.draft())
    assert interactions.get_interaction(ui_world.session, rid)["state"]["outcome_students"] == {
        "resulted_in_discipline": [subject]}
