"""The P20 rows (tables in schema_p20), kept on every write.

`project_interaction_p20` follows the interaction's projectors (`projections_everyday.
project_interaction_in_full`) and files the students a live law enforcement interaction
counts for in ``p20_involvement``.

`project_student_p20` follows the student's projector and writes every version of the
student's roster entry to ``student_demographics``, with the dates each is in force. The
versions are those `queries_reports.roster_versions` folds: the plain fold of the student's
history entries in clock order, read from the history, which holds the entry being projected
on every path but one: `Store.append_new` (the bulk path for new records: imports, demo data)
writes its history rows after the projectors. There the record's entries are all in the batch,
so the versions are the ones this projector wrote earlier in the batch and the state it is
given (the same plain fold); a batch whose history rows are not written yet says so
(`bulk.Deferred.history_pending`), so no history is read while the bulk load has dropped its
indexes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from safetydesk.domain.outcomes import law_enforcement_students
from safetydesk.store.history import fold
from safetydesk.store.projections import Info, _b, _s, interaction_year, project_student
from safetydesk.store.projections_everyday import project_interaction_in_full
from safetydesk.store.schema_p20 import OPEN_END, ROSTER_ACTIONS

# Test-only switches of the mutation test (tests/store/test_p20_tables.py): each a wrong rule the
# comparison with the old fold must catch.
MUTANT = [""]

VERSION_COLUMNS = ("student_id", "hlc", "valid_from", "valid_until", "school_id", "enrolled", "races",
                   "hispanic_latino", "gender_identity", "multilingual", "homeless", "low_income", "iep",
                   "section_504")
INSERT_VERSION = (f"INSERT INTO {{p}}student_demographics ({', '.join(VERSION_COLUMNS)}) "
                  f"VALUES ({', '.join('?' * len(VERSION_COLUMNS))})")
_HISTORY = (f"""SELECT hlc, changes FROM history WHERE record_type = 'student' AND record_id = ?
                AND action IN ({','.join('?' * len(ROSTER_ACTIONS))}) ORDER BY hlc""")


def day_of(hlc: str) -> str:
    """The day an entry was recorded (its clock stamp's UTC day), as roster_versions dates it."""
    return datetime.fromtimestamp(int(hlc.split("-")[0]) / 1000, UTC).date().isoformat()


def demographics(state: dict[str, Any]) -> tuple[Any, ...]:
    """A version's values as the report reads them (services.reports' demographic row)."""
    v = state or {}
    retracted = v.get("retracted") and MUTANT[0] != "retracted-enrolled"
    return (_s(v.get("school_id", "")), _b(v.get("active", True) and not retracted),
            json.dumps(list(v.get("races") or [])), _b(v.get("hispanic_latino")),
            _s(v.get("gender_identity") or "not_provided"), _b(v.get("multilingual")), _b(v.get("homeless")),
            _b(v.get("low_income")), _b(v.get("iep")), _b(v.get("section_504")))


def version_rows(student_id: str, versions: list[tuple[str, dict[str, Any]]]) -> list[tuple]:
    """One row per version, oldest first: `as_of.version_on` as date ranges. The version in force
    on a day is the last one recorded on or before it, or the first one before any was recorded;
    a version replaced on the day it was recorded gets an empty range (from = until)."""
    days = [day_of(h) for h, _st in versions]
    rows = []
    for i, (hlc, state) in enumerate(versions):
        start = "" if i == 0 and MUTANT[0] != "first-from-its-day" else days[i]
        until = days[i + 1] if i + 1 < len(versions) else OPEN_END
        if MUTANT[0] == "same-day-both":  # the version replaced on its own day stays in force that day
            until = next((d for d in days[i + 1:] if d != days[i]), OPEN_END)
        rows.append((student_id, hlc, start, until, *demographics(state)))
    return rows


def _versions(conn: Any, p: str, st: dict[str, Any], info: Info, fresh: bool) -> list[tuple[str, dict[str, Any]]]:
    rid = info.record_id
    versions: list[tuple[str, dict[str, Any]]] = []
    pending = getattr(conn, "history_pending", False)
    if pending and fresh:  # the record's first entry, in a bulk batch: nothing earlier anywhere
        return [(info.updated_hlc, st)]
    if not pending:
        state = None
        for hlc, changes in conn.execute(_HISTORY, (rid, *ROSTER_ACTIONS)):
            state = fold(state, json.loads(changes))
            versions.append((hlc, state))
    last = versions[-1][0] if versions else ""
    if info.updated_hlc > last:  # the entry projected is not in the history yet (Store.append_new)
        kept = conn.execute(
            f"SELECT hlc, {', '.join(VERSION_COLUMNS[4:])} FROM {p}student_demographics "
            "WHERE student_id = ? AND hlc > ? AND hlc < ? ORDER BY hlc", (rid, last, info.updated_hlc)).fetchall()
        if MUTANT[0] != "drop-pending":
            versions.extend((row[0], _as_state(row[1:])) for row in kept)
        versions.append((info.updated_hlc, st))
    return versions


def _as_state(values: tuple) -> dict[str, Any]:
    """A kept row back as the state fields `demographics` reads (the same values again)."""
    school, enrolled, races, hispanic, gender, *flags = values
    names = ("multilingual", "homeless", "low_income", "iep", "section_504")
    return {"school_id": school, "active": bool(enrolled), "races": json.loads(races),
            "hispanic_latino": bool(hispanic), "gender_identity": gender,
            **{k: bool(f) for k, f in zip(names, flags, strict=True)}}


def project_student_p20(conn: Any, p: str, st: dict[str, Any], info: Info, fresh: bool) -> None:
    """The student's roster row, then their demographic versions by date."""
    project_student(conn, p, st, info, fresh)
    versions = _versions(conn, p, st, info, fresh)
    if not (fresh and getattr(conn, "history_pending", False)):  # a new record of a bulk batch has none
        conn.execute(f"DELETE FROM {p}student_demographics WHERE student_id = ?", (info.record_id,))
    conn.executemany(INSERT_VERSION.format(p=p), version_rows(info.record_id, versions))


def le_action(st: dict[str, Any]) -> bool:
    """`interaction_details.le_action` as the details projector writes it."""
    return st.get("type") == "law_enforcement" or bool(st.get("arrest")) or bool(st.get("le_activities"))


def project_interaction_p20(conn: Any, p: str, st: dict[str, Any], info: Info, fresh: bool) -> None:
    """The interaction's rows, then the students it counts for under P20 (none unless it is live
    and has a law enforcement action)."""
    project_interaction_in_full(conn, p, st, info, fresh)
    rid = info.record_id
    if not fresh:
        conn.execute(f"DELETE FROM {p}p20_involvement WHERE interaction_id = ?", (rid,))
    duplicate = _s(st.get("duplicate_of")) and MUTANT[0] != "duplicates-counted"
    if _b(st.get("retracted")) or duplicate or not le_action(st):
        return
    year, school = interaction_year(_s(st.get("occurred_at"))), _s(st.get("school_id"))
    conn.executemany(
        f"""INSERT OR IGNORE INTO {p}p20_involvement (interaction_id, student_id, school_year, school_id)
            VALUES (?,?,?,?)""", [(rid, _s(sid), year, school) for sid in law_enforcement_students(st)])
