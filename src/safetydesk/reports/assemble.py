"""Report assembly: pure functions from figures and records to the blocks of a `ReportDocument`.

Nothing here reads the data file or checks a permission: `safetydesk.services.reports`
gathers what a report says (after its permission checks) and calls these to lay it out;
`safetydesk.reports.render` turns the document into PDF or CSV, and
`safetydesk.reports.produce` runs the whole path for the window and the command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from safetydesk.domain.complaints import ComplaintStatus
from safetydesk.domain.interventions import Ground
from safetydesk.domain.law_enforcement import FlagKind, LeActivityType
from safetydesk.domain.redaction import redact_names, student_label
from safetydesk.domain.report_model import (
    HIDDEN,
    HIDDEN_NOTE,
    Audience,
    BarChart,
    Block,
    Contents,
    Facts,
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
    as_of: str = ""  # the roster's cut-off date (domain.as_of)

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
        if c != district and all(not t.cell(d, r, c)[0] for d, dim in enumerate(DIMENSIONS)
                                 for r in range(len(dim.groups) + 1)):  # every count hidden or zero: one line
            blocks.append(Para(f"All groups under {t.threshold} students: not shown.", "note"))
            continue
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
    "outcome_students": "which students an outcome applied to",
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


@dataclass(frozen=True)
class OspiFigures:
    """What the yearly OSPI collection (P21) says, gathered by `services.reports.ospi_collection`."""

    school_year: str
    district_staff: int
    per_school: int  # buildings with safety and security staff
    summary: Sequence[tuple[Any, ...]]  # per building: name, staff, days per week
    a_rows: Sequence[tuple[Any, ...]]
    b_rows: Sequence[tuple[Any, ...]]
    incident_count: int
    c_rows: Sequence[tuple[Any, ...]]
    incomplete: Sequence[tuple[Any, ...]]
    d_rows: Sequence[tuple[Any, ...]]
    d_total: int
    # Students each outcome applied to (discipline, use of force, arrest), each counted once.
    students_by_outcome: tuple[int, int, int] = (0, 0, 0)


def ospi_blocks(f: OspiFigures) -> list[Block]:
    """The four parts of the OSPI collection, with the summary and the incomplete incidents."""
    school_year, district_staff, summary, a_rows, b_rows = f.school_year, f.district_staff, f.summary, f.a_rows, f.b_rows
    incident_count, c_rows, incomplete, d_rows, d_total = f.incident_count, f.c_rows, f.incomplete, f.d_rows, f.d_total
    totals = (*summary, ("District", str(district_staff), f"{sum(float(r[2]) for r in summary):g}"))
    blocks: list[Block] = [
        Heading("Summary"),
        Para(f"The yearly report to OSPI under RCW 28A.320.1241 for the {school_year} school year, for review "
             "before submission. Each part is also written as its own CSV file for submission."),
        Facts((("Safety and security staff in the district", str(district_staff)),
               ("Buildings with safety and security staff", str(f.per_school)),
               ("Agencies and organizations", str(len(b_rows))),
               ("Incidents with discipline, use of force or arrest", f"{incident_count:,}"),
               ("Students disciplined", f"{f.students_by_outcome[0]:,}"),
               ("Students against whom force was used", f"{f.students_by_outcome[1]:,}"),
               ("Students arrested", f"{f.students_by_outcome[2]:,}"),
               ("Incidents incomplete (listed in part c)", f"{len(incomplete):,}"),
               ("Complaints about safety and security staff", f"{d_total:,}"))),
    ]
    if incomplete:
        blocks.append(Para(f"{len(incomplete):,} incident(s) lack a field the collection requires. They are "
                           "included in part (c) and listed under “Incomplete incidents”: open each record "
                           "by its id to complete it before submitting.", "warning"))
    blocks += [
        Heading("Part (a): safety and security staff"),
        TableBlock(("Building", "Staff", "Days per week (total)"), totals, widths=(4, 1.2, 1.8), numeric=(1, 2),
                   total_rows=1, notes=("A person who works in several buildings is counted in each, and once "
                                        "for the district.",)),
        TableBlock(("Code", "Building", "Staff member", "Category", "Employer", "Agency", "Days/week"),
                   tuple(a_rows), widths=(0.7, 1.9, 1.7, 1.9, 1.3, 1.6, 0.8), numeric=(6,),
                   csv_name="part-a-staff"),
        TableBlock(("Building", "Staff", "Days per week (total)"), totals, csv_name="part-a-totals", in_pdf=False),
        Heading("Part (b): law enforcement agencies and private organizations"),
        TableBlock(("Agency or organization", "Basis", "From", "To", "Status", "Board approval", "Sent to OSPI"),
                   tuple(b_rows), widths=(2, 2.4, 0.9, 0.9, 1.2, 1, 1), csv_name="part-b-agencies"),
        Heading("Part (c): incidents with discipline, use of force or arrest"),
        Para("One row per student involved. Students are not named: each is numbered within its incident, "
             "with the demographics the collection asks for as the roster stood on the incident's date. "
             "Discipline, force and arrest say whether each outcome applied to that student."),
        TableBlock(("Incident", "Date", "Building", "Disc.", "Force", "Arrest", "Student", "Race", "Hispanic",
                    "Gender", "IEP", "504"),
                   tuple((r[0][-8:], r[1], r[3], r[20], r[21], r[22], r[9], r[11] or "Not reported",
                          "yes" if r[12] == "Hispanic or Latino" else "no", r[13], r[17], r[18])
                         for r in c_rows),
                   widths=(0.9, 0.85, 1.6, 0.45, 0.5, 0.55, 0.55, 1.6, 0.65, 0.8, 0.4, 0.4)),
        TableBlock(("incident_id", "date", "school_code", "school", "type", "discipline", "use_of_force", "arrest",
                    "description", "student_number", "student_role", "race", "ethnicity", "gender_identity",
                    "multilingual", "homeless", "low_income", "iep", "section_504", "status",
                    "student_discipline", "student_use_of_force", "student_arrest"),
                   tuple(c_rows), csv_name="part-c-incidents", in_pdf=False),
        Heading("Incomplete incidents", 2),
        TableBlock(("Record id (open it to complete)", "Date", "Building", "Missing"), tuple(incomplete),
                   widths=(2.6, 0.9, 1.8, 2.6), csv_name="part-c-incomplete")
        if incomplete else Para("Every incident has the fields the collection requires."),
        Heading("Part (d): complaints about safety and security staff"),
        TableBlock(("Code", "Building", "Complaints filed", "Open", "Closed"),
                   (*d_rows, ("", "District", str(d_total), str(sum(int(r[3]) for r in d_rows)),
                              str(sum(int(r[4]) for r in d_rows)))),
                   widths=(0.8, 3, 1.3, 1, 1), numeric=(2, 3, 4), total_rows=1, csv_name="part-d-complaints"),
    ]
    return blocks


def interaction_blocks(rec: dict[str, Any], school: dict[str, Any], audience: str, for_student: str) -> list[Block]:
    """One interaction as a printout shows it (without its history). A family copy names only ``for_student``."""
    st = rec["state"]
    family = audience == Audience.FAMILY
    others = [s for s in rec["students"] if s["student_id"] != for_student] if family else []
    outcomes = ", ".join(w for w, k in (("discipline", "resulted_in_discipline"), ("use of force", "use_of_force"),
                                        ("arrest", "arrest")) if st.get(k)) or "none"
    blocks: list[Block] = [*disclosure_note(audience), Facts((
        ("Record", rec["id"]), ("When", when_text(st.get("occurred_at", ""))), ("School", school.get("name", "")),
        ("Where", st.get("location", "")), ("Type", InteractionType.label_of(st.get("type", ""))),
        ("Discipline-related", yes_no(st.get("discipline_related"))),
        ("Responsible administrator", st.get("responsible_admin", "")), ("Outcomes", outcomes),
        ("Staff", "; ".join(f"{s.get('name') or '(unknown)'} ({s.get('role', '')})" for s in rec["staff"])),
        ("Recorded by", st.get("author", "")),
        ("Status", "retracted: " + st.get("retract_reason", "") if st.get("retracted") else "current"))),
        Heading("Students", 2), students_table(rec["students"], audience, for_student),
        Heading("What happened", 2),
        Para(redact_names(st.get("narrative", ""), others) if family else st.get("narrative", ""))]
    acts = [a for a in st.get("le_activities") or [] if not family or a.get("student_id") == for_student]
    if acts:
        blocks += [Heading("Law enforcement activity", 2), TableBlock(
            ("Activity", "Officer and agency", "Authorized by", "Legal basis", "Admin present", "Removed"),
            tuple((LeActivityType.label_of(a.get("type", "")), f"{a.get('officer', '')} {a.get('agency', '')}".strip(),
                   a.get("authorised_by", ""), str(a.get("legal_basis", "")).replace("_", " "),
                   yes_no(a.get("administrator_present")), yes_no(a.get("removed_from_school"))) for a in acts),
            widths=(1.6, 1.8, 1.5, 1.2, 0.8, 0.7))]
    notes = st.get("notifications") or []
    if notes:
        blocks += [Heading("Parent or guardian notification", 2), TableBlock(
            ("When", "How", "By", "Result"), tuple((when_text(n.get("at", "")), n.get("method", ""), n.get("by", ""),
                                                   str(n.get("result", "")).replace("_", " ")) for n in notes),
            widths=(1.3, 1, 2, 2))]
    if rec["flags"] and not family:
        blocks += [Heading("Compliance flags", 2),
                   TableBlock(("Flag", "Detail"), tuple((FlagKind.label_of(f["kind"]), f.get("detail", ""))
                                                        for f in rec["flags"]), widths=(2, 4))]
    if rec["follow_ups"] and not family:
        blocks += [Heading("Follow-ups", 2),
                   TableBlock(("When", "By", "Note"), tuple((when_text(f["written_at"]), f["author"], f["note"])
                                                           for f in rec["follow_ups"]), widths=(1.2, 1, 4))]
    return blocks



def intervention_blocks(rec: dict[str, Any], school: dict[str, Any], audience: str, for_student: str) -> list[Block]:
    """One request for intervention as a printout shows it (without its history). A family copy names only ``for_student``."""
    st = rec["state"]
    family = audience == Audience.FAMILY
    others = [s for s in rec["students"] if s["student_id"] != for_student] if family else []
    requester = "Staff intervened in an emergency" if st.get("self_initiated") else \
        f"{st.get('requester_name', '')} ({st.get('requester_role', '').replace('_', ' ')})"
    blocks: list[Block] = [*disclosure_note(audience), Facts((
        ("Record", rec["id"]), ("Requested", when_text(st.get("requested_at", ""))), ("School", school.get("name", "")),
        ("Where", st.get("location", "")), ("Requested by", requester), ("Ground", Ground.label_of(st.get("ground", ""))),
        ("Staff arrived", when_text(st.get("response_at", ""))), ("Outcome", str(st.get("outcome", "")).replace("_", " ")),
        ("Responding staff", "; ".join(s.get("name") or "" for s in rec["staff"])))),
        Heading("Students", 2), students_table(rec["students"], audience, for_student, role=False),
        Heading("Description", 2),
        Para(redact_names(st.get("description", ""), others) if family else st.get("description", ""))]
    if st.get("outcome_note"):
        blocks.append(Para(redact_names(st["outcome_note"], others) if family else st["outcome_note"]))
    return blocks



def complaint_blocks(rec: dict[str, Any], school: dict[str, Any], audience: str, for_student: str) -> list[Block]:
    """One complaint as a printout shows it (without its history). A family copy names only ``for_student``."""
    st = rec["state"]
    people = rec.get("students") or []
    family = audience == Audience.FAMILY
    complainant = "Anonymous" if st.get("anonymous") else st.get("complainant_name", "")
    blocks: list[Block] = [*disclosure_note(audience), Facts((
        ("Confirmation", st.get("confirmation", "")), ("Received", st.get("received_date", "")),
        ("School", school.get("name", "")), ("Complainant", complainant),
        ("Status", rec.get("status_label", "")), ("Incident", f"{st.get('incident_date', '')} {st.get('incident_place', '')}".strip()),
        ("Staff complained about", "; ".join(s.get("name", "") for s in rec.get("staff") or []) or st.get("staff_description", "")),
        ("Investigator", st.get("investigator", "")), ("Referred to", st.get("referral_agency", ""))))]
    if people:
        rows = []
        for n, s in enumerate(people, 1):
            sid = s.get("student_id") or s.get("id", "")
            rows.append((f"Another student ({n})", "") if family and sid != for_student
                        else (student_label(s), s.get("grade", "")))
        blocks += [Heading("Students", 2), TableBlock(("Student", "Grade"), tuple(rows), widths=(4, 1))]
    blocks += [Heading("Allegations and findings", 2),
               TableBlock(("No.", "Allegation", "Finding"),
                          tuple((a.get("id", ""), a.get("text", ""), str(a.get("finding", "")).replace("_", " "))
                                for a in st.get("allegations") or []), widths=(0.5, 4.5, 1.2))]
    if st.get("narrative"):
        blocks += [Heading("Narrative", 2), Para(st["narrative"])]
    return blocks


@dataclass(frozen=True)
class BoardFigures:
    """What the annual board report (P22) says, gathered by `services.reports.board_report`."""

    school_year: str
    district: str
    training: dict[str, Any]  # services.policy_training.training_summary
    statuses: Sequence[Any]  # domain.start_of_year.SchoolYearStatus per school
    agreements: Sequence[dict[str, Any]]
    ospi_facts: Block  # the summary facts of the OSPI collection
    complaints_by_status: dict[str, int]
    grounds: dict[str, int]  # intervention requests by ground
    climate_per_staff: dict[tuple[str, str], int]  # (staff name, school name) -> activities
    flags: dict[str, int]  # open compliance flags by kind
    compliance: Sequence[Block]  # the compliance status section
    disaggregated: Disaggregated


def board_blocks(f: BoardFigures) -> list[Block]:
    """The board report's sections, in order, with its contents and charts."""
    school_year, district, tr, statuses, ags = f.school_year, f.district, f.training, f.statuses, f.agreements
    by_status, grounds, per_staff, flags, t = (f.complaints_by_status, f.grounds, f.climate_per_staff, f.flags,
                                               f.disaggregated)
    blocks: list[Block] = [
        Para(f"Annual report of the superintendent to the board of directors of {district or 'the district'} "
             f"on the safety and security services program (Policy 4311) for the {school_year} school year: "
             "the communication and training plan for staff, the start-of-year obligations of each school, "
             "agreements with law enforcement agencies, the figures reported to OSPI, complaints, requests "
             "for intervention, compliance, and the disaggregated data the policy asks the district to "
             "publish for community review. Figures describe no individual student."),
        Contents(), PageBreak()]

    blocks += [Heading("1. Staff training on Policy 4311"),
               Facts((("Training sessions", str(tr["sessions"])), ("Total attendance", f"{tr['attendance']:,}"))),
               TableBlock(("Date", "Topic", "Trainer", "Audience", "Attended"),
                          tuple((r.get("date", ""), r.get("topic", ""), r.get("trainer", ""),
                                 ", ".join(a.replace("_", " ") for a in r.get("audiences") or []),
                                 str(r.get("attendance", 0))) for r in tr["rows"]),
                          widths=(0.9, 2.6, 1.6, 1.8, 0.8), numeric=(4,))
               if tr["rows"] else Para("No training session on the policy is recorded for this year.", "warning")]
    if tr["attendance_by_audience"]:
        aud = sorted(tr["attendance_by_audience"].items())
        blocks.append(BarChart("Attendance by audience", tuple(a.replace("_", " ").capitalize() for a, _ in aud),
                               tuple(float(v) for _, v in aud)))
    blocks += [Heading("2. Start-of-year obligations by school"),
               Para("Each school with safety and security staff presents their role to students and families "
                    "(P03, P04) and runs the gun safety campaign (P05); gun safes are counted, never listed."),
               TableBlock(("School", "Safety staff", "Role information", "Presentations", "Distributions",
                           "Gun safety campaign", "Gun safes requested", "Provided"),
                          tuple((s.school_name, yes_no(s.has_safety_staff), s.role_information.replace("_", " "),
                                 str(s.presentations), str(s.distributions), s.campaign.replace("_", " "),
                                 str(s.gun_safes_requested), str(s.gun_safes_provided)) for s in statuses),
                          widths=(2.2, 0.7, 1.1, 0.9, 0.9, 1.1, 0.9, 0.7), numeric=(3, 4, 6, 7))]
    blocks += [Heading("3. Agreements with law enforcement agencies"),
               TableBlock(("Agency", "In effect", "Public comment", "Board approval", "Status", "Sent to OSPI"),
                          tuple((a["agency"], f"{a.get('effective_start', '')} to {a.get('effective_end', '')}",
                                 f"{a.get('comment_start', '')} to {a.get('comment_end', '')}",
                                 f"{a.get('board_approval_date', '')} {a.get('board_resolution', '')}".strip(),
                                 a["status"], a.get("sent_to_ospi_date", "")) for a in ags),
                          widths=(1.8, 1.8, 1.8, 1.3, 1.1, 0.9))
               if ags else Para("No agreement with a law enforcement agency is on record.")]
    blocks += [Heading("4. Figures reported to OSPI (RCW 28A.320.1241)"), f.ospi_facts]
    statuses_order = [s for s in ComplaintStatus if s.value in by_status]
    blocks += [Heading("5. Complaints about safety and security staff"),
               TableBlock(("Status", "Complaints"),
                          (*((s.label, str(by_status[s.value])) for s in statuses_order),
                           ("All complaints", str(sum(by_status.values())))),
                          widths=(4, 1.2), numeric=(1,), total_rows=1)]
    if by_status:
        blocks.append(BarChart("Complaints by status", tuple(s.label for s in statuses_order),
                               tuple(float(by_status[s.value]) for s in statuses_order)))
    blocks += [Heading("6. Requests for intervention by ground (P09)"),
               TableBlock(("Ground", "Requests"),
                          (*((Ground.label_of(g), f"{n:,}") for g, n in sorted(grounds.items())),
                           ("All requests", f"{sum(grounds.values()):,}")), widths=(4, 1.2), numeric=(1,),
                          total_rows=1)]
    if grounds:
        blocks.append(BarChart("Requests for intervention by ground", tuple(Ground.label_of(g) for g in sorted(grounds)),
                               tuple(float(grounds[g]) for g in sorted(grounds))))
    if per_staff:
        blocks += [Heading("Climate activities per staff member and school (P10)", 2),
                   TableBlock(("Staff member", "School", "Activities"),
                              tuple((k[0], k[1], str(v)) for k, v in sorted(per_staff.items())),
                              widths=(2.5, 2.5, 1), numeric=(2,))]
    blocks += [Heading("7. Compliance flags (P02, P07, P12, P13)"),
               TableBlock(("Flag", "Open on this year's records"),
                          tuple((k.label, str(flags.get(k.value, 0))) for k in FlagKind), widths=(4.5, 1.5),
                          numeric=(1,)),
               BarChart("Open compliance flags", tuple(k.label.split(" (")[0] for k in FlagKind),
                        tuple(float(flags.get(k.value, 0)) for k in FlagKind))]
    blocks += list(f.compliance)
    blocks += [PageBreak(), Heading("8. Law enforcement interactions: disaggregated data (P20)"),
               Para(f"Students involved in law enforcement interactions beside enrollment, district-wide and by "
                    f"school, with the roster as it stood on {t.as_of}. Counts below {t.threshold}, and those "
                    "that would reveal them, are not shown."),
               *disaggregated_blocks(t, [len(t.schools), *range(len(t.schools))], level=2)]
    return blocks


def data_as_of_blocks(rows: Sequence[tuple[str, str, str]]) -> list[Block]:
    """District view (issue 17): as of when each workstation's entries are in the report.

    ``rows``: (workstation, schools it serves, when it last synced), from the sync bookkeeping.
    """
    if not rows:
        return []
    return [
        Heading("Data as of", level=1),
        Para("This report counts every entry that had reached this workstation when it was made. "
             "Each workstation's entries are included up to the last time it synced; entries "
             "made there since are not in it."),
        TableBlock(columns=("Workstation", "Schools", "Last synced"),
                   rows=tuple(tuple(r) for r in rows), widths=(3, 4, 2), csv_name="data-as-of"),
    ]
