"""The dashboard's figures come from cheap index queries and equal the list's own counts (issue 14)."""

from __future__ import annotations

from dataclasses import replace

from safetydesk.domain.changes import Changes
from safetydesk.domain.filters import InteractionFilter
from safetydesk.services import dashboard, interactions
from safetydesk.store import queries


def test_year_figures_and_years_equal_the_list_counts(world):
    s = world.session
    ids = [interactions.log_interaction(s, world.draft(occurred_at=when, discipline_related=disc,
                                                       responsible_admin="Principal Reyes" if disc else "",
                                                       resulted_in_discipline=disc))
           for when, disc in (("2023-10-02T09:00", False), ("2024-03-02T09:00", True),
                              ("2025-10-03T10:15", True), ("2025-11-03T10:15", False))]
    interactions.retract_interaction(s, ids[0], "Entered in error")
    years = sorted({r["occurred_at"][:4] for r in queries.list_interactions(s.store, InteractionFilter(), 0, 99)})
    assert years  # the data is there
    live_years = [y for y, _ in queries.school_year_counts(s.store)]
    assert dashboard.school_years(s) == live_years == ["2025-26", "2023-24"]
    assert dashboard.interactions_per_year(s) == [("2025-26", 2), ("2023-24", 1)]
    for year in ("2025-26", "2023-24", "2022-23"):
        base = InteractionFilter(school_year=year)
        expected = {
            "interactions": interactions.count_interactions(s, base),
            "discipline": interactions.count_interactions(s, replace(base, discipline_only=True)),
            "force": interactions.count_interactions(s, replace(base, outcome="use_of_force")),
            "arrests": interactions.count_interactions(s, replace(base, outcome="arrest")),
        }
        assert dashboard.year_figures(s, year) == expected
    # an account limited to one school sees that school's years only
    assert queries.school_years(s.store, frozenset({world.elementary})) == []
    assert queries.year_figures(s.store, "2025-26", frozenset())["interactions"] == 0


def test_the_dashboard_reloads_only_for_what_it_shows():
    assert dashboard.shows(Changes.of([("interaction", "x")]).kinds)
    assert dashboard.shows(Changes.of([("draft", "k"), ("student", "s")]).kinds)
    assert not dashboard.shows(Changes.of([("student", "s"), ("attachment", "a")]).kinds)
    assert not dashboard.shows(Changes().kinds)


def test_the_year_queries_walk_an_index(world):
    store = world.session.store
    for sql, params in (
        ("SELECT MAX(i.school_year) FROM interactions i WHERE i.retracted = 0 AND i.duplicate_of = ''"
         " AND i.school_year < ?", ["\uffff"]),
    ):
        plan = " | ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + sql, params))
        assert "INDEX interactions_live" in plan, plan
