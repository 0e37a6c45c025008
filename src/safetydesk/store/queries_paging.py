"""Keyset paging for the record lists, newest first by default (issue 14), in any sort order the
list offers (issue 13).

A list sorted by (a column, id) is paged from a neighbouring page's key instead of an OFFSET that
reads and throws away every row above the page: ``after`` is the (sort value, id) of the row just
above the page, ``before`` that of the row just below it, and ``from_end`` counts ``offset`` from
the far end of the list, so the last page is a seek too. ``sort`` names one of the list's sortable
columns (its SQL in the list's own table of sorts; none is its date column) and ``descending``
the direction (newest or largest first by default). A sort expression never yields NULL (it is
wrapped in COALESCE), so a row's key always compares.
"""

from __future__ import annotations

from typing import Any

from safetydesk.domain import list_order

KEYS = ("after", "before", "from_end", "sort", "descending")


def take_keys(filters: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the filters without the paging and sort keys, the paging and sort keys)."""
    rest = {k: v for k, v in filters.items() if k not in KEYS}
    return rest, {k: filters[k] for k in KEYS if k in filters}


def keyset(where: str, params: list[Any], date_col: str, id_col: str, *,
           after: tuple[Any, Any] | None = None, before: tuple[Any, Any] | None = None,
           from_end: bool = False, sort: str = "", descending: bool = True,
           sorts: dict[str, str] | None = None) -> tuple[str, list[Any], str, bool]:
    """(where, params, ORDER BY text, whether the fetched rows must be reversed).

    ``sorts`` maps the list's sortable column names to their SQL; ``sort`` "" is the date column."""
    column = date_col
    if sort:
        if not sorts or sort not in sorts:
            raise ValueError(f"this list cannot be sorted by {sort!r}")
        column = sorts[sort]
    backwards = before is not None or from_end
    key = before if before is not None else after
    if key is not None:
        # "below" in the list: smaller when largest first, larger when smallest first
        below, above = ("<", ">") if descending else (">", "<")
        where += (" AND " if where else " WHERE ") + (
            f"({column}, {id_col}) {above if before is not None else below} (?, ?)")
        params = [*params, key[0], key[1]]
    down, up = ("DESC", "ASC") if descending else ("ASC", "DESC")
    direction = up if backwards else down
    order = f"{column} {direction}, {id_col} {direction}"
    return where, params, order, backwards


def whole_list_order(conn: Any, sorts: dict[str, str], sort: str, descending: bool, tiebreak: str) -> str:
    """ORDER BY text of a list the query sorts as a whole (staff, students: more rows than one
    fetch, so the window cannot sort them itself): ``sorts`` maps a column to its SQL (text
    compared by `domain.list_order`, registered here as a collation), ``sort`` "" keeps the
    list's own order; ``tiebreak`` (ascending, ending in the id) makes the order total."""
    if not sort:
        return tiebreak
    if sort not in sorts:
        raise ValueError(f"this list cannot be sorted by {sort!r}")
    conn.create_collation(list_order.COLLATION, list_order.compare)
    direction = "DESC" if descending else "ASC"
    parts = [p.strip() for p in sorts[sort].split(";")]  # "expr; expr": a key of several parts
    return ", ".join(f"{p} {direction}" for p in parts) + f", {tiebreak}"
