"""Never destroy by accident, delta semantics, one student across workstations, P14 in every
spelling, any bytes, and the roster export."""

from __future__ import annotations

import codecs
import csv
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from roster_sets import BIRTH_VALUES, FIXTURES, Kid, Shape, kids, set_files, write_set

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.roster import student_id_for
from safetydesk.domain.settings import DistrictSettings
from safetydesk.services import registry, roster
from safetydesk.services import settings as settings_service

TODAY = date(2026, 9, 1)


def _active(session) -> int:
    return len(roster.qe.active_students_with_local_id(session.store, None))


# ------------------------------------------------------------------ the 20 % guard
def test_a_full_import_making_over_20_percent_of_a_school_inactive_stops_with_the_numbers(admin, tmp_path):
    people = kids(10) + kids(20, prefix="E", school="ALD")
    roster.import_roster(admin, write_set(tmp_path / "one", people), today=TODAY)
    # Birch High loses 3 of 10 (30%); Alder loses 4 of 20 (20%, not more than the share).
    kept = people[3:10] + people[14:]
    before = admin.store.history_count()
    with pytest.raises(roster.RosterGuardError) as caught:
        roster.import_roster(admin, write_set(tmp_path / "two", kept), full=True, today=TODAY)
    message = str(caught.value)
    assert "more than 20%" in message and "Birch High School: 3 of 10 active students (30%)" in message
    assert "Alder" not in message and "--force" in message
    assert admin.store.history_count() == before and _active(admin) == 30
    summary = roster.import_roster(admin, write_set(tmp_path / "two", kept), full=True, force=True, today=TODAY)
    assert summary.deactivated == 7 and _active(admin) == 23


def test_the_share_is_a_district_setting(admin, tmp_path):
    people = kids(10)
    roster.import_roster(admin, write_set(tmp_path / "one", people), today=TODAY)
    settings_service.update_settings(admin, DistrictSettings(roster_max_inactive_percent=50), "Year end")
    summary = roster.import_roster(admin, write_set(tmp_path / "two", people[4:]), full=True, today=TODAY)
    assert summary.deactivated == 4


def test_status_driven_inactivity_is_guarded_too(admin, tmp_path):
    people = kids(10)
    roster.import_roster(admin, write_set(tmp_path / "one", people), today=TODAY)
    leaving = [replace(k, status="tobedeleted") if i < 5 else k for i, k in enumerate(people)]
    with pytest.raises(roster.RosterGuardError, match="5 of 10 active students"):
        roster.import_roster(admin, write_set(tmp_path / "two", leaving), today=TODAY)


def test_a_full_import_reading_no_students_stops(admin, tmp_path):
    roster.import_roster(admin, write_set(tmp_path / "one", kids(3)), today=TODAY)
    empty = write_set(tmp_path / "empty", [])
    with pytest.raises(roster.RosterGuardError, match="read no students, so it would make all 3 active"):
        roster.import_roster(admin, empty, full=True, today=TODAY)
    assert _active(admin) == 3


# ------------------------------------------------------------------ delta semantics
def test_a_delta_changes_only_what_it_carries(admin, tmp_path):
    people = kids(12)
    roster.import_roster(admin, write_set(tmp_path / "bulk", people), today=TODAY)
    # A delta with one renamed student, no demographics file, no enrollments (so no school).
    shape = Shape(version="1.1", modes={"users": "delta", "demographics": "absent", "enrollments": "absent"},
                  files=("orgs", "users"))
    delta_files = set_files([replace(people[2], family="Renamed", school="ZZZ")], shape)
    folder = tmp_path / "delta"
    folder.mkdir()
    for name, data in delta_files.items():
        (folder / name).write_bytes(data)
    before = registry.student(admin, roster.qe.students_by_local_id(admin.store, [people[2].sis])[people[2].sis])
    summary = roster.import_roster(admin, folder, full=True, today=TODAY)
    assert (summary.updated, summary.deactivated, summary.unchanged) == (1, 0, 0)
    after = registry.student(admin, before["id"])
    assert after["last_name"] == "Renamed"
    # Kept: the school (the delta names no school SafetyDesk knows), the race, the birth date.
    assert (after["school_id"], after["races"], after["birth_date"]) == (
        before["school_id"], before["races"], before["birth_date"])
    assert _active(admin) == 12


