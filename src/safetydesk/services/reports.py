"""Reports (P20-P22, P24): what each report says, computed from the store, and saving the files.

Each report is a service function ``report(session, ..., progress=None, cancelled=None)``
that returns a `ReportDocument`; `safetydesk.reports` lays it out as PDF or CSV
(`reports.render`), and `save` writes the files: audit entries (and, for
someone outside the school, the record of disclosure with the file's SHA-256)
first, then the files. ``progress(done, total)`` is called as work advances;
``cancelled()`` returning True stops the work with `ReportCancelled`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from safetydesk.atomic import write_atomically
from safetydesk.domain.complaints import ComplaintStatus
from safetydesk.domain.disclosures import DisclosureBasis, DisclosureDraft
from safetydesk.domain.errors import NotFound, SafetyDeskError, ValidationFailed
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.interventions import Ground
from safetydesk.domain.law_enforcement import FlagKind, LeActivityType, incomplete_fields
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import InteractionDraft
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
    Rendered,
    ReportDocument,
    ReportKind,
    TableBlock,
)
from safetydesk.domain.start_of_year import staff_serves_year
from safetydesk.domain.suppression import SuppressedTable, extended, suppress_tables
from safetydesk.domain.validation import FieldError, school_year_of
from safetydesk.domain.vocab import (
    Action,
    EmployerType,
    GenderIdentity,
    InteractionType,
    Race,
    StaffCategory,
    StudentRole,
)
from safetydesk.services import agreements as agreements_service
from safetydesk.services import climate as climate_service
from safetydesk.services import complaints as complaints_service
from safetydesk.services import disclosures as disclosures_service
from safetydesk.services import interactions as interactions_service
from safetydesk.services import interventions as interventions_service
from safetydesk.services import policy_training as training_service
from safetydesk.services import settings as district_settings
from safetydesk.services import start_of_year as start_of_year_service
from safetydesk.services.context import Session, service
from safetydesk.store import Change, queries
from safetydesk.store import queries_reports as qr

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ReportCancelled(SafetyDeskError):
    def __init__(self) -> None:
        super().__init__("The report was cancelled; nothing was written.")


class _Steps:
    def __init__(self, total: int, progress: Progress | None, cancelled: Cancelled | None) -> None:
        self.done, self.total, self.progress, self.cancelled = 0, total, progress, cancelled

    def __call__(self, n: int = 1) -> None:
        if self.cancelled and self.cancelled():
            raise ReportCancelled
        self.done = min(self.total, self.done + n)
        if self.progress:
            self.progress(self.done, self.total)


# ------------------------------------------------------------------ shared
def _check_year(school_year: str) -> str:
    try:
        ok = school_year_of(datetime(int(school_year[:4]), 9, 1).date()) == school_year
    except ValueError:
        ok = False
    if not ok:
        raise ValidationFailed([FieldError("school_year", "Choose the school year (for example 2025-26).")],
                               "No report was made.")
    return school_year


def _schools(session: Session) -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in queries.schools(session.store, include_inactive=True)}


def _resolve_school(session: Session, school: str) -> str:
    """A school id from an id, a code or a name ("" stays "")."""
    if not school:
        return ""
    for s in queries.schools(session.store, include_inactive=True):
        if school in (s["id"], s["code"]) or school.lower() == s["name"].lower():
            session.require(Permission.VIEW_RECORDS, s["id"])
            return s["id"]
    raise NotFound(f"There is no school “{school}” (use its code, for example BHS).")


def _document(session: Session, kind: str, title: str, subtitle: str, blocks: list[Block], *,
              school_year: str = "", audience: str = Audience.STAFF, records=(), student_ids=(),
              reference: str = "", logo: bytes | None = None, to_fix=()) -> ReportDocument:
    settings = district_settings.current(session.store)
    district = queries.district(session.store) or {}
    name = settings.letterhead_name or district.get("name", "") or "School district"
    address = tuple(x.strip() for x in settings.letterhead_address.splitlines() if x.strip())
    return ReportDocument(
        kind=kind, title=title, subtitle=subtitle, blocks=blocks,
        produced_by=session.actor.display_name or session.actor.username, produced_at=session.clock(),
        letterhead_name=name, letterhead_address=address, logo=logo, school_year=school_year,
        audience=audience, records=tuple(records), student_ids=tuple(student_ids), reference=reference,
        to_fix=tuple(to_fix))


def _n(v: int | None) -> str:
    return HIDDEN if v is None else f"{v:,}"


def _label(vocab, value: str) -> str:
    return vocab.label_of(value) if value else ""


def _when(text: str) -> str:
    return (text or "").replace("T", " ")[:16]


# ------------------------------------------------------------------ P20: disaggregated data
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


def _yes_no(yes: str, no: str) -> tuple[tuple[str, str], ...]:
    return (("yes", yes), ("no", no))


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


@service(Permission.VIEW_RECORDS)
def disaggregated_tables(session: Session, school_year: str, steps: _Steps | None = None) -> Disaggregated:
    """The P20 counts for every school, suppressed (aggregate only; no row-level data)."""
    _check_year(school_year)
    steps = steps or _Steps(4, None, None)
    threshold = district_settings.current(session.store).suppression_threshold
    involved_rows = qr.law_enforcement_students(session.store, school_year)
    steps()
    enrolled_rows = qr.enrolment(session.store)
    steps()
    names = _schools(session)
    present = {r["school_id"] for r in involved_rows} | {r["school_id"] for r in enrolled_rows}
    school_ids = sorted((s for s in present if s in names), key=lambda s: (names[s]["name"], s))
    col = {s: i for i, s in enumerate(school_ids)}
    inv = [[[0] * len(school_ids) for _ in d.groups] for d in DIMENSIONS]
    enr = [[[0] * len(school_ids) for _ in d.groups] for d in DIMENSIONS]
    index = [{g: i for i, (g, _) in enumerate(d.groups)} for d in DIMENSIONS]
    for rows, target in ((involved_rows, inv), (enrolled_rows, enr)):
        for row in rows:
            c = col.get(row["school_id"])
            if c is None:
                continue
            for k, d in enumerate(DIMENSIONS):
                target[k][index[k][d.group_of(row)]][c] += row["count"]
    if not school_ids:  # nothing at all: one empty column keeps the shapes valid
        inv = [[[0] for _ in d.groups] for d in DIMENSIONS]
        enr = [[[0] for _ in d.groups] for d in DIMENSIONS]
    # A published count whose complement in its group (enrolled but not involved) is small also
    # describes fewer than `threshold` students: treat it as a small count too.
    also = []
    for k in range(len(DIMENSIONS)):
        ei, ee = extended(inv[k]), extended(enr[k])
        also.append({(r, c) for r in range(len(ei)) for c in range(len(ei[0]))
                     if ei[r][c] > 0 and 0 < ee[r][c] - ei[r][c] < threshold})
    involved = suppress_tables(inv, threshold, also)
    enrolled = suppress_tables(enr, threshold)
    steps()
    return Disaggregated(school_year, threshold, tuple(school_ids),
                         tuple(names[s]["name"] for s in school_ids) or ("(no schools)",),
                         tuple(involved), tuple(enrolled))


def _dimension_rows(t: Disaggregated, d: int, c: int) -> list[tuple]:
    dim = DIMENSIONS[d]
    rows = []
    for r, (_, label) in enumerate(dim.groups):
        inv, enr, rate = t.cell(d, r, c)
        rows.append((label, _n(inv), _n(enr), rate))
    inv, enr, rate = t.cell(d, len(dim.groups), c)
    rows.append(("All students", _n(inv), _n(enr), rate))
    return rows


def _disaggregated_blocks(t: Disaggregated, columns: list[int], *, charts: bool = True,
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
            rows = _dimension_rows(t, d, c)
            blocks.append(TableBlock(
                columns=(dim.title, "Students involved", "Students enrolled", "Per 100 enrolled"),
                rows=tuple(rows), widths=(3.2, 1.3, 1.3, 1.3), numeric=(1, 2, 3), total_rows=1,
                notes=(note,) if d == len(DIMENSIONS) - 1 else ()))
            if charts and c == district and dim.chart and first:
                first = False
        if charts and c == district:
            blocks.extend(_rate_charts(t, c))
            blocks.append(PageBreak())
    return blocks


def _rate_charts(t: Disaggregated, c: int) -> list[Block]:
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


def _disaggregated_csv(t: Disaggregated, columns: list[int]) -> TableBlock:
    rows = []
    district = len(t.schools)
    for c in columns:
        code = "DISTRICT" if c == district else t.schools[c]
        name = "District (all schools)" if c == district else t.school_names[c]
        for d, dim in enumerate(DIMENSIONS):
            for r, (key, label) in enumerate([*dim.groups, ("all", "All students")]):
                inv, enr, rate = t.cell(d, r, c)
                rows.append((t.school_year, code, name, dim.key, key, label, _n(inv).replace(",", ""),
                             _n(enr).replace(",", ""), rate))
    return TableBlock(columns=("school_year", "school_id", "school", "dimension", "group", "group_label",
                               "students_involved", "students_enrolled", "per_100_enrolled"),
                      rows=tuple(rows), csv_name="disaggregated", in_pdf=False)


@service(Permission.VIEW_RECORDS)
def disaggregated(session: Session, school_year: str, school: str = "", progress: Progress | None = None,
                  cancelled: Cancelled | None = None) -> ReportDocument:
    """P20: students involved in law enforcement interactions, by school and district, by race and
    ethnicity, gender identity, multilingual learners, homelessness, poverty, IEP and 504, beside
    enrolment, with rates; small numbers and their complements hidden. Public: counts only."""
    school_id = _resolve_school(session, school)
    steps = _Steps(4, progress, cancelled)
    t = disaggregated_tables(session, school_year, steps)
    district = len(t.schools)
    scope = session.scope
    if school_id:
        shown = [t.schools.index(school_id)] if school_id in t.schools else []
    elif scope is not None:
        shown = [i for i, s in enumerate(t.schools) if s in scope]
    else:
        shown = list(range(district))
    columns = [district, *shown]
    intro = (
        f"Students involved in law enforcement interactions with safety and security staff during the "
        f"{school_year} school year, by school and for the district, beside the number of students "
        "enrolled in each group (Policy 4311, clause B; community review of the disaggregated data). A "
        "student is counted once per school however many interactions they had. Enrollment is the active "
        "roster when the report was produced; demographics are as recorded in the student information "
        f"system. Counts below {t.threshold} are not shown, nor the counts that would let a reader work "
        "them out from the totals.")
    blocks: list[Block] = [Heading("About these figures"), Para(intro),
                           Para(HIDDEN_NOTE.format(t=t.threshold), "note"),
                           *_disaggregated_blocks(t, columns), _disaggregated_csv(t, columns)]
    steps()
    where = _schools(session)[school_id]["name"] if school_id else "All schools"
    return _document(session, ReportKind.DISAGGREGATED,
                     "Law enforcement interactions with students: disaggregated data",
                     f"School year {school_year} · {where}", blocks, school_year=school_year,
                     audience=Audience.PUBLIC)


# ------------------------------------------------------------------ P21: the OSPI collection
RACE_LABELS = {"hispanic_latino": "Hispanic or Latino", **{r.value: r.label for r in Race}}


# What an incomplete incident lacks, in words (codes from domain.law_enforcement.incomplete_fields).
_MISSING_LABELS = {
    "force_details": "use of force details",
    "responsible_admin": "the administrator responsible for discipline",
    "students": "the students involved",
}


def _race_text(d: dict[str, Any]) -> tuple[str, str]:
    races = "; ".join(RACE_LABELS.get(r, r) for r in d.get("races") or [])
    return races, "Hispanic or Latino" if d.get("hispanic_latino") else "Not Hispanic or Latino"


def _describe_incident(state: dict[str, Any]) -> str:
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


@service(Permission.VIEW_RECORDS)
def ospi_collection(session: Session, school_year: str, progress: Progress | None = None,
                    cancelled: Cancelled | None = None) -> ReportDocument:
    """P21 (RCW 28A.320.1241): (a) safety and security staff per building and days per week,
    (b) agencies and organisations with agreements, (c) incidents with discipline, use of force or
    arrest with each student's demographics, (d) complaints. An incident missing a required field
    is listed as incomplete with its record id, never left out."""
    _check_year(school_year)
    store, scope = session.store, session.scope
    names = _schools(session)
    steps = _Steps(6, progress, cancelled)

    # (a) staff
    staff = [s for s in qr.staff_for_year(store) if staff_serves_year(s, school_year)
             and (scope is None or s["school_id"] in scope)]
    a_rows = [(names.get(s["school_id"], {}).get("code", ""), names.get(s["school_id"], {}).get("name", ""),
               s["name"], StaffCategory.label_of(s["category"]), EmployerType.label_of(s["employer_type"]),
               s["agency"], f"{s['days_per_week']:g}") for s in staff]
    a_rows.sort(key=lambda r: (r[1], r[2]))
    per_school: dict[str, tuple[set[str], float]] = {}
    for s in staff:
        people, days = per_school.get(s["school_id"], (set(), 0.0))
        people.add(s["id"])
        per_school[s["school_id"]] = (people, days + float(s["days_per_week"]))
    summary = [(names.get(k, {}).get("name", k), str(len(v[0])), f"{v[1]:g}") for k, v in
               sorted(per_school.items(), key=lambda kv: names.get(kv[0], {}).get("name", ""))]
    district_staff = len({s["id"] for s in staff})
    steps()

    # (b) agencies and organisations
    b_rows = []
    for ag in agreements_service.list_agreements(session):
        b_rows.append((ag["agency"], "Agreement: " + (ag.get("title") or "agreement with the agency"),
                       ag.get("effective_start", ""), ag.get("effective_end", ""), ag["status"],
                       ag.get("board_approval_date", ""), ag.get("sent_to_ospi_date", "")))
    known = {r[0].lower() for r in b_rows}
    for s in staff:
        if s["employer_type"] in (EmployerType.LAW_ENFORCEMENT, EmployerType.CONTRACTOR) and s["agency"] \
                and s["agency"].lower() not in known:
            known.add(s["agency"].lower())
            kind = "Law enforcement agency" if s["employer_type"] == EmployerType.LAW_ENFORCEMENT \
                else "Private organization"
            b_rows.append((s["agency"], f"{kind} supplying staff (no agreement on record)", "", "", "", "", ""))
    steps()

    # (c) incidents
    incidents = list(qr.incident_states(store, school_year, scope))
    steps()
    students = qr.student_demographics(store, sorted({s.get("student_id", "") for _, st in incidents
                                                      for s in st.get("students") or []}))
    c_rows, incomplete = [], []
    for rid, st in incidents:
        missing = incomplete_fields(InteractionDraft.from_state(st))
        links = st.get("students") or []
        if not links:
            missing.append("students")
        school = names.get(st.get("school_id", ""), {})
        base = (rid, _when(st.get("occurred_at", ""))[:10], school.get("code", ""), school.get("name", ""),
                InteractionType.label_of(st.get("type", "")), "yes" if st.get("resulted_in_discipline") else "no",
                "yes" if st.get("use_of_force") else "no", "yes" if st.get("arrest") else "no",
                _describe_incident(st))
        for n, link in enumerate(links, 1):
            d = students.get(link.get("student_id", ""))
            if d is None:
                missing.append(f"student {n} not on the roster")
                continue
            if not d["races"] and not d["hispanic_latino"]:
                missing.append(f"student {n} race and ethnicity")
            race, ethnicity = _race_text(d)
            c_rows.append((*base, str(n), StudentRole.label_of(link.get("role", "")), race, ethnicity,
                           GenderIdentity.label_of(d["gender_identity"]), _yn(d["multilingual"]),
                           _yn(d["homeless"]), _yn(d["low_income"]), _yn(d["iep"]), _yn(d["section_504"]),
                           "; ".join(missing) and "incomplete"))
        if missing:
            said = [_MISSING_LABELS.get(m, m) for m in dict.fromkeys(missing)]
            incomplete.append((rid, base[1], base[3], ", ".join(said)))
    steps()

    # (d) complaints
    counts: dict[str, dict[str, int]] = {}
    for r in complaints_service.complaint_counts(session, school_year):
        counts.setdefault(r["school_id"], {})[r["status"]] = r["count"]
    d_rows = []
    for sid, by in sorted(counts.items(), key=lambda kv: names.get(kv[0], {}).get("name", "")):
        open_ = sum(v for k, v in by.items() if k != ComplaintStatus.CLOSED)
        d_rows.append((names.get(sid, {}).get("code", ""), names.get(sid, {}).get("name", sid),
                       str(sum(by.values())), str(open_), str(by.get(ComplaintStatus.CLOSED, 0))))
    d_total = sum(int(r[2]) for r in d_rows)
    steps()

    incident_count = len(incidents)
    blocks: list[Block] = [
        Heading("Summary"),
        Para(f"The yearly report to OSPI under RCW 28A.320.1241 for the {school_year} school year, for review "
             "before submission. Each part is also written as its own CSV file for submission."),
        Facts((("Safety and security staff in the district", str(district_staff)),
               ("Buildings with safety and security staff", str(len(per_school))),
               ("Agencies and organizations", str(len(b_rows))),
               ("Incidents with discipline, use of force or arrest", f"{incident_count:,}"),
               ("Incidents incomplete (listed in part c)", f"{len(incomplete):,}"),
               ("Complaints about safety and security staff", f"{d_total:,}"))),
    ]
    if incomplete:
        blocks.append(Para(f"{len(incomplete):,} incident(s) lack a field the collection requires. They are "
                           "included in part (c) and listed under “Incomplete incidents”: open each record "
                           "by its id to complete it before submitting.", "warning"))
    blocks += [
        Heading("Part (a): safety and security staff"),
        TableBlock(("Building", "Staff", "Days per week (total)"), tuple(summary), widths=(4, 1.2, 1.8),
                   numeric=(1, 2)),
        TableBlock(("Code", "Building", "Staff member", "Category", "Employer", "Agency", "Days/week"),
                   tuple(a_rows), widths=(0.7, 1.9, 1.7, 1.9, 1.3, 1.6, 0.8), numeric=(6,),
                   csv_name="part-a-staff"),
        Heading("Part (b): law enforcement agencies and private organizations"),
        TableBlock(("Agency or organization", "Basis", "From", "To", "Status", "Board approval", "Sent to OSPI"),
                   tuple(b_rows), widths=(2, 2.4, 0.9, 0.9, 1.2, 1, 1), csv_name="part-b-agencies"),
        Heading("Part (c): incidents with discipline, use of force or arrest"),
        Para("One row per student involved. Students are not named: each is numbered within its incident, "
             "with the demographics the collection asks for."),
        TableBlock(("Incident", "Date", "Building", "Disc.", "Force", "Arrest", "Student", "Race", "Hispanic",
                    "Gender", "IEP", "504"),
                   tuple((r[0][-8:], r[1], r[3], r[5], r[6], r[7], r[9], r[11] or "Not reported",
                          "yes" if r[12] == "Hispanic or Latino" else "no", r[13], r[17], r[18])
                         for r in c_rows),
                   widths=(0.9, 0.85, 1.6, 0.45, 0.5, 0.55, 0.55, 1.6, 0.65, 0.8, 0.4, 0.4)),
        TableBlock(("incident_id", "date", "school_code", "school", "type", "discipline", "use_of_force", "arrest",
                    "description", "student_number", "student_role", "race", "ethnicity", "gender_identity",
                    "multilingual", "homeless", "low_income", "iep", "section_504", "status"),
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
    steps()
    return _document(session, ReportKind.OSPI, "Yearly report to OSPI: safety and security staff",
                     f"RCW 28A.320.1241 · School year {school_year}", blocks, school_year=school_year,
                     audience=Audience.STAFF,
                     to_fix=[("interaction", rid, missing) for rid, _day, _school, missing in incomplete])


def _yn(v: Any) -> str:
    return "yes" if v else "no"


# ------------------------------------------------------------------ compliance status
def _compliance_blocks(session: Session, school_year: str, school_id: str, level: int = 1) -> list[Block]:
    names = _schools(session)
    scope = session.scope
    visible = [s for s in names.values() if (scope is None or s["id"] in scope)
               and (not school_id or s["id"] == school_id) and s["active"]]
    visible.sort(key=lambda s: s["name"])
    flags: dict[str, dict[str, int]] = {}
    for r in interactions_service.flag_counts(session, school_year):
        flags.setdefault(r["school_id"], {})[r["kind"]] = r["count"]
    kinds = list(FlagKind)
    overdue: dict[str, list[dict[str, Any]]] = {}
    open_count: dict[str, int] = {}
    offset = 0
    while True:
        page = complaints_service.list_complaints(session, offset, 500, open_only=True)
        for c in page:
            open_count[c["school_id"]] = open_count.get(c["school_id"], 0) + 1
            if c["due_state"] == "overdue":
                overdue.setdefault(c["school_id"], []).append(c)
        if len(page) < 500:
            break
        offset += 500
    statuses = {s.school_id: s for s in start_of_year_service.district_status(session, school_year)}
    rows = []
    for s in visible:
        f = flags.get(s["id"], {})
        st = statuses.get(s["id"])
        rows.append((s["name"], *[str(f.get(k.value, 0)) for k in kinds], str(open_count.get(s["id"], 0)),
                     str(len(overdue.get(s["id"], []))),
                     st.role_information.replace("_", " ") if st else "", st.campaign.replace("_", " ") if st else ""))
    totals = ("District", *[str(sum(int(r[1 + i]) for r in rows)) for i in range(len(kinds) + 2)], "", "")
    short = ("Untrained staff", "SRO in discipline", "RCW 13.40.740", "Notification")
    blocks: list[Block] = [
        Heading("Status by school", level),
        Para(f"Open compliance flags on records of {school_year}, complaints still open and those past a "
             "deadline, and the start-of-year checklist (role information, gun safety campaign)."),
        TableBlock(("School", *short, "Open complaints", "Overdue", "Role information", "Gun safety campaign"),
                   (*rows, totals), widths=(2.2, 0.8, 0.8, 0.8, 0.8, 0.8, 0.7, 1, 1),
                   numeric=tuple(range(1, len(kinds) + 3)), total_rows=1,
                   notes=("Flags: " + "; ".join(k.label for k in kinds) + ".",), csv_name="compliance-status"),
    ]
    od = [(c["confirmation"], names.get(c["school_id"], {}).get("name", ""), c["received_date"],
           c["status_label"], c["next_due"]) for sid in sorted(overdue) for c in overdue[sid]]
    blocks += [Heading("Overdue complaints", 2 if level == 1 else 3),
               TableBlock(("Confirmation", "School", "Received", "Status", "Was due"), tuple(od),
                          widths=(1.3, 2.4, 1, 1.6, 1), csv_name="overdue-complaints")
               if od else Para("No complaint is past its deadline.")]
    ags = agreements_service.list_agreements(session)
    blocks += [Heading("Agreements with law enforcement agencies", level),
               TableBlock(("Agency", "In effect", "Status", "Contents confirmed", "Next review", "Reminder"),
                          tuple((a["agency"], f"{a.get('effective_start', '')} to {a.get('effective_end', '')}",
                                 a["status"], f"{a.get('contents_confirmed', 0)} of {a['contents_total']}",
                                 a["next_review_due"], a["reminder"]) for a in ags),
                          widths=(2, 1.9, 1.3, 1.1, 1, 1.7), csv_name="agreements")
               if ags else Para("No agreement with a law enforcement agency is on record.")]
    return blocks


@service(Permission.VIEW_RECORDS)
def compliance_status(session: Session, school_year: str, school: str = "", progress: Progress | None = None,
                      cancelled: Cancelled | None = None) -> ReportDocument:
    """Per school and district: flags by kind, overdue complaints, start-of-year and agreement status."""
    _check_year(school_year)
    school_id = _resolve_school(session, school)
    steps = _Steps(2, progress, cancelled)
    steps()
    blocks = _compliance_blocks(session, school_year, school_id)
    steps()
    where = _schools(session)[school_id]["name"] if school_id else "All schools"
    return _document(session, ReportKind.COMPLIANCE, "Compliance and complaint status",
                     f"School year {school_year} · {where}", blocks, school_year=school_year)


# ------------------------------------------------------------------ P22: the board report
@service(Permission.VIEW_RECORDS)
def board_report(session: Session, school_year: str, logo: bytes | None = None,
                 progress: Progress | None = None, cancelled: Cancelled | None = None) -> ReportDocument:
    """P22: the superintendent's annual report to the board: training on the policy, start-of-year
    obligations, agreements, the OSPI figures, complaints, intervention requests by ground,
    compliance flags and the disaggregated tables of P20, with a table of contents and charts."""
    _check_year(school_year)
    steps = _Steps(8, progress, cancelled)
    names = _schools(session)
    district = (queries.district(session.store) or {}).get("name", "")
    blocks: list[Block] = [
        Para(f"Annual report of the superintendent to the board of directors of {district or 'the district'} "
             f"on the safety and security services program (Policy 4311) for the {school_year} school year: "
             "the communication and training plan for staff, the start-of-year obligations of each school, "
             "agreements with law enforcement agencies, the figures reported to OSPI, complaints, requests "
             "for intervention, compliance, and the disaggregated data the policy asks the district to "
             "publish for community review. Figures describe no individual student."),
        Contents(), PageBreak()]

    # 1. training
    tr = training_service.training_summary(session, school_year)
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
    steps()

    # 2. start of year
    statuses = start_of_year_service.district_status(session, school_year)
    blocks += [Heading("2. Start-of-year obligations by school"),
               Para("Each school with safety and security staff presents their role to students and families "
                    "(P03, P04) and runs the gun safety campaign (P05); gun safes are counted, never listed."),
               TableBlock(("School", "Safety staff", "Role information", "Presentations", "Distributions",
                           "Gun safety campaign", "Gun safes requested", "Provided"),
                          tuple((s.school_name, _yn(s.has_safety_staff), s.role_information.replace("_", " "),
                                 str(s.presentations), str(s.distributions), s.campaign.replace("_", " "),
                                 str(s.gun_safes_requested), str(s.gun_safes_provided)) for s in statuses),
                          widths=(2.2, 0.7, 1.1, 0.9, 0.9, 1.1, 0.9, 0.7), numeric=(3, 4, 6, 7))]
    steps()

    # 3. agreements
    ags = agreements_service.list_agreements(session)
    blocks += [Heading("3. Agreements with law enforcement agencies"),
               TableBlock(("Agency", "In effect", "Public comment", "Board approval", "Status", "Sent to OSPI"),
                          tuple((a["agency"], f"{a.get('effective_start', '')} to {a.get('effective_end', '')}",
                                 f"{a.get('comment_start', '')} to {a.get('comment_end', '')}",
                                 f"{a.get('board_approval_date', '')} {a.get('board_resolution', '')}".strip(),
                                 a["status"], a.get("sent_to_ospi_date", "")) for a in ags),
                          widths=(1.8, 1.8, 1.8, 1.3, 1.1, 0.9))
               if ags else Para("No agreement with a law enforcement agency is on record.")]
    steps()

    # 4. OSPI figures
    ospi = ospi_collection(session, school_year)
    facts = next(b for b in ospi.blocks if isinstance(b, Facts))
    blocks += [Heading("4. Figures reported to OSPI (RCW 28A.320.1241)"), facts]
    steps()

    # 5. complaints
    by_status: dict[str, int] = {}
    for r in complaints_service.complaint_counts(session, school_year):
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["count"]
    statuses_order = [s for s in ComplaintStatus if s.value in by_status]
    blocks += [Heading("5. Complaints about safety and security staff"),
               TableBlock(("Status", "Complaints"),
                          (*((s.label, str(by_status[s.value])) for s in statuses_order),
                           ("All complaints", str(sum(by_status.values())))),
                          widths=(4, 1.2), numeric=(1,), total_rows=1)]
    if by_status:
        blocks.append(BarChart("Complaints by status", tuple(s.label for s in statuses_order),
                               tuple(float(by_status[s.value]) for s in statuses_order)))
    steps()

    # 6. intervention requests by ground
    grounds: dict[str, int] = {}
    for r in interventions_service.counts_by_ground(session, school_year=school_year):
        grounds[r["ground"]] = grounds.get(r["ground"], 0) + r["count"]
    blocks += [Heading("6. Requests for intervention by ground (P09)"),
               TableBlock(("Ground", "Requests"),
                          (*((Ground.label_of(g), f"{n:,}") for g, n in sorted(grounds.items())),
                           ("All requests", f"{sum(grounds.values()):,}")), widths=(4, 1.2), numeric=(1,),
                          total_rows=1)]
    if grounds:
        blocks.append(BarChart("Requests for intervention by ground", tuple(Ground.label_of(g) for g in sorted(grounds)),
                               tuple(float(grounds[g]) for g in sorted(grounds))))
    climate = climate_service.counts_per_staff(session, school_year=school_year)
    per_staff: dict[tuple[str, str], int] = {}
    for r in climate:
        key = (r["staff_name"], names.get(r["school_id"], {}).get("name", ""))
        per_staff[key] = per_staff.get(key, 0) + r["count"]
    if per_staff:
        blocks += [Heading("Climate activities per staff member and school (P10)", 2),
                   TableBlock(("Staff member", "School", "Activities"),
                              tuple((k[0], k[1], str(v)) for k, v in sorted(per_staff.items())),
                              widths=(2.5, 2.5, 1), numeric=(2,))]
    steps()

    # 7. compliance flags
    flags: dict[str, int] = {}
    for r in interactions_service.flag_counts(session, school_year):
        flags[r["kind"]] = flags.get(r["kind"], 0) + r["count"]
    blocks += [Heading("7. Compliance flags (P02, P07, P12, P13)"),
               TableBlock(("Flag", "Open on this year's records"),
                          tuple((k.label, str(flags.get(k.value, 0))) for k in FlagKind), widths=(4.5, 1.5),
                          numeric=(1,)),
               BarChart("Open compliance flags", tuple(k.label.split(" (")[0] for k in FlagKind),
                        tuple(float(flags.get(k.value, 0)) for k in FlagKind))]
    blocks += _compliance_blocks(session, school_year, "", level=2)
    steps()

    # 8. P20
    t = disaggregated_tables(session, school_year)
    blocks += [PageBreak(), Heading("8. Law enforcement interactions: disaggregated data (P20)"),
               Para(f"Students involved in law enforcement interactions beside enrollment, district-wide and by "
                    f"school. Counts below {t.threshold}, and those that would reveal them, are not shown."),
               *_disaggregated_blocks(t, [len(t.schools), *range(len(t.schools))], level=2)]
    steps()
    return _document(session, ReportKind.BOARD, "Safety and security services: annual report to the board",
                     f"Policy 4311 · School year {school_year}", blocks, school_year=school_year,
                     audience=Audience.PUBLIC, logo=logo)


# ------------------------------------------------------------------ record printouts
def _student_label(s: dict[str, Any]) -> str:
    name = f"{s.get('first_name') or ''} {s.get('last_name') or ''}".strip() or "(unknown student)"
    return f"{name} ({s['local_id']})" if s.get("local_id") else name


def _redact(text: str, others: list[dict[str, Any]]) -> str:
    """Family copy: other students' names in free text become “another student”."""
    words = sorted({w for s in others for w in (s.get("first_name") or "", s.get("last_name") or "")
                    if len(w) > 1}, key=len, reverse=True)
    for w in words:
        text = re.sub(rf"\b{re.escape(w)}\b", "[another student]", text)
    return re.sub(r"(\[another student\]\s*){2,}", "[another student] ", text)


