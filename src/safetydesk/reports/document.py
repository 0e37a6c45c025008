"""Every report PDF: letterhead, title block, "Page N of M", who produced it and when, the FERPA
notice on every page of a document that names a student, tables split per page, charts.

`render_pdf` lays out a `ReportDocument` (what the services computed). The
output is deterministic: the same document gives the same bytes (reportlab's
``invariant`` mode; the production date printed is the document's own).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus.tableofcontents import TableOfContents

from safetydesk.domain.report_model import (
    FERPA_NOTICE,
    HIDDEN,
    Audience,
    BarChart,
    Contents,
    Facts,
    Heading,
    PageBreak,
    Para,
    ReportDocument,
    TableBlock,
)
from safetydesk.reports import table_style
from safetydesk.reports.family import FILE_COPY_STYLE, Furniture, family_copy, furniture
from safetydesk.reports.formats import us_date, us_dates_in
from safetydesk.reports.letterhead import INK, MUTED, PAGE_SIZE, RULE, PageMark, fonts, paged_canvas
from safetydesk.reports.templates import Wording

Progress = Callable[[int, int], None]

MARGIN = 0.75 * inch
PAD = 6  # platypus frame padding
ZEBRA = colors.HexColor("#f1f4f8")
GRID = colors.HexColor("#c5ccd4")
ALERT = colors.HexColor("#9b1c1c")
BAR = colors.HexColor("#2f5d8a")


def long_date(d: datetime) -> str:
    return us_date(d)


def styles() -> dict[str, ParagraphStyle]:
    f = fonts()
    base = ParagraphStyle("body", fontName=f.regular, fontSize=10, leading=13.5, textColor=INK,
                          alignment=TA_LEFT, spaceAfter=7)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=MUTED),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=11, textColor=MUTED, spaceBefore=2),
        "warning": ParagraphStyle("warning", parent=base, fontName=f.bold, textColor=ALERT, borderColor=ALERT,
                                  borderWidth=0.6, borderPadding=6, backColor=colors.HexColor("#fbeeee"),
                                  spaceBefore=6, spaceAfter=12),
        "title": ParagraphStyle("title", parent=base, fontName=f.bold, fontSize=18, leading=22, textColor=RULE,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=14, textColor=MUTED, spaceAfter=2),
        "h1": ParagraphStyle("h1", parent=base, fontName=f.bold, fontSize=13.5, leading=17, textColor=RULE,
                             spaceBefore=10, spaceAfter=6, keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName=f.bold, fontSize=11, leading=14, textColor=INK,
                             spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
        "num": ParagraphStyle("num", parent=base, fontSize=8, leading=10, spaceAfter=0, alignment=TA_RIGHT),
        "cellbold": ParagraphStyle("cellbold", parent=base, fontName=f.bold, fontSize=8, leading=10, spaceAfter=0),
        "numbold": ParagraphStyle("numbold", parent=base, fontName=f.bold, fontSize=8, leading=10, spaceAfter=0,
                                  alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontName=f.bold, fontSize=8, leading=10, spaceAfter=0,
                               textColor=colors.white),
        "headnum": ParagraphStyle("headnum", parent=base, fontName=f.bold, fontSize=8, leading=10, spaceAfter=0,
                                  textColor=colors.white, alignment=TA_RIGHT),
        "label": ParagraphStyle("label", parent=base, fontName=f.bold, fontSize=9, leading=12, spaceAfter=0,
                                textColor=MUTED),
        "value": ParagraphStyle("value", parent=base, fontSize=9.5, leading=12, spaceAfter=0),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=10.5, leading=15, leftIndent=0),
        "toc2": ParagraphStyle("toc2", parent=base, fontSize=9, leading=12, leftIndent=16, textColor=MUTED),
    }


def t(value) -> str:
    """Text for a Paragraph: XML-escaped, dates written the US way."""
    return escape(us_dates_in("" if value is None else str(value), keep_together=True)).replace("\n", "<br/>")


# ------------------------------------------------------------------ page furniture
def _fitted(text: str, font: str, size: float, width: float) -> str:
    """``text`` as it fits in ``width`` points, shortened at the end with "…" when it does not
    (a long report title must not run into the text beside it)."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip(" ·,") + "…"


