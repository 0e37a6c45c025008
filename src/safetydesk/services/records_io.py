"""Export records to CSV or JSON Lines, and import a district's existing logs (docs/records.md).

Import checks every row with the same rules as the forms, reports every
problem with its row number, and writes nothing unless every row is valid:
all rows are written in one transaction.
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetydesk.domain.errors import SafetyDeskError, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.immigration_guard import ImmigrationDataWarning
from safetydesk.domain.interventions import INTERVENTION
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import (
    BOOKKEEPING_FIELDS,
    InteractionDraft,
    RecordType,
    bookkeeping,
    diff_states,
)
from safetydesk.domain.records_io import (
    DRAFTS,
    EXPORTABLE,
    NAMES_STUDENTS,
    Lookups,
    cell,
    columns,
    row_to_draft,
    state_to_row,
)
from safetydesk.domain.vocab import Action
from safetydesk.services import climate, interactions, interventions, kernel, outside_requests
from safetydesk.services.context import Session, service
from safetydesk.store import Change
from safetydesk.store import queries_everyday as qe

FORMATS = ("csv", "jsonl")
# The record kinds an import can create (each row is checked as its kind's save would check it).
KINDS = {
    RecordType.INTERACTION: interactions.KIND,
    INTERVENTION: interventions.KIND,
    "climate_activity": climate.KIND,
    "outside_request": outside_requests.KIND,
}
LOG_PERMISSION = {record_type: kind.write for record_type, kind in KINDS.items()}


def _lookups(session: Session) -> Lookups:
    t = qe.lookup_tables(session.store)
    return Lookups(school=t["school_code"], student=t["student_local"], staff=t["staff_key"])


@dataclass
class ExportResult:
    path: Path
    rows: int
    record_type: str


@service(Permission.VIEW_RECORDS)
def export_records(session: Session, record_type: str, fmt: str, out: Path, *, school_year: str = "",
                   include_retracted: bool = False) -> ExportResult:
    """Write every record of ``record_type`` the account may see to ``out``.

    Records that name students get an audit "export" entry each (P25); the file
    is written to a temporary name and renamed, so it is complete or absent.
    """
    if record_type not in EXPORTABLE:
        raise SafetyDeskError(f"“{record_type}” cannot be exported; choose one of {', '.join(EXPORTABLE)}.")
    if fmt not in FORMATS:
        raise SafetyDeskError("Choose the format csv or jsonl.")
    lk = _lookups(session)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    ids: list[str] = []
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns(record_type)) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for rid, state in qe.export_states(session.store, record_type, session.scope, school_year=school_year,
                                           include_retracted=include_retracted):
            row = state_to_row(record_type, rid, state, lk)
            if writer:
                writer.writerow({k: cell(v) for k, v in row.items()})
            else:
                fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            ids.append(rid)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, out)
    if record_type in NAMES_STUDENTS and ids:
        note = f"Exported to {out.name} ({fmt})"
        session.store.append(session.actor.username,
                             [Change(record_type, rid, Action.EXPORT, {}, note) for rid in ids])
    return ExportResult(out, len(ids), record_type)


# ------------------------------------------------------------------ import
@dataclass(frozen=True)
class ImportProblem:
    row: int  # line in a CSV file (header is 1) or line in a JSON Lines file
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}"


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)
    written: bool = False


class ImportRefused(ValidationFailed):
    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__(problems, f"Nothing was imported: {len(problems)} problem(s) were found.")


def read_rows(path: Path, text: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    text = path.read_text("utf-8-sig") if text is None else text
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        out = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                out.append((n, {"__error__": "the line is not valid JSON"}))
                continue
            out.append((n, value if isinstance(value, dict) else {"__error__": "the line is not a JSON object"}))
        return out
    reader = csv.DictReader(io.StringIO(text))
    return [(n, dict(row)) for n, row in enumerate(reader, 2) if any((v or "").strip() for v in row.values())]


def _check_row(session: Session, record_type: str, draft: Any, existing_ids: set[str],
               row_id: str) -> tuple[list[str], dict[str, Any] | None]:
    """Problems with one row, or the state to save: the same checks as a save through the kernel."""
    kind = KINDS[record_type]
    school = getattr(draft, "school_id", "") or None
    if not session.actor.can(kind.write, kind.place(school)):
        return ["your account may not log this record at that school"], None
    if row_id and row_id in existing_ids:
        return [f"a record with id {row_id} already exists (was this file imported before?)"], None
    try:
        return [], kernel.checked_state(session, kind, draft)
    except ImmigrationDataWarning as exc:
        return [f"{name}: “{f.sentence}” appears to record immigration or citizenship status or place "
                "of birth; remove it (P14)" for name, fs in exc.findings.items() for f in fs], None
    except ValidationFailed as exc:
        return [getattr(e, "message", str(e)) for e in exc.errors], None


@service(Permission.VIEW_RECORDS)
def import_records(session: Session, path: Path, record_type: str = "", *, dry_run: bool = False) -> ImportResult:
    """Import rows from a CSV or JSON Lines file written in the vocabulary of docs/records.md.

    Every row is checked; if any row has a problem, `ImportRefused` lists them
    all (with row numbers) and nothing is written. ``record_type`` applies to
    rows without a ``record_type`` column.
    """
    path = Path(path)
    rows = read_rows(path)
    lk = _lookups(session)
    result = ImportResult()
    changes: list[Change] = []
    seen_ids: set[str] = set()
    all_ids = {rid for t in EXPORTABLE for rid in qe.states_of(
        session.store, t, [str(r.get("id") or "") for _, r in rows if r.get("id")])}
    for n, row in rows:
        if "__error__" in row:
            result.problems.append(ImportProblem(n, row["__error__"]))
            continue
        rtype = str(row.pop("record_type", "") or record_type).strip()
        row_id = str(row.pop("id", "") or "").strip()
        for name in (*BOOKKEEPING_FIELDS, "compliance_flags", "duplicate_of"):
            row.pop(name, None)
        if not rtype:
            result.problems.append(ImportProblem(n, "say which kind of record the row is (record_type column or --type)"))
            continue
        draft, problems = row_to_draft(rtype, row, lk)
        if draft is None:
            result.problems += [ImportProblem(n, p) for p in problems]
            continue
        if row_id and row_id in seen_ids:
            result.problems.append(ImportProblem(n, f"the id {row_id} appears twice in the file"))
            continue
        errors, state = _check_row(session, rtype, draft, all_ids, row_id)
        if errors or state is None:
            result.problems += [ImportProblem(n, e) for e in errors]
            continue
        record_id = row_id or new_id()
        seen_ids.add(record_id)
        full = state | bookkeeping(session.actor.username)
        changes.append(Change(rtype, record_id, Action.CREATE, diff_states(None, full),
                              f"Imported from {path.name}, row {n}"))
        result.created[rtype] = result.created.get(rtype, 0) + 1
    if not rows:
        result.problems.append(ImportProblem(1, "the file has no rows"))
    if result.problems:
        raise ImportRefused(result.problems)
    if not dry_run:
        session.store.append(session.actor.username, changes)  # one transaction: all rows or none
        result.written = True
    return result


def draft_type(record_type: str) -> type:
    return DRAFTS[record_type]


__all__ = ["ExportResult", "ImportProblem", "ImportRefused", "ImportResult", "InteractionDraft",
           "export_records", "import_records"]
