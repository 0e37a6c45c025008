"""The demo data generator: reproducible, valid, plausible, and within the policy."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import fields
from datetime import date, datetime

import pytest

from safetydesk.domain.errors import DataFileError
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import (
    RULES_VERSION,
    InteractionDraft,
    RecordType,
    SchoolDraft,
    StaffDraft,
    StudentDraft,
)
from safetydesk.domain.validation import (
    Known,
    school_year_of,
    validate_interaction,
    validate_school,
    validate_staff,
    validate_student,
)
from safetydesk.domain.vocab import Role
from safetydesk.paths import resolve
from safetydesk.services import accounts, demo, files
from safetydesk.store import Store

TODAY = date(2026, 11, 28)
SCALE = 300
ROLES = {"admin": Role.DISTRICT_ADMIN, "principal": Role.PRINCIPAL, "office": Role.FRONT_OFFICE,
         "officer": Role.SAFETY_STAFF, "reviewer": Role.REVIEWER}


class Generated:
    def __init__(self, folder, seed: int = 4311) -> None:
        self.paths = resolve(folder)
        self.calls: list[tuple[int, int]] = []
        self.summary = demo.generate(
            self.paths, seed=seed, interactions=SCALE, today=TODAY,
            progress=lambda done, total: self.calls.append((done, total)),
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
                            RecordType.INTERACTION, RecordType.SCHOOL_YEAR):
            rows = []
            for rid, st in self.store.states(record_type):
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
    again = Generated(tmp_path / "again")
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
    assert done == total == gen.store.history_count() - 21 - 2


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


def test_every_record_passes_domain_validation(gen: Generated) -> None:
    known = _known(gen)
    for st in gen.states(RecordType.SCHOOL).values():
        assert validate_school(SchoolDraft.from_state(st)) == []
    for st in gen.states(RecordType.STAFF).values():
        assert validate_staff(StaffDraft.from_state(st), known) == []
    for st in list(gen.states(RecordType.STUDENT).values())[::25]:
        assert validate_student(StudentDraft.from_state(st), known) == []
    for rid, st in gen.states(RecordType.INTERACTION).items():
        assert validate_interaction(InteractionDraft.from_state(st), known) == [], rid


def test_interactions_are_shaped_like_logged_ones(gen: Generated) -> None:
    expected_keys = {f.name for f in fields(InteractionDraft)} | {
        "author", "rules_version", "retracted", "retract_reason"}
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
    states = [change.changes for _, change in stream.stream(6000)]
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
