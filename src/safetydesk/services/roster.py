"""Student roster import from the district's student information system.

`preview_roster` reads a OneRoster 1.0/1.1/1.2 CSV set (a folder or a zip) or a
plain CSV with a saved column mapping, plus an optional program-flags CSV, and
returns what would change, in numbers per school (`RosterPlan`); `apply_roster`
writes it. Re-importing updates students in place by their SIS id (an amendment
only for fields that changed), never duplicates them; a new student's id is
derived from the district and the SIS id, so the same roster imported on two
workstations gives one student. With ``full=True`` students missing from a
bulk file are marked inactive, never deleted; a delta never deactivates anyone
who is simply absent.

Never destroy by accident: an import that would make more than the district's
share (default 20 %) of a school's active students inactive, or a full import
that reads no students, stops with the numbers (`RosterGuardError`) unless
``force=True``.

P14: place-of-birth, citizenship, immigration and visa columns are dropped
while each row is read (domain.roster.read_rows); their values are never
stored, logged or kept in the preview.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from pathlib import Path
from typing import Any

from safetydesk.domain.errors import SafetyDeskError, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RecordType, StudentDraft, diff_states
from safetydesk.domain.records_io import neutralise
from safetydesk.domain.roster import (
    IMPORTED_FIELDS,
    ROSTER_MAPPING,
    RosterMappingDraft,
    RosterPreview,
    RowProblem,
    SkippedColumn,
    apply_flags,
    parse_mapped_csv,
    parse_program_flags,
    student_id_for,
    validate_mapping,
)
from safetydesk.domain.roster_headers import HeaderAlias
from safetydesk.domain.roster_oneroster import parse as parse_oneroster
from safetydesk.domain.roster_text import RosterFileError, decode
from safetydesk.domain.validation import Known, validate_student
from safetydesk.domain.vocab import Action, Race
from safetydesk.services.context import Session, service
from safetydesk.services.settings import current as current_settings
from safetydesk.store import Change, queries
from safetydesk.store import queries_everyday as qe

log = logging.getLogger(__name__)
STUDENT = RecordType.STUDENT
ONEROSTER_MARKERS = ("users.csv", "orgs.csv", "manifest.csv", "demographics.csv", "roles.csv")
# How many rows of each kind of problem a preview or summary lists.
FIRST_ROWS = 5


class RosterGuardError(SafetyDeskError):
    """An import that would make too many students inactive (or read none, with --full): stopped."""

    def __init__(self, message: str, plan: RosterPlan) -> None:
        super().__init__(message)
        self.plan = plan


@dataclass
class SchoolPlan:
    school_id: str
    name: str
    active_before: int = 0  # the school's active students in SafetyDesk before the import
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    inactive: int = 0  # made inactive (status in the file, or absent from a full import)
    reactivated: int = 0
    skipped: int = 0  # rows left out over a problem

    @property
    def inactive_percent(self) -> float:
        return 100.0 * self.inactive / self.active_before if self.active_before else 0.0


@dataclass
class RosterPlan:
    """What an import would do, per school, worked out against the data file."""

    schools: dict[str, SchoolPlan] = field(default_factory=dict)
    full: bool = False
    read: int = 0  # students read from the file
    not_found: int = 0  # inactive rows for students SafetyDesk does not have: nothing to do
    limit_percent: int = 20

    def school(self, school_id: str, name: str) -> SchoolPlan:
        if school_id not in self.schools:
            self.schools[school_id] = SchoolPlan(school_id, name)
        return self.schools[school_id]

    def total(self, what: str) -> int:
        return sum(getattr(s, what) for s in self.schools.values())

    def over_limit(self) -> list[SchoolPlan]:
        return [s for s in self.schools.values() if s.inactive and s.inactive_percent > self.limit_percent]

    def lines(self) -> list[str]:
        out = [f"{self.total('new')} new, {self.total('updated')} updated, {self.total('unchanged')} unchanged, "
               f"{self.total('inactive')} made inactive, {self.total('skipped')} skipped."]
        for s in sorted(self.schools.values(), key=lambda s: s.name):
            out.append(f"  {s.name}: {s.new} new, {s.updated} updated, {s.unchanged} unchanged, "
                       f"{s.inactive} made inactive (of {s.active_before} active), {s.skipped} skipped.")
        if self.not_found:
            out.append(f"{self.not_found} inactive or to-be-deleted student(s) in the file are not in "
                       "SafetyDesk: nothing to do for them.")
        return out


@dataclass
class RosterSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    reactivated: int = 0
    skipped_columns: list[SkippedColumn] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    unmatched_schools: list[str] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    aliases: list[HeaderAlias] = field(default_factory=list)
    encodings: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    plan: RosterPlan | None = None
    source: str = ""

    def lines(self) -> list[str]:
        out = [f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged, "
               f"{self.deactivated} marked inactive, {self.reactivated} active again."]
        if self.plan:
            out += self.plan.lines()[1:]
        out += _context_lines(self.source, self.encodings, self.aliases, self.skipped_columns, self.notes,
                              self.missing)
        out += _grouped("Warning", self.warnings)
        out += _grouped("Problem", self.problems)
        out += [f"Org not matched to a school: {name}" for name in self.unmatched_schools]
        return out


def _context_lines(source: str, encodings: dict[str, str], aliases: list[HeaderAlias],
                   skipped: list[SkippedColumn], notes: list[str], missing: list[str]) -> list[str]:
    out = [f"Read {source}." ] if source else []
    out += [f"Read {name} as {enc}." for name, enc in sorted(encodings.items()) if enc != "UTF-8"]
    out += [f"Read {a.column} as {a.read_as} ({a.file})." for a in aliases]
    out += [f"Skipped column {s.column} ({s.file}): {s.reason}." for s in skipped]
    out += notes
    out += missing
    return out


def _grouped(label: str, problems: list[RowProblem]) -> list[str]:
    """Each kind of problem once with how many rows, then its first rows."""
    groups: dict[tuple[str, str], list[RowProblem]] = {}
    for p in problems:
        groups.setdefault((p.file, p.kind or p.message), []).append(p)
    out = []
    for (_file, _kind), rows in groups.items():
        if len(rows) > 1:
            out.append(f"{label}: {len(rows)} rows like this; the first {min(len(rows), FIRST_ROWS)}:")
            out += [f"  - {p}" for p in rows[:FIRST_ROWS]]
        else:
            out.append(f"{label}: {rows[0]}")
    return out


def describe_preview(preview: RosterPreview) -> list[str]:
    """The preview in words: what would happen per school, then what was read and what is missing."""
    out = preview.plan.lines() if preview.plan is not None else [
        f"{len(preview.students)} student(s) read."]
    out += _context_lines(_source_label(preview), preview.encodings, preview.aliases, preview.skipped_columns,
                          preview.notes, preview.missing_lines())
    out += _grouped("Warning", preview.warnings)
    out += _grouped("Problem", preview.problems)
    out += [f"Org not matched to a school: {name}" for name in preview.unmatched_schools]
    return out


def _source_label(preview: RosterPreview) -> str:
    if preview.source != "oneroster":
        return "a CSV file through a saved column mapping"
    version = f"OneRoster {preview.version}" if preview.version else "OneRoster"
    if preview.version == "1.0":
        version += " (no manifest.csv)"
    modes = sorted({m for f, m in preview.modes.items() if m != "absent"})
    return f"{version}, {' and '.join(modes) or 'bulk'} files"


def _read_bytes(path: Path) -> dict[str, bytes]:
    """File name -> bytes for a folder, a zip or a single CSV file."""
    try:
        if path.is_dir():
            return {p.name: p.read_bytes() for p in sorted(path.iterdir())
                    if p.is_file() and p.suffix.lower() == ".csv"}
        if path.is_file():
            with path.open("rb") as fh:
                magic = fh.read(4)
            if magic == b"PK\x03\x04" or path.suffix.lower() == ".zip":
                try:
                    with zipfile.ZipFile(path) as z:
                        out: dict[str, bytes] = {}
                        for info in z.infolist():
                            n = info.filename
                            if info.is_dir() or not n.lower().endswith(".csv") or "__MACOSX" in n:
                                continue
                            out[Path(n).name] = z.read(info)
                        return out
                except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
                        ValueError, RuntimeError, OSError) as exc:
                    raise RosterFileError(f"{path.name} is not a zip file that can be opened ({exc}). "
                                          "Export the roster again.") from None
            return {path.name: path.read_bytes()}
    except RosterFileError:
        raise
    except OSError as exc:
        raise RosterFileError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    raise RosterFileError(f"There is no roster file or folder at {path}.")


def _read_source(path: Path, encodings: dict[str, str] | None = None) -> dict[str, str]:
    """File name -> text; each file's encoding is detected and noted in ``encodings``."""
    out = {}
    for name, data in _read_bytes(path).items():
        text, encoding = decode(name, data)
        out[name] = text
        if encodings is not None:
            encodings[name] = encoding
    return out


