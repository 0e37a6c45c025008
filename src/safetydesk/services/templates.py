"""Letter and family-copy wording the district edits and approves (issue 12).

The shipped templates (``resources/templates/<language>/<name>.toml``) are the
default. A district administrator may reword a template in the window; the
edited sentences are kept as a district-wide record (record type
``letter_template``, id ``<name>:<language>``) written through the record
kernel, so each change is in the history with who and why and travels to every
workstation. Approving a template marks that language reviewed: its prints no
longer carry the "draft translation" mark. Changing an approved template's text
makes it a draft again, until it is approved again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from safetydesk.domain.complaints import LetterAllegation, ResponseLetter
from safetydesk.domain.errors import NotFound, ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import Draft
from safetydesk.domain.report_model import Audience, Facts, Heading, Para, ReportDocument
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import Action
from safetydesk.reports import templates as tpl
from safetydesk.reports.document import render_pdf
from safetydesk.reports.letters import render_response_letter
from safetydesk.services import kernel
from safetydesk.services.context import Session, service
from safetydesk.services.settings import current as current_settings

TEMPLATE_RECORD_TYPE = "letter_template"
DRAFT = "draft"


@dataclass
class TemplateDraft(Draft):
    """One edited template: which one, in which language, and every sentence of it."""

    record_type: ClassVar[str] = TEMPLATE_RECORD_TYPE
    template: str = ""  # "response_letter" or "family_copy"
    language: str = ""  # a template folder: "en", "es", "vi", ...
    sentences: dict[str, str] = field(default_factory=dict)  # "text.re" -> the sentence
    status: str = DRAFT
    approved_by: str = ""  # who approved it, and when (empty while it is a draft)
    approved_on: str = ""


def record_id(name: str, code: str) -> str:
    return f"{name}:{code}"


def _which(name: str, code: str) -> None:
    if name not in tpl.NAMES:
        raise NotFound(f"There is no template called “{name}” (choose one of {', '.join(tpl.NAMES)}).")
    if code not in tpl.shipped(name):
        raise NotFound(f"There is no {tpl.NAMES[name].lower()} template in language “{code}” "
                       f"(choose one of {', '.join(tpl.shipped(name))}).")


def _validate(session: Session, draft: TemplateDraft) -> list[FieldError]:
    try:
        _which(draft.template, draft.language)
    except NotFound as exc:
        return [FieldError("template", exc.message)]
    return tpl.check_sentences(draft.template, draft.language, draft.sentences)


KIND = kernel.RecordKind(
    record_type=TEMPLATE_RECORD_TYPE, draft=TemplateDraft, noun="letter template", validate=_validate,
    write=Permission.ADMINISTER, retract=Permission.ADMINISTER, view=Permission.VIEW_RECORDS,
    scope=kernel.Scope.DISTRICT, audit_views=False)


def _edited(state: dict[str, Any]) -> tpl.Edited:
    return tpl.Edited(dict(state.get("sentences") or {}), str(state.get("status") or DRAFT),
                      str(state.get("approved_by") or ""), str(state.get("approved_on") or ""))


def _in_force(session: Session) -> tpl.Wording:
    """Every template the district edited, for the renderers (no permission of its own: printing
    is checked by the report or letter being printed)."""
    out: dict[tuple[str, str], tpl.Edited] = {}
    for _, state in session.store.states(TEMPLATE_RECORD_TYPE):
        if state.get("retracted"):
            continue
        out[(str(state.get("template")), str(state.get("language")))] = _edited(state)
    return out


@service(Permission.VIEW_RECORDS)
def wording(session: Session) -> tpl.Wording:
    """The district's edited templates (the shipped file is used for every other one)."""
    return _in_force(session)


@service(Permission.ADMINISTER)
def template_for_editing(session: Session, name: str, code: str) -> dict[str, Any]:
    """What the editor shows: every sentence as it prints now, the English and the shipped
    sentence beside it, the placeholders each may use, and where the template stands."""
    _which(name, code)
    state = session.store.state(TEMPLATE_RECORD_TYPE, record_id(name, code))
    info = session.store.record_info(TEMPLATE_RECORD_TYPE, record_id(name, code)) or {}
    edited = None if state is None or state.get("retracted") else _edited(state)
    now = tpl.template(name, code, {(name, code): edited} if edited else None)
    english = tpl.sentences(tpl.template(name, tpl.ENGLISH))
    shipped = tpl.sentences(tpl.template(name, code))
    if edited is None:
        standing = "As shipped: a draft translation, not yet reviewed." if now.draft else "As shipped."
    elif edited.approved:
        standing = f"Approved by {edited.approved_by} on {edited.approved_on}."
    else:
        standing = "Edited by the district, not yet approved."
    return {
        "name": name, "language": code, "language_name": now.language,
        "sentences": tpl.sentences(now), "english": english, "shipped": shipped,
        "placeholders": {k: sorted(tpl.placeholders(v)) for k, v in english.items()},
        "approved": not now.draft, "edited": edited is not None, "standing": standing,
        "version": info.get("version"),
    }


@service(Permission.ADMINISTER)
def check_template(session: Session, name: str, code: str, sentences: dict[str, str]) -> list[FieldError]:
    """Every problem of an edited template, without saving it."""
    return _validate(session, TemplateDraft(name, code, dict(sentences)))


