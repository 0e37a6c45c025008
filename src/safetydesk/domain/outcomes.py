"""Outcomes per student: who was disciplined, who had force used against them, who was arrested.

An interaction records its outcomes twice: the ticks on the record
(``resulted_in_discipline``, ``use_of_force``, ``arrest``) and, for each ticked
outcome, the students it applies to (``outcome_students``: outcome field ->
student ids). The reports (P20, P21, P22, the CRDC export) count students from
the second. A subject is the default; a victim, witness or reporter is named
only when someone chose them, so nobody silently inherits an arrest.

Records made before outcomes were per student are upgraded once
(`upgraded_outcomes`): an incident with one subject gives each of its outcomes
to that student; any other incident is left for a person to decide and is
listed for review (`needs_outcome_review`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import StudentRole

# The outcome fields, in the order forms and reports show them, and their words.
OUTCOME_FIELDS = ("resulted_in_discipline", "use_of_force", "arrest")
OUTCOME_WORDS = {"resulted_in_discipline": "discipline", "use_of_force": "use of force", "arrest": "arrest"}
# How a person is told which students an outcome applies to (the form's tick list).
OUTCOME_QUESTIONS = {
    "resulted_in_discipline": "Which students were disciplined?",
    "use_of_force": "Against which students was force used?",
    "arrest": "Which students were arrested?",
}

UPGRADE_REASON = ("Outcomes recorded per student (SafetyDesk upgrade): the incident's only subject is the "
                  "student each outcome applies to.")


def ticked(state: Mapping[str, Any]) -> list[str]:
    """The outcome fields ticked on a record."""
    return [f for f in OUTCOME_FIELDS if state.get(f)]


def subjects(state: Mapping[str, Any]) -> list[str]:
    return [s.get("student_id", "") for s in state.get("students") or []
            if s.get("role") == StudentRole.SUBJECT and s.get("student_id")]


def students_with(state: Mapping[str, Any], outcome: str) -> list[str]:
    """The students an outcome of the record applies to ([] when it is not ticked)."""
    if not state.get(outcome):
        return []
    chosen = (state.get("outcome_students") or {}).get(outcome) or []
    on_record = {s.get("student_id") for s in state.get("students") or []}
    return [sid for sid in dict.fromkeys(chosen) if sid in on_record]


def outcomes_of(state: Mapping[str, Any], student_id: str) -> dict[str, bool]:
    """For one student of the record: each outcome, whether it applies to them."""
    return {f: student_id in students_with(state, f) for f in OUTCOME_FIELDS}


def needs_outcome_review(state: Mapping[str, Any]) -> bool:
    """A ticked outcome that names no student: an upgraded record a person must complete."""
    return any(not students_with(state, f) for f in ticked(state))


def default_outcome_students(state: Mapping[str, Any]) -> dict[str, list[str]]:
    """``outcome_students`` with the default filled in: a ticked outcome nobody answered for (no
    entry at all; an empty list is an answer a person must correct) goes to the record's only subject. With several subjects, or none, it stays empty (a person decides).
    Outcomes no longer ticked lose their students."""
    chosen = {k: list(v) for k, v in (state.get("outcome_students") or {}).items() if k in OUTCOME_FIELDS}
    only = subjects(state)
    out: dict[str, list[str]] = {}
    for f in ticked(state):
        ids = chosen.get(f) or []
        if f not in chosen and len(only) == 1:
            ids = [only[0]]
        out[f] = ids
    return out


def check_outcome_students(state: Mapping[str, Any]) -> list[FieldError]:
    """Each ticked outcome names the students it applies to (the only subject when nobody was
    chosen), and only students on the record; an arrest recorded as a law enforcement activity is an arrest of that student."""
    errors: list[FieldError] = []
    for key in state.get("outcome_students") or {}:
        if key not in OUTCOME_FIELDS:
            errors.append(FieldError("outcome_students", f"“{key}” is not an outcome SafetyDesk knows."))
    chosen = {**(state.get("outcome_students") or {}), **default_outcome_students(state)}
    on_record = {s.get("student_id") for s in state.get("students") or []}
    roles = {s.get("student_id"): s.get("role") for s in state.get("students") or []}
    for key, ids in chosen.items():
        if key not in OUTCOME_FIELDS:
            continue
        if ids and not state.get(key):
            errors.append(FieldError("outcome_students", f"Students are chosen for {OUTCOME_WORDS[key]}, but "
                                     f"“{OUTCOME_WORDS[key].capitalize()}” is not ticked in the outcomes."))
        if any(sid not in on_record for sid in ids):
            errors.append(FieldError("outcome_students", f"A student chosen for {OUTCOME_WORDS[key]} is not "
                                     "one of the record's students."))
    for f in ticked(state):
        if not [sid for sid in chosen.get(f) or [] if sid in on_record]:
            several = len(subjects(state)) > 1
            errors.append(FieldError("outcome_students", OUTCOME_QUESTIONS[f] + (
                " The record has more than one subject: tick each student it applies to."
                if several else " Tick each student it applies to (a victim or witness only if it "
                "applied to them too).")))
    arrested = set(chosen.get("arrest") or []) if state.get("arrest") else set()
    activities = state.get("le_activities") or []
    for n, a in enumerate(activities, 1):
        sid = a.get("student_id")
        if a.get("type") == "arrest" and sid in on_record and state.get("arrest") and sid not in arrested:
            errors.append(FieldError("outcome_students", f"Law enforcement activity {n} is an arrest of a "
                                     f"{StudentRole.label_of(roles.get(sid, '')).lower() or 'student'}: tick "
                                     "them among the students arrested."))
    if activities:
        with_arrest = {a.get("student_id") for a in activities if a.get("type") == "arrest"}
        for sid in sorted(arrested - with_arrest):
            if sid in on_record:
                errors.append(FieldError("le_activities", "A student ticked as arrested has no arrest among "
                                         "the law enforcement activities: record it for them."))
                break
    return errors


def upgraded_outcomes(state: Mapping[str, Any]) -> tuple[dict[str, list[str]] | None, bool]:
    """The upgrade of a record made before outcomes were per student.

    Returns ``(outcome_students, flagged)``: the new value to write (None when nothing changes)
    and whether a ticked outcome is left for a person to decide (several subjects, or none)."""
    if "outcome_students" in state and state.get("outcome_students"):
        return None, needs_outcome_review(state)
    if not ticked(state):
        return None, False
    only = subjects(state)
    if len(only) != 1:
        return None, True
    return {f: [only[0]] for f in ticked(state)}, False


def law_enforcement_students(state: Mapping[str, Any]) -> list[str]:
    """P20: the students of a record a law enforcement interaction was with: each student named in
    a law enforcement activity, and each student arrested (not the victims and witnesses who were
    only present)."""
    on_record = {s.get("student_id") for s in state.get("students") or []}
    named = [a.get("student_id", "") for a in state.get("le_activities") or [] if a.get("student_id") in on_record]
    return list(dict.fromkeys([*named, *students_with(state, "arrest")]))
