"""A plain CSV through a saved mapping keeps working, in any encoding, with the new birth dates."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from safetydesk.domain.roster import RosterMappingDraft
from safetydesk.services import registry, roster

TODAY = date(2026, 9, 1)


@pytest.mark.policy("P14")
def test_a_mapped_windows_1252_csv_with_us_dates_and_a_birth_country_column(admin, tmp_path):
    roster.save_mapping(admin, RosterMappingDraft(name="District SIS", columns={
        "local_id": "Student ID", "first_name": "First", "last_name": "Last", "school": "Building",
        "grade": "Gr", "birth_date": "DOB", "races": "Race", "hispanic_latino": "Hispanic"}))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["Student ID", "First", "Last", "Building", "Gr", "DOB", "Race", "Hispanic", "Country of Birth"])
    w.writerow(["P1", "Zoë", "Núñez", "BHS", "09", "04/17/2011", "Asian", "no", "ZQXCOUNTRY"])
    w.writerow(["P2", "Renée", "Ørsted", "Alder Elementary", "K", "2099-01-01", "White", "yes", "ZQXCOUNTRY"])
    plain = tmp_path / "students.csv"
    plain.write_bytes(buf.getvalue().encode("cp1252"))
    preview = roster.preview_roster(admin, plain, mapping="district sis", today=TODAY)
    assert not preview.problems
    assert [(w.file, w.row, w.local_id) for w in preview.warnings] == [("students.csv", 3, "P2")]
    assert [c.column for c in preview.skipped_columns] == ["Country of Birth"]
    summary = roster.apply_roster(admin, preview)
    assert summary.created == 2 and "Read students.csv as Windows-1252." in summary.lines()
    p1 = registry.find_students(admin, "P1")[0]
    got = registry.student(admin, p1["id"])
    assert (got["first_name"], got["birth_date"], got["races"]) == ("Zoë", "2011-04-17", ["asian"])
    assert "ZQXCOUNTRY" not in repr(preview)