def test_in_a_delta_the_latest_row_of_a_student_wins(admin, tmp_path):
    first = Kid("L1", "Lumi", "Early", modified="2026-08-01T09:00:00Z")
    later = Kid("L1", "Lumi", "Later", modified="2026-08-02T09:00:00Z")
    preview = roster.preview_roster(admin, write_set(tmp_path / "d", [later, first], Shape(modes={"users": "delta"})),
                                    today=TODAY)
    assert [s.last_name for s in preview.students] == ["Later"] and not preview.problems
    bulk = roster.preview_roster(admin, write_set(tmp_path / "b", [later, first]), today=TODAY)
    assert any("appears twice" in p.message for p in bulk.problems)


def test_a_delta_cannot_create_a_student_without_a_school(admin, tmp_path):
    shape = Shape(modes={"users": "delta", "enrollments": "absent"}, files=("orgs", "users"))
    preview = roster.preview_roster(admin, write_set(tmp_path / "d", [Kid("Z1", "Pia", "Nowhere", school="ZZZ")],
                                                     shape), today=TODAY)
    assert any("not in SafetyDesk yet" in p.message for p in preview.problems)


# ------------------------------------------------------------------ one student on two workstations
def test_the_same_roster_on_two_workstations_gives_the_same_student_ids(admin, tmp_path):
    people = kids(5)
    roster.import_roster(admin, write_set(tmp_path / "one", people), today=TODAY)
    district = registry.district(admin)["id"]
    ids = roster.qe.students_by_local_id(admin.store, [k.sis for k in people])
    assert ids == {k.sis: student_id_for(district, k.sis) for k in people}
    assert student_id_for(district, "K00001") != student_id_for("another district", "K00001")
    assert all(len(i) == 26 for i in ids.values())


def test_existing_students_keep_their_ids_on_re_import(world, tmp_path):
    s = world.session
    existing = roster.qe.active_students_with_local_id(s.store, None)
    sis = sorted(existing)[0]
    again = [Kid(sis, "Same", "Student", "BHS")]
    roster.import_roster(s, write_set(tmp_path / "again", again), today=TODAY)
    assert roster.qe.students_by_local_id(s.store, [sis])[sis] == existing[sis]


# ------------------------------------------------------------------ P14 in every version and spelling
P14_SPELLINGS = ["countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth", "CountryOfBirthCode",
                 "country_of_birth_code", "COUNTRYOFBIRTHCODE", "countryOfBirth", "birthCountryCode",
                 "stateOfBirth", "birthStateAbbreviation", "birth_city", "City Of Birth", "countryOfBirthCd",
                 "birthPlace", "placeOfBirth"]


@pytest.mark.policy("P14")
@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_birth_place_columns_are_dropped_in_every_version_and_spelling(admin, tmp_path, version):
    people = kids(3)
    folder = write_set(tmp_path / version, people, Shape(version=version, birth_columns=False))
    demo = folder / "demographics.csv"
    rows = list(csv.reader(demo.open(encoding="utf-8", newline="")))
    rows[0] += P14_SPELLINGS
    for n, row in enumerate(rows[1:]):
        row += [f"ZQXPLACE{n}{i}" for i in range(len(P14_SPELLINGS))]
    with demo.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    preview = roster.preview_roster(admin, folder, today=TODAY)
    assert [c.column for c in preview.skipped_columns] == P14_SPELLINGS
    assert "ZQXPLACE" not in repr(preview)
    summary = roster.apply_roster(admin, preview)
    assert summary.created == 3
    for spelling in P14_SPELLINGS:
        assert any(line.startswith(f"Skipped column {spelling} (demographics.csv)") for line in summary.lines())
    dump = "\n".join(str(v) for table in ("history", "record_state", "students")
                     for row in admin.store.conn.execute(f"SELECT * FROM {table}") for v in row)
    assert "ZQXPLACE" not in dump and "Fenwick" in dump


@pytest.mark.policy("P14")
def test_public_school_residence_status_is_ignored_not_called_immigration(admin):
    preview = roster.preview_roster(admin, FIXTURES / "powerschool-1.1", today=TODAY)
    assert "publicSchoolResidenceStatus" not in [c.column for c in preview.skipped_columns]
    assert "01652" not in repr(preview)


