"""Reports (P20-P22, P24): what each report says, computed from the store, and saving the files.

Each report is a service function ``report(session, ..., progress=None, cancelled=None)``
that returns a `ReportDocument`; `safetydesk.reports` lays it out as PDF or CSV
(`reports.render`), and `save` writes the files: audit entries (and, for
someone outside the school, the record of disclosure with the file's SHA-256)
first, then the files. ``progress(done, total)`` is called as work advances;
``cancelled()`` returning True stops the work with `ReportCancelled`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from safetydesk.atomic import write_atomically
from safetydesk.domain import crdc
from safetydesk.domain.as_of import cut_off, version_on
from safetydesk.domain.complaints import ComplaintStatus
from safetydesk.domain.disclosures import DisclosureBasis, DisclosureDraft
from safetydesk.domain.errors import NotFound, SafetyDeskError, ValidationFailed
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.law_enforcement import FlagKind, incomplete_fields
from safetydesk.domain.outcomes import OUTCOME_FIELDS, students_with
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import InteractionDraft
from safetydesk.domain.redaction import printout_audience, student_label
from safetydesk.domain.report_model import (
    HIDDEN_NOTE,
    Audience,
    Block,
    Facts,
    Heading,
    Para,
    Rendered,
    ReportDocument,
    ReportKind,
    TableBlock,
)
from safetydesk.domain.start_of_year import staff_serves_year
from safetydesk.domain.suppression import suppress_tables
from safetydesk.domain.suppression_audit import protect_report, suppress_report
from safetydesk.domain.validation import FieldError, school_year_of
from safetydesk.domain.vocab import (
    Action,
    EmployerType,
    GenderIdentity,
    InteractionType,
    StaffCategory,
    StudentRole,
)
from safetydesk.reports.assemble import (
    DIMENSIONS,
    MISSING_LABELS,
    BoardFigures,
    Disaggregated,
    OspiFigures,
    board_blocks,
    complaint_blocks,
    describe_incident,
    disaggregated_blocks,
    disaggregated_csv,
    history_block,
    interaction_blocks,
    intervention_blocks,
    ospi_blocks,
    race_text,
    when_text,
    yes_no,
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
from safetydesk.store import queries_p20 as qp20
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


# ------------------------------------------------------------------ P20: disaggregated data


@service(Permission.VIEW_RECORDS)
def disaggregated_tables(session: Session, school_year: str, steps: _Steps | None = None) -> Disaggregated:
    """The P20 counts for every school, suppressed (aggregate only; no row-level data).

    Two GROUP BY queries on tables the projectors keep (store.schema_p20): the (school, student)
    pairs of the year's live law enforcement interactions, and every student's roster versions
    with the dates each is in force, taken on the report's cut-off date."""
    _check_year(school_year)
    steps = steps or _Steps(4, None, None)
    threshold = district_settings.current(session.store).suppression_threshold
    as_of = cut_off(school_year, session.clock().date())
    involved_rows = qp20.involved_groups(session.store, school_year, as_of)
    steps()
    enrolled_rows = qp20.enrolled_groups(session.store, as_of)
    steps()
    names = _schools(session)
    present = {r[0] for r in involved_rows} | {r[0] for r in enrolled_rows}
    school_ids = sorted((s for s in present if s in names), key=lambda s: (names[s]["name"], s))
    inv, enr = _p20_counts(school_ids, involved_rows, enrolled_rows)
    # Small counts, small complements, cycles of hidden cells, then an exact audit of the whole
    # report (domain.suppression_audit): no hidden count can be worked out or narrowed. The audit's
    # result is kept in the data file for these exact tables (a cache: store.schema_p20).
    # A year's new counts are tried first under the year's last solved pattern (one audit, no
    # protection rounds); solved afresh only when they do not pass with it.
    involved, enrolled = suppress_report(inv, enr, threshold, qp20.KeptAudits(session.store),
                                         series=school_year).families
    steps()
    return Disaggregated(school_year, threshold, tuple(school_ids),
                         tuple(names[s]["name"] for s in school_ids) or ("(no schools)",),
                         tuple(involved), tuple(enrolled), as_of=as_of)


Grid = list[list[list[int]]]  # dimension -> group -> school


