"""Logging, amending, retracting, listing and searching interactions through the services."""

import pytest

from safetydesk.domain.errors import NotFound, PermissionDenied, SafetyDeskError, ValidationFailed
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.records import UserDraft
from safetydesk.services import accounts, interactions
from safetydesk.services.context import Session


@pytest.mark.policy("P06")
def test_an_interaction_with_several_students_and_staff_is_saved_whole(world):
    s = world.session
    draft = world.draft(
        students=[{"student_id": world.students[0], "role": "subject"},
                  {"student_id": world.students[1], "role": "victim"},
                  {"student_id": world.students[2], "role": "witness"}],
        staff=[{"staff_id": world.sro, "role": "lead"}, {"staff_id": world.guard, "role": "assisting"}],
        discipline_related=True, responsible_admin="Dr. Lena Ortiz, assistant principal",
        resulted_in_discipline=True,
    )
    iid = interactions.log_interaction(s, draft)
    shown = interactions.get_interaction(s, iid)
    assert {(p["first_name"], p["role"]) for p in shown["students"]} == {
        ("Avery", "subject"), ("Rowan", "victim"), ("Kai", "witness")}
    assert {p["name"] for p in shown["staff"]} == {"Officer Morgan Vale", "Jess Okafor"}
    assert shown["state"]["author"] == "admin" and shown["state"]["rules_version"]
    for student in world.students:  # each student finds the record
        assert [r["id"] for r in interactions.list_interactions(s, InteractionFilter(student_id=student))] == [iid]


@pytest.mark.policy("P06")
def test_discipline_related_without_administrator_is_refused_and_nothing_saved(world):
    s = world.session
    before = s.store.history_count()
    with pytest.raises(ValidationFailed) as info:
        interactions.log_interaction(s, world.draft(discipline_related=True))
    assert [e.field for e in info.value.errors] == ["responsible_admin"]
    assert "was not saved" in info.value.message
    assert s.store.history_count() == before


@pytest.mark.policy("P25")
def test_amendment_keeps_before_and_after_and_needs_a_reason(world):
    s = world.session
    iid = interactions.log_interaction(s, world.draft())
    draft = interactions.get_interaction(s, iid)["draft"]
    draft.narrative = "Corrected: three students argued over a seat."
    with pytest.raises(ValidationFailed, match="why"):
        interactions.amend_interaction(s, iid, draft, "  ")
    assert interactions.amend_interaction(s, iid, draft, "Third student omitted") == ["narrative"]
    history = interactions.interaction_history(s, iid)
    assert history[-1].changes["narrative"][0].startswith("Two students")
    assert history[-1].changes["narrative"][1].startswith("Corrected")
    assert interactions.amend_interaction(s, iid, draft, "no change") == []


def test_amending_a_record_changed_meanwhile_is_refused(world):
    s = world.session
    iid = interactions.log_interaction(s, world.draft())
    opened = interactions.get_interaction(s, iid)
    first = opened["draft"]
    first.location = "Gym"
    interactions.amend_interaction(s, iid, first, "moved", expected_version=opened["version"])
    second = opened["draft"]
    second.location = "Library"
    with pytest.raises(SafetyDeskError, match="changed this interaction after you opened it"):
        interactions.amend_interaction(s, iid, second, "moved", expected_version=opened["version"])
    assert interactions.get_interaction(s, iid)["state"]["location"] == "Gym"


@pytest.mark.policy("P25")
def test_retraction_keeps_the_original_and_the_reason(world):
    s = world.session
    iid = interactions.log_interaction(s, world.draft())
    interactions.retract_interaction(s, iid, "Logged twice by mistake")
    assert interactions.list_interactions(s, InteractionFilter()) == []
    kept = interactions.list_interactions(s, InteractionFilter(include_retracted=True))
    assert [r["id"] for r in kept] == [iid] and kept[0]["retracted"] == 1
    state = interactions.get_interaction(s, iid)["state"]
    assert state["retracted"] is True and state["retract_reason"] == "Logged twice by mistake"
    assert state["narrative"].startswith("Two students")
    with pytest.raises(SafetyDeskError, match="retracted"):
        interactions.amend_interaction(s, iid, interactions.get_interaction(s, iid)["draft"], "x")


def test_search_finds_narrative_words_prefixes_and_student_names(world):
    s = world.session
    a = interactions.log_interaction(s, world.draft(narrative="Vaping in the east bathroom."))
    b = interactions.log_interaction(s, world.draft(
        narrative="Escorted to the nurse.", students=[{"student_id": world.students[1], "role": "subject"}]))
    ids = lambda text: {r["id"] for r in interactions.list_interactions(s, InteractionFilter(text=text))}  # noqa: E731
    assert ids("vaping") == {a}
    assert ids("bathr") == {a}
    assert ids("tanaka") == {b}
    assert ids("row") == {b}
    assert ids('"; DROP TABLE interactions; --') == set()
    assert interactions.count_interactions(s, InteractionFilter(text="nurse")) == 1


def test_filters_by_school_year_and_outcome(world):
    s = world.session
    interactions.log_interaction(s, world.draft(occurred_at="2024-05-01T09:00"))
    interactions.log_interaction(s, world.draft(occurred_at="2025-10-01T09:00", use_of_force=True))
    assert interactions.count_interactions(s, InteractionFilter(school_year="2023-24")) == 1
    assert interactions.count_interactions(s, InteractionFilter(outcome="use_of_force")) == 1
    assert interactions.count_interactions(s, InteractionFilter(date_from="2025-10-01", date_to="2025-10-01")) == 1


def test_paging_returns_every_row_once_newest_first(world):
    s = world.session
    for day in range(1, 26):
        interactions.log_interaction(s, world.draft(occurred_at=f"2025-10-{day:02d}T09:00"))
    pages = [interactions.list_interactions(s, InteractionFilter(), offset, 10) for offset in (0, 10, 20)]
    whens = [r["occurred_at"] for page in pages for r in page]
    assert len(whens) == 25 and whens == sorted(whens, reverse=True)


def _user(world, username, role, schools):
    accounts.create_user(world.session, UserDraft(username=username, display_name=username, role=role,
                                                  schools=schools), "a long enough pw")
    return Session(world.session.store, accounts.actor_for(world.session.store, username))


@pytest.mark.policy("P23")
def test_front_office_sees_and_logs_only_at_its_own_school(world):
    office = _user(world, "office1", "front_office", [world.elementary])
    at_high = interactions.log_interaction(world.session, world.draft())
    assert interactions.list_interactions(office, InteractionFilter()) == []
    with pytest.raises(PermissionDenied):
        interactions.get_interaction(office, at_high)
    with pytest.raises(PermissionDenied):
        interactions.log_interaction(office, world.draft())
    with pytest.raises(PermissionDenied):
        interactions.retract_interaction(office, at_high, "no")


@pytest.mark.policy("P23")
def test_a_reviewer_reads_but_cannot_write(world):
    reviewer = _user(world, "rev", "reviewer", [])
    iid = interactions.log_interaction(world.session, world.draft())
    assert interactions.get_interaction(reviewer, iid)["id"] == iid
    with pytest.raises(PermissionDenied, match="not allowed to log interaction"):
        interactions.log_interaction(reviewer, world.draft())


def test_unknown_record_is_a_plain_not_found(world):
    with pytest.raises(NotFound, match="does not exist"):
        interactions.get_interaction(world.session, "01ARZ3NDEKTSV4RRFFQ69G5FAV")


