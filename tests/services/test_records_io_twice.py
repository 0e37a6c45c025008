"""Importing the same records file twice does not create the records twice (P25: the history holds each
record once); the second import says the file was already imported, and which rows."""

from __future__ import annotations

import csv
import io

import pytest

from safetydesk.app import main
from safetydesk.services import interactions, records_io
from support import ADMIN_PASSWORD

HEADER = ["record_type", "occurred_at", "school", "location", "type", "narrative", "students", "staff",
          "discipline_related"]


def _row(narrative: str, when: str = "2025-10-01T09:00") -> list[str]:
    return ["interaction", when, "BHS", "Gym", "escort", narrative,
            '[{"student": "S00000", "role": "subject"}]', '[{"staff": "FV-101", "role": "lead"}]', "no"]


def _write(path, *rows):
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(HEADER)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _count(world) -> int:
    return len(interactions.list_interactions(world.session, interactions.InteractionFilter()))


@pytest.mark.policy("P25")
def test_the_same_file_twice_creates_nothing_the_second_time(world, tmp_path):
    path = tmp_path / "district-log.csv"
    same = _row("Walked to class.")
    _write(path, same, same, _row("Escorted to the office.", "2025-10-02T10:00"))  # two identical rows: two records
    assert records_io.import_records(world.session, path).created == {"interaction": 3}
    history = world.session.store.history_count()
    again = records_io.import_records(world.session, path)
    assert again.created == {} and again.already_imported == [2, 3, 4] and not again.written
    assert world.session.store.history_count() == history and _count(world) == 3


@pytest.mark.policy("P25")
def test_a_file_that_grew_imports_only_its_new_rows(world, tmp_path):
    path = tmp_path / "district-log.csv"
    _write(path, _row("Walked to class."), _row("Escorted to the office.", "2025-10-02T10:00"))
    records_io.import_records(world.session, path)
    _write(path, _row("Walked to class."), _row("Escorted to the office.", "2025-10-02T10:00"),
           _row("Sent home early.", "2025-10-03T13:00"))
    result = records_io.import_records(world.session, path)
    assert result.created == {"interaction": 1} and result.already_imported == [2, 3]
    assert _count(world) == 3


@pytest.mark.policy("P25")
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_our_own_export_imported_into_the_same_file_is_already_there(world, tmp_path, fmt):
    for n in range(3):
        interactions.log_interaction(world.session, world.draft(narrative=f"Record {n} for the export."))
    out = tmp_path / f"all.{fmt}"
    records_io.export_records(world.session, "interaction", fmt, out)
    result = records_io.import_records(world.session, out)
    assert result.created == {} and len(result.already_imported) == 3 and _count(world) == 3


@pytest.mark.policy("P25")
def test_the_command_line_says_which_rows_were_already_imported(world, tmp_path, monkeypatch, capsys):
    path = tmp_path / "district-log.csv"
    _write(path, _row("Walked to class."), _row("Escorted to the office.", "2025-10-02T10:00"))
    world.session.store.close()
    monkeypatch.setenv("SAFETYDESK_PASSWORD", ADMIN_PASSWORD)
    assert main(["import", "records", str(path), "--user", "admin"]) == 0
    assert "Imported 2 record(s)" in capsys.readouterr().out
    for extra in ([], ["--check"]):
        assert main(["import", "records", str(path), "--user", "admin", *extra]) == 0
        out = capsys.readouterr().out
        assert "Already imported, left out: row(s) 2–3" in out and "already imported" in out.splitlines()[-1]
    assert records_io.row_ranges([2, 3, 4, 7, 9, 10]) == "2–4, 7, 9–10"
