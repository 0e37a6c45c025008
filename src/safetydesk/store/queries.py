"""Read queries over the derived tables. Every list is paged; nothing loads a whole table."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from safetydesk.domain import list_order
from safetydesk.domain.filters import InteractionFilter, fts_query
from safetydesk.store.queries_paging import whole_list_order
from safetydesk.store.store import Store

INTERACTION_LIST_COLUMNS = (
    "id", "occurred_at", "school_id", "location", "type", "discipline_related",
    "resulted_in_discipline", "use_of_force", "arrest", "student_count", "students_label",
    "staff_label", "author", "version", "retracted", "duplicate_of",
)


def _interaction_where(f: InteractionFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.scope is not None:
        if not f.scope:
            clauses.append("0")
        else:
            clauses.append(f"i.school_id IN ({','.join('?' * len(f.scope))})")
            params.extend(sorted(f.scope))
    if f.school_id:
        clauses.append("i.school_id = ?")
        params.append(f.school_id)
    if f.type:
        clauses.append("i.type = ?")
        params.append(f.type)
    if f.school_year:
        clauses.append("i.school_year = ?")
        params.append(f.school_year)
    if f.date_from:
        clauses.append("i.occurred_at >= ?")
        params.append(f.date_from)
    if f.date_to:
        clauses.append("i.occurred_at < ?")
        params.append(f.date_to + "T99")  # inclusive of the whole last day
    if f.discipline_only:
        clauses.append("i.discipline_related = 1")
    if f.outcome in ("resulted_in_discipline", "use_of_force", "arrest"):
        clauses.append(f"i.{f.outcome} = 1")
    if not f.include_retracted:
        clauses.append("i.retracted = 0")
    if not f.include_duplicates:
        clauses.append("i.duplicate_of = ''")
    if f.student_id:
        clauses.append("i.id IN (SELECT interaction_id FROM interaction_students WHERE student_id = ?)")
        params.append(f.student_id)
    if f.staff_id:
        clauses.append("i.id IN (SELECT interaction_id FROM interaction_staff WHERE staff_id = ?)")
        params.append(f.staff_id)
    query = fts_query(f.text)
    if query:
        clauses.append(
            "(i.n IN (SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH ?)"
            " OR i.id IN (SELECT s.interaction_id FROM interaction_students s JOIN students st"
            " ON st.id = s.student_id WHERE st.n IN"
            " (SELECT rowid FROM students_fts WHERE students_fts MATCH ?)))"
        )
        params.extend([query, query])
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _counts_where(f: InteractionFilter) -> tuple[str, list[Any]] | None:
    """The WHERE clause over ``interaction_counts`` (live interactions per school and school year,
    kept by the projector) equal to the filter, when it sets nothing but the scope, the school and
    the school year; None for any other filter (it counts the rows themselves)."""
    if f != InteractionFilter(scope=f.scope, school_id=f.school_id, school_year=f.school_year):
        return None
    clauses: list[str] = []
    params: list[Any] = []
    if f.scope is not None:
        clauses.append(f"c.school_id IN ({','.join('?' * len(f.scope))})" if f.scope else "0")
        params.extend(sorted(f.scope))
    if f.school_id:
        clauses.append("c.school_id = ?")
        params.append(f.school_id)
    if f.school_year:
        clauses.append("c.school_year = ?")
        params.append(f.school_year)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


# The live interactions' figures from the maintained counts: (live, discipline-related, use of
# force, arrests) summed over the matching (school, school year) rows.
_COUNTED = """SELECT COALESCE(SUM(c.live), 0), COALESCE(SUM(c.discipline_related), 0),
    COALESCE(SUM(c.use_of_force), 0), COALESCE(SUM(c.arrests), 0) FROM interaction_counts c"""


def count_interactions(store: Store, f: InteractionFilter) -> int:
    """How many interactions the filter lists: from the maintained counts when only the school,
    the scope or the year is set (a few hundred rows at any size); for words with nothing but
    those, through the full-text index and the live search index (`count_search_hits`); else
    counted through the filter's index."""
    counted = _counts_where(f)
    if counted is not None:
        where, params = counted
        return store.conn.execute(_COUNTED + where, params).fetchone()[0]
    hits = count_search_hits(store, f)
    if hits is not None:
        return hits
    where, params = _interaction_where(f)
    return store.conn.execute(f"SELECT COUNT(*) FROM interactions i{where}", params).fetchone()[0]


