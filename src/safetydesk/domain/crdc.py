"""The federal Civil Rights Data Collection (CRDC): referrals to law enforcement and school-related
arrests, as counts of students in grades K-12. Pure Python.

Each student is counted once per measure and school in a school year (the CRDC counts students,
not instances; instances are given beside them), at the school they were enrolled in on the date
of their first such incident, with the race and ethnicity, sex, English learner status, grade and
IDEA / Section 504 status of the roster on that date (domain.as_of). A referral to law
enforcement is the ``referral_to_law_enforcement`` activity (a school official reporting the
student); a school-related arrest is an arrest recorded for that student (domain.outcomes).

The counts of one school and measure form two tables with the same columns (disability group x
sex): race and ethnicity by rows, and English learners (yes, no) by rows. The public copy hides
them as P20 does (domain.suppression, domain.suppression_audit); the district's own submission
is unsuppressed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from safetydesk.domain.outcomes import students_with
from safetydesk.domain.vocab import Race

MEASURES = (("referral", "Referral to law enforcement"), ("arrest", "School-related arrest"))
DISABILITY = (("IDEA", "Students with disabilities (IDEA)"), ("504", "Section 504 only"),
              ("WODIS", "Students without disabilities"))
SEXES = (("M", "Male"), ("F", "Female"), ("X", "Nonbinary or not reported"))
RACES = (("HI", "Hispanic or Latino of any race"), ("AM", "American Indian or Alaska Native"),
         ("AS", "Asian"), ("HP", "Native Hawaiian or Other Pacific Islander"),
         ("BL", "Black or African American"), ("WH", "White"), ("TR", "Two or more races"),
         ("NR", "Race and ethnicity not reported"))
RACE_CODES = {Race.AMERICAN_INDIAN: "AM", Race.ASIAN: "AS", Race.PACIFIC_ISLANDER: "HP",
              Race.BLACK: "BL", Race.WHITE: "WH"}
K12 = frozenset({"K", *(str(g) for g in range(1, 13))})
REFERRAL = "referral_to_law_enforcement"


def race_code(d: Mapping[str, Any]) -> str:
    if d.get("hispanic_latino"):
        return "HI"
    races = [r for r in d.get("races") or [] if r in RACE_CODES]
    if len(races) > 1:
        return "TR"
    return RACE_CODES[Race(races[0])] if races else "NR"


def sex_code(d: Mapping[str, Any]) -> str:
    return {"male": "M", "female": "F"}.get(str(d.get("gender_identity") or ""), "X")


def disability_code(d: Mapping[str, Any]) -> str:
    if d.get("iep"):
        return "IDEA"
    return "504" if d.get("section_504") else "WODIS"


def students_for(measure: str, state: Mapping[str, Any]) -> list[str]:
    """The students of one interaction a measure counts."""
    if measure == "arrest":
        return students_with(state, "arrest")
    on_record = {s.get("student_id") for s in state.get("students") or []}
    return list(dict.fromkeys(a.get("student_id", "") for a in state.get("le_activities") or []
                              if a.get("type") == REFERRAL and a.get("student_id") in on_record))


@dataclass(frozen=True)
class Counted:
    """One student counted for one measure: the roster values on the date of the incident."""

    measure: str
    school_id: str
    race: str
    sex: str
    disability: str
    english_learner: bool


def counted(measure: str, version: Mapping[str, Any] | None) -> Counted | None:
    """The student as the CRDC counts them, or None outside grades K-12 (or not on the roster)."""
    if version is None or str(version.get("grade") or "").upper() not in K12:
        return None
    return Counted(measure, str(version.get("school_id") or ""), race_code(version), sex_code(version),
                   disability_code(version), bool(version.get("multilingual")))


COLUMNS = tuple((dis, sex) for dis, _ in DISABILITY for sex, _ in SEXES)


def tables(students: Sequence[Counted]) -> tuple[list[list[int]], list[list[int]]]:
    """For the students of one school and measure: race x (disability, sex), and English learner
    (yes, no) x (disability, sex)."""
    col = {k: i for i, k in enumerate(COLUMNS)}
    race_row = {code: i for i, (code, _) in enumerate(RACES)}
    race = [[0] * len(COLUMNS) for _ in RACES]
    el = [[0] * len(COLUMNS) for _ in range(2)]
    for s in students:
        c = col[(s.disability, s.sex)]
        race[race_row[s.race]][c] += 1
        el[0 if s.english_learner else 1][c] += 1
    return race, el


def csv_header() -> tuple[str, ...]:
    return ("school_code", "school_name", "measure", "disability", "instances",
            *(f"{r}_{s}" for r, _ in RACES for s, _ in SEXES),
            *(f"TOT_{s}" for s, _ in SEXES), *(f"EL_{s}" for s, _ in SEXES))


def csv_rows(code: str, name: str, measure: str, instances: int | None,
             race: Sequence[Sequence[int | None]], race_totals: Sequence[int | None],
             el: Sequence[Sequence[int | None]]) -> list[tuple[str, ...]]:
    """One row per disability group; ``None`` (a hidden count) is written as "*"."""
    def cell(v: int | None) -> str:
        return "*" if v is None else str(v)

    out = []
    for k, (dis, _label) in enumerate(DISABILITY):
        cols = range(k * len(SEXES), (k + 1) * len(SEXES))
        out.append((code, name, measure, dis, cell(instances) if k == 0 else "",
                    *(cell(race[r][c]) for r in range(len(RACES)) for c in cols),
                    *(cell(race_totals[c]) for c in cols), *(cell(el[0][c]) for c in cols)))
    return out
