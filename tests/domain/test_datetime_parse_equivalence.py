"""`parse_local_datetime` reads ISO forms with `datetime.fromisoformat` (issue 14): every text
must give exactly what the `strptime`-only reading gave, the same datetime, None, or the same error."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safetydesk.domain.validation import parse_local_datetime
from support import count, examples


def strptime_only(text):
    """The reading before issue 14, kept here as the reference."""
    text = (text or "").strip()
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def outcome(parse, value):
    try:
        result = parse(value)
    except Exception as error:  # the same error type as before, for whatever the caller passes
        return ("error", type(error))
    return ("value", result, type(result))


def same(value) -> bool:
    old, new = outcome(strptime_only, value), outcome(parse_local_datetime, value)
    assert new == old, f"{value!r}: {new} (was {old})"
    return old[0] == "value" and old[1] is not None


# pieces of date-time texts: ASCII and other digits, one- and two-digit fields, out-of-range values
DIGITS = st.sampled_from([*"0123456789", "٣", "७", "１", "²"])
FIELD = st.one_of(
    st.integers(0, 99).map(lambda n: f"{n:02d}"),
    st.integers(0, 9).map(str),
    st.integers(0, 999).map(str),
    st.text(DIGITS, min_size=1, max_size=3),
)
YEAR = st.one_of(st.integers(0, 9999).map(lambda n: f"{n:04d}"), st.text(DIGITS, min_size=2, max_size=5))
SEPARATOR = st.sampled_from(["T", "t", " ", "  ", "\t", "_", "", "T ", " T"])
DASH = st.sampled_from(["-", "-", "-", "/", "", "--", "−"])
COLON = st.sampled_from([":", ":", ":", ".", "", "::"])
TAIL = st.sampled_from(["", "", "", "Z", "+00:00", ".5", ":00", " ", "\n", "x", "-07:00"])
PAD = st.sampled_from(["", "", " ", "\t", "\n ", "\u00a0", "\u2003"])


@st.composite
def near_iso(draw) -> str:
    text = (draw(YEAR) + draw(DASH) + draw(FIELD) + draw(DASH) + draw(FIELD) + draw(SEPARATOR)
            + draw(FIELD) + draw(COLON) + draw(FIELD))
    if draw(st.booleans()):
        text += draw(COLON) + draw(FIELD)
    return draw(PAD) + text + draw(TAIL) + draw(PAD)


@st.composite
def written(draw) -> str:
    """What SafetyDesk and its forms write: a real datetime in one of the accepted forms."""
    when = draw(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)))
    day = f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
    return draw(st.sampled_from([f"{day}T{when:%H:%M}", f"{day}T{when:%H:%M:%S}", f"{day} {when:%H:%M}"]))


ANY = st.one_of(written(), near_iso(), st.text(max_size=30), st.none(), st.integers(), st.just(""))


@settings(max_examples=examples(ci=3000, dev=400))
@given(ANY)
def test_every_text_reads_as_before(value) -> None:
    parsed = same(value)
    count("datetime-parse", tried=1, parsed=int(parsed))


@settings(max_examples=examples(ci=1000, dev=200))
@given(written())
def test_written_forms_parse_and_agree(text: str) -> None:
    assert same(text)


@pytest.mark.parametrize("text", [
    "2025-10-03T10:15", "2025-10-03T10:15:59", "2025-10-03 10:15", " 2025-10-03T10:15\n",
    "2025-10-03t10:15", "2025-1-3T1:5", "2025-10- 3T10:15", "2025-10-03   10:15", "2025-10-03\t10:15",
    "٢٠٢٥-١٠-٠٣T10:15", "2025-10-03T24:00", "2025-10-03T23:60", "2025-10-03T23:59:60",
    "2025-02-29T10:00", "2024-02-29T10:00", "2025-02-30 10:00", "0000-01-01T00:00", "0001-01-01T00:00",
    "2025-13-01T10:00", "2025-00-10T10:00", "2025-10-03T10:15Z", "2025-10-03T10:15+00:00",
    "2025-10-03T10:15:30.5", "20251003T1015", "2025-10-03 10:15:30", "2025-W40-5T10:15", "2025-10-03",
    "", "   ", None,
])
def test_odd_forms_read_as_before(text) -> None:
    same(text)


def test_a_non_text_fails_as_before() -> None:
    assert outcome(parse_local_datetime, 20251003) == outcome(strptime_only, 20251003)
    assert outcome(parse_local_datetime, 20251003)[0] == "error"