def _schools(session: Session) -> dict[str, list[str]]:
    return qe.schools_by_name_or_code(session.store)


@service(Permission.IMPORT_ROSTER)
def save_mapping(session: Session, draft: RosterMappingDraft) -> str:
    """Save (or replace) a named column mapping for plain CSV rosters. Birth-place and
    citizenship columns can never be mapped (P14)."""
    errors = validate_mapping(draft)
    if errors:
        raise ValidationFailed(errors, "The mapping was not saved.")
    record_id = draft.name.strip().lower()
    before = session.store.state(ROSTER_MAPPING, record_id)
    changes = diff_states(before, draft.to_state())
    if changes:
        action = Action.CREATE if before is None else Action.AMEND
        session.store.append(session.author, [Change(ROSTER_MAPPING, record_id, action, changes,
                                                             "" if before is None else "Mapping changed")])
    return record_id


@service(Permission.IMPORT_ROSTER)
def mappings(session: Session) -> list[RosterMappingDraft]:
    return [RosterMappingDraft.from_state(st) for _, st in session.store.states(ROSTER_MAPPING)]


@service(Permission.IMPORT_ROSTER)
def preview_roster(session: Session, path: Path, *, mapping: str = "", flags: Path | None = None,
                   full: bool = False, today: date | None = None) -> RosterPreview:
    """What an import would write, in numbers per school; nothing is written.

    Row problems, warnings, skipped columns, vendor spellings and encodings are
    included; ``preview.plan`` is the `RosterPlan` for an import with ``full``.
    """
    encodings: dict[str, str] = {}
    files = _read_source(Path(path), encodings)
    schools = _schools(session)
    lowered = {n.lower() for n in files}
    if any(f in lowered for f in ONEROSTER_MARKERS):
        preview = parse_oneroster(files, schools, today=today)
    else:
        if not mapping:
            if not files:
                raise RosterFileError(f"There is no CSV file in {Path(path).name}.")
            raise SafetyDeskError("A plain CSV roster needs a saved column mapping (--mapping NAME); "
                                  "a OneRoster folder or zip needs none.")
        state = session.store.state(ROSTER_MAPPING, mapping.strip().lower())
        if state is None:
            raise SafetyDeskError(f"There is no saved column mapping called “{mapping}”.")
        if len(files) != 1:
            raise SafetyDeskError("Give one CSV file for a mapped import.")
        (name, text), = files.items()
        preview = parse_mapped_csv(name, text, RosterMappingDraft.from_state(state), schools, today=today)
    preview.encodings = encodings
    if flags is not None:
        flag_encodings: dict[str, str] = {}
        for name, text in _read_source(Path(flags), flag_encodings).items():
            values, problems = parse_program_flags(name, text, preview.skipped_columns)
            preview.problems += problems
            apply_flags(preview, values, name)
        preview.encodings |= flag_encodings
    known = Known(schools={sid: names[0] for sid, names in schools.items()})
    for student in preview.students:
        if not student.active:
            continue
        fields = preview.fields_of(student.local_id)
        file, line = preview.origin.get(student.local_id, ("roster", 0))
        for e in validate_student(student, known):
            if e.field in fields or (e.field == "last_name" and "first_name" in fields):
                preview.problems.append(RowProblem(file, line, f"Student {student.local_id}: {e.message}",
                                                   student.local_id, f"invalid_{e.field}"))
    scope = session.scope
    if scope is not None:
        for s in preview.students:
            if "school_id" in preview.fields_of(s.local_id) and s.school_id not in scope:
                file, line = preview.origin.get(s.local_id, ("roster", 0))
                preview.problems.append(RowProblem(file, line, f"Student {s.local_id} is at a school outside "
                                                   "your account's schools.", s.local_id, "scope"))
    preview.plan = _work_out(session, preview, full=full, skip_problem_rows=True)[0]
    return preview


