"""The main window shows how sync stands in its status bar, and About says when it last synced."""

from __future__ import annotations

from safetydesk.services import sync as sync_service
from safetydesk.ui.app import about
from safetydesk.ui.sync_status import SyncStatusIndicator


def test_the_status_bar_holds_the_sync_indicator_and_about_the_last_sync(ui_window, ui_ctx, ui_world,
                                                                       tmp_path):
    window = ui_window()
    [indicator] = window.statusBar().findChildren(SyncStatusIndicator)
    assert indicator.isHidden()  # not syncing yet
    assert dict(about.facts(ui_ctx))["Last sync"] == about.NOT_SET_UP
    share = tmp_path / "share"
    share.mkdir()
    session = ui_world.session
    sync_service.set_up_district_folder(session, ui_ctx.paths, share)
    indicator.refresh()
    assert not indicator.isHidden() and indicator.text() == "Not synced yet"
    sync_service.sync_now(session, ui_ctx.paths)
    indicator.refresh()
    assert indicator.text().startswith("Synced ")
    last = dict(about.facts(ui_ctx))["Last sync"]
    assert last != about.NOT_SET_UP and "20" in last
