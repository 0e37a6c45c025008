"""The command line names records as people know them (issue 12): the response letter by the
complaint's confirmation number, a complaint printout by it too, a student by the SIS id the
exports and the window show; and a school year with nothing recorded is refused, not an empty
report with exit 0."""

from __future__ import annotations

import subprocess
from datetime import datetime

import pytest

from safetydesk.app import main
from safetydesk.domain.complaints import ComplaintDraft
from safetydesk.domain.records import StudentDraft
from safetydesk.domain.settings import DistrictSettings
from safetydesk.services import complaints, files, interactions, registry, settings
from safetydesk.services.context import Session
from support import ADMIN_PASSWORD


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main([*args, "--user", "admin"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def pdftotext(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


@pytest.fixture
def cli_world(world, monkeypatch):
    monkeypatch.setenv("SAFETYDESK_PASSWORD", ADMIN_PASSWORD)
    return world


def finished_complaint(world, **kw) -> tuple[str, str]:
    s = Session(world.session.store, world.session.actor, clock=lambda: datetime(2025, 11, 14, 9))
    settings.update_settings(s, DistrictSettings(letterhead_name="Fictional Valley School District",
                                                 letterhead_address="1113 Legion Way SE\nOlympia, WA 98501"),
                             "Letterhead")
    base = dict(received_date="2025-10-06", channel="letter", received_by="Front office", school_id=world.high,
                complainant_name="Nguyễn Thị Hương", contact_address="1234 Cedar Street",
                preferred_language="Vietnamese", staff_ids=[world.sro], incident_date="2025-10-02",
                incident_place="Main entrance", allegations=[{"text": "Rude at the gate"}],
                narrative="The family wrote a letter.")
    base.update(kw)
    filed = complaints.file_complaint(s, ComplaintDraft(**base))
    complaints.take_step(s, filed.id, "acknowledged", "received", "2025-10-07")
    complaints.assign_investigator(s, filed.id, "Dr. Lena Ortiz")
    complaints.take_step(s, filed.id, "investigating", "acknowledged", "2025-10-08")
    complaints.record_findings(s, filed.id, {"A1": "not_sustained"})
    complaints.take_step(s, filed.id, "findings", "investigating", "2025-11-10")
    return filed.id, complaints.get_complaint(s, filed.id)["state"]["confirmation"]


@pytest.mark.policy("P16")
def test_the_response_letter_by_confirmation_number(cli_world, tmp_path, capsys):
    _, confirmation = finished_complaint(cli_world)
    out = tmp_path / "letter.pdf"
    typed = confirmation.lower().replace("-", " ")  # as a family reads it out on the phone
    code, stdout, err = run(capsys, "report", "letter", "--complaint", typed, "--signer", "Dr. Lena Ortiz",
                            "--signer-title", "Principal", "--out", str(out))
    assert (code, err) == (0, "")
    assert f"Wrote {out}" in stdout and confirmation in stdout
    text = pdftotext(out)
    assert "Nguyễn Thị Hương" in text and "Dr. Lena Ortiz" in text and "Principal" in text
    assert text.index("Cảm ơn") < text.index("Thank you for bringing your concerns to us.")  # theirs, then English

    code, _, err = run(capsys, "report", "letter", "--complaint", "C-7K4-QMX", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and "No complaint you can see has the confirmation number C-7K4-QMX" in err
    assert not (tmp_path / "x.pdf").exists()
    code, _, err = run(capsys, "report", "letter", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "--complaint" in err
    code, _, err = run(capsys, "report", "letter", "--complaint", confirmation, "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "a letter is a PDF" in err


@pytest.mark.policy("P16")
def test_a_complaint_printout_by_confirmation_number(cli_world, tmp_path, capsys):
    cid, confirmation = finished_complaint(cli_world, preferred_language="English")
    for option in ("--id", "--complaint"):
        out = tmp_path / f"complaint{option}.pdf"
        code, _, err = run(capsys, "report", "complaint", option, confirmation, "--out", str(out))
        assert (code, err) == (0, ""), option
        assert confirmation in pdftotext(out) and "Rude at the gate" in pdftotext(out)
    code, _, _ = run(capsys, "report", "complaint", "--id", cid, "--out", str(tmp_path / "by-id.pdf"))
    assert code == 0  # the internal id still works


@pytest.mark.policy("P23")
def test_a_student_is_named_by_the_sis_id(cli_world, paths, tmp_path, capsys):
    s = cli_world.session
    avery, rowan = cli_world.students[0], cli_world.students[1]
    rid = interactions.log_interaction(s, cli_world.draft(
        students=[{"student_id": avery, "role": "subject"}, {"student_id": rowan, "role": "witness"}]))
    sis = registry.student(s, avery)["local_id"]
    assert sis == "S00000" and sis != avery
    for named in (sis, sis.lower(), avery):
        out = tmp_path / f"family-{named}.pdf"
        code, _, err = run(capsys, "report", "interaction", "--id", rid, "--audience", "family", "--for-student",
                           named, "--out", str(out))
        assert (code, err) == (0, ""), named
        text = pdftotext(out)
        assert "Avery Quinn" in text and "Rowan" not in text
    code, _, err = run(capsys, "report", "disclosures", "--id", sis, "--out", str(tmp_path / "d.pdf"))
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "report", "interaction", "--id", rid, "--audience", "family", "--for-student",
                       "S99999", "--out", str(tmp_path / "none.pdf"))
    assert code == 1 and "No student at your schools has the SIS id or internal id “S99999”" in err
    # the same SIS id at two schools: refused with a sentence naming both internal ids
    fresh = files.sign_in(paths, "admin", ADMIN_PASSWORD)  # the command line wrote to the file meanwhile
    try:
        other = registry.add_student(fresh, StudentDraft(local_id="S00000", first_name="Ava", last_name="Quinn",
                                                         school_id=cli_world.elementary, grade="3"))
    finally:
        fresh.store.close()
    assert other != avery
    code, _, err = run(capsys, "report", "interaction", "--id", rid, "--audience", "family", "--for-student",
                       sis, "--out", str(tmp_path / "two.pdf"))
    assert code == 1 and "2 students have the SIS id S00000" in err and avery in err and other in err
    assert "Traceback" not in err and not (tmp_path / "two.pdf").exists()


@pytest.mark.policy("P20")
def test_a_school_year_with_nothing_recorded_is_refused(cli_world, tmp_path, capsys):
    interactions.log_interaction(cli_world.session, cli_world.draft())  # 2025-26
    for name in ("disaggregated", "ospi", "board", "compliance", "listing"):
        out = tmp_path / f"{name}.csv"
        code, _, err = run(capsys, "report", name, "--year", "2031-32", "--out", str(out))
        assert code == 1, name
        assert "Nothing is recorded for the 2031-32 school year" in err and "2025-26" in err, name
        assert not list(tmp_path.glob(f"{name}*")), name
    code, _, err = run(capsys, "report", "disaggregated", "--year", "2025-26", "--out", str(tmp_path / "ok.csv"))
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "report", "disaggregated", "--year", "2025-2026", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "write it as 2025-26" in err
