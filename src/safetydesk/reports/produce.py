"""One way to produce a report file, for the window and the command line: compute, render, save.

``produce`` asks the report's service for the document (the permission checks
happen there), renders it as PDF or CSV by the file's suffix, and saves it
through `services.reports.save`, which writes the audit entries (and, for
someone outside the school, the record of disclosure) before any file.

This is the one module of ``reports/`` that calls the services; the others are
pure and the services call them (import-linter keeps it that way).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from safetydesk.domain.disclosures import DisclosureDraft
from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.report_model import Audience, Rendered, ReportDocument, ReportKind
from safetydesk.domain.validation import FieldError
from safetydesk.reports import assemble
from safetydesk.reports.render import render
from safetydesk.services import agreements as agreements_service
from safetydesk.services import reports as reports_service
from safetydesk.services import sync as sync_service
from safetydesk.services import templates as templates_service
from safetydesk.services.context import Session

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# Reports about one record (``record_id`` says which); the others are about a school year.
RECORD_REPORTS = frozenset({ReportKind.INTERACTION, ReportKind.INTERVENTION, ReportKind.COMPLAINT,
                            ReportKind.DISCLOSURES})
FORMATS = ("pdf", "csv", "zip")  # zip: the OSPI collection with the agreements themselves
# Reports of the whole district: they say as of when each workstation's entries are in them.
DISTRICT_VIEW = frozenset({ReportKind.DISAGGREGATED, ReportKind.OSPI, ReportKind.BOARD})


@dataclass(frozen=True)
class Produced:
    document: ReportDocument
    written: list[Path]


def build(session: Session, name: str, year: str = "", progress: Progress | None = None, *,
          school: str = "", record_id: str = "", audience: str = Audience.STAFF, for_student: str = "",
          logo: bytes | None = None, limit: int = 0, cancelled: Cancelled | None = None) -> ReportDocument:
    """The document of report ``name`` (a `ReportKind`), from its permission-checked service."""
    doc = _build(session, name, year, progress, school=school, record_id=record_id, audience=audience,
                 for_student=for_student, logo=logo, limit=limit, cancelled=cancelled)
    if name in DISTRICT_VIEW:  # a report of the district says as of when each workstation is in it
        doc.blocks.extend(assemble.data_as_of_blocks(sync_service.data_as_of(session)))
    return doc


def _build(session: Session, name: str, year: str = "", progress: Progress | None = None, *,
           school: str = "", record_id: str = "", audience: str = Audience.STAFF, for_student: str = "",
           logo: bytes | None = None, limit: int = 0, cancelled: Cancelled | None = None) -> ReportDocument:
    try:
        fn = reports_service.REPORTS[name]
    except KeyError:
        raise ValidationFailed([FieldError("report", f"There is no report called “{name}” (choose one of "
                                                     f"{', '.join(reports_service.REPORTS)}).")],
                               "No report was made.") from None
    if name in (ReportKind.INTERACTION, ReportKind.INTERVENTION, ReportKind.COMPLAINT):
        return fn(session, record_id, audience=audience, for_student=for_student, progress=progress,
                  cancelled=cancelled)
    if name == ReportKind.DISCLOSURES:
        return fn(session, record_id, progress=progress, cancelled=cancelled)
    if name == ReportKind.BOARD:
        return fn(session, year, logo=logo, progress=progress, cancelled=cancelled)
    if name == ReportKind.OSPI:
        return fn(session, year, progress=progress, cancelled=cancelled)
    if name == ReportKind.LISTING:
        return fn(session, year, school=school, limit=limit, progress=progress, cancelled=cancelled)
    return fn(session, year, school=school, progress=progress, cancelled=cancelled)


def produce(session: Session, name: str, year: str, out: Path | str, progress: Progress | None = None, *,
            school: str = "", record_id: str = "", audience: str = Audience.STAFF, for_student: str = "",
            disclosure: DisclosureDraft | None = None, logo: bytes | None = None, limit: int = 0,
            cancelled: Cancelled | None = None, language: str = "") -> Produced:
    """Compute report ``name`` for school year ``year`` (or the record ``record_id``), render it as
    the suffix of ``out`` says (.pdf, or .csv: one file per table, named after ``out``), and save
    it beside ``out``. A copy for someone outside the school needs ``disclosure``; a family copy
    opens in the family's ``language`` when a template exists."""
    target = Path(out)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS or (fmt == "zip" and name != ReportKind.OSPI):
        raise ValidationFailed([FieldError("out", "The file must end in .pdf or .csv (.zip: the OSPI collection "
                                                  "with its agreements).")], "No report was made.")
    if fmt == "zip":
        return _ospi_package(session, year, target, progress, cancelled)
    doc = build(session, name, year, progress, school=school, record_id=record_id, audience=audience,
                for_student=for_student, logo=logo, limit=limit, cancelled=cancelled)
    # a family copy prints the district's edited and approved wording
    wording = templates_service.wording(session) if doc.audience == Audience.FAMILY else None
    files = render(doc, fmt, target.stem, language=language, wording=wording)
    written = reports_service.save(session, doc, [(r, target.parent / r.name) for r in files], disclosure)
    return Produced(doc, written)


def _ospi_package(session: Session, year: str, target: Path, progress: Progress | None,
                  cancelled: Cancelled | None) -> Produced:
    """The OSPI collection as one zip: the PDF to review, one CSV per part, and the agreements
    themselves (RCW 28A.320.1241 (2)) with every document attached to each, under agreements/."""
    doc = build(session, ReportKind.OSPI, year, progress, cancelled=cancelled)
    stem = target.stem
    parts = render(doc, "pdf", stem) + render(doc, "csv", stem)
    buffer = io.BytesIO()
    stamp = (2000, 1, 1, 0, 0, 0)  # the same bytes for the same content
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for r in parts:
            z.writestr(zipfile.ZipInfo(r.name, stamp), r.data)
        listed = []
        for ag in agreements_service.list_agreements(session):
            folder = _safe(f"{ag['agency']} {ag.get('effective_start', '')}".strip())
            for n, attachment in enumerate(agreements_service.get_agreement(session, ag["id"])["state"]
                                           .get("documents") or [], 1):
                name, _media, data = agreements_service.open_document(session, attachment)
                path = f"agreements/{folder}/{n:02d}-{_safe(name)}"
                z.writestr(zipfile.ZipInfo(path, stamp), data)
                listed.append(f"{path}\t{ag['agency']}\t{ag.get('status', '')}")
        z.writestr(zipfile.ZipInfo("agreements/index.txt", stamp),
                   ("\n".join(listed) or "No agreement document is on record.") + "\n")
    package = Rendered(target.name, "application/zip", buffer.getvalue())
    written = reports_service.save(session, doc, [(package, target)])
    return Produced(doc, written)


def _safe(name: str) -> str:
    """A file or folder name that is safe in a zip on any system."""
    cleaned = re.sub(r"[^\w.\- ]+", "_", name).strip(" .") or "document"
    return cleaned[:80]
