"""Projections: a record's current state -> rows of the typed derived tables.

Each projector writes the typed rows for one record, given its folded state. It
is used both when an entry is appended (in the same transaction) and by the
full rebuild, so the two can never disagree. ``schema`` lets `verify` project
into a scratch copy and compare.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from safetydesk.domain.validation import parse_local_datetime, school_year_of


@dataclass(frozen=True)
class Info:
    record_id: str
    version: int
    created_hlc: str
    updated_hlc: str
    created_by: str
    updated_by: str


Projector = Callable[[sqlite3.Connection, str, dict[str, Any], Info, bool], None]


def _b(value: Any) -> int:
    return 1 if value else 0


def _s(value: Any) -> str:
    return "" if value is None else str(value)


_NUMBERED: dict[str, str] = {}  # an upsert ... RETURNING n -> the same with n given, without RETURNING


def insert_numbered(conn, table: str, sql: str, params: tuple, fresh: bool) -> int:
    """Run ``sql``, an ``INSERT INTO table (id, ...) VALUES (?, ...) ON CONFLICT ... RETURNING n``,
    and give the row's number ``n`` (the full-text row's rowid).

    For a new record of a batch of new records (`store.bulk.Deferred.next_row`) the number is
    the one SQLite would give (one more than the largest), so the same statement is queued with
    ``n`` given and no ``RETURNING``, and runs with the rest of the batch in one executemany:
    the same row, without a round trip per record."""
    n = conn.next_row(table) if fresh and hasattr(conn, "next_row") else None
    if n is None:
        return int(conn.execute(sql, params).fetchone()[0])
    numbered = _NUMBERED.get(sql)
    if numbered is None:
        head, values, rest = sql.partition("VALUES (")
        head = head.replace(f"{table} (", f"{table} (n, ", 1)
        rest = rest.rstrip()
        if not (values and rest.endswith("RETURNING n") and f"{table} (n, " in head):
            raise ValueError(f"not an upsert returning n into {table}: {sql[:60]}")
        numbered = _NUMBERED[sql] = head + "VALUES (?, " + rest[: -len("RETURNING n")].rstrip()
    conn.execute(numbered, (n, *params))
    return n


def _name(conn, p: str, table: str, record_id: str) -> str | None:
    """A student's or staff member's name as its row holds it (None: no row yet).

    Inside a batch (`store.bulk.Deferred`) the names read are kept on the batch, so a
    student named by a thousand interactions is read once; `project_student` and
    `project_staff` drop the entry they rewrite, so the next read sees the new row."""
    cache = getattr(conn, "names", None)
    key = (p, table, record_id)
    if cache is not None:
        if key in cache:
            return cache[key]
        if _read_all_names(conn, cache, conn.name_reads, p, table):
            return cache[key] if key in cache else _name(conn, p, table, record_id)
    if table == "students":
        row = conn.execute(f"SELECT first_name, last_name FROM {p}students WHERE id = ?", (record_id,)).fetchone()
        name = f"{row[0]} {row[1]}".strip() if row else None
    else:
        row = conn.execute(f"SELECT name FROM {p}staff WHERE id = ?", (record_id,)).fetchone()
        name = row[0] if row else None
    if cache is not None:
        cache[key] = name
    return name


NAMES_AT_ONCE = 64  # names a batch reads one by one before it reads a whole table's at once


def _read_all_names(conn, cache: dict, reads: dict, p: str, table: str) -> bool:
    """After `NAMES_AT_ONCE` single reads of ``table`` in one batch, every row's name in one
    query (a demo year or an import names thousands of students). True when read just now."""
    misses = reads.setdefault((p, table), 0)
    if misses is None:  # read already: what is missing was written since, or has no row
        return False
    if misses < NAMES_AT_ONCE:
        reads[(p, table)] = misses + 1
        return False
    if table == "students":
        for rid, first, last in conn.execute(f"SELECT id, first_name, last_name FROM {p}students"):
            cache.setdefault((p, table, rid), f"{first} {last}".strip())
    else:
        for rid, name in conn.execute(f"SELECT id, name FROM {p}staff"):
            cache.setdefault((p, table, rid), name)
    reads[(p, table)] = None
    return True


def _forget_name(conn, p: str, table: str, record_id: str) -> None:
    cache = getattr(conn, "names", None)
    if cache is not None:
        cache.pop((p, table, record_id), None)


def _labels(conn, p, students, staff) -> tuple[str, str]:
    """Names shown in the list view, kept on the row so a million rows list without joins."""
    names = []
    for link in students[:3]:
        name = _name(conn, p, "students", link["student_id"])
        names.append("(unknown student)" if name is None else name)
    students_label = ", ".join(names) + (f" +{len(students) - 3}" if len(students) > 3 else "")
    staff_names = []
    for link in staff[:3]:
        name = _name(conn, p, "staff", link["staff_id"])
        staff_names.append("(unknown staff)" if name is None else name)
    staff_label = ", ".join(staff_names) + (f" +{len(staff) - 3}" if len(staff) > 3 else "")
    return students_label, staff_label


def _refresh_labels(conn, p, link_table: str, column: str, record_id: str) -> None:
    """A student or staff member was amended: refresh the names on their interactions (none while
    the link table is empty: a batch's students written before any interaction, or verify's
    refold before its first interaction)."""
    if getattr(conn, "no_interactions_yet", False):
        return
    holds_nothing = getattr(conn, "holds_nothing", None)
    if holds_nothing is not None and holds_nothing(f"{p}{link_table}"):
        return
    rows = conn.execute(
        f"""SELECT r.record_id, r.state FROM {p}{link_table} l JOIN {p}record_state r
            ON r.record_type = 'interaction' AND r.record_id = l.interaction_id
            WHERE l.{column} = ?""",
        (record_id,),
    ).fetchall()
    for interaction_id, state in rows:
        st = json.loads(state)
        students_label, staff_label = _labels(conn, p, st.get("students") or [], st.get("staff") or [])
        conn.execute(
            f"UPDATE {p}interactions SET students_label = ?, staff_label = ? WHERE id = ?",
            (students_label, staff_label, interaction_id),
        )


# record type -> (link table, column) of the people whose names an interaction's list row shows
NAMED_IN_LABELS = {"student": ("interaction_students", "student_id"), "staff": ("interaction_staff", "staff_id")}


def refresh_labels_of(conn, p, people: Iterable[tuple[str, str]]) -> None:
    """At the end of a batch (`Store.append_new`): refresh the names on the interactions of each
    (record type, id) in ``people``. Inside the batch the interactions have no ``record_state``
    row yet, so a student or staff member written or renamed after an interaction naming them
    could not reach its labels when projected; once the batch's states are written, this does."""
    for record_type, record_id in sorted(set(people)):
        link_table, column = NAMED_IN_LABELS[record_type]
        _refresh_labels(conn, p, link_table, column, record_id)


