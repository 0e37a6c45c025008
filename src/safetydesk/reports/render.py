"""Lay out a `ReportDocument` as the files asked for: one PDF, or the CSV files of its tables."""

from __future__ import annotations

from collections.abc import Callable

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.report_model import Rendered, ReportDocument
from safetydesk.reports.csv_out import render_csv
from safetydesk.reports.templates import Wording


def render(doc: ReportDocument, fmt: str, stem: str,
           progress: Callable[[int, int], None] | None = None, language: str = "",
           wording: Wording | None = None) -> list[Rendered]:
    """``fmt`` is "pdf" or "csv"; ``stem`` the file name without extension; ``language`` the
    family's language for a family copy ("Spanish", "vi"...; "" for English)."""
    if fmt == "pdf":
        from safetydesk.reports.document import render_pdf  # reportlab: only when a PDF is made

        return [Rendered(f"{stem}.pdf", "application/pdf", render_pdf(doc, progress, language=language,
                                                                            wording=wording))]
    if fmt == "csv":
        out = render_csv(doc, stem)
        if not out:
            raise SafetyDeskError(f"The {doc.title.lower()} has no table to export as CSV; write a PDF instead.")
        return out
    raise SafetyDeskError(f"Unknown format {fmt!r}: use pdf or csv.")
