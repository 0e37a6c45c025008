"""The window's sync details list attached files not arrived yet, apart from held files."""

from __future__ import annotations

from safetydesk.services.sync import SyncStatus
from safetydesk.ui.sync_status import SyncStatusIndicator


def test_the_details_list_each_file_not_arrived_with_what_to_do(qtbot):
    sentence = ("The file “plan.pdf” (attached to an agreement, attachment A1) has not arrived "
                "from “Alder office”; waiting since Dec 1, 2026, 10:42 AM. It will arrive when "
                "“Alder office” next syncs.")
    status = SyncStatus(True, "Synced 10:50; 1 attached file to come: see details", files=[sentence])
    indicator = SyncStatusIndicator(lambda: status)
    qtbot.addWidget(indicator)
    assert indicator.text() == "Synced 10:50; 1 attached file to come: see details"
    assert indicator.toolTip() == "Click for details"
    dialog = indicator.show_details()
    qtbot.addWidget(dialog)
    assert dialog.files.count() == 1 and dialog.files.item(0).text() == sentence
    assert dialog.held.count() == 0
    # Inside the details, the summary does not point at the details again.
    assert dialog.summary.text() == "Synced 10:50; 1 attached file to come"