def _furniture(doc: ReportDocument, family: Furniture | None = None,
               english_from: list[int] | None = None) -> Callable[[rl_canvas.Canvas, int, int], None]:
    """Header and footer of each page; a family copy in the family's language has theirs on
    the pages before ``english_from`` (the page its English copy starts on)."""
    f = fonts()
    width, height = PAGE_SIZE
    left, right = MARGIN + PAD, width - MARGIN - PAD
    logo = ImageReader(io.BytesIO(doc.logo)) if doc.logo else None
    produced = f"Produced {long_date(doc.produced_at)} by {doc.produced_by}"
    confidential = doc.names_students
    public = doc.audience == Audience.PUBLIC

    def draw(c: rl_canvas.Canvas, page: int, total: int) -> None:
        theirs = family if family is not None and not (english_from and page >= english_from[-1]) else None
        title = theirs.title if theirs else doc.title
        notice = theirs.confidential if theirs else FERPA_NOTICE
        c.saveState()
        top = height - 0.55 * inch
        if page == 1:
            text_left = left
            if logo is not None:
                iw, ih = logo.getSize()
                h = 0.62 * inch
                w = h * iw / ih if ih else h
                c.drawImage(logo, left, top - h + 14, w, h, mask="auto")
                text_left = left + w + 10
            c.setFillColor(RULE)
            c.setFont(f.bold, 14)
            c.drawString(text_left, top, doc.letterhead_name)
            c.setFont(f.regular, 8.5)
            c.setFillColor(MUTED)
            y = top
            for line in doc.letterhead_address[:3]:
                y -= 11
                c.drawString(text_left, y, line)
            c.setStrokeColor(RULE)
            c.setLineWidth(1.2)
            c.line(left, top - 42, right, top - 42)
        else:
            c.setFillColor(RULE)
            c.setFont(f.bold, 9.5)
            c.drawString(left, top, doc.letterhead_name)
            c.setFont(f.regular, 8.5)
            c.setFillColor(MUTED)
            room = right - left - c.stringWidth(doc.letterhead_name, f.bold, 9.5) - 18
            c.drawRightString(right, top, _fitted(title, f.regular, 8.5, room))
            c.setStrokeColor(RULE)
            c.setLineWidth(0.6)
            c.line(left, top - 8, right, top - 8)
        if confidential:  # top band on every page
            c.setFillColor(ALERT)
            c.setFont(f.bold, 8)
            c.drawRightString(right, height - 0.32 * inch, notice)
        # footer
        c.setStrokeColor(GRID)
        c.setLineWidth(0.5)
        c.line(left, 0.72 * inch, right, 0.72 * inch)
        c.setFont(f.regular, 7.5)
        c.setFillColor(MUTED)
        c.drawString(left, 0.56 * inch, theirs.produced if theirs else produced)
        c.drawRightString(right, 0.56 * inch, (theirs.page if theirs else "Page {page} of {total}").format(
            page=page, total=total))
        beside, beside_font = (notice, f.bold) if confidential else \
            ("Aggregate figures only; no student is identified.", f.regular) if public else ("", f.regular)
        room = right - left - (c.stringWidth(beside, beside_font, 7.5) + 12 if beside else 0)
        if theirs or doc.reference:
            second = _fitted(theirs.reference if theirs else doc.reference, f.regular, 7.5, room)
        else:  # the report's title gives way before its school year does
            year = f" · {doc.school_year}" if doc.school_year else ""
            second = _fitted(doc.title, f.regular, 7.5, room - c.stringWidth(year, f.regular, 7.5)) + year
        c.drawString(left, 0.43 * inch, second)
        if confidential:
            c.setFillColor(ALERT)
        c.setFont(beside_font, 7.5)
        if beside:
            c.drawRightString(right, 0.43 * inch, beside)
        c.restoreState()

    return draw


class _Doc(BaseDocTemplate):
    def __init__(self, *args, toc: TableOfContents | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._toc = toc

    def afterFlowable(self, flowable) -> None:
        level = getattr(flowable, "_toc_level", None)
        if level is not None and self._toc is not None:
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.page, key))


