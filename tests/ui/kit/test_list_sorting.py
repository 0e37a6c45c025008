"""The interaction list sorts in the query: for every sortable column, both ways, the rows the lazy
model shows (page by page, by key from a neighbouring page, from the end) are the query's rows in
the query's order, across page boundaries."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from safetydesk.domain.filters import INTERACTION_SORT_FIELDS, InteractionFilter
from safetydesk.services import interactions
from safetydesk.ui.records.interactions.listing import (
    COLUMNS,
    InteractionsPage,
    InteractionTableModel,
)
from support import count

ROWS = 23
PAGE = 4


@pytest.fixture
def listed(ui_world):
    w = ui_world
    s = w.session
    locations = ["Gym", "Cafeteria", "gym", "Main hallway", "Library", "Gym"]
    types = ["escort", "de_escalation", "informal_contact", "rule_reinforcement", "other"]
    for n in range(ROWS):
        students = [{"student_id": w.students[n % 3], "role": "subject"}]
        if n % 4 == 0:
            students.append({"student_id": w.students[(n + 1) % 3], "role": "witness"})
        interactions.log_interaction(s, w.draft(
            occurred_at=f"2025-10-{1 + n % 9:02d}T{8 + n % 7:02d}:{(n * 7) % 60:02d}",
            location=locations[n % len(locations)], type=types[n % len(types)],
            students=students, staff=[{"staff_id": w.sro if n % 2 else w.guard, "role": "lead"}],
            discipline_related=n % 3 == 0, responsible_admin="Principal Reyes" if n % 3 == 0 else ""))
    return w


def walk(qtbot, model: InteractionTableModel, rows: range) -> list[str]:
    out = []
    for r in rows:
        qtbot.waitUntil(lambda r=r: model.row(r) is not None, timeout=10_000)
        out.append(model.row(r)["id"])
    return out


def test_every_sortable_column_sorts_like_the_query_across_pages(qtbot, ui_ctx, listed):
    model = InteractionTableModel(ui_ctx.worker, page_size=PAGE, max_pages=2)
    model.refresh()
    qtbot.waitUntil(lambda: model.rowCount() == ROWS, timeout=10_000)
    names = [c[0] for c in COLUMNS]
    compared = 0
    for name in INTERACTION_SORT_FIELDS:
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(names.index(name), order)
            qtbot.waitUntil(ui_ctx.worker.is_idle)
            expected = [r["id"] for r in interactions.list_interactions(
                listed.session, InteractionFilter(), 0, 1000, sort=name,
                descending=order == Qt.SortOrder.DescendingOrder)]
            assert len(expected) == ROWS
            # from the top (offset, then by key after the page above) ...
            assert walk(qtbot, model, range(ROWS)) == expected, name
            # ... and back up from the end (from_end, then by key before the page below)
            model.sort(names.index(name), Qt.SortOrder.AscendingOrder
                       if order == Qt.SortOrder.DescendingOrder else Qt.SortOrder.DescendingOrder)
            model.sort(names.index(name), order)
            assert walk(qtbot, model, range(ROWS - 1, -1, -1)) == expected[::-1], name
            compared += 2 * ROWS
    count("list-sorting", columns=len(INTERACTION_SORT_FIELDS), rows_compared=compared)
    # a column the query cannot sort by changes nothing
    model.sort(names.index("outcomes"), Qt.SortOrder.AscendingOrder)
    assert model.sort_by == name


def test_a_header_click_sorts_the_page_s_table(qtbot, ui_ctx, listed):
    page = InteractionsPage(ui_ctx, page_size=PAGE, max_pages=3)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == ROWS, timeout=10_000)
    assert page.model.sort_by == "when" and page.model.descending  # newest first
    header = page.table.horizontalHeader()
    assert header.sortIndicatorSection() == 0
    location = [c[0] for c in COLUMNS].index("location")
    header.setSortIndicator(location, Qt.SortOrder.AscendingOrder)  # as a click does
    assert page.model.sort_by == "location" and not page.model.descending
    qtbot.waitUntil(ui_ctx.worker.is_idle)  # the test's queries share the worker's session
    expected = [r["location"] or "" for r in interactions.list_interactions(
        listed.session, InteractionFilter(), 0, ROWS, sort="location", descending=False)]
    first = [r["id"] for r in interactions.list_interactions(
        listed.session, InteractionFilter(), 0, PAGE + 1, sort="location", descending=False)]
    assert walk(qtbot, page.model, range(PAGE + 1)) == first
    assert expected == sorted(expected)
    outcomes = [c[0] for c in COLUMNS].index("outcomes")
    header.setSortIndicator(outcomes, Qt.SortOrder.AscendingOrder)  # not sortable: refused
    assert header.sortIndicatorSection() == location
