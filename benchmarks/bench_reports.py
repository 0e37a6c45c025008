"""Report timings (issue 5): the P20 disaggregated tables for one year, and a 10,000-row listing PDF
beside reportlab's own time for the same table laid out page by page, in the same run.

    safetydesk --home /tmp/sd-bench demo --scale 1000000      # several minutes
    .venv/bin/python benchmarks/bench_reports.py --home /tmp/sd-bench --year 2025-26

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from typing import Any

from reportlab.lib.pagesizes import LETTER
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table

from safetydesk.domain.report_model import TableBlock
from safetydesk.paths import resolve
from safetydesk.reports.document import MARGIN, PAD, PagedTable, render_pdf, styles, t
from safetydesk.services import files
from safetydesk.services import reports as reports_service


def timed(fn, repeat: int = 3):
    runs, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), out


def reportlab_page_by_page(block, rows_per_page: int) -> bytes:
    """The same rows and cells, cut into one plain reportlab Table per page by hand."""
    import io

    st = styles()
    width = LETTER[0] - 2 * MARGIN - 2 * PAD
    cells = PagedTable(block, width, st)  # the same cells and style, but no measuring or page furniture
    story = []
    for i in range(0, len(block.rows), rows_per_page):
        cells.start = i
        story += [cells._table(min(i + rows_per_page, len(block.rows))), PageBreak()]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=LETTER, leftMargin=MARGIN, rightMargin=MARGIN, invariant=1).build(story[:-1])
    return buf.getvalue()


def listing_and_anchor(session, year: str, rows: int) -> tuple[Any, Any, int, int]:
    """(SafetyDesk's PDF of the year's listing, reportlab alone laying out the same rows in the
    same document, rows, pages): two callables, each giving the PDF's bytes. The listing's query
    runs once, before either is timed.

    The anchor is the same document in every respect reportlab is given: ``render_pdf``'s page
    templates and frames, its page furniture (letterhead, "Page N of M", the notice) and its
    opening paragraphs; and for each page SafetyDesk laid out, a plain reportlab ``Table`` of the
    same cells (a Paragraph made again from the same text and style; a plain string as is), the
    same column widths and the same cell styles, with reportlab measuring every row itself, then a
    page break. What it leaves out is SafetyDesk's own work: measuring rows once and fitting them to
    each page (``PagedTable``)."""
    from reportlab.platypus import PageBreak as RLPageBreak

    from safetydesk.reports import document

    listing = reports_service.interaction_listing(session, year, limit=rows)
    laid: list = []
    ours = render_pdf(listing, laid_out=laid)
    pages = [tb for tb in laid if isinstance(tb, Table)]
    real_flowables = document.flowables

    def same_tables() -> list:
        out: list = []
        for tb in pages:
            cells = [[Paragraph(c.text, c.style) if isinstance(c, Paragraph) else c for c in row]
                     for row in tb._cellvalues]
            table = Table(cells, colWidths=tb._colWidths, repeatRows=1)
            table._cellStyles = tb._cellStyles
            table._bkgrndcmds = list(tb._bkgrndcmds)
            table._linecmds = list(tb._linecmds)
            out += [table, RLPageBreak()]
        return out[:-1]

    def anchored(doc, *args, **kwargs):
        # the same opening flowables, from the document with its table emptied (so that no
        # SafetyDesk table layout runs inside the anchor), and the table's place taken by the pages
        empty = dataclasses.replace(doc, blocks=tuple(
            dataclasses.replace(b, rows=()) if isinstance(b, TableBlock) else b for b in doc.blocks))
        story = real_flowables(empty, *args, **kwargs)
        k = next(i for i, f in enumerate(story) if isinstance(f, PagedTable))
        return story[:k] + same_tables() + story[k + 1:]

    def anchor() -> bytes:
        document.flowables = anchored
        try:
            return render_pdf(listing)
        finally:
            document.flowables = real_flowables

    import io

    from pypdf import PdfReader

    n_pages = len(PdfReader(io.BytesIO(ours)).pages)
    theirs = len(PdfReader(io.BytesIO(anchor())).pages)
    if theirs != n_pages:
        raise SystemExit(f"the reportlab anchor laid out {theirs} pages, SafetyDesk {n_pages}: not the same document")
    return (lambda: render_pdf(listing)), anchor, len(listing.tables()[0].rows), n_pages


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True)
    ap.add_argument("--year", default="2025-26")
    ap.add_argument("--rows", type=int, default=10_000)
    args = ap.parse_args()
    session = files.sign_in(resolve(args.home), "admin", "demo")
    store = session.store
    total = store.conn.execute("SELECT COUNT(*) FROM interactions").fetchone()[0]
    year = store.conn.execute("SELECT COUNT(*) FROM interactions WHERE school_year = ?", (args.year,)).fetchone()[0]
    print(f"data file: {total:,} interactions, {year:,} in {args.year}")

    secs, tables = timed(lambda: reports_service.disaggregated_tables(session, args.year))
    hidden = sum(len(x.hidden) for x in (*tables.involved, *tables.enrolled))
    print(f"P20 disaggregated tables, one year (queries + suppression): {secs:.3f} s "
          f"({len(tables.schools)} schools x 7 dimensions, {hidden} cells hidden)")
    secs, doc = timed(lambda: reports_service.disaggregated(session, args.year), 1)
    start = time.perf_counter()
    render_pdf(doc)
    print(f"P20 report: service {secs:.3f} s, PDF {time.perf_counter() - start:.3f} s")

    secs, listing = timed(lambda: reports_service.interaction_listing(session, args.year, limit=args.rows), 1)
    block = listing.tables()[0]
    print(f"listing of {len(block.rows):,} interactions: query {secs:.2f} s")
    start = time.perf_counter()
    ours = render_pdf(listing)
    ours_s = time.perf_counter() - start
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(ours)).pages)
    per_page = max(1, len(block.rows) // pages)  # what fits on a page, so no chunk spills over
    start = time.perf_counter()
    theirs = reportlab_page_by_page(block, per_page)
    theirs_s = time.perf_counter() - start
    print(f"  SafetyDesk PagedTable (letterhead, page N of M, FERPA notice): {ours_s:.2f} s, {pages} pages, "
          f"{len(ours) / 1e6:.1f} MB")
    print(f"  reportlab alone, same rows cut into one Table per page by hand: {theirs_s:.2f} s, "
          f"{len(PdfReader(io.BytesIO(theirs)).pages)} pages")
    for n in (1000, 2000, 4000):
        sub = type(block)(block.columns, block.rows[:n], widths=block.widths)
        doc = type(listing)(listing.kind, listing.title, listing.subtitle, [sub], listing.produced_by,
                            listing.produced_at, listing.letterhead_name, student_ids=("x",))
        start = time.perf_counter()
        render_pdf(doc)
        a = time.perf_counter() - start
        start = time.perf_counter()
        import io as _io

        st = styles()
        width = LETTER[0] - 2 * MARGIN - 2 * PAD
        cols = [w * width / sum(block.widths) for w in block.widths]
        rows = [[Paragraph(t(c), st["head"]) for c in block.columns]] + \
            [[Paragraph(t(v), st["cell"]) for v in r] for r in block.rows[:n]]
        SimpleDocTemplate(_io.BytesIO(), pagesize=LETTER).build([Table(rows, colWidths=cols, repeatRows=1)])
        b = time.perf_counter() - start
        print(f"  {n:>5,} rows: PagedTable {a:.2f} s; one reportlab Table left to split itself {b:.2f} s")
    assert PagedTable  # the flowable measured above
    session.store.close()


if __name__ == "__main__":
    main()