def _audience(audience: str, for_student: str, student_ids: list[str]) -> str:
    if audience not in Audience._value2member_map_ or audience == Audience.PUBLIC:
        raise ValidationFailed([FieldError("audience", "A record printout is for staff, the family or "
                                                       "someone outside the school.")], "Nothing was printed.")
    if audience == Audience.FAMILY and for_student not in student_ids:
        raise ValidationFailed([FieldError("for_student", "Choose which student's family the copy is for (one "
                                                          "of the students on the record).")], "Nothing was printed.")
    return audience


# Bookkeeping fields a reader of a printout does not need to see named.
_QUIET_FIELDS = frozenset({"rules_version", "author", "retract_reason", "compliance_flags"})


def _field_label(name: str) -> str:
    """A field name as a reader would say it: "alternatives_considered" -> "alternatives considered"."""
    special = {"le_activities": "law enforcement activities", "section_504": "504 plan", "iep": "IEP",
               "sro_discipline_justification": "SRO discipline justification",
               "consequence_by_staff_id": "who decided the consequence", "school_id": "school",
               "students": "students", "staff": "staff"}
    return special.get(name, name.replace("_id", "").replace("_", " "))


def _history_block(entries, family: bool) -> list[Block]:
    rows = []
    for e in entries:
        if e.action == Action.CREATE:
            fields = "the record was created"
        else:
            named = [_field_label(k) for k in sorted(e.changes) if k not in _QUIET_FIELDS]
            fields = (", ".join(named) or "details")[:160]
        rows.append((_when(e.wall_time), e.user, Action.label_of(e.action), fields,
                     "" if family else e.reason))
    return [Heading("History of this record", 2),
            TableBlock(("When", "Who", "What", "Fields", "Reason"), tuple(rows), widths=(1.1, 0.9, 0.8, 3, 1.8))]


