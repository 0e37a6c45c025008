"""The family copy of a record names no other student; an outside copy is a disclosure (P24).

Properties over generated rosters and narratives: whatever the names, however
they are written into the free text, the family copy of a printout shows no
other student's first or last name, neither in its tables nor in its text.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.redaction import (
    ANOTHER_STUDENT,
    printout_audience,
    redact_names,
    student_label,
)
from safetydesk.domain.report_model import Audience, TableBlock
from safetydesk.reports.assemble import students_table
from support import count, examples

# Names as rosters hold them: capitalised, sometimes hyphenated or with an apostrophe.
_part = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéñ", min_size=1, max_size=8)
NAME = st.builds(lambda a, b, sep: (a[0].upper() + a[1:] + (sep + b.capitalize() if sep else "")),
                 _part.filter(lambda s: len(s) >= 2), _part, st.sampled_from(["", "", "-", "'"]))
STUDENT = st.fixed_dictionaries({"first_name": NAME, "last_name": NAME,
                                 "local_id": st.text(alphabet="0123456789", min_size=0, max_size=6)})
FILLER = st.sampled_from(["was in the hallway with", "and", "said that", "told staff,", "then left.", "(",
                          ")", "near the gym;", "—", "\n", "saw"])


def _roster(students: list[dict[str, str]]) -> list[dict[str, str]]:
    return [s | {"student_id": f"s{n}", "role": "subject" if n == 0 else "witness", "grade": "9"}
            for n, s in enumerate(students)]


def _distinct(students: list[dict[str, str]]) -> bool:
    names = [w for s in students for w in (s["first_name"], s["last_name"])]
    return len({n.lower() for n in names}) == len(names)


def _named(word: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(word)}\b", text) is not None


@pytest.mark.policy("P24")
@settings(max_examples=examples(ci=1000, dev=60), deadline=None)
@given(students=st.lists(STUDENT, min_size=2, max_size=5).filter(_distinct), data=st.data())
def test_no_other_students_name_survives_in_family_free_text(students, data):
    people = _roster(students)
    own = data.draw(st.sampled_from(people))
    others = [p for p in people if p is not own]
    words = [p[k] for p in people for k in ("first_name", "last_name")]
    text = " ".join(data.draw(st.lists(st.one_of(st.sampled_from(words), FILLER), min_size=1, max_size=25)))
    shown = redact_names(text, others)
    leaked = [w for p in others for w in (p["first_name"], p["last_name"]) if _named(w, shown)]
    count("redaction-family-text", examples=1, names_written=sum(_named(w, text) for w in words),
          leaked=len(leaked))
    assert leaked == []


@pytest.mark.policy("P24")
@settings(max_examples=examples(ci=500, dev=40), deadline=None)
@given(students=st.lists(STUDENT, min_size=1, max_size=6).filter(_distinct), data=st.data())
def test_family_table_names_only_the_familys_student(students, data):
    people = _roster(students)
    own = data.draw(st.sampled_from(people))
    table = students_table(people, Audience.FAMILY, own["student_id"])
    assert isinstance(table, TableBlock)
    cells = " | ".join(str(c) for row in table.rows for c in row)
    # Other students' rows (the family's own student may share a name part with another); their
    # label and grade, not the role column, whose words ("Witness") a generated name may equal.
    other_rows = " | ".join(str(c) for row in table.rows if row[0] != student_label(own) for c in row[:2])
    leaked = [w for p in people if p is not own for w in (p["first_name"], p["last_name"])
              if _named(w, other_rows)]
    count("redaction-family-table", examples=1, others=len(people) - 1, leaked=len(leaked))
    assert leaked == []
    assert student_label(own) in cells
    assert sum("Another student" in str(row[0]) for row in table.rows) == len(people) - 1


@settings(max_examples=examples(ci=300, dev=30), deadline=None)
@given(students=st.lists(STUDENT, min_size=1, max_size=4).filter(_distinct))
def test_staff_and_outside_tables_name_every_student(students):
    people = _roster(students)
    for audience in (Audience.STAFF, Audience.OUTSIDE):
        cells = " | ".join(str(c) for row in students_table(people, audience, "").rows for c in row)
        assert all(student_label(p) in cells for p in people)


def test_redaction_collapses_neighbouring_names_and_skips_single_letters():
    others = [{"first_name": "Avery", "last_name": "Quinn"}, {"first_name": "J", "last_name": "Li"}]
    assert redact_names("Avery Quinn pushed J Li.", others) == f"{ANOTHER_STUDENT} pushed J {ANOTHER_STUDENT}."
    assert redact_names("Quinnton stayed.", others) == "Quinnton stayed."  # whole words only
    assert redact_names("Sam Ortiz saw Avery.", others) == f"Sam Ortiz saw {ANOTHER_STUDENT}."  # own name kept


@pytest.mark.policy("P24")
def test_printout_audience_rules():
    ids = ["s1", "s2"]
    assert printout_audience(Audience.STAFF, "", ids) == Audience.STAFF
    assert printout_audience(Audience.OUTSIDE, "", ids) == Audience.OUTSIDE
    assert printout_audience(Audience.FAMILY, "s2", ids) == Audience.FAMILY
    with pytest.raises(ValidationFailed, match="which student's family"):
        printout_audience(Audience.FAMILY, "s9", ids)
    with pytest.raises(ValidationFailed, match="staff, the family or"):
        printout_audience(Audience.PUBLIC, "", ids)
    with pytest.raises(ValidationFailed):
        printout_audience("newspaper", "", ids)
