"""The Reports section (P20, P21): reports built through the page on the worker, with progress,
Cancel and roles; the files read back."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QWidget
from test_accessibility import unnamed

from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.validation import school_year_of
from safetydesk.services import files, interactions
from safetydesk.services import reports as reports_service
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.worker import BusyIndicator, DbWorker
from safetydesk.ui.reports.page import ReportsPage, _today


def on_worker(qtbot, ctx: UiContext, fn, *args: Any) -> Any:
    box: list[Any] = []
    ctx.worker.read(fn, *args, done=box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=20_000)
    return box[0]


def make_page(qtbot, ctx: UiContext) -> ReportsPage:
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    return page


def save(qtbot, page: ReportsPage, ui_prompts, target: Path) -> None:
    ui_prompts.answers["save_file"] = str(target)
    ui_prompts.answers["confirm"] = False  # "Open it now?": not now
    assert page.save_button.isEnabled(), page.save_button.toolTip()
    page.save_button.click()
    qtbot.waitUntil(lambda: not page.running, timeout=60_000)
    qtbot.waitUntil(page.ctx.worker.is_idle, timeout=10_000)


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages)


def names_on_records(session: Any, year: str) -> set[str]:
    """Full names of students on the year's interactions (read on the worker)."""
    out: set[str] = set()
    for row in interactions.list_interactions(session, InteractionFilter(school_year=year), 0, 40):
        for s in interactions.get_interaction(session, row["id"])["students"]:
            first, last = s.get("first_name") or "", s.get("last_name") or ""
            if first and last:
                out |= {f"{first} {last}", f"{last}, {first}"}
    return out


@pytest.mark.policy("P20")
def test_the_disaggregated_report_through_the_page_is_public_tables_without_names(
        qtbot, ui_demo_ctx, ui_prompts, tmp_path):
    page = make_page(qtbot, ui_demo_ctx)
    page.choose("disaggregated")
    year = school_year_of(_today())
    assert page.year.currentData() == year  # the current school year by default
    assert page.school.isVisible() and page.school.currentData() == ""  # all schools
    assert unnamed(page) == []
    target = tmp_path / "p20.pdf"
    save(qtbot, page, ui_prompts, target)
    assert target.exists(), page.status.text()
    assert page.status.property("state") == "done"
    text = pdf_text(target)
    for title in ("Race and ethnicity", "Gender identity", "Multilingual learners",
                  "Students experiencing homelessness", "Students experiencing poverty",
                  "Students with an IEP", "Students with a Section 504 plan", "District (all schools)",
                  "Students involved", "Per 100 enrolled"):
        assert title in text, title
    names = on_worker(qtbot, ui_demo_ctx, names_on_records, year)
    assert names, "the demo year has students on its records"
    assert not [n for n in names if n in text]
    assert "Confidential" not in text  # a public report names nobody
    assert [k for k, *_ in ui_prompts.shown] == ["save_file", "confirm"]


@pytest.mark.policy("P21")
def test_the_ospi_collection_as_csv_writes_the_four_part_files(qtbot, ui_demo_ctx, ui_prompts, tmp_path):
    page = make_page(qtbot, ui_demo_ctx)
    page.choose("ospi")
    assert not page.school.isVisible()  # the collection is for the whole district
    page.csv.setChecked(True)
    assert "one file per part" in page.note.text()
    save(qtbot, page, ui_prompts, tmp_path / "ospi")  # the extension is added
    written = sorted(p.name for p in tmp_path.iterdir())
    for part in ("part-a-staff", "part-b-agencies", "part-c-incidents", "part-d-complaints"):
        assert f"ospi-{part}.csv" in written, written
    header = (tmp_path / "ospi-part-c-incidents.csv").read_text("utf-8-sig").splitlines()[0]
    assert header.startswith("incident_id,date,school_code") and "race" in header
    assert "6 files" in page.status.text()  # a, a totals, b, c, c incomplete, d


def test_the_board_report_is_pdf_only_with_an_optional_logo(qtbot, ui_ctx, ui_prompts, tmp_path):
    page = make_page(qtbot, ui_ctx)
    page.choose("board")
    assert page.logo_box.isVisible() and not page.csv.isEnabled() and page.pdf.isChecked()
    ui_prompts.answers["open_file"] = str(tmp_path / "missing-logo.png")
    page.logo_button.click()
    assert page.logo.text().endswith("missing-logo.png")
    save(qtbot, page, ui_prompts, tmp_path / "board.pdf")
    # A logo that cannot be read: said in plain words, nothing written.
    assert not (tmp_path / "board.pdf").exists()
    assert page.status.property("state") == "failed"
    assert "logo image could not be read" in page.status.text()
    assert ui_prompts.shown[-1][0] == "error"
    page.logo_clear.click()
    save(qtbot, page, ui_prompts, tmp_path / "board.pdf")
    assert "annual report to the board" in pdf_text(tmp_path / "board.pdf").lower()


