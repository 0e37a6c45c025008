"""Letters to families as PDF: the complaint response letter (P16).

The content comes from `services.complaints.response_letter` (which also writes
the "print" entry in the audit trail); this module only lays it out.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from safetydesk.atomic import write_atomically
from safetydesk.domain.complaints import Finding, ResponseLetter
from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.validation import FieldError
from safetydesk.reports.formats import NBSP, date_in
from safetydesk.reports.letterhead import (
    FRAME_PADDING,
    INK,
    MARGIN,
    MUTED,
    PAGE_SIZE,
    RULE,
    Letterhead,
    PageMark,
    draw_letterhead,
    fonts,
    letter_template,
    numbered_canvas,
    text,
)
from safetydesk.reports.templates import (
    ENGLISH,
    Template,
    Wording,
    draft_mark,
    language_code,
    template,
)

CONFIDENTIAL = "Confidential: this letter concerns a student and staff member; please keep it private."
NO_ADDRESS = ("The letterhead has no district address. A district administrator enters it in Settings, "
              "“Address on letters” (letterhead_address), before the first letter is printed.")


def long_date(d: date) -> str:
    return date_in(d, ENGLISH)


def _styles() -> dict[str, ParagraphStyle]:
    f = fonts()
    base = ParagraphStyle("body", fontName=f.regular, fontSize=10.5, leading=14.5, textColor=INK,
                          alignment=TA_LEFT, spaceAfter=8)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=MUTED,
                                spaceAfter=0),
        "note": ParagraphStyle("note", parent=base, fontSize=9, leading=12, textColor=MUTED, spaceAfter=10),
        "sign": ParagraphStyle("sign", parent=base, spaceAfter=1),
        "re": ParagraphStyle("re", parent=base, fontName=f.bold, spaceBefore=4, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=base, fontName=f.bold, fontSize=11.5, leading=15,
                             textColor=RULE, spaceBefore=8, spaceAfter=6),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12.5, spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=base, fontName=f.bold, fontSize=9.5, leading=12.5,
                                   spaceAfter=0, textColor=colors.white),
        "finding": ParagraphStyle("finding", parent=base, fontName=f.bold, fontSize=9.5, leading=12.5,
                                  spaceAfter=0),
        "box": ParagraphStyle("box", parent=base, fontSize=10, leading=13.5, spaceAfter=0),
    }


def _finding_key(label: str) -> str:
    for f in Finding:
        if f.label == label or f.value == label:
            return f.value
    return ""


def _when(d: date, code: str) -> str:
    return date_in(d, code).replace(" ", NBSP)  # a date never wraps


def _sentences(*parts: str) -> str:
    return " ".join(p for p in parts if p)


def _body(letter: ResponseLetter, tpl: Template, st: dict[str, ParagraphStyle], width: float,
          laid_out: list | None) -> list:
    """The letter in one language. Every sentence is there only when its fact is."""
    code = tpl.code
    say = tpl.say
    body: list = [Paragraph(text(date_in(letter.letter_date, code)), st["body"])]
    if letter.recipient_lines and letter.recipient_lines[0].startswith("To the person"):
        body.append(Paragraph(text(say("anonymous_recipient", confirmation=letter.confirmation)), st["body"]))
    elif letter.recipient_lines:
        body.append(Paragraph("<br/>".join(text(x) for x in letter.recipient_lines), st["body"]))
    body.append(Spacer(1, 6))
    body.append(Paragraph(text(say("re", confirmation=letter.confirmation,
                                   received=_when(letter.received_date, code))), st["re"]))
    anonymous = bool(letter.recipient_lines[:1]) and letter.recipient_lines[0].startswith("To the person")
    named = not anonymous and letter.recipient_lines
    body.append(Paragraph(text(say("greeting_named", name=letter.recipient_lines[0]) if named
                               else say("greeting_family")), st["body"]))
    when = _when(letter.incident_date, code) if letter.incident_date else ""
    event = (say("event_school_date", school=letter.school_name, date=when) if letter.school_name and when
             else say("event_school", school=letter.school_name) if letter.school_name
             else say("event_date", date=when) if when else "")
    sustained = sum(1 for a in letter.allegations if _finding_key(a.finding) == Finding.SUSTAINED)
    body.append(Paragraph(text(_sentences(
        say("thanks"),
        say("about_staff", staff=letter.staff_named) if letter.staff_named else "",
        event,
        say("event_place", place=letter.incident_place) if letter.incident_place else "",
        say("summary"),
        say("sustained_one") if sustained == 1 else say("sustained_many", count=sustained) if sustained else "",
        say("summary_findings") if letter.allegations else "")), st["body"]))
    if letter.referral_agency:
        body.append(Paragraph(text(_sentences(
            say("referral", agency=letter.referral_agency),
            say("referral_case", case_number=letter.referral_case_number) if letter.referral_case_number
            else "")), st["body"]))
    elif letter.referral and code == ENGLISH:  # a letter prepared without the facts behind it
        body.append(Paragraph(text(letter.referral), st["body"]))

    if letter.allegations:
        body.append(Paragraph(text(say("findings")), st["h2"]))
        rows = [[Paragraph(text(say(k)), st["cellhead"]) for k in ("col_number", "col_text", "col_finding",
                                                                     "col_meaning")]]
        for a in letter.allegations:
            key = _finding_key(a.finding)
            meaning = text(tpl.meaning.get(key, a.meaning)) + (f"<br/><i>{text(a.note)}</i>" if a.note else "")
            rows.append([Paragraph(text(a.number), st["cell"]), Paragraph(text(a.text), st["cell"]),
                         Paragraph(text(tpl.finding.get(key, a.finding)), st["finding"]),
                         Paragraph(meaning, st["cell"])])
        f = fonts()

        def fit(column: int, least: float) -> float:  # room for the longest word of the column
            words = [w for row in rows for w in row[column].getPlainText().split()]
            return max([least, *(stringWidth(w, f.bold, 9.5) + 11 for w in words)])

        table = Table(rows, colWidths=[fit(0, 0.5 * inch), width * 0.34, fit(2, 1.15 * inch), None], repeatRows=1)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f4f8")]),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#c5ccd4")),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ]))
        if laid_out is not None:
            laid_out.append(table)
        body += [table, Spacer(1, 10)]

    case = letter.referral_case_number if letter.referral_agency else ""
    body.append(KeepTogether([Paragraph(text(say("appeal_heading")), st["h2"]), Paragraph(text(_sentences(
        say("appeal_how"),
        say("appeal_employer") if letter.staff_named else "",
        say("appeal_case", agency=letter.referral_agency, case_number=case) if case else "",
        say("never_held"))), st["body"])]))
    language = (letter.preferred_language or "").strip()
    if (language and language.lower() not in ("english", "en")) or letter.interpreter_needed:
        note = say("interpreter", language=language) if language and language.lower() not in ("english", "en") \
            else say("interpreter_any")
        box = Table([[Paragraph(text(note), st["box"])]], colWidths=[width])
        box.setStyle(TableStyle([
            ("BOX", (0, 0), (-1, -1), 0.8, RULE),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef3f9")),
            ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ]))
        body += [Spacer(1, 4), box, Spacer(1, 10)]
    body.append(Paragraph(text(say("quote", confirmation=letter.confirmation)), st["body"]))
    name = letter.letterhead_name or letter.district_name
    signature = [Paragraph(text(say("sincerely")), st["body"]), Spacer(1, 18),
                 Paragraph(text(letter.signer_name), st["sign"])]
    if letter.signer_title:
        signature.append(Paragraph(text(letter.signer_title), st["small"]))
    if letter.district_name and letter.district_name not in name:
        signature.append(Paragraph(text(letter.district_name), st["small"]))
    body.append(KeepTogether(signature))
    return body


def letter_language(letter: ResponseLetter) -> str:
    """The template language of the family's copy ("en" when the family reads English or no
    template is shipped for their language)."""
    return language_code(letter.preferred_language) or ENGLISH


def render_response_letter(letter: ResponseLetter, laid_out: list | None = None,
                           wording: Wording | None = None) -> bytes:
    """The response letter as PDF bytes: letterhead, findings per allegation, appeal rights,
    "Page N of M" on every page. For a family whose language has a template, the letter in
    that language comes first, then the English copy for the district's file.

    ``wording``: the district's edited templates (`services.templates.wording`); the shipped
    ones otherwise. Refused (`ValidationFailed`) when the district has not entered its address."""
    address = [line.strip() for line in letter.letterhead_address.splitlines() if line.strip()]
    if not address:
        raise ValidationFailed([FieldError("letterhead_address", NO_ADDRESS)], "The letter was not made.")
    st = _styles()
    name = letter.letterhead_name or letter.district_name
    english = template("response_letter", ENGLISH, wording)
    lh = _letterhead(name, address, english, letter.confirmation)
    buf = io.BytesIO()
    doc = letter_template(buf, lh, title=english.say("title", confirmation=letter.confirmation), author=name,
                          subject="Response to a complaint about safety and security staff")
    width = PAGE_SIZE[0] - 2 * MARGIN - 2 * FRAME_PADDING
    code = letter_language(letter)
    body: list = []
    canvas = numbered_canvas(lh)
    if code != ENGLISH:
        family = template("response_letter", code, wording)
        if family.draft:
            body.append(Paragraph(text(f"{draft_mark(family)} The English copy follows."), st["note"]))
        body += _body(letter, family, st, width, laid_out)
        english_starts: list[int] = []
        body += [PageBreak(), PageMark(english_starts), Paragraph(text(english.say("english_copy")), st["note"])]
        canvas = _two_language_canvas(_letterhead(name, address, family, letter.confirmation), lh, english_starts)
    elif english.draft:
        body.append(Paragraph(text(draft_mark(english)), st["note"]))
    body += _body(letter, english, st, width, laid_out)
    doc.build(body, canvasmaker=canvas)
    return buf.getvalue()


def _letterhead(name: str, address: list[str], tpl: Template, confirmation: str) -> Letterhead:
    """The letterhead, footer and page numbers in the template's language."""
    return Letterhead(name, address, tpl.say("reference", confirmation=confirmation), tpl.say("confidential"),
                      tpl.text.get("page", "Page {page} of {total}"))


def _two_language_canvas(family: Letterhead, english: Letterhead, english_starts: list[int]) -> type:
    """Like `numbered_canvas`, with the family's language on the pages of their copy and English
    from the page the English copy starts on."""
    base = numbered_canvas(english)

    class TwoLanguageCanvas(base):  # type: ignore[misc, valid-type]
        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                page = self._pageNumber
                lh = english if english_starts and page >= english_starts[0] else family
                draw_letterhead(self, lh, page, total)
                rl_canvas.Canvas.showPage(self)
            rl_canvas.Canvas.save(self)

    return TwoLanguageCanvas


def write_response_letter(letter: ResponseLetter, target: Path | str, wording: Wording | None = None) -> Path:
    """Render and save the letter (written next to its final name, then renamed)."""
    return write_atomically(render_response_letter(letter, wording=wording), target)
