"""The dashboard's figures and the list's total come from the maintained counts (m070): after
saves, amendments, a retraction and a duplicate marked through the services, each equals the
interactions counted one by one, for the district and for a principal of one school."""

from __future__ import annotations

from datetime import date

from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.records import StudentDraft, UserDraft
from safetydesk.services import accounts, duplicates, interactions, registry
from safetydesk.services import dashboard as dashboard_service
from safetydesk.services.context import Session
from support import count

TODAY = date(2025, 11, 20)


def _walked(session: Session, **filters) -> int:
    """The old way: the interactions themselves, listed and counted one by one."""
    return len(interactions.list_interactions(session, InteractionFilter(**filters), 0, 10_000))


def _check(session: Session, years: list[str]) -> None:
    per_year = dashboard_service.interactions_per_year(session)
    assert per_year == [(y, _walked(session, school_year=y)) for y in years if _walked(session, school_year=y)]
    assert dashboard_service.school_years(session) == [y for y, _n in per_year]
    assert interactions.count_interactions(session, InteractionFilter()) == _walked(session)
    for year in years:
        figures = dashboard_service.year_figures(session, year)
        assert figures["interactions"] == _walked(session, school_year=year)
        assert figures["discipline"] == _walked(session, school_year=year, discipline_only=True)
        assert figures["force"] == _walked(session, school_year=year, outcome="use_of_force")
        assert figures["arrests"] == _walked(session, school_year=year, outcome="arrest")


def test_figures_and_the_list_total_follow_every_write(world):
    admin = world.session
    accounts.create_user(admin, UserDraft(username="p1", display_name="p1", role="principal",
                                          schools=[world.elementary]), "a long enough pw")
    principal = Session(admin.store, accounts.actor_for(admin.store, "p1"))
    years = ["2025-26", "2024-25"]
    assert interactions.count_interactions(admin, InteractionFilter()) == 0
    assert dashboard_service.first_steps(admin, TODAY), "a new district is shown its first steps"
    ids = [interactions.log_interaction(admin, world.draft(occurred_at=when, discipline_related=n % 2 == 0,
                                                           responsible_admin="Principal Lee" if n % 2 == 0 else ""))
           for n, when in enumerate(["2025-10-03T10:15", "2025-09-12T09:00", "2024-11-04T13:30",
                                     "2025-10-20T11:00"])]
    pupil = registry.add_student(admin, StudentDraft(local_id="E00001", first_name="Lee", last_name="Park",
                                                     school_id=world.elementary, grade="3"))
    elementary = interactions.log_interaction(admin, world.draft(
        school_id=world.elementary, students=[{"student_id": pupil, "role": "subject"}],
        staff=[{"staff_id": world.guard, "role": "lead"}]))
    assert dashboard_service.first_steps(admin, TODAY) == []
    for session in (admin, principal):
        _check(session, years)
    assert dashboard_service.year_figures(principal, "2025-26")["interactions"] == 1
    interactions.amend_interaction(admin, ids[1], world.draft(occurred_at="2024-09-30T10:00"), "The date was wrong")
    interactions.retract_interaction(admin, ids[2], "Logged twice by mistake")
    duplicates.mark_duplicate(admin, "interaction", ids[3], ids[0], "The same incident")
    interactions.retract_interaction(admin, elementary, "Wrong school")
    for session in (admin, principal):
        _check(session, years)
    assert dashboard_service.interactions_per_year(admin) == [("2025-26", 1), ("2024-25", 1)]
    assert dashboard_service.interactions_per_year(principal) == []
    assert interactions.count_interactions(admin, InteractionFilter(school_id=world.high)) == 2
    assert interactions.count_interactions(admin, InteractionFilter(include_retracted=True)) == 4
    count("dashboard counts after writes", tried=2, caught=0)
