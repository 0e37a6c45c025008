"""Layout checks for rendered PDFs: what a person reading the page would notice.

* reportlab level (exact): every table as laid out on the page, cell by cell: a
  one-line cell fits its column, no line of a wrapped cell runs past the column
  edge, and no word was split across lines (reportlab splits a word too long for
  its column).
* text level (poppler's ``pdftotext -layout``): every header word and every date
  of every table is found whole on one line of the page text.
* images (``pdftoppm``): every page renders, and no page is blank.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table

from safetydesk.domain.report_model import ReportDocument, TableBlock
from safetydesk.reports.formats import NBSP, us_dates_in

US_DATE = re.compile(r"[A-Z][a-z]{2} \d{1,2}, \d{4}")


def poppler() -> bool:
    return bool(shutil.which("pdftotext") and shutil.which("pdftoppm"))


def _line_texts(p: Paragraph) -> list[str]:
    bl = p.blPara
    out = []
    for line in bl.lines:
        if bl.kind == 0:
            out.append(" ".join(line[1]))
        else:
            out.append("".join(getattr(w, "text", "") for w in line.words))
    return out


def _extra(p: Paragraph, room: float) -> list[float]:
    """Room left at the end of each line (negative: the line runs past the cell), measured on the
    glyphs themselves (a trailing space does not count)."""
    bl = p.blPara
    if bl.kind == 0:
        return [line[0] for line in bl.lines]
    out = []
    for line in bl.lines:
        frags = [w for w in line.words if getattr(w, "text", "")]
        width = sum(stringWidth(w.text, w.fontName, w.fontSize) for w in frags)
        if frags:
            last = frags[-1]
            width -= stringWidth(last.text, last.fontName, last.fontSize) - \
                stringWidth(last.text.rstrip(), last.fontName, last.fontSize)
        out.append(room - width)
    return out


def table_problems(table: Table, where: str) -> list[str]:
    """Cells of a laid-out reportlab table whose text runs outside the cell or has a split word."""
    problems = []
    widths = table._colWidths
    for r, row in enumerate(table._cellvalues):
        for c, value in enumerate(row):
            style = table._cellStyles[r][c]
            for cell in (value if isinstance(value, list | tuple) else [value]):
                problems += _cell_problems(cell, widths[c], style, where)
    return problems


def _cell_problems(cell, width: float, style, where: str) -> list[str]:
    problems = []
    room = width - style.leftPadding - style.rightPadding
    if isinstance(cell, str):
        for line in cell.split("\n"):
            w = stringWidth(line, style.fontname, style.fontsize)
            if w > room + 0.01:
                problems.append(f"{where}: {line!r} is {w:.1f} pt wide in a {room:.1f} pt cell")
    elif isinstance(cell, Paragraph) and getattr(cell, "blPara", None) is not None:
        plain = cell.getPlainText().replace(NBSP, " ")
        words = set(plain.split())
        tokens = []
        for text, extra in zip(_line_texts(cell), _extra(cell, room), strict=True):
            if extra < -1.0:  # reportlab's own line breaking may end a line ~0.5 pt into the padding
                problems.append(f"{where}: {text!r} runs {-extra:.1f} pt past its cell")
            tokens += text.replace(NBSP, " ").split()
        k = 0
        while k < len(tokens):
            token = tokens[k]
            # a break after a hyphen ("non-" / "binary") is between the parts of a word
            while token not in words and token.endswith("-") and k + 1 < len(tokens):
                k += 1
                token += tokens[k]
            if token not in words:
                problems.append(f"{where}: a word was split across lines: {token!r} "
                                f"(cell {plain[:60]!r})")
            k += 1
    return problems


def page_text(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    return [plain(line) for line in out.splitlines()]


def plain(text: str) -> str:
    """No-break spaces (U+00A0, U+202F) as plain spaces."""
    return text.replace(NBSP, " ").replace("\u202f", " ")


def text_problems(doc: ReportDocument, lines: list[str], sample: int = 300) -> list[str]:
    """Header words and dates of the document's tables that are not whole on any one line."""
    flat = "\n".join(lines)
    problems = []
    for b in doc.blocks:
        if not isinstance(b, TableBlock) or not b.in_pdf:
            continue
        for name in b.columns:
            for word in name.split():
                if not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", flat):
                    problems.append(f"header word {word!r} of column {name!r} is not whole on any line")
        for row in b.rows[:sample]:
            for v in row:
                text = us_dates_in("" if v is None else str(v))
                for d in US_DATE.findall(text):
                    if d not in flat:
                        problems.append(f"date {d!r} is not whole on any line")
    return problems


def image_problems(pdf: Path, folder: Path, pages: int) -> list[str]:
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(folder / "page")], check=True)
    images = sorted(folder.glob("page-*.png"))
    problems = [] if len(images) == pages else [f"{len(images)} images for {pages} pages"]
    for path in images:
        with Image.open(path) as im:
            lo, hi = im.convert("L").getextrema()
            if hi - lo < 50:
                problems.append(f"{path.name} is blank")
    return problems
