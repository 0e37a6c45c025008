"""The demo data generator: reproducible, valid, plausible, and within the policy."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import fields
from datetime import date, datetime

import pytest

from safetydesk.demo import generator as demo
from safetydesk.domain.climate import CLIMATE, ClimateDraft, validate_climate
from safetydesk.domain.errors import DataFileError
from safetydesk.domain.immigration_guard import find_immigration_text, free_texts
from safetydesk.domain.interventions import INTERVENTION, InterventionDraft, validate_intervention
from safetydesk.domain.law_enforcement import (
    InteractionContext,
    compliance_flags,
    incomplete_fields,
    validate_interaction_in_full,
)
from safetydesk.domain.outside_requests import (
    OUTSIDE_REQUEST,
    OutsideRequestDraft,
    validate_outside_request,
)
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import (
    RULES_VERSION,
    InteractionDraft,
    RecordType,
    SchoolDraft,
    StaffDraft,
    StudentDraft,
)
from safetydesk.domain.staff_training import (
    TRAINING,
    TrainingDraft,
    check_ins_required,
    esd_confirmed,
    validate_training,
)
from safetydesk.domain.validation import (
    Known,
    school_year_of,
    validate_school,
    validate_staff,
    validate_student,
)
from safetydesk.domain.vocab import Role
from safetydesk.paths import resolve
from safetydesk.services import accounts, dashboard, files
from safetydesk.store import Store
from safetydesk.store import queries_everyday as qe

# District records made through the services: their ids (and complaint confirmation
# numbers) are random like any others; everything else follows from the seed.
DISTRICT_TYPES = ("school_calendar", "role_presentation", "role_distribution", "gun_safety_campaign",
                  "gun_safe_count", "complaint", "agreement", "policy_training")

TODAY = date(2026, 11, 28)
SCALE = 300
ROLES = {"admin": Role.DISTRICT_ADMIN, "principal": Role.PRINCIPAL, "office": Role.FRONT_OFFICE,
         "officer": Role.SAFETY_STAFF, "reviewer": Role.REVIEWER}


class Generated:
    def __init__(self, folder, seed: int = 4311, workers: int | None = None) -> None:
        self.paths = resolve(folder)
        self.calls: list[tuple[int, int]] = []
        self.summary = demo.generate(
            self.paths, seed=seed, interactions=SCALE, today=TODAY,
            progress=lambda done, total: self.calls.append((done, total)), workers=workers,
        )
        self.session = files.sign_in(self.paths, "admin", "demo")
        self.store: Store = self.session.store

    def states(self, record_type: str) -> dict[str, dict]:
        return dict(self.store.states(record_type))

    def comparable(self) -> dict[str, list[str]]:
        """Every record's state, with the service-made school ids replaced by school codes."""
        codes = {sid: st["code"] for sid, st in self.states(RecordType.SCHOOL).items()}
        out = {}
        for record_type in (RecordType.SCHOOL, RecordType.STAFF, RecordType.STUDENT,
                            RecordType.INTERACTION, RecordType.SCHOOL_YEAR, TRAINING, INTERVENTION,
                            CLIMATE, OUTSIDE_REQUEST, *DISTRICT_TYPES):
            rows = []
            for rid, st in self.store.states(record_type):
                if record_type in DISTRICT_TYPES:
                    rid, st = "", {k: v for k, v in st.items() if k != "confirmation"}
                text = json.dumps([rid if rid not in codes else "", st], sort_keys=True)
                for sid, code in codes.items():
                    text = text.replace(sid, f"school:{code}")
                rows.append(text)
            out[record_type] = sorted(rows)
        return out


@pytest.fixture(scope="module")
def gen(tmp_path_factory) -> Generated:
    g = Generated(tmp_path_factory.mktemp("demo"))
    yield g
    g.store.close()


def test_same_seed_gives_the_same_data(gen: Generated, tmp_path) -> None:
    """Also whoever generates: the fixture in this process, the second run in a worker process
    beside the writer (as a large demo does)."""
    assert SCALE < demo.WORKER_FROM
    again = Generated(tmp_path / "again", workers=1)
    try:
        first, second = gen.comparable(), again.comparable()
        for record_type in first:
            assert first[record_type] == second[record_type], record_type
        assert again.summary == gen.summary
    finally:
        again.store.close()


