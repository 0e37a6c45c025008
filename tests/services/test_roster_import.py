"""Student roster import (OneRoster 1.1, mapped CSV, program flags) and P14 for imports."""

import csv
import zipfile
from pathlib import Path

import pytest

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.roster import RosterMappingDraft
from safetydesk.services import files, records_io, registry, roster
from safetydesk.store.connection import connect

# Distinctive values that must never reach the data file, a backup or an export.
BIRTH = {"countryOfBirthCode": "ZQXCOUNTRY", "stateOfBirthAbbreviation": "ZQXSTATE", "cityOfBirth": "Zqxcityville"}
EXTRA = {"citizenshipStatus": "ZQXCITIZEN", "immigration_status": "ZQXIMMIG"}
SECRET_VALUES = [*BIRTH.values(), *EXTRA.values()]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def make_oneroster(folder: Path, students: list[tuple[str, str, str, str]], *, as_zip: bool = False) -> Path:
    """A OneRoster 1.1 CSV set with fictional students ``(id, given, family, school code)``."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "orgs.csv", ["sourcedId", "status", "dateLastModified", "name", "type", "identifier",
                                 "parentSourcedId"],
           [["org-d", "active", "", "Fictional Valley SD", "district", "FV", ""],
            ["org-a", "active", "", "Alder Elementary", "school", "ALD", "org-d"],
            ["org-b", "active", "", "Birch High School", "school", "BHS", "org-d"]])
    _write(folder / "users.csv", ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
                                  "username", "userIds", "givenName", "familyName", "middleName", "identifier",
                                  "email", "sms", "phone", "agentSourcedIds", "grades", "password"],
           [[f"u-{sid}", "active", "", "true", "org-b" if code == "BHS" else "org-a", "student", sid, "",
             given, family, "", sid, "", "", "", "", "10" if code == "BHS" else "03", ""]
            for sid, given, family, code in students]
           + [["t-1", "active", "", "true", "org-b", "teacher", "teach", "", "Pat", "Teacher", "", "T1", "", "",
               "", "", "", ""]])
    _write(folder / "demographics.csv",
           ["sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative", "asian",
            "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white",
            "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity", *BIRTH, "publicSchoolResidenceStatus",
            *EXTRA],
           [[f"u-{sid}", "active", "", "2010-04-02", "female", "false", "true", "false", "false", "false",
             "false", "true", *BIRTH.values(), "", *EXTRA.values()] for sid, *_ in students])
    _write(folder / "enrollments.csv", ["sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role",
                                        "primary", "beginDate", "endDate"],
           [[f"e-{sid}", "c-1", "org-b" if code == "BHS" else "org-a", f"u-{sid}", "student", "true", "", ""]
            for sid, _, _, code in students])
    if not as_zip:
        return folder
    target = folder.with_suffix(".zip")
    with zipfile.ZipFile(target, "w") as z:
        for p in folder.iterdir():
            z.write(p, p.name)
    return target


STUDENTS = [("R1001", "Lumi", "Fenwick", "BHS"), ("R1002", "Orrin", "Castellane", "BHS"),
            ("R1003", "Tavi", "Marlowe", "ALD")]


def _all_text(conn) -> str:
    out = []
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for row in conn.execute(f'SELECT * FROM "{table}"'):
            out.extend(str(v) if not isinstance(v, bytes) else v.decode("utf-8", "replace") for v in row)
    return "\n".join(out)


@pytest.mark.policy("P14")
def test_birthplace_and_citizenship_columns_are_never_stored_anywhere(world, tmp_path, caplog):
    s = world.session
    source = make_oneroster(tmp_path / "oneroster", STUDENTS, as_zip=True)
    preview = roster.preview_roster(s, source)
    assert {c.column for c in preview.skipped_columns} == {*BIRTH, *EXTRA}
    assert all("never stores place of birth" in c.reason for c in preview.skipped_columns)
    assert not any(v in repr(preview) for v in SECRET_VALUES)
    summary = roster.apply_roster(s, preview)
    assert summary.created == 3 and any("cityOfBirth" in line for line in summary.lines())
    # Not in the decrypted data file (every table, history and FTS included)...
    assert not any(v in _all_text(s.store.conn) for v in SECRET_VALUES)
    # ...nor in a backup, opened and scanned...
    backup = files.backup(s, tmp_path / "copy.sdbackup")
    raw = backup.read_bytes()
    assert not any(v.encode() in raw for v in SECRET_VALUES)
    from safetydesk.store import restore_backup

    restored = tmp_path / "restored" / "safetydesk.sqlite"
    restored.parent.mkdir()
    restore_backup(backup, restored, lambda ring: s.store.key)
    conn = connect(restored, s.store.key)
    try:
        text = _all_text(conn)
        assert "Fenwick" in text and not any(v in text for v in SECRET_VALUES)
    finally:
        conn.close()
    # ...nor in an export, nor in the logs.
    from safetydesk.services import interactions
    iid = interactions.log_interaction(s, world.draft(students=[
        {"student_id": roster.qe.students_by_local_id(s.store, ["R1001"])["R1001"], "role": "subject"}]))
    assert iid
    out = tmp_path / "export.csv"
    records_io.export_records(s, "interaction", "csv", out)
    assert "R1001" in out.read_text() and not any(v in out.read_text() for v in SECRET_VALUES)
    assert not any(v in caplog.text for v in SECRET_VALUES)


@pytest.mark.policy("P14")
def test_a_column_mapping_can_never_target_birthplace_or_citizenship(world):
    with pytest.raises(ValidationFailed, match="never reads it"):
        roster.save_mapping(world.session, RosterMappingDraft(
            name="sis", columns={"local_id": "ID", "school": "School", "last_name": "Last",
                                 "grade": "Country of Birth"}))
    with pytest.raises(ValidationFailed, match="not a roster field"):
        roster.save_mapping(world.session, RosterMappingDraft(
            name="sis", columns={"local_id": "ID", "school": "School", "last_name": "Last",
                                 "citizenship": "Citizen"}))


def test_reimport_updates_in_place_never_duplicates_and_marks_leavers_inactive(world, tmp_path):
    s = world.session
    roster.import_roster(s, make_oneroster(tmp_path / "one", STUDENTS))
    moved = [("R1001", "Lumi", "Fenwick-Hart", "BHS"), ("R1002", "Orrin", "Castellane", "BHS")]
    with pytest.raises(roster.RosterGuardError, match="Birch High School: 3 of 5 active students"):
        roster.import_roster(s, make_oneroster(tmp_path / "two", moved), full=True)
    summary = roster.import_roster(s, make_oneroster(tmp_path / "two", moved), full=True, force=True)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    ids = roster.qe.students_by_local_id(s.store, ["R1001", "R1003"])
    history = s.store.history("student", ids["R1001"])
    assert len(history) == 2 and set(history[-1].changes) == {"last_name"}
    assert registry.student(s, ids["R1003"])["active"] == 0
    # World's own students (no SIS ids in this file) went inactive too: a full import is the whole roster.
    assert summary.deactivated == 4
    again = roster.import_roster(s, make_oneroster(tmp_path / "three", STUDENTS))
    assert again.created == 0 and again.reactivated == 1


def test_plain_csv_with_mapping_and_program_flags_and_row_problems(world, tmp_path):
    s = world.session
    roster.save_mapping(s, RosterMappingDraft(name="Skyward", columns={
        "local_id": "Student ID", "first_name": "First", "last_name": "Last", "school": "Building",
        "grade": "Gr", "races": "Race"}))
    plain = tmp_path / "students.csv"
    _write(plain, ["Student ID", "First", "Last", "Building", "Gr", "Race", "Birth Country"],
           [["P1", "Ada", "Quill", "BHS", "09", "Asian", "ZQXCOUNTRY"],
            ["P2", "Bo", "Reed", "Nowhere High", "10", "White", "ZQXCOUNTRY"],
            ["P3", "Cy", "Stone", "Alder Elementary", "K", "martian", "ZQXCOUNTRY"]])
    flags = tmp_path / "flags.csv"
    _write(flags, ["student_id", "multilingual", "homeless", "low_income", "iep", "504"],
           [["P1", "yes", "no", "yes", "no", "yes"]])
    preview = roster.preview_roster(s, plain, mapping="skyward", flags=flags)
    assert [(p.row, p.local_id) for p in preview.problems] == [(3, ""), (4, "")]
    assert "Nowhere High" in str(preview.problems[0]) and "martian" in str(preview.problems[1])
    assert [c.column for c in preview.skipped_columns] == ["Birth Country"]
    with pytest.raises(ValidationFailed, match="Nothing was imported"):
        roster.apply_roster(s, preview)
    summary = roster.apply_roster(s, preview, skip_problem_rows=True)
    assert summary.created == 1
    sid = roster.qe.students_by_local_id(s.store, ["P1"])["P1"]
    got = registry.student(s, sid)
    assert (got["grade"], got["multilingual"], got["low_income"], got["section_504"], got["iep"]) == ("9", 1, 1, 1, 0)
    assert not any(v in _all_text(s.store.conn) for v in SECRET_VALUES)


def test_cancelling_an_import_while_it_is_worked_out_writes_nothing(world, tmp_path):
    roster_service = roster
    s = world.session
    many = [(f"C{n:04d}", f"Given{n}", f"Family{n}", "BHS") for n in range(600)]
    preview = roster_service.preview_roster(s, make_oneroster(tmp_path / "cancel", many))
    before = s.store.history_count()
    seen = []

    class Stop(Exception):
        pass

    def progress(done, total):
        seen.append((done, total))
        if done >= 250:
            raise Stop()

    with pytest.raises(Stop):
        roster_service.apply_roster(s, preview, progress=progress)
    assert s.store.history_count() == before
    assert seen[0] == (0, 601)


@pytest.mark.policy("P25")
def test_a_students_history_shows_each_import_that_changed_them(world, tmp_path):
    s = world.session
    roster.import_roster(s, make_oneroster(tmp_path / "first", STUDENTS))
    renamed = [("R1001", "Lumi", "Fenwick-Ortiz", "BHS"), *STUDENTS[1:]]
    roster.import_roster(s, make_oneroster(tmp_path / "second", renamed))
    sid = registry.find_students(s, "R1001")[0]["id"]
    history = registry.student_history(s, sid)
    assert [e.action for e in history] == ["create", "amend"]
    assert history[1].changes["last_name"] == ["Fenwick", "Fenwick-Ortiz"]
    assert history[1].reason.startswith("Roster import")