def test_cancel_during_a_long_build_leaves_no_file(qtbot, ui_demo_ctx, ui_prompts, tmp_path, monkeypatch):
    """The listing is held at its first progress report until Cancel in the status bar is pressed."""
    gate = threading.Event()
    real = reports_service.REPORTS["listing"]

    def held(session, *args, progress=None, **kwargs):
        def report(done: int, total: int) -> None:
            progress(done, total)
            gate.wait(10)

        return real(session, *args, progress=report, **kwargs)

    monkeypatch.setitem(reports_service.REPORTS, "listing", held)
    busy = BusyIndicator(ui_demo_ctx.worker)
    holder = QWidget()
    qtbot.addWidget(holder)
    busy.setParent(holder)
    holder.show()
    page = make_page(qtbot, ui_demo_ctx)
    page.choose("listing")
    target = tmp_path / "listing.pdf"
    ui_prompts.answers["save_file"] = str(target)
    page.save_button.click()
    assert not page.save_button.isEnabled()  # one build at a time
    qtbot.waitUntil(lambda: busy.cancel_button.isVisible(), timeout=10_000)
    busy.cancel_button.click()
    gate.set()
    qtbot.waitUntil(lambda: not page.running, timeout=20_000)
    qtbot.waitUntil(ui_demo_ctx.worker.is_idle, timeout=10_000)
    assert page.status.text() == "Cancelled: nothing was written."
    assert list(tmp_path.iterdir()) == []
    assert page.save_button.isEnabled()
    assert "confirm" not in [k for k, *_ in ui_prompts.shown]


def test_reports_a_role_cannot_make_are_disabled_with_the_reason(qtbot, ui_demo_paths, ui_worker: DbWorker,
                                                                  ui_prompts, tmp_path):
    session = files.sign_in(ui_demo_paths, "officer", "demo")  # safety staff: no complaints
    ctx = UiContext(ui_demo_paths, ui_worker)
    ctx.sign_in(session)
    qtbot.waitUntil(lambda: ctx.lookups_loaded, timeout=10_000)
    try:
        page = make_page(qtbot, ctx)
        for key in ("ospi", "board", "compliance"):
            assert not page.radios[key].isEnabled()
            assert page.refusals[key].isVisible() and "cannot make this report" in page.refusals[key].text()
        assert page.radios["disaggregated"].isEnabled() and page.radios["listing"].isEnabled()
        assert page.choice().key == "disaggregated"
        page.choose("listing")
        page.csv.setChecked(True)
        save(qtbot, page, ui_prompts, tmp_path / "listing.csv")
        assert (tmp_path / "listing.csv").read_text("utf-8-sig").startswith("When,School,Type")
    finally:
        qtbot.waitUntil(ui_worker.is_idle, timeout=10_000)
        session.store.close()


def test_the_reports_section_replaces_the_placeholder(qtbot, ui_window):
    window = ui_window()
    page = window.show_section_key("reports")
    assert isinstance(page, ReportsPage)
    assert unnamed(page) == []


@pytest.mark.policy("P21")
def test_incomplete_incidents_are_listed_after_the_ospi_report_and_open_to_be_fixed(
        qtbot, ui_ctx, ui_world, ui_prompts, tmp_path):
    # A use of force recorded without its details yet: valid to save, incomplete for the state.
    iid = interactions.log_interaction(ui_world.session, ui_world.draft(use_of_force=True))
    opened: list[tuple[str, str]] = []

    class Window:
        def open_record(self, record_type: str, record_id: str) -> None:
            opened.append((record_type, record_id))

    page = ReportsPage(ui_ctx, Window())
    qtbot.addWidget(page)
    page.show()
    page.choose("ospi")
    page.year.setCurrentIndex(page.year.findData("2025-26") if page.year.findData("2025-26") >= 0
                              else page.year.findText("2025-26"))
    save(qtbot, page, ui_prompts, tmp_path / "ospi.pdf")
    assert page.fix_list.isVisible() and page.fix_list.count() == 1
    assert "use of force details" in page.fix_list.item(0).text()
    assert "incomplete" in page.fix_label.text()
    page.fix_list.itemActivated.emit(page.fix_list.item(0))
    assert opened == [("interaction", iid)]
    assert "Incidents incomplete" in pdf_text(tmp_path / "ospi.pdf")


def test_the_last_reports_message_goes_with_the_next_choice(qtbot, ui_ctx, ui_prompts, tmp_path):
    """"Saved … to …" speaks of the report just saved: choosing another report, year or format
    clears it, so it is never read as being about the new choice."""
    page = make_page(qtbot, ui_ctx)
    page.choose("listing")
    page.csv.setChecked(True)
    save(qtbot, page, ui_prompts, tmp_path / "listing.csv")
    assert page.status.isVisible() and page.status.text().startswith("Saved")
    page.choose("disaggregated")
    assert not page.status.isVisible() and page.status.text() == ""
    page.choose("board")
    ui_prompts.answers["open_file"] = str(tmp_path / "missing-logo.png")
    page.logo_button.click()
    save(qtbot, page, ui_prompts, tmp_path / "board.pdf")
    assert page.status.property("state") == "failed" and page.status.isVisible()
    page.year.setCurrentIndex((page.year.currentIndex() + 1) % page.year.count())
    assert not page.status.isVisible()
