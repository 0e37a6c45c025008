"""P24: a printout for someone outside the school is entered in the record of disclosures, with the
file's SHA-256, before the file exists; without the entry there is no file."""

import hashlib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from report_helpers import fixed_clock, pages_text

from safetydesk.domain.disclosures import DisclosureDraft
from safetydesk.domain.errors import SafetyDeskError, ValidationFailed
from safetydesk.reports.render import render
from safetydesk.services import disclosures, interactions, reports
from support import raw_connection

pytestmark = pytest.mark.policy("P24")

POLICE = DisclosureDraft(recipient="Sgt. Rae Diaz", organisation="Fictional Valley Police Department",
                         legal_basis="subpoena_court_order", basis_detail="Subpoena 25-1-0042, Thurston County")


@pytest.fixture
def record(world):
    s = fixed_clock(world.session)
    rid = interactions.log_interaction(s, world.draft(
        students=[{"student_id": world.students[0], "role": "subject"},
                  {"student_id": world.students[1], "role": "witness"}]))
    return s, rid


def _outside(s, rid):
    doc = reports.interaction_printout(s, rid, audience="outside")
    return doc, render(doc, "pdf", "record")[0]


def test_without_recipient_organisation_and_basis_nothing_is_written(record, tmp_path):
    s, rid = record
    doc, pdf = _outside(s, rid)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "record.pdf"
    with pytest.raises(ValidationFailed):
        reports.save(s, doc, [(pdf, target)], None)
    with pytest.raises(ValidationFailed) as e:
        reports.save(s, doc, [(pdf, target)], DisclosureDraft(recipient="Sgt. Diaz", organisation="FVPD",
                                                                legal_basis="health_safety_emergency"))
    assert "threat" in str(e.value.errors[0])
    assert not target.exists() and list(out.iterdir()) == []


def test_the_entry_carries_the_hash_of_the_exact_file_and_the_students_record_lists_it(record, world, tmp_path):
    s, rid = record
    doc, pdf = _outside(s, rid)
    [path] = reports.save(s, doc, [(pdf, tmp_path / "record.pdf")], POLICE)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for student in world.students[:2]:
        [entry] = disclosures.disclosures_of_student(s, student)
        assert entry["sha256"] == digest and entry["recipient"] == "Sgt. Rae Diaz"
        assert entry["legal_basis"] == "subpoena_court_order" and entry["records"] == [["interaction", rid]]
        assert entry["released_by"] == "admin"
    assert disclosures.disclosures_of_student(s, world.students[2]) == []
    printed = reports.disclosure_record(s, world.students[0])
    text = " ".join(pages_text(render(printed, "pdf", "d")[0].data))
    assert "Record of disclosures" in text and "Sgt. Rae Diaz" in text and digest[:12] in text
    assert "Confidential — student records (FERPA)" in text
    actions = [e.action for e in s.store.history("interaction", rid, include_audit=True)]
    assert "print" in actions


def test_when_the_entry_cannot_be_written_no_file_is(record, world, tmp_path):
    s, rid = record
    doc, pdf = _outside(s, rid)
    conn = raw_connection(s.store)  # a real failure of the data file, as a full disk would give
    conn.execute("""CREATE TRIGGER refuse_disclosures BEFORE INSERT ON history WHEN NEW.record_type = 'disclosure'
                    BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END""")
    conn.commit()
    conn.close()
    out = tmp_path / "out"
    out.mkdir()
    target = out / "record.pdf"
    with pytest.raises(Exception):  # noqa: B017  (whatever the store raises, no file)
        reports.save(s, doc, [(pdf, target)], POLICE)
    assert not target.exists() and list(out.iterdir()) == []
    assert disclosures.disclosures_of_student(s, world.students[0]) == []


def test_a_public_report_that_names_a_student_is_refused(record, tmp_path):
    s, rid = record
    doc, pdf = _outside(s, rid)
    doc.audience = "public"
    with pytest.raises(SafetyDeskError):
        reports.save(s, doc, [(pdf, tmp_path / "x.pdf")])
    assert not (tmp_path / "x.pdf").exists()