# ------------------------------------------------------------------ tables split per page
@dataclass
class _Shared:
    """What the parts of one long table share across its page breaks: its layout, each cell's
    text, rows measured but not yet laid out, the header, and what was measured once (whether a
    cell's text fits its column on one line, by column, text and whether in a total row: long
    tables repeat the same schools, types and dates; and each cell style)."""

    shape: table_style.Layout
    texts: list[list[str]]
    laid_out: list | None
    heights: list[float] = field(default_factory=list)
    cells: dict[int, list] = field(default_factory=dict)
    fits: dict[tuple[int, str, bool], bool] = field(default_factory=dict)
    styles: dict[str, ParagraphStyle] = field(default_factory=dict)
    header: list = field(default_factory=list)
    header_h: float = 0.0


class PagedTable(Flowable):
    """A long table laid out one page at a time: each row is measured once, and each page gets
    its own small `Table` (with the header), so building is linear in the number of rows
    (a single reportlab Table re-measures every remaining row at each page break)."""

    def __init__(self, block: TableBlock, width: float, st: dict[str, ParagraphStyle],
                 start: int = 0, laid_out: list | None = None, shared: _Shared | None = None) -> None:
        super().__init__()
        self.block, self.avail, self.st, self.start = block, width, st, start
        if shared is None:  # the first part of the table: what every part after a page break shares
            texts = [[table_style.cell_text(v) for v in row] for row in block.rows]
            shape = table_style.layout(block.columns, texts, block.widths, width, block.numeric, block.total_rows)
            shared = _Shared(shape, texts, laid_out)
            self.shared, self.shape = shared, shape
            head = [Paragraph(t(c), self._style("headnum" if i in shape.numeric else "head", head=True))
                    for i, c in enumerate(block.columns)]
            shared.header = head
            shared.header_h = max(p.wrap(w - 8, 1000)[1] for p, w in zip(head, shape.widths, strict=True)) + 8
        self.shared = shared
        self.shape, self.laid_out = shared.shape, shared.laid_out
        self.col_widths = list(shared.shape.widths)
        self.heights, self.cells, self.fits = shared.heights, shared.cells, shared.fits
        self.header, self.header_h = shared.header, shared.header_h

    def _style(self, name: str, head: bool = False) -> ParagraphStyle:
        size = self.shape.head_size if head else self.shape.body_size
        key = f"{name}-{size}"
        style = self.shared.styles.get(key)
        if style is None:
            style = self.shared.styles[key] = ParagraphStyle(key, parent=self.st[name], fontSize=size,
                                                             leading=size + 2)
        return style

    def _row(self, i: int) -> list:
        """Cells of row i: plain strings when they fit on one line (cheap to measure and draw),
        Paragraphs when they must wrap (between words)."""
        row = self.cells.get(i)
        if row is None:
            total = i >= len(self.block.rows) - self.block.total_rows
            f = fonts()
            font = f.bold if total else f.regular
            size = self.shape.body_size
            row = []
            for c, value in enumerate(self.block.rows[i]):
                text = self.shared.texts[i][c]
                key = (c, text, total)
                fits = self.fits.get(key)
                if fits is None:
                    fits = self.fits[key] = "\n" not in text and table_style.fits_on_one_line(
                        text, font, size, self.col_widths[c])
                if fits:
                    row.append(text)
                    continue
                num = c in self.shape.numeric
                name = ("numbold" if num else "cellbold") if total else ("num" if num else "cell")
                row.append(Paragraph(t(value), self._style(name)))  # t() keeps each date together
            self.cells[i] = row
        return row

    def _height(self, i: int) -> float:
        while len(self.heights) <= i:
            k = len(self.heights)
            row = self._row(k)
            h = max((p.wrap(w - 8, 1000)[1] if not isinstance(p, str) else self.shape.body_leading)
                    for p, w in zip(row, self.col_widths, strict=True))
            self.heights.append(h + 7)
        return self.heights[i]

    def _fit(self, avail_height: float) -> int:
        h, n, i = self.header_h, 0, self.start
        while i < len(self.block.rows):
            h += self._height(i)
            if h > avail_height:
                break
            n += 1
            i += 1
        return n

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        n = self._fit(ah)
        remaining = len(self.block.rows) - self.start
        if n >= remaining:
            self._h = self.header_h + sum(self._height(i) for i in range(self.start, len(self.block.rows)))
        else:
            self._h = ah + 1  # does not fit: ask to be split
        return self.avail, self._h

    def _table(self, end: int) -> Table:
        rows = [self.header] + [self._row(i) for i in range(self.start, end)]
        heights = [self.header_h] + [self._height(i) for i in range(self.start, end)]
        table = Table(rows, colWidths=self.col_widths, rowHeights=heights, repeatRows=1)
        f = fonts()
        style = [
            ("FONTNAME", (0, 1), (-1, -1), f.regular), ("FONTSIZE", (0, 1), (-1, -1), self.shape.body_size),
            ("LEADING", (0, 1), (-1, -1), self.shape.body_leading), ("TEXTCOLOR", (0, 1), (-1, -1), INK),
            *[("ALIGN", (c, 1), (c, -1), "RIGHT") for c in self.shape.numeric],
            ("BACKGROUND", (0, 0), (-1, 0), RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.35, GRID),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        if end > self.start:  # every other row shaded, counted over the whole table: one command a page
            style.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [ZEBRA, None] if self.start % 2 else [None, ZEBRA]))
        first_total = len(self.block.rows) - self.block.total_rows
        for i in range(max(self.start, first_total), end):  # the totals: bold, with a rule above the first
            k = i - self.start + 1
            style.append(("FONTNAME", (0, k), (-1, k), f.bold))
            if i == first_total:
                style.append(("LINEABOVE", (0, k), (-1, k), 0.9, INK))
        table.setStyle(TableStyle(style))
        if self.laid_out is not None:
            self.laid_out.append(table)
        return table

    def split(self, aw: float, ah: float) -> list[Flowable]:
        n = self._fit(ah)
        if n == 0:
            return []  # not even one row fits: the frame moves on to the next page
        end = self.start + n
        if end >= len(self.block.rows):
            return [self._table(end)]
        first = self._table(end)
        # Rows measured so far are shared with the rest (no copying), and dropped once laid out.
        for i in range(self.start, end):
            self.cells.pop(i, None)
        return [first, PagedTable(self.block, self.avail, self.st, end, shared=self.shared)]

    def draw(self) -> None:
        table = self._table(len(self.block.rows))
        table.wrapOn(self.canv, self.avail, self._h)
        table.drawOn(self.canv, 0, 0)


