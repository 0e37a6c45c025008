"""Report assembly: pure functions from figures and records to the blocks of a `ReportDocument`.

Nothing here reads the data file or checks a permission: `safetydesk.services.reports`
gathers what a report says (after its permission checks) and calls these to lay it out;
`safetydesk.reports.render` turns the document into PDF or CSV, and
`safetydesk.reports.produce` runs the whole path for the window and the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from safetydesk.domain.law_enforcement import LeActivityType
from safetydesk.domain.redaction import student_label
from safetydesk.domain.report_model import (
    HIDDEN,
    HIDDEN_NOTE,
    Audience,
    BarChart,
    Block,
    Heading,
    PageBreak,
    Para,
    TableBlock,
)
from safetydesk.domain.suppression import SuppressedTable
from safetydesk.domain.vocab import Action, GenderIdentity, InteractionType, Race, StudentRole


def count_text(v: int | None) -> str:
    return HIDDEN if v is None else f"{v:,}"


def vocab_label(vocab, value: str) -> str:
    return vocab.label_of(value) if value else ""


def when_text(text: str) -> str:
    return (text or "").replace("T", " ")[:16]


def yes_no(v: Any) -> str:
    return "yes" if v else "no"


def _yes_no(yes: str, no: str) -> tuple[tuple[str, str], ...]:
    return (("yes", yes), ("no", no))


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    groups: tuple[tuple[str, str], ...]
    chart: bool = True

    def group_of(self, row: dict[str, Any]) -> str:
        if self.key == "race_ethnicity":
            if row["hispanic_latino"]:
                return "hispanic_latino"
            races = [r for r in row["races"] if r in Race._value2member_map_]
            if len(races) > 1:
                return "two_or_more"
            return races[0] if races else "not_reported"
        if self.key == "gender_identity":
            g = row["gender_identity"]
            return g if g in GenderIdentity._value2member_map_ else GenderIdentity.NOT_PROVIDED.value
        return "yes" if row[self.key] else "no"


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("race_ethnicity", "Race and ethnicity",
              (("hispanic_latino", "Hispanic or Latino (of any race)"), *[(r.value, r.label) for r in Race],
               ("two_or_more", "Two or more races"), ("not_reported", "Not reported"))),
    Dimension("gender_identity", "Gender identity", tuple(GenderIdentity.choices())),
    Dimension("multilingual", "Multilingual learners",
              _yes_no("Multilingual learners", "Not multilingual learners")),
    Dimension("homeless", "Students experiencing homelessness",
              _yes_no("Experiencing homelessness", "Not experiencing homelessness")),
    Dimension("low_income", "Students experiencing poverty",
              _yes_no("Low income", "Not low income")),
    Dimension("iep", "Students with an IEP (special education)", _yes_no("With an IEP", "Without an IEP")),
    Dimension("section_504", "Students with a Section 504 plan",
              _yes_no("With a 504 plan", "Without a 504 plan")),
)


@dataclass(frozen=True)
class Disaggregated:
    """P20 tables after suppression. Columns are schools (ids in ``schools``); for each
    dimension, students involved and enrolment, each a `SuppressedTable`."""

    school_year: str
    threshold: int
    schools: tuple[str, ...]
    school_names: tuple[str, ...]
    involved: tuple[SuppressedTable, ...]
    enrolled: tuple[SuppressedTable, ...]

    def cell(self, d: int, r: int, c: int) -> tuple[int | None, int | None, str]:
        """(involved, enrolled, rate per 100) as published; r == groups: all students; c == schools:
        the district."""
        inv, enr = self.involved[d].shown(r, c), self.enrolled[d].shown(r, c)
        rate = HIDDEN if inv is None or enr is None else ("" if enr == 0 else f"{100 * inv / enr:.1f}")
        return inv, enr, rate


def dimension_rows(t: Disaggregated, d: int, c: int) -> list[tuple]:
    dim = DIMENSIONS[d]
    rows = []
    for r, (_, label) in enumerate(dim.groups):
        inv, enr, rate = t.cell(d, r, c)
        rows.append((label, count_text(inv), count_text(enr), rate))
    inv, enr, rate = t.cell(d, len(dim.groups), c)
    rows.append(("All students", count_text(inv), count_text(enr), rate))
    return rows


def disaggregated_blocks(t: Disaggregated, columns: list[int], *, charts: bool = True,
                          level: int = 1) -> list[Block]:
    blocks: list[Block] = []
    note = HIDDEN_NOTE.format(t=t.threshold)
    district = len(t.schools)
    for c in columns:
        where = "District (all schools)" if c == district else t.school_names[c]
        blocks.append(Heading(where, level))
        first = True
        for d, dim in enumerate(DIMENSIONS):
            rows = dimension_rows(t, d, c)
            blocks.append(TableBlock(
                columns=(dim.title, "Students involved", "Students enrolled", "Per 100 enrolled"),
                rows=tuple(rows), widths=(3.2, 1.3, 1.3, 1.3), numeric=(1, 2, 3), total_rows=1,
                notes=(note,) if d == len(DIMENSIONS) - 1 else ()))
            if charts and c == district and dim.chart and first:
                first = False
        if charts and c == district:
            blocks.extend(rate_charts(t, c))
        blocks.append(PageBreak())
    return blocks


def rate_charts(t: Disaggregated, c: int) -> list[Block]:
    def rate(d: int, r: int) -> float | None:
        inv, enr, _ = t.cell(d, r, c)
        return None if inv is None or enr is None or not enr else round(100 * inv / enr, 2)

    race = DIMENSIONS[0]
    all_r = len(race.groups)
    out: list[Block] = [BarChart(
        "Students involved in law enforcement interactions per 100 enrolled, by race and ethnicity",
        (*(label for _, label in race.groups), "All students"),
        (*(rate(0, r) for r in range(len(race.groups))), rate(0, all_r)), "",
        "A missing bar marked * is hidden to protect student privacy.")]
    labels, values = [], []
    for d, dim in enumerate(DIMENSIONS[2:], start=2):
        labels.append(dim.groups[0][1])
        values.append(rate(d, 0))
    gender = DIMENSIONS[1]
    for r, (_, label) in enumerate(gender.groups):
        labels.append(label)
        values.append(rate(1, r))
    labels.append("All students")
    values.append(rate(0, all_r))
    out.append(BarChart("Per 100 enrolled, by program and gender identity", tuple(labels), tuple(values)))
    return out


def disaggregated_csv(t: Disaggregated, columns: list[int]) -> TableBlock:
    rows = []
    district = len(t.schools)
    for c in columns:
        code = "DISTRICT" if c == district else t.schools[c]
        name = "District (all schools)" if c == district else t.school_names[c]
        for d, dim in enumerate(DIMENSIONS):
            for r, (key, label) in enumerate([*dim.groups, ("all", "All students")]):
                inv, enr, rate = t.cell(d, r, c)
                rows.append((t.school_year, code, name, dim.key, key, label, count_text(inv).replace(",", ""),
                             count_text(enr).replace(",", ""), rate))
    return TableBlock(columns=("school_year", "school_id", "school", "dimension", "group", "group_label",
                               "students_involved", "students_enrolled", "per_100_enrolled"),
                      rows=tuple(rows), csv_name="disaggregated", in_pdf=False)


RACE_LABELS = {"hispanic_latino": "Hispanic or Latino", **{r.value: r.label for r in Race}}


# What an incomplete incident lacks, in words (codes from domain.law_enforcement.incomplete_fields).
MISSING_LABELS = {
    "force_details": "use of force details",
    "responsible_admin": "the administrator responsible for discipline",
    "students": "the students involved",
}


def race_text(d: dict[str, Any]) -> tuple[str, str]:
    races = "; ".join(RACE_LABELS.get(r, r) for r in d.get("races") or [])
    return races, "Hispanic or Latino" if d.get("hispanic_latino") else "Not Hispanic or Latino"


def describe_incident(state: dict[str, Any]) -> str:
    outcomes = [w for w, k in (("discipline", "resulted_in_discipline"), ("use of force", "use_of_force"),
                               ("arrest", "arrest")) if state.get(k)]
    parts = [f"{InteractionType.label_of(state.get('type', ''))} at {state.get('location') or 'school'}",
             "resulting in " + " and ".join(outcomes)]
    acts = [LeActivityType.label_of(a.get("type", "")).lower() for a in state.get("le_activities") or []]
    if acts:
        parts.append("law enforcement activity: " + ", ".join(acts))
    force = state.get("force_details") or {}
    if force.get("types"):
        parts.append("force used: " + ", ".join(t.replace("_", " ") for t in force["types"]))
    return "; ".join(parts) + "."


# Bookkeeping fields a reader of a printout does not need to see named.
QUIET_FIELDS = frozenset({"rules_version", "author", "retract_reason", "compliance_flags"})


def field_label(name: str) -> str:
    """A field name as a reader would say it: "alternatives_considered" -> "alternatives considered"."""
    special = {"le_activities": "law enforcement activities", "section_504": "504 plan", "iep": "IEP",
               "sro_discipline_justification": "SRO discipline justification",
               "consequence_by_staff_id": "who decided the consequence", "school_id": "school",
               "students": "students", "staff": "staff"}
    return special.get(name, name.replace("_id", "").replace("_", " "))


def history_block(entries, family: bool) -> list[Block]:
    rows = []
    for e in entries:
        if e.action == Action.CREATE:
            fields = "the record was created"
        else:
            named = [field_label(k) for k in sorted(e.changes) if k not in QUIET_FIELDS]
            fields = (", ".join(named) or "details")[:160]
        rows.append((when_text(e.wall_time), e.user, Action.label_of(e.action), fields,
                     "" if family else e.reason))
    return [Heading("History of this record", 2),
            TableBlock(("When", "Who", "What", "Fields", "Reason"), tuple(rows), widths=(1.1, 0.9, 0.8, 3, 1.8))]


def students_table(people: list[dict[str, Any]], audience: str, for_student: str, role: bool = True) -> Block:
    rows = []
    n = 0
    for s in people:
        if audience == Audience.FAMILY and s["student_id"] != for_student:
            n += 1
            label, grade = f"Another student ({n})", ""
        else:
            label, grade = student_label(s), s.get("grade") or ""
        rows.append((label, grade, StudentRole.label_of(s.get("role", "")) if role else ""))
    return TableBlock(("Student", "Grade", "Role" if role else ""), tuple(rows), widths=(4, 1, 1.5))


def disclosure_note(audience: str) -> list[Block]:
    if audience == Audience.FAMILY:
        return [Para("Family copy: other students on this record are not named (FERPA).", "note")]
    if audience == Audience.OUTSIDE:
        return [Para("Released outside the school: this release is entered in the student's record of "
                     "disclosures (34 CFR 99.32). It may not be re-disclosed without consent.", "warning")]
    return []
