"""The district's letterhead for PDFs: fonts, page header and footer with "Page N of M".

Fonts: Noto Sans (SIL Open Font License, bundled in ``safetydesk/resources/fonts``)
is embedded in every PDF, so names in Vietnamese, Cyrillic and other Latin
scripts print the same on every computer. The PDF base fonts (Latin-1 only) are
a last resort if the bundled files are missing from an installation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

INK = colors.HexColor("#1d2733")
MUTED = colors.HexColor("#5b6673")
RULE = colors.HexColor("#2f5d8a")
PAGE_SIZE = LETTER
MARGIN = 0.9 * inch

FONT_FILES = {"regular": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf", "italic": "NotoSans-Italic.ttf"}


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    italic: str = ""


def font_data(name: str) -> bytes:
    """The bytes of one bundled font file (``FONT_FILES`` values)."""
    return resources.files("safetydesk").joinpath("resources", "fonts", name).read_bytes()


@cache
def fonts() -> Fonts:
    import io

    try:
        for key, name in (("regular", "SD-Regular"), ("bold", "SD-Bold"), ("italic", "SD-Italic")):
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(font_data(FONT_FILES[key]))))
    except (OSError, ValueError):  # an installation without the bundled fonts
        return Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")
    pdfmetrics.registerFontFamily("SD", normal="SD-Regular", bold="SD-Bold", italic="SD-Italic",
                                  boldItalic="SD-Bold")
    return Fonts("SD-Regular", "SD-Bold", "SD-Italic")


def text(value: str) -> str:
    """Plain text made safe for a reportlab Paragraph (which reads a little XML)."""
    return escape(value or "").replace("\n", "<br/>")


@dataclass(frozen=True)
class Letterhead:
    name: str  # the district (or the letterhead name the district set)
    address_lines: Sequence[str]
    footer_left: str = ""  # for example "Complaint C-7K4-QMX"
    footer_note: str = ""  # for example a confidentiality notice
    page_label: str = "Page {page} of {total}"  # in the language of the pages it heads

    def header_height(self, page: int = 1) -> float:
        """Room the header takes below the top edge of the page."""
        return 0.6 * inch + (12 * len(self.address_lines) if page == 1 else 0) + 0.35 * inch


def paged_canvas(draw: Callable[[rl_canvas.Canvas, int, int], None]) -> type[rl_canvas.Canvas]:
    """A canvas that keeps every page until the document is done, then calls
    ``draw(canvas, page, total)`` on each, so a page can say "Page N of M"."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                draw(self, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def numbered_canvas(letterhead: Letterhead) -> type[rl_canvas.Canvas]:
    """A canvas that draws the letterhead on each page and "Page N of M" once the total is known."""
    return paged_canvas(lambda c, page, total: draw_letterhead(c, letterhead, page, total))


# Platypus frames pad their content by 6 points; the letterhead lines up with the text.
FRAME_PADDING = 6


def draw_letterhead(c: rl_canvas.Canvas, lh: Letterhead, page: int, total: int) -> None:
    f = fonts()
    width, height = PAGE_SIZE
    left, right = MARGIN + FRAME_PADDING, width - MARGIN - FRAME_PADDING
    top = height - 0.6 * inch
    c.saveState()
    c.setFillColor(RULE)
    c.setFont(f.bold, 15 if page == 1 else 10.5)
    c.drawString(left, top, lh.name)
    y = top
    if page == 1:
        c.setFont(f.regular, 9)
        c.setFillColor(MUTED)
        for line in lh.address_lines:
            y -= 12
            c.drawString(left, y, line)
    else:
        c.setFont(f.regular, 8.5)
        c.setFillColor(MUTED)
        c.drawRightString(right, top, lh.footer_left)
    c.setStrokeColor(RULE)
    c.setLineWidth(1.2 if page == 1 else 0.6)
    c.line(left, y - 8, right, y - 8)
    # footer
    c.setStrokeColor(colors.HexColor("#c5ccd4"))
    c.setLineWidth(0.5)
    c.line(left, 0.75 * inch, right, 0.75 * inch)
    c.setFont(f.regular, 8)
    c.setFillColor(MUTED)
    c.drawString(left, 0.58 * inch, lh.footer_left)
    c.drawRightString(right, 0.58 * inch, lh.page_label.format(page=page, total=total))
    if lh.footer_note:
        c.drawString(left, 0.44 * inch, lh.footer_note)
    c.restoreState()


def letter_template(buf, lh: Letterhead, **info) -> BaseDocTemplate:
    """A document whose first page leaves room for the full letterhead and later pages for a
    one-line header."""
    width, height = PAGE_SIZE
    bottom = 0.9 * inch

    def frame(page: int) -> Frame:
        top = lh.header_height(page)
        return Frame(MARGIN, bottom, width - 2 * MARGIN, height - top - bottom, id=f"body{page}")

    doc = BaseDocTemplate(buf, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN,
                          topMargin=lh.header_height(1), bottomMargin=bottom, **info)
    doc.addPageTemplates([PageTemplate("first", [frame(1)], autoNextPageTemplate="later"),
                          PageTemplate("later", [frame(2)])])
    return doc


class PageMark(Flowable):
    """Takes no room; notes the page it lands on (where a family's copy ends and the English copy for the file starts)."""

    def __init__(self, pages: list[int]) -> None:
        super().__init__()
        self.pages = pages
        self.width = self.height = 0

    def wrap(self, *_: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.pages.append(self.canv.getPageNumber())