# ------------------------------------------------------------------ charts
def bar_chart(block: BarChart, width: float, st: dict[str, ParagraphStyle]) -> Flowable:
    f = fonts()
    n = len(block.labels)
    bar_h = 15
    label_w = min(2.4 * inch, width * 0.4)
    height = n * bar_h + 34
    d = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_w, 22
    chart.width, chart.height = width - label_w - 40, n * bar_h
    values = [v if v is not None else 0 for v in block.values]
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed([x if len(x) <= 44 else x[:42] + "…" for x in block.labels]))
    chart.categoryAxis.labels.fontName = f.regular
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.strokeColor = GRID
    chart.valueAxis.valueMin = 0
    top = max(values) if values and max(values) > 0 else 1
    chart.valueAxis.valueMax = top * 1.15
    chart.valueAxis.labels.fontName = f.regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.strokeColor = GRID
    chart.valueAxis.gridStrokeColor = colors.HexColor("#e3e7ec")
    chart.valueAxis.visibleGrid = 1
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barWidth = 9
    chart.groupSpacing = 5
    chart.barLabelFormat = lambda v: (f"{v:.1f}" if isinstance(v, float) and not float(v).is_integer() else f"{v:g}")
    chart.barLabels.fontName = f.regular
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    for k, v in enumerate(reversed(block.values)):  # hidden values: a star where the bar would be
        if v is None:
            y = chart.y + (k + 0.5) * (chart.height / n) - 3
            d.add(String(chart.x + 4, y, HIDDEN + " hidden", fontName=f.regular, fontSize=7, fillColor=MUTED))
    d.add(String(0, height - 10, block.title, fontName=f.bold, fontSize=9, fillColor=INK))
    parts: list[Flowable] = [Spacer(1, 4), d]
    if block.note:
        parts.append(Paragraph(t(block.note), st["note"]))
    return KeepTogether(parts)


