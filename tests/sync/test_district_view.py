"""District view: the district's reports say as of when each workstation's entries are in them.

Real data files and one real share through the command line: the district office (A) and
Alder's workstation (B, joined empty) each log an interaction and sync; the P20, P21 and P22
reports made on A carry a "Data as of" table naming both workstations, the schools each
serves and when each last synced, and count B's interaction.
"""

from __future__ import annotations

import csv
import subprocess

import pytest
from test_new_workstation_cli import _district_office, must, run, sign_in
from test_two_workstations_cli import log

from safetydesk.reports.produce import produce
from support import ADMIN_PASSWORD


@pytest.mark.policy("P20")
@pytest.mark.policy("P21")
@pytest.mark.policy("P22")
def test_district_reports_say_as_of_when_each_workstation_synced(tmp_path, monkeypatch):
    a, share_root, enrolment, alder = _district_office(tmp_path, monkeypatch)
    must(a, "sync", "--enrol", str(enrolment), "--name", "Alder office", "--school", alder,
         "--user", "admin")
    b = tmp_path / "B"
    must(b, "sync", "--join", str(enrolment), "--share", str(share_root))
    for home in (a, b):
        assert run(home, "sync", "--once")[0] == 0
    on_b = log(b, "admin", "Alder Elementary", "Gym")
    code, out = run(b, "sync", "--once")
    assert code == 0, out
    code, out = run(a, "sync", "--once", "--progress")   # a line per 500 files, and at the end
    assert code == 0 and "synced 2 of 2 step(s)" in out, out   # one file read, then applied
    s = sign_in(a, "admin", ADMIN_PASSWORD)
    try:
        assert s.store.state("interaction", on_b)["location"] == "Gym"
        out = produce(s, "disaggregated", "2025-26", tmp_path / "p20.csv")
        as_of = [p for p in out.written if p.name.endswith("-data-as-of.csv")]
        assert len(as_of) == 1
        rows = list(csv.reader(as_of[0].open(encoding="utf-8-sig")))
        assert rows[0] == ["Workstation", "Schools", "Last synced"]
        by_name = {r[0]: r for r in rows[1:]}
        assert set(by_name) == {"District office (this workstation)", "Alder office"}
        assert by_name["Alder office"][1] == "Alder Elementary"
        assert by_name["District office (this workstation)"][1] == "Every school"
        assert all(r[2] != "not synced yet" and ", 20" in r[2] for r in rows[1:])
        for name in ("ospi", "board"):
            pdf = produce(s, name, "2025-26", tmp_path / f"{name}.pdf").written[0]
            text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                                  text=True, check=True).stdout
            assert "Data as of" in text and "Alder office" in text, name
    finally:
        s.store.close()
