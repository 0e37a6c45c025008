"""A search by words returns its first page without reading every hit (issue 14), and every page
is exactly the page the one-query path gives: for a common word, a word in the location, a
student's name, several words, with records written out of date order (so the narrative index's
rowid order is not the list's order), retracted records, and ties on the minute; after, before and
from the oldest end, newest and oldest first, at several page sizes. The search's chunks are made
tiny so that a handful of records exercises the chunked walk and its stopping probe. Real data
file, real services; no timing asserted.
"""

from __future__ import annotations

import random

import pytest

from safetydesk.domain.filters import InteractionFilter
from safetydesk.services import interactions
from safetydesk.store import queries
from support import count

NARRATIVES = (
    "A student asked for a different seat in class; staff helped.",
    "Two students argued over a seat in the hallway; staff calmed them.",
    "Staff spoke with a student about lateness.",
    "A student was found in the hallway during class and walked back.",
)


def _fill(world, n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    # Dates in random order, several in one minute: the order written is not the list's order.
    minutes = [f"2025-{9 + k % 3:02d}-{1 + rnd.randrange(20):02d}T{8 + rnd.randrange(3):02d}:{rnd.choice((0, 30)):02d}"
               for k in range(n)]
    ids = []
    for k, when in enumerate(minutes):
        ids.append(interactions.log_interaction(world.session, world.draft(
            occurred_at=when, narrative=NARRATIVES[rnd.randrange(len(NARRATIVES))],
            location=rnd.choice(("Cafeteria", "Main hallway", "Gym")),
            school_id=world.high if k % 4 else world.elementary,
            students=[{"student_id": world.students[rnd.randrange(3)], "role": "subject"}])))
    for rid in rnd.sample(ids, 3):
        interactions.retract_interaction(world.session, rid, "Entered in error")
    return ids


def _old(store, f, size, **keys):
    return queries._query_page(store, f, "i.occurred_at", 0, size, after=keys.get("after"),
                               before=keys.get("before"), from_end=keys.get("from_end", False),
                               descending=keys.get("descending", True))


@pytest.mark.parametrize("seed", [1, 2])
def test_every_search_page_is_the_page_one_query_gives(world, monkeypatch, seed):
    monkeypatch.setattr(queries, "SEARCH_FIRST_CHUNK", 2)
    monkeypatch.setattr(queries, "SEARCH_MAX_CHUNK", 8)
    _fill(world, 40, seed)
    store = world.session.store
    tried = 0
    for text in ("seat", "hall", "student", "Avery", "Tanaka", "seat hallway", "gym", "nothing"):
        for f in (InteractionFilter(text=text), InteractionFilter(text=text, school_id=world.high),
                  InteractionFilter(text=text, include_retracted=True)):
            for descending in (True, False):
                everything = _old(store, f, 1000, descending=descending)
                assert [r["id"] for r in queries.search_page(store, f, 1000, descending=descending)] \
                    == [r["id"] for r in everything]
                total = len(everything)
                for size in (1, 3, 7):
                    key = None
                    for p in range(0, total, size):
                        want = everything[p:p + size]
                        got = queries.list_interactions(store, f, 0, size, after=key, descending=descending)
                        assert got == _old(store, f, size, after=key, descending=descending) == want
                        key = (want[-1]["occurred_at"], want[-1]["id"])
                        if p + size < total:  # the page above the next one, by key
                            below = everything[p + size]
                            b = (below["occurred_at"], below["id"])
                            assert queries.search_page(store, f, size, before=b, descending=descending) == want
                        end = min(total, p + size)
                        back = queries.search_page(store, f, end - p, from_end=True, descending=descending)
                        assert back == _old(store, f, end - p, from_end=True, descending=descending)
                        tried += 1
    count("search pages equal one-query pages", tried=tried)


def test_the_service_search_matches_narrative_location_and_student_names(world):
    _fill(world, 12, 3)
    session = world.session
    for text in ("seat", "cafeteria", "Quinn", "S00001"):
        got = interactions.search_interactions(session, text, 200)
        assert got == _old(session.store, InteractionFilter(text=text), 200)
        assert got, text
