"""The list as shown leaves the program as CSV (formulas neutralised, like every other export) or
on paper: "Print…" goes through Qt's print dialog, "Save PDF…" writes a PDF; both read back.
Every listed interaction's history records that it was taken out (P25)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QComboBox, QLineEdit

from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.vocab import Action
from safetydesk.services import audit, interactions, list_export
from safetydesk.ui.records.interactions.listing import InteractionsPage

FORMULA = "=HYPERLINK(\"http://example.test\",\"Gym\")"


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages)


@pytest.fixture
def page(qtbot, ui_ctx, ui_world) -> InteractionsPage:
    s = ui_world.session
    interactions.log_interaction(s, ui_world.draft(location=FORMULA, occurred_at="2025-10-03T10:15"))
    interactions.log_interaction(s, ui_world.draft(location="Library", occurred_at="2025-10-04T09:00",
                                                   type="escort"))
    page = InteractionsPage(ui_ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    qtbot.waitUntil(ui_ctx.worker.is_idle)
    return page


@pytest.mark.policy("P25")
def test_csv_export_of_the_list_neutralises_a_leading_equals_sign(qtbot, page, ui_prompts, tmp_path,
                                                                   ui_world):
    out = tmp_path / "list.csv"
    ui_prompts.answers["save_file"] = str(out)
    page.outputs.export_button.click()
    qtbot.waitUntil(lambda: "Exported 2 rows" in page.output_status.text(), timeout=10_000)
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(list_export.HEADERS)
    locations = [r[5] for r in rows[1:]]
    assert locations == ["Library", "'" + FORMULA]  # newest first, as the list shows it
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    qtbot.waitUntil(page.ctx.worker.is_idle)
    listed = interactions.list_interactions(ui_world.session, InteractionFilter())
    for row in listed:
        trail = audit.audit_trail(ui_world.session, record_id=row["id"], action=Action.EXPORT)
        assert [e.reason for e in trail] == ["Exported in a list of interactions to list.csv (csv)"]


def test_the_export_follows_the_list_s_sort_and_filters(qtbot, page, ui_prompts, tmp_path):
    page.type.setCurrentIndex(page.type.findData("escort"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    out = tmp_path / "escorts.csv"
    ui_prompts.answers["save_file"] = str(out)
    page.outputs.export_button.click()
    qtbot.waitUntil(lambda: "Exported 1 rows" in page.output_status.text(), timeout=10_000)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r[5] for r in rows[1:]] == ["Library"]


def test_print_goes_through_qt_s_print_dialog_to_the_printer(qtbot, page, tmp_path):
    out = tmp_path / "printed.pdf"
    page.outputs.print_button.click()
    qtbot.waitUntil(lambda: page.outputs.print_dialog is not None, timeout=10_000)
    dialog = page.outputs.print_dialog
    qtbot.waitUntil(dialog.isVisible)
    # as a person would: choose "Print to File (PDF)" (the one printer here) and a file name
    printers = dialog.findChild(QComboBox, "printers")
    printers.setCurrentIndex(printers.findText("Print to File (PDF)"))
    name = dialog.findChild(QLineEdit, "filename")
    name.setText(str(out))
    dialog.accept()
    qtbot.waitUntil(lambda: "Sent 2 rows" in page.output_status.text(), timeout=10_000)
    text = pdf_text(out)
    assert "Interactions" in text and "Library" in text and "HYPERLINK" in text
    assert "2 interactions" in text and "sorted by when" in text


def test_save_pdf_writes_the_list_and_reads_back(qtbot, page, ui_prompts, tmp_path):
    out = tmp_path / "list.pdf"
    ui_prompts.answers["save_file"] = str(out)
    page.outputs.pdf_button.click()
    qtbot.waitUntil(lambda: "Saved 2 rows" in page.output_status.text(), timeout=10_000)
    text = pdf_text(out)
    assert "Library" in text and "Escort" in text and "De-escalation" in text
