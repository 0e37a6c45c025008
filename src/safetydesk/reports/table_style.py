"""The one table style of every report: column widths that keep words, dates and ids whole.

`layout` decides, for a table's header and rows, the font sizes and column widths:

* a header wraps only between words: each column is at least as wide as its
  longest header word (the header font shrinks, down to 6 points, when the
  page is too narrow for that);
* a date, a time, an id, a code or a number (an *atomic* cell: one word, or a
  date such as "Nov 30, 2026, 12:33 PM") never wraps: its column is at least as
  wide as the widest such cell;
* numbers (and the "*" of a hidden count) align right;
* the rest of the width goes to the columns by their relative widths.

The checks of the layout test use the same measures (`fits_on_one_line`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from safetydesk.domain.report_model import HIDDEN
from safetydesk.reports.formats import us_dates_in
from safetydesk.reports.letterhead import fonts

PAD_X = 4.0  # left and right cell padding
DENSE = 10  # columns
SIZES = ((8.0, 8.0), (7.5, 8.0), (7.0, 7.5), (6.5, 7.0), (6.0, 6.5))  # (header, body) font sizes to try
_US_DATE = r"[A-Z][a-z]{2} \d{1,2}, \d{4}"
_TIME = r"\d{1,2}:\d{2} [AP]M"
ATOMIC = re.compile(rf"^(\S+|{_US_DATE}(, {_TIME})?|{_TIME})$")
NUMBER = re.compile(r"^([-+]?[\d,]*\.?\d+%?|\*)$")


def cell_text(value) -> str:
    """What a cell shows: dates written the US way."""
    return us_dates_in("" if value is None else str(value))


def is_atomic(text: str) -> bool:
    return bool(text) and "\n" not in text and bool(ATOMIC.match(text))


def numeric_columns(rows: Sequence[Sequence[str]], declared: Sequence[int], ncols: int) -> set[int]:
    """Declared numeric columns, plus every column whose cells are all numbers (or hidden counts)."""
    out = set(declared)
    for c in range(ncols):
        values = [r[c] for r in rows if c < len(r) and r[c]]
        if values and any(v != HIDDEN for v in values) and all(NUMBER.match(v) for v in values):
            out.add(c)
    return out


@dataclass(frozen=True)
class Layout:
    widths: tuple[float, ...]
    head_size: float
    body_size: float
    numeric: frozenset[int]
    minimum: tuple[float, ...]  # the width each column needs to keep its words and atomic cells whole

    @property
    def head_leading(self) -> float:
        return self.head_size + 2

    @property
    def body_leading(self) -> float:
        return self.body_size + 2


def _minimum(columns: Sequence[str], rows: Sequence[Sequence[str]], head: float, body: float,
             total_rows: int) -> list[float]:
    f = fonts()
    need = []
    first_total = len(rows) - total_rows
    widths: dict[tuple[str, str], float] = {}

    def width(text: str, font: str) -> float:  # long tables repeat the same words and dates
        key = (text, font)
        if key not in widths:
            widths[key] = stringWidth(text, font, body)
        return widths[key]

    for c, name in enumerate(columns):
        w = max((stringWidth(word, f.bold, head) for word in name.split()), default=0.0)
        for i, row in enumerate(rows):
            text = row[c] if c < len(row) else ""
            font = f.bold if i >= first_total else f.regular
            if is_atomic(text):
                w = max(w, width(text, font))
            elif text:  # a cell that wraps keeps its longest word whole
                w = max(w, max(width(word, font) for word in text.split()))
        need.append(w + 2 * PAD_X + 1)
    return need


def _natural(columns: Sequence[str], rows: Sequence[Sequence[str]], head: float, body: float,
             sample: int = 400) -> list[float]:
    """The width each column would take with every cell (and its header) on one line."""
    f = fonts()
    out = []
    for c, name in enumerate(columns):
        w = stringWidth(name, f.bold, head)
        for row in rows[:sample]:
            text = row[c] if c < len(row) else ""
            for line in text.split("\n"):
                w = max(w, stringWidth(line, f.regular, body))
        out.append(w + 2 * PAD_X + 1)
    return out


def _share(rel: Sequence[float], minimum: Sequence[float], avail: float,
           natural: Sequence[float] | None = None) -> list[float]:
    """Widths proportional to ``rel``, each at least its minimum and, while the others need the
    room, at most its natural one-line width (water-filling)."""
    n = len(rel)
    cap = [max(minimum[c], natural[c]) for c in range(n)] if natural else [float("inf")] * n
    low: set[int] = set()
    high: set[int] = set()
    while True:
        free = avail - sum(minimum[c] for c in low) - sum(cap[c] for c in high)
        loose = [c for c in range(n) if c not in low and c not in high]
        if not loose:  # every column at its natural width: share what is left by rel
            extra = free / n
            return [(minimum[c] if c in low else cap[c]) + extra for c in range(n)]
        weight = sum(rel[c] for c in loose) or 1.0
        widths = [minimum[c] if c in low else cap[c] if c in high else free * rel[c] / weight for c in range(n)]
        short = [c for c in loose if widths[c] < minimum[c]]
        if short:
            low.update(short)
            continue
        wide = [c for c in loose if widths[c] > cap[c]]
        if not wide:
            return widths
        high.update(wide)


def layout(columns: Sequence[str], rows: Sequence[Sequence[str]], rel: Sequence[float], avail: float,
           declared_numeric: Sequence[int] = (), total_rows: int = 0) -> Layout:
    rel = list(rel) if rel and len(rel) == len(columns) else [1.0] * len(columns)
    numeric = frozenset(numeric_columns(rows, declared_numeric, len(columns)))
    sizes = SIZES if len(columns) < DENSE else SIZES[2:]  # a table of many columns starts smaller
    for head, body in sizes:
        minimum = _minimum(columns, rows, head, body, total_rows)
        if sum(minimum) <= avail:
            break
    if sum(minimum) > avail:  # even the smallest type does not fit: share what there is
        scale = avail / sum(minimum)
        return Layout(tuple(m * scale for m in minimum), head, body, numeric, tuple(minimum))
    natural = _natural(columns, rows, head, body)
    return Layout(tuple(_share(rel, minimum, avail, natural)), head, body, numeric, tuple(minimum))


def fits_on_one_line(text: str, font: str, size: float, width: float) -> bool:
    return stringWidth(text, font, size) <= width - 2 * PAD_X + 0.01
