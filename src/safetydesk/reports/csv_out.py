"""Report tables as CSV files (standard library): UTF-8 with a byte-order mark so spreadsheet
programs read names with accents correctly; one file per exported table. A text cell that a
spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a carriage return) is
written with an apostrophe in front (OWASP "CSV injection"); numbers are written as numbers."""

from __future__ import annotations

import csv
import io

from safetydesk.domain.records_io import neutralise
from safetydesk.domain.report_model import Rendered, ReportDocument, TableBlock


def _cell(value: object) -> object:
    if value is None:
        return ""
    return neutralise(value) if isinstance(value, str) else value


def table_csv(block: TableBlock) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([_cell(c) for c in block.columns])
    for row in block.rows:
        w.writerow([_cell(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def render_csv(doc: ReportDocument, stem: str) -> list[Rendered]:
    """One CSV per exported table: ``stem.csv`` when there is one, ``stem-NAME.csv`` otherwise."""
    tables = [b for b in doc.blocks if isinstance(b, TableBlock) and b.csv_name]
    if len(tables) == 1:
        return [Rendered(f"{stem}.csv", "text/csv", table_csv(tables[0]))]
    return [Rendered(f"{stem}-{b.csv_name}.csv", "text/csv", table_csv(b)) for b in tables]