def test_another_seed_gives_other_people() -> None:
    one = demo._Plan(4311, TODAY)
    other = demo._Plan(7, TODAY)
    names = lambda plan: [(s.first_name, s.last_name, s.birth_date) for _, s in plan.students]  # noqa: E731
    assert names(one) != names(other)
    assert [m.draft.name for m in one.staff] != [m.draft.name for m in other.staff]


def test_counts_match_the_summary(gen: Generated) -> None:
    counts = gen.summary.counts
    assert counts["schools"] == len(gen.states(RecordType.SCHOOL)) == 19
    assert counts["school years"] == len(gen.states(RecordType.SCHOOL_YEAR)) == 5
    assert counts["staff"] == len(gen.states(RecordType.STAFF))
    students = gen.states(RecordType.STUDENT).values()
    assert counts["students"] == sum(1 for s in students if s["active"]) == 9000
    assert counts["former students"] == sum(1 for s in students if not s["active"])
    assert counts["interactions"] == len(gen.states(RecordType.INTERACTION)) == SCALE
    assert counts["accounts"] == len(gen.states(RecordType.USER)) == 5
    assert [name for name, _ in gen.summary.accounts] == list(ROLES)
    levels = Counter(s["level"] for s in gen.states(RecordType.SCHOOL).values())
    assert levels == {"elementary": 11, "middle": 4, "high": 3, "other": 1}
    years = sorted(s["label"] for s in gen.states(RecordType.SCHOOL_YEAR).values())
    assert years == ["2022-23", "2023-24", "2024-25", "2025-26", "2026-27"]


def test_progress_is_reported_up_to_the_total(gen: Generated) -> None:
    assert len(gen.calls) >= 3
    dones = [d for d, _ in gen.calls]
    assert dones == sorted(dones)
    done, total = gen.calls[-1]
    # Everything after the data file's creation (district, 19 schools, the administrator)
    # and the two set-up amendments (district code, administrator's name).
    # and the workstation's own signing-key record (the first entry of its chain).
    assert done == total == gen.store.history_count() - 21 - 2 - 1


def test_every_account_signs_in_with_demo(gen: Generated) -> None:
    schools = {st["code"]: sid for sid, st in gen.states(RecordType.SCHOOL).items()}
    for username, role in ROLES.items():
        session = files.sign_in(gen.paths, username, "demo")
        try:
            assert session.actor.role == role
            if role in (Role.PRINCIPAL, Role.FRONT_OFFICE, Role.SAFETY_STAFF):
                assert session.actor.schools == {schools["SRHS"]}
            else:
                assert not session.actor.schools
        finally:
            session.store.close()


def test_the_data_file_verifies(gen: Generated) -> None:
    assert gen.store.verify() == []


def test_student_demographics_are_plausible(gen: Generated) -> None:
    students = [s for s in gen.states(RecordType.STUDENT).values() if s["active"]]
    n = len(students)
    share = lambda pred: sum(1 for s in students if pred(s)) / n  # noqa: E731
    assert 0.66 <= share(lambda s: s["races"] == ["white"]) <= 0.78
    assert 0.78 <= share(lambda s: "white" in s["races"]) <= 0.88
    assert 0.06 <= share(lambda s: s["races"] == ["asian"]) <= 0.10
    assert 0.025 <= share(lambda s: s["races"] == ["black_african_american"]) <= 0.055
    assert 0.01 <= share(lambda s: s["races"] == ["american_indian_alaska_native"]) <= 0.03
    assert 0.008 <= share(lambda s: s["races"] == ["native_hawaiian_pacific_islander"]) <= 0.025
    assert 0.10 <= share(lambda s: len(s["races"]) >= 2) <= 0.14
    assert 0.13 <= share(lambda s: s["hispanic_latino"]) <= 0.17
    assert 0.47 <= share(lambda s: s["gender_identity"] == "female") <= 0.51
    assert 0.47 <= share(lambda s: s["gender_identity"] == "male") <= 0.51
    assert 0.004 <= share(lambda s: s["gender_identity"] == "nonbinary") <= 0.02
    assert 0.06 <= share(lambda s: s["multilingual"]) <= 0.10
    assert 0.02 <= share(lambda s: s["homeless"]) <= 0.04
    assert 0.32 <= share(lambda s: s["low_income"]) <= 0.38
    assert 0.13 <= share(lambda s: s["iep"]) <= 0.17
    assert 0.045 <= share(lambda s: s["section_504"]) <= 0.075
    assert not any(s["iep"] and s["section_504"] for s in students)
    assert all(s["low_income"] for s in students if s["homeless"])
    # Names from many cultures, and SIS ids unique.
    assert len({s["last_name"] for s in students}) > 200
    assert len({s["local_id"] for s in gen.states(RecordType.STUDENT).values()}) == len(
        gen.states(RecordType.STUDENT))