def project_district(conn, p, st, info, fresh) -> None:
    conn.execute(
        f"INSERT OR REPLACE INTO {p}districts (id, name, code) VALUES (?, ?, ?)",
        (info.record_id, _s(st.get("name")), _s(st.get("code"))),
    )


def project_school(conn, p, st, info, fresh) -> None:
    conn.execute(
        f"INSERT OR REPLACE INTO {p}schools (id, name, code, level, active) VALUES (?, ?, ?, ?, ?)",
        (info.record_id, _s(st.get("name")), _s(st.get("code")), _s(st.get("level") or "other"),
         _b(st.get("active", True) and not st.get("retracted"))),
    )


def project_school_year(conn, p, st, info, fresh) -> None:
    conn.execute(
        f"INSERT OR REPLACE INTO {p}school_years (id, label, start_date, end_date) VALUES (?, ?, ?, ?)",
        (info.record_id, _s(st.get("label")), _s(st.get("start_date")), _s(st.get("end_date"))),
    )


def project_staff(conn, p, st, info, fresh) -> None:
    rid = info.record_id
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}staff (id, name, category, commissioned, employer_type,
            agency, badge, start_date, end_date, retracted) VALUES (?,?,?,?,?,?,?,?,?,?)""",
        (rid, _s(st.get("name")), _s(st.get("category")), _b(st.get("commissioned")),
         _s(st.get("employer_type")), _s(st.get("agency")), _s(st.get("badge")),
         _s(st.get("start_date")), _s(st.get("end_date")), _b(st.get("retracted"))),
    )
    _forget_name(conn, p, "staff", rid)
    if not fresh:
        conn.execute(f"DELETE FROM {p}staff_assignments WHERE staff_id = ?", (rid,))
    conn.executemany(
        f"INSERT OR REPLACE INTO {p}staff_assignments (staff_id, school_id, days_per_week) VALUES (?,?,?)",
        [(rid, a["school_id"], float(a.get("days_per_week", 5))) for a in st.get("assignments") or []],
    )
    # always, also for a new staff record: an interaction naming them may have arrived first
    _refresh_labels(conn, p, "interaction_staff", "staff_id", rid)


def project_student(conn, p, st, info, fresh) -> None:
    rid = info.record_id
    old = None if fresh or p else conn.execute(
        "SELECT n, first_name, last_name, local_id FROM students WHERE id = ?", (rid,)
    ).fetchone()
    values = (
        _s(st.get("local_id")), _s(st.get("first_name")), _s(st.get("last_name")),
        _s(st.get("school_id")), _s(st.get("grade")), _s(st.get("birth_date")),
        json.dumps(sorted(st.get("races") or [])), _b(st.get("hispanic_latino")),
        _s(st.get("gender_identity") or "not_provided"), _b(st.get("multilingual")),
        _b(st.get("homeless")), _b(st.get("low_income")), _b(st.get("iep")),
        _b(st.get("section_504")), _b(st.get("active", True) and not st.get("retracted")),
    )
    n = insert_numbered(
        conn, f"{p}students",
        f"""INSERT INTO {p}students (id, local_id, first_name, last_name, school_id, grade,
            birth_date, races, hispanic_latino, gender_identity, multilingual, homeless,
            low_income, iep, section_504, active) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(id) DO UPDATE SET local_id=excluded.local_id, first_name=excluded.first_name,
            last_name=excluded.last_name, school_id=excluded.school_id, grade=excluded.grade,
            birth_date=excluded.birth_date, races=excluded.races,
            hispanic_latino=excluded.hispanic_latino, gender_identity=excluded.gender_identity,
            multilingual=excluded.multilingual, homeless=excluded.homeless,
            low_income=excluded.low_income, iep=excluded.iep, section_504=excluded.section_504,
            active=excluded.active
            RETURNING n""",
        (rid, *values), fresh,
    )
    _forget_name(conn, p, "students", rid)
    # always, also for a new student: an interaction naming them may have arrived first
    _refresh_labels(conn, p, "interaction_students", "student_id", rid)
    if p:  # scratch copies used by verify carry no full-text index
        return
    if old:
        conn.execute(
            "INSERT INTO students_fts (students_fts, rowid, first_name, last_name, local_id)"
            " VALUES ('delete', ?, ?, ?, ?)", old,
        )
    conn.execute(
        "INSERT INTO students_fts (rowid, first_name, last_name, local_id) VALUES (?,?,?,?)",
        (n, values[1], values[2], values[0]),
    )


def interaction_year(when: str) -> str:
    """The school year of an interaction's list row."""
    parsed = parse_local_datetime(when)
    if parsed:
        return school_year_of(parsed.date())
    # never today's date: the fold is order-free (the mutation suite tries today's date)
    return school_year_of(TODAY[0]()) if MUTANT_TODAY[0] and TODAY[0] else ""