def _students_table(people: list[dict[str, Any]], audience: str, for_student: str, role: bool = True) -> Block:
    rows = []
    n = 0
    for s in people:
        if audience == Audience.FAMILY and s["student_id"] != for_student:
            n += 1
            label, grade = f"Another student ({n})", ""
        else:
            label, grade = _student_label(s), s.get("grade") or ""
        rows.append((label, grade, StudentRole.label_of(s.get("role", "")) if role else ""))
    return TableBlock(("Student", "Grade", "Role" if role else ""), tuple(rows), widths=(4, 1, 1.5))


def _disclosure_note(audience: str) -> list[Block]:
    if audience == Audience.FAMILY:
        return [Para("Family copy: other students on this record are not named (FERPA).", "note")]
    if audience == Audience.OUTSIDE:
        return [Para("Released outside the school: this release is entered in the student's record of "
                     "disclosures (34 CFR 99.32). It may not be re-disclosed without consent.", "warning")]
    return []


@service(Permission.VIEW_RECORDS)
def interaction_printout(session: Session, record_id: str, audience: str = Audience.STAFF, for_student: str = "",
                         progress: Progress | None = None, cancelled: Cancelled | None = None) -> ReportDocument:
    """One interaction with its details, follow-ups and history, for staff, a family or an outside party."""
    steps = _Steps(2, progress, cancelled)
    rec = interactions_service.get_interaction(session, record_id)
    st = rec["state"]
    ids = [s["student_id"] for s in rec["students"]]
    audience = _audience(audience, for_student, ids)
    family = audience == Audience.FAMILY
    others = [s for s in rec["students"] if s["student_id"] != for_student] if family else []
    school = _schools(session).get(st.get("school_id", ""), {})
    outcomes = ", ".join(w for w, k in (("discipline", "resulted_in_discipline"), ("use of force", "use_of_force"),
                                        ("arrest", "arrest")) if st.get(k)) or "none"
    blocks: list[Block] = [*_disclosure_note(audience), Facts((
        ("Record", record_id), ("When", _when(st.get("occurred_at", ""))), ("School", school.get("name", "")),
        ("Where", st.get("location", "")), ("Type", InteractionType.label_of(st.get("type", ""))),
        ("Discipline-related", _yn(st.get("discipline_related"))),
        ("Responsible administrator", st.get("responsible_admin", "")), ("Outcomes", outcomes),
        ("Staff", "; ".join(f"{s.get('name') or '(unknown)'} ({s.get('role', '')})" for s in rec["staff"])),
        ("Recorded by", st.get("author", "")),
        ("Status", "retracted: " + st.get("retract_reason", "") if st.get("retracted") else "current"))),
        Heading("Students", 2), _students_table(rec["students"], audience, for_student),
        Heading("What happened", 2),
        Para(_redact(st.get("narrative", ""), others) if family else st.get("narrative", ""))]
    acts = [a for a in st.get("le_activities") or [] if not family or a.get("student_id") == for_student]
    if acts:
        blocks += [Heading("Law enforcement activity", 2), TableBlock(
            ("Activity", "Officer and agency", "Authorized by", "Legal basis", "Admin present", "Removed"),
            tuple((LeActivityType.label_of(a.get("type", "")), f"{a.get('officer', '')} {a.get('agency', '')}".strip(),
                   a.get("authorised_by", ""), str(a.get("legal_basis", "")).replace("_", " "),
                   _yn(a.get("administrator_present")), _yn(a.get("removed_from_school"))) for a in acts),
            widths=(1.6, 1.8, 1.5, 1.2, 0.8, 0.7))]
    notes = st.get("notifications") or []
    if notes:
        blocks += [Heading("Parent or guardian notification", 2), TableBlock(
            ("When", "How", "By", "Result"), tuple((_when(n.get("at", "")), n.get("method", ""), n.get("by", ""),
                                                   str(n.get("result", "")).replace("_", " ")) for n in notes),
            widths=(1.3, 1, 2, 2))]
    if rec["flags"] and not family:
        blocks += [Heading("Compliance flags", 2),
                   TableBlock(("Flag", "Detail"), tuple((FlagKind.label_of(f["kind"]), f.get("detail", ""))
                                                        for f in rec["flags"]), widths=(2, 4))]
    if rec["follow_ups"] and not family:
        blocks += [Heading("Follow-ups", 2),
                   TableBlock(("When", "By", "Note"), tuple((_when(f["written_at"]), f["author"], f["note"])
                                                           for f in rec["follow_ups"]), widths=(1.2, 1, 4))]
    steps()
    blocks += _history_block(interactions_service.interaction_history(session, record_id), family)
    steps()
    shown = [for_student] if family else ids
    return _document(session, ReportKind.INTERACTION, "Interaction record",
                     f"{school.get('name', '')} · {_when(st.get('occurred_at', ''))}", blocks,
                     audience=audience, records=[("interaction", record_id)], student_ids=shown,
                     reference=f"Interaction {record_id}")


