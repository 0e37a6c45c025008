"""The count of a search (m072's live search index) for every role's scope: after saves at two
schools, an amendment, a retraction and a duplicate marked through the services, the count each
account sees equals the rows its list shows for the same words (P23: a principal, front office
and safety staff see their own school; the district administrator and a reviewer every school)."""

from __future__ import annotations

import pytest

from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.records import StudentDraft, UserDraft
from safetydesk.services import accounts, duplicates, interactions, registry
from safetydesk.services.context import Session
from support import count

WORDS = ("seat", "calmed", "hallway", "lee", "park", "e0000", "cafeteria", "seat calmed", "nothing")


def _listed(session: Session, text: str, **filters) -> int:
    return len(interactions.list_interactions(session, InteractionFilter(text=text, **filters), 0, 10_000))


@pytest.mark.policy("P23")
def test_every_roles_count_of_a_search_equals_its_list(world):
    admin = world.session
    sessions = {"district_admin": admin}
    for role in ("principal", "front_office", "safety_staff", "reviewer"):
        schools = [] if role == "reviewer" else [world.elementary]
        accounts.create_user(admin, UserDraft(username=f"u-{role}", display_name=role, role=role, schools=schools),
                             "a long enough pw")
        sessions[role] = Session(admin.store, accounts.actor_for(admin.store, f"u-{role}"))
    pupil = registry.add_student(admin, StudentDraft(local_id="E00001", first_name="Lee", last_name="Park",
                                                     school_id=world.elementary, grade="3"))
    at_elementary = dict(school_id=world.elementary, students=[{"student_id": pupil, "role": "subject"}],
                         staff=[{"staff_id": world.guard, "role": "lead"}])
    ids = [interactions.log_interaction(admin, world.draft(occurred_at=when, **(at_elementary if n % 2 else {})))
           for n, when in enumerate(["2025-10-03T10:15", "2025-09-12T09:00", "2024-11-04T13:30",
                                     "2025-10-20T11:00", "2025-10-21T11:00", "2024-10-01T08:00"])]
    checked = 0

    def check() -> None:
        nonlocal checked
        for role, session in sessions.items():
            for word in WORDS:
                for filters in ({}, {"school_year": "2025-26"}, {"school_id": world.elementary}):
                    assert interactions.count_interactions(session, InteractionFilter(text=word, **filters)) \
                        == _listed(session, word, **filters), (role, word, filters)
                    checked += 1

    check()
    seen = {role: interactions.count_interactions(s, InteractionFilter(text="seat")) for role, s in sessions.items()}
    assert seen["district_admin"] == seen["reviewer"] == 6
    assert seen["principal"] == seen["front_office"] == seen["safety_staff"] == 3
    interactions.amend_interaction(admin, ids[1], world.draft(narrative="Met in the hallway.", **at_elementary),
                                   "The narrative was wrong")
    interactions.retract_interaction(admin, ids[3], "Logged twice by mistake")
    duplicates.mark_duplicate(admin, "interaction", ids[5], ids[1], "The same incident")
    check()
    # the amended record matches its new words, and still its student's name
    assert interactions.count_interactions(sessions["principal"], InteractionFilter(text="hallway")) == 1
    assert interactions.count_interactions(sessions["principal"], InteractionFilter(text="park")) == 1
    assert interactions.count_interactions(sessions["principal"], InteractionFilter(text="seat")) == 0
    assert interactions.count_interactions(admin, InteractionFilter(text="seat")) == 3
    count("search-count roles", roles=len(sessions), checked=checked, differed=0)
