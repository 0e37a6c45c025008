"""The staff and student lists hold one fetch of rows (200); with more staff or students than
that, a header click sorts the whole list in the query, not the rows already fetched (issue 13
hardening): sorted by name, Z to A, the first row is the last name of the whole set, also when
that row was not among the rows fetched before. Columns the query cannot sort (computed text)
do not sort while the list is held in part. Real widgets, a real data file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from safetydesk.domain.records import StaffDraft, StudentDraft
from safetydesk.services import registry
from safetydesk.ui.kit.listing import LazyRecordModel
from safetydesk.ui.records.staff import StaffPage
from safetydesk.ui.records.students import StudentsPage
from support import count

MORE = 215  # more rows than one fetch (page_size 200)


def _page(qtbot, ui_ctx, kind):
    page = kind(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.loaded and page.model.rowCount() > 0, timeout=20_000)
    qtbot.waitUntil(ui_ctx.worker.is_idle)
    return page


def _click(qtbot, ui_ctx, page, column: str, order: Qt.SortOrder) -> None:
    names = [c[0] for c in page.model.columns]
    page.table.horizontalHeader().setSortIndicator(names.index(column), order)  # a header click
    qtbot.waitUntil(ui_ctx.worker.is_idle)
    qtbot.waitUntil(lambda: page.model.loaded)


def _shown(model: LazyRecordModel, column: str) -> list[str]:
    return [model.text(model.row(r), column) for r in range(model.rowCount())]


def test_the_student_list_sorts_the_whole_roster(qtbot, ui_ctx, ui_world) -> None:
    s = ui_world.session
    # 215 students, last names in reverse of the order they are written; "Ávila" sorts with A
    for n in range(MORE):
        registry.add_student(s, StudentDraft(local_id=f"R{n}", first_name="Pat", last_name=f"Roe{n:03d}",
                                             school_id=ui_world.high, grade=str(1 + n % 12), races=["white"]))
    registry.add_student(s, StudentDraft(local_id="R-A", first_name="Lena", last_name="Ávila",
                                         school_id=ui_world.high, grade="K", races=["white"]))
    page = _page(qtbot, ui_ctx, StudentsPage)
    model = page.model
    assert model.rowCount() == model.page_size  # held in part
    assert "Roe214, Pat" not in _shown(model, "name")  # A to Z: the last names are not fetched
    _click(qtbot, ui_ctx, page, "name", Qt.SortOrder.DescendingOrder)
    names = _shown(model, "name")
    assert names[:3] == ["Tanaka, Rowan", "Roe214, Pat", "Roe213, Pat"]  # the world's 3, then these
    assert "Ávila, Lena" not in names  # an accent does not sort it after Z
    _click(qtbot, ui_ctx, page, "name", Qt.SortOrder.AscendingOrder)
    assert _shown(model, "name")[0] == "Ávila, Lena"
    # the SIS id by its number ("R9" before "R10"), the whole roster, both ways
    _click(qtbot, ui_ctx, page, "local_id", Qt.SortOrder.DescendingOrder)
    ids = _shown(model, "local_id")
    assert ids[:2] == ["S00002", "S00001"] and "R214" in ids and "R99" in ids
    assert ids.index("R214") < ids.index("R99")  # by number, not "R99" > "R214" as text
    # the grade in school order over the whole roster: K first (PK and none have no one here)
    _click(qtbot, ui_ctx, page, "grade", Qt.SortOrder.AscendingOrder)
    assert _shown(model, "name")[0] == "Ávila, Lena"
    # a computed column cannot sort the whole roster: its header does not sort it at all
    programs = [c[0] for c in model.columns].index("programs")
    assert not model.can_sort(programs)
    _click(qtbot, ui_ctx, page, "programs", Qt.SortOrder.DescendingOrder)
    assert model.sort_by == "grade"
    count("whole-list-sorts", tried=4)


def test_the_staff_list_sorts_the_whole_list(qtbot, ui_ctx, ui_world) -> None:
    s = ui_world.session
    for n in range(MORE):
        registry.add_staff(s, StaffDraft(name=f"Guard {n:03d}", category="school_security", employer_type="district",
                                         badge=f"G-{n}", assignments=[{"school_id": ui_world.high, "days_per_week": 1}]))
    page = _page(qtbot, ui_ctx, StaffPage)
    model = page.model
    assert model.rowCount() == model.page_size
    assert "Okafor" not in " ".join(_shown(model, "name"))  # "Jess Okafor" sorts after the guards
    _click(qtbot, ui_ctx, page, "name", Qt.SortOrder.DescendingOrder)
    assert _shown(model, "name")[:3] == ["Officer Morgan Vale", "Jess Okafor", "Guard 214"]
    _click(qtbot, ui_ctx, page, "badge", Qt.SortOrder.DescendingOrder)
    badges = _shown(model, "badge")
    assert badges[:2] == ["G-214", "G-213"]  # by number over the whole list ("G-99" as text is larger)
    training = [c[0] for c in model.columns].index("training")
    assert not model.can_sort(training)
    count("whole-list-sorts", tried=2)


@pytest.mark.parametrize("kind", [StaffPage, StudentsPage])
def test_a_short_roster_still_sorts_every_column_in_place(qtbot, ui_ctx, ui_world, kind) -> None:
    page = _page(qtbot, ui_ctx, kind)
    model = page.model
    assert model.rowCount() < model.page_size  # every row is here
    assert all(model.can_sort(i) for i in range(len(model.columns)))
    fetched = model._fetched
    last = model.columns[-1][0]
    _click(qtbot, ui_ctx, page, last, Qt.SortOrder.DescendingOrder)
    assert model.sort_by == last and model._fetched is fetched  # sorted in place, nothing fetched again


def test_a_computed_sort_chosen_while_the_roster_was_short_goes_back_to_names_when_it_grows(
        qtbot, ui_ctx, ui_world) -> None:
    page = _page(qtbot, ui_ctx, StudentsPage)
    model = page.model
    _click(qtbot, ui_ctx, page, "programs", Qt.SortOrder.DescendingOrder)  # every row here: it sorts
    assert model.sort_by == "programs"
    for n in range(MORE):
        registry.add_student(ui_world.session, StudentDraft(
            local_id=f"R{n}", first_name="Pat", last_name=f"Roe{n:03d}", school_id=ui_world.high,
            grade="9", races=["white"], iep=n == MORE - 1))
    model.refresh()
    qtbot.waitUntil(lambda: model.rowCount() == model.page_size and model.sort_by == "name", timeout=20_000)
    qtbot.waitUntil(ui_ctx.worker.is_idle)
    header = page.table.horizontalHeader()
    assert header.sortIndicatorSection() == 0 and header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert _shown(model, "name")[0] == "Mbeki, Kai"  # the whole roster by name, A to Z


def test_a_list_sorted_again_widens_a_column_its_new_first_rows_would_not_fit(qtbot, ui_ctx, ui_world) -> None:
    """Seen at 1366x768: sorted Z to A, the fitted name column cut the new first names short
    ("Zimmerman, ..."). The column is widened to them; a column is never narrowed."""
    s = ui_world.session
    for n in range(MORE):
        registry.add_student(s, StudentDraft(local_id=f"W{n}", first_name="Al", last_name=f"Ab{n:03d}",
                                             school_id=ui_world.high, grade="3", races=["white"]))
    registry.add_student(s, StudentDraft(local_id="W-Z", first_name="Maximiliana-Josefina",
                                         last_name="Zimmermann-Oyelaran", school_id=ui_world.high, grade="3",
                                         races=["white"]))
    page = _page(qtbot, ui_ctx, StudentsPage)
    page.resize(1100, 600)
    names = [c[0] for c in page.model.columns]
    col = names.index("name")
    header = page.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(col) > 0)
    before = {c: header.sectionSize(c) for c in range(header.count())}
    _click(qtbot, ui_ctx, page, "name", Qt.SortOrder.DescendingOrder)
    assert _shown(page.model, "name")[0] == "Zimmermann-Oyelaran, Maximiliana-Josefina"
    needed = page.table.sizeHintForIndex(page.model.index(0, col)).width()
    qtbot.waitUntil(lambda: header.sectionSize(col) >= min(needed, 320))
    assert header.sectionSize(col) > before[col]
    last = header.count() - 1  # the last column fills what is left of the table's width
    assert all(header.sectionSize(c) >= before[c] for c in before if c != last)  # nothing narrowed
