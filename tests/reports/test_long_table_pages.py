"""A long table over many pages keeps what a reader follows across each page break: every other
row shaded counted over the whole table (not restarting on each page), the header on every
page, the totals bold with a rule above the first one, and every row once. And the PDFs are laid
out with reportlab's C speed-ups (rl_accel), which SafetyDesk depends on: a 10,000-row listing
lays out a third faster with them, byte for byte the same."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader
from reportlab.platypus import Table

from safetydesk.domain.report_model import ReportDocument, TableBlock
from safetydesk.reports.document import ZEBRA, render_pdf
from safetydesk.reports.letterhead import fonts


def _document(rows: int, total_rows: int) -> ReportDocument:
    body = [(f"R{i:05d}", "Fictional Alder Elementary" if i % 3 else "Birch Middle School",
             "Gymnasium, by the east doors" if i % 7 == 0 else "Office", str(i % 11)) for i in range(rows)]
    totals = [(f"Total {k}", "", "", str(100 + k)) for k in range(total_rows)]
    block = TableBlock(columns=("Reference", "School", "Location", "Count"), rows=tuple(body + totals),
                       numeric=(3,), total_rows=total_rows)
    return ReportDocument(kind="listing", title="A long table", subtitle="", blocks=[block],
                          produced_by="Test Person", produced_at=datetime(2026, 11, 2, 9, 30),
                          letterhead_name="Fictional Valley School District")


def _shaded(table: Table) -> list[bool]:
    """Which body rows of one page's table reportlab will shade, from its background commands."""
    n = len(table._cellvalues)
    out = [False] * n
    for cmd in table._bkgrndcmds:
        op, (_, sr), (_, er), arg = cmd[0], cmd[1], cmd[2], cmd[3]
        sr, er = sr % n, er % n
        for r in range(sr, er + 1):
            if op == "ROWBACKGROUNDS":
                out[r] = arg[(r - sr) % len(arg)] == ZEBRA
            elif op == "BACKGROUND":
                out[r] = arg == ZEBRA
    return out[1:]  # the header row is not a body row


@pytest.mark.parametrize("rows,total_rows", [(1, 0), (97, 2), (1201, 3)])
def test_shading_totals_and_header_carry_over_every_page_break(rows, total_rows):
    laid: list = []
    pdf = render_pdf(_document(rows, total_rows), laid_out=laid)
    pages = [tb for tb in laid if isinstance(tb, Table)]
    reader = PdfReader(io.BytesIO(pdf))
    if rows > 100:
        assert len(pages) > 10  # the case is a long table
    shaded: list[bool] = []
    bold_rows: list[int] = []
    rule_rows: list[int] = []
    seen = 0
    for tb in pages:
        body = len(tb._cellvalues) - 1
        shaded += _shaded(tb)
        for cmd in tb._linecmds:
            if cmd[0] == "LINEABOVE" and cmd[1][1] > 0:
                rule_rows.append(seen + cmd[1][1] - 1)
        for cell_style_row, k in zip(tb._cellStyles[1:], range(body), strict=True):
            if all(style.fontname == fonts().bold for style in cell_style_row):
                bold_rows.append(seen + k)
        seen += body
    everything = rows + total_rows
    assert seen == everything  # every row once, in order
    assert shaded == [i % 2 == 1 for i in range(everything)]  # counted over the whole table
    assert bold_rows == list(range(rows, everything))  # the totals, and only they, in bold
    assert rule_rows == ([rows] if total_rows else [])  # one rule, above the first total
    for page in reader.pages:  # the header on every page
        text = page.extract_text()
        assert "Reference" in text and "School" in text


def test_the_pdfs_are_laid_out_with_reportlabs_c_speedups():
    from reportlab.lib import rl_accel

    # Without the rl_accel package reportlab falls back to its pure-Python versions silently.
    assert rl_accel.fp_str.__module__ == "_rl_accel"
    assert rl_accel.unicode2T1.__module__ == "_rl_accel"