def _work_out(session: Session, preview: RosterPreview, *, full: bool, skip_problem_rows: bool,
              progress: Callable[[int, int], None] | None = None
              ) -> tuple[RosterPlan, list[tuple[str, Change]], list[Change], RosterSummary]:
    """The plan and the history entries of an import, against the data file as it is now."""
    store = session.store
    user = session.author
    names = {sid: known[0] for sid, known in _schools(session).items()}
    plan = RosterPlan(full=full, limit_percent=current_settings(store).roster_max_inactive_percent)
    summary = RosterSummary(skipped_columns=list(preview.skipped_columns), problems=list(preview.problems),
                            unmatched_schools=list(preview.unmatched_schools),
                            warnings=list(preview.warnings), aliases=list(preview.aliases),
                            encodings=dict(preview.encodings), notes=list(preview.notes),
                            missing=preview.missing_lines(), source=_source_label(preview), plan=plan)
    active = qe.active_students_with_local_id(store, session.scope)
    active_states = qe.states_of(store, STUDENT, list(active.values()))
    for st in active_states.values():
        plan.school(st.get("school_id", ""), names.get(st.get("school_id", ""), "(no school)")).active_before += 1

    def school_of(s: StudentDraft, before: dict[str, Any] | None = None) -> SchoolPlan:
        sid = (before or {}).get("school_id") if not s.school_id else s.school_id
        return plan.school(sid or "", names.get(sid or "", "(school not known)"))

    bad_ids = {p.local_id for p in preview.problems if p.local_id}
    unattached = [p for p in preview.problems if not p.local_id and p.row > 0]
    if unattached:  # rows left out before they became a student (no id, no school, a mapped row)
        plan.school("", "(school not known)").skipped += len(unattached)
    students = []
    in_preview = {s.local_id for s in preview.students}
    for s in preview.students:
        if s.local_id in bad_ids:
            school_of(s).skipped += 1
        else:
            students.append(s)
    gone = bad_ids - in_preview
    if gone:
        plan.school("", "(school not known)").skipped += len(gone)
    plan.read = len(students)
    existing = qe.students_by_local_id(store, [s.local_id for s in students])
    states = qe.states_of(store, STUDENT, list(existing.values()))
    district = queries.district(store)
    district_id = district["id"] if district else ""
    amendments: list[Change] = []
    new: list[tuple[str, Change]] = []
    new_ids: dict[str, str] = {}
    total = len(students) + 1
    for n, s in enumerate(students):
        if progress and n % 250 == 0:
            progress(n, total)
        fields = preview.fields_of(s.local_id) | {"active"}
        sid = existing.get(s.local_id)
        if sid is None:
            if not s.active:
                plan.not_found += 1
                continue
            if s.local_id in preview.update_only:
                file, line = preview.origin.get(s.local_id, ("users.csv", 0))
                problem = RowProblem(file, line, f"Student {s.local_id} is not in SafetyDesk yet and this "
                                     "delta does not say their school; import a bulk roster first.",
                                     s.local_id, "delta_new")
                summary.problems.append(problem)
                if preview.plan is None:
                    preview.problems.append(problem)
                plan.school("", "(school not known)").skipped += 1
                continue
            new_ids[s.local_id] = student_id_for(district_id, s.local_id)
            school_of(s).new += 1
            summary.created += 1
            continue
        before = states.get(sid, {})
        target = _state(s)
        after = before | {k: target[k] for k in IMPORTED_FIELDS if k in fields}
        changes = diff_states(before, after)
        school = school_of(s, before)
        if not changes:
            school.unchanged += 1
            summary.unchanged += 1
            continue
        if "active" in changes:
            if after.get("active"):
                school.reactivated += 1
                summary.reactivated += 1
            else:
                plan.school(before.get("school_id", ""),
                            names.get(before.get("school_id", ""), "(no school)")).inactive += 1
                summary.deactivated += 1
        if set(changes) - {"active"} or after.get("active"):
            school.updated += 1
            summary.updated += 1
        reason = ("Roster import: inactive in the student information system" if not after.get("active")
                  else "Roster import: updated from the SIS")
        amendments.append(Change(STUDENT, sid, Action.AMEND, changes, reason))
    if new_ids:  # a derived id already taken (a student whose SIS id changed) gets a random one
        taken = set(qe.states_of(store, STUDENT, list(new_ids.values())))
        for s in students:
            rid = new_ids.get(s.local_id)
            if rid is not None:
                new.append((user, Change(STUDENT, new_id() if rid in taken else rid, Action.CREATE,
                                         diff_states(None, _state(s)), "Roster import")))
    if full and not preview.delta:
        in_file = {s.local_id for s in preview.students}
        for local, sid in active.items():
            if local not in in_file:
                st = active_states.get(sid, {})
                plan.school(st.get("school_id", ""), names.get(st.get("school_id", ""), "(no school)")).inactive += 1
                amendments.append(Change(STUDENT, sid, Action.AMEND, {"active": [True, False]},
                                         "Roster import: not in the student information system's roster"))
                summary.deactivated += 1
    return plan, new, amendments, summary


