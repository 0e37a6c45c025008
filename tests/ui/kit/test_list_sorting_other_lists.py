"""The other paged lists sort in the query too (climate activities, outside requests): for every
sortable column, both ways, the rows the page's lazy model shows page by page (by key from a
neighbouring page, and back up from the end) are the query's rows in the query's order, across
page boundaries; a header click sorts, a column the query cannot sort by is refused."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from safetydesk.domain.climate import ClimateDraft
from safetydesk.domain.filters import LIST_SORT_FIELDS
from safetydesk.domain.outside_requests import OutsideRequestDraft
from safetydesk.services import climate, outside_requests
from safetydesk.ui.kit.listing import LazyRecordModel, RecordListPage
from safetydesk.ui.records.climate import ClimatePage
from safetydesk.ui.records.outside_requests import OutsideRequestsPage
from support import count

ROWS = 19
PAGE = 4


@pytest.fixture
def listed(ui_world):
    w = ui_world
    s = w.session
    kinds = ["assembly", "relationship_building", "faculty_meeting"]
    agencies = ["County sheriff", "A federal agency", "city police", "County sheriff", "State patrol"]
    for n in range(ROWS):
        # repeated dates, schools and agencies: ties broken by id must page right too
        climate.log_activity(s, ClimateDraft(
            activity_date=f"2025-10-{1 + n % 6:02d}", school_id=w.high if n % 3 else w.elementary,
            staff=[w.sro], activity_type=kinds[n % len(kinds)]))
        outside_requests.log_request(s, OutsideRequestDraft(
            received_on=f"2025-11-{1 + n % 5:02d}", school_id=(w.high, w.elementary, "")[n % 3],
            agency=agencies[n % len(agencies)], document_type="administrative_warrant",
            routed_to=("District counsel", "Superintendent", "")[n % 3] or "District counsel",
            response="pending"))
    return w


def walk(qtbot, model: LazyRecordModel, rows: Any) -> list[str]:
    out = []
    for r in rows:
        qtbot.waitUntil(lambda r=r: model.row(r) is not None, timeout=10_000)
        out.append(model.row(r)["id"])
    return out


def make_page(qtbot, ui_ctx, page_class: type[RecordListPage]) -> RecordListPage:
    page = page_class(ui_ctx)
    qtbot.addWidget(page)
    page.model.page_size, page.model.max_pages = PAGE, 2  # many pages, few kept
    page.show()
    page.model.refresh()
    qtbot.waitUntil(lambda: page.model.rowCount() == ROWS, timeout=10_000)
    return page


def queried(qtbot, ui_ctx, session: Any, page: RecordListPage, sort: str, descending: bool) -> list[str]:
    qtbot.waitUntil(ui_ctx.worker.is_idle)  # the test's queries share the worker's session
    rows = page.fetch_fn()(session, 0, 1000, **page.model.filters, sort=sort,
                           descending=descending)
    return [r["id"] for r in rows]


@pytest.mark.parametrize("page_class", [ClimatePage, OutsideRequestsPage])
def test_every_sortable_column_of_another_list_sorts_like_the_query_across_pages(
        qtbot, ui_ctx, listed, page_class):
    page = make_page(qtbot, ui_ctx, page_class)
    model = page.model
    assert page_class.SORTS and model.sortable == tuple(LIST_SORT_FIELDS[page_class.SORTS])
    assert model.descending and model.sort_by == model.sortable[0]  # newest first by default
    names = [c[0] for c in model.columns]
    compared = 0
    for name in model.sortable:
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            descending = order == Qt.SortOrder.DescendingOrder
            model.sort(names.index(name), order)
            expected = queried(qtbot, ui_ctx, listed.session, page, name, descending)
            assert len(expected) == ROWS and len(set(expected)) == ROWS
            # from the top (offset, then by key after the page above) ...
            assert walk(qtbot, model, range(ROWS)) == expected, name
            # ... and back up from the end (from_end, then by key before the page below)
            model.sort(names.index(name), Qt.SortOrder.DescendingOrder if not descending
                       else Qt.SortOrder.AscendingOrder)
            model.sort(names.index(name), order)
            assert walk(qtbot, model, range(ROWS - 1, -1, -1)) == expected[::-1], name
            compared += 2 * ROWS
    count("other-list-sorting", columns=len(model.sortable), rows_compared=compared)


def test_a_header_click_sorts_the_outside_requests_and_the_query_orders_by_the_column(
        qtbot, ui_ctx, listed):
    page = make_page(qtbot, ui_ctx, OutsideRequestsPage)
    header = page.table.horizontalHeader()
    names = [c[0] for c in page.model.columns]
    assert header.sortIndicatorSection() == names.index("received")
    header.setSortIndicator(names.index("agency"), Qt.SortOrder.AscendingOrder)  # as a click does
    assert page.model.sort_by == "agency" and not page.model.descending
    qtbot.waitUntil(ui_ctx.worker.is_idle)
    rows = page.fetch_fn()(listed.session, 0, 1000, **page.model.filters, sort="agency",
                           descending=False)
    agencies = [r["agency"] for r in rows]
    assert agencies == sorted(agencies) and len(set(agencies)) > 1
    assert walk(qtbot, page.model, range(PAGE + 2)) == [r["id"] for r in rows[:PAGE + 2]]
    # "Document" shows a coded label: not sortable in the query, so the click is refused
    header.setSortIndicator(names.index("document"), Qt.SortOrder.AscendingOrder)
    assert page.model.sort_by == "agency"
    assert header.sortIndicatorSection() == names.index("agency")


def test_a_list_refuses_a_sort_it_does_not_offer(ui_ctx, listed):
    with pytest.raises(ValueError, match="cannot be sorted by"):
        climate.list_activities(listed.session, 0, 10, sort="note")