@pytest.mark.policy("P14")
def test_no_alias_can_make_a_birth_place_column_readable():
    from safetydesk.domain.roster import is_forbidden_column
    from safetydesk.domain.roster_headers import ALIASES

    for table in ALIASES.values():
        for spelling, target in table.items():
            assert not is_forbidden_column(target), target
            assert not is_forbidden_column(spelling) or target == "birthDate", spelling
    for date_column in ("birthDate", "dateOfBirth", "DOB", "birth_date"):
        assert not is_forbidden_column(date_column)


# ------------------------------------------------------------------ encodings and any bytes
@pytest.mark.parametrize(("encoding", "bom", "named"), [
    ("utf-8", False, None), ("utf-8", True, None), ("cp1252", False, "Windows-1252"),
    ("utf-16", False, "UTF-16"), ("utf-16-le", False, "UTF-16"), ("utf-16-be", False, "UTF-16"),
])
def test_every_usual_encoding_reads_the_same_students(admin, tmp_path, encoding, bom, named):
    people = [Kid("E1", "Zoë", "Núñez"), Kid("E2", "Renée", "Ångström"), Kid("E3", "Çelik", "Øster")]
    preview = roster.preview_roster(admin, write_set(tmp_path / "e", people, Shape(encoding=encoding, bom=bom)),
                                    today=TODAY)
    assert [(s.first_name, s.last_name) for s in preview.students] == [(k.given, k.family) for k in people]
    lines = roster.describe_preview(preview)
    if named:
        assert f"Read users.csv as {named}." in lines
    else:
        assert not any(line.startswith("Read users.csv as") for line in lines)


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
    b"PK\x03\x04\x14\x00\x00\x00broken zip",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,  # an old Excel workbook
    codecs.BOM_UTF8 + b"\xff\xfe\xfa",
])
def test_any_bytes_give_one_sentence_never_a_traceback(admin, tmp_path, content):
    for name in ("roster.zip", "users.csv"):
        target = tmp_path / name
        target.write_bytes(content)
        with pytest.raises(SafetyDeskError) as caught:
            roster.preview_roster(admin, target, today=TODAY)
        assert "\n" not in str(caught.value) and name in str(caught.value)


def test_a_damaged_zip_and_a_zip_of_junk(admin, tmp_path):
    good = write_set(tmp_path / "set", kids(3), as_zip=True)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(SafetyDeskError, match=r"cut\.zip"):
        roster.preview_roster(admin, cut, today=TODAY)
    junk = tmp_path / "junk.zip"
    with zipfile.ZipFile(junk, "w") as z:
        z.writestr("users.csv", bytes(range(256)) * 10)
    with pytest.raises(SafetyDeskError, match=r"users\.csv is not a text"):
        roster.preview_roster(admin, junk, today=TODAY)


# ------------------------------------------------------------------ export
@pytest.mark.policy("P14")
def test_export_records_type_student_writes_the_roster_as_held(admin, tmp_path, monkeypatch, capsys):
    from safetydesk.app import main
    from support import ADMIN_PASSWORD

    roster.import_roster(admin, FIXTURES / "skyward-1.1", today=TODAY)
    admin.store.close()
    monkeypatch.setenv("SAFETYDESK_PASSWORD", ADMIN_PASSWORD)
    out = tmp_path / "students.csv"
    assert main(["export", "records", "--type", "student", "--user", "admin", "--out", str(out)]) == 0
    assert "Wrote 4 student(s)" in capsys.readouterr().out
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    zoe = next(r for r in rows if r["sis_id"] == "V1001")
    assert (zoe["first_name"], zoe["last_name"], zoe["school_code"], zoe["grade"], zoe["active"]) == (
        "Zoë", "Núñez", "BHS", "10", "true")
    assert (zoe["race_asian"], zoe["race_white"], zoe["hispanic_latino"]) == ("true", "true", "false")
    text = out.read_text(encoding="utf-8")
    assert not any(v in text for v in BIRTH_VALUES.values())
    assert not any("birth" in h.lower() and h != "birth_date" for h in rows[0])