def test_grades_and_birth_dates_match_the_schools(gen: Generated) -> None:
    schools = gen.states(RecordType.SCHOOL)
    allowed = {"elementary": {"K", "1", "2", "3", "4", "5"}, "middle": {"6", "7", "8"},
               "high": {"9", "10", "11", "12"}, "other": {"9", "10", "11", "12"}}
    per_level: Counter[str] = Counter()
    for st in gen.states(RecordType.STUDENT).values():
        level = schools[st["school_id"]]["level"]
        assert st["grade"] in allowed[level]
        if not st["active"]:
            assert st["grade"] == "12" and level in ("high", "other")
            continue
        per_level[level] += 1
        g = 0 if st["grade"] == "K" else int(st["grade"])
        born = date.fromisoformat(st["birth_date"])
        age = (date(2026, 8, 31) - born).days / 365.25
        assert g + 4 <= age <= g + 7
    sizes = Counter(st["school_id"] for st in gen.states(RecordType.STUDENT).values() if st["active"])
    high = min(sizes[sid] for sid, s in schools.items() if s["level"] == "high")
    assert high > max(sizes[sid] for sid, s in schools.items() if s["level"] != "high")


def _known(gen: Generated) -> Known:
    return Known(
        schools={sid: st["name"] for sid, st in gen.states(RecordType.SCHOOL).items()},
        staff={sid: st["category"] for sid, st in gen.states(RecordType.STAFF).items()},
        students={sid: st["school_id"] for sid, st in gen.states(RecordType.STUDENT).items()},
        now=datetime(2026, 11, 28, 8, 0),
    )


def _context(gen: Generated) -> InteractionContext:
    """What services.interactions.context_for builds from the store."""
    staff_ids = list(gen.states(RecordType.STAFF))
    return InteractionContext(known=_known(gen), staff_names=qe.staff_names(gen.store),
                              staff_periods=qe.staff_periods(gen.store),
                              esd_confirmed=qe.esd_confirmed(gen.store, staff_ids))


@pytest.mark.policy("P06")
@pytest.mark.policy("P07")
@pytest.mark.policy("P08")
@pytest.mark.policy("P11")
@pytest.mark.policy("P12")
@pytest.mark.policy("P13")
def test_every_record_passes_the_full_rules(gen: Generated) -> None:
    known = _known(gen)
    for st in gen.states(RecordType.SCHOOL).values():
        assert validate_school(SchoolDraft.from_state(st)) == []
    for st in gen.states(RecordType.STAFF).values():
        assert validate_staff(StaffDraft.from_state(st), known) == []
    for st in list(gen.states(RecordType.STUDENT).values())[::25]:
        assert validate_student(StudentDraft.from_state(st), known) == []
    ctx = _context(gen)
    for rid, st in gen.states(RecordType.INTERACTION).items():
        draft = InteractionDraft.from_state(st)
        assert validate_interaction_in_full(draft, ctx) == [], rid
        # The stored flags are what the domain computes, each with the time it was raised.
        assert [{k: v for k, v in f.items() if k != "since"} for f in st["compliance_flags"]] == \
            compliance_flags(draft, ctx), rid
        assert all(f["since"] >= st["occurred_at"] for f in st["compliance_flags"])
        # P14: the free text passes the guard the services run before saving.
        assert not any(find_immigration_text(t) for t in free_texts(draft.to_state()).values()), rid


