"""The interaction list as the window shows it (its filters and sort), for "Export CSV…" and
"Print…": the same columns in plain text, every row the filters match.

The list names students, so taking it out of the program is recorded: each listed interaction
gets an export entry in its history (P25), as the records export does. A CSV cell a spreadsheet
would run as a formula is written with an apostrophe first (CSV injection, the same rule as every
other CSV SafetyDesk writes), and the file is complete or absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safetydesk.atomic import write_atomically
from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.filters import InteractionFilter, interaction_sort_key
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RecordType
from safetydesk.domain.report_model import TableBlock
from safetydesk.domain.vocab import Action, InteractionType
from safetydesk.reports.assemble import when_text
from safetydesk.reports.csv_out import table_csv
from safetydesk.services import interactions
from safetydesk.services.context import Session, service
from safetydesk.store import Change

HEADERS = ("When", "School", "Type", "Students", "Staff", "Location", "Discipline", "Outcomes",
           "Status")
MOST_ROWS = 20_000  # a list longer than this is narrowed first (a printout of 400 pages helps no one)
CHUNK = 1_000


@dataclass(frozen=True)
class ListTable:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    ids: tuple[str, ...]


@dataclass(frozen=True)
class ListExport:
    path: Path
    rows: int


def _cells(row: dict[str, Any]) -> tuple[str, ...]:
    outcomes = [word for word, key in (("Discipline", "resulted_in_discipline"),
                                       ("Use of force", "use_of_force"), ("Arrest", "arrest"))
                if row.get(key)]
    status = "Retracted" if row.get("retracted") else ("Amended" if (row.get("version") or 1) > 1 else "")
    return (when_text(row.get("occurred_at") or ""), row.get("school_name") or "",
            InteractionType.label_of(row.get("type") or ""), row.get("students_label") or "",
            row.get("staff_label") or "", row.get("location") or "",
            "Yes" if row.get("discipline_related") else "No", ", ".join(outcomes), status)


def _table(session: Session, f: InteractionFilter, sort: str, descending: bool) -> ListTable:
    total = interactions.count_interactions(session, f)
    if total > MOST_ROWS:
        raise SafetyDeskError(
            f"The list has {total:,} interactions, more than the {MOST_ROWS:,} a list can be "
            "exported or printed with. Narrow it first (a school, a school year or dates).")
    rows: list[tuple[str, ...]] = []
    ids: list[str] = []
    key: tuple[Any, str] | None = None
    while len(ids) < total:  # by key, so every chunk is a seek
        chunk = interactions.list_interactions(session, f, 0, min(CHUNK, total - len(ids)), after=key,
                                               sort=sort, descending=descending)
        if not chunk:
            break
        for row in chunk:
            rows.append(_cells(row))
            ids.append(str(row["id"]))
        key = interaction_sort_key(chunk[-1], sort)
    return ListTable(HEADERS, tuple(rows), tuple(ids))


def _record_taken(session: Session, ids: tuple[str, ...], note: str) -> None:
    if ids:
        session.store.append(session.actor.username, [
            Change(RecordType.INTERACTION, rid, Action.EXPORT, {}, note) for rid in ids])


@service(Permission.VIEW_RECORDS)
def interaction_list_for_print(session: Session, f: InteractionFilter, sort: str = "when",
                               descending: bool = True) -> ListTable:
    """The rows of the list as shown, to print; each listed interaction's history records it."""
    table = _table(session, f, sort, descending)
    _record_taken(session, table.ids, "Printed in a list of interactions")
    return table


@service(Permission.VIEW_RECORDS)
def export_interaction_list(session: Session, f: InteractionFilter, out: Path, sort: str = "when",
                            descending: bool = True) -> ListExport:
    """Write the list as shown to ``out`` as CSV (UTF-8 with a byte-order mark, formulas
    neutralised); each listed interaction's history records the export."""
    table = _table(session, f, sort, descending)
    out = Path(out)
    data = table_csv(TableBlock(columns=table.headers, rows=table.rows, csv_name="interactions"))
    write_atomically(data, out)
    _record_taken(session, table.ids, f"Exported in a list of interactions to {out.name} (csv)")
    return ListExport(out, len(table.rows))
