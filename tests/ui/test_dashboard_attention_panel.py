"""The dashboard's "Needs attention" panel: overdue, flagged and soon-due items open their record."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from safetydesk.domain.complaints import ComplaintDraft
from safetydesk.services import complaints
from safetydesk.ui.kit.windows import find_tracked


@pytest.mark.policy("P16")
def test_an_overdue_complaint_shows_on_the_dashboard_and_opens(qtbot, ui_window, ui_world):
    received = (date.today() - timedelta(days=60)).isoformat()
    filed = complaints.file_complaint(ui_world.session, ComplaintDraft(
        received_date=received, channel="phone", received_by="Front office", school_id=ui_world.high,
        anonymous=True, preferred_language="English", staff_ids=[ui_world.sro],
        incident_date=received, incident_place="Bus loop", allegations=[{"text": "Shouted at a student"}],
        narrative="A parent called about the bus loop."))
    window = ui_window()
    dash = window.dashboard
    qtbot.waitUntil(lambda: any(filed.confirmation in i.title for i in dash.attention_items), timeout=10_000)
    row = next(r for r, i in enumerate(dash.attention_items) if filed.confirmation in i.title)
    item = dash.attention_items[row]
    assert item.severity == "overdue"
    assert dash.attention.item(row, 0).text() == "Overdue"
    assert dash.attention.item(row, 0).foreground().color().name() == "#a4262c"
    assert "overdue" in dash.attention_summary.text()
    dash.attention.setFocus()
    dash.attention.setCurrentCell(row, 1)
    qtbot.keyClick(dash.attention, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: find_tracked(window, f"complaint:{filed.id}") is not None, timeout=10_000)
    detail = find_tracked(window, f"complaint:{filed.id}")
    qtbot.waitUntil(lambda: detail.data is not None, timeout=10_000)
    assert "OVERDUE" in detail.deadlines.text()


@pytest.mark.policy("P03")
def test_start_of_year_items_open_the_school_checklist(qtbot, ui_window, ui_world):
    # The session's clock, not the real date: spring of the 2025-26 school year, long after its
    # start-of-year items were due and with none recorded, so every school's checklist is overdue.
    ui_world.session.clock = lambda: datetime(2026, 4, 15, 10, 0)
    window = ui_window()
    dash = window.dashboard
    qtbot.waitUntil(lambda: dash.data is not None, timeout=10_000)
    assert dash.data["school_year"] == "2025-26"
    items = [i for i in dash.attention_items if i.record_type == "start_of_year"]
    assert items and all(i.severity == "overdue" for i in items)
    assert items[0].record_id.endswith(":2025-26")
    dash.open_record.emit(items[0].record_type, items[0].record_id)
    assert window.section_key() == "start_of_year"
    assert find_tracked(window, f"start_of_year:{items[0].record_id}") is not None
