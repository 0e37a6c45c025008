"""Read queries over the everyday tables. Every list is paged and filtered by the caller's scope."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from safetydesk.domain import list_order
from safetydesk.domain.filters import fts_query
from safetydesk.domain.vocab import EmployerType, StaffCategory
from safetydesk.store.queries_paging import keyset, take_keys, whole_list_order
from safetydesk.store.store import Store


def _rows(cursor, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [dict(zip(keys, r, strict=True)) for r in cursor.fetchall()]


def _scope(column: str, scope: frozenset[str] | None, clauses: list[str], params: list[Any]) -> None:
    if scope is None:
        return
    if not scope:
        clauses.append("0")
        return
    clauses.append(f"{column} IN ({','.join('?' * len(scope))})")
    params.extend(sorted(scope))


def _where(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


# ------------------------------------------------------------------ staff
def staff_names(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT id, name FROM staff WHERE retracted = 0").fetchall())


def staff_periods(store: Store) -> dict[str, tuple[str, str]]:
    return {r[0]: (r[1], r[2]) for r in store.conn.execute(
        "SELECT id, start_date, end_date FROM staff WHERE retracted = 0")}


def esd_confirmed(store: Store, staff_ids: list[str]) -> dict[str, str]:
    if not staff_ids:
        return {}
    rows = store.conn.execute(
        f"""SELECT staff_id, esd_confirmed_on FROM staff_training WHERE staff_id IN
            ({','.join('?' * len(staff_ids))}) AND esd_issuer != '' AND esd_reference != ''
            AND esd_date != ''""", staff_ids)
    return dict(rows.fetchall())


STAFF_LIST = ("id", "name", "category", "commissioned", "employer_type", "agency", "badge", "start_date",
              "end_date", "retracted", "esd_confirmed_on", "due_on", "on_the_job_count", "check_in_count")


def _label_sql(column: str, vocab: Any) -> str:
    """A vocabulary's label for ``column``'s stored value, in SQL (the text the list shows)."""
    cases = " ".join(f"WHEN {_quote(v)} THEN {_quote(label)}" for v, label in vocab.choices())
    return f"(CASE {column} {cases} ELSE {column} END)"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def staff_sorts() -> dict[str, str]:
    """The staff list's columns the query sorts (the whole list, not the rows fetched), as shown:
    name, category and employer by their labels ("Agency (kind)"), badge."""
    kind = _label_sql("s.employer_type", EmployerType)
    c = list_order.COLLATION
    return {
        "name": f"s.name COLLATE {c}",
        "category": f"{_label_sql('s.category', StaffCategory)} COLLATE {c}",
        "employer": f"(CASE WHEN s.agency <> '' THEN s.agency || ' (' || LOWER({kind}) || ')' ELSE {kind} END)"
                    f" COLLATE {c}",
        "badge": f"s.badge COLLATE {c}",
    }


def list_staff(store: Store, *, text: str = "", school_id: str = "", category: str = "",
               scope: frozenset[str] | None = None, include_retracted: bool = False,
               offset: int = 0, limit: int = 200, sort: str = "", descending: bool = False) -> list[dict[str, Any]]:
    """Staff with their assignments and training, by name or by one of `staff_sorts` (``sort``)
    over every staff member that matches."""
    clauses: list[str] = []
    params: list[Any] = []
    if not include_retracted:
        clauses.append("s.retracted = 0")
    if category:
        clauses.append("s.category = ?")
        params.append(category)
    if school_id:
        clauses.append("s.id IN (SELECT staff_id FROM staff_assignments WHERE school_id = ?)")
        params.append(school_id)
    if scope is not None:
        inner: list[str] = []
        sub: list[Any] = []
        _scope("school_id", scope, inner, sub)
        clauses.append(f"s.id IN (SELECT staff_id FROM staff_assignments{_where(inner)})")
        params.extend(sub)
    for word in text.split()[:6]:
        clauses.append("(s.name LIKE ? OR s.badge LIKE ? OR s.agency LIKE ?)")
        params.extend([f"%{word}%"] * 3)
    cols = ", ".join(f"s.{c}" for c in STAFF_LIST[:10]) + \
        ", COALESCE(t.esd_confirmed_on, ''), COALESCE(t.due_on, ''), COALESCE(t.on_the_job_count, 0)," \
        " COALESCE(t.check_in_count, 0)"
    cur = store.conn.execute(
        f"""SELECT {cols} FROM staff s LEFT JOIN staff_training t ON t.staff_id = s.id{_where(clauses)}
            ORDER BY {whole_list_order(store.conn, staff_sorts(), sort, descending, "s.name, s.id")}
            LIMIT ? OFFSET ?""", [*params, limit, offset])
    out = _rows(cur, STAFF_LIST)
    if out:
        ids = [r["id"] for r in out]
        assignments: dict[str, list[dict[str, Any]]] = {}
        for sid, school, days in store.conn.execute(
            f"SELECT staff_id, school_id, days_per_week FROM staff_assignments WHERE staff_id IN ({','.join('?' * len(ids))})",
            ids,
        ):
            assignments.setdefault(sid, []).append({"school_id": school, "days_per_week": days})
        for r in out:
            r["assignments"] = assignments.get(r["id"], [])
    return out


def staff_training_overview(store: Store, scope: frozenset[str] | None = None) -> Iterator[dict[str, Any]]:
    """Every active staff member with a training summary (for the due list)."""
    clauses = ["s.retracted = 0"]
    params: list[Any] = []
    if scope is not None:
        inner: list[str] = []
        sub: list[Any] = []
        _scope("school_id", scope, inner, sub)
        clauses.append(f"s.id IN (SELECT staff_id FROM staff_assignments{_where(inner)})")
        params.extend(sub)
    keys = ("staff_id", "name", "category", "end_date", "training")
    for row in store.conn.execute(
        f"""SELECT s.id, s.name, s.category, s.end_date, r.state FROM staff s
            LEFT JOIN record_state r ON r.record_type = 'staff_training' AND r.record_id = s.id
            {_where(clauses)} ORDER BY s.name""", params):
        d = dict(zip(keys, row, strict=True))
        d["training"] = json.loads(d["training"]) if d["training"] else None
        yield d


# ------------------------------------------------------------------ flags
FLAG_COLUMNS = ("record_type", "record_id", "school_id", "kind", "since", "occurred_at", "detail")


def open_flags(store: Store, *, scope: frozenset[str] | None = None, school_id: str = "", kind: str = "",
               offset: int = 0, limit: int = 200) -> list[dict[str, Any]]:
    cols = ", ".join(f"f.{c}" for c in FLAG_COLUMNS)

    def page(school: str, scoped: frozenset[str] | None, rows: int, skip: int) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        _scope("f.school_id", scoped, clauses, params)
        if school:
            clauses.append("f.school_id = ?")
            params.append(school)
        if kind:
            clauses.append("f.kind = ?")
            params.append(kind)
        return (f"""SELECT {cols}, COALESCE(sc.name, '') AS school_name FROM compliance_flags f
            LEFT JOIN schools sc ON sc.id = f.school_id
            {_where(clauses)} ORDER BY f.occurred_at DESC, f.record_id LIMIT ? OFFSET ?""", [*params, rows, skip])

    if scope is not None and len(scope) > 1 and not school_id:
        # Several schools: each school's newest flags by its own index range, merged (an IN over
        # the schools would sort every flag of them all).
        arms = [page(s, None, limit + offset, 0) for s in sorted(scope)]
        sql = " UNION ALL ".join(f"SELECT * FROM ({a})" for a, _p in arms)
        sql += " ORDER BY occurred_at DESC, record_id LIMIT ? OFFSET ?"
        params = [p for _a, ps in arms for p in ps] + [limit, offset]
    else:
        sql, params = page(school_id, scope, limit, offset)
    return _rows(store.conn.execute(sql, params), (*FLAG_COLUMNS, "school_name"))


def flag_counts(store: Store, scope: frozenset[str] | None = None, school_year: str = "") -> list[dict[str, Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    _scope("f.school_id", scope, clauses, params)
    if school_year:
        start = int(school_year[:4])
        clauses.append("f.occurred_at >= ? AND f.occurred_at < ?")
        params.extend([f"{start}-09-01", f"{start + 1}-09-01"])
    cur = store.conn.execute(
        f"""SELECT f.school_id, f.kind, COUNT(*) FROM compliance_flags f{_where(clauses)}
            GROUP BY f.school_id, f.kind ORDER BY f.school_id, f.kind""", params)
    return _rows(cur, ("school_id", "kind", "count"))


# ------------------------------------------------------------- follow-ups
def follow_ups(store: Store, interaction_id: str) -> list[dict[str, Any]]:
    cur = store.conn.execute(
        """SELECT id, interaction_id, written_at, author, note FROM follow_ups WHERE interaction_id = ?
           ORDER BY created_hlc""", (interaction_id,))
    return _rows(cur, ("id", "interaction_id", "written_at", "author", "note"))


def interaction_exists(store: Store, record_ids: list[str]) -> set[str]:
    if not record_ids:
        return set()
    return {r[0] for r in store.conn.execute(
        f"SELECT id FROM interactions WHERE id IN ({','.join('?' * len(record_ids))})", record_ids)}


def law_enforcement_vs_diversion(store: Store, scope: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """P08: per school and school year, law enforcement actions beside those that considered diversion."""
    clauses = ["d.retracted = 0", "d.duplicate_of = ''", "d.le_action = 1"]
    params: list[Any] = []
    _scope("d.school_id", scope, clauses, params)
    cur = store.conn.execute(
        f"""SELECT d.school_id, d.school_year, COUNT(*), COALESCE(SUM(d.diversion), 0)
            FROM interaction_details d{_where(clauses)} GROUP BY d.school_id, d.school_year
            ORDER BY d.school_year DESC, d.school_id""", params)
    return _rows(cur, ("school_id", "school_year", "actions", "diversion_considered"))


# ------------------------------------------------------------- duplicates
def interaction_candidates(store: Store, school_id: str, student_ids: list[str], start: str, end: str,
                           exclude: str = "") -> list[dict[str, Any]]:
    if not student_ids:
        return []
    cur = store.conn.execute(
        f"""SELECT DISTINCT i.id, i.occurred_at, i.type, i.location, i.students_label, i.staff_label, i.author
            FROM interaction_students s JOIN interactions i ON i.id = s.interaction_id
            WHERE s.student_id IN ({','.join('?' * len(student_ids))}) AND i.school_id = ?
            AND i.occurred_at >= ? AND i.occurred_at <= ? AND i.retracted = 0 AND i.id != ?
            ORDER BY i.occurred_at""",
        [*student_ids, school_id, start, end, exclude])
    return _rows(cur, ("id", "occurred_at", "type", "location", "students_label", "staff_label", "author"))


def intervention_candidates(store: Store, school_id: str, student_ids: list[str], start: str, end: str,
                            exclude: str = "") -> list[dict[str, Any]]:
    if not student_ids:
        return []
    cur = store.conn.execute(
        f"""SELECT DISTINCT r.id, r.requested_at, r.ground, r.location, r.requester_name, r.author
            FROM intervention_students s JOIN intervention_requests r ON r.id = s.request_id
            WHERE s.student_id IN ({','.join('?' * len(student_ids))}) AND r.school_id = ?
            AND r.requested_at >= ? AND r.requested_at <= ? AND r.retracted = 0 AND r.duplicate_of = ''
            AND r.id != ? ORDER BY r.requested_at""",
        [*student_ids, school_id, start, end, exclude])
    return _rows(cur, ("id", "requested_at", "ground", "location", "requester_name", "author"))


# ------------------------------------------------------------- interventions
INTERVENTION_LIST = ("id", "requested_at", "school_id", "location", "self_initiated", "requester_name",
                     "requester_role", "ground", "response_minutes", "outcome", "interaction_id",
                     "duplicate_of", "student_count", "author", "version", "retracted")


def _intervention_where(*, scope, school_id="", ground="", text="", date_from="", date_to="",
                        student_id="", school_year="", include_retracted=False,
                        include_duplicates=False) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    _scope("r.school_id", scope, clauses, params)
    for column, value in (("r.school_id", school_id), ("r.ground", ground), ("r.school_year", school_year)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if date_from:
        clauses.append("r.requested_at >= ?")
        params.append(date_from)
    if date_to:
        clauses.append("r.requested_at < ?")
        params.append(date_to + "T99")
    if not include_retracted:
        clauses.append("r.retracted = 0")
    if not include_duplicates:
        clauses.append("r.duplicate_of = ''")
    if student_id:
        clauses.append("r.id IN (SELECT request_id FROM intervention_students WHERE student_id = ?)")
        params.append(student_id)
    query = fts_query(text)
    if query:
        clauses.append("(r.n IN (SELECT rowid FROM intervention_requests_fts WHERE intervention_requests_fts MATCH ?)"
                       " OR r.id IN (SELECT s.request_id FROM intervention_students s JOIN students st"
                       " ON st.id = s.student_id WHERE st.n IN (SELECT rowid FROM students_fts WHERE students_fts MATCH ?)))")
        params.extend([query, query])
    return _where(clauses), params


# sortable columns (domain.filters.LIST_SORT_FIELDS["interventions"]) -> their SQL, never NULL
INTERVENTION_SORTS = {"when": "r.requested_at", "school": "COALESCE(sc.name, '')"}


def list_interventions(store: Store, offset: int = 0, limit: int = 200, **f: Any) -> list[dict[str, Any]]:
    """Newest first or by ``sort``; ``after``/``before``/``from_end`` page by key (store.queries_paging)."""
    f, keys = take_keys(f)
    where, params = _intervention_where(**f)
    where, params, order, backwards = keyset(where, params, "r.requested_at", "r.id", **keys,
                                               sorts=INTERVENTION_SORTS)
    cols = ", ".join(f"r.{c}" for c in INTERVENTION_LIST)
    cur = store.conn.execute(
        f"""SELECT {cols}, COALESCE(sc.name, ''),
            (SELECT group_concat(st.first_name || ' ' || st.last_name, ', ') FROM intervention_students s
             JOIN students st ON st.id = s.student_id WHERE s.request_id = r.id)
            FROM intervention_requests r LEFT JOIN schools sc ON sc.id = r.school_id{where}
            ORDER BY {order} LIMIT ? OFFSET ?""", [*params, limit, offset])
    rows = _rows(cur, (*INTERVENTION_LIST, "school_name", "students_label"))
    if backwards:
        rows.reverse()
    for r in rows:
        r["students_label"] = r["students_label"] or ""
    return rows


def count_interventions(store: Store, **f: Any) -> int:
    where, params = _intervention_where(**f)
    return store.conn.execute(f"SELECT COUNT(*) FROM intervention_requests r{where}", params).fetchone()[0]


def intervention_counts(store: Store, **f: Any) -> list[dict[str, Any]]:
    """P09: requests by ground, school and requester role ("self_initiated" for emergencies)."""
    where, params = _intervention_where(**f)
    cur = store.conn.execute(
        f"""SELECT r.school_id, r.ground, CASE WHEN r.self_initiated THEN 'self_initiated'
            ELSE r.requester_role END AS role, COUNT(*) FROM intervention_requests r{where}
            GROUP BY r.school_id, r.ground, role ORDER BY r.school_id, r.ground, role""", params)
    return _rows(cur, ("school_id", "ground", "requester_role", "count"))


def intervention_people(store: Store, request_id: str) -> dict[str, list[dict[str, Any]]]:
    students = store.conn.execute(
        """SELECT s.student_id, st.first_name, st.last_name, st.local_id, st.grade FROM intervention_students s
           LEFT JOIN students st ON st.id = s.student_id WHERE s.request_id = ? ORDER BY st.last_name""",
        (request_id,))
    staff = store.conn.execute(
        """SELECT s.staff_id, st.name, st.category FROM intervention_staff s LEFT JOIN staff st
           ON st.id = s.staff_id WHERE s.request_id = ? ORDER BY st.name""", (request_id,))
    return {"students": _rows(students, ("student_id", "first_name", "last_name", "local_id", "grade")),
            "staff": _rows(staff, ("staff_id", "name", "category"))}


# ------------------------------------------------------------- climate
CLIMATE_LIST = ("id", "activity_date", "school_id", "activity_type", "note", "staff_count", "author",
                "version", "retracted")


def _climate_where(*, scope, school_id="", staff_id="", activity_type="", text="", school_year="",
                   date_from="", date_to="", include_retracted=False) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    _scope("c.school_id", scope, clauses, params)
    for column, value in (("c.school_id", school_id), ("c.activity_type", activity_type),
                          ("c.school_year", school_year)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if date_from:
        clauses.append("c.activity_date >= ?")
        params.append(date_from)
    if date_to:
        clauses.append("c.activity_date <= ?")
        params.append(date_to)
    if staff_id:
        clauses.append("c.id IN (SELECT activity_id FROM climate_staff WHERE staff_id = ?)")
        params.append(staff_id)
    if not include_retracted:
        clauses.append("c.retracted = 0")
    query = fts_query(text)
    if query:
        clauses.append("c.n IN (SELECT rowid FROM climate_activities_fts WHERE climate_activities_fts MATCH ?)")
        params.append(query)
    return _where(clauses), params


# sortable columns (domain.filters.LIST_SORT_FIELDS["climate"]) -> their SQL, never NULL
CLIMATE_SORTS = {"date": "c.activity_date", "school": "COALESCE(sc.name, '')"}


def list_climate(store: Store, offset: int = 0, limit: int = 200, **f: Any) -> list[dict[str, Any]]:
    """Newest first or by ``sort``; ``after``/``before``/``from_end`` page by key (store.queries_paging)."""
    f, keys = take_keys(f)
    where, params = _climate_where(**f)
    where, params, order, backwards = keyset(where, params, "c.activity_date", "c.id", **keys,
                                               sorts=CLIMATE_SORTS)
    cols = ", ".join(f"c.{c}" for c in CLIMATE_LIST)
    cur = store.conn.execute(
        f"""SELECT {cols}, COALESCE(sc.name, ''),
            (SELECT group_concat(st.name, ', ') FROM climate_staff cs JOIN staff st ON st.id = cs.staff_id
             WHERE cs.activity_id = c.id)
            FROM climate_activities c LEFT JOIN schools sc ON sc.id = c.school_id{where}
            ORDER BY {order} LIMIT ? OFFSET ?""", [*params, limit, offset])
    rows = _rows(cur, (*CLIMATE_LIST, "school_name", "staff_label"))
    if backwards:
        rows.reverse()
    for r in rows:
        r["staff_label"] = r["staff_label"] or ""
    return rows


def count_climate(store: Store, **f: Any) -> int:
    where, params = _climate_where(**f)
    return store.conn.execute(f"SELECT COUNT(*) FROM climate_activities c{where}", params).fetchone()[0]


def climate_counts(store: Store, **f: Any) -> list[dict[str, Any]]:
    """P10: activities per staff member and school (and type)."""
    where, params = _climate_where(**f)
    cur = store.conn.execute(
        f"""SELECT cs.staff_id, COALESCE(st.name, ''), c.school_id, c.activity_type, COUNT(*)
            FROM climate_activities c JOIN climate_staff cs ON cs.activity_id = c.id
            LEFT JOIN staff st ON st.id = cs.staff_id{where}
            GROUP BY cs.staff_id, c.school_id, c.activity_type ORDER BY 2, c.school_id, c.activity_type""",
        params)
    return _rows(cur, ("staff_id", "staff_name", "school_id", "activity_type", "count"))


# ------------------------------------------------------------- outside requests
OUTSIDE_LIST = ("id", "received_on", "school_id", "agency", "document_type", "routed_to", "response",
                "legal_basis", "responded_on", "author", "version", "retracted")


def _outside_where(*, scope, school_id="", document_type="", response="", text="",
                   include_retracted=False, school_year="") -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if scope is not None:  # requests received by the district office are for district-wide accounts
        inner: list[str] = []
        _scope("o.school_id", scope, inner, params)
        clauses.append(inner[0])
    for column, value in (("o.school_id", school_id), ("o.document_type", document_type),
                          ("o.response", response), ("o.school_year", school_year)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if not include_retracted:
        clauses.append("o.retracted = 0")
    query = fts_query(text)
    if query:
        clauses.append("o.n IN (SELECT rowid FROM outside_requests_fts WHERE outside_requests_fts MATCH ?)")
        params.append(query)
    return _where(clauses), params


# sortable columns (domain.filters.LIST_SORT_FIELDS["outside_requests"]) -> their SQL, never NULL
OUTSIDE_SORTS = {"received": "o.received_on", "where": "COALESCE(sc.name, '')",
                 "agency": "COALESCE(o.agency, '')", "routed": "COALESCE(o.routed_to, '')"}


def list_outside_requests(store: Store, offset: int = 0, limit: int = 200, **f: Any) -> list[dict[str, Any]]:
    """Newest first or by ``sort``; ``after``/``before``/``from_end`` page by key (store.queries_paging)."""
    f, keys = take_keys(f)
    where, params = _outside_where(**f)
    where, params, order, backwards = keyset(where, params, "o.received_on", "o.id", **keys,
                                               sorts=OUTSIDE_SORTS)
    cols = ", ".join(f"o.{c}" for c in OUTSIDE_LIST)
    cur = store.conn.execute(
        f"""SELECT {cols}, COALESCE(sc.name, '') FROM outside_requests o LEFT JOIN schools sc
            ON sc.id = o.school_id{where} ORDER BY {order} LIMIT ? OFFSET ?""",
        [*params, limit, offset])
    rows = _rows(cur, (*OUTSIDE_LIST, "school_name"))
    if backwards:
        rows.reverse()
    return rows


def count_outside_requests(store: Store, **f: Any) -> int:
    where, params = _outside_where(**f)
    return store.conn.execute(f"SELECT COUNT(*) FROM outside_requests o{where}", params).fetchone()[0]


# ------------------------------------------------------------- roster
def students_by_local_id(store: Store, local_ids: list[str]) -> dict[str, str]:
    """SIS id -> SafetyDesk student id, for the ids given (in chunks: SQLite limits parameters)."""
    out: dict[str, str] = {}
    for i in range(0, len(local_ids), 500):
        chunk = local_ids[i:i + 500]
        out.update(store.conn.execute(
            f"SELECT local_id, id FROM students WHERE local_id IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall())
    return out


def students_with_local_id(store: Store, local_id: str) -> list[tuple[str, str]]:
    """(student id, school id) of every student, active or not, with this SIS id (any case)."""
    return [(r[0], r[1]) for r in store.conn.execute(
        "SELECT id, school_id FROM students WHERE local_id = ? COLLATE NOCASE ORDER BY id", (local_id.strip(),))]


def active_students_with_local_id(store: Store, scope: frozenset[str] | None) -> dict[str, str]:
    clauses = ["active = 1", "local_id != ''"]
    params: list[Any] = []
    _scope("school_id", scope, clauses, params)
    return dict(store.conn.execute(f"SELECT local_id, id FROM students{_where(clauses)}", params).fetchall())


def states_of(store: Store, record_type: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for rid, st in store.conn.execute(
            f"""SELECT record_id, state FROM record_state WHERE record_type = ? AND record_id IN
                ({','.join('?' * len(chunk))})""", [record_type, *chunk]):
            out[rid] = json.loads(st)
    return out


def schools_by_name_or_code(store: Store) -> dict[str, list[str]]:
    return {r[0]: [r[1], r[2]] for r in store.conn.execute("SELECT id, name, code FROM schools")}


# ------------------------------------------------------------- export
_EXPORT_TABLES = {
    "interaction": ("interactions", "occurred_at"),
    "intervention_request": ("intervention_requests", "requested_at"),
    "climate_activity": ("climate_activities", "activity_date"),
    "outside_request": ("outside_requests", "received_on"),
}


def export_states(store: Store, record_type: str, scope: frozenset[str] | None, *,
                  school_year: str = "", include_retracted: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
    """Record states of one type in the caller's scope, oldest first, one at a time."""
    table, when = _EXPORT_TABLES[record_type]
    clauses: list[str] = []
    params: list[Any] = [record_type]
    _scope("t.school_id", scope, clauses, params)
    if school_year:
        clauses.append("t.school_year = ?")
        params.append(school_year)
    if not include_retracted:
        clauses.append("t.retracted = 0")
    cur = store.conn.execute(
        f"""SELECT r.record_id, r.state FROM {table} t JOIN record_state r ON r.record_type = ?
            AND r.record_id = t.id{_where(clauses)} ORDER BY t.{when}, t.id""", params)
    for rid, st in cur:
        yield rid, json.loads(st)


def lookup_tables(store: Store) -> dict[str, dict[str, str]]:
    """Human keys for import and export: schools by code/name, students by SIS id, staff by badge/name."""
    return {
        "school_code": dict(store.conn.execute("SELECT id, CASE WHEN code != '' THEN code ELSE name END FROM schools").fetchall()),
        "student_local": dict(store.conn.execute("SELECT id, local_id FROM students").fetchall()),
        "staff_key": dict(store.conn.execute(
            "SELECT id, CASE WHEN badge != '' THEN badge ELSE name END FROM staff WHERE retracted = 0").fetchall()),
    }