def live_counts(st: dict[str, Any]) -> tuple[str, str, int, int, int] | None:
    """What `project_interaction`'s row for ``st`` counts for on the dashboard: its school, year,
    discipline-related, use of force and arrest, or None when it is not live (retracted or a
    duplicate). The same values the row holds, without reading it back."""
    if _b(st.get("retracted")) or _s(st.get("duplicate_of")):
        return None
    return (_s(st.get("school_id")), interaction_year(_s(st.get("occurred_at"))),
            _b(st.get("discipline_related")), _b(st.get("use_of_force")), _b(st.get("arrest")))


def project_interaction(conn, p, st, info, fresh) -> None:
    rid = info.record_id
    when = _s(st.get("occurred_at"))
    year = interaction_year(when)
    students = st.get("students") or []
    staff = st.get("staff") or []
    students_label, staff_label = _labels(conn, p, students, staff)
    old = None if fresh or p else conn.execute(
        "SELECT n, narrative, location FROM interactions WHERE id = ?", (rid,)
    ).fetchone()
    values = (
        when, year, _s(st.get("school_id")), _s(st.get("location")), _s(st.get("type")),
        _b(st.get("discipline_related")), _s(st.get("responsible_admin")), _s(st.get("narrative")),
        _b(st.get("resulted_in_discipline")), _b(st.get("use_of_force")), _b(st.get("arrest")),
        len(students), students_label, staff_label, _s(st.get("author") or info.created_by),
        _s(st.get("rules_version")), info.created_hlc, info.updated_hlc, info.version,
        _b(st.get("retracted")), _s(st.get("retract_reason")), _s(st.get("duplicate_of")),
    )
    n = insert_numbered(
        conn, f"{p}interactions",
        f"""INSERT INTO {p}interactions (id, occurred_at, school_year, school_id, location, type,
            discipline_related, responsible_admin, narrative, resulted_in_discipline, use_of_force,
            arrest, student_count, students_label, staff_label, author, rules_version, created_hlc,
            updated_hlc, version, retracted, retract_reason, duplicate_of)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(id) DO UPDATE SET occurred_at=excluded.occurred_at,
            school_year=excluded.school_year, school_id=excluded.school_id,
            location=excluded.location, type=excluded.type,
            discipline_related=excluded.discipline_related,
            responsible_admin=excluded.responsible_admin, narrative=excluded.narrative,
            resulted_in_discipline=excluded.resulted_in_discipline,
            use_of_force=excluded.use_of_force, arrest=excluded.arrest,
            student_count=excluded.student_count, students_label=excluded.students_label,
            staff_label=excluded.staff_label, author=excluded.author,
            rules_version=excluded.rules_version, created_hlc=excluded.created_hlc,
            updated_hlc=excluded.updated_hlc, version=excluded.version,
            retracted=excluded.retracted, retract_reason=excluded.retract_reason,
            duplicate_of=excluded.duplicate_of
            RETURNING n""",
        (rid, *values), fresh,
    )
    if not fresh:
        conn.execute(f"DELETE FROM {p}interaction_students WHERE interaction_id = ?", (rid,))
        conn.execute(f"DELETE FROM {p}interaction_staff WHERE interaction_id = ?", (rid,))
    conn.executemany(
        f"INSERT OR REPLACE INTO {p}interaction_students (interaction_id, student_id, role) VALUES (?,?,?)",
        [(rid, s["student_id"], _s(s.get("role"))) for s in students],
    )
    conn.executemany(
        f"INSERT OR REPLACE INTO {p}interaction_staff (interaction_id, staff_id, role) VALUES (?,?,?)",
        [(rid, s["staff_id"], _s(s.get("role") or "lead")) for s in staff],
    )
    if p:
        return
    if old:
        conn.execute(
            "INSERT INTO interactions_fts (interactions_fts, rowid, narrative, location)"
            " VALUES ('delete', ?, ?, ?)", old,
        )
    conn.execute(
        "INSERT INTO interactions_fts (rowid, narrative, location) VALUES (?,?,?)",
        (n, values[7], values[3]),
    )


