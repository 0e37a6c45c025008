"""What a report says, independent of how it is laid out (P20-P22, record printouts, P24).

The services compute a `ReportDocument` (title, blocks of headings, text, tables
and charts, and what it discloses); `safetydesk.reports` lays it out as PDF or
CSV. Keeping the content here lets both sides share it without depending on
each other (services and reports are separate layers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from safetydesk.domain.vocab import Labelled, vocabulary

HIDDEN = "*"  # how a suppressed cell is shown
HIDDEN_NOTE = ("* Not shown to protect student privacy: the number describes fewer than {t} students, "
               "or it is hidden so that another hidden number cannot be worked out from the totals.")
FERPA_NOTICE = "Confidential — student records (FERPA)"

Cell = str | int | float | None


class Audience(Labelled):
    """Who a printout or export is for; decides what it may show and whether it is a disclosure."""

    STAFF, FAMILY, OUTSIDE, PUBLIC = vocabulary("""
        staff    School staff (internal copy)
        family   The student's family
        outside  Someone outside the school (a disclosure)
        public   The public (aggregate figures only)
    """)


class Block:
    """A piece of a report."""


@dataclass(frozen=True)
class Heading(Block):
    text: str
    level: int = 1  # 1: section (in the table of contents), 2: subsection
    toc: bool = True


@dataclass(frozen=True)
class Para(Block):
    text: str
    style: str = "body"  # body, small, note, warning


@dataclass(frozen=True)
class Facts(Block):
    """Label / value pairs, two columns."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TableBlock(Block):
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    title: str = ""
    widths: tuple[float, ...] = ()  # relative widths; empty: even
    numeric: tuple[int, ...] = ()  # column indexes aligned right
    total_rows: int = 0  # the last N rows are totals (bold)
    notes: tuple[str, ...] = ()
    csv_name: str = ""  # written as this CSV file (empty: not exported as CSV)
    in_pdf: bool = True


@dataclass(frozen=True)
class BarChart(Block):
    title: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]  # None: hidden (suppressed)
    unit: str = ""  # "%" or ""
    note: str = ""


@dataclass(frozen=True)
class PageBreak(Block):
    pass


@dataclass(frozen=True)
class Contents(Block):
    """The table of contents (sections are the level-1 headings)."""


class ReportKind(StrEnum):
    DISAGGREGATED = "disaggregated"
    OSPI = "ospi"
    BOARD = "board"
    COMPLIANCE = "compliance"
    INTERACTION = "interaction"
    INTERVENTION = "intervention"
    COMPLAINT = "complaint"
    DISCLOSURES = "disclosures"
    LISTING = "listing"
    CRDC = "crdc"  # the public copy (small counts hidden)
    CRDC_DISTRICT = "crdc-district"  # the district's own submission, unsuppressed (a permission)


@dataclass
class ReportDocument:
    kind: str
    title: str
    subtitle: str
    blocks: list[Block]
    produced_by: str  # display name of the person who produced it
    produced_at: datetime
    letterhead_name: str
    letterhead_address: tuple[str, ...] = ()
    logo: bytes | None = None
    school_year: str = ""
    audience: str = Audience.STAFF
    # What it is about: (record_type, record_id) for the audit trail, students it names (P24).
    records: tuple[tuple[str, str], ...] = ()
    student_ids: tuple[str, ...] = ()
    reference: str = ""  # short reference shown in the footer, for example "Interaction 01J..."
    # Records the report found incomplete: (record type, record id, what is missing), so a
    # screen can open each one to fix it (P21: never silently left out).
    to_fix: tuple[tuple[str, str, str], ...] = ()

    @property
    def names_students(self) -> bool:
        return bool(self.student_ids)

    def tables(self) -> list[TableBlock]:
        return [b for b in self.blocks if isinstance(b, TableBlock)]


@dataclass(frozen=True)
class Rendered:
    """A report laid out as one file."""

    name: str  # file name suggestion, for example "ospi-2025-26-part-a.csv"
    media_type: str
    data: bytes
