"""Student roster import from the district's student information system.

`preview_roster` reads a OneRoster 1.1 CSV set (a folder or a zip) or a plain
CSV with a saved column mapping, plus an optional program-flags CSV, and
returns what would change; `apply_roster` writes it. Re-importing updates
students in place by their SIS id (an amendment only for fields that changed),
never duplicates them; with ``full=True`` students missing from the file are
marked inactive, never deleted.

P14: place-of-birth, citizenship, immigration and visa columns are dropped
while each row is read (domain.roster.read_rows); their values are never
stored, logged or kept in the preview.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safetydesk.domain.errors import SafetyDeskError, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RecordType, diff_states
from safetydesk.domain.roster import (
    IMPORTED_FIELDS,
    ONEROSTER_FILES,
    ROSTER_MAPPING,
    RosterMappingDraft,
    RosterPreview,
    RowProblem,
    SkippedColumn,
    apply_flags,
    parse_mapped_csv,
    parse_oneroster,
    parse_program_flags,
    validate_mapping,
)
from safetydesk.domain.validation import FieldError, Known, validate_student
from safetydesk.domain.vocab import Action
from safetydesk.services.context import Session, service
from safetydesk.store import Change
from safetydesk.store import queries_everyday as qe

log = logging.getLogger(__name__)
STUDENT = RecordType.STUDENT


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

    def lines(self) -> list[str]:
        out = [f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged, "
               f"{self.deactivated} marked inactive, {self.reactivated} active again."]
        out += [f"Skipped column {s.column} ({s.file}): {s.reason}." for s in self.skipped_columns]
        out += [f"Problem: {p}" for p in self.problems]
        out += [f"Org not matched to a school: {name}" for name in self.unmatched_schools]
        return out


def _read_source(path: Path) -> dict[str, str]:
    """File name -> text for a folder, a zip or a single CSV file."""
    if path.is_dir():
        return {p.name: p.read_text("utf-8-sig") for p in path.iterdir() if p.suffix.lower() == ".csv"}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return {Path(n).name: z.read(n).decode("utf-8-sig") for n in z.namelist()
                    if n.lower().endswith(".csv") and not n.startswith("__MACOSX")}
    if path.is_file():
        return {path.name: path.read_text("utf-8-sig")}
    raise SafetyDeskError(f"There is no roster file or folder at {path}.")


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
        session.store.append(session.actor.username, [Change(ROSTER_MAPPING, record_id, action, changes,
                                                             "" if before is None else "Mapping changed")])
    return record_id


@service(Permission.IMPORT_ROSTER)
def mappings(session: Session) -> list[RosterMappingDraft]:
    return [RosterMappingDraft.from_state(st) for _, st in session.store.states(ROSTER_MAPPING)]


@service(Permission.IMPORT_ROSTER)
def preview_roster(session: Session, path: Path, *, mapping: str = "", flags: Path | None = None) -> RosterPreview:
    """What an import would write; nothing is written. Row problems and skipped columns included."""
    files = _read_source(Path(path))
    schools = _schools(session)
    lowered = {n.lower() for n in files}
    if "users.csv" in lowered or any(f in lowered for f in ONEROSTER_FILES[:2]):
        preview = parse_oneroster(files, schools)
    else:
        if not mapping:
            raise SafetyDeskError("A plain CSV roster needs a saved column mapping (--mapping NAME); "
                                  "a OneRoster folder or zip needs none.")
        state = session.store.state(ROSTER_MAPPING, mapping.strip().lower())
        if state is None:
            raise SafetyDeskError(f"There is no saved column mapping called “{mapping}”.")
        if len(files) != 1:
            raise SafetyDeskError("Give one CSV file for a mapped import.")
        (name, text), = files.items()
        preview = parse_mapped_csv(name, text, RosterMappingDraft.from_state(state), schools)
    if flags is not None:
        for name, text in _read_source(Path(flags)).items():
            values, problems = parse_program_flags(name, text, preview.skipped_columns)
            preview.problems += problems
            apply_flags(preview, values, name)
    known = Known(schools={sid: names[0] for sid, names in schools.items()})
    for n, student in enumerate(preview.students):
        for e in validate_student(student, known):
            preview.problems.append(RowProblem("roster", n + 2, f"Student {student.local_id}: {e.message}",
                                               student.local_id))
    scope = session.scope
    if scope is not None:
        outside = [s for s in preview.students if s.school_id not in scope]
        for s in outside:
            preview.problems.append(RowProblem("roster", 0, f"Student {s.local_id} is at a school outside "
                                               "your account's schools.", s.local_id))
    return preview


@service(Permission.IMPORT_ROSTER)
def apply_roster(session: Session, preview: RosterPreview, *, full: bool = False,
                 skip_problem_rows: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> RosterSummary:
    """Write a preview: new students created, changed ones amended, with ``full`` the missing ones inactive.

    ``progress(done, total)`` is called while the changes are worked out; a progress
    callback that raises (Cancel) stops the import before anything is written.

    Refuses, writing nothing, while the preview has problems, unless
    ``skip_problem_rows`` (the rows with problems are then left out).
    A full import with row problems is refused: it would wrongly mark students inactive.
    """
    if preview.problems and not skip_problem_rows:
        raise ValidationFailed([FieldError("roster", str(p)) for p in preview.problems[:200]],
                               "Nothing was imported.")
    if preview.problems and full:
        raise SafetyDeskError("A full import (which marks missing students inactive) needs a roster "
                              "without problems. Fix the rows listed in the preview, or import without --full.")
    summary = RosterSummary(skipped_columns=list(preview.skipped_columns), problems=list(preview.problems),
                            unmatched_schools=list(preview.unmatched_schools))
    store = session.store
    user = session.actor.username
    bad_ids = {p.local_id for p in preview.problems if p.local_id}
    students = [s for s in preview.students if s.local_id not in bad_ids]
    existing = qe.students_by_local_id(store, [s.local_id for s in students])
    states = qe.states_of(store, STUDENT, list(existing.values()))
    provided = set(preview.provided) | {"active"}
    amendments: list[Change] = []
    new: list[tuple[str, Change]] = []
    total = len(students) + 1
    for n, s in enumerate(students):
        if progress and n % 250 == 0:
            progress(n, total)
        target = s.to_state()
        sid = existing.get(s.local_id)
        if sid is None:
            new.append((user, Change(STUDENT, new_id(), Action.CREATE, diff_states(None, target),
                                     "Roster import")))
            summary.created += 1
            continue
        before = states.get(sid, {})
        after = before | {k: target[k] for k in IMPORTED_FIELDS if k in provided}
        changes = diff_states(before, after)
        if not changes:
            summary.unchanged += 1
            continue
        if "active" in changes and after.get("active"):
            summary.reactivated += 1
        amendments.append(Change(STUDENT, sid, Action.AMEND, changes, "Roster import: updated from the SIS"))
        summary.updated += 1
    if full:
        in_file = {s.local_id for s in students}
        for local, sid in qe.active_students_with_local_id(store, session.scope).items():
            if local not in in_file:
                amendments.append(Change(STUDENT, sid, Action.AMEND, {"active": [True, False]},
                                         "Roster import: not in the student information system's roster"))
                summary.deactivated += 1
    if progress:
        progress(total - 1, total)  # the last chance to cancel: writing is all or nothing
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
                  full: bool = False, skip_problem_rows: bool = False) -> RosterSummary:
    """Preview and apply in one step (the command line)."""
    preview = preview_roster(session, path, mapping=mapping, flags=flags)
    return apply_roster(session, preview, full=full, skip_problem_rows=skip_problem_rows)


def describe(summary: RosterSummary) -> list[str]:
    return summary.lines()


__all__: list[Any] = ["RosterSummary", "apply_roster", "import_roster", "mappings", "preview_roster",
                      "save_mapping"]
