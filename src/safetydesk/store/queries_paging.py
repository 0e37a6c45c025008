"""Keyset paging for the record lists, newest first (issue 14).

A list sorted by (a date column DESC, id DESC) is paged from a neighbouring
page's key instead of an OFFSET that reads and throws away every row above
the page: ``after`` is the (date, id) of the row just above the page,
``before`` that of the row just below it, and ``from_end`` counts ``offset``
from the oldest row, so the last page is a seek too. The keys apply to this
default order only: a list sorted some other way pages by OFFSET.
"""

from __future__ import annotations

from typing import Any

KEYS = ("after", "before", "from_end")


def take_keys(filters: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the filters without the paging keys, the paging keys)."""
    rest = {k: v for k, v in filters.items() if k not in KEYS}
    return rest, {k: filters[k] for k in KEYS if k in filters}


def keyset(where: str, params: list[Any], date_col: str, id_col: str, *,
           after: tuple[Any, Any] | None = None, before: tuple[Any, Any] | None = None,
           from_end: bool = False) -> tuple[str, list[Any], str, bool]:
    """(where, params, ORDER BY text, whether the fetched rows must be reversed)."""
    backwards = before is not None or from_end
    key = before if before is not None else after
    if key is not None:
        where += (" AND " if where else " WHERE ") + (
            f"({date_col}, {id_col}) > (?, ?)" if before is not None else f"({date_col}, {id_col}) < (?, ?)")
        params = [*params, key[0], key[1]]
    order = f"{date_col} ASC, {id_col} ASC" if backwards else f"{date_col} DESC, {id_col} DESC"
    return where, params, order, backwards
