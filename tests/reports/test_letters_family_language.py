"""Letters and family copies in the family's language in full (P16, P23): every sentence, heading,
label and vocabulary word of the family's part comes from the template in their language, read
back with pdftotext; then the English copy for the file."""

from __future__ import annotations

import re
import subprocess

import pytest
from test_letters import _finished_complaint

from safetydesk.domain.report_model import Audience, Facts, Heading, TableBlock
from safetydesk.domain.settings import DistrictSettings
from safetydesk.reports.document import render_pdf
from safetydesk.reports.letters import render_response_letter
from safetydesk.reports.templates import ENGLISH, template
from safetydesk.services import complaints, interactions, reports
from safetydesk.services import settings as settings_service

LANGUAGES = [("Spanish", "es"), ("Vietnamese", "vi")]


def pdftotext(pdf: bytes, tmp_path) -> list[str]:
    """The text of each page, as pdftotext reads it (whitespace folded)."""
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


def split_at(pages: list[str], marker: str) -> tuple[str, str]:
    """The family's part (the pages before ``marker``'s page) and the English part."""
    at = next(i for i, p in enumerate(pages) if marker in p)
    return " ".join(pages[:at]), " ".join(pages[at:])


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.policy("P16")
@pytest.mark.parametrize(("language", "code"), LANGUAGES)
def test_every_sentence_of_the_letter_is_in_the_family_language_then_english(world, tmp_path, language, code):
    s, cid = _finished_complaint(world, preferred_language=language, allegations=[{"text": "Rude at the gate"}])
    letter = complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal")
    pages = pdftotext(render_response_letter(letter), tmp_path)
    english = template("response_letter", ENGLISH)
    family, file_copy = split_at(pages, "English copy of the letter above")
    tpl = template("response_letter", code)
    used = ("re", "greeting_named", "thanks", "about_staff", "event_school_date", "event_place", "summary",
            "sustained_one", "summary_findings", "referral", "referral_case", "findings", "appeal_heading",
            "appeal_how", "appeal_employer", "appeal_case", "never_held", "interpreter", "quote", "sincerely")
    for key in used:  # no English sentence in the family's part, and each of theirs is there
        head = " ".join(re.sub(r"\{[^}]*\}.*", "", english.text[key]).split()[:4])
        if head:
            assert head not in family, (code, key)
            assert head in file_copy, (code, key)
        their = " ".join(re.sub(r"\{[^}]*\}.*", "", tpl.text[key]).split()[:3])
        if their:
            assert their in family, (code, key)
    # the page furniture of the family's pages is in their language too
    assert words(tpl.say("page", page=1, total=len(pages))) in family
    assert words(tpl.say("confidential")) in family
    assert words(tpl.say("reference", confirmation=letter.confirmation)) in family
    assert f"Page {len(pages)} of {len(pages)}" in file_copy and "Page 1 of" not in family
    assert words(english.text["confidential"]) in file_copy


@pytest.mark.policy("P16")
def test_an_anonymous_complainant_is_addressed_in_their_language(world, tmp_path):
    s, cid = _finished_complaint(world, anonymous=True, complainant_name="", contact_address="",
                                 preferred_language="Spanish", allegations=[{"text": "Rude at the gate"}])
    pages = pdftotext(render_response_letter(complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal")),
                      tmp_path)
    family, file_copy = split_at(pages, "English copy of the letter above")
    assert "A la persona que presentó la queja" in family and "To the person who filed" not in family
    assert "To the person who filed" in file_copy


@pytest.mark.policy("P23")
@pytest.mark.parametrize(("language", "code"), LANGUAGES)
def test_every_word_of_the_family_copy_is_in_the_family_language_then_english(world, tmp_path, language, code):
    s = world.session
    settings_service.update_settings(s, DistrictSettings(letterhead_name="Fictional Valley School District",
                                                         letterhead_address="1113 Legion Way SE"), "Letterhead")
    avery, rowan = world.students[0], world.students[1]
    rid = interactions.log_interaction(s, world.draft(
        students=[{"student_id": avery, "role": "subject"}, {"student_id": rowan, "role": "witness"}],
        narrative="Two students argued over a seat; staff calmed them."))
    doc = reports.interaction_printout(s, rid, audience=Audience.FAMILY, for_student=avery)
    pages = pdftotext(render_pdf(doc, language=language), tmp_path)
    family, file_copy = split_at(pages, "English copy of this record, for the district's file.")
    tpl = template("family_copy", code)
    unnamed = family  # the words around the names: "School" is a label, "Birch High School" a name
    for name in ("Fictional Valley School District", "Birch High School", "Officer Morgan Vale"):
        unnamed = unnamed.replace(name, "")
    shown = {b.text for b in doc.blocks if isinstance(b, Heading) and b.text != "History of this record"}
    shown |= {k for b in doc.blocks if isinstance(b, Facts) for k, _ in b.pairs if k not in ("Record", "Recorded by")}
    shown |= {c for b in doc.blocks if isinstance(b, TableBlock) and "When" not in b.columns for c in b.columns if c}
    shown |= {"De-escalation", "Subject", "current"}
    for label in sorted(shown):
        assert tpl.labels.get(label), f"{code}: no translation of “{label}”"
        assert re.search(rf"(?<!\w){re.escape(tpl.labels[label])}(?!\w)", family), (code, label)
        if tpl.labels[label].casefold() != label.casefold():
            assert not re.search(rf"(?<!\w){re.escape(label)}(?!\w)", unnamed), (code, label)
        assert label in file_copy
    assert tpl.say("another_student", n=1) in family and "Another student (1)" in file_copy
    assert "Oct 3, 2025" not in family and "Oct 3, 2025" in file_copy  # dates written their way
    assert words(tpl.text["intro"]) in family and words(template("family_copy", ENGLISH).text["intro"]) in file_copy
    assert "Two students argued over a seat" in family  # what staff wrote, as written
    # the page furniture of the family's pages is theirs: title, page numbers, notice, footer
    assert f"Page {len(pages)} of {len(pages)}" in file_copy and not re.search(r"Page \d+ of", family)
    for english_word in ("Interaction record", "Produced", "Family copy", "Confidential"):
        assert english_word not in family, (code, english_word)
        assert english_word in file_copy, (code, english_word)
    assert tpl.labels["Interaction record"] in family and words(tpl.say("confidential")) in family
    assert words(tpl.text["page"].format(page=1, total=len(pages))) in family
    assert "Rowan" not in " ".join(pages) and rid not in " ".join(pages)
