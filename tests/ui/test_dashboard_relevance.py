"""The dashboard shows each person what they can act on: a front-office clerk is not shown the
district's training records, nobody's own view lists items years old (the district view does),
a new district is shown its first steps instead of "overdue" checklists that were due before it
was set up, and a read-only reviewer is offered no "Log an interaction"."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from safetydesk.domain.records import UserDraft
from safetydesk.domain.validation import school_year_of
from safetydesk.services import accounts, dashboard, files, start_of_year
from safetydesk.ui.app.main_window import MainWindow
from safetydesk.ui.app.shortcuts import window_shortcuts
from safetydesk.ui.kit import formatting
from safetydesk.ui.kit.context import UiContext

PW = "river stone lantern"
DEC_1 = datetime(2026, 12, 1, 9, 0)


def signed_in_window(qtbot, paths, worker, session) -> MainWindow:
    ctx = UiContext(paths, worker)
    ctx.sign_in(session)
    qtbot.waitUntil(lambda: ctx.lookups_loaded, timeout=10_000)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _account(world, username: str, role: str, paths):
    schools = [] if role in ("district_admin", "reviewer") else [world.high]
    accounts.create_user(world.session, UserDraft(username=username, display_name=username.title(),
                                                  role=role, schools=schools), PW)
    session = files.sign_in(paths, username, PW)
    session.clock = lambda: DEC_1  # the session's clock, not the machine's
    return session


@pytest.mark.policy("P02")
def test_a_front_office_clerk_is_not_shown_training_or_old_items(world, paths):
    world.session.clock = lambda: DEC_1
    everything = dashboard.dashboard_items(world.session, view="district")
    old_training = [i for i in everything if i.category == "training" and i.due and i.due.year <= 2021]
    assert old_training  # the small world's staff have training due in 2021
    mine = dashboard.dashboard_items(world.session)
    assert not [i for i in mine if dashboard.is_old(i, DEC_1.date())]  # old items: district view only
    clerk = _account(world, "office1", "front_office", paths)
    try:
        seen = dashboard.dashboard_items(clerk)
        assert not [i for i in seen if i.category in ("training", "start_of_year", "agreement")]
        assert all(dashboard.can_act_on(clerk.actor, i) for i in seen)
        assert all(i.due is None or i.due.year >= 2025 for i in seen)
    finally:
        clerk.store.close()


def test_a_new_district_is_shown_first_steps_not_overdue_checklists(admin):
    real_today = date.today()
    mine = dashboard.dashboard_items(admin)
    assert not [i for i in mine if i.severity == "overdue"]  # nothing lapsed: it has just begun
    steps = dashboard.first_steps(admin)
    keys = [s.key for s in steps]
    assert keys[:3] == ["staff", "training", "roster"] and "interaction" in keys
    assert not any(s.done for s in steps if s.key in ("staff", "roster", "agreements", "interaction"))
    # A year on, a checklist not recorded is a lapse again: the schools were there when it was due.
    later = real_today + timedelta(days=400)
    due_then = start_of_year.start_of_year_due(school_year_of(later), None)
    if later > due_then:
        later_items = dashboard.dashboard_items(admin, later)
        assert [i.severity for i in later_items if i.category == "start_of_year"] == ["overdue"] * 2


def test_the_new_district_dashboard_shows_its_first_steps(qtbot, admin, paths, ui_worker):
    window = signed_in_window(qtbot, paths, ui_worker, admin)
    dash = window.dashboard
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10_000)
    assert dash.first_steps.isVisible()
    assert "overdue" not in dash.attention_summary.text()
    dash.first_steps.buttons["staff"].click()
    assert window.section_key() == "staff"


def test_a_reviewer_is_offered_no_log_an_interaction(qtbot, world, paths, ui_worker):
    reviewer = _account(world, "rev1", "reviewer", paths)
    window = signed_in_window(qtbot, paths, ui_worker, reviewer)
    qtbot.waitUntil(lambda: window.dashboard.data is not None, timeout=10_000)
    assert window.dashboard.new_button.isHidden()
    assert "Log a new interaction" not in [what for _keys, what in window_shortcuts(window)]
    qtbot.waitUntil(ui_worker.is_idle, timeout=10_000)
    reviewer.store.close()


def test_the_dashboard_writes_us_dates(qtbot, ui_window, ui_world):
    ui_world.session.clock = lambda: DEC_1
    window = ui_window()
    dash = window.dashboard
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10_000)
    assert dash.today.text().startswith("Tuesday, December 1, 2026 · 2026-27 school year")
    assert formatting.day("2026-12-01") == "Dec 1, 2026"
    assert formatting.short_when("2026-12-01T17:40") == "Dec 1, 2026, 5:40 PM"



def test_one_school_is_not_counted_as_1_of_1_schools():
    from safetydesk.ui.records.start_of_year import schools_complete

    assert schools_complete(1, 1, "2026-27") == "The checklist for 2026-27 is complete."
    assert schools_complete(0, 1, "2026-27") == "The checklist for 2026-27 is not complete yet."
    assert schools_complete(2, 3, "2026-27") == "2 of 3 schools complete for 2026-27."
    assert schools_complete(3, 3, "2026-27") == "All 3 schools complete for 2026-27."


def test_old_items_wait_in_the_district_view(qtbot, ui_window, ui_world):
    ui_world.session.clock = lambda: DEC_1  # the session clock: training due in 2021 is old
    window = ui_window()
    dash = window.dashboard
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10_000)
    assert not [i for i in dash.attention_items if i.due and i.due.year <= 2021]
    assert dash.view_button.isVisible() and "District view" in dash.view_button.text()
    dash.view_button.click()
    qtbot.waitUntil(lambda: any(i.due and i.due.year <= 2021 for i in dash.attention_items), timeout=10_000)
    assert dash.view_button.text() == "Show only what I can act on"
    assert any(dash.attention.item(r, 3).text().endswith(", 2021") for r in range(dash.attention.rowCount()))