@pytest.mark.policy("P08")
@pytest.mark.policy("P11")
@pytest.mark.policy("P12")
@pytest.mark.policy("P13")
def test_law_enforcement_records_are_complete_and_consistent(gen: Generated) -> None:
    staff = gen.states(RecordType.STAFF)
    students = gen.states(RecordType.STUDENT)
    found = 0
    for st in gen.states(RecordType.INTERACTION).values():
        if st["type"] == "law_enforcement":
            found += 1
            assert st["alternatives_considered"] and st["le_activities"]
        lead = st["staff"][0]["staff_id"]
        for a in st["le_activities"]:
            assert a["officer_staff_id"] == lead and staff[lead]["category"] == "sro"
            assert a["agency"] == staff[lead]["agency"] and a["officer"] == staff[lead]["name"]
            assert a["authorised_by"].endswith(("Principal", "Dean of Students"))
            born = date.fromisoformat(students[a["student_id"]]["birth_date"])
            assert abs((date.fromisoformat(st["occurred_at"][:10]) - born).days / 365.25 - a["student_age"]) < 1
            if a["type"] == "arrest":
                assert st["arrest"] and a["removed_from_school"] and a["removal_destination"]
        if st["type"] in ("restraint", "isolation"):
            assert st["restraint_details"]["description"]
    assert found


@pytest.mark.policy("P11")
def test_some_law_enforcement_interactions_began_with_a_referral_crdc_counts(gen: Generated) -> None:
    """The CRDC's referrals to law enforcement are not all zero: a school official reported the
    subject to the SRO before the officer acted; the outcome rules hold as for any record."""
    from safetydesk.domain.crdc import students_for
    from safetydesk.domain.outcomes import students_with

    le, referred = 0, Counter()
    for st in gen.states(RecordType.INTERACTION).values():
        if st["type"] != "law_enforcement":
            continue
        le += 1
        acts = st["le_activities"]
        referrals = [a for a in acts if a["type"] == "referral_to_law_enforcement"]
        subjects = {s["student_id"] for s in st["students"] if s["role"] == "subject"}
        for a in referrals:
            assert a is acts[0] and a["student_id"] in subjects and a["legal_basis"] == ""
            assert a["administrator_present"] and a["administrator_name"]
        referred[bool(referrals)] += 1
        assert set(students_for("referral", st)) == {a["student_id"] for a in referrals}
        arrested = {a["student_id"] for a in acts if a["type"] == "arrest"}
        assert arrested <= set(students_with(st, "arrest"))  # an arrest activity is ticked arrested
    assert le and referred[True] and referred[False]  # the full rules: test_every_record_passes…


@pytest.mark.policy("P02")
def test_staff_are_trained_before_they_meet_students(gen: Generated) -> None:
    staff = gen.states(RecordType.STAFF)
    trainings = gen.states(TRAINING)
    assert set(trainings) == set(staff)
    for sid, st in trainings.items():
        draft = TrainingDraft.from_state(st)
        assert st["author"] == "admin" and draft.staff_id == sid
        assert validate_training(draft, TODAY) == [], sid
        assert draft.program_start == staff[sid]["start_date"]
        assert 3 <= len(draft.classroom_topics) <= 5
        if esd_confirmed(draft):
            assert draft.esd_issuer in ("ESD 113", "ESD 112", "ESD 189")
            assert draft.esd_confirmed_by == "District safety office"
            assert draft.esd_confirmed_on < staff[sid]["start_date"]
    # One recent hire is waiting for the district to confirm the ESD documentation.
    waiting = [sid for sid, st in trainings.items() if not esd_confirmed(TrainingDraft.from_state(st))]
    assert len(waiting) == 1
    assert staff[waiting[0]]["category"] == "campus_security"
    assert (TODAY - date.fromisoformat(staff[waiting[0]]["start_date"])).days == 10
    # A few are short of on-the-job days or check-ins, so the dashboard has something due.
    short = [sid for sid, st in trainings.items()
             if len(st["on_the_job_days"]) < 2 or len(st["check_ins"]) < check_ins_required(staff[sid]["category"])]
    assert 2 <= len(short) <= 6
    # P02: everyone on an interaction was confirmed before that day.
    for st in gen.states(RecordType.INTERACTION).values():
        for link in st["staff"]:
            confirmed = trainings[link["staff_id"]]["esd_confirmed_on"]
            assert confirmed and confirmed <= st["occurred_at"][:10]
        assert waiting[0] not in {link["staff_id"] for link in st["staff"]}