# The live records' full-text rowids with their school and school year (m072, schema_search):
# small and dense, read in rowid order as a match yields its hits.
SEARCH_INDEX = "interactions_live_search"


def count_search_hits(store: Store, f: InteractionFilter) -> int | None:
    """How many live records match ``f.text`` within the filter's scope, school and school year
    (exactly the count the filter's rows give), without reading a record's row; None when the
    filter sets anything else (or no word), which the caller counts row by row.

    Two disjoint parts, added:

    * the narrative and location hits: the full-text match, each hit looked up by its rowid in
      the live search index, which holds only live records and their school and school year (a
      retracted or duplicate record is simply not found there);
    * a matching student's records that the words do not also match in their narrative or
      location: those students' records (bounded by them, not by the word), each checked
      through the same index and by one full-text probe at its rowid.
    """
    statements = search_count_sql(f)
    if statements is None:
        return None
    return sum(int(store.conn.execute(sql, params).fetchone()[0]) for sql, params in statements)


def search_count_sql(f: InteractionFilter) -> list[tuple[str, list[Any]]] | None:
    """The statements `count_search_hits` adds up (none for no school), or None."""
    query = fts_query(f.text)
    if not query or f != InteractionFilter(text=f.text, scope=f.scope, school_id=f.school_id,
                                           school_year=f.school_year):
        return None
    if f.scope is not None and not f.scope:
        return []  # no school: nothing (SQLite finds no plan through the index for a constant false)
    where, params = _interaction_where(replace(f, text=""))  # the scope, school, year and live check
    words = (f"SELECT COUNT(*) FROM interactions_fts JOIN interactions i INDEXED BY {SEARCH_INDEX}"
             f" ON i.n = interactions_fts.rowid{where} AND interactions_fts MATCH ?", [*params, query])
    students = (f"SELECT COUNT(*) FROM interactions i INDEXED BY {SEARCH_INDEX}{where}"
                " AND i.n IN (SELECT r.n FROM students_fts JOIN students st ON st.n = students_fts.rowid"
                " JOIN interaction_students s ON s.student_id = st.id JOIN interactions r ON r.id = s.interaction_id"
                " WHERE students_fts MATCH ?)"
                " AND NOT EXISTS (SELECT 1 FROM interactions_fts WHERE interactions_fts MATCH ?"
                " AND interactions_fts.rowid = i.n)", [*params, query, query])
    return [words, students]


# The columns the interaction list can be sorted by: the SQL of each (NULL read as empty, so a
# row's key is never NULL and keyset paging compares it); ties are broken by the id.
INTERACTION_SORTS = {
    "when": "i.occurred_at",
    "school": "COALESCE(sc.name, '')",
    "type": "i.type",
    "students": "COALESCE(i.students_label, '')",
    "staff": "COALESCE(i.staff_label, '')",
    "location": "COALESCE(i.location, '')",
    "discipline": "i.discipline_related",
}


