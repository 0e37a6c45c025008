"""The Settings section: accounts (P23), the audit trail browser (P25), tabs per role, settings."""

from __future__ import annotations

import pytest

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.records import UserDraft
from safetydesk.services import accounts, files, interactions, settings
from safetydesk.ui.app.main_window import MainWindow
from safetydesk.ui.kit.context import UiContext


def settings_page(window):
    page = window.show_section_key("settings")
    assert page is not None
    return page


@pytest.mark.policy("P23")
def test_an_administrator_adds_a_user_then_disables_it(qtbot, ui_window, ui_world, ui_prompts, paths):
    window = ui_window()
    page = settings_page(window)
    users = page.show_tab("users")
    qtbot.waitUntil(lambda: users.table.rowCount() == 1, timeout=10_000)
    form = users.add_user()
    form.username.setText("frontdesk")
    form.display_name.setText("Sam Front")
    form.role.setCurrentIndex(form.role.findData("front_office"))
    form.schools.set_values([ui_world.high])
    form.password.setText("a long pass phrase 7")
    form.again.setText("a long pass phrase 8")
    form.changed("again")
    qtbot.waitUntil(lambda: "again" in form.errors_shown(), timeout=10_000)  # not the same
    form.again.setText("a long pass phrase 7")
    qtbot.waitUntil(lambda: form.save_status.text().startswith("Ready"), timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=20_000):
        form.save()
    qtbot.waitUntil(lambda: users.select("frontdesk"), timeout=10_000)
    files.sign_in(paths, "frontdesk", "a long pass phrase 7").store.close()

    ui_prompts.answers["ask_text"] = "Left the district"
    assert users.disable_button.isEnabled()
    users.disable_button.click()
    qtbot.waitUntil(lambda: users.table.item(users.table.currentRow(), 4).text() == "Disabled",
                    timeout=20_000)
    assert [u["active"] for u in accounts.list_users(ui_world.session) if u["username"] == "frontdesk"] == [0]
    with pytest.raises(SafetyDeskError):
        files.sign_in(paths, "frontdesk", "a long pass phrase 7")


@pytest.mark.policy("P25")
def test_the_audit_trail_browser_lists_a_view_entry(qtbot, ui_window, ui_world):
    record_id = interactions.log_interaction(ui_world.session, ui_world.draft())
    interactions.get_interaction(ui_world.session, record_id)  # a view, audited
    window = ui_window()
    audit_tab = settings_page(window).show_tab("audit")
    audit_tab.action.setCurrentIndex(audit_tab.action.findData("view"))
    qtbot.waitUntil(lambda: audit_tab.table.rowCount() >= 1, timeout=10_000)
    assert audit_tab.table.item(0, 2).text() == "Viewed"
    assert audit_tab.table.item(0, 3).text() == "Interactions"
    assert audit_tab.table.item(0, 1).text() == "admin"
    audit_tab.table.setCurrentCell(0, 0)
    assert record_id in audit_tab.details.text()
    audit_tab.user.setText("nobody")
    qtbot.waitUntil(lambda: audit_tab.table.rowCount() == 0, timeout=10_000)


@pytest.mark.policy("P23")
def test_other_roles_see_only_their_tabs(qtbot, ui_world, paths, ui_worker):
    accounts.create_user(ui_world.session, UserDraft(username="rev", display_name="Rae Viewer",
                                                     role="reviewer"), "a long pass phrase 9")
    session = files.sign_in(paths, "rev", "a long pass phrase 9")
    try:
        ctx = UiContext(paths, ui_worker)
        ctx.sign_in(session)
        qtbot.waitUntil(lambda: ctx.lookups_loaded, timeout=10_000)
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        page = window.show_section_key("settings")
        assert page.keys == ["audit", "password"]
        assert window.show_section_key("agreements") is not None
        assert not window.show_section_key("agreements").new_button.isVisibleTo(window)
    finally:
        qtbot.waitUntil(ui_worker.is_idle, timeout=10_000)
        session.store.close()


def test_district_settings_explain_each_choice_and_refuse_with_the_reason(qtbot, ui_window, ui_world,
                                                                           ui_prompts):
    window = ui_window()
    tab = settings_page(window).show_tab("settings")
    qtbot.waitUntil(lambda: tab.lock.value() == 10, timeout=10_000)
    assert tab.form.rows["public_comment_min_days"].control.toolTip()
    tab.comment.setValue(5)
    tab.save()
    assert "at least 10 days" in tab.form.rows["public_comment_min_days"].error.text()
    tab.comment.setValue(14)
    tab.letterhead_name.setText("Fictional Valley Schools")
    ui_prompts.answers["ask_text"] = "Board decision"
    tab.save()
    qtbot.waitUntil(lambda: settings.get_settings(ui_world.session).public_comment_min_days == 14,
                    timeout=10_000)
    qtbot.waitUntil(lambda: tab.status.text().startswith("Saved"), timeout=10_000)
