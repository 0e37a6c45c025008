"""The P20 counts as the service computed them before m071 (the reference the new queries are
compared with, kept word for word): every live law enforcement interaction's JSON state of the
year, every student's roster versions folded from the history, the version in force on the
cut-off date taken by `version_on`, and the old service's tables of counts."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from safetydesk.domain.as_of import version_on
from safetydesk.domain.outcomes import law_enforcement_students
from safetydesk.store import Store
from safetydesk.store.history import fold


def old_roster_versions(store: Store) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """queries_reports.roster_versions before m071, for every student."""
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    current: dict[str, dict[str, Any]] = {}
    for rid, hlc, changes in store.conn.execute(
            "SELECT record_id, hlc, changes FROM history WHERE record_type = 'student' "
            "AND action IN ('create', 'amend', 'retract', 'step', 'resolve') ORDER BY record_id, hlc"):
        state = fold(current.get(rid), json.loads(changes))
        current[rid] = state
        day = datetime.fromtimestamp(int(hlc.split("-")[0]) / 1000, UTC).date().isoformat()
        out.setdefault(rid, []).append((day, state))
    return out


def old_le_states(store: Store, school_year: str):
    """queries_reports.live_states(le_only=True) before m071."""
    for _rid, state in store.conn.execute(
            """SELECT i.id, r.state FROM interactions i
               JOIN record_state r ON r.record_type = 'interaction' AND r.record_id = i.id
               LEFT JOIN interaction_details d ON d.interaction_id = i.id
               WHERE i.school_year = ? AND i.retracted = 0 AND COALESCE(d.duplicate_of, '') = ''
               AND d.le_action = 1 ORDER BY i.occurred_at, i.id""", (school_year,)):
        yield _rid, json.loads(state)


def _old_row(school_id: str, version: dict[str, Any] | None) -> dict[str, Any]:
    v = version or {}
    return {"school_id": school_id, "races": list(v.get("races") or []),
            "hispanic_latino": bool(v.get("hispanic_latino")),
            "gender_identity": v.get("gender_identity") or "not_provided",
            **{k: bool(v.get(k)) for k in ("multilingual", "homeless", "low_income", "iep", "section_504")},
            "count": 1}


def old_rows(store: Store, school_year: str, as_of: str) -> tuple[list[dict], list[dict]]:
    """services.reports.disaggregated_tables before m071: the involved and enrolled rows."""
    versions = old_roster_versions(store)
    pairs = {(s.get("school_id", ""), sid) for _rid, s in old_le_states(store, school_year)
             for sid in law_enforcement_students(s)}
    involved = [_old_row(school, version_on(versions[sid], as_of)) for school, sid in sorted(pairs) if sid in versions]
    enrolled = [_old_row(v.get("school_id", ""), v) for vs in versions.values()
                if (v := version_on(vs, as_of)) is not None and v.get("active", True) and not v.get("retracted")]
    return involved, enrolled


def row_key(row: dict) -> tuple:
    return (row["school_id"], json.dumps(row["races"]), row["hispanic_latino"], row["gender_identity"],
            *(row[k] for k in ("multilingual", "homeless", "low_income", "iep", "section_504")))


def grouped(rows) -> Counter:
    out: Counter = Counter()
    for school, races, hispanic, gender, *flags, n in rows:
        out[(school, races, bool(hispanic), gender, *map(bool, flags))] += n
    return out


def old_counts(school_ids, involved_rows, enrolled_rows):
    """The old service's tables of counts from its rows (before suppression)."""
    from safetydesk.reports.assemble import DIMENSIONS

    col = {s: i for i, s in enumerate(school_ids)}
    inv = [[[0] * len(school_ids) for _ in d.groups] for d in DIMENSIONS]
    enr = [[[0] * len(school_ids) for _ in d.groups] for d in DIMENSIONS]
    index = [{g: i for i, (g, _) in enumerate(d.groups)} for d in DIMENSIONS]
    for rows, target in ((involved_rows, inv), (enrolled_rows, enr)):
        for row in rows:
            c = col.get(row["school_id"])
            if c is None:
                continue
            for k, d in enumerate(DIMENSIONS):
                target[k][index[k][d.group_of(row)]][c] += row["count"]
    if not school_ids:
        inv = [[[0] for _ in d.groups] for d in DIMENSIONS]
        enr = [[[0] for _ in d.groups] for d in DIMENSIONS]
    return inv, enr


