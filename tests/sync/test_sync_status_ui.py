"""The status-bar indicator and its details, under offscreen Qt."""

from __future__ import annotations

from safetydesk.services.sync import SyncStatus
from safetydesk.ui.sync_status import SyncStatusIndicator


def test_the_indicator_says_how_sync_stands_and_lists_held_files(qtbot):
    now = [SyncStatus(True, "Synced 10:42")]
    indicator = SyncStatusIndicator(lambda: now[0])
    qtbot.addWidget(indicator)
    assert indicator.text() == "Synced 10:42"
    now[0] = SyncStatus(True, "2 files held: see details",
                        held=[("devices/A/000000000001-aa.sdc", "the file's signature is not its "
                                                                "workstation's (forged or altered)"),
                              ("devices/B/x.sdc", "the name is not a change file name")])
    indicator.refresh()
    assert indicator.text() == "2 files held: see details"
    dialog = indicator.show_details()
    qtbot.addWidget(dialog)
    assert dialog.held.count() == 2 and "forged" in dialog.held.item(0).text()


def test_the_indicator_is_hidden_when_not_syncing_and_survives_a_failing_status(qtbot):
    indicator = SyncStatusIndicator(lambda: SyncStatus(False, "Not syncing"))
    qtbot.addWidget(indicator)
    assert indicator.isHidden()

    def broken() -> SyncStatus:
        raise OSError("disk gone")

    failing = SyncStatusIndicator(broken)
    qtbot.addWidget(failing)
    assert failing.text() == "Sync status unknown"
