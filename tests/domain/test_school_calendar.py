"""School-day arithmetic for the complaint acknowledgement deadline (P16)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safetydesk.domain.complaints import acknowledgement_due, response_due
from safetydesk.domain.school_calendar import SchoolCalendar, SchoolCalendarDraft, validate_calendar
from safetydesk.domain.settings import DistrictSettings

PLAIN = SchoolCalendar()
# 2025-26: Veterans Day, Thanksgiving break, winter break (22 Dec - 2 Jan), MLK day.
WINTER = SchoolCalendar.from_days(
    ["2025-11-11", "2025-11-27", "2025-11-28"]
    + [(date(2025, 12, 22) + timedelta(days=n)).isoformat() for n in range(12)]
    + ["2026-01-19"]
)


@pytest.mark.policy("P16")
@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2025, 10, 6), date(2025, 10, 13)),  # Monday -> next Monday
        (date(2025, 10, 10), date(2025, 10, 17)),  # Friday -> next Friday
        (date(2025, 10, 11), date(2025, 10, 17)),  # Saturday: counting starts Monday
        (date(2025, 10, 12), date(2025, 10, 17)),  # Sunday: the same
    ],
)
def test_five_school_days_skip_weekends(received, due):
    assert PLAIN.add_school_days(received, 5) == due


@pytest.mark.policy("P16")
def test_entered_non_school_days_are_skipped():
    # Received Friday 7 Nov 2025; Tuesday 11 Nov is Veterans Day.
    assert PLAIN.add_school_days(date(2025, 11, 7), 5) == date(2025, 11, 14)
    assert WINTER.add_school_days(date(2025, 11, 7), 5) == date(2025, 11, 17)
    # Received the Monday of Thanksgiving week: Thu 27 and Fri 28 are off.
    assert WINTER.add_school_days(date(2025, 11, 24), 5) == date(2025, 12, 3)


@pytest.mark.policy("P16")
def test_deadline_crosses_month_and_year_ends_through_winter_break():
    # Received Thursday 18 Dec 2025: Fri 19 Dec is one school day, then the break until 2 Jan.
    assert WINTER.add_school_days(date(2025, 12, 18), 5) == date(2026, 1, 8)
    # Received during the break, on New Year's Eve.
    assert WINTER.add_school_days(date(2025, 12, 31), 5) == date(2026, 1, 9)
    # Month end without a break: Thu 29 Jan 2026 -> Thu 5 Feb.
    assert WINTER.add_school_days(date(2026, 1, 29), 5) == date(2026, 2, 5)


@pytest.mark.policy("P16")
def test_the_setting_decides_the_number_of_school_days_and_calendar_days():
    s = DistrictSettings(complaint_ack_school_days=3, complaint_response_days=30)
    assert acknowledgement_due(date(2025, 10, 10), PLAIN, s) == date(2025, 10, 15)
    assert response_due(date(2025, 12, 15), {}, s) == date(2026, 1, 14)
    assert response_due(date(2025, 12, 15), {}, DistrictSettings()) == date(2026, 1, 29)  # 45 days
    assert response_due(date(2025, 12, 15), {"extension_days": 90}, DistrictSettings()) == date(2026, 3, 15)


non_school = st.sets(st.dates(min_value=date(2025, 8, 1), max_value=date(2027, 6, 30)), max_size=60)


@pytest.mark.policy("P16")
@settings(max_examples=300, deadline=None)
@given(received=st.dates(min_value=date(2025, 8, 1), max_value=date(2026, 12, 31)),
       n=st.integers(min_value=1, max_value=30), off=non_school)
def test_deadline_is_a_school_day_exactly_n_school_days_after_receipt(received, n, off):
    cal = SchoolCalendar(frozenset(off))
    due = cal.add_school_days(received, n)
    assert due > received
    assert due.weekday() < 5 and due not in off
    assert cal.school_days_between(received, due) == n
    # and it is the first such day: the day before it has only n - 1 school days
    assert cal.school_days_between(received, due - timedelta(days=1)) == n - 1


@pytest.mark.policy("P16")
@settings(max_examples=100, deadline=None)
@given(received=st.dates(min_value=date(2025, 8, 1), max_value=date(2026, 12, 31)), off=non_school)
def test_more_non_school_days_never_make_the_deadline_earlier(received, off):
    fewer = SchoolCalendar(frozenset(list(off)[: len(off) // 2]))
    more = SchoolCalendar(frozenset(off))
    assert more.add_school_days(received, 5) >= fewer.add_school_days(received, 5)


def test_calendar_entries_are_checked():
    ok = SchoolCalendarDraft("2025-26", [{"date": "2025-11-11", "note": "Veterans Day"}])
    assert validate_calendar(ok) == []
    errors = validate_calendar(SchoolCalendarDraft("2025-26", [
        {"date": "2025-13-01"}, {"date": "2026-09-02"}, {"date": "2025-11-11"}, {"date": "2025-11-11"}]))
    messages = " ".join(e.message for e in errors)
    assert "YYYY-MM-DD" in messages and "not in the 2025-26 school year" in messages
    assert "listed twice" in messages
    assert validate_calendar(SchoolCalendarDraft("2025-27", []))[0].field == "school_year"
