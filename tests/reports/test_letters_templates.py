"""The district's wording of letters and family copies (P16): edited and approved by a district
administrator, checked for placeholders, kept in the history, printed instead of the shipped file."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from test_letters import _finished_complaint

from safetydesk.domain.errors import PermissionDenied, ValidationFailed
from safetydesk.domain.records import UserDraft
from safetydesk.domain.report_model import Audience
from safetydesk.reports.document import render_pdf
from safetydesk.reports.letters import render_response_letter
from safetydesk.reports.templates import check_sentences, sentences, shipped, template
from safetydesk.services import accounts, complaints, files, interactions, reports
from safetydesk.services import templates as templates_service
from safetydesk.services.templates import TEMPLATE_RECORD_TYPE, record_id


def flat(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def edited_spanish(change: dict[str, str]) -> dict[str, str]:
    return sentences(template("response_letter", "es")) | change


THANKS = "Muchas gracias por escribirnos sobre lo ocurrido."


@pytest.mark.policy("P16")
def test_an_edited_and_approved_translation_prints_without_the_draft_mark(world):
    s, cid = _finished_complaint(world)
    before = flat(render_response_letter(complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal"),
                                         wording=templates_service.wording(s)))
    assert "draft translation" in before and THANKS not in before

    changed = templates_service.save_template(s, "response_letter", "es", edited_spanish({"text.thanks": THANKS}),
                                              "Reviewed by the district's Spanish interpreter")
    assert changed == ["text.thanks"]
    letter = complaints.response_letter(s, cid, "Dr. Lena Ortiz", "Principal")
    edited = flat(render_response_letter(letter, wording=templates_service.wording(s)))
    assert THANKS in edited and "draft translation" in edited  # edited, but not yet approved

    templates_service.approve_template(s, "response_letter", "es")
    approved = flat(render_response_letter(letter, wording=templates_service.wording(s)))
    assert THANKS in approved and "draft translation" not in approved
    assert "Thank you for bringing your concerns to us." in approved  # the English copy is untouched
    shown = templates_service.template_for_editing(s, "response_letter", "es")
    assert shown["approved"] and shown["standing"].startswith("Approved by")
    # every change is in the history, with the reason
    history = s.store.history(TEMPLATE_RECORD_TYPE, record_id("response_letter", "es"))
    assert any(e.reason == "Translation reviewed and approved" for e in history)

    # a change of wording after approval makes the template a draft again
    templates_service.save_template(s, "response_letter", "es", edited_spanish({"text.thanks": THANKS + " "}),
                                    "Spacing")
    again = flat(render_response_letter(letter, wording=templates_service.wording(s)))
    assert "draft translation" in again
    shown = templates_service.template_for_editing(s, "response_letter", "es")
    assert not shown["approved"] and shown["standing"] == "Edited by the district, not yet approved."
    state = s.store.state(TEMPLATE_RECORD_TYPE, record_id("response_letter", "es"))
    assert (state["status"], state["approved_by"], state["approved_on"]) == ("draft", "", "")
    # the other languages still print from the shipped file
    assert template("response_letter", "vi", templates_service.wording(s)).draft


@pytest.mark.policy("P16")
def test_unknown_or_missing_placeholders_are_refused_with_a_sentence(world):
    s = world.session
    with pytest.raises(ValidationFailed) as err:
        templates_service.save_template(s, "response_letter", "es", edited_spanish(
            {"text.re": "Asunto: su queja {confirmacion}, recibida el {received}",
             "text.quote": "Cite su número de confirmación siempre."}), "Edited")
    messages = [e.message for e in err.value.errors]
    assert any("{confirmacion}" in m and "does not fill in" in m and "{confirmation}" in m for m in messages)
    assert any("“quote” leaves out {confirmation}" in m for m in messages)
    assert s.store.state(TEMPLATE_RECORD_TYPE, record_id("response_letter", "es")) is None  # nothing kept
    for bad in ("Asunto {confirmation", "Asunto {confirmation.__class__} {received}", "Asunto {} {received}"):
        errors = check_sentences("response_letter", "es", edited_spanish({"text.re": bad}))
        assert errors and all(e.field == "text.re" for e in errors), bad
    assert check_sentences("response_letter", "es", edited_spanish({"text.nonsense": "x"}))[0].message \
        .startswith("There is no sentence “nonsense”")
    for name in ("response_letter", "family_copy"):  # every shipped template passes its own check
        for code in shipped(name):
            assert check_sentences(name, code, sentences(template(name, code))) == [], (name, code)


@pytest.mark.policy("P23")
def test_only_a_district_administrator_edits_or_approves(world, paths):
    accounts.create_user(world.session, UserDraft(username="pri", display_name="Pat Principal", role="principal",
                                                  schools=[world.high]), "a long pass phrase 9")
    principal = files.sign_in(paths, "pri", "a long pass phrase 9")
    try:
        for call in (lambda: templates_service.save_template(principal, "response_letter", "es",
                                                             edited_spanish({}), "Mine"),
                     lambda: templates_service.approve_template(principal, "response_letter", "es"),
                     lambda: templates_service.template_for_editing(principal, "response_letter", "es")):
            with pytest.raises(PermissionDenied):
                call()
        assert templates_service.wording(principal) == {}  # printing reads the wording
    finally:
        principal.store.close()


@pytest.mark.policy("P23")
def test_a_family_copy_prints_the_approved_family_copy_template(world):
    s = world.session
    rid = interactions.log_interaction(s, world.draft())
    intro = "Esta es la copia revisada por el distrito de un registro sobre su estudiante."
    words = sentences(template("family_copy", "es")) | {"text.intro": intro}
    templates_service.save_template(s, "family_copy", "es", words, "Reviewed")
    templates_service.approve_template(s, "family_copy", "es")
    doc = reports.interaction_printout(s, rid, audience=Audience.FAMILY, for_student=world.students[0])
    text = flat(render_pdf(doc, language="Spanish", wording=templates_service.wording(s)))
    assert intro in text and "draft translation" not in text
    preview = flat(templates_service.preview_template(s, "family_copy", "es", words, approved=True))
    assert intro in preview and "Sample High School" in preview