@pytest.mark.policy("P09")
def test_requests_for_intervention_are_valid_and_linked(gen: Generated) -> None:
    requests = gen.states(INTERVENTION)
    interactions = gen.states(RecordType.INTERACTION)
    known = _known(gen)
    assert requests
    for rid, st in requests.items():
        draft = InterventionDraft.from_state(st)
        assert validate_intervention(draft, known, set(interactions)) == [], rid
        assert draft.ground in ("a_danger_to_others", "b_disruption", "c_other_emergency")
        linked = interactions[draft.interaction_id]
        assert draft.school_id == linked["school_id"] and draft.location == linked["location"]
        assert set(draft.students) <= {s["student_id"] for s in linked["students"]}
        assert draft.responding_staff == [s["staff_id"] for s in linked["staff"]]
        minutes = (datetime.fromisoformat(draft.response_at) - datetime.fromisoformat(draft.requested_at))
        assert 2 * 60 <= minutes.total_seconds() <= 8 * 60
        assert draft.response_at == linked["occurred_at"]
        assert draft.self_initiated == (draft.requester_role == "")
        assert st["author"] in ROLES
        assert not any(find_immigration_text(t) for t in free_texts(draft.to_state()).values())


def test_requests_follow_one_in_eight_secondary_interactions() -> None:
    plan = demo._Plan(4311, TODAY)
    import random

    stream = demo._Interactions(plan, random.Random("requests"))
    changes = [c for _, c in stream.stream(6000)]
    requests = [c.changes for c in changes if c.record_type == INTERVENTION]
    secondary = {s.id for s in plan.schools if s.level != "elementary"}
    n_secondary = sum(1 for c in changes if c.record_type == RecordType.INTERACTION
                      and c.changes["school_id"][1] in secondary)
    assert 1 / 10 <= len(requests) / n_secondary <= 1 / 6.5
    share = lambda key, value: sum(1 for r in requests if r[key][1] == value) / len(requests)  # noqa: E731
    assert 0.6 <= share("requester_role", "teacher") <= 0.8
    assert 0.12 <= share("requester_role", "administrator") <= 0.28
    assert 0.05 <= share("self_initiated", True) <= 0.16
    assert 0.5 <= share("ground", "b_disruption") <= 0.7
    assert 0.22 <= share("ground", "a_danger_to_others") <= 0.38


@pytest.mark.policy("P10")
def test_climate_activities_have_no_students(gen: Generated) -> None:
    activities = gen.states(CLIMATE)
    staff = gen.states(RecordType.STAFF)
    students = gen.states(RecordType.STUDENT).values()
    full_names = {f"{s['first_name']} {s['last_name']}".lower() for s in students}
    known = _known(gen)
    per_staff_month = Counter()
    for rid, st in activities.items():
        draft = ClimateDraft.from_state(st)
        assert validate_climate(draft, known) == [], rid
        assert not [k for k in st if "student" in k]
        assert not any(name in draft.note.lower() for name in full_names if len(name) > 6)
        if draft.activity_type == "threat_assessment_team":
            assert draft.note == ""
        for sid in draft.staff:
            assert st["school_id"] in {a["school_id"] for a in staff[sid]["assignments"]}
        per_staff_month[(draft.staff[0], draft.activity_date[:7])] += 1
        assert draft.activity_date < TODAY.isoformat()
    # 2-6 a month (fewer only in a month with a single school day left for them)
    assert max(per_staff_month.values()) <= 6
    assert sum(1 for n in per_staff_month.values() if n >= 2) >= 0.95 * len(per_staff_month)
    assert len({k[0] for k in per_staff_month}) == len(staff) - 1  # everyone but the new hire


@pytest.mark.policy("P15")
def test_outside_requests_are_declined_or_released_with_a_legal_basis(gen: Generated) -> None:
    requests = list(gen.states(OUTSIDE_REQUEST).values())
    known = _known(gen)
    per_year = Counter(school_year_of(date.fromisoformat(st["received_on"])) for st in requests)
    assert all(2 <= n <= 3 for n in per_year.values()) and len(per_year) == 5
    responses = Counter(st["response"] for st in requests)
    assert responses["provided_as_required_by_law"] == 1
    assert responses["declined"] >= len(requests) - 2
    for st in requests:
        assert validate_outside_request(OutsideRequestDraft.from_state(st), known) == []
        if st["response"] == "provided_as_required_by_law":
            assert st["legal_basis"].strip() and st["document_type"] in ("court_order", "judicial_warrant")
        assert not any(find_immigration_text(t) for t in free_texts(st).values())


