"""Family-facing documents (P16, P23): letters in the family's language with the English copy,
sentences only for facts that apply, a letterhead with the district's address, a bundled font
that prints Vietnamese and Cyrillic names, and family copies that name no account, no internal
id, no other student and have no history table."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from layout_check import table_problems
from pypdf import PdfReader
from reportlab.pdfbase.ttfonts import TTFontFile
from test_letters import _finished_complaint

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.report_model import Audience
from safetydesk.domain.settings import DistrictSettings
from safetydesk.reports.document import render_pdf
from safetydesk.reports.letterhead import FONT_FILES, font_data
from safetydesk.reports.letters import render_response_letter
from safetydesk.reports.templates import ENGLISH, language_code, placeholders, shipped, template
from safetydesk.services import complaints, interactions, reports
from safetydesk.services import settings as settings_service

VIETNAMESE = "Nguyễn Thị Hương"
CYRILLIC = "Олександр Коваленко"


def flat_text(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def embedded_fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]))
    return names


def letter_text(letter) -> str:
    return flat_text(render_response_letter(letter))


@pytest.mark.policy("P16")
def test_vietnamese_and_cyrillic_names_print_in_the_embedded_font(world):
    s, cid = _finished_complaint(world, complainant_name=VIETNAMESE, preferred_language="Vietnamese",
                                 allegations=[{"text": f"The officer spoke to {CYRILLIC} at the gate."}])
    pdf = render_response_letter(complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal"))
    text = flat_text(pdf)
    assert VIETNAMESE in text and CYRILLIC in text
    assert "Quyền kháng nghị của quý vị" in text and "Your right to appeal" in text
    fonts = embedded_fonts(pdf)
    assert fonts and all("SD-" in f or "Noto" in f for f in fonts), fonts
    assert "Helvetica" not in str(PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"])
    for key in ("regular", "bold"):
        cmap = TTFontFile(io.BytesIO(font_data(FONT_FILES[key]))).charToGlyph
        missing = {ch for ch in VIETNAMESE + CYRILLIC + "ễịươ ệ" if ch != " " and cmap.get(ord(ch), 0) == 0}
        assert not missing, f"{key}: no glyph for {missing}"


@pytest.mark.policy("P16")
@pytest.mark.parametrize("code", [c for c in shipped("response_letter") if c != ENGLISH])
def test_each_language_prints_with_the_english_copy_for_the_file(world, code):
    lang = template("response_letter", code).language
    s, cid = _finished_complaint(world, preferred_language=lang)
    laid_out: list = []
    pdf = render_response_letter(complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal"), laid_out)
    text = flat_text(pdf)
    tpl = template("response_letter", code)
    assert " ".join(tpl.text["appeal_heading"].split()) in text and "Your right to appeal" in text
    assert text.index(tpl.text["appeal_heading"]) < text.index("English copy of the letter above")
    assert "draft translation" in text  # the person printing it is told it is not reviewed yet
    problems = [p for i, t in enumerate(laid_out) for p in table_problems(t, f"{code} table {i}")]
    assert problems == []


@pytest.mark.parametrize("name", ["response_letter", "family_copy"])
def test_every_translation_is_marked_as_a_draft_and_keeps_the_english_placeholders(name):
    english = template(name, ENGLISH)
    assert set(shipped(name)) == {"en", "es", "vi", "ru", "uk", "so"}
    for code in shipped(name):
        tpl = template(name, code)
        if code == ENGLISH:
            assert not tpl.draft
            continue
        assert tpl.status == "draft translation: have it reviewed before use"
        for key, value in tpl.text.items():
            assert placeholders(value) <= placeholders(english.text[key]), (code, key)
        assert set(tpl.text) >= set(english.text) - {"english_copy"}, code  # every sentence translated
        assert set(tpl.finding) == set(english.finding) and set(tpl.meaning) == set(english.meaning)


@pytest.mark.policy("P16")
def test_every_sentence_of_the_letter_depends_on_its_fact(world):
    s, cid = _finished_complaint(world, referral_agency="", referral_date="", referral_case_number="",
                                 preferred_language="English", interpreter_needed=False)
    text = letter_text(complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal"))
    assert "referred" not in text and "case number" not in text and "interpreter" not in text
    assert "One allegation was sustained" not in text and "Allegations sustained: 3" in text

    s, cid = _finished_complaint(world, referral_case_number="", allegations=[{"text": "Rude at the gate"}])
    text = letter_text(complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal"))
    assert "referred to Fictional Valley Police Department" in text and "case number" not in text
    assert "One allegation was sustained" in text

    s, cid = _finished_complaint(world, allegations=[{"text": "Rude at the gate"}])
    text = letter_text(complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal"))
    assert "Their case number is FV-2025-0192" in text and "quote their case number, FV-2025-0192" in text


@pytest.mark.policy("P16")
def test_no_letter_without_the_district_address(world):
    s, cid = _finished_complaint(world)
    settings_service.update_settings(s, DistrictSettings(letterhead_name="Fictional Valley School District No. 111",
                                                         letterhead_address="  \n "), "No address yet")
    with pytest.raises(ValidationFailed) as err:  # refused before the print is entered in the audit trail
        complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal")
    assert "Address on letters" in str(err.value) and "Settings" in str(err.value)
    settings_service.update_settings(s, DistrictSettings(letterhead_address="1113 Legion Way SE"), "Address")
    letter = complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal")
    with pytest.raises(ValidationFailed) as err:  # and the letter itself will not print without one
        render_response_letter(dataclasses.replace(letter, letterhead_address=" \n"))
    assert "Address on letters" in str(err.value) and "letterhead_address" in str(err.value)


@pytest.mark.policy("P23")
def test_a_family_copy_names_no_account_no_internal_id_no_other_student_and_has_no_history(world):
    s = world.session
    avery, rowan = world.students[0], world.students[1]
    rid = interactions.log_interaction(s, world.draft(
        students=[{"student_id": avery, "role": "subject"}, {"student_id": rowan, "role": "witness"}],
        narrative="Avery Quinn and Rowan Tanaka argued over a seat; staff calmed them."))
    staff = flat_text(render_pdf(reports.interaction_printout(s, rid)))
    assert rid in staff and "History of this record" in staff and "admin" in staff  # the internal copy has them
    doc = reports.interaction_printout(s, rid, audience=Audience.FAMILY, for_student=avery)
    text = flat_text(render_pdf(doc))
    assert "Avery Quinn" in text and "Rowan" not in text and "Tanaka" not in text
    assert rid not in text and not re.search(r"\b[0-9A-HJKMNP-TV-Z]{26}\b", text)
    assert "History of this record" not in text and "Recorded by" not in text
    assert not re.search(r"\badmin\b", text), "no account name"
    assert "Who to contact" in text and "Fictional Valley" in text


@pytest.mark.policy("P23")
@pytest.mark.parametrize("language", ["Spanish", "Vietnamese", "Russian", "Ukrainian", "Somali"])
def test_a_family_copy_opens_in_the_family_language_then_the_record_in_english(world, language):
    s = world.session
    settings_service.update_settings(s, DistrictSettings(letterhead_name="Fictional Valley School District",
                                                         letterhead_address="1113 Legion Way SE"), "Letterhead")
    rid = interactions.log_interaction(s, world.draft())
    doc = reports.interaction_printout(s, rid, audience=Audience.FAMILY, for_student=world.students[0])
    text = flat_text(render_pdf(doc, language=language))
    tpl = template("family_copy", language_code(language))
    assert " ".join(tpl.text["intro"].split()[:6]) in text and " ".join(tpl.text["contact"].split()[:4]) in text
    assert "1113 Legion Way SE" in text and "This is a copy of a school record" in text
    assert text.index(tpl.text["intro"].split()[0]) < text.index("This is a copy of a school record")
    assert "draft translation" in text and rid not in text
