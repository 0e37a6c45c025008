"""Read queries over the district-level derived tables (complaints, calendar, start of year,
agreements, policy training, attachments). Lists are paged where they can grow."""

from __future__ import annotations

import json
from typing import Any

from safetydesk.domain.filters import fts_query
from safetydesk.store.queries_paging import keyset, take_keys
from safetydesk.store.store import Store

COMPLAINT_LIST_COLUMNS = (
    "id", "confirmation", "school_id", "school_year", "received_date", "channel", "anonymous",
    "status", "preferred_language", "interpreter_needed", "incident_date", "investigator",
    "acknowledged_date", "response_date", "closed_date", "extension_days", "allegation_count",
    "findings", "referred", "author", "version", "retracted",
)
_JSON_COLUMNS = {"dates", "languages", "formats", "audiences"}


def _in(column: str, values: frozenset[str] | set[str] | list[str]) -> tuple[str, list[Any]]:
    values = sorted(values)
    if not values:
        return "0", []
    return f"{column} IN ({','.join('?' * len(values))})", list(values)


def _rows(store: Store, sql: str, params: list[Any] | tuple = ()) -> list[dict[str, Any]]:
    cur = store.conn.execute(sql, list(params))
    keys = [d[0] for d in cur.description]
    out = []
    for r in cur.fetchall():
        d = dict(zip(keys, r, strict=True))
        for k in _JSON_COLUMNS & d.keys():
            d[k] = json.loads(d[k])
        out.append(d)
    return out