@pytest.mark.policy("P02")
@pytest.mark.policy("P03")
@pytest.mark.policy("P04")
@pytest.mark.policy("P07")
@pytest.mark.policy("P12")
@pytest.mark.policy("P13")
@pytest.mark.policy("P16")
@pytest.mark.policy("P17")
def test_the_dashboard_has_something_in_every_section(gen: Generated) -> None:
    session = gen.session
    session.clock = lambda: datetime.combine(TODAY, datetime.min.time())
    items = dashboard.dashboard_items(session, today=TODAY, view="district")  # every source, old items too
    kinds = Counter((i.category, i.severity) for i in items)
    assert kinds[("complaint", "overdue")] >= 1
    assert any(i.title.startswith("Acknowledge") and i.severity == "overdue" for i in items)
    start = [i for i in items if i.category == "start_of_year"]
    assert 2 <= len(start) <= 3
    assert [i for i in items if i.category == "agreement" and i.severity == "due_soon"]
    assert kinds[("compliance", "flag")] >= 1
    training = [i for i in items if i.category == "training"]
    assert any("not confirmed" in i.title for i in training)
    assert any("On-the-job" in i.title or "Check-in" in i.title for i in training)
    flags = Counter(f["kind"] for st in gen.states(RecordType.INTERACTION).values()
                    for f in st["compliance_flags"])
    assert flags["sro_discipline"] >= 1 and "untrained_staff" not in flags


@pytest.mark.policy("P03")
@pytest.mark.policy("P04")
@pytest.mark.policy("P05")
@pytest.mark.policy("P16")
@pytest.mark.policy("P17")
@pytest.mark.policy("P18")
@pytest.mark.policy("P19")
@pytest.mark.policy("P22")
def test_district_records_are_complete_for_past_years(gen: Generated) -> None:
    from safetydesk.services import agreements, complaints, policy_training, start_of_year

    session = gen.session
    session.clock = lambda: datetime.combine(TODAY, datetime.min.time())
    for year in ("2022-23", "2023-24", "2024-25", "2025-26"):
        assert all(s.complete for s in start_of_year.district_status(session, year)), year
        assert policy_training.training_summary(session, year)["sessions"] >= 3
        assert complaints.complaint_counts(session, year)
    current = [s for s in start_of_year.district_status(session, "2026-27") if not s.complete]
    assert 2 <= len(current) <= 3
    assert start_of_year.gun_safe_report(session, "2025-26")
    states = gen.states("complaint")
    statuses = Counter(st["status"] for st in states.values())
    assert {"received", "acknowledged", "investigating", "findings", "response_sent", "closed"} <= set(statuses)
    past = [st for st in states.values() if st["received_date"] < "2026-06-01"]
    assert past and all(st["status"] == "closed" for st in past)
    assert any(st["anonymous"] for st in states.values())
    assert all(not st["complainant_name"] for st in states.values() if st["anonymous"])
    assert any(st["preferred_language"] == "Spanish" and st["interpreter_needed"] for st in states.values())
    rows = agreements.list_agreements(session)
    assert len(rows) == 2 and all(r["status"] == "adopted, in effect" for r in rows)
    assert sorted(bool(r["reminder"]) for r in rows) == [False, True]
    calendars = gen.states("school_calendar")
    assert len(calendars) == 5
    closed = {d["date"] for st in calendars.values() for d in st["non_school_days"]}
    assert not [st for st in gen.states(RecordType.INTERACTION).values() if st["occurred_at"][:10] in closed]


