"""Report data per student (issue 12, part 1): outcomes counted for the students they apply to,
demographics as the roster stood on the incident's date or the report's cut-off date, and the
federal CRDC export."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest

from everyday_helpers import attorney, law_enforcement_draft, le_activity, user
from safetydesk.domain.crdc import csv_header
from safetydesk.domain.errors import PermissionDenied
from safetydesk.domain.report_model import Facts, TableBlock
from safetydesk.domain.validation import school_year_of
from safetydesk.reports.produce import produce
from safetydesk.services import dashboard, interactions
from safetydesk.services import reports as reports_service
from safetydesk.store import Change
from support import count

YEAR = "2025-26"


def _arrest_with_victim_and_witness(world) -> str:
    """Student 0 (subject) questioned and arrested; student 1 a victim, student 2 a witness."""
    s0, s1, s2 = world.students
    draft = law_enforcement_draft(
        world, students=[{"student_id": s0, "role": "subject"}, {"student_id": s1, "role": "victim"},
                         {"student_id": s2, "role": "witness"}],
        arrest=True, resulted_in_discipline=True, discipline_related=True, responsible_admin="Dr. Lena Ortiz",
        le_activities=[le_activity(s0, officer_staff_id=world.sro),
                       le_activity(s0, type="arrest", legal_basis="probable_cause", officer_staff_id=world.sro)],
        attorney_access=[attorney(s0, interrogation=True, detention=True, access=True)])
    return interactions.log_interaction(world.session, draft)


def _table(doc, csv_name: str) -> TableBlock:
    return next(b for b in doc.blocks if isinstance(b, TableBlock) and b.csv_name == csv_name)


def _facts(doc) -> dict[str, str]:
    return {k: v for b in doc.blocks if isinstance(b, Facts) for k, v in b.pairs}


@pytest.mark.policy("P21")
@pytest.mark.policy("P22")
def test_a_victim_and_a_witness_do_not_inherit_the_subjects_arrest(world):
    rid = _arrest_with_victim_and_witness(world)
    state = interactions.get_interaction(world.session, rid)["state"]
    assert state["outcome_students"] == {"arrest": [world.students[0]],
                                         "resulted_in_discipline": [world.students[0]]}
    doc = reports_service.ospi_collection(world.session, YEAR)
    part_c = _table(doc, "part-c-incidents")
    col = {name: i for i, name in enumerate(part_c.columns)}
    rows = {r[col["student_role"]]: r for r in part_c.rows}
    assert set(rows) == {"Subject", "Victim", "Witness"}
    assert [rows["Subject"][col[c]] for c in ("student_discipline", "student_arrest")] == ["yes", "yes"]
    for role in ("Victim", "Witness"):
        assert [rows[role][col[c]] for c in ("student_discipline", "student_use_of_force", "student_arrest")] \
            == ["no", "no", "no"]
        assert rows[role][col["arrest"]] == "yes", "the incident itself is still an arrest"
    facts = _facts(doc)
    assert facts["Students arrested"] == "1" and facts["Students disciplined"] == "1"
    assert _facts(reports_service.board_report(world.session, YEAR))["Students arrested"] == "1"
    count("per-student-outcomes", tried=2, caught=2)


@pytest.mark.policy("P21")
def test_an_explicit_choice_names_the_witness_and_an_empty_one_is_refused(world):
    s0, s1 = world.students[:2]
    base = dict(students=[{"student_id": s0, "role": "subject"}, {"student_id": s1, "role": "witness"}],
                resulted_in_discipline=True, discipline_related=True, responsible_admin="Dr. Lena Ortiz")
    rid = interactions.log_interaction(world.session, world.draft(
        **base, outcome_students={"resulted_in_discipline": [s1]}))
    assert interactions.get_interaction(world.session, rid)["state"]["outcome_students"] == {
        "resulted_in_discipline": [s1]}
    errors = interactions.check(world.session, world.draft(**base, outcome_students={"resulted_in_discipline": []}))
    assert any(e.field == "outcome_students" and "Which students were disciplined?" in e.message for e in errors)
    two = dict(base, students=[{"student_id": s0, "role": "subject"}, {"student_id": s1, "role": "subject"}])
    errors = interactions.check(world.session, world.draft(**two))
    assert any("more than one subject" in e.message for e in errors), "two subjects: a person decides"


@pytest.mark.policy("P20")
def test_p20_counts_the_student_law_enforcement_acted_on_not_the_victim_or_witness(world):
    _arrest_with_victim_and_witness(world)
    t = reports_service.disaggregated_tables(world.session, YEAR)
    district = len(t.schools)
    assert t.involved[0].value(t.involved[0].rows, district) == 1
    assert t.as_of == min("2026-06-30", datetime.now().date().isoformat()), "the cut-off date, stated"


@pytest.mark.policy("P20")
@pytest.mark.policy("P21")
def test_a_roster_change_after_the_fact_does_not_change_published_figures(world):
    """The incident is yesterday; the roster entry is changed in the history on a later day."""
    s = world.session
    day = (datetime.now() - timedelta(days=1)).replace(hour=10, minute=15)
    year = school_year_of(day.date())
    s0 = world.students[0]
    rid = interactions.log_interaction(s, law_enforcement_draft(world, occurred_at=day.strftime("%Y-%m-%dT%H:%M"),
                                                                arrest=True, le_activities=[
        le_activity(s0, officer_staff_id=world.sro),
        le_activity(s0, type="arrest", legal_basis="probable_cause", officer_staff_id=world.sro)],
        attorney_access=[attorney(s0, interrogation=True, detention=True, access=True)]))
    assert rid

    def figures():
        ospi = reports_service.ospi_collection(s, year)
        part_c = _table(ospi, "part-c-incidents")
        col = {name: i for i, name in enumerate(part_c.columns)}
        t = reports_service.disaggregated_tables(s, year)
        return ([(r[col["race"]], r[col["iep"]]) for r in part_c.rows],
                [[t.involved[d].value(r, len(t.schools)) for r in range(t.involved[d].rows)]
                 for d in range(len(t.involved))])

    before = figures()
    assert before[0] == [("White", "yes")]
    later = datetime.now(UTC) + timedelta(days=400)
    s.store.set_wall_clock(lambda: int(later.timestamp() * 1000))
    s.store.append("admin", [Change("student", s0, "amend", {"races": [["white"], ["asian"]], "iep": [True, False]},
                                    "Roster import")])
    assert s.store.state("student", s0)["races"] == ["asian"]
    assert figures() == before
    count("as-of-roster", tried=1, caught=1)


def _crdc_world(world):
    """Hand-computed: student 0 (White, IEP) referred and arrested; student 1 (Asian, neither)
    referred; student 2 (Black, IEP) a witness, referred and arrested of nobody."""
    s0, s1, s2 = world.students
    referral = dict(type="referral_to_law_enforcement", officer="", legal_basis="",
                    authorised_by="Dr. Lena Ortiz, principal")
    interactions.log_interaction(world.session, law_enforcement_draft(
        world, students=[{"student_id": s0, "role": "subject"}, {"student_id": s1, "role": "subject"},
                         {"student_id": s2, "role": "witness"}],
        le_activities=[le_activity(s0, **referral), le_activity(s1, **referral)], attorney_access=[]))
    _arrest_with_victim_and_witness(world)


@pytest.mark.policy("P20")
def test_crdc_counts_on_hand_computed_fixtures_and_the_public_copy_hides_them(world, tmp_path):
    _crdc_world(world)
    doc = reports_service.crdc_district(world.session, YEAR)
    table = _table(doc, "crdc")
    assert table.columns == csv_header()
    col = {name: i for i, name in enumerate(table.columns)}
    rows = {(r[col["school_code"]], r[col["measure"]], r[col["disability"]]): r for r in table.rows}
    nonzero = {k: {c: r[i] for c, i in col.items() if i >= 5 and r[i] not in ("0", "")}
               for k, r in rows.items()}
    assert {k: v for k, v in nonzero.items() if v} == {
        ("BHS", "referral", "IDEA"): {"WH_X": "1", "TOT_X": "1"},
        ("BHS", "referral", "WODIS"): {"AS_X": "1", "TOT_X": "1"},
        ("BHS", "arrest", "IDEA"): {"WH_X": "1", "TOT_X": "1"},
    }, "genders are not provided in the fixture: X; no student is an English learner"
    assert rows[("BHS", "referral", "IDEA")][col["instances"]] == "2"
    assert rows[("BHS", "arrest", "IDEA")][col["instances"]] == "1"
    assert ("ALD", "referral", "WODIS") in rows, "every school is listed"

    public = _table(reports_service.crdc_public(world.session, YEAR), "crdc")
    prow = {(r[col["school_code"]], r[col["measure"]], r[col["disability"]]): r for r in public.rows}
    for key, cells in nonzero.items():
        for c in cells:
            assert prow[key][col[c]] == "*", f"{key} {c}: a count under 10 is hidden in the public copy"
    assert all(v in ("0", "*", "") for r in public.rows for v in r[4:]), "nothing under 10 shown"
    written = produce(world.session, "crdc", YEAR, tmp_path / "crdc.csv").written
    with written[0].open(newline="", encoding="utf-8-sig") as fh:
        assert tuple(next(csv.reader(fh))) == csv_header()
    count("crdc-fixture", tried=4, caught=4)


@pytest.mark.policy("P23")
def test_the_unsuppressed_crdc_is_refused_for_a_principal(world):
    principal = user(world, "principal1", "principal", [world.high])
    with pytest.raises(PermissionDenied):
        reports_service.crdc_district(principal, YEAR)
    assert reports_service.crdc_public(principal, YEAR).audience == "public"


@pytest.mark.policy("P21")
def test_an_incident_the_upgrade_could_not_decide_is_on_the_dashboard_and_incomplete(world):
    s0, s1 = world.students[:2]
    rid = interactions.log_interaction(world.session, world.draft())
    # As the upgrade leaves a record with two subjects: the outcome ticked, no student chosen.
    world.session.store.append("admin", [Change("interaction", rid, "amend", {
        "students": [[{"student_id": s0, "role": "subject"}], [{"student_id": s0, "role": "subject"},
                                                             {"student_id": s1, "role": "subject"}]],
        "resulted_in_discipline": [False, True], "discipline_related": [False, True],
        "responsible_admin": ["", "Dr. Lena Ortiz"]})])
    items = [i for i in dashboard.dashboard_items(world.session) if i.record_id == rid]
    assert [i.title.split(":")[0] for i in items] == ["Outcomes per student not recorded"]
    doc = reports_service.ospi_collection(world.session, YEAR)
    missing = {r[0]: r[3] for r in _table(doc, "part-c-incomplete").rows}
    assert "which students an outcome applied to" in missing[rid]


@pytest.mark.policy("P21")
def test_the_ospi_collection_exports_as_one_zip_with_the_agreements(world, tmp_path):
    import io
    import zipfile

    from safetydesk.domain.agreements import AgreementDraft
    from safetydesk.services import agreements

    _arrest_with_victim_and_witness(world)
    aid = agreements.add_agreement(world.session, AgreementDraft(
        agency="Fictional Valley Police Department", effective_start="2025-08-15", note="First draft."))
    agreements.add_document(world.session, aid, "Signed agreement.pdf", b"%PDF-1.4 fictional agreement")
    out = tmp_path / "ospi-2025-26.zip"
    produce(world.session, "ospi", YEAR, out)
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert {"ospi-2025-26.pdf", "ospi-2025-26-part-a-totals.csv", "ospi-2025-26-part-c-incidents.csv",
                "agreements/index.txt"} <= names
        docs = [n for n in names if n.startswith("agreements/Fictional Valley Police Department")]
        assert len(docs) == 1 and z.read(docs[0]) == b"%PDF-1.4 fictional agreement"
        totals = list(csv.reader(io.StringIO(z.read("ospi-2025-26-part-a-totals.csv").decode("utf-8-sig"))))
    assert totals[-1][0] == "District" and totals[-1][1] == "2", "building rows, then the district total"
