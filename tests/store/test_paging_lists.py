"""The other record lists page by key too (issue 14): keyset pages equal the OFFSET pages.

Intervention requests, climate activities, outside requests and complaints, on a small demo
data file (real records, several sharing a date, so the id breaks ties): for each list and a
few page sizes, paging forward from the row above, back from the row below and from the
oldest end gives exactly the pages OFFSET gives. No timing asserted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from safetydesk.demo import generator as demo
from safetydesk.paths import resolve
from safetydesk.services import files
from safetydesk.store import queries_district as qd
from safetydesk.store import queries_everyday as qe
from support import count

LISTS: dict[str, tuple[Callable[..., list[dict[str, Any]]], str, dict[str, Any]]] = {
    "intervention requests": (qe.list_interventions, "requested_at", {}),
    "climate activities": (qe.list_climate, "activity_date", {}),
    "climate activities with retracted": (qe.list_climate, "activity_date", {"include_retracted": True}),
    "outside requests": (qe.list_outside_requests, "received_on", {}),
    "complaints": (qd.list_complaints, "received_date", {"include_retracted": True}),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    paths = resolve(tmp_path_factory.mktemp("paging"))
    demo.generate(paths, interactions=400, today=date(2026, 11, 28))
    session = files.sign_in(paths, "admin", "demo")
    yield session.store
    session.store.close()


@pytest.mark.parametrize("name", LISTS)
def test_keyset_pages_of_the_other_lists_are_the_offset_pages(store, name: str) -> None:
    fetch, column, filters = LISTS[name]
    filters = {"scope": None, **filters}
    everything = fetch(store, 0, 100_000, **filters)
    total = len(everything)
    assert total > 10, name
    ties = total - len({r[column] for r in everything})  # records sharing a date: the id decides
    if name.startswith("climate"):
        assert ties > 0
    ids = [r["id"] for r in everything]

    def key(row: dict[str, Any]) -> tuple[Any, Any]:
        return (row[column], row["id"])

    tried = 0
    for size in (1, 7, 50) if total < 600 else (97, 400):
        by_offset = [ids[i:i + size] for i in range(0, total, size)]
        pages, after = [], None
        while sum(len(p) for p in pages) < total:
            rows = fetch(store, 0, size, **filters, **({"after": after} if after else {}))
            pages.append([r["id"] for r in rows])
            after = key(rows[-1])
        assert pages == by_offset, (name, size)
        for p, page in enumerate(by_offset[:12]):
            if p + 1 < len(by_offset):
                below = everything[(p + 1) * size]
                assert [r["id"] for r in fetch(store, 0, size, **filters, before=key(below))] == page
            end = min(total, (p + 1) * size)
            back = fetch(store, total - end, end - p * size, **filters, from_end=True)
            assert [r["id"] for r in back] == page
            tried += 1
        # an OFFSET page is still what it was (a jump with no neighbouring page known)
        assert [r["id"] for r in fetch(store, size, size, **filters)] == ids[size:2 * size]
    count("keyset pages equal OFFSET pages (other lists)", pages=tried, date_ties=ties)