def _p20_counts(school_ids: Sequence[str], involved_rows: Sequence[Sequence[Any]],
               enrolled_rows: Sequence[Sequence[Any]]) -> tuple[Grid, Grid]:
    """The grouped rows (school, *demographic values, students) as tables of counts: for each
    dimension, its groups by the schools ``school_ids`` (rows of other schools left out)."""
    col = {s: i for i, s in enumerate(school_ids)}
    inv = [[[0] * len(school_ids) for _ in d.groups] for d in DIMENSIONS]
    enr = [[[0] * len(school_ids) for _ in d.groups] for d in DIMENSIONS]
    index = [{g: i for i, (g, _) in enumerate(d.groups)} for d in DIMENSIONS]
    # Each dimension's group depends on a few of the values only (race and ethnicity on the races
    # and Hispanic or Latino, the others on one value each): found once per distinct value
    # (`Dimension.group_of`, the same rule), not once per grouped row.
    where = [_POSITION.get(d.key, 0) for d in DIMENSIONS]  # the value's place in a row (0: races)
    groups: list[dict[Any, int]] = [{} for _ in DIMENSIONS]
    for rows, target in ((involved_rows, inv), (enrolled_rows, enr)):
        for row in rows:
            c = col.get(row[0])
            if c is None:
                continue
            students = row[-1]
            for k, pos in enumerate(where):
                key = (row[1], bool(row[2])) if pos == 0 else row[pos]
                g = groups[k].get(key)
                if g is None:
                    g = groups[k][key] = index[k][DIMENSIONS[k].group_of(_values(row))]
                target[k][g][c] += students
    if not school_ids:  # nothing at all: one empty column keeps the shapes valid
        inv = [[[0] for _ in d.groups] for d in DIMENSIONS]
        enr = [[[0] for _ in d.groups] for d in DIMENSIONS]
    return inv, enr


_FLAGS = ("multilingual", "homeless", "low_income", "iep", "section_504")
_POSITION = {"gender_identity": 3, **{f: 4 + i for i, f in enumerate(_FLAGS)}}  # in a grouped row


def _values(row: Sequence[Any]) -> dict[str, Any]:
    """A grouped row's demographic values as `Dimension.group_of` reads them."""
    _school, races, hispanic, gender, *flags, _students = row
    return {"races": json.loads(races), "hispanic_latino": bool(hispanic), "gender_identity": gender,
            **dict(zip(_FLAGS, map(bool, flags), strict=True))}


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
        "student is counted once per school however many interactions they had, and only when a law "
        "enforcement activity named them or they were arrested (a victim or witness who was only present "
        f"is not counted). Enrollment and demographics are the roster as it stood on {t.as_of}, the "
        "report's cut-off date (the end of the school year, or the day the report was made while the "
        "year runs), so a later roster change does not change these figures. Counts below "
        f"{t.threshold} are not shown, nor the counts that would let a reader work them out from the totals.")
    blocks: list[Block] = [Heading("About these figures"), Para(intro),
                           Para(HIDDEN_NOTE.format(t=t.threshold), "note"),
                           *disaggregated_blocks(t, columns), disaggregated_csv(t, columns)]
    steps()
    where = _schools(session)[school_id]["name"] if school_id else "All schools"
    return _document(session, ReportKind.DISAGGREGATED,
                     "Law enforcement interactions with students: disaggregated data",
                     f"School year {school_year} · {where}", blocks, school_year=school_year,
                     audience=Audience.PUBLIC)


