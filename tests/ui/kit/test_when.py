"""The one date-and-time field: what people type, read as they mean it; empty is empty."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from safetydesk.ui.kit.when import (
    WhenField,
    WhenNotUnderstood,
    parse_day,
    parse_when,
    shown,
    stored,
)
from support import count, examples

NOW = datetime(2026, 12, 1, 17, 52, 31)

TYPED = [
    ("now", datetime(2026, 12, 1, 17, 52)),
    ("Now", datetime(2026, 12, 1, 17, 52)),
    ("12/1 5:40 pm", datetime(2026, 12, 1, 17, 40)),
    ("12/1 5:40pm", datetime(2026, 12, 1, 17, 40)),
    ("12/1/2026 17:40", datetime(2026, 12, 1, 17, 40)),
    ("12/1/26 5:40 PM", datetime(2026, 12, 1, 17, 40)),
    ("2026-12-01 17:40", datetime(2026, 12, 1, 17, 40)),
    ("2026-12-01T17:40", datetime(2026, 12, 1, 17, 40)),
    ("today 9am", datetime(2026, 12, 1, 9, 0)),
    ("today at 9:05 am", datetime(2026, 12, 1, 9, 5)),
    ("yesterday 3:15 pm", datetime(2026, 11, 30, 15, 15)),
    ("12am", datetime(2026, 12, 1, 0, 0)),
    ("12:30 pm", datetime(2026, 12, 1, 12, 30)),
    ("11/28 8:00", datetime(2026, 11, 28, 8, 0)),
    ("12/30 8am", datetime(2026, 12, 30, 8, 0)),  # within a month ahead: this year's (refused as future)
    ("", None),
    ("   ", None),
]
NOT_UNDERSTOOD = ["Not recorded20261201 05:45", "13/45 5pm", "2026-02-30 10:00", "today",
                  "12/1", "25:00", "13pm", "soon", "2026-12-01 17:40 extra"]


@pytest.mark.parametrize(("text", "expected"), TYPED)
def test_typed_forms_are_read_as_people_mean_them(text, expected):
    assert parse_when(text, NOW) == expected
    count("ui-when-typed", tried=1, caught=1)


@pytest.mark.parametrize("text", NOT_UNDERSTOOD)
def test_what_cannot_be_read_is_refused_with_what_to_type(text):
    with pytest.raises(WhenNotUnderstood) as raised:
        parse_when(text, NOW)
    assert "for example" in raised.value.message or "calendar" in raised.value.message \
        or "time of day" in raised.value.message or "1 to 12" in raised.value.message
    count("ui-when-refused", tried=1, caught=1)


def test_a_date_typed_in_january_for_late_december_is_last_year():
    assert parse_when("12/30 8am", datetime(2027, 1, 3, 9, 0)) == datetime(2026, 12, 30, 8, 0)


@settings(max_examples=examples(ci=1000, dev=50), deadline=None)
@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 12, 31)))
def test_what_the_field_shows_reads_back_as_the_same_moment(moment):
    moment = moment.replace(second=0, microsecond=0)
    assert parse_when(shown(moment), NOW) == moment
    assert parse_when(stored(moment), NOW) == moment


def _field(qtbot, **kw) -> WhenField:
    field = WhenField("at", now=lambda: NOW, **kw)
    qtbot.addWidget(field)
    field.show()
    return field


def test_the_field_starts_visibly_empty_and_typing_never_mixes_with_a_special_text(qtbot):
    field = _field(qtbot)
    assert field.line.text() == "" and field.value() == ""
    assert field.line.placeholderText().startswith("Not recorded")
    qtbot.keyClicks(field.line, "20261201 05:45")
    assert "Not recorded" not in field.line.text()
    assert field.value() == "" and "not a" in field.problem()
    field.line.clear()
    qtbot.keyClicks(field.line, "12/1 5:40 pm")
    assert field.value() == "2026-12-01T17:40" and field.problem() == ""
    assert "Tuesday, December 1, 2026, 5:40 PM" in field.reading.text()  # US style
    field.line.editingFinished.emit()
    assert field.line.text() == "12/1/2026 5:40 PM"


def test_the_up_arrow_does_not_jump_to_the_year_2000(qtbot):
    field = _field(qtbot)
    field.line.setFocus()
    qtbot.keyClick(field.line, Qt.Key.Key_Up)
    assert field.value() == ""  # an empty field stays empty


def test_now_button_and_ctrl_t_fill_in_the_present(qtbot):
    field = _field(qtbot)
    qtbot.mouseClick(field.now_button, Qt.MouseButton.LeftButton)
    assert field.value() == "2026-12-01T17:52"
    field.line.clear()
    qtbot.keyClick(field.line, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert field.value() == "2026-12-01T17:52"


def test_a_time_in_the_future_or_before_the_interaction_is_explained(qtbot):
    field = _field(qtbot, what="The attorney consultation")
    field.after = lambda: (datetime(2026, 12, 1, 17, 40), "the interaction's time")
    field.set_value("2026-12-01T17:06")
    assert field.problem() == ("The attorney consultation (12/1/2026 5:06 PM) is 34 minutes before "
                               "the interaction's time.")
    assert field.reading.isVisible() and field.reading.property("role") == "fieldError"
    field.set_value("2026-12-02T09:00")
    assert "in the future" in field.problem()
    field.set_value("2026-12-01T17:45")
    assert field.problem() == ""


def test_a_required_field_left_empty_says_so(qtbot):
    field = _field(qtbot, optional=False, what="The date and time")
    assert field.problem().startswith("The date and time is needed")


@pytest.mark.parametrize("typed, day", [
    ("12/1", date(2026, 12, 1)), ("12/1/2026", date(2026, 12, 1)), ("2026-12-01", date(2026, 12, 1)),
    ("today", date(2026, 12, 1)), ("Yesterday", date(2026, 11, 30)), ("3/15", date(2026, 3, 15)),
    ("1/5/26", date(2026, 1, 5))])
def test_a_day_is_typed_as_people_type_it(typed, day):
    assert parse_day(typed, NOW.date()) == day


@pytest.mark.parametrize("typed", ["2/30/2026", "13/1", "soon", "12/1 5pm"])
def test_a_day_not_understood_says_what_to_type(typed):
    with pytest.raises(WhenNotUnderstood) as raised:
        parse_day(typed, NOW.date())
    assert "12/1/2026" in raised.value.message or "calendar" in raised.value.message


def test_the_day_field_checks_the_future_and_the_day_it_must_follow(qtbot):
    field = _field(qtbot, dates_only=True, what="The date received")
    assert field.now_button.text() == "Today"
    qtbot.mouseClick(field.now_button, Qt.MouseButton.LeftButton)
    assert field.value() == "2026-12-01" and field.line.text() == "12/1/2026"
    field.after = lambda: (datetime(2026, 11, 28), "the incident date")
    field.line.setText("11/27")
    assert field.problem() == "The date received (11/27/2026) is 1 day before the incident date."
    field.line.setText("12/2")
    assert "in the future" in field.problem()