def list_interactions(
    store: Store, f: InteractionFilter, offset: int = 0, limit: int = 200, *,
    after: tuple[Any, str] | None = None, before: tuple[Any, str] | None = None,
    from_end: bool = False, sort: str = "when", descending: bool = True,
) -> list[dict[str, Any]]:
    """One page of interactions, sorted by ``sort`` (a key of ``INTERACTION_SORTS``; newest first
    by default), then by id in the same direction.

    Keyset paging: ``after`` is the (sort value, id) of the row just above the
    page, ``before`` that of the row just below it; ``from_end`` counts
    ``offset`` from the last row (the last page is then a seek, not a scan).
    The sort index is walked from the key, so a page costs the same anywhere in
    the list; ``offset`` remains for a jump with no neighbouring page known: sorted by date,
    it is a seek of the row at that position (``interaction_key_at``), then a page by key.
    """
    expr = INTERACTION_SORTS.get(sort)
    if expr is None:
        raise ValueError(f"the interaction list cannot be sorted by {sort!r}")
    if sort == "when" and offset > 0 and after is None and before is None:
        # A jump with no neighbouring page: seek the row just above the page (or just below it,
        # counting from the end) by position, then page by key from it, instead of an OFFSET
        # that reads (and joins) every row it skips.
        key = interaction_key_at(store, f, offset - 1, descending=descending != from_end)
        if key is None:
            return []
        after, before = (None, key) if from_end else (key, None)
        offset, from_end = 0, False
    if sort == "when" and offset == 0 and fts_query(f.text):
        return search_page(store, f, limit, after=after, before=before, from_end=from_end,
                           descending=descending)
    return _query_page(store, f, expr, offset, limit, after=after, before=before, from_end=from_end,
                       descending=descending)


def _well_formed_years(store: Store) -> bool:
    """Every live interaction's school year is a real one ("2025-26"), so each year's rows are
    exactly those dated from its 1 September to the next (no undated or unreadable date)."""
    return store.conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM interaction_counts WHERE live > 0 AND school_year NOT GLOB"
        " '[0-9][0-9][0-9][0-9]-[0-9][0-9]')").fetchone()[0] == 1


def interaction_key_at(store: Store, f: InteractionFilter, position: int, *,
                       descending: bool = True) -> tuple[str, str] | None:
    """The (date, id) of the row at ``position`` (from 0) of the list sorted by date, newest
    first when ``descending``; None past the end.

    When the filter sets nothing but the school, the scope or the school year, the maintained
    per-year counts (``interaction_counts``) name the school year the position falls in, and
    the seek reads only that year's index entries (the covering live date index, no table row,
    no join); otherwise it reads the filter's index entries up to the position."""
    where, params = _interaction_where(f)
    skip = position
    counted = _counts_where(f)
    if counted is not None and _well_formed_years(store):
        cwhere, cparams = counted
        years = store.conn.execute(
            f"SELECT c.school_year, SUM(c.live) FROM interaction_counts c{cwhere} GROUP BY c.school_year",
            cparams).fetchall()
        for year, n in sorted(years, reverse=descending):
            if skip < n:
                start = int(year[:4])
                where, params = _interaction_where(replace(f, school_year=""))
                where += (" AND " if where else " WHERE ") + "i.occurred_at >= ? AND i.occurred_at < ?"
                params = [*params, f"{start}-09-01", f"{start + 1}-09-01"]
                break
            skip -= n
        else:
            return None
    way = "DESC" if descending else "ASC"
    row = store.conn.execute(
        f"SELECT i.occurred_at, i.id FROM interactions i{where}"
        f" ORDER BY i.occurred_at {way}, i.id {way} LIMIT 1 OFFSET ?", [*params, skip]).fetchone()
    return (row[0], row[1]) if row else None


