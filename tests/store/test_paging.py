"""The interaction list pages by key and counts through the live-record index (issue 14).

Keyset pages (after the row above, before the row below, from the oldest end)
must be exactly the pages OFFSET gives, for every filter, with ties on the
timestamp; and the count and first page must be answered from an index, not a
scan of the table. Real data file, real services; no timing asserted.
"""

from __future__ import annotations

from safetydesk.domain.filters import InteractionFilter
from safetydesk.services import interactions
from safetydesk.store import queries
from support import count


def _fill(world, n: int) -> list[str]:
    ids = []
    for k in range(n):
        # several records share a minute, so the id breaks ties in the sort
        ids.append(interactions.log_interaction(world.session, world.draft(
            occurred_at=f"2025-10-{1 + k // 3:02d}T10:{(k % 2) * 15:02d}",
            school_id=world.high if k % 3 else world.elementary)))
    interactions.retract_interaction(world.session, ids[4], "Entered in error")
    return ids


def _pages_by_key(store, f: InteractionFilter, size: int) -> list[list[str]]:
    total = queries.count_interactions(store, f)
    pages, key = [], None
    while sum(len(p) for p in pages) < total:
        rows = queries.list_interactions(store, f, 0, size, after=key)
        pages.append([r["id"] for r in rows])
        key = (rows[-1]["occurred_at"], rows[-1]["id"])
    return pages


def test_keyset_pages_are_the_offset_pages(world):
    _fill(world, 17)
    store = world.session.store
    tried = 0
    for f in (InteractionFilter(), InteractionFilter(school_id=world.high),
              InteractionFilter(include_retracted=True), InteractionFilter(text="seat")):
        total = queries.count_interactions(store, f)
        everything = [r["id"] for r in queries.list_interactions(store, f, 0, 1000)]
        assert len(everything) == total
        for size in (1, 2, 5, 7):
            by_offset = [everything[i:i + size] for i in range(0, total, size)]
            assert _pages_by_key(store, f, size) == by_offset
            for p, page in enumerate(by_offset):
                # the page below known: fetch the one above it by key
                if p + 1 < len(by_offset):
                    below = queries.list_interactions(store, f, 0, size, before=_key(store, f, by_offset[p + 1][0]))
                    assert [r["id"] for r in below] == page
                # from the oldest end, as the lazy list does for pages nearer the end
                end = min(total, (p + 1) * size)
                back = queries.list_interactions(store, f, total - end, end - p * size, from_end=True)
                assert [r["id"] for r in back] == page
                tried += 1
    count("keyset pages equal OFFSET pages", tried=tried, caught=0)


def _key(store, f, rid):
    row = next(r for r in queries.list_interactions(store, f, 0, 1000) if r["id"] == rid)
    return (row["occurred_at"], row["id"])


def _plan(store, sql: str, params: list) -> str:
    return " | ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_the_list_count_and_first_page_use_the_live_index(world):
    _fill(world, 6)
    store = world.session.store
    for f in (InteractionFilter(), InteractionFilter(scope=frozenset({world.high}))):
        where, params = queries._interaction_where(f)
        plan = _plan(store, f"SELECT COUNT(*) FROM interactions i{where}", params)
        assert "INDEX interactions_live" in plan, plan
        plan = _plan(store, f"SELECT i.id FROM interactions i{where} AND (i.occurred_at, i.id) < (?, ?)"
                     " ORDER BY i.occurred_at DESC, i.id DESC LIMIT 200", [*params, "2026", "z"])
        assert "INDEX interactions_live" in plan and "TEMP B-TREE" not in plan, plan