_STUDENT_FIELDS = tuple(f.name for f in dataclass_fields(StudentDraft))


def _state(s: StudentDraft) -> dict[str, Any]:
    """``s.to_state()`` without dataclasses.asdict's deep copy (a third of a 10,000-student import)."""
    out = {name: getattr(s, name) for name in _STUDENT_FIELDS}
    out["races"] = list(s.races)
    return out


def _guard(plan: RosterPlan, preview: RosterPreview) -> None:
    """Stop an import that would destroy by accident; the message carries the numbers."""
    if plan.full and not preview.delta and plan.read == 0:
        active = sum(s.active_before for s in plan.schools.values())
        raise RosterGuardError(
            f"This full import read no students, so it would make all {active} active students inactive. "
            "Nothing was imported. Check the files (a OneRoster 1.2 set needs roles.csv), or use --force "
            "if this is really meant.", plan)
    over = plan.over_limit()
    if over:
        parts = "; ".join(f"{s.name}: {s.inactive} of {s.active_before} active students "
                          f"({s.inactive_percent:.0f}%)" for s in sorted(over, key=lambda s: s.name))
        raise RosterGuardError(
            f"This import would make more than {plan.limit_percent}% of a school's active students "
            f"inactive ({parts}). Nothing was imported. If that is right (the end of a school year, a "
            "school closing), import again with --force; the share is a district setting.", plan)