def _query_page(
    store: Store, f: InteractionFilter, expr: str, offset: int, limit: int, *,
    after: tuple[Any, str] | None, before: tuple[Any, str] | None, from_end: bool, descending: bool,
) -> list[dict[str, Any]]:
    """One page by one query: every match of the filter, sorted by ``expr`` and cut by SQLite
    (for several schools, each school's own index range, merged)."""
    backwards = before is not None or from_end
    key = before if before is not None else after
    down = "DESC" if descending else "ASC"
    up = "ASC" if descending else "DESC"
    way = up if backwards else down
    cols = ", ".join(f"i.{c}" for c in INTERACTION_LIST_COLUMNS)

    def page_of(g: InteractionFilter, rows: int, skip: int) -> tuple[str, list[Any]]:
        where, params = _interaction_where(g)
        if key is not None:
            # "below" in the list: smaller when newest first, larger when ascending
            below = "<" if descending else ">"
            above = ">" if descending else "<"
            where += (" AND " if where else " WHERE ") + (
                f"({expr}, i.id) {above if before is not None else below} (?, ?)")
            params = [*params, key[0], key[1]]
        return (f"""SELECT {cols}, sc.name AS school_name, {expr} AS sort_key FROM interactions i
            LEFT JOIN schools sc ON sc.id = i.school_id{where}
            ORDER BY {expr} {way}, i.id {way} LIMIT ? OFFSET ?""", [*params, rows, skip])

    if f.scope is not None and len(f.scope) > 1 and not f.school_id:
        # Several schools: the first rows of each school's own index range, merged (an IN over
        # the schools would sort every row of them all before the first page).
        arms = [page_of(replace(f, scope=None, school_id=school), limit + offset, 0) for school in sorted(f.scope)]
        sql = " UNION ALL ".join(f"SELECT * FROM ({arm})" for arm, _p in arms)
        sql += f" ORDER BY sort_key {way}, id {way} LIMIT ? OFFSET ?"
        params = [p for _a, arm_params in arms for p in arm_params] + [limit, offset]
    else:
        sql, params = page_of(f, limit, offset)
    rows = [r[:-1] for r in store.conn.execute(sql, params).fetchall()]
    if backwards:
        rows.reverse()
    keys = (*INTERACTION_LIST_COLUMNS, "school_name")
    return [dict(zip(keys, r, strict=True)) for r in rows]


# A search by words walks the narrative index a chunk of hits at a time, starting with this many
# hits and four times as many each round (so a word whose hits are scattered costs at most a few
# passes more than reading every hit at once); the row fetch takes the chunk as one JSON list.
SEARCH_FIRST_CHUNK = 256
SEARCH_MAX_CHUNK = 65_536


def search_page(
    store: Store, f: InteractionFilter, limit: int = 200, *,
    after: tuple[Any, str] | None = None, before: tuple[Any, str] | None = None,
    from_end: bool = False, descending: bool = True,
) -> list[dict[str, Any]]:
    """One page of the interactions matching ``f.text``, newest first (by date, then id), exactly
    the page `_query_page` gives, without reading and sorting every hit of a common word.

    The words are matched in two bounded parts, merged by key:

    * narrative and location: the full-text hits are taken in rowid order (the order records were
      written in, which follows their dates closely), a chunk at a time. After each chunk, once a
      page is full, one index probe asks whether any record not yet looked at (its rowid beyond
      the chunk) would rank above the page's last row; when none would, no unread hit can enter
      the page and the walk stops. Records written out of date order (back-dated, or received
      from another workstation) only make the walk read further: the page is always exact;
    * a student's name or id: the students who match, and the first ``limit`` of their records by
      key in one query (bounded by those students' records, not by the word's hits).
    """
    query = fts_query(f.text)
    backwards = before is not None or from_end
    key = before if before is not None else after
    newest_first = descending != backwards  # the direction rows are read in
    where, params = _interaction_where(replace(f, text=""))
    clauses = [where[len(" WHERE "):]] if where else []
    if key is not None:
        clauses.append(f"(i.occurred_at, i.id) {'<' if newest_first else '>'} (?, ?)")
        params = [*params, key[0], key[1]]
    conn = store.conn
    cols = ", ".join(f"i.{c}" for c in INTERACTION_LIST_COLUMNS)
    keys = (*INTERACTION_LIST_COLUMNS, "school_name")
    select = f"SELECT {cols}, sc.name AS school_name FROM interactions i LEFT JOIN schools sc ON sc.id = i.school_id"
    order = "DESC" if newest_first else "ASC"
    found: dict[str, dict[str, Any]] = {}

    def rank(row: dict[str, Any]) -> tuple[str, str]:
        return (row["occurred_at"], row["id"])

    def page() -> list[dict[str, Any]]:
        return sorted(found.values(), key=rank, reverse=newest_first)[:limit]

    def take(sql: str, args: list[Any]) -> None:
        for r in conn.execute(sql, args):
            row = dict(zip(keys, r, strict=True))
            found[row["id"]] = row

    # 1. The narrative and location hits, in rowid order.
    beyond = "<" if newest_first else ">"
    better = ">" if newest_first else "<"
    cursor: int | None = None
    chunk = SEARCH_FIRST_CHUNK
    while limit > 0:
        hits = [n for (n,) in conn.execute(
            "SELECT rowid FROM interactions_fts WHERE interactions_fts MATCH ?"
            + (f" AND rowid {beyond} ?" if cursor is not None else "")
            + f" ORDER BY rowid {order} LIMIT ?",
            [query, *([cursor] if cursor is not None else []), chunk])]
        if hits:
            take(f"{select} WHERE {' AND '.join([*clauses, 'i.n IN (SELECT value FROM json_each(?))'])}",
                 [*params, json.dumps(hits)])
            cursor = hits[-1]
        if len(hits) < chunk:
            break  # every hit read
        if len(found) >= limit:
            top = page()
            worst = top[-1]
            found = {r["id"]: r for r in top}
            probe = [f"(i.occurred_at, i.id) {better} (?, ?)", f"i.n {beyond} ?"]
            if key is not None:
                probe.append(f"(i.occurred_at, i.id) {'<' if newest_first else '>'} (?, ?)")
            unread = conn.execute(
                f"SELECT 1 FROM interactions i WHERE {' AND '.join(probe)} LIMIT 1",
                [worst["occurred_at"], worst["id"], cursor, *([key[0], key[1]] if key else [])],
            ).fetchone()
            if unread is None:
                break  # nothing unread ranks above the page's last row
        chunk = min(chunk * 4, SEARCH_MAX_CHUNK)
    # 2. A student's name or id: that student's records, the first `limit` by key.
    student = ("i.id IN (SELECT s.interaction_id FROM interaction_students s JOIN students st"
               " ON st.id = s.student_id WHERE st.n IN"
               " (SELECT rowid FROM students_fts WHERE students_fts MATCH ?))")
    take(f"{select} WHERE {' AND '.join([*clauses, student])}"
         f" ORDER BY i.occurred_at {order}, i.id {order} LIMIT ?", [*params, query, limit])
    rows = page()
    if backwards:
        rows.reverse()
    return rows