@service(Permission.VIEW_RECORDS)
def intervention_printout(session: Session, record_id: str, audience: str = Audience.STAFF, for_student: str = "",
                          progress: Progress | None = None, cancelled: Cancelled | None = None) -> ReportDocument:
    """One request for intervention (P09) with its history."""
    steps = _Steps(2, progress, cancelled)
    rec = interventions_service.get_request(session, record_id)
    st = rec["state"]
    ids = [s["student_id"] for s in rec["students"]]
    audience = _audience(audience, for_student, ids)
    family = audience == Audience.FAMILY
    others = [s for s in rec["students"] if s["student_id"] != for_student] if family else []
    school = _schools(session).get(st.get("school_id", ""), {})
    requester = "Staff intervened in an emergency" if st.get("self_initiated") else \
        f"{st.get('requester_name', '')} ({st.get('requester_role', '').replace('_', ' ')})"
    blocks: list[Block] = [*_disclosure_note(audience), Facts((
        ("Record", record_id), ("Requested", _when(st.get("requested_at", ""))), ("School", school.get("name", "")),
        ("Where", st.get("location", "")), ("Requested by", requester), ("Ground", Ground.label_of(st.get("ground", ""))),
        ("Staff arrived", _when(st.get("response_at", ""))), ("Outcome", str(st.get("outcome", "")).replace("_", " ")),
        ("Responding staff", "; ".join(s.get("name") or "" for s in rec["staff"])))),
        Heading("Students", 2), _students_table(rec["students"], audience, for_student, role=False),
        Heading("Description", 2),
        Para(_redact(st.get("description", ""), others) if family else st.get("description", ""))]
    if st.get("outcome_note"):
        blocks.append(Para(_redact(st["outcome_note"], others) if family else st["outcome_note"]))
    steps()
    blocks += _history_block(interventions_service.request_history(session, record_id), family)
    steps()
    return _document(session, ReportKind.INTERVENTION, "Request for intervention",
                     f"{school.get('name', '')} · {_when(st.get('requested_at', ''))}", blocks, audience=audience,
                     records=[("intervention_request", record_id)], student_ids=[for_student] if family else ids,
                     reference=f"Request {record_id}")


