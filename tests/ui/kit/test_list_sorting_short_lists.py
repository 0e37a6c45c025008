"""The short lists (staff, students, agreements, schools at the start of the year: one fetch,
every row in the model) sort in the model: for every sortable column, both ways, the rows shown
are the service's rows in an order computed here from the stored values (dates, numbers) or the
shown text (case-insensitive, locale-aware); dates sort by date, not by their text; a header click
sorts and shows the indicator; the sort comes back for the same person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cmp_to_key
from typing import Any

import pytest
from PySide6.QtCore import QCollator, QLocale, Qt

from safetydesk.domain.agreements import AgreementDraft
from safetydesk.domain.records import StaffDraft, StudentDraft
from safetydesk.services import agreements, registry
from safetydesk.ui.kit.listing import LazyRecordModel
from safetydesk.ui.records.agreements import AgreementsPage, list_agreement_rows
from safetydesk.ui.records.staff import StaffPage
from safetydesk.ui.records.start_of_year import StartOfYearPage, list_school_statuses
from safetydesk.ui.records.students import StudentsPage
from support import count

GRADES = {"PK": -1, "K": 0}


@pytest.fixture
def listed(ui_world):
    w = ui_world
    s = w.session
    for name, badge, category in [("zoe Ames", "FV-9", "campus_security"),
                                  ("Émile Brandt", "fv-20", "school_security"),
                                  ("adrian Cole", "FV-101", "sro"), ("Adrian Cole", "", "sro")]:
        registry.add_staff(s, StaffDraft(
            name=name, category=category, commissioned=category == "sro",
            employer_type="law_enforcement" if category == "sro" else "district",
            agency="Fictional Valley Police Department" if category == "sro" else "", badge=badge,
            assignments=[{"school_id": w.elementary, "days_per_week": 1}]))
    for n, (first, last, grade) in enumerate([("Lena", "ávila", "K"), ("Milo", "Zhou", "9"),
                                              ("Ines", "avila", "PK"), ("Theo", "Brook", "12"),
                                              ("Abe", "brook", "")]):
        registry.add_student(s, StudentDraft(
            local_id=f"T{(n * 7) % 11}", first_name=first, last_name=last, grade=grade,
            school_id=w.elementary if n % 2 else w.high, races=["white"], iep=n % 3 == 0))
    # Starts whose order as "Oct 3, 2025" text is not their order as dates.
    for agency, start in [("county sheriff", "2025-10-03"), ("State patrol", "2026-08-01"),
                          ("City police", "2024-12-15"), ("Tribal police", "2025-04-20")]:
        agreements.add_agreement(s, AgreementDraft(agency=agency, effective_start=start,
                                                   comment_start="2025-06-01", comment_end="2025-06-12",
                                                   board_approval_date="2025-06-12"))
    return w


def collated(rows: list[dict[str, Any]], text: Callable[[dict[str, Any]], str],
             descending: bool) -> list[dict[str, Any]]:
    collator = QCollator(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    collator.setNumericMode(True)
    return sorted(rows, key=cmp_to_key(lambda a, b: collator.compare(text(a), text(b))),
                  reverse=descending)


def by_value(rows: list[dict[str, Any]], value: Callable[[dict[str, Any]], Any],
             descending: bool) -> list[dict[str, Any]]:
    def key(row: dict[str, Any]) -> tuple[bool, Any]:
        v = value(row)
        return (v is not None, v if v is not None else 0)
    return sorted(rows, key=key, reverse=descending)


def grade(row: dict[str, Any]) -> Any:
    g = row.get("grade") or ""
    return None if not g else (GRADES[g], "") if g in GRADES else (int(g), "")


# list -> column -> how the test orders it: "text" (shown, collated) or the stored value
EXPECTED: dict[str, dict[str, Any]] = {
    "staff": {c: "text" for c in ("name", "category", "employer", "badge", "schools", "training")},
    "students": {"name": "text", "local_id": "text", "school": "text", "grade": grade,
                 "programs": "text"},
    "agreements": {"agency": "text", "span": lambda r: r.get("effective_start") or None,
                   "status": "text", "contents": lambda r: r.get("contents_confirmed") or 0,
                   "next_review_due": lambda r: r.get("next_review_due") or None,
                   "reminder": "text"},
    "start_of_year": {"school": "text", "staff": lambda r: not r["status"].has_safety_staff,
                      "role": "text", "campaign": "text",
                      "safes": lambda r: (r["status"].gun_safes_requested,
                                          r["status"].gun_safes_provided),
                      "todo": "text"},
}


def make(qtbot, ui_ctx, which: str, session: Any) -> tuple[Any, LazyRecordModel, Callable[[], list[dict[str, Any]]]]:
    """The page, its model, and the service's rows for it (fetched here, in the service's order)."""
    page: Any
    if which == "staff":
        page = StaffPage(ui_ctx)
    elif which == "students":
        page = StudentsPage(ui_ctx)
    elif which == "agreements":
        page = AgreementsPage(ui_ctx)
    else:
        page = StartOfYearPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    model = page.model
    qtbot.waitUntil(lambda: model.loaded and model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(ui_ctx.worker.is_idle)

    def service_rows() -> list[dict[str, Any]]:
        qtbot.waitUntil(ui_ctx.worker.is_idle)  # the test's queries share the worker's session
        if which == "agreements":
            return list_agreement_rows(session, 0, 1000)
        if which == "start_of_year":
            return list_school_statuses(session, 0, 1000, **model.filters)
        return page.fetch_fn()(session, offset=0, limit=1000, **model.filters)
    return page, model, service_rows


def shown(model: LazyRecordModel) -> list[str]:
    return [model.record_id(r) or "" for r in range(model.rowCount())]


@pytest.mark.parametrize("which", list(EXPECTED))
def test_every_column_of_a_short_list_sorts_both_ways_like_the_service_rows_sorted_here(
        qtbot, ui_ctx, listed, which):
    page, model, service_rows = make(qtbot, ui_ctx, which, listed.session)
    expected_columns = EXPECTED[which]
    assert set(model.sortable) == set(expected_columns)
    assert model.sort_by == model.columns[0][0] and not model.descending  # A to Z by default
    rows = service_rows()
    assert len(rows) == model.rowCount() and len(rows) >= 2
    names = [c[0] for c in model.columns]
    header = page.table.horizontalHeader()
    differing = 0
    for column in model.sortable:
        how = expected_columns[column]
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            descending = order == Qt.SortOrder.DescendingOrder
            header.setSortIndicator(names.index(column), order)  # what a header click does
            assert model.sort_by == column and model.descending == descending
            assert header.isSortIndicatorShown()
            assert header.sortIndicatorSection() == names.index(column)
            # ties in the first column's order (A to Z), then the service's
            first = model.columns[0][0]
            base = rows if column == first else collated(rows, lambda r, f=first: model.text(r, f), False)
            if how == "text":
                want = collated(base, lambda r, c=column: model.text(r, c), descending)
            else:
                want = by_value(base, how, descending)
            assert shown(model) == [str(r["id"]) for r in want], (which, column, order)
            differing += shown(model) != [str(r["id"]) for r in rows]
    assert differing  # some sort changed the service's order: the test sees a sort
    count("short-list-sorts", tried=len(model.sortable) * 2)


def test_names_sort_case_insensitively_and_by_locale_and_ties_go_by_name(qtbot, ui_ctx, listed):
    page, model, _ = make(qtbot, ui_ctx, "students", listed.session)
    header = page.table.horizontalHeader()
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    assert [model.text(model.row(r), "name") for r in range(model.rowCount())] == [
        "avila, Ines", "ávila, Lena", "brook, Abe", "Brook, Theo", "Mbeki, Kai", "Quinn, Avery",
        "Tanaka, Rowan", "Zhou, Milo"]
    grade_col = [c[0] for c in model.columns].index("grade")
    header.setSortIndicator(grade_col, Qt.SortOrder.AscendingOrder)
    grades = [model.row(r)["grade"] for r in range(model.rowCount())]
    assert grades == ["", "PK", "K", "9", "10", "10", "10", "12"]  # school order, not "10" < "9"
    # a tie (the three in grade 10) goes by name
    tens = [model.text(model.row(r), "name") for r in range(4, 7)]
    assert tens == ["Mbeki, Kai", "Quinn, Avery", "Tanaka, Rowan"]
    staff_page, staff_model, _ = make(qtbot, ui_ctx, "staff", listed.session)
    badge = [c[0] for c in staff_model.columns].index("badge")
    staff_page.table.horizontalHeader().setSortIndicator(badge, Qt.SortOrder.AscendingOrder)
    badges = [staff_model.row(r)["badge"] for r in range(staff_model.rowCount())]
    assert [b for b in badges if b] == ["FV-9", "fv-20", "FV-101", "FV-101"]  # numbers by value


def test_agreement_dates_sort_by_date_not_by_their_text(qtbot, ui_ctx, listed):
    page, model, _ = make(qtbot, ui_ctx, "agreements", listed.session)
    span = [c[0] for c in model.columns].index("span")
    page.table.horizontalHeader().setSortIndicator(span, Qt.SortOrder.AscendingOrder)
    starts = [model.row(r)["effective_start"] for r in range(model.rowCount())]
    assert starts == sorted(starts)
    as_text = [date.fromisoformat(d).strftime("%b %-d, %Y") for d in starts]
    assert as_text != sorted(as_text)  # "Apr 20, 2025" < "Dec 15, 2024" as text: not the order used
    assert starts[0] == "2024-12-15" and starts[-1] == "2026-08-01"


@pytest.mark.parametrize("which", list(EXPECTED))
def test_a_short_list_s_sort_comes_back_for_the_same_person(qtbot, ui_ctx, listed, which):
    page, model, _ = make(qtbot, ui_ctx, which, listed.session)
    names = [c[0] for c in model.columns]
    column = model.sortable[1]
    page.table.horizontalHeader().setSortIndicator(names.index(column), Qt.SortOrder.DescendingOrder)
    order = shown(model)
    page.memory._timer.timeout.emit()  # the short delay after a click is up
    page.close()

    again, model2, _ = make(qtbot, ui_ctx, which, listed.session)
    assert model2.sort_by == column and model2.descending
    header = again.table.horizontalHeader()
    assert header.sortIndicatorSection() == names.index(column)
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert shown(model2) == order