@service(Permission.IMPORT_ROSTER)
def apply_roster(session: Session, preview: RosterPreview, *, full: bool = False,
                 skip_problem_rows: bool = False,
                 progress: Callable[[int, int], None] | None = None,
                 force: bool = False) -> RosterSummary:
    """Write a preview: new students created, changed ones amended, inactive ones made inactive.

    With ``full`` (a bulk roster only) the students missing from the file are made
    inactive too. ``progress(done, total)`` is called while the changes are worked
    out; a progress callback that raises (Cancel) stops the import before anything
    is written.

    Refuses, writing nothing, while the preview has problems, unless
    ``skip_problem_rows`` (the rows with problems are then left out). A full
    import with row problems is refused: it would wrongly mark students inactive.
    Unless ``force``, refuses (`RosterGuardError`, with the numbers) an import that
    would make more than the district's share of a school's active students
    inactive, or a full import that reads no students.
    """
    if preview.problems and not skip_problem_rows:
        raise ValidationFailed([line.removeprefix("Problem: ") for line in _grouped("Problem", preview.problems)],
                               f"Nothing was imported: {len(preview.problems)} row problem(s). Fix them, or "
                               "leave those rows out (--skip-problem-rows).")
    if preview.problems and full:
        raise SafetyDeskError("A full import (which marks missing students inactive) needs a roster "
                              "without problems. Fix the rows listed in the preview, or import without --full.")
    plan, new, amendments, summary = _work_out(session, preview, full=full, skip_problem_rows=skip_problem_rows,
                                               progress=progress)
    if not force:
        _guard(plan, preview)
    total = plan.read + 1
    if progress:
        progress(total - 1, total)  # the last chance to cancel: writing is all or nothing
    store = session.store
    user = session.author
    with store.write():  # one transaction: the whole import or nothing
        if new:
            store.append_new(new)
        if amendments:
            store.append(user, amendments)
    if progress:
        progress(total, total)
    log.info("roster import by %s: %d new, %d updated, %d inactive", user, summary.created,
             summary.updated, summary.deactivated)
    return summary


