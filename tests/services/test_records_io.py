"""Export and import of records in the documented vocabulary (docs/records.md)."""

import csv
import json
from pathlib import Path

import pytest

from everyday_helpers import law_enforcement_draft
from safetydesk.domain.records_io import EXPORTABLE, columns
from safetydesk.services import audit, interactions, interventions, records_io
from safetydesk.services.records_io import ImportRefused

ROOT = Path(__file__).resolve().parents[2]


def test_every_column_is_documented():
    doc = (ROOT / "docs" / "records.md").read_text()
    missing = [f"{t}.{c}" for t in EXPORTABLE for c in columns(t) if f"`{c}`" not in doc]
    assert missing == []


@pytest.mark.policy("P25")
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_then_import_into_another_district_file_round_trips(world, tmp_path, fmt):
    s = world.session
    first = interactions.log_interaction(s, law_enforcement_draft(world))
    out = tmp_path / f"interactions.{fmt}"
    result = records_io.export_records(s, "interaction", fmt, out)
    assert result.rows == 1
    text = out.read_text()
    assert "S00000" in text and world.students[0] not in text  # students by SIS id, not internal id
    assert [e.action for e in audit.audit_trail(s, action="export")] == ["export"]
    interactions.retract_interaction(s, first, "Test: re-import the same record")
    rows = [json.loads(line) for line in text.splitlines()] if fmt == "jsonl" else list(csv.DictReader(text.splitlines()))
    for row in rows:
        row["id"] = ""
    target = tmp_path / f"again.{fmt}"
    if fmt == "jsonl":
        target.write_text("\n".join(json.dumps(r) for r in rows))
    else:
        with target.open("w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    imported = records_io.import_records(s, target)
    assert imported.created == {"interaction": 1}
    (again,) = interactions.list_interactions(s, interactions.InteractionFilter())
    got = interactions.get_interaction(s, again["id"])["draft"]
    assert got.le_activities == law_enforcement_draft(world).le_activities
    assert s.store.verify() == []


def test_import_reports_every_problem_with_row_numbers_and_writes_nothing(world, tmp_path):
    s = world.session
    path = tmp_path / "log.csv"
    header = ["record_type", "occurred_at", "school", "location", "type", "narrative", "students", "staff",
              "discipline_related"]
    rows = [
        ["interaction", "2025-10-01T09:00", "BHS", "Gym", "escort", "Walked to class.",
         '[{"student": "S00000", "role": "subject"}]', '[{"staff": "FV-101", "role": "lead"}]', "no"],
        ["interaction", "2025-10-01T09:00", "XYZ", "Gym", "escort", "Walked to class.",
         '[{"student": "S99999", "role": "subject"}]', '[{"staff": "FV-101", "role": "lead"}]', "no"],
        ["interaction", "2025-10-01T09:00", "BHS", "Gym", "escort", "He was born in Guatemala.",
         '[{"student": "S00001", "role": "subject"}]', '[{"staff": "FV-101", "role": "lead"}]', "maybe"],
        ["interaction", "2025-10-01T09:00", "BHS", "Gym", "escort", "Walked.",
         '[{"student": "S00001", "role": "subject"}]', '[{"staff": "FV-101", "role": "lead"}]', "yes"],
    ]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    before = s.store.history_count()
    with pytest.raises(ImportRefused) as info:
        records_io.import_records(s, path)
    found = {(p.row, p.message.split(":")[0]) for p in info.value.problems}
    assert {r for r, _ in found} == {3, 4, 5}
    assert any("no school “XYZ”" in p.message for p in info.value.problems)
    assert any(p.row == 4 and "must be yes or no" in p.message for p in info.value.problems)
    assert any(p.row == 5 and "administrator responsible" in p.message for p in info.value.problems)
    assert s.store.history_count() == before


@pytest.mark.policy("P09")
def test_intervention_requests_import_with_ground_required(world, tmp_path):
    path = tmp_path / "requests.jsonl"
    good = {"requested_at": "2025-10-01T09:00", "school": "BHS", "location": "Room 2", "requester_name": "Ms. Park",
            "requester_role": "teacher", "ground": "a_danger_to_others", "description": "Fight in class.",
            "students": ["S00001"], "responding_staff": ["FV-101"]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(good | {"ground": ""}) + "\n")
    with pytest.raises(ImportRefused) as info:
        records_io.import_records(world.session, path, "intervention_request")
    assert [p.row for p in info.value.problems] == [2]
    path.write_text(json.dumps(good) + "\n")
    assert records_io.import_records(world.session, path, "intervention_request").created == {"intervention_request": 1}
    assert interventions.count_requests(world.session) == 1