def interaction_people(store: Store, interaction_id: str) -> dict[str, list[dict[str, Any]]]:
    students = store.conn.execute(
        """SELECT s.student_id, s.role, st.first_name, st.last_name, st.local_id, st.grade
           FROM interaction_students s LEFT JOIN students st ON st.id = s.student_id
           WHERE s.interaction_id = ? ORDER BY st.last_name, st.first_name""",
        (interaction_id,),
    ).fetchall()
    staff = store.conn.execute(
        """SELECT s.staff_id, s.role, st.name, st.category FROM interaction_staff s
           LEFT JOIN staff st ON st.id = s.staff_id WHERE s.interaction_id = ? ORDER BY st.name""",
        (interaction_id,),
    ).fetchall()
    return {
        "students": [
            dict(zip(("student_id", "role", "first_name", "last_name", "local_id", "grade"), r,
                     strict=True))
            for r in students
        ],
        "staff": [dict(zip(("staff_id", "role", "name", "category"), r, strict=True)) for r in staff],
    }


def schools(store: Store, include_inactive: bool = False) -> list[dict[str, Any]]:
    where = "" if include_inactive else " WHERE active = 1"
    rows = store.conn.execute(f"SELECT id, name, code, level, active FROM schools{where} ORDER BY name")
    return [dict(zip(("id", "name", "code", "level", "active"), r, strict=True)) for r in rows]


def staff_members(store: Store, school_id: str = "") -> list[dict[str, Any]]:
    sql = """SELECT s.id, s.name, s.category, s.commissioned, s.employer_type, s.agency, s.badge,
                    s.start_date, s.end_date FROM staff s WHERE s.retracted = 0"""
    params: list[Any] = []
    if school_id:
        sql += " AND s.id IN (SELECT staff_id FROM staff_assignments WHERE school_id = ?)"
        params.append(school_id)
    sql += " ORDER BY s.name"
    keys = ("id", "name", "category", "commissioned", "employer_type", "agency", "badge",
            "start_date", "end_date")
    return [dict(zip(keys, r, strict=True)) for r in store.conn.execute(sql, params)]


