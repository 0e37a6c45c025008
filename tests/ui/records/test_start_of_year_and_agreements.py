"""The start-of-year district view (P03) and agreements refused then adopted (P18, P19), in the window."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from safetydesk.domain.validation import school_year_of
from safetydesk.services import agreements
from safetydesk.ui.kit.widgets import SEVERITY_COLOURS
from safetydesk.ui.kit.windows import find_tracked


def cell(table, r: int, c: int) -> str:
    """What a cell of a list page's table (the kit's lazy list model) shows."""
    return table.model().index(r, c).data() or ""


def row_of(table, text: str) -> int:
    for r in range(table.model().rowCount()):
        if cell(table, r, 0) == text:
            return r
    return -1


@pytest.mark.policy("P03")
def test_the_district_view_shows_missing_until_presentation_and_distribution(qtbot, ui_window, ui_world):
    window = ui_window()
    page = window.show_section_key("start_of_year")
    year = school_year_of(date.today())
    assert page.school_year() == year
    qtbot.waitUntil(lambda: row_of(page.table, "Birch High School") >= 0, timeout=10_000)
    role = lambda: cell(page.table, row_of(page.table, "Birch High School"), 2)  # noqa: E731
    assert role().startswith("Missing")

    page.table.setFocus()
    page.table.setCurrentIndex(page.table.model().index(row_of(page.table, "Birch High School"), 0))
    page.open_school(page.current_id())
    checklist = find_tracked(window, f"start_of_year:{ui_world.high}:{year}")
    qtbot.waitUntil(lambda: checklist.data is not None, timeout=10_000)
    assert "Missing" in checklist.status_label.text()

    today = date.today().isoformat()
    form = checklist.add_record("role_presentation")
    form.dates.setText(today)
    form.audience.setCurrentIndex(form.audience.findData("all_students"))
    form.presenter.setText("Officer Vale and Principal Reyes")
    qtbot.waitUntil(lambda: form.save_status.text().startswith("Ready"), timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    qtbot.waitUntil(lambda: role().startswith("Partly done"), timeout=10_000)
    assert cell(page.table, row_of(page.table, "Birch High School"), 5).startswith("distribution to families")

    form = checklist.add_record("role_distribution")
    form.date.setText(today)
    form.method.setCurrentIndex(form.method.findData("letter_home"))
    form.languages.setText("English, Spanish")
    qtbot.waitUntil(lambda: form.save_status.text().startswith("Ready"), timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000):
        form.save()
    qtbot.waitUntil(lambda: role() == "Done", timeout=10_000)
    qtbot.waitUntil(lambda: checklist.tables["role_distribution"].rowCount() == 1, timeout=10_000)
    assert "Done" in checklist.status_label.text()


@pytest.mark.policy("P18")
@pytest.mark.policy("P19")
def test_an_agreement_refused_adoption_shows_every_failed_condition_then_is_adopted(
        qtbot, ui_window, ui_world, ui_prompts):
    d = lambda n: (date.today() - timedelta(days=n)).isoformat()  # noqa: E731
    window = ui_window()
    page = window.show_section_key("agreements")
    form = page.new_agreement()
    form.agency.setText("Fictional Valley Police Department")
    form.effective_start.setText(d(20))
    form.comment_start.setText(d(40))
    form.comment_end.setText(d(36))  # five days only
    form.board_date.setText(d(38))  # before comment closed
    qtbot.waitUntil(lambda: form.save_status.text().startswith("Ready"), timeout=10_000)
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        form.save()
    record_id = saved.args[0]
    qtbot.waitUntil(lambda: find_tracked(window, f"agreement:{record_id}") is not None, timeout=10_000)
    detail = find_tracked(window, f"agreement:{record_id}")
    qtbot.waitUntil(lambda: detail.data is not None, timeout=10_000)

    # Listed, not adopted yet: the status cell is marked (in the flag colour, bold).
    qtbot.waitUntil(lambda: page.table.model().rowCount() == 1, timeout=10_000)
    status = page.table.model().index(0, 2)
    assert status.data(Qt.ItemDataRole.ForegroundRole).color().name() == SEVERITY_COLOURS["flag"]
    assert status.data(Qt.ItemDataRole.FontRole).bold()
    assert page.count_label.text() == "1 agreement"

    detail.adopt_button.click()
    qtbot.waitUntil(detail.adopt_error.isVisible, timeout=10_000)
    refusal = detail.adopt_error.text()
    assert "cannot be marked adopted" in refusal
    assert "Required content A1 is not confirmed" in refusal and "Required content D" in refusal
    assert "lasted 5 days" in refusal and "must be dated after" in refusal
    assert "resolution number" in refusal

    for key in list(detail.item_controls):
        version = detail.data["version"]
        note, confirm, _attach = detail.item_controls[key]
        note.setText(f"Section {key}")
        confirm.click()
        qtbot.waitUntil(lambda v=version: detail.data["version"] > v, timeout=10_000)
    assert all(item["confirmed"] for item in detail.data["checklist"])

    ui_prompts.answers["ask_text"] = "Comment period and board date entered wrongly"
    detail.amend_button.click()
    fix = find_tracked(window, f"agreement-form:{record_id}")
    fix.comment_start.setText(d(40))
    fix.comment_end.setText(d(31))
    fix.board_date.setText(d(25))
    fix.board_resolution.setText("2025-14")
    qtbot.waitUntil(lambda: fix.save_status.text().startswith("Ready"), timeout=10_000)
    with qtbot.waitSignal(fix.saved, timeout=10_000):
        fix.save()
    qtbot.waitUntil(lambda: "Every condition is met" in detail.problems.text(), timeout=10_000)
    detail.adopt_button.click()
    qtbot.waitUntil(lambda: detail.data["state"].get("adopted") is True, timeout=10_000)
    assert not detail.adopt_button.isVisible()
    assert agreements.get_agreement(ui_world.session, record_id)["status"].startswith("adopted")
    qtbot.waitUntil(lambda: page.table.model().rowCount() == 1 and
                    cell(page.table, 0, 2).startswith("Adopted"), timeout=10_000)
    assert page.table.model().index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is None
    assert not detail.item_controls["A1"][0].isEnabled()
    assert isinstance(detail.item_controls["A1"][0], QLineEdit)
