"""Attachments through the share between two data folders, driven as people and the scheduled task do.

A (the district office: Alder and Birch) keeps a staff member's ESD training
documentation (district-wide) and a start-of-year handout for each school; B
serves Alder only. After ``safetydesk sync --once`` on both, B opens the
training file and Alder's handout with the very bytes A stored, and holds
neither Birch's handout record nor its file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from safetydesk.cli import cli
from safetydesk.domain.records import StaffDraft
from safetydesk.domain.staff_training import TrainingDraft
from safetydesk.paths import resolve
from safetydesk.services import files, registry, start_of_year
from safetydesk.services import staff as staff_service
from support import ADMIN_PASSWORD

PASSPHRASE = "maple-river-lantern-42"


def must(home: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def session_of(home: Path, user: str):
    return files.sign_in(resolve(home), user, ADMIN_PASSWORD)


def _document(size: int, seed: str) -> bytes:
    out = bytearray(b"%PDF-1.7\n% fictional " + seed.encode() + b"\n")
    block = seed.encode()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


@pytest.mark.policy("P25")
def test_training_files_and_school_handouts_open_with_the_same_bytes_after_a_sync(tmp_path, monkeypatch):
    a, b, share = tmp_path / "A", tmp_path / "B", tmp_path / "share"
    share.mkdir()
    monkeypatch.setenv("SAFETYDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("SAFETYDESK_ENROL_PASSPHRASE", PASSPHRASE)
    must(a, "init", "--district", "Fictional Valley", "--school", "Alder Elementary:elementary",
         "--school", "Birch High:high", "--admin", "admin")
    must(b, "init", "--district", "Fictional Valley", "--school", "Cedar Middle:middle", "--admin", "aldadmin")
    must(a, "sync", "--set-up", str(share), "--user", "admin")
    training = _document(2 * 1024 * 1024, "ESD 113 certificate")
    alder_handout = _document(80_000, "Alder start of year")
    birch_handout = _document(60_000, "Birch start of year")
    s = session_of(a, "admin")
    try:
        schools = {x["name"]: x["id"] for x in registry.schools(s)}
        alder, birch = schools["Alder Elementary"], schools["Birch High"]
        staff = registry.add_staff(s, StaffDraft(
            name="Jess Okafor", category="school_security", employer_type="district",
            assignments=[{"school_id": alder, "days_per_week": 5}]))
        staff_service.record_training_with_file(s, TrainingDraft(
            staff_id=staff, esd_issuer="ESD 113", esd_date="2020-08-01", esd_reference="ESD113-0001",
            esd_confirmed_by="District safety office", esd_confirmed_on="2020-08-15"),
            "esd-certificate.pdf", training)
        ref = staff_service.get_training(s, staff).esd_file
        alder_doc = start_of_year.attach_material(s, alder, "alder-handout.pdf", alder_handout)
        birch_doc = start_of_year.attach_material(s, birch, "birch-handout.pdf", birch_handout)
    finally:
        s.store.close()
    enrolment = tmp_path / "alder.enrol"
    must(a, "sync", "--enrol", str(enrolment), "--name", "Alder office", "--school", alder, "--user", "admin")
    must(b, "sync", "--join", str(enrolment), "--share", str(share), "--user", "aldadmin")
    for home in (a, b):
        must(home, "sync", "--allow-unattended", "--user", "admin" if home == a else "aldadmin")
    for home in (a, b, a, b):
        must(home, "sync", "--once")
    sb = session_of(b, "aldadmin")
    try:
        assert staff_service.read_file(sb, ref)[2] == training
        name, _type, data = start_of_year.open_material(sb, alder_doc)
        assert (name, data) == ("alder-handout.pdf", alder_handout)
        # Birch's handout: neither its record nor its file is on B (withheld with its entry).
        assert sb.store.state("attachment", birch_doc) is None
        assert sb.store.blob(hashlib.sha256(birch_handout).hexdigest()) is None
        assert sb.store.held_entries() == []
        assert sb.store.verify() == []
    finally:
        sb.store.close()
    # Nothing of any file is readable on the share.
    raw = b"".join(p.read_bytes() for p in share.rglob("*") if p.is_file())
    for document in (training, alder_handout, birch_handout):
        assert document[64:1024] not in raw
