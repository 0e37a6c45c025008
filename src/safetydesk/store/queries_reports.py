"""Read queries for reports: aggregate counts for P20-P22 and the record of disclosures (P24)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from safetydesk.store.store import Store

DEMOGRAPHICS = ("races", "hispanic_latino", "gender_identity", "multilingual", "homeless", "low_income",
                "iep", "section_504")


def _scope(column: str, scope: frozenset[str] | None, clauses: list[str], params: list[Any]) -> None:
    if scope is None:
        return
    if not scope:
        clauses.append("0")
        return
    clauses.append(f"{column} IN ({','.join('?' * len(scope))})")
    params.extend(sorted(scope))


def _grouped(rows) -> list[dict[str, Any]]:
    out = []
    for school_id, *demo, count in rows:
        d = dict(zip(DEMOGRAPHICS, demo, strict=True))
        d["races"] = json.loads(d["races"] or "[]")
        out.append({"school_id": school_id, **d, "count": count})
    return out


def law_enforcement_students(store: Store, school_year: str) -> list[dict[str, Any]]:
    """P20: students involved in law enforcement interactions in a school year, counted once per
    school, grouped by school and every demographic column (aggregate counts, no ids)."""
    cols = ", ".join(f"st.{c}" for c in DEMOGRAPHICS)
    rows = store.conn.execute(
        f"""SELECT p.school_id, {cols}, COUNT(*) FROM (
                SELECT DISTINCT d.school_id, s.student_id FROM interaction_details d
                JOIN interaction_students s ON s.interaction_id = d.interaction_id
                WHERE d.school_year = ? AND d.le_action = 1 AND d.retracted = 0 AND d.duplicate_of = ''
            ) p JOIN students st ON st.id = p.student_id
            GROUP BY p.school_id, {cols}""", (school_year,))
    return _grouped(rows)


def enrolment(store: Store) -> list[dict[str, Any]]:
    """Active students per school and demographic columns (the roster as it stands)."""
    cols = ", ".join(f"st.{c}" for c in DEMOGRAPHICS)
    rows = store.conn.execute(
        f"SELECT st.school_id, {cols}, COUNT(*) FROM students st WHERE st.active = 1 GROUP BY st.school_id, {cols}")
    return _grouped(rows)


def incident_states(store: Store, school_year: str, scope: frozenset[str] | None) -> Iterator[tuple[str, dict[str, Any]]]:
    """P21 (c): interactions of the year that resulted in discipline, use of force or arrest."""
    return live_states(store, school_year, scope, outcomes_only=True)


def student_demographics(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    cols = ", ".join(DEMOGRAPHICS)
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for sid, first, last, local_id, *demo in store.conn.execute(
            f"SELECT id, first_name, last_name, local_id, {cols} FROM students WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            d = dict(zip(DEMOGRAPHICS, demo, strict=True))
            d["races"] = json.loads(d["races"] or "[]")
            out[sid] = {"first_name": first, "last_name": last, "local_id": local_id, **d}
    return out


def staff_for_year(store: Store) -> list[dict[str, Any]]:
    """P21 (a, b): staff with their assignments, category, employer and dates."""
    cur = store.conn.execute(
        """SELECT s.id, s.name, s.category, s.employer_type, s.agency, s.start_date, s.end_date,
                  a.school_id, a.days_per_week
           FROM staff s JOIN staff_assignments a ON a.staff_id = s.id WHERE s.retracted = 0
           ORDER BY s.name, s.id, a.school_id""")
    keys = ("id", "name", "category", "employer_type", "agency", "start_date", "end_date", "school_id",
            "days_per_week")
    return [dict(zip(keys, r, strict=True)) for r in cur]


DISCLOSURE_COLUMNS = ("id", "released_at", "released_by", "recipient", "organisation", "legal_basis",
                      "basis_detail", "report", "file_name", "sha256", "school_id", "note")


def disclosures_of_student(store: Store, student_id: str) -> list[dict[str, Any]]:
    cols = ", ".join(f"d.{c}" for c in DISCLOSURE_COLUMNS)
    cur = store.conn.execute(
        f"""SELECT {cols} FROM disclosures d JOIN disclosure_students s ON s.disclosure_id = d.id
            WHERE s.student_id = ? ORDER BY d.released_at, d.id""", (student_id,))
    out = [dict(zip(DISCLOSURE_COLUMNS, r, strict=True)) for r in cur]
    for d in out:
        d["records"] = [list(r) for r in store.conn.execute(
            "SELECT record_type, record_id FROM disclosure_records WHERE disclosure_id = ? ORDER BY 1, 2",
            (d["id"],))]
    return out


def outcomes_to_review(store: Store, scope: frozenset[str] | None, limit: int = 500) -> list[dict[str, Any]]:
    """Live interactions with a ticked outcome that names no student of the record (left by the
    per-student upgrade for a person to decide), oldest first: the first ``limit`` of the
    projected ``outcome_review`` rows, one index range per school in scope."""
    sql = """SELECT o.interaction_id, o.school_id, o.occurred_at, COALESCE(s.name, '') FROM outcome_review o
             LEFT JOIN schools s ON s.id = o.school_id{where} ORDER BY o.occurred_at, o.interaction_id LIMIT ?"""
    if scope is None:
        rows = store.conn.execute(sql.format(where=""), (limit,)).fetchall()
    else:
        rows = []
        for school in sorted(scope):
            rows.extend(store.conn.execute(sql.format(where=" WHERE o.school_id = ?"), (school, limit)))
        rows = sorted(rows, key=lambda r: (r[2], r[0]))[:limit]
    return [{"record_id": r[0], "school_id": r[1], "occurred_at": r[2], "school_name": r[3]} for r in rows]


def roster_versions(store: Store, ids: list[str] | None = None) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Every version of students' roster entries, oldest first, each with the day it was recorded
    (the day of the entry's clock stamp; all students when ``ids`` is None)."""
    from safetydesk.store.history import fold

    out: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    current: dict[str, dict[str, Any]] = {}
    sql = ("SELECT record_id, hlc, changes FROM history WHERE record_type = 'student' "
           "AND action IN ('create', 'amend', 'retract', 'step', 'resolve')")
    chunks: list[list[str] | None] = [None] if ids is None else [ids[i:i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        where = "" if chunk is None else f" AND record_id IN ({','.join('?' * len(chunk))})"
        for rid, hlc, changes in store.conn.execute(sql + where + " ORDER BY record_id, hlc", chunk or []):
            state = fold(current.get(rid), json.loads(changes))
            current[rid] = state
            day = datetime.fromtimestamp(int(hlc.split("-")[0]) / 1000, UTC).date().isoformat()
            out.setdefault(rid, []).append((day, state))
    return out


def live_states(store: Store, school_year: str, scope: frozenset[str] | None = None,
                le_only: bool = False, outcomes_only: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
    """The live interactions of a school year (not retracted, not duplicates), oldest first; only
    those with a law enforcement action, or only those that resulted in discipline, use of force
    or arrest, when asked."""
    clauses = ["i.school_year = ?", "i.retracted = 0", "COALESCE(d.duplicate_of, '') = ''"]
    if le_only:
        clauses.append("d.le_action = 1")
    if outcomes_only:
        clauses.append("(i.resulted_in_discipline = 1 OR i.use_of_force = 1 OR i.arrest = 1)")
    params: list[Any] = [school_year]
    _scope("i.school_id", scope, clauses, params)
    cur = store.conn.execute(
        f"""SELECT i.id, r.state FROM interactions i
            JOIN record_state r ON r.record_type = 'interaction' AND r.record_id = i.id
            LEFT JOIN interaction_details d ON d.interaction_id = i.id
            WHERE {' AND '.join(clauses)} ORDER BY i.occurred_at, i.id""", params)
    for rid, st in cur:
        yield rid, json.loads(st)