def project_user(conn, p, st, info, fresh) -> None:
    """Accounts by user id. Two accounts with one user name (made on two workstations) are
    both flagged ``name_clash`` and grant nothing until one is renamed or disabled."""
    old = conn.execute(f"SELECT username FROM {p}users WHERE id = ?", (info.record_id,)).fetchone()
    name = _s(st.get("username"))
    if MUTANT_USERS_BY_NAME[0]:  # test-only: the old projection keyed by name, with replace
        conn.execute(f"DELETE FROM {p}users WHERE username = ?", (name,))
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}users (id, username, display_name, role, schools, active, name_clash)
            VALUES (?,?,?,?,?,?,0)""",
        (info.record_id, name, _s(st.get("display_name")), _s(st.get("role")),
         json.dumps(sorted(st.get("schools") or [])), _b(st.get("active", True))),
    )
    for username in {name, old[0] if old else name}:
        conn.execute(
            f"""UPDATE {p}users SET name_clash = (SELECT COUNT(*) > 1 FROM {p}users u
                WHERE u.username = ? AND u.active = 1) WHERE username = ?""",
            (username, username),
        )


MUTANT_USERS_BY_NAME = [False]
# Test-only switches of the mutation suite (tests/store/test_convergence.py): a projection
# that reads "today" (each test workstation has its own, up to a day apart).
MUTANT_TODAY = [False]
TODAY: list[Any] = [None]
