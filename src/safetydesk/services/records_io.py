"""Export records to CSV or JSON Lines, and import a district's existing logs (docs/records.md).

Import checks every row with the same rules as the forms, reports every
problem with its row number, and writes nothing unless every row is valid:
all rows are written in one transaction.
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetydesk.domain.errors import SafetyDeskError, ValidationFailed
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
    UnreadableFile,
    cell,
    columns,
    decode_records_file,
    parse_records_text,
    row_fingerprint_id,
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
        session.store.append(session.author,
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
    # Rows whose record is already in the data file (this file, or these rows, were imported before).
    already_imported: list[int] = field(default_factory=list)
    encoding: str = "utf-8"


class ImportRefused(ValidationFailed):
    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__(problems, f"Nothing was imported: {len(problems)} problem(s) were found.")


SHAPE_PROBLEM = ("the row's values are not of the kinds docs/records.md describes (for example a list of "
                 "entries where text belongs, or text where a list belongs)")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
MAX_FILE_BYTES = 2 << 30


def read_rows(path: Path, text: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a records file, whatever its bytes: `UnreadableFile` (one sentence) when it is not one."""
    return _read(path, text)[0]


def _read(path: Path, text: str | None = None) -> tuple[list[tuple[int, dict[str, Any]]], str]:
    encoding = "utf-8"
    if text is None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise UnreadableFile(f"{path.name} is larger than 2 GB; split it into smaller files.")
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableFile(f"{path} cannot be read ({exc.strerror or exc}).") from None
        text, encoding = decode_records_file(path.name, data)
    return parse_records_text(path.name, text, path.suffix.lower() in JSONL_SUFFIXES), encoding


def _check_row(session: Session, record_type: str, draft: Any, existing_ids: set[str],
               row_id: str) -> tuple[list[str], dict[str, Any] | None]:
    """Problems with one row, or the state to save: the same checks as a save through the kernel."""
    kind = KINDS[record_type]
    school = getattr(draft, "school_id", "") or None
    if not session.actor.can(kind.write, kind.place(school)):
        return ["your account may not log this record at that school"], None
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
    rows, encoding = _read(path)
    lk = _lookups(session)
    result = ImportResult(encoding=encoding)
    changes: list[Change] = []
    seen_ids: set[str] = set()
    occurrences: dict[str, int] = {}
    candidates: list[tuple[int, str, Any, str]] = []
    for n, row in rows:
        if "__error__" in row:
            result.problems.append(ImportProblem(n, row["__error__"]))
            continue
        rtype = str(row.pop("record_type", "") or record_type).strip()
        row_id = str(row.pop("id", "") or "").strip()
        exact = "rules_version" in row  # a SafetyDesk export: its text is read back exactly
        for name in (*BOOKKEEPING_FIELDS, "compliance_flags", "duplicate_of"):
            row.pop(name, None)
        if not rtype:
            result.problems.append(ImportProblem(n, "say which kind of record the row is (record_type column or --type)"))
            continue
        try:
            draft, problems = row_to_draft(rtype, row, lk, exact)
        except (TypeError, AttributeError, KeyError, ValueError):
            draft, problems = None, [SHAPE_PROBLEM]
        if draft is None:
            result.problems += [ImportProblem(n, p) for p in problems]
            continue
        if row_id and row_id in seen_ids:
            result.problems.append(ImportProblem(n, f"the id {row_id} appears twice in the file"))
            continue
        if not row_id:  # the same row of the same file gets the same id: a second import finds it
            content = json.dumps([rtype, draft.to_state()], sort_keys=True, default=str)
            occurrences[content] = occurrences.get(content, 0) + 1
            row_id = row_fingerprint_id(rtype, draft.to_state(), occurrences[content])
        seen_ids.add(row_id)
        candidates.append((n, rtype, draft, row_id))
    ids = [c[3] for c in candidates]
    existing = {rid for t in EXPORTABLE for rid in qe.states_of(session.store, t, ids)}
    for n, rtype, draft, record_id in candidates:
        kind = KINDS[rtype]
        if not session.actor.can(kind.write, kind.place(getattr(draft, "school_id", "") or None)):
            result.problems.append(ImportProblem(n, "your account may not log this record at that school"))
            continue
        if record_id in existing:
            result.already_imported.append(n)
            continue
        try:
            errors, state = _check_row(session, rtype, draft, set(), record_id)
        except (TypeError, AttributeError, KeyError, ValueError):
            errors, state = [SHAPE_PROBLEM], None
        if errors or state is None:
            result.problems += [ImportProblem(n, e) for e in errors]
            continue
        full = state | bookkeeping(session.actor.username)
        changes.append(Change(rtype, record_id, Action.CREATE, diff_states(None, full),
                              f"Imported from {path.name}, row {n}"))
        result.created[rtype] = result.created.get(rtype, 0) + 1
    if not rows:
        result.problems.append(ImportProblem(1, "the file has no rows"))
    if result.problems:
        raise ImportRefused(result.problems)
    if not dry_run and changes:
        session.store.append(session.author, changes)  # one transaction: all rows or none
        result.written = True
    return result


def row_ranges(rows: list[int]) -> str:
    """Row numbers as a person reads them: "2–4, 7"."""
    out: list[str] = []
    for n in sorted(rows):
        if out and out[-1].split("–")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('–')[0]}–{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def draft_type(record_type: str) -> type:
    return DRAFTS[record_type]


__all__ = ["ExportResult", "ImportProblem", "ImportRefused", "ImportResult", "InteractionDraft",
           "UnreadableFile", "export_records", "import_records", "row_ranges"]