# ------------------------------------------------------------------ P21: the OSPI collection


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
    versions = qr.roster_versions(store, sorted({s.get("student_id", "") for _, st in incidents
                                                 for s in st.get("students") or []}))
    per_student: dict[str, set[str]] = {f: set() for f in OUTCOME_FIELDS}
    c_rows, incomplete = [], []
    for rid, st in incidents:
        missing = incomplete_fields(InteractionDraft.from_state(st))
        links = st.get("students") or []
        if not links:
            missing.append("students")
        school = names.get(st.get("school_id", ""), {})
        base = (rid, when_text(st.get("occurred_at", ""))[:10], school.get("code", ""), school.get("name", ""),
                InteractionType.label_of(st.get("type", "")), "yes" if st.get("resulted_in_discipline") else "no",
                "yes" if st.get("use_of_force") else "no", "yes" if st.get("arrest") else "no",
                describe_incident(st))
        applies = {f: students_with(st, f) for f in OUTCOME_FIELDS}
        for f in OUTCOME_FIELDS:
            per_student[f].update(applies[f])
            if st.get(f) and not applies[f]:
                missing.append("outcome_students")
        for n, link in enumerate(links, 1):
            sid = link.get("student_id", "")
            v = version_on(versions.get(sid, []), st.get("occurred_at", ""))
            if v is None:
                missing.append(f"student {n} not on the roster")
                continue
            d: dict[str, Any] = {"races": list(v.get("races") or []), "hispanic_latino": bool(v.get("hispanic_latino")),
                 "gender_identity": v.get("gender_identity") or "not_provided",
                 **{k: bool(v.get(k)) for k in ("multilingual", "homeless", "low_income", "iep", "section_504")}}
            if not d["races"] and not d["hispanic_latino"]:
                missing.append(f"student {n} race and ethnicity")
            race, ethnicity = race_text(d)
            c_rows.append((*base, str(n), StudentRole.label_of(link.get("role", "")), race, ethnicity,
                           GenderIdentity.label_of(d["gender_identity"]), yes_no(d["multilingual"]),
                           yes_no(d["homeless"]), yes_no(d["low_income"]), yes_no(d["iep"]), yes_no(d["section_504"]),
                           "; ".join(missing) and "incomplete", *(yes_no(sid in applies[f]) for f in OUTCOME_FIELDS)))
        if missing:
            said = [MISSING_LABELS.get(m, m) for m in dict.fromkeys(missing)]
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

    blocks = ospi_blocks(OspiFigures(school_year, district_staff, len(per_school), summary, a_rows, b_rows,
                                     len(incidents), c_rows, incomplete, d_rows, d_total,
                                     (len(per_student["resulted_in_discipline"]), len(per_student["use_of_force"]),
                                      len(per_student["arrest"]))))
    blocks += _anchor_blocks(session)
    steps()
    return _document(session, ReportKind.OSPI, "Yearly report to OSPI: safety and security staff",
                     f"RCW 28A.320.1241 · School year {school_year}", blocks, school_year=school_year,
                     audience=Audience.STAFF,
                     to_fix=[("interaction", rid, missing) for rid, _day, _school, missing in incomplete])


def _anchor_blocks(session: Session) -> list[Block]:
    """Published anchors: each workstation's history head when the report was made, so a later
    rewrite of the year can be shown against this copy (`safetydesk verify --against FILE`)."""
    heads = sorted(session.store.device_heads().values(), key=lambda h: h.device)
    return [
        Heading("History anchors", 2),
        Para("The latest history entry of each workstation when this report was made. Keep this page: "
             "`safetydesk verify --against` checks a data file against these lines, so any later rewrite "
             "of the records behind this report shows."),
        TableBlock(("Workstation", "Entry", "Hash"), tuple((h.device, str(h.seq), h.hash) for h in heads),
                   widths=(2.2, 0.7, 5.1), numeric=(1,)),
    ]


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
    training = training_service.training_summary(session, school_year)
    steps()
    statuses = start_of_year_service.district_status(session, school_year)
    steps()
    ags = agreements_service.list_agreements(session)
    steps()
    ospi = ospi_collection(session, school_year)
    facts = next(b for b in ospi.blocks if isinstance(b, Facts))
    steps()
    by_status: dict[str, int] = {}
    for r in complaints_service.complaint_counts(session, school_year):
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["count"]
    steps()
    grounds: dict[str, int] = {}
    for r in interventions_service.counts_by_ground(session, school_year=school_year):
        grounds[r["ground"]] = grounds.get(r["ground"], 0) + r["count"]
    per_staff: dict[tuple[str, str], int] = {}
    for r in climate_service.counts_per_staff(session, school_year=school_year):
        key = (r["staff_name"], names.get(r["school_id"], {}).get("name", ""))
        per_staff[key] = per_staff.get(key, 0) + r["count"]
    steps()
    flags: dict[str, int] = {}
    for r in interactions_service.flag_counts(session, school_year):
        flags[r["kind"]] = flags.get(r["kind"], 0) + r["count"]
    compliance = _compliance_blocks(session, school_year, "", level=2)
    steps()
    t = disaggregated_tables(session, school_year)
    blocks = board_blocks(BoardFigures(school_year, district, training, statuses, ags, facts, by_status, grounds,
                                       per_staff, flags, compliance, t))
    blocks += _anchor_blocks(session)
    steps()
    return _document(session, ReportKind.BOARD, "Safety and security services: annual report to the board",
                     f"Policy 4311 · School year {school_year}", blocks, school_year=school_year,
                     audience=Audience.PUBLIC, logo=logo)


