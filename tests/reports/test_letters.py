"""The complaint response letter as a real PDF, read back with pypdf (P16)."""

from datetime import datetime

import pytest
from pypdf import PdfReader

from safetydesk.domain.complaints import ComplaintDraft
from safetydesk.domain.settings import DistrictSettings
from safetydesk.reports.letters import render_response_letter, write_response_letter
from safetydesk.services import complaints
from safetydesk.services import settings as settings_service
from safetydesk.services.context import Session


def text_of(path_or_stream) -> tuple[int, str]:
    reader = PdfReader(path_or_stream)
    pages = [p.extract_text() for p in reader.pages]
    return len(pages), "\n".join(pages)


def _finished_complaint(world, **kw):
    s = Session(world.session.store, world.session.actor, clock=lambda: datetime(2025, 11, 14, 9))
    settings_service.update_settings(s, DistrictSettings(
        letterhead_name="Fictional Valley School District No. 111",
        letterhead_address="1113 Legion Way SE\nOlympia, WA 98501\n(360) 555-0100"), "Letterhead")
    base = dict(received_date="2025-10-06", channel="letter", received_by="Front office",
                school_id=world.high, complainant_name="María José Núñez",
                contact_address="1234 Cedar Street\nOlympia, WA 98501", preferred_language="Spanish",
                interpreter_needed=True, staff_ids=[world.sro], incident_date="2025-10-02",
                incident_place="Main entrance",
                allegations=[{"text": f"Allegation number {n}: the officer did something at the gate "
                                      "that the family describes in detail over several lines of text."}
                             for n in range(1, 13)],
                narrative="The family wrote a letter.", referral_agency="Fictional Valley Police Department",
                referral_date="2025-10-07", referral_case_number="FV-2025-0192")
    base.update(kw)
    cid = complaints.file_complaint(s, ComplaintDraft(**base)).id
    complaints.take_step(s, cid, "acknowledged", "received", "2025-10-07")
    complaints.assign_investigator(s, cid, "Dr. Lena Ortiz")
    complaints.take_step(s, cid, "investigating", "acknowledged", "2025-10-08")
    findings = ["sustained", "not_sustained", "unfounded", "exonerated", "policy_issue"]
    count = len(base["allegations"])
    complaints.record_findings(s, cid, {f"A{n}": findings[(n - 1) % 5] for n in range(1, count + 1)})
    complaints.take_step(s, cid, "findings", "investigating", "2025-11-10")
    return s, cid


@pytest.mark.policy("P16")
def test_the_response_letter_is_a_pdf_with_letterhead_findings_appeal_rights_and_page_numbers(world, tmp_path):
    s, cid = _finished_complaint(world)
    letter = complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal, Birch High School")
    path = write_response_letter(letter, tmp_path / "letters" / "response.pdf")
    assert path.read_bytes().startswith(b"%PDF-")
    pages, text = text_of(path)
    assert pages >= 2
    flat = " ".join(text.split())
    assert "Fictional Valley School District No. 111" in flat and "1113 Legion Way SE" in flat
    assert letter.confirmation in flat and "María José Núñez" in flat
    for n in range(1, 13):
        assert f"A{n}" in flat
    for label in ("Sustained", "Not sustained", "Unfounded", "Exonerated", "Policy issue"):
        assert label in flat
    assert "Your right to appeal" in flat and "within 30 calendar days" in flat
    assert "FV-2025-0192" in flat and "explained in Spanish" in flat
    for n in range(1, pages + 1):  # the Spanish pages are numbered in Spanish, the English copy's in English
        assert f"Page {n} of {pages}" in flat or f"Página {n} de {pages}" in flat
    assert f"Página 1 de {pages}" in flat and f"Page {pages} of {pages}" in flat
    assert "Dr. Lena Ortiz" in flat
    assert PdfReader(path).metadata.title == f"Response to complaint {letter.confirmation}"


@pytest.mark.policy("P16")
def test_an_anonymous_complaint_letter_names_no_one_and_is_one_page(world):
    s, cid = _finished_complaint(world, anonymous=True, complainant_name="", contact_address="",
                                 preferred_language="English", interpreter_needed=False,
                                 allegations=[{"text": "Rude at the gate"}])
    import io

    letter = complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal")
    pages, text = text_of(io.BytesIO(render_response_letter(letter)))
    flat = " ".join(text.split())
    assert pages == 1 and "Page 1 of 1" in flat
    assert "Dear family," in flat and "To the person who filed complaint" in flat
    assert "interpreter" not in flat
