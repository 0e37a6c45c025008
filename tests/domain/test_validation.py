from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetydesk.domain.clock import HybridClock, Stamp
from safetydesk.domain.ids import is_id, new_id
from safetydesk.domain.records import InteractionDraft, diff_states
from safetydesk.domain.validation import Known, school_year_of, validate_interaction

KNOWN = Known(
    schools={"sch": "Birch High School"},
    staff={"sro": "sro"},
    students={"s1": "sch", "s2": "sch"},
    now=datetime(2025, 11, 1, 12, 0),
)


def good(**overrides) -> InteractionDraft:
    base = dict(
        occurred_at="2025-10-03T10:15", school_id="sch", location="Cafeteria", type="escort",
        narrative="Walked a student to the office.", students=[{"student_id": "s1", "role": "subject"}],
        staff=[{"staff_id": "sro", "role": "lead"}],
    )
    base.update(overrides)
    return InteractionDraft(**base)


def fields_of(errors):
    return {e.field for e in errors}


def test_a_complete_interaction_is_valid():
    assert validate_interaction(good(), KNOWN) == []


@pytest.mark.policy("P06")
def test_discipline_related_needs_the_responsible_administrator():
    errors = validate_interaction(good(discipline_related=True), KNOWN)
    assert fields_of(errors) == {"responsible_admin"}
    assert "administrator responsible" in errors[0].message
    assert validate_interaction(good(discipline_related=True, responsible_admin="Ms. Park"), KNOWN) == []


@pytest.mark.policy("P06")
def test_resulting_in_discipline_makes_it_discipline_related():
    errors = validate_interaction(good(resulted_in_discipline=True, responsible_admin="Ms. Park"), KNOWN)
    assert fields_of(errors) == {"discipline_related"}


@pytest.mark.policy("P06")
def test_several_students_each_need_a_role_and_are_not_repeated():
    two = [{"student_id": "s1", "role": "subject"}, {"student_id": "s2", "role": "witness"}]
    assert validate_interaction(good(students=two), KNOWN) == []
    repeated = [{"student_id": "s1", "role": "subject"}, {"student_id": "s1", "role": "victim"}]
    assert "listed twice" in validate_interaction(good(students=repeated), KNOWN)[0].message
    no_role = [{"student_id": "s1", "role": ""}]
    assert fields_of(validate_interaction(good(students=no_role), KNOWN)) == {"students"}


@pytest.mark.policy("P01")
def test_staff_must_be_registered():
    errors = validate_interaction(good(staff=[{"staff_id": "stranger", "role": "lead"}]), KNOWN)
    assert fields_of(errors) == {"staff"}
    assert "staff registry" in errors[0].message


@pytest.mark.parametrize(
    ("when", "fragment"),
    [("", "Enter the date"), ("yesterday", "YYYY-MM-DD"), ("1999-12-31T10:00", "before 2000"),
     ("2026-01-01T10:00", "future")],
)
def test_bad_dates_are_explained(when, fragment):
    errors = validate_interaction(good(occurred_at=when), KNOWN)
    assert fields_of(errors) == {"occurred_at"}
    assert fragment in errors[0].message


def test_every_missing_field_is_reported_at_once():
    errors = validate_interaction(InteractionDraft(), KNOWN)
    assert fields_of(errors) >= {"occurred_at", "school_id", "location", "type", "staff", "students", "narrative"}
    assert all(e.message.endswith(".") or e.message.endswith(")") for e in errors)


@pytest.mark.parametrize(("day", "year"), [(date(2025, 8, 31), "2024-25"), (date(2025, 9, 1), "2025-26"),
                                           (date(2026, 1, 15), "2025-26"), (date(2009, 9, 1), "2009-10")])
def test_school_year_runs_september_to_august(day, year):
    assert school_year_of(day) == year


def test_ids_are_unique_sortable_ulids():
    a, b = new_id(now_ms=1000), new_id(now_ms=2000)
    assert is_id(a) and is_id(b) and a < b
    assert len({new_id() for _ in range(1000)}) == 1000


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=50))
def test_clock_never_goes_backwards_even_when_the_wall_clock_does(jumps):
    walls = iter([1_000_000 - j * 1000 for j in jumps])
    clock = HybridClock("dev", wall=lambda: next(walls))
    stamps = [clock.now() for _ in jumps]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_clock_moves_past_a_remote_stamp():
    clock = HybridClock("a", wall=lambda: 100)
    clock.observe(Stamp(5000, 7, "b").encode())
    assert Stamp.decode(clock.now()) > Stamp(5000, 7, "b")


def test_diff_lists_only_changed_fields():
    assert diff_states({"a": 1, "b": 2}, {"a": 1, "b": 3}) == {"b": [2, 3]}
    assert diff_states(None, {"a": 1}) == {"a": [None, 1]}