@pytest.mark.policy("P21")
def test_some_use_of_force_lacks_details_for_the_ospi_report() -> None:
    """About one in seven use-of-force records has no force details yet (listed as incomplete)."""
    plan = demo._Plan(4311, TODAY)
    import random

    stream = demo._Interactions(plan, random.Random("force"))
    drafts = [InteractionDraft.from_state({k: v[1] for k, v in c.changes.items()})
              for _, c in stream.stream(12000) if c.record_type == RecordType.INTERACTION]
    force = [d for d in drafts if d.use_of_force]
    missing = [d for d in force if "force_details" in incomplete_fields(d)]
    assert 0.07 <= len(missing) / len(force) <= 0.25
    flags = Counter(f["kind"] for d in drafts for f in compliance_flags(d, plan.interaction_context()))
    assert flags["sro_discipline"] == demo.P07_CASES
    assert flags["rcw_13_40_740"] >= 2 and flags["notification_missing"] >= 2
    needs = [d for d in drafts if d.le_activities]
    assert all(d.alternatives_considered for d in needs)


def test_interactions_are_shaped_like_logged_ones(gen: Generated) -> None:
    expected_keys = {f.name for f in fields(InteractionDraft)} | {
        "author", "rules_version", "retracted", "retract_reason", "compliance_flags"}
    sessions = {name: accounts.actor_for(gen.store, name) for name in ROLES}
    for rid, st in gen.states(RecordType.INTERACTION).items():
        assert set(st) == expected_keys
        assert st["rules_version"] == RULES_VERSION
        assert st["retracted"] is False and st["retract_reason"] == ""
        assert st["author"] in ROLES
        assert InteractionDraft.from_state(st).to_state() == {
            k: v for k, v in st.items() if k in {f.name for f in fields(InteractionDraft)}}
        # The author's account may log an interaction at that school.
        assert sessions[st["author"]].can(Permission.LOG_INTERACTION, st["school_id"])
        history = gen.store.history(RecordType.INTERACTION, rid)
        assert len(history) == 1 and history[0].user == st["author"]
        assert history[0].changes == {k: [None, v] for k, v in sorted(st.items())}


def test_interactions_happen_on_school_days_at_plausible_times(gen: Generated) -> None:
    schools = gen.states(RecordType.SCHOOL)
    interactions = list(gen.states(RecordType.INTERACTION).values())
    levels: Counter[str] = Counter()
    for st in interactions:
        when = datetime.fromisoformat(st["occurred_at"])
        assert when.weekday() < 5
        assert when.month not in (7, 8)
        assert date(2022, 9, 1) <= when.date() < TODAY
        assert 7 <= when.hour <= 21
        levels[schools[st["school_id"]]["level"]] += 1
        assert 2 <= len(re.findall(r"[.!?](?:\s|$)", st["narrative"])) <= 4
        assert 1 <= len(st["students"]) <= 4 and 1 <= len(st["staff"]) <= 2
    assert levels["high"] + levels["middle"] + levels["other"] > 0.7 * len(interactions)
    years = Counter(school_year_of(datetime.fromisoformat(st["occurred_at"]).date())
                    for st in interactions)
    assert set(years) == {"2022-23", "2023-24", "2024-25", "2025-26", "2026-27"}
    assert years["2026-27"] < min(v for k, v in years.items() if k != "2026-27")
    types = Counter(st["type"] for st in interactions)
    assert types.most_common(1)[0][0] == "informal_contact"


def test_students_were_at_that_school_in_that_year(gen: Generated) -> None:
    """A student in an earlier year's interaction was in a grade that school teaches then."""
    schools = gen.states(RecordType.SCHOOL)
    students = gen.states(RecordType.STUDENT)
    span = {"elementary": (0, 5), "middle": (6, 8), "high": (9, 12), "other": (9, 12)}
    for st in gen.states(RecordType.INTERACTION).values():
        year = int(school_year_of(datetime.fromisoformat(st["occurred_at"]).date())[:4])
        lo, hi = span[schools[st["school_id"]]["level"]]
        for link in st["students"]:
            s = students[link["student_id"]]
            now = 0 if s["grade"] == "K" else int(s["grade"])
            if s["active"]:
                assert lo <= now - (2026 - year) <= hi
            else:
                assert schools[s["school_id"]]["level"] in ("high", "other")


