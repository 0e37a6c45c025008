"""The field vocabulary for exporting and importing records (docs/records.md), and row conversion.

A row names people and schools by keys a person can read in a spreadsheet:
a school by its code (or name), a student by the student information system's
id, a staff member by badge (or name). Lists and nested blocks are JSON in a
CSV cell; in JSON Lines they are plain JSON. Conversion is pure: the services
pass in the lookup tables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from safetydesk.domain.climate import CLIMATE, ClimateDraft
from safetydesk.domain.interventions import INTERVENTION, InterventionDraft
from safetydesk.domain.outside_requests import OUTSIDE_REQUEST, OutsideRequestDraft
from safetydesk.domain.records import BOOKKEEPING_FIELDS, Draft, InteractionDraft, RecordType

DRAFTS: dict[str, type[Draft]] = {
    RecordType.INTERACTION: InteractionDraft,
    INTERVENTION: InterventionDraft,
    CLIMATE: ClimateDraft,
    OUTSIDE_REQUEST: OutsideRequestDraft,
}
EXPORTABLE = tuple(DRAFTS)
# Records that name students: exporting them writes an audit entry per record.
NAMES_STUDENTS = frozenset({RecordType.INTERACTION, INTERVENTION})
# Columns written on export and ignored on import (the services set them).
EXPORT_ONLY = (*BOOKKEEPING_FIELDS, "compliance_flags", "duplicate_of")

# Draft field -> column name, where the column holds a human key instead of an id.
RENAMED = {"school_id": "school", "consequence_by_staff_id": "consequence_by_staff",
           "responding_staff": "responding_staff", "interaction_id": "interaction"}
# Keys inside nested entries that hold ids, and what they become.
NESTED_KEYS = {"student_id": ("student", "student"), "staff_id": ("staff", "staff"),
               "officer_staff_id": ("officer_staff", "staff")}
BOOL_TRUE = {"true", "yes", "y", "1", "x"}
BOOL_FALSE = {"false", "no", "n", "0", ""}


@dataclass
class Lookups:
    """Id <-> key tables: ``school``, ``student``, ``staff`` map id -> key."""

    school: Mapping[str, str]
    student: Mapping[str, str]
    staff: Mapping[str, str]

    def reverse(self, kind: str) -> dict[str, str]:
        table = getattr(self, kind)
        out: dict[str, str] = {}
        for rid, key in table.items():
            out.setdefault(str(key).strip().lower(), rid)
        return out


def columns(record_type: str) -> list[str]:
    draft = DRAFTS[record_type]
    return ["record_type", "id"] + [RENAMED.get(f.name, f.name) for f in fields(draft)] + list(EXPORT_ONLY)


def _kind_of(record_type: str, field_name: str) -> str | None:
    """Which lookup a draft field's ids come from."""
    if field_name == "school_id":
        return "school"
    if field_name in ("consequence_by_staff_id", "responding_staff") or (
            record_type == CLIMATE and field_name == "staff"):
        return "staff"
    if record_type == INTERVENTION and field_name == "students":
        return "student"
    return None


def _to_key(value: Any, kind: str, lk: Lookups) -> Any:
    table = getattr(lk, kind)
    if isinstance(value, list):
        return [table.get(v, v) for v in value]
    return table.get(value, value) if value else value


