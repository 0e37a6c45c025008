"""Lists remember the person: column widths, sort and filters come back for the same person and
not for another; columns fit their content the first time; the date range filter is visible and
narrows the list as the query does."""

from __future__ import annotations

from PySide6.QtCore import Qt

from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.records import UserDraft
from safetydesk.services import accounts, files, interactions
from safetydesk.ui.kit import geometry
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.worker import DbWorker
from safetydesk.ui.records.interactions.listing import COLUMNS, InteractionsPage

LOCATION = [c[0] for c in COLUMNS].index("location")
TYPE = [c[0] for c in COLUMNS].index("type")


def page_for(qtbot, ctx) -> InteractionsPage:
    page = InteractionsPage(ctx, page_size=20)
    qtbot.addWidget(page)
    page.resize(1280, 600)
    page.show()
    qtbot.waitUntil(lambda: page.model.counted, timeout=10_000)
    qtbot.waitUntil(ctx.worker.is_idle)
    return page


def test_widths_sort_and_filters_come_back_for_the_same_person_only(qtbot, ui_ctx, ui_world,
                                                                     paths):
    interactions.log_interaction(ui_world.session, ui_world.draft(type="escort"))
    page = page_for(qtbot, ui_ctx)
    page.table.setColumnWidth(LOCATION, 333)
    page.table.horizontalHeader().setSortIndicator(LOCATION, Qt.SortOrder.AscendingOrder)
    page.type.setCurrentIndex(page.type.findData("escort"))
    page.date_from.set_iso("2025-09-01")
    page.search.setText("Quinn")  # never remembered: it may be a student's name
    page.apply_filter()
    page.memory._timer.timeout.emit()  # the short delay after a resize is up
    page.close()

    again = page_for(qtbot, ui_ctx)
    assert again.table.columnWidth(LOCATION) == 333
    assert again.model.sort_by == "location" and not again.model.descending
    assert again.type.currentData() == "escort"
    assert again.date_from.iso() == "2025-09-01"
    assert again.search.text() == ""
    assert again.model.filter.type == "escort" and again.model.filter.date_from == "2025-09-01"
    store = geometry.settings(ui_ctx)
    assert "Quinn" not in str([store.value(k) for k in store.allKeys()])

    # someone else on the same workstation: their own (default) layout and filters
    accounts.create_user(ui_world.session, UserDraft(username="other", display_name="Ola Other",
                                                  role="principal", schools=[ui_world.high]),
                         "a long pass phrase 7")
    session = files.sign_in(paths, "other", "a long pass phrase 7")
    worker = DbWorker()
    try:
        ctx = UiContext(paths, worker)
        ctx.sign_in(session)
        qtbot.waitUntil(lambda: ctx.lookups_loaded, timeout=10_000)
        theirs = page_for(qtbot, ctx)
        assert theirs.table.columnWidth(LOCATION) != 333
        assert theirs.model.sort_by == "when" and theirs.model.descending
        assert theirs.type.currentData() == ""
        assert theirs.date_from.iso() == ""
        theirs.close()
    finally:
        qtbot.waitUntil(worker.is_idle, timeout=10_000)
        worker.stop()
        session.store.close()


def test_columns_fit_their_content_the_first_time(qtbot, ui_ctx, ui_world):
    place = "Portable classroom behind the east parking lot"
    interactions.log_interaction(ui_world.session, ui_world.draft(location=place, type="escort"))
    page = page_for(qtbot, ui_ctx)
    qtbot.waitUntil(lambda: page.model.row(0) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: page.memory._fitted, timeout=10_000)
    metrics = page.table.fontMetrics()
    assert page.table.columnWidth(LOCATION) >= metrics.horizontalAdvance(place)
    assert page.table.columnWidth(TYPE) >= metrics.horizontalAdvance("Type")
    assert page.table.columnWidth(TYPE) < 160  # "Escort" needs less than the old fixed width


def test_the_date_range_filter_narrows_the_list_as_the_query_does(qtbot, ui_ctx, ui_world):
    s = ui_world.session
    for day in ("2025-10-01", "2025-10-02", "2025-10-05", "2025-11-01"):
        interactions.log_interaction(s, ui_world.draft(occurred_at=f"{day}T10:00"))
    page = page_for(qtbot, ui_ctx)
    assert page.date_from.isVisible() and page.date_to.isVisible()
    assert page.date_from.text() == "Any date"
    page.date_from.set_iso("2025-10-02")
    page.date_to.set_iso("2025-10-05")  # inclusive of the whole last day
    qtbot.waitUntil(lambda: page.count_label.text() == "2 interactions", timeout=10_000)
    qtbot.waitUntil(ui_ctx.worker.is_idle)
    assert interactions.count_interactions(
        s, InteractionFilter(date_from="2025-10-02", date_to="2025-10-05")) == 2
    qtbot.keyClick(page.date_to, Qt.Key.Key_Delete)  # back to "Any date"
    assert page.date_to.iso() == ""
    qtbot.waitUntil(lambda: page.count_label.text() == "3 interactions", timeout=10_000)
