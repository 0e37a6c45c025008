"""Vendor-shaped OneRoster sets (tests/fixtures/roster/) and every known vendor spelling: each is
read as the OneRoster column it stands for, named in the summary, and gives the same students."""

from __future__ import annotations

from datetime import date

import pytest
from roster_sets import FIXTURES, Kid, Shape, set_files

from safetydesk.domain.roster import parse_oneroster
from safetydesk.domain.roster_headers import ALIASES
from safetydesk.domain.roster_text import decode
from safetydesk.services import roster
from support import count

TODAY = date(2026, 9, 1)
SCHOOLS = {"school-a": ["Alder Elementary", "ALD"], "school-b": ["Birch High School", "BHS"]}

# What every vendor's export of the same four fictional students must give.
EXPECTED = {
    "V1001": ("Zoë", "Núñez", "school-b", "10", "2010-04-17", ["asian", "white"], False, "female"),
    "V1002": ("Orrin", "Castellane", "school-a", "3", "2017-09-02", ["native_hawaiian_pacific_islander"], True,
              "male"),
    "V1003": ("Tavi", "Marlowe", "school-b", "11", "2009-01-30", ["american_indian_alaska_native"], False, "male"),
    "V1004": ("Wren", "Quillon", "school-b", "9", "2011-12-05", ["black_african_american"], False, "female"),
}
ALIASES_NAMED = {
    "powerschool-1.1": {"americanIndianOrAlaksaNative"},
    "skyward-1.1": {"nativeHawaiianOrOtherPacificIs", "hispanicOrLatinoEthnicty"},
    "infinite-campus-1.2": {"demographicRaceTwoOrMoreRace", "dateOfBirth"},
    "classlink-1.1": {"gender", "hispanicOrLatino"},
    "clever-1.1": {"twoOrMoreRaces", "blackAfricanAmerican", "dob"},
}


def _read(folder):
    texts = {p.name: decode(p.name, p.read_bytes())[0] for p in folder.iterdir()}
    return parse_oneroster(texts, SCHOOLS, today=TODAY)


def _as_tuple(s):
    return (s.first_name, s.last_name, s.school_id, s.grade, s.birth_date, s.races, s.hispanic_latino,
            s.gender_identity)


@pytest.mark.policy("P20")
@pytest.mark.parametrize("vendor", sorted(ALIASES_NAMED))
def test_each_vendor_export_gives_the_same_students_and_names_its_spellings(vendor):
    preview = _read(FIXTURES / vendor)
    assert not preview.problems and not preview.warnings
    assert {s.local_id: _as_tuple(s) for s in preview.students} == EXPECTED
    assert {a.column for a in preview.aliases} == ALIASES_NAMED[vendor]
    count("roster-vendor-sets", read=1)


@pytest.mark.policy("P14")
@pytest.mark.parametrize("vendor", sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()))
def test_no_vendor_set_lets_a_birth_place_value_through(admin, vendor):
    preview = roster.preview_roster(admin, FIXTURES / vendor, today=TODAY)
    assert len(preview.skipped_columns) == 3
    assert not any(v in repr(preview) for v in ("ZQXCOUNTRY", "ZQXSTATE", "Zqxcityville"))


def test_oneroster_1_0_and_a_1_2_delta_from_the_fixtures(admin):
    bulk = roster.import_roster(admin, FIXTURES / "oneroster-1.0", today=TODAY)
    assert (bulk.created, bulk.deactivated) == (3, 0)  # the inactive one was never held: left out
    delta = roster.import_roster(admin, FIXTURES / "oneroster-1.2-delta", full=True, force=True, today=TODAY)
    assert (delta.created, delta.updated, delta.deactivated) == (0, 1, 1)
    ids = roster.qe.students_by_local_id(admin.store, ["V1001", "V1002", "V1003"])
    states = roster.qe.states_of(admin.store, "student", list(ids.values()))
    by_sis = {st["local_id"]: st for st in states.values()}
    assert by_sis["V1001"]["last_name"] == "Núñez-Hart" and by_sis["V1002"]["active"]
    assert not by_sis["V1003"]["active"]


SPELLINGS = sorted((file, spelling, target) for file, table in ALIASES.items() for spelling, target in table.items())
PEOPLE = [Kid("A1", "Lumi", "Fenwick", races=("americanIndianOrAlaskaNative", "blackOrAfricanAmerican",
                                                "nativeHawaiianOrOtherPacificIslander"), two_or_more="true",
              hispanic="true", sex="male", birth="2011-03-04"),
          Kid("A2", "Orrin", "Castellane", "ALD", "02", races=("white",))]


@pytest.mark.policy("P20")
@pytest.mark.parametrize(("file", "spelling", "target"), SPELLINGS)
def test_every_known_vendor_spelling_reads_the_same_students(file, spelling, target):
    version = "1.2" if target == "primaryOrgSourcedId" or file == "roles.csv" else "1.1"
    demo_key = "userSourcedId" if target == "userSourcedId" and file == "demographics.csv" else "sourcedId"
    files = ("orgs", "users", "demographics") if target in ("orgSourcedIds", "primaryOrgSourcedId") else \
        ("orgs", "users", "demographics", "enrollments")
    shape = Shape(version=version, demo_key=demo_key, files=files)
    proper = set_files(PEOPLE, shape)
    renamed = set_files(PEOPLE, Shape(version=version, demo_key=demo_key, files=files,
                                      rename={target: spelling}))
    expected = parse_oneroster({n: decode(n, d)[0] for n, d in proper.items()}, SCHOOLS, today=TODAY)
    got = parse_oneroster({n: decode(n, d)[0] for n, d in renamed.items()}, SCHOOLS, today=TODAY)
    assert [(*_as_tuple(s), s.local_id) for s in got.students] == \
        [(*_as_tuple(s), s.local_id) for s in expected.students]
    assert not got.problems
    files_named = {a.file for a in got.aliases if a.column == spelling and a.read_as == target}
    assert file in files_named or (file == "*" and files_named)
    count("roster-vendor-spellings", spellings=1)
