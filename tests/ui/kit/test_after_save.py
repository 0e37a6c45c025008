"""After a form saves: a link to the record just saved (even when the list's filters hide it) and,
for a short time, Undo, which retracts it with the reason "entered in error" while its history
keeps it (P25). Undo is offered only to someone who may retract the record."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLineEdit

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.records import UserDraft
from safetydesk.domain.vocab import Action
from safetydesk.services import accounts, files, interactions, undo
from safetydesk.ui.app.main_window import MainWindow
from safetydesk.ui.kit.after_save import AfterSaveBar
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.records.interactions.form import InteractionForm


def save_through_form(qtbot, window, draft) -> tuple[InteractionForm, str]:
    form = window.track(InteractionForm(window.ctx, prefill=draft, parent=window))
    qtbot.waitExposed(form)
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        form.save_button.click()
        # a possible duplicate (none here) is looked for first; then the save
    return form, str(saved.args[0])


def bar_of(window) -> AfterSaveBar:
    bar = window.findChild(AfterSaveBar, "afterSaveBar")
    assert bar is not None
    return bar


@pytest.mark.policy("P25")
def test_undo_retracts_the_new_record_as_entered_in_error_and_the_history_keeps_it(
        qtbot, ui_window, ui_world):
    window = ui_window()
    _, record_id = save_through_form(qtbot, window, ui_world.draft(location="Gym"))
    bar = bar_of(window)
    qtbot.waitUntil(bar.isVisible)
    assert bar.undo_button.isVisible() and bar.open_button.isVisible()
    assert "saved" in bar.text.text()
    assert bar.timer.isActive() and bar.timer.interval() == 15_000

    with qtbot.waitSignal(bar.undone, timeout=10_000):
        bar.undo_button.click()
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert "retracted" in bar.text.text()
    assert not bar.undo_button.isVisible()

    s = ui_world.session
    assert interactions.count_interactions(s, InteractionFilter()) == 0
    assert interactions.count_interactions(s, InteractionFilter(include_retracted=True)) == 1
    entries = interactions.interaction_history(s, record_id)
    assert [e.action for e in entries][:1] == [Action.CREATE]  # the creation is kept
    assert entries[-1].action == Action.RETRACT and entries[-1].reason == undo.UNDO_REASON
    assert interactions.get_interaction(s, record_id)["state"]["location"] == "Gym"


def test_undo_is_offered_for_a_short_time_only(qtbot, ui_window, ui_world):
    window = ui_window()
    save_through_form(qtbot, window, ui_world.draft())
    bar = bar_of(window)
    qtbot.waitUntil(bar.isVisible)
    bar.timer.timeout.emit()  # the 15 seconds are up (the test drives the Qt timer)
    assert not bar.isVisible() and not bar.undo_button.isVisible()
    bar.undo()  # too late: nothing happens
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert interactions.count_interactions(ui_world.session, InteractionFilter()) == 1


def test_the_link_opens_the_record_the_list_s_filters_hide(qtbot, ui_window, ui_world):
    window = ui_window()
    window.show_list({"type": "search"})  # the list shows no de-escalations
    _, record_id = save_through_form(qtbot, window, ui_world.draft(type="de_escalation"))
    page = window.interactions
    qtbot.waitUntil(lambda: page.model.counted, timeout=10_000)
    qtbot.waitUntil(window.ctx.worker.is_idle)
    assert page.model.rowCount() == 0  # hidden by the filter
    bar = bar_of(window)
    bar.open_button.click()
    qtbot.waitUntil(lambda: record_id in window.details, timeout=10_000)
    assert window.details[record_id].isVisible()


def test_an_amendment_gets_the_link_and_no_undo(qtbot, ui_window, ui_world):
    record_id = interactions.log_interaction(ui_world.session, ui_world.draft())
    window = ui_window()
    record = interactions.get_interaction(ui_world.session, record_id)
    form = window.amend_interaction(record)
    qtbot.waitExposed(form)
    form.findChild(QLineEdit, "location").setText("Library")
    qtbot.waitUntil(form.save_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save_button.click()
    bar = bar_of(window)
    qtbot.waitUntil(bar.isVisible)
    assert "corrected" in bar.text.text()
    assert not bar.undo_button.isVisible()


def sign_in_as(qtbot, ui_world, paths, worker, username: str, role: str) -> tuple[UiContext, object]:
    accounts.create_user(ui_world.session, UserDraft(username=username, display_name="Sam Other",
                                                  role=role, schools=[ui_world.high]),
                         "a long pass phrase 7")
    session = files.sign_in(paths, username, "a long pass phrase 7")
    ctx = UiContext(paths, worker)
    ctx.sign_in(session)
    qtbot.waitUntil(lambda: ctx.lookups_loaded, timeout=10_000)
    return ctx, session


@pytest.mark.policy("P23")
@pytest.mark.parametrize("role", ["front_office", "reviewer"])
def test_no_undo_for_someone_who_may_not_retract(qtbot, ui_world, paths, ui_worker, role):
    ctx, session = sign_in_as(qtbot, ui_world, paths, ui_worker, f"u_{role}", role)
    try:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        if role == "front_office":  # logs interactions, may not retract them
            _, record_id = save_through_form(qtbot, window, ui_world.draft())
            bar = bar_of(window)
            qtbot.waitUntil(bar.isVisible)
        else:  # a reviewer saves nothing; shown a record anyway, no Undo
            record_id = interactions.log_interaction(ui_world.session, ui_world.draft())
            bar = AfterSaveBar(window)
            bar.offer(ctx, window, "interaction", record_id, "interaction",
                      school_id=ui_world.high)
        assert bar.isVisible() and bar.open_button.isVisible()
        assert not bar.undo_button.isVisible()
        # and the service refuses too
        with pytest.raises(SafetyDeskError):
            undo.undo_save(session, "interaction", record_id)
    finally:
        qtbot.waitUntil(ui_worker.is_idle)
        session.store.close()


def test_the_service_undoes_only_an_unchanged_record_its_author_saved(ui_world):
    s = ui_world.session
    record_id = interactions.log_interaction(s, ui_world.draft())
    record = interactions.get_interaction(s, record_id)
    interactions.amend_interaction(s, record_id, ui_world.draft(location="Library"), "Wrong room",
                                   record["version"])
    with pytest.raises(SafetyDeskError, match="changed after it was saved"):
        undo.undo_save(s, "interaction", record_id)
    assert interactions.count_interactions(s, InteractionFilter()) == 1


@pytest.mark.policy("P25")
def test_someone_else_who_may_retract_cannot_undo_a_record_they_did_not_save(
        qtbot, ui_world, paths, ui_worker):
    record_id = interactions.log_interaction(ui_world.session, ui_world.draft())
    _ctx, session = sign_in_as(qtbot, ui_world, paths, ui_worker, "u_principal2", "principal")
    try:
        with pytest.raises(SafetyDeskError, match="Only the person who saved"):
            undo.undo_save(session, "interaction", record_id)
        assert interactions.count_interactions(ui_world.session, InteractionFilter()) == 1
    finally:
        qtbot.waitUntil(ui_worker.is_idle)
        session.store.close()