# ------------------------------------------------------------------ complaints
def _complaint_where(
    *, scope: frozenset[str] | None, school_id: str = "", status: str = "", school_year: str = "",
    open_only: bool = False, text: str = "", staff_id: str = "", student_id: str = "",
    include_retracted: bool = False,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if scope is not None:
        clause, ps = _in("c.school_id", scope)
        clauses.append(clause)
        params += ps
    for column, value in (("c.school_id", school_id), ("c.status", status),
                          ("c.school_year", school_year)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if open_only:
        clauses.append("c.status <> 'closed'")
    if not include_retracted:
        clauses.append("c.retracted = 0")
    if staff_id:
        clauses.append("c.id IN (SELECT complaint_id FROM complaint_staff WHERE staff_id = ?)")
        params.append(staff_id)
    if student_id:
        clauses.append("c.id IN (SELECT complaint_id FROM complaint_students WHERE student_id = ?)")
        params.append(student_id)
    query = fts_query(text)
    if query:
        clauses.append("(c.n IN (SELECT rowid FROM complaints_fts WHERE complaints_fts MATCH ?)"
                       " OR c.confirmation LIKE ?)")
        params += [query, f"%{text.strip().upper()}%"]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


# sortable columns (domain.filters.LIST_SORT_FIELDS["complaints"]) -> their SQL, never NULL
COMPLAINT_SORTS = {"received": "c.received_date", "confirmation": "c.confirmation",
                   "school": "COALESCE(sc.name, '')", "allegations": "COALESCE(c.allegation_count, 0)"}


def list_complaints(store: Store, offset: int = 0, limit: int = 200, **filters: Any) -> list[dict[str, Any]]:
    """One page of complaints, newest received first (or by ``sort``), with school and staff names;
    ``after``/``before``/``from_end`` page by key (store.queries_paging)."""
    filters, keys = take_keys(filters)
    where, params = _complaint_where(**filters)
    where, params, order, backwards = keyset(where, params, "c.received_date", "c.id", **keys,
                                               sorts=COMPLAINT_SORTS)
    cols = ", ".join(f"c.{c}" for c in COMPLAINT_LIST_COLUMNS)
    rows = _rows(
        store,
        f"""SELECT {cols}, sc.name AS school_name,
            (SELECT group_concat(st.name, ', ') FROM complaint_staff cs JOIN staff st
             ON st.id = cs.staff_id WHERE cs.complaint_id = c.id) AS staff_names
            FROM complaints c LEFT JOIN schools sc ON sc.id = c.school_id{where}
            ORDER BY {order} LIMIT ? OFFSET ?""",
        [*params, limit, offset],
    )
    if backwards:
        rows.reverse()
    for r in rows:
        r["staff_names"] = r["staff_names"] or ""
    return rows


def count_complaints(store: Store, **filters: Any) -> int:
    where, params = _complaint_where(**filters)
    return store.conn.execute(f"SELECT COUNT(*) FROM complaints c{where}", params).fetchone()[0]


def complaint_ids_by_confirmation(store: Store, confirmation: str) -> list[tuple[str, str]]:
    """(id, school_id) of complaints with this confirmation number (retracted ones included)."""
    return store.conn.execute(
        "SELECT id, school_id FROM complaints WHERE confirmation = ? ORDER BY id", (confirmation,)
    ).fetchall()


def open_complaint_states(store: Store, scope: frozenset[str] | None) -> list[tuple[str, dict[str, Any]]]:
    """Every complaint still owing an acknowledgement or a response, with its full state."""
    where, params = _complaint_where(scope=scope)
    rows = store.conn.execute(
        f"""SELECT c.id, r.state FROM complaints c JOIN record_state r
            ON r.record_type = 'complaint' AND r.record_id = c.id{where}
            {'AND' if where else 'WHERE'} c.status IN ('received', 'acknowledged', 'investigating', 'findings')
            ORDER BY c.received_date""",
        params,
    ).fetchall()
    return [(rid, json.loads(state)) for rid, state in rows]


def complaint_people(store: Store, complaint_id: str) -> dict[str, list[dict[str, Any]]]:
    return {
        "staff": _rows(store, """SELECT cs.staff_id, st.name, st.category, st.agency FROM complaint_staff cs
                           LEFT JOIN staff st ON st.id = cs.staff_id WHERE cs.complaint_id = ?
                           ORDER BY st.name""", [complaint_id]),
        "students": _rows(store, """SELECT cs.student_id, s.first_name, s.last_name, s.local_id, s.grade
                              FROM complaint_students cs LEFT JOIN students s ON s.id = cs.student_id
                              WHERE cs.complaint_id = ? ORDER BY s.last_name, s.first_name""",
                          [complaint_id]),
    }


def complaint_counts(store: Store, school_year: str, scope: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """Complaints received per school in a school year, by status (P21 d, P22)."""
    where, params = _complaint_where(scope=scope, school_year=school_year)
    return _rows(store, f"""SELECT c.school_id, c.status, COUNT(*) AS count FROM complaints c{where}
                            GROUP BY c.school_id, c.status ORDER BY c.school_id, c.status""", params)


# ------------------------------------------------------------------ calendar
def non_school_days(store: Store, school_year: str = "") -> list[dict[str, Any]]:
    if school_year:
        return _rows(store, "SELECT day, school_year, note FROM school_calendar_days WHERE school_year = ?"
                            " ORDER BY day", [school_year])
    return _rows(store, "SELECT day, school_year, note FROM school_calendar_days ORDER BY day")


def all_non_school_days(store: Store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT day FROM school_calendar_days")]


def school_year_starts(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT label, start_date FROM school_years").fetchall())


# ------------------------------------------------------------------ attachments
def attachments(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    clause, params = _in("id", ids)
    found = {r["id"]: r for r in _rows(store, f"""SELECT id, name, media_type, size, sha256, school_id,
                                                  owner_type, created_by, retracted FROM attachments
                                                  WHERE {clause}""", params)}
    return [found[i] for i in ids if i in found]


# ------------------------------------------------------------------ start of year
def start_of_year_counts(store: Store, school_year: str) -> dict[str, dict[str, int]]:
    """Per school: presentations, distributions, campaigns, gun safes requested and provided."""
    out: dict[str, dict[str, int]] = {}

    def put(school_id: str, key: str, value: int) -> None:
        out.setdefault(school_id, {"presentations": 0, "distributions": 0, "campaigns": 0,
                                   "gun_safes_requested": 0, "gun_safes_provided": 0})[key] = value

    for table, key in (("role_presentations", "presentations"), ("role_distributions", "distributions"),
                       ("gun_safety_campaigns", "campaigns")):
        for school_id, n in store.conn.execute(
            f"SELECT school_id, COUNT(*) FROM {table} WHERE school_year = ? AND retracted = 0"
            " GROUP BY school_id", (school_year,)
        ):
            put(school_id, key, n)
    for school_id, req, prov in store.conn.execute(
        """SELECT school_id, SUM(requested), SUM(provided) FROM gun_safe_counts
           WHERE school_year = ? AND retracted = 0 GROUP BY school_id""", (school_year,)
    ):
        put(school_id, "gun_safes_requested", req)
        put(school_id, "gun_safes_provided", prov)
    return out


def staff_with_assignments(store: Store) -> list[dict[str, Any]]:
    """Registered, not retracted staff with the schools they are assigned to."""
    rows = _rows(store, """SELECT a.school_id, s.id, s.start_date, s.end_date FROM staff_assignments a
                           JOIN staff s ON s.id = a.staff_id WHERE s.retracted = 0""")
    return rows


START_OF_YEAR_TABLES = {
    "role_presentation": ("role_presentations", "first_date"),
    "role_distribution": ("role_distributions", "date"),
    "gun_safety_campaign": ("gun_safety_campaigns", "start_date"),
    "gun_safe_count": ("gun_safe_counts", "date"),
    "gun_safe_household": ("gun_safe_households", "date"),
}


def start_of_year_rows(store: Store, record_type: str, school_year: str, school_id: str = "",
                       scope: frozenset[str] | None = None, include_retracted: bool = False,
                       ) -> list[dict[str, Any]]:
    table, order = START_OF_YEAR_TABLES[record_type]
    clauses, params = ["school_year = ?"], [school_year]
    if school_id:
        clauses.append("school_id = ?")
        params.append(school_id)
    if scope is not None:
        clause, ps = _in("school_id", scope)
        clauses.append(clause)
        params += ps
    if not include_retracted:
        clauses.append("retracted = 0")
    return _rows(store, f"SELECT * FROM {table} WHERE {' AND '.join(clauses)} ORDER BY {order}, id",
                 params)


def gun_safe_totals(store: Store, school_year: str, scope: frozenset[str] | None = None,
                    ) -> list[dict[str, Any]]:
    """P05: counts per school and date, from the counts table only (never the household list)."""
    clauses, params = ["school_year = ?", "retracted = 0"], [school_year]
    if scope is not None:
        clause, ps = _in("school_id", scope)
        clauses.append(clause)
        params += ps
    return _rows(store, f"""SELECT school_id, date, SUM(requested) AS requested,
                            SUM(provided) AS provided FROM gun_safe_counts
                            WHERE {' AND '.join(clauses)} GROUP BY school_id, date
                            ORDER BY school_id, date""", params)


# ------------------------------------------------------------------ agreements
def list_agreements(store: Store, include_retracted: bool = False) -> list[dict[str, Any]]:
    where = "" if include_retracted else " WHERE retracted = 0"
    return _rows(store, f"SELECT * FROM agreements{where} ORDER BY agency, effective_start DESC, id")


def agreement_states(store: Store) -> list[tuple[str, dict[str, Any]]]:
    rows = store.conn.execute(
        """SELECT a.id, r.state FROM agreements a JOIN record_state r ON r.record_type = 'agreement'
           AND r.record_id = a.id WHERE a.retracted = 0 ORDER BY a.agency, a.id"""
    ).fetchall()
    return [(rid, json.loads(state)) for rid, state in rows]


# ------------------------------------------------------------------ policy training
def list_policy_trainings(store: Store, school_year: str = "", include_retracted: bool = False,
                          ) -> list[dict[str, Any]]:
    clauses, params = [], []
    if school_year:
        clauses.append("school_year = ?")
        params.append(school_year)
    if not include_retracted:
        clauses.append("retracted = 0")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return _rows(store, f"SELECT * FROM policy_trainings{where} ORDER BY date DESC, id", params)
