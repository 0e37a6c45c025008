"""Every report and letter rendered and checked as a reader would see it: table headers wrap
only between words, dates and ids stay whole, no text runs outside its cell, every page
renders as an image (poppler's pdftotext and pdftoppm; reportlab-level measures)."""

from __future__ import annotations

import io

import pytest
from layout_check import image_problems, page_text, plain, poppler, table_problems, text_problems
from pypdf import PdfReader
from report_helpers import demo_session

from safetydesk.domain.disclosures import DisclosureDraft
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.report_model import Audience, ReportDocument
from safetydesk.reports.document import render_pdf
from safetydesk.reports.family import family_copy
from safetydesk.services import complaints, interactions, interventions, reports

YEAR = "2025-26"
pytestmark = pytest.mark.skipif(not poppler(), reason="poppler-utils (pdftotext, pdftoppm) is not installed")


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    session = demo_session(tmp_path_factory.mktemp("layout"), scale=1500)
    yield session
    session.store.close()


def _documents(s) -> dict[str, ReportDocument]:
    rows = interactions.list_interactions(s, InteractionFilter(school_year=YEAR, outcome="arrest"), limit=200)
    busy = max(rows, key=lambda r: len(interactions.get_interaction(s, r["id"])["students"]))
    rec = interactions.get_interaction(s, busy["id"])
    student = rec["students"][0]["student_id"]
    request = interventions.list_requests(s, limit=1)[0]["id"]
    request_student = interventions.get_request(s, request)["students"][0]["student_id"]
    complaint = complaints.list_complaints(s, limit=1)[0]["id"]
    outside = reports.interaction_printout(s, busy["id"], audience=Audience.OUTSIDE)
    reports.save(s, outside, [(r, f"{s.store.path.parent}/out.pdf") for r in []],
                 DisclosureDraft(recipient="Sgt. R. Diaz", organisation="Fictional Valley Police Department",
                                 legal_basis="subpoena_court_order", basis_detail="Order 25-1102"))
    return {
        "disaggregated": reports.disaggregated(s, YEAR),
        "ospi": reports.ospi_collection(s, YEAR),
        "board": reports.board_report(s, YEAR),
        "compliance": reports.compliance_status(s, YEAR),
        "listing": reports.interaction_listing(s, YEAR, limit=300),
        "interaction-staff": reports.interaction_printout(s, busy["id"]),
        "interaction-family": reports.interaction_printout(s, busy["id"], audience=Audience.FAMILY,
                                                          for_student=student),
        "interaction-outside": outside,
        "intervention": reports.intervention_printout(s, request),
        "intervention-family": reports.intervention_printout(s, request, audience=Audience.FAMILY,
                                                             for_student=request_student),
        "complaint": reports.complaint_printout(s, complaint),
        "disclosures": reports.disclosure_record(s, student),
        "crdc": reports.crdc_public(s, YEAR),
        "crdc-district": reports.crdc_district(s, YEAR),
    }


@pytest.fixture(scope="module")
def documents(district):
    return _documents(district)


KINDS = ("disaggregated", "ospi", "board", "compliance", "listing", "interaction-staff", "interaction-family",
         "interaction-outside", "intervention", "intervention-family", "complaint", "disclosures", "crdc",
         "crdc-district")


@pytest.mark.policy("P20")
@pytest.mark.policy("P21")
@pytest.mark.policy("P22")
@pytest.mark.parametrize("kind", KINDS)
def test_every_report_reads_well_on_paper(documents, kind, tmp_path):
    doc = documents[kind]
    laid_out: list = []
    pdf = render_pdf(doc, laid_out=laid_out)
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(pdf)
    assert laid_out, "every report has at least one table"
    problems = [p for i, table in enumerate(laid_out) for p in table_problems(table, f"{kind} table {i}")]
    lines = page_text(path)
    problems += text_problems(family_copy(doc), lines)  # what was printed (family copies are redacted)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    problems += image_problems(path, tmp_path / "png", pages)
    assert problems == [], "\n".join(problems[:20])


def test_the_checks_catch_a_split_header_and_an_overflowing_cell(tmp_path):
    """The checks can fail: a hand-made table with a word too long for its column."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    style = ParagraphStyle("x", fontName="Helvetica", fontSize=8, leading=10)
    table = Table([[Paragraph("Presentations", style), "2022-06-23 and more text"]], colWidths=[30, 40])
    SimpleDocTemplate(io.BytesIO()).build([table])
    problems = table_problems(table, "hand-made")
    assert any("split" in p for p in problems) and any("cell" in p and "wide" in p for p in problems)


@pytest.mark.policy("P16")
@pytest.mark.parametrize("language", ["English", "Spanish", "Vietnamese", "Russian", "Ukrainian", "Somali"])
def test_the_response_letter_reads_well_on_paper(world, language, tmp_path):
    from test_letters import _finished_complaint

    from safetydesk.reports.formats import date_in
    from safetydesk.reports.letters import letter_language, render_response_letter
    from safetydesk.reports.templates import template

    s, cid = _finished_complaint(world, preferred_language=language)
    letter = complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal, Birch High School")
    laid_out: list = []
    pdf = render_response_letter(letter, laid_out)
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    problems = [p for i, table in enumerate(laid_out) for p in table_problems(table, f"letter table {i}")]
    flat = "\n".join(page_text(path))
    for code in {letter_language(letter), "en"}:
        tpl = template("response_letter", code)
        for key in ("col_number", "col_text", "col_finding", "col_meaning"):
            problems += [f"{code} header word {w!r} is not whole on a line" for w in tpl.text[key].split()
                         if w not in flat]
        for d in (letter.letter_date, letter.received_date):
            if plain(date_in(d, code)) not in flat:
                problems.append(f"{code} date {date_in(d, code)!r} is not whole on a line")
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    problems += image_problems(path, tmp_path / "png", pages)
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.policy("P23")
@pytest.mark.parametrize("language", ["Spanish", "Vietnamese", "Russian", "Ukrainian", "Somali"])
@pytest.mark.parametrize("kind", ["interaction-family", "intervention-family"])
def test_a_family_copy_in_the_family_language_reads_well_on_paper(documents, kind, language, tmp_path):
    doc = documents[kind]
    laid_out: list = []
    pdf = render_pdf(doc, laid_out=laid_out, language=language)
    path = tmp_path / f"{kind}-{language}.pdf"
    path.write_bytes(pdf)
    problems = [p for i, table in enumerate(laid_out) for p in table_problems(table, f"{kind} table {i}")]
    problems += text_problems(family_copy(doc, language), page_text(path))  # both copies' headers
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    problems += image_problems(path, tmp_path / "png", pages)
    assert problems == [], "\n".join(problems[:20])


@pytest.mark.policy("P20")
def test_a_long_title_gives_way_in_the_footer_and_never_runs_into_the_note_beside_it(documents, tmp_path):
    doc = documents["crdc"]  # "Civil Rights Data Collection: referrals to law enforcement and …" (public)
    path = tmp_path / "crdc.pdf"
    path.write_bytes(render_pdf(doc))
    footers = [line for line in page_text(path) if "Aggregate figures only" in line]
    assert footers, "a public report says on every page that it identifies no student"
    for line in footers:
        before, _, _ = line.partition("Aggregate figures only")
        assert before.endswith("  "), f"the title runs into the note: {line.strip()!r}"
        assert before.rstrip().endswith(f"· {YEAR}"), f"the school year was cut: {line.strip()!r}"