# ------------------------------------------------------------------ the document
def _facts(block: Facts, width: float, st: dict[str, ParagraphStyle]) -> Table:
    rows = [[Paragraph(t(k), st["label"]), Paragraph(t(v), st["value"])] for k, v in block.pairs]
    table = Table(rows, colWidths=[width * 0.34, width * 0.66])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, GRID),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def flowables(doc: ReportDocument, width: float, st: dict[str, ParagraphStyle],
              toc: TableOfContents | None, laid_out: list | None = None, family: Furniture | None = None,
              english_from: list[int] | None = None) -> list[Flowable]:
    produced = family.produced if family else f"Produced {long_date(doc.produced_at)} by {doc.produced_by}"
    out: list[Flowable] = [Paragraph(t(family.title if family else doc.title), st["title"]),
                           Paragraph(t(family.subtitle if family else doc.subtitle), st["subtitle"]),
                           Paragraph(t(produced), st["small"]),
                           Spacer(1, 10)]
    for b in doc.blocks:
        if isinstance(b, Heading):
            p = Paragraph(t(b.text), st["h1" if b.level == 1 else "h2"])
            if b.toc and toc is not None and b.level <= 2:
                p._toc_level = b.level - 1
            if b.level == 1:
                out.append(CondPageBreak(1.6 * inch))
            out.append(p)
        elif isinstance(b, Para):
            if b.style == FILE_COPY_STYLE and english_from is not None:
                out.append(PageMark(english_from))
            out.append(Paragraph(t(b.text), st.get(b.style, st["note" if b.style == FILE_COPY_STYLE else "body"])))
        elif isinstance(b, Facts):
            facts = _facts(b, width, st)
            if laid_out is not None:
                laid_out.append(facts)
            out += [facts, Spacer(1, 8)]
        elif isinstance(b, TableBlock):
            if not b.in_pdf:
                continue
            if b.title:
                out.append(Paragraph(t(b.title), st["h2"]))
            out.append(PagedTable(b, width, st, laid_out=laid_out))
            out += [Paragraph(t(n), st["note"]) for n in b.notes]
            out.append(Spacer(1, 9))
        elif isinstance(b, BarChart):
            out.append(bar_chart(b, width, st))
            out.append(Spacer(1, 6))
        elif isinstance(b, PageBreak):
            out.append(RLPageBreak())
        elif isinstance(b, Contents) and toc is not None:
            out += [Paragraph("Contents", st["h1"]), toc]
    while out and isinstance(out[-1], RLPageBreak | Spacer):
        out.pop()
    return out


def render_pdf(doc: ReportDocument, progress: Progress | None = None, laid_out: list | None = None,
               language: str = "", wording: Wording | None = None) -> bytes:
    """The document as PDF bytes: same document, same bytes. ``laid_out`` (for the layout
    checks) receives every table as it was laid out on the pages. ``language``: a family
    copy opens with what it is and who to contact in that language."""
    family = furniture(doc, language, wording)
    doc = family_copy(doc, language, wording)
    english_from: list[int] = []
    st = styles()
    width, height = PAGE_SIZE
    first_top = 0.55 * inch + 52
    later_top = 0.55 * inch + 22
    bottom = 0.85 * inch
    frame_w = width - 2 * MARGIN
    toc = None
    if any(isinstance(b, Contents) for b in doc.blocks):
        toc = TableOfContents()
        toc.levelStyles = [st["toc1"], st["toc2"]]
        toc.dotsMinLevel = 0
    buf = io.BytesIO()
    template = _Doc(buf, toc=toc, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN,
                    topMargin=first_top, bottomMargin=bottom, title=doc.title, author=doc.letterhead_name,
                    subject=doc.subtitle, creator="SafetyDesk", invariant=1)
    template.addPageTemplates([
        PageTemplate("first", [Frame(MARGIN, bottom, frame_w, height - first_top - bottom, id="first")],
                     autoNextPageTemplate="later"),
        PageTemplate("later", [Frame(MARGIN, bottom, frame_w, height - later_top - bottom, id="later")]),
    ])
    story = flowables(doc, frame_w - 2 * PAD, st, toc, laid_out, family, english_from)
    canvasmaker = paged_canvas(_furniture(doc, family, english_from))
    if progress:
        progress(0, 1)
    if toc is not None:
        template.multiBuild(story, canvasmaker=canvasmaker)
    else:
        template.build(story, canvasmaker=canvasmaker)
    if progress:
        progress(1, 1)
    return buf.getvalue()
