"""Each case of "what was wrong" with roster imports (issue: roster imports that survive what real
student information systems export). Each of these failed on the import as it was before."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from roster_sets import Kid, Shape, kids, write_set

from safetydesk.services import registry, roster

TODAY = date(2026, 9, 1)


def _student(session, sis: str) -> dict:
    sid = roster.qe.students_by_local_id(session.store, [sis])[sis]
    return registry.student(session, sid)


def _active_count(session) -> int:
    return len(roster.qe.active_students_with_local_id(session.store, None))


@pytest.mark.policy("P20")
def test_a_oneroster_1_2_delta_with_roles_csv_reads_its_students_and_never_empties_the_roster(admin, tmp_path):
    s = admin
    everyone = kids(40)
    roster.import_roster(s, write_set(tmp_path / "bulk", everyone), today=TODAY)
    assert _active_count(s) == 40
    # A 1.2 delta: no role column in users.csv (roles.csv has them), one student renamed, one leaving.
    changed = [replace(everyone[0], family="Fenwick-Hart"), replace(everyone[1], status="tobedeleted")]
    delta = write_set(tmp_path / "delta", changed, Shape(version="1.2", modes={
        "users": "delta", "roles": "delta", "demographics": "delta", "enrollments": "delta"}))
    preview = roster.preview_roster(s, delta, full=True, today=TODAY)
    assert len(preview.students) == 2 and preview.version == "1.2" and preview.delta
    assert preview.plan.total("updated") == 1 and preview.plan.total("inactive") == 1
    summary = roster.apply_roster(s, preview, full=True)
    # --full on a delta never makes anyone inactive for being absent.
    assert (summary.updated, summary.deactivated, summary.created) == (1, 1, 0)
    assert _active_count(s) == 39
    assert _student(s, everyone[0].sis)["last_name"] == "Fenwick-Hart"
    assert _student(s, everyone[1].sis)["active"] == 0


def test_a_1_2_users_file_without_roles_is_a_problem_not_zero_students(admin, tmp_path):
    files = write_set(tmp_path / "noroles", kids(3), Shape(version="1.2", modes={"roles": "absent"}))
    (files / "roles.csv").unlink(missing_ok=True)
    preview = roster.preview_roster(admin, files, today=TODAY)
    assert preview.problems and "cannot tell students from teachers" in preview.problems[0].message


@pytest.mark.policy("P20")
def test_demographics_keyed_by_user_sourced_id_keep_every_demographic(admin, tmp_path):
    people = [Kid("D1", "Ilse", "Rasmund", races=("blackOrAfricanAmerican",), hispanic="true", sex="male")]
    summary = roster.import_roster(admin, write_set(tmp_path / "v10", people, Shape(
        version="1.0", demo_key="userSourcedId")), today=TODAY)
    assert summary.created == 1
    got = _student(admin, "D1")
    assert (got["races"], got["hispanic_latino"], got["gender_identity"]) == (["black_african_american"], 1, "male")


@pytest.mark.policy("P20")
@pytest.mark.parametrize(("spelling", "race"), [
    ("americanIndianOrAlaksaNative", "americanIndianOrAlaskaNative"),
    ("nativeHawaiianOrOtherPacificIs", "nativeHawaiianOrOtherPacificIslander"),
])
def test_vendor_spellings_of_race_columns_are_read_and_named(admin, tmp_path, spelling, race):
    people = [Kid("A1", "Juno", "Sorrel", races=(race,))]
    preview = roster.preview_roster(admin, write_set(tmp_path / "v", people, Shape(rename={race: spelling})),
                                    today=TODAY)
    assert preview.students[0].races == [{"americanIndianOrAlaskaNative": "american_indian_alaska_native",
                                          "nativeHawaiianOrOtherPacificIslander":
                                              "native_hawaiian_pacific_islander"}[race]]
    assert f"Read {spelling} as {race} (demographics.csv)." in roster.describe_preview(preview)


@pytest.mark.policy("P20")
def test_two_or_more_races_is_read(admin, tmp_path):
    people = [Kid("M1", "Kasper", "Varga", races=("asian", "white"), two_or_more="true"),
              Kid("M2", "Mirela", "Varga", races=(), two_or_more="true")]
    preview = roster.preview_roster(admin, write_set(tmp_path / "m", people), today=TODAY)
    assert preview.students[0].races == ["asian", "white"]
    # Told two or more, without which: said, and the student is not counted as "race missing".
    assert [w.local_id for w in preview.warnings] == ["M2"] and "two or more races" in preview.warnings[0].message
    assert preview.missing.get("race", 0) == 0


@pytest.mark.parametrize(("written", "read"), [
    ("2010-04-17T00:00:00.000Z", "2010-04-17"), ("2010-04-17T00:00:00-07:00", "2010-04-17"),
    ("04/17/2011", "2011-04-17"), ("4/7/2011", "2011-04-07"), ("04-17-2011", "2011-04-17"),
    ("2012-02-29", "2012-02-29"),
])
def test_birth_dates_in_iso_date_time_and_us_forms_are_read(admin, tmp_path, written, read):
    preview = roster.preview_roster(admin, write_set(tmp_path / "b", [Kid("B1", "Pia", "Sorrel", birth=written)]),
                                    today=TODAY)
    assert preview.students[0].birth_date == read and not preview.warnings and not preview.problems


@pytest.mark.parametrize(("written", "why"), [
    ("2099-01-01", "in the future"), ("1990-05-05", "more than 25 years ago"),
    ("2011-02-30", "not a real date"), ("17.04.2011", "could not be read"),
])
def test_an_impossible_birth_date_drops_that_field_never_the_student(admin, tmp_path, written, why):
    people = [Kid("B0", "Nilo", "Quillon"), Kid("B1", "Pia", "Sorrel", birth=written)]
    preview = roster.preview_roster(admin, write_set(tmp_path / "b", people), today=TODAY)
    assert not preview.problems
    (warning,) = preview.warnings
    # The line of the student's row in demographics.csv (line 3), not in users.csv.
    assert (warning.file, warning.row, warning.local_id) == ("demographics.csv", 3, "B1")
    assert why in warning.message
    summary = roster.apply_roster(admin, preview)  # no --skip-problem-rows needed
    assert summary.created == 2 and _student(admin, "B1")["birth_date"] == ""
    assert any("B1" in line and why in line for line in summary.lines())


def test_a_bad_birth_date_on_re_import_keeps_the_one_on_file(admin, tmp_path):
    roster.import_roster(admin, write_set(tmp_path / "one", [Kid("B1", "Pia", "Sorrel")]), today=TODAY)
    again = roster.import_roster(admin, write_set(tmp_path / "two", [Kid("B1", "Pia", "Sorrel", birth="2099-01-01")]),
                                 today=TODAY)
    assert again.unchanged == 1 and _student(admin, "B1")["birth_date"] == "2010-04-17"


def test_a_users_file_saved_by_excel_in_windows_1252_imports_and_says_so(admin, tmp_path):
    people = [Kid("W1", "Zoë", "Núñez"), Kid("W2", "Renée", "Ångström")]
    summary = roster.import_roster(admin, write_set(tmp_path / "w", people, Shape(encoding="cp1252")),
                                   today=TODAY)
    assert summary.created == 2 and _student(admin, "W1")["first_name"] == "Zoë"
    assert _student(admin, "W2")["last_name"] == "Ångström"
    assert "Read users.csv as Windows-1252." in summary.lines()


@pytest.mark.parametrize("status", ["tobedeleted", "inactive"])
def test_tobedeleted_and_inactive_make_a_student_inactive_without_full(admin, tmp_path, status):
    people = kids(10)
    roster.import_roster(admin, write_set(tmp_path / "one", people), today=TODAY)
    leaving = [replace(people[0], status=status), *people[1:]]
    summary = roster.import_roster(admin, write_set(tmp_path / "two", leaving), today=TODAY)
    assert (summary.deactivated, summary.unchanged) == (1, 9)
    assert _student(admin, people[0].sis)["active"] == 0


def test_the_manifest_mode_is_read_per_file(admin, tmp_path):
    people = kids(10)
    roster.import_roster(admin, write_set(tmp_path / "one", people), today=TODAY)
    # users.csv in bulk with --full: the absent ones go (here 1 of 10, under the 20% limit)...
    bulk = roster.import_roster(admin, write_set(tmp_path / "two", people[1:]), full=True, today=TODAY)
    assert bulk.deactivated == 1
    # ...the same file marked delta in the manifest: nobody absent goes.
    delta = roster.import_roster(admin, write_set(tmp_path / "three", people[3:], Shape(modes={"users": "delta"})),
                                 full=True, today=TODAY)
    assert delta.deactivated == 0 and _active_count(admin) == 9


def test_preview_says_in_numbers_what_would_happen_per_school(admin, tmp_path):
    people = kids(6) + kids(4, prefix="E", school="ALD")
    roster.import_roster(admin, write_set(tmp_path / "one", people), today=TODAY)
    changed = [replace(people[0], family="Other"), *people[1:5], *people[7:],
               Kid("N1", "Wren", "New", "ALD"), Kid("N2", "Ilse", "New", "BHS", birth="someday"),
               Kid("N3", "No", "School", "NOPE")]
    preview = roster.preview_roster(admin, write_set(tmp_path / "two", changed), full=True, today=TODAY)
    plan = preview.plan
    bhs = next(p for p in plan.schools.values() if p.name == "Birch High School")
    ald = next(p for p in plan.schools.values() if p.name == "Alder Elementary")
    assert (bhs.new, bhs.updated, bhs.unchanged, bhs.inactive, bhs.active_before) == (1, 1, 4, 1, 6)
    assert (ald.new, ald.updated, ald.unchanged, ald.inactive, ald.active_before) == (1, 0, 3, 1, 4)
    lines = roster.describe_preview(preview)
    assert lines[0] == "2 new, 1 updated, 7 unchanged, 2 made inactive, 1 skipped."
    assert "  Alder Elementary: 1 new, 0 updated, 3 unchanged, 1 made inactive (of 4 active), 0 skipped." in lines
    assert any(line.startswith("Warning: demographics.csv, line") and "N2" in line for line in lines)
    assert any(line.startswith("Problem: users.csv, line") for line in lines)
    assert _active_count(admin) == 10  # nothing written


def test_the_first_rows_of_each_problem_are_listed(admin, tmp_path):
    people = [Kid(f"X{n}", "Tavi", "Marlowe", school="NOPE") for n in range(8)]
    preview = roster.preview_roster(admin, write_set(tmp_path / "x", people), today=TODAY)
    lines = roster.describe_preview(preview)
    head = lines.index("Problem: 8 rows like this; the first 5:")
    assert [line.split(":")[0] for line in lines[head + 1:head + 6]] == [
        f"  - users.csv, line {n}" for n in range(2, 7)]


def test_say_what_is_missing(admin, tmp_path):
    people = [Kid(f"Q{n}", "Juno", "Sorrel", races=(), sex="") for n in range(240)]
    preview = roster.preview_roster(admin, write_set(tmp_path / "q", people), today=TODAY)
    missing = preview.missing_lines()
    assert "Race is missing for all 240 students: they will be counted as Not reported (unless Hispanic or " \
           "Latino)." in missing
    assert any(line.startswith("Gender is missing for all 240 students") for line in missing)
    assert any("add a program flags file" in line for line in missing)
    assert set(missing) <= set(roster.describe_preview(preview))