# ------------------------------------------------------------------ record printouts


def _record_printout(session: Session, kind: str, title: str, rec: dict[str, Any],
                     layout: Callable[[dict[str, Any], dict[str, Any], str, str], list[Block]],
                     history: Callable[[Session, str], list[Any]], when_field: str, reference: str,
                     audience: str, for_student: str, steps: _Steps) -> ReportDocument:
    """A printout of one record that names students: its layout, then its history; a family copy
    is about ``for_student`` only."""
    st = rec["state"]
    ids = [s["student_id"] for s in rec["students"]]
    audience = printout_audience(audience, for_student, ids)
    family = audience == Audience.FAMILY
    school = _schools(session).get(st.get("school_id", ""), {})
    blocks = layout(rec, school, audience, for_student)
    steps()
    blocks += history_block(history(session, rec["id"]), family)
    steps()
    return _document(session, kind, title, f"{school.get('name', '')} · {when_text(st.get(when_field, ''))}",
                     blocks, audience=audience, records=[(rec["record_type"], rec["id"])],
                     student_ids=[for_student] if family else ids, reference=reference)


@service(Permission.VIEW_RECORDS)
def interaction_printout(session: Session, record_id: str, audience: str = Audience.STAFF, for_student: str = "",
                         progress: Progress | None = None, cancelled: Cancelled | None = None) -> ReportDocument:
    """One interaction with its details, follow-ups and history, for staff, a family or an outside party."""
    rec = interactions_service.get_interaction(session, record_id)
    return _record_printout(session, ReportKind.INTERACTION, "Interaction record", rec, interaction_blocks,
                            interactions_service.interaction_history, "occurred_at", f"Interaction {record_id}",
                            audience, for_student, _Steps(2, progress, cancelled))


@service(Permission.VIEW_RECORDS)
def intervention_printout(session: Session, record_id: str, audience: str = Audience.STAFF, for_student: str = "",
                          progress: Progress | None = None, cancelled: Cancelled | None = None) -> ReportDocument:
    """One request for intervention (P09) with its history."""
    rec = interventions_service.get_request(session, record_id)
    return _record_printout(session, ReportKind.INTERVENTION, "Request for intervention", rec, intervention_blocks,
                            interventions_service.request_history, "requested_at", f"Request {record_id}",
                            audience, for_student, _Steps(2, progress, cancelled))