@pytest.mark.policy("P14")
def test_no_immigration_citizenship_or_birthplace_anywhere(gen: Generated) -> None:
    forbidden = re.compile(
        r"immigra|citizen|nationality|visa\b|alien|passport|birth_?place|place_of_birth|"
        r"country|city_of_birth|state_of_birth|born_in|native_country", re.IGNORECASE)
    columns = []
    for (table,) in gen.store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns += [f"{table}.{r[1]}" for r in gen.store.conn.execute(f"PRAGMA table_info('{table}')")]
    assert columns and not [c for c in columns if forbidden.search(c)]
    for record_type in RecordType.ALL:
        for _, st in gen.store.states(record_type):
            assert not [k for k in st if forbidden.search(k)], record_type
    for st in gen.states(RecordType.INTERACTION).values():
        assert not forbidden.search(st["narrative"])
    # Nor in the generator's own vocabulary of text.
    assert not forbidden.search(" ".join(
        [*sum(demo.OPENINGS.values(), ()), *sum(demo.ACTIONS.values(), ()), *demo.CLOSINGS,
         *demo.DISCIPLINE_CLOSINGS, *demo.FOLLOW_UPS, *demo.AFTERCARE.values()]))


@pytest.mark.policy("P01")
def test_every_interaction_points_to_registered_staff_assigned_there(gen: Generated) -> None:
    staff = gen.states(RecordType.STAFF)
    categories = Counter(s["category"] for s in staff.values())
    assert categories["sro"] == 5 and categories["school_security"] >= 12
    assert categories["campus_security"] >= 2
    for s in staff.values():
        if s["category"] == "sro":
            assert s["commissioned"] and s["employer_type"] == "law_enforcement" and s["agency"]
            assert s["badge"]
        if s["employer_type"] == "contractor":
            assert s["agency"]
        assert 0 < sum(a["days_per_week"] for a in s["assignments"]) <= 5
    schools = gen.states(RecordType.SCHOOL)
    assert all(any(a["school_id"] == sid for s in staff.values() for a in s["assignments"])
               for sid in schools)
    for st in gen.states(RecordType.INTERACTION).values():
        day = st["occurred_at"][:10]
        assert st["staff"][0]["role"] == "lead"
        for link in st["staff"]:
            member = staff[link["staff_id"]]  # registered
            assert st["school_id"] in {a["school_id"] for a in member["assignments"]}
            assert member["start_date"] <= day and (not member["end_date"] or day <= member["end_date"])
        if st["type"] == "law_enforcement":  # P11: done by an SRO
            assert staff[st["staff"][0]["staff_id"]]["category"] == "sro"


@pytest.mark.policy("P06")
def test_discipline_related_interactions_name_the_responsible_administrator(gen: Generated) -> None:
    interactions = list(gen.states(RecordType.INTERACTION).values())
    related = [st for st in interactions if st["discipline_related"]]
    assert 0.15 * len(interactions) <= len(related) <= 0.35 * len(interactions)
    for st in related:
        assert st["responsible_admin"].strip()
        assert re.search(r"(Principal|Dean of Students)$", st["responsible_admin"])
    for st in interactions:
        if st["resulted_in_discipline"]:
            assert st["discipline_related"]
        if not st["discipline_related"]:
            assert st["responsible_admin"] == ""
        assert {link["role"] for link in st["students"]} <= {"subject", "victim", "witness", "reporter"}


def test_outcome_flags_are_rare_at_default_scale() -> None:
    """The shares the generator aims at, checked on the stream alone (no file)."""
    plan = demo._Plan(4311, TODAY)
    import random

    stream = demo._Interactions(plan, random.Random("flags"))
    states = [change.changes for _, change in stream.stream(6000)
              if change.record_type == RecordType.INTERACTION]
    n = len(states)
    share = lambda key: sum(1 for c in states if c[key][1]) / n  # noqa: E731
    assert 0.20 <= share("discipline_related") <= 0.30
    assert 0.06 <= share("resulted_in_discipline") <= 0.13
    assert 0.003 <= share("use_of_force") <= 0.02
    assert 0.001 <= share("arrest") <= 0.012


def test_refuses_a_folder_that_already_has_data(gen: Generated) -> None:
    before = gen.store.history_count()
    with pytest.raises(DataFileError):
        demo.generate(gen.paths, interactions=0, today=TODAY)
    assert gen.store.history_count() == before


def test_scale_out_of_range_is_refused_before_anything_is_written(tmp_path) -> None:
    paths = resolve(tmp_path / "x")
    for bad in (-1, 1_000_001):
        with pytest.raises(ValueError):
            demo.generate(paths, interactions=bad)
    assert not files.data_file_exists(paths)