@service(Permission.IMPORT_ROSTER)
def import_roster(session: Session, path: Path, *, mapping: str = "", flags: Path | None = None,
                  full: bool = False, skip_problem_rows: bool = False, force: bool = False,
                  today: date | None = None) -> RosterSummary:
    """Preview and apply in one step (the command line)."""
    preview = preview_roster(session, path, mapping=mapping, flags=flags, full=full, today=today)
    return apply_roster(session, preview, full=full, skip_problem_rows=skip_problem_rows, force=force)


def describe(summary: RosterSummary) -> list[str]:
    return summary.lines()


# ------------------------------------------------------------------ export
STUDENT_EXPORT_COLUMNS = ("sis_id", "first_name", "last_name", "school", "school_code", "grade", "birth_date",
                          "active", *[f"race_{r.value}" for r in Race], "hispanic_latino", "gender_identity",
                          "multilingual", "homeless", "low_income", "iep", "section_504")


@service(Permission.IMPORT_ROSTER)
def export_students(session: Session, out: Path, fmt: str = "csv") -> int:
    """The roster as SafetyDesk holds it, one row per student the account may see, so IT can check
    an import against the SIS. There is nothing of P14 to export. Returns the number of students.

    Each exported student gets an audit "export" entry (P25); the file is written
    to a temporary name and renamed, so it is complete or absent.
    """
    if fmt not in ("csv", "jsonl"):
        raise SafetyDeskError("Choose the format csv or jsonl.")
    store = session.store
    schools = {s["id"]: s for s in queries.schools(store, include_inactive=True)}
    scope = session.scope
    rows: list[tuple[str, dict[str, Any]]] = []
    for rid, st in store.states(STUDENT):
        if scope is not None and st.get("school_id") not in scope:
            continue
        school = schools.get(st.get("school_id", ""), {})
        races = set(st.get("races") or [])
        row: dict[str, Any] = {
            "sis_id": st.get("local_id", ""), "first_name": st.get("first_name", ""),
            "last_name": st.get("last_name", ""), "school": school.get("name", ""),
            "school_code": school.get("code", ""), "grade": st.get("grade", ""),
            "birth_date": st.get("birth_date", ""), "active": bool(st.get("active", True)),
            **{f"race_{r.value}": r.value in races for r in Race},
            "hispanic_latino": bool(st.get("hispanic_latino")),
            "gender_identity": st.get("gender_identity", "not_provided"),
            **{f: bool(st.get(f)) for f in ("multilingual", "homeless", "low_income", "iep", "section_504")},
        }
        rows.append((rid, row))
    rows.sort(key=lambda r: (r[1]["school"], r[1]["sis_id"]))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=STUDENT_EXPORT_COLUMNS) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for _rid, row in rows:
            if writer:
                writer.writerow({k: ("true" if v is True else "false" if v is False
                                     else neutralise(v) if isinstance(v, str) else v)  # no formula cells
                                 for k, v in row.items()})
            else:
                fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, out)
    if rows:
        note = f"Exported to {out.name} ({fmt})"
        store.append(session.author, [Change(STUDENT, rid, Action.EXPORT, {}, note) for rid, _ in rows])
    return len(rows)


__all__: list[Any] = ["RosterGuardError", "RosterPlan", "RosterSummary", "apply_roster", "describe_preview",
                      "export_students", "import_roster", "mappings", "preview_roster", "save_mapping"]