@service(Permission.VIEW_COMPLAINTS)
def complaint_printout(session: Session, record_id: str, audience: str = Audience.STAFF, for_student: str = "",
                       progress: Progress | None = None, cancelled: Cancelled | None = None) -> ReportDocument:
    """One complaint (P16) with allegations, findings and history."""
    steps = _Steps(2, progress, cancelled)
    rec = complaints_service.get_complaint(session, record_id)
    st = rec["state"]
    people = rec.get("students") or []
    ids = [s.get("student_id") or s.get("id", "") for s in people]
    audience = printout_audience(audience, for_student, ids) if ids or audience != Audience.FAMILY else audience
    family = audience == Audience.FAMILY
    school = _schools(session).get(st.get("school_id", ""), {})
    blocks = complaint_blocks(rec, school, audience, for_student)
    steps()
    blocks += history_block(complaints_service.complaint_history(session, record_id), family)
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
    rows = tuple((when_text(d["released_at"]), f"{d['recipient']}, {d['organisation']}",
                  DisclosureBasis.label_of(d["legal_basis"]) + (f": {d['basis_detail']}" if d["basis_detail"] else ""),
                  "; ".join(f"{t.replace('_', ' ')} {i[-8:]}" for t, i in d["records"]) or d["report"],
                  d["released_by"], d["sha256"][:12]) for d in entries)
    blocks: list[Block] = [
        Facts((("Student", student_label(student)), ("Disclosures on record", str(len(entries))))),
        Para("Every release of this student's records outside the school: to whom, on what legal basis, which "
             "records, who released them, and the SHA-256 fingerprint of the exact file released."),
        TableBlock(("When", "Recipient", "Legal basis", "Records", "Released by", "File SHA-256"), rows,
                   widths=(1.0, 1.8, 1.9, 1.2, 0.8, 1.1), csv_name="disclosures")
        if rows else Para("No disclosure of this student's records is on record.")]
    steps()
    audit_records = [("student", student_id)]
    return _document(session, ReportKind.DISCLOSURES, "Record of disclosures", student_label(student), blocks,
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
    key: tuple[str, str] | None = None
    while offset < total:  # by key, not OFFSET: each chunk is a seek, so the listing is linear in rows
        chunk = interactions_service.list_interactions(session, f, 0, min(page, total - offset), after=key)
        if not chunk:
            break
        for r in chunk:
            outcomes = ", ".join(w for w, k in (("discipline", "resulted_in_discipline"), ("force", "use_of_force"),
                                                ("arrest", "arrest")) if r[k])
            rows.append((when_text(r["occurred_at"]), names.get(r["school_id"], {}).get("code", ""),
                         InteractionType.label_of(r["type"]), r["location"], r["students_label"], r["staff_label"],
                         outcomes))
        offset += len(chunk)
        key = (chunk[-1]["occurred_at"], chunk[-1]["id"])
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


# ------------------------------------------------------------------ the federal CRDC
def _crdc(session: Session, school_year: str, school: str, unsuppressed: bool, steps: _Steps) -> ReportDocument:
    _check_year(school_year)
    school_id = _resolve_school(session, school)
    store, scope = session.store, session.scope
    threshold = district_settings.current(store).suppression_threshold
    incidents = list(qr.live_states(store, school_year))
    versions = qr.roster_versions(store, sorted({s.get("student_id", "") for _, st in incidents
                                                 for s in st.get("students") or []}))
    steps()
    counted_once: dict[tuple[str, str, str], crdc.Counted] = {}
    instances: dict[tuple[str, str], int] = {}
    outside_k12 = 0
    for _rid, st in incidents:
        for measure, _label in crdc.MEASURES:
            for sid in crdc.students_for(measure, st):
                c = crdc.counted(measure, version_on(versions.get(sid, []), st.get("occurred_at", "")))
                if c is None:
                    outside_k12 += 1
                    continue
                instances[(measure, c.school_id)] = instances.get((measure, c.school_id), 0) + 1
                counted_once.setdefault((measure, sid, c.school_id), c)
    steps()
    names = _schools(session)
    shown = sorted((s for s in names.values() if s["active"] and (scope is None or s["id"] in scope)
                    and (not school_id or s["id"] == school_id)), key=lambda s: (s["name"], s["id"]))
    keys = [(s["id"], m) for s in shown for m, _ in crdc.MEASURES]
    values = {k: crdc.tables([c for (m, _sid, sch), c in counted_once.items() if (sch, m) == k]) for k in keys}
    Shown = list[list[int | None]]
    published: dict[tuple[str, str], tuple[Shown, Shown, list[int | None]]] = {}
    if unsuppressed:
        for k, (race, el) in values.items():
            published[k] = ([list[int | None](r) for r in race], [list[int | None](r) for r in el],
                            [sum(r[c] for r in race) for c in range(len(crdc.COLUMNS))])
    else:
        families = [tuple(suppress_tables([race, el], threshold)) for race, el in values.values()]
        protected = protect_report(families, threshold, within=()).families if families else ()
        for k, (race_t, el_t) in zip(values, protected, strict=True):
            published[k] = ([[race_t.shown(r, c) for c in range(race_t.cols)] for r in range(race_t.rows)],
                            [[el_t.shown(r, c) for c in range(el_t.cols)] for r in range(el_t.rows)],
                            [race_t.col_total(c) for c in range(race_t.cols)])
    steps()
    csv_rows: list[tuple[str, ...]] = []
    pdf_rows: list[tuple[str, ...]] = []
    for (sid, measure), (race_shown, el_shown, totals) in published.items():
        s = names[sid]
        n = instances.get((measure, sid), 0)
        inst = n if unsuppressed or n == 0 or n >= threshold else None
        rows = crdc.csv_rows(s["code"], s["name"], measure, inst, race_shown, totals, el_shown)
        csv_rows += rows
        label = dict(crdc.MEASURES)[measure]
        for row, (_dis, dis_label) in zip(rows, crdc.DISABILITY, strict=True):
            tot = row[5 + len(crdc.RACES) * len(crdc.SEXES):8 + len(crdc.RACES) * len(crdc.SEXES)]
            pdf_rows.append((s["name"], label, dis_label, *tot, row[-3], row[-2], row[-1]))
    steps()
    copy = ("the district's own submission: every count is shown. Keep it inside the district; publish "
            "the public copy" if unsuppressed else
            f"the public copy: counts from 1 to {threshold - 1}, and those that would let a reader work them "
            "out from the totals, are shown as “*”")
    blocks: list[Block] = [
        Heading("About these figures"),
        Para(f"Counts for the Civil Rights Data Collection (CRDC) for the {school_year} school year: students in "
             "grades K-12 referred to law enforcement (a school official reporting them to a law enforcement "
             "agency or official, recorded as the activity “Referral to law enforcement”) and students who "
             "received a school-related arrest (an arrest recorded for that student). Each student is counted "
             "once per measure at the school they were enrolled in on the date, with the race and ethnicity, "
             "sex, English learner status, grade and IDEA / Section 504 status of the roster on the date of "
             "the incident; instances count every referral or arrest. This is " + copy + "."),
        Facts((("Students referred to law enforcement", str(sum(1 for k in counted_once if k[0] == "referral"))
                if unsuppressed else "see the table"),
               ("Students with a school-related arrest", str(sum(1 for k in counted_once if k[0] == "arrest"))
                if unsuppressed else "see the table"),
               ("Referrals or arrests of students outside grades K-12 (not counted)", str(outside_k12)),
               ("Copy", "District submission (unsuppressed)" if unsuppressed else "Public (small counts hidden)"))),
        TableBlock(("School", "Measure", "Disability", "Male", "Female", "Nonbinary or not reported", "EL male",
                    "EL female", "EL nonbinary"), tuple(pdf_rows), widths=(2, 1.6, 1.8, 0.6, 0.7, 1.1, 0.6, 0.7, 0.9),
                   numeric=(3, 4, 5, 6, 7, 8),
                   notes=("The CSV file holds every column: race and ethnicity by sex for each disability group.",)),
        TableBlock(crdc.csv_header(), tuple(csv_rows), csv_name="crdc", in_pdf=False),
    ]
    where = names[school_id]["name"] if school_id else "All schools"
    return _document(session, ReportKind.CRDC_DISTRICT if unsuppressed else ReportKind.CRDC,
                     "Civil Rights Data Collection: referrals to law enforcement and school-related arrests",
                     f"School year {school_year} · {where}" + (" · unsuppressed" if unsuppressed else ""), blocks,
                     school_year=school_year, audience=Audience.STAFF if unsuppressed else Audience.PUBLIC)


@service(Permission.VIEW_RECORDS)
def crdc_public(session: Session, school_year: str, school: str = "", progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> ReportDocument:
    """CRDC referrals to law enforcement and school-related arrests, the public copy (P20's suppression)."""
    return _crdc(session, school_year, school, False, _Steps(4, progress, cancelled))


@service(Permission.EXPORT_CRDC_UNSUPPRESSED)
def crdc_district(session: Session, school_year: str, school: str = "", progress: Progress | None = None,
                  cancelled: Cancelled | None = None) -> ReportDocument:
    """The same counts unsuppressed, for the district's own CRDC submission."""
    return _crdc(session, school_year, school, True, _Steps(4, progress, cancelled))


# ------------------------------------------------------------------ saving files
REPORTS: dict[str, Callable[..., ReportDocument]] = {
    ReportKind.DISAGGREGATED: disaggregated, ReportKind.OSPI: ospi_collection, ReportKind.BOARD: board_report,
    ReportKind.COMPLIANCE: compliance_status, ReportKind.INTERACTION: interaction_printout,
    ReportKind.INTERVENTION: intervention_printout, ReportKind.COMPLAINT: complaint_printout,
    ReportKind.DISCLOSURES: disclosure_record, ReportKind.LISTING: interaction_listing,
    ReportKind.CRDC: crdc_public, ReportKind.CRDC_DISTRICT: crdc_district,
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
    session.store.append(session.author, changes)
    return [write_atomically(r.data, Path(p)) for r, p in files]