def staff_assignments(store: Store) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for staff_id, school_id, days in store.conn.execute(
        "SELECT staff_id, school_id, days_per_week FROM staff_assignments"
    ):
        out.setdefault(staff_id, []).append({"school_id": school_id, "days_per_week": days})
    return out


STUDENT_COLUMNS = (
    "id", "local_id", "first_name", "last_name", "school_id", "grade", "birth_date", "races",
    "hispanic_latino", "gender_identity", "multilingual", "homeless", "low_income", "iep",
    "section_504", "active",
)


def _student(row: tuple) -> dict[str, Any]:
    d = dict(zip(STUDENT_COLUMNS, row, strict=True))
    d["races"] = json.loads(d["races"])
    return d


_GRADE = "UPPER(TRIM(s.grade))"
# The student list's columns the query sorts (the whole roster, not the rows fetched), as shown:
# the name "Last, First", the SIS id, the school's name, the grade in school order (none, PK, K,
# 1-12, then others). Several parts of one key are separated by ";".
STUDENT_SORTS = {
    "name": f"""(CASE WHEN s.first_name = '' THEN s.last_name WHEN s.last_name = '' THEN s.first_name
                 ELSE s.last_name || ', ' || s.first_name END) COLLATE {list_order.COLLATION}""",
    "local_id": f"s.local_id COLLATE {list_order.COLLATION}",
    "school": f"COALESCE((SELECT name FROM schools WHERE id = s.school_id), '') COLLATE {list_order.COLLATION}",
    "grade": f"""CASE WHEN {_GRADE} = '' THEN -2 WHEN {_GRADE} IN ('PK', 'PRE-K', 'PREK') THEN -1
                 WHEN {_GRADE} IN ('K', 'KG', 'KINDERGARTEN') THEN 0
                 WHEN {_GRADE} NOT GLOB '*[^0-9]*' THEN CAST({_GRADE} AS INTEGER) ELSE 100 END;
                 {_GRADE}""",
}


def find_students(
    store: Store, text: str, school_id: str = "", scope: frozenset[str] | None = None,
    limit: int = 25, *, sort: str = "", descending: bool = False,
) -> list[dict[str, Any]]:
    """Students whose name or id starts with each word typed, for pickers and the list; by name,
    or by one of `STUDENT_SORTS` (``sort``) over every student that matches."""
    cols = ", ".join(f"s.{c}" for c in STUDENT_COLUMNS)
    clauses: list[str] = ["s.active = 1"]
    params: list[Any] = []
    query = fts_query(text)
    if query:
        clauses.append("s.n IN (SELECT rowid FROM students_fts WHERE students_fts MATCH ?)")
        params.append(query)
    if school_id:
        clauses.append("s.school_id = ?")
        params.append(school_id)
    if scope is not None:
        clauses.append(f"s.school_id IN ({','.join('?' * len(scope)) or 'NULL'})")
        params.extend(sorted(scope))
    rows = store.conn.execute(
        f"SELECT {cols} FROM students s WHERE {' AND '.join(clauses)} ORDER BY "
        + whole_list_order(store.conn, STUDENT_SORTS, sort, descending, "s.last_name, s.first_name, s.id")
        + " LIMIT ?",
        [*params, limit],
    )
    return [_student(r) for r in rows]