@service(Permission.ADMINISTER)
def save_template(session: Session, name: str, code: str, sentences: dict[str, str], reason: str,
                  expected_version: int | None = None) -> list[str]:
    """Keep the district's wording of a template (a draft until approved). Returns the sentences
    changed (empty: nothing differed). Refused with a sentence per problem."""
    _which(name, code)
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "Say why the wording is changing.")],
                               "The template was not saved.")
    rid = record_id(name, code)
    state = session.store.state(TEMPLATE_RECORD_TYPE, rid)
    draft = TemplateDraft(name, code, dict(sentences), DRAFT)
    if state is None:
        errors = _validate(session, draft)
        if errors:
            raise ValidationFailed(errors, "The template was not saved.")
        kernel.create(session, KIND, draft, record_id=rid)
        return sorted(k for k, v in sentences.items() if tpl.sentences(tpl.template(name, code)).get(k) != v)
    before = dict(state.get("sentences") or {})
    if before == dict(sentences):
        return []
    try:  # new wording is a draft again, until it is approved (one history entry)
        kernel.amend(session, KIND, rid, draft, reason, expected_version)
    except ValidationFailed as exc:
        raise ValidationFailed(list(exc.errors), "The template was not saved.") from None
    return sorted(k for k in set(before) | set(sentences) if before.get(k) != sentences.get(k))


@service(Permission.ADMINISTER)
def approve_template(session: Session, name: str, code: str, reason: str = "") -> None:
    """Mark a language's template reviewed: its prints no longer carry the draft mark. An
    unedited template is approved as shipped."""
    _which(name, code)
    rid = record_id(name, code)
    state = session.store.state(TEMPLATE_RECORD_TYPE, rid)
    if state is None:
        kernel.create(session, KIND, TemplateDraft(name, code, tpl.sentences(tpl.template(name, code)), DRAFT),
                      record_id=rid)
        state = session.store.state(TEMPLATE_RECORD_TYPE, rid) or {}
    errors = tpl.check_sentences(name, code, dict(state.get("sentences") or {}))
    if errors:
        raise ValidationFailed(errors, "The template was not approved: correct it first.")
    if state.get("status") == tpl.APPROVED:
        return
    kernel.change(session, KIND, rid, state,
                  {"status": tpl.APPROVED, "approved_by": session.actor.display_name or session.actor.username,
                   "approved_on": session.clock().date().isoformat()},
                  reason.strip() or "Translation reviewed and approved", action=Action.AMEND)


@service(Permission.ADMINISTER)
def preview_template(session: Session, name: str, code: str, sentences: dict[str, str],
                     approved: bool = False) -> bytes:
    """A PDF of fictional sample content printed with ``sentences`` (not saved), so the wording
    can be read as the family will. Refused with the problems when the wording has any."""
    _which(name, code)
    errors = tpl.check_sentences(name, code, sentences)
    if errors:
        raise ValidationFailed(errors, "No preview: correct the template first.")
    words = dict(_in_force(session))
    words[(name, code)] = tpl.Edited(dict(sentences), tpl.APPROVED if approved else DRAFT)
    settings = current_settings(session.store)
    address = settings.letterhead_address or "1 Sample Street\nSampletown, WA 98000"
    letterhead = settings.letterhead_name or "Sample School District"
    language = tpl.template(name, code).language
    if name == "response_letter":
        return render_response_letter(sample_letter(letterhead, address, language), wording=words)
    return render_pdf(sample_family_document(letterhead, address), language=language, wording=words)


def sample_letter(letterhead: str, address: str, language: str) -> ResponseLetter:
    """A response letter about a fictional complaint, with every fact that makes a sentence."""
    return ResponseLetter(
        district_name=letterhead, letterhead_name=letterhead, letterhead_address=address,
        letter_date=date(2026, 11, 30), confirmation="C-SAM-PLE", recipient_lines=("Alex Sample", "1 Sample Road"),
        school_name="Sample High School", received_date=date(2026, 10, 6), incident_date=date(2026, 10, 2),
        incident_place="Main entrance", staff_named="Officer Sample",
        allegations=(LetterAllegation("A1", "A sample allegation.", "Sustained", "", ""),
                     LetterAllegation("A2", "Another sample allegation.", "Not sustained", "", "")),
        summary="", referral="", preferred_language=language, interpreter_needed=True,
        signer_name="Sam Signer", signer_title="Principal", referral_agency="Sample Police Department",
        referral_case_number="SP-0001")


def sample_family_document(letterhead: str, address: str) -> ReportDocument:
    """A family copy of a fictional record."""
    return ReportDocument(
        kind="interaction", title="Interaction record", subtitle="Sample High School",
        blocks=[Heading("Sample record", 1), Facts((("When", "Oct 2, 2026, 9:15 AM"), ("School", "Sample High School"))),
                Para("A sample narrative, as the school wrote it.")],
        produced_by=letterhead, produced_at=datetime(2026, 11, 30, 9, 0), letterhead_name=letterhead,
        letterhead_address=tuple(x for x in address.splitlines() if x.strip()), audience=Audience.FAMILY)