def _nested_out(value: Any, lk: Lookups) -> Any:
    if isinstance(value, list):
        return [_nested_out(v, lk) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in NESTED_KEYS:
                name, kind = NESTED_KEYS[k]
                out[name] = getattr(lk, kind).get(v, v) if v else v
            else:
                out[k] = _nested_out(v, lk)
        return out
    return value


def state_to_row(record_type: str, record_id: str, state: Mapping[str, Any], lk: Lookups) -> dict[str, Any]:
    row: dict[str, Any] = {"record_type": record_type, "id": record_id}
    for f in fields(DRAFTS[record_type]):
        value = state.get(f.name, f.default if not callable(f.default_factory) else f.default_factory())
        kind = _kind_of(record_type, f.name)
        row[RENAMED.get(f.name, f.name)] = _to_key(value, kind, lk) if kind else _nested_out(value, lk)
    for name in EXPORT_ONLY:
        value = state.get(name, "")
        row[name] = value if name != "duplicate_of" else (value or "")
    return row


def cell(value: Any) -> str:
    """A value as a CSV cell: JSON for lists and dicts, yes/no for booleans."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)


class RowError(ValueError):
    pass


def _parse(value: Any, default: Any, name: str) -> Any:
    """A CSV cell (text) or JSON value as the draft field's type."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().lower()
        if text in BOOL_TRUE:
            return True
        if text in BOOL_FALSE:
            return False
        raise RowError(f"{name} must be yes or no, not “{value}”")
    if isinstance(default, list | dict):
        if isinstance(value, list | dict):
            return value
        text = str(value or "").strip()
        if not text:
            return type(default)()
        try:
            parsed = json.loads(text)
        except ValueError:
            if isinstance(default, list) and "{" not in text:
                return [p.strip() for p in text.split(";") if p.strip()]
            raise RowError(f"{name} is not valid JSON")
        if not isinstance(parsed, type(default)):
            raise RowError(f"{name} must be a JSON {'list' if isinstance(default, list) else 'object'}")
        return parsed
    return "" if value is None else str(value).strip()


def _nested_in(value: Any, rev: Mapping[str, dict[str, str]], problems: list[str], name: str) -> Any:
    if isinstance(value, list):
        return [_nested_in(v, rev, problems, name) for v in value]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            target = next((ik for ik, (ek, _) in NESTED_KEYS.items() if ek == k), None)
            if target:
                kind = NESTED_KEYS[target][1]
                rid = rev[kind].get(str(v).strip().lower()) if v else ""
                if v and not rid:
                    problems.append(f"{name}: no {kind} “{v}”")
                out[target] = rid or ""
            else:
                out[k] = _nested_in(v, rev, problems, name)
        return out
    return value


def row_to_draft(record_type: str, row: Mapping[str, Any], lk: Lookups) -> tuple[Draft | None, list[str]]:
    """A row as a draft, or the problems that stop it (in plain language, without the row number)."""
    if record_type not in DRAFTS:
        return None, [f"“{record_type}” is not a record type that can be imported "
                      f"({', '.join(EXPORTABLE)})"]
    problems: list[str] = []
    rev = {k: lk.reverse(k) for k in ("school", "student", "staff")}
    values: dict[str, Any] = {}
    known_columns = set(columns(record_type))
    unknown = [c for c in row if c not in known_columns and c]
    if unknown:
        problems.append(f"unknown column(s): {', '.join(sorted(unknown))} (see docs/records.md)")
    draft_cls = DRAFTS[record_type]
    for f in fields(draft_cls):
        column = RENAMED.get(f.name, f.name)
        default = f.default if not callable(f.default_factory) else f.default_factory()
        if column not in row:
            values[f.name] = default
            continue
        try:
            value = _parse(row[column], default, column)
        except RowError as exc:
            problems.append(str(exc))
            continue
        kind = _kind_of(record_type, f.name)
        if kind:
            if isinstance(value, list):
                ids = []
                for v in value:
                    rid = rev[kind].get(str(v).strip().lower())
                    if not rid:
                        problems.append(f"{column}: no {kind} “{v}”")
                    ids.append(rid or "")
                value = ids
            elif value:
                rid = rev[kind].get(str(value).strip().lower())
                if not rid:
                    problems.append(f"{column}: no {kind} “{value}”")
                value = rid or ""
        else:
            value = _nested_in(value, rev, problems, column)
        values[f.name] = value
    if problems:
        return None, problems
    return draft_cls(**values), []