def students_by_id(store: Store, ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    cols = ", ".join(STUDENT_COLUMNS)
    rows = store.conn.execute(
        f"SELECT {cols} FROM students WHERE id IN ({','.join('?' * len(ids))})", ids
    )
    return {r[0]: _student(r) for r in rows}


def student_schools(store: Store, ids: list[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = store.conn.execute(
        f"SELECT id, school_id FROM students WHERE id IN ({','.join('?' * len(ids))})", ids
    )
    return dict(rows.fetchall())


def staff_categories(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT id, category FROM staff WHERE retracted = 0").fetchall())


def user_by_name(store: Store, username: str) -> dict[str, Any] | None:
    """The account with this user name; active ones first, then by id (the same on every
    workstation). ``name_clash`` is true when two active accounts share the name."""
    row = store.conn.execute(
        """SELECT username, id, display_name, role, schools, active, name_clash FROM users
           WHERE username = ? ORDER BY active DESC, id LIMIT 1""",
        (username,),
    ).fetchone()
    if not row:
        return None
    d = dict(zip(("username", "id", "display_name", "role", "schools", "active", "name_clash"), row,
                 strict=True))
    d["schools"] = json.loads(d["schools"])
    d["name_clash"] = bool(d["name_clash"])
    return d


def users(store: Store) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        "SELECT username, id, display_name, role, schools, active FROM users ORDER BY username, id"
    )
    out = []
    for r in rows:
        d = dict(zip(("username", "id", "display_name", "role", "schools", "active"), r, strict=True))
        d["schools"] = json.loads(d["schools"])
        out.append(d)
    return out


def district(store: Store) -> dict[str, Any] | None:
    row = store.conn.execute("SELECT id, name, code FROM districts ORDER BY id LIMIT 1").fetchone()
    return dict(zip(("id", "name", "code"), row, strict=True)) if row else None


def counts(store: Store, scope: frozenset[str] | None = None) -> dict[str, int]:
    """Figures for the dashboard (the live interactions' from the maintained counts)."""
    where, params = _counts_where(InteractionFilter(scope=scope)) or ("", [])
    row = store.conn.execute(_COUNTED + where, params).fetchone()
    return {
        "interactions": row[0], "discipline_related": row[1], "use_of_force": row[2],
        "arrests": row[3],
        "students": store.conn.execute("SELECT COUNT(*) FROM students WHERE active = 1").fetchone()[0],
        "staff": store.conn.execute("SELECT COUNT(*) FROM staff WHERE retracted = 0").fetchone()[0],
        "schools": store.conn.execute("SELECT COUNT(*) FROM schools WHERE active = 1").fetchone()[0],
    }


def any_interaction(store: Store) -> bool:
    """Whether the district has logged a live interaction (one row of the maintained counts)."""
    return store.conn.execute("SELECT EXISTS (SELECT 1 FROM interaction_counts)").fetchone()[0] == 1


def school_year_counts(store: Store, scope: frozenset[str] | None = None) -> list[tuple[str, int]]:
    """Live interactions per school year, newest first (from the maintained counts)."""
    where, params = _counts_where(InteractionFilter(scope=scope)) or ("", [])
    return store.conn.execute(
        f"""SELECT c.school_year, SUM(c.live) FROM interaction_counts c{where}
            GROUP BY c.school_year ORDER BY c.school_year DESC""",
        params,
    ).fetchall()


def recent_interactions(store: Store, scope: frozenset[str] | None, limit: int = 8) -> list[dict[str, Any]]:
    return list_interactions(store, InteractionFilter(scope=scope), 0, limit)


def year_figures(store: Store, school_year: str, scope: frozenset[str] | None = None) -> dict[str, int]:
    """The dashboard's figures for one school year, from the maintained counts."""
    where, params = _counts_where(InteractionFilter(scope=scope, school_year=school_year)) or ("", [])
    row = store.conn.execute(_COUNTED + where, params).fetchone()
    return {"interactions": row[0], "discipline": row[1], "force": row[2], "arrests": row[3]}


def school_years(store: Store, scope: frozenset[str] | None = None) -> list[str]:
    """The school years that have live interactions, newest first (from the maintained counts)."""
    where, params = _counts_where(InteractionFilter(scope=scope)) or ("", [])
    return [r[0] for r in store.conn.execute(
        f"SELECT DISTINCT c.school_year FROM interaction_counts c{where} ORDER BY c.school_year DESC", params)]
