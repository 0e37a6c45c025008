"""Report tables as CSV files (standard library): UTF-8 with a byte-order mark so spreadsheet
programs read names with accents correctly; one file per exported table."""

from __future__ import annotations

import csv
import io

from safetydesk.domain.report_model import Rendered, ReportDocument, TableBlock


def table_csv(block: TableBlock) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(block.columns)
    for row in block.rows:
        w.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def render_csv(doc: ReportDocument, stem: str) -> list[Rendered]:
    """One CSV per exported table: ``stem.csv`` when there is one, ``stem-NAME.csv`` otherwise."""
    tables = [b for b in doc.blocks if isinstance(b, TableBlock) and b.csv_name]
    if len(tables) == 1:
        return [Rendered(f"{stem}.csv", "text/csv", table_csv(tables[0]))]
    return [Rendered(f"{stem}-{b.csv_name}.csv", "text/csv", table_csv(b)) for b in tables]