@service(Permission.VIEW_COMPLAINTS)
def complaint_printout(session: Session, record_id: str, audience: str = Audience.STAFF, for_student: str = "",
                       progress: Progress | None = None, cancelled: Cancelled | None = None) -> ReportDocument:
    """One complaint (P16) with allegations, findings and history."""
    steps = _Steps(2, progress, cancelled)
    rec = complaints_service.get_complaint(session, record_id)
    st = rec["state"]
    people = rec.get("students") or []
    ids = [s.get("student_id") or s.get("id", "") for s in people]
    audience = _audience(audience, for_student, ids) if ids or audience != Audience.FAMILY else audience
    family = audience == Audience.FAMILY
    school = _schools(session).get(st.get("school_id", ""), {})
    complainant = "Anonymous" if st.get("anonymous") else st.get("complainant_name", "")
    blocks: list[Block] = [*_disclosure_note(audience), Facts((
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
                        else (_student_label(s), s.get("grade", "")))
        blocks += [Heading("Students", 2), TableBlock(("Student", "Grade"), tuple(rows), widths=(4, 1))]
    blocks += [Heading("Allegations and findings", 2),
               TableBlock(("No.", "Allegation", "Finding"),
                          tuple((a.get("id", ""), a.get("text", ""), str(a.get("finding", "")).replace("_", " "))
                                for a in st.get("allegations") or []), widths=(0.5, 4.5, 1.2))]
    if st.get("narrative"):
        blocks += [Heading("Narrative", 2), Para(st["narrative"])]
    steps()
    blocks += _history_block(complaints_service.complaint_history(session, record_id), family)
    steps()
    return _document(session, ReportKind.COMPLAINT, "Complaint about safety and security staff",
                     f"{school.get('name', '')} · received {st.get('received_date', '')}", blocks, audience=audience,
                     records=[("complaint", record_id)], student_ids=[for_student] if family else ids,
                     reference=f"Complaint {st.get('confirmation', '')}")


# ------------------------------------------------------------------ P24: record of disclosures
@service(Permission.VIEW_RECORDS)
def disclosure_record(session: Session, student_id: str, progress: Progress | None = None,
                      cancelled: Cancelled | None = None) -> ReportDocument:
    """The record of disclosures of one student's education records, printable (34 CFR 99.32)."""
    steps = _Steps(1, progress, cancelled)
    entries = disclosures_service.disclosures_of_student(session, student_id)
    student = queries.students_by_id(session.store, [student_id])[student_id]
    rows = tuple((_when(d["released_at"]), f"{d['recipient']}, {d['organisation']}",
                  DisclosureBasis.label_of(d["legal_basis"]) + (f": {d['basis_detail']}" if d["basis_detail"] else ""),
                  "; ".join(f"{t.replace('_', ' ')} {i[-8:]}" for t, i in d["records"]) or d["report"],
                  d["released_by"], d["sha256"][:12]) for d in entries)
    blocks: list[Block] = [
        Facts((("Student", _student_label(student)), ("Disclosures on record", str(len(entries))))),
        Para("Every release of this student's records outside the school: to whom, on what legal basis, which "
             "records, who released them, and the SHA-256 fingerprint of the exact file released."),
        TableBlock(("When", "Recipient", "Legal basis", "Records", "Released by", "File SHA-256"), rows,
                   widths=(1.0, 1.8, 1.9, 1.2, 0.8, 1.1), csv_name="disclosures")
        if rows else Para("No disclosure of this student's records is on record.")]
    steps()
    audit_records = [("student", student_id)]
    return _document(session, ReportKind.DISCLOSURES, "Record of disclosures", _student_label(student), blocks,
                     records=audit_records, student_ids=[student_id], reference="Record of disclosures")


# ------------------------------------------------------------------ long listing
@service(Permission.VIEW_RECORDS)
def interaction_listing(session: Session, school_year: str, school: str = "", limit: int = 0,
                        progress: Progress | None = None, cancelled: Cancelled | None = None) -> ReportDocument:
    """Every interaction of a year (optionally one school), oldest first, for internal review."""
    _check_year(school_year)
    school_id = _resolve_school(session, school)
    f = InteractionFilter(school_year=school_year, school_id=school_id)
    total = interactions_service.count_interactions(session, f)
    if limit:
        total = min(total, limit)
    steps = _Steps(total + 1, progress, cancelled)
    names = _schools(session)
    rows: list[tuple] = []
    page = 2000
    offset = 0
    while offset < total:
        chunk = interactions_service.list_interactions(session, f, offset, min(page, total - offset))
        if not chunk:
            break
        for r in chunk:
            outcomes = ", ".join(w for w, k in (("discipline", "resulted_in_discipline"), ("force", "use_of_force"),
                                                ("arrest", "arrest")) if r[k])
            rows.append((_when(r["occurred_at"]), names.get(r["school_id"], {}).get("code", ""),
                         InteractionType.label_of(r["type"]), r["location"], r["students_label"], r["staff_label"],
                         outcomes))
        offset += len(chunk)
        steps(len(chunk))
    blocks: list[Block] = [TableBlock(("When", "School", "Type", "Where", "Students", "Staff", "Outcomes"),
                                      tuple(rows), widths=(1.3, 0.65, 1.1, 1.0, 1.55, 1.4, 0.85),
                                      csv_name="interactions")]
    steps()
    where = names[school_id]["name"] if school_id else "All schools"
    return _document(session, ReportKind.LISTING, "Interactions", f"School year {school_year} · {where} · "
                     f"{len(rows):,} records", blocks, school_year=school_year,
                     records=[("report", f"listing/{school_year}/{school_id or 'all'}")],
                     student_ids=["(listing)"], reference=f"Interactions {school_year}")


# ------------------------------------------------------------------ saving files
REPORTS: dict[str, Callable[..., ReportDocument]] = {
    ReportKind.DISAGGREGATED: disaggregated, ReportKind.OSPI: ospi_collection, ReportKind.BOARD: board_report,
    ReportKind.COMPLIANCE: compliance_status, ReportKind.INTERACTION: interaction_printout,
    ReportKind.INTERVENTION: intervention_printout, ReportKind.COMPLAINT: complaint_printout,
    ReportKind.DISCLOSURES: disclosure_record, ReportKind.LISTING: interaction_listing,
}


@service(Permission.VIEW_RECORDS)
def save(session: Session, doc: ReportDocument, files: Sequence[tuple[Rendered, Path | str]],
         disclosure: DisclosureDraft | None = None) -> list[Path]:
    """Write rendered files. First, in one transaction: a print (PDF) or export (CSV) entry in the
    audit trail for each record the document is about and, when it names a student and is for
    someone outside the school, the record of disclosure with each file's SHA-256 (P24). Only then
    the files. If the entries cannot be written, no file is."""
    if doc.audience == Audience.PUBLIC and doc.names_students:
        raise SafetyDeskError("A public report may not name students; nothing was written.")
    outside = doc.audience == Audience.OUTSIDE and doc.names_students
    if outside:
        disclosures_service.check(disclosure)
    changes: list[Change] = []
    targets = list(doc.records) or [("report", f"{doc.kind}/{doc.school_year or '-'}")]
    for rendered, path in files:
        digest = disclosures_service.sha256(rendered.data)
        action = Action.PRINT if rendered.media_type == "application/pdf" else Action.EXPORT
        note = f"{doc.title} ({Audience.label_of(doc.audience)}): {Path(path).name}, sha256 {digest}"
        changes += [Change(rt, rid, action, {}, note) for rt, rid in targets]
        if outside:
            assert disclosure is not None
            student_ids = [s for s in doc.student_ids if s != "(listing)"]
            changes.append(disclosures_service.disclosure_changes(
                session, disclosure, report=doc.title, file_name=Path(path).name, data=rendered.data,
                records=list(doc.records), student_ids=student_ids))
    session.store.append(session.actor.username, changes)
    return [write_atomically(r.data, Path(p)) for r, p in files]
