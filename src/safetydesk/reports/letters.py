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
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from safetydesk.atomic import write_atomically
from safetydesk.domain.complaints import ResponseLetter
from safetydesk.reports.letterhead import (
    FRAME_PADDING,
    INK,
    MARGIN,
    MUTED,
    PAGE_SIZE,
    RULE,
    Letterhead,
    fonts,
    letter_template,
    numbered_canvas,
    text,
)

CONFIDENTIAL = "Confidential: this letter concerns a student and staff member; please keep it private."


def long_date(d: date) -> str:
    return f"{d.strftime('%B')} {d.day}, {d.year}"


def _styles() -> dict[str, ParagraphStyle]:
    f = fonts()
    base = ParagraphStyle("body", fontName=f.regular, fontSize=10.5, leading=14.5, textColor=INK,
                          alignment=TA_LEFT, spaceAfter=8)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12, textColor=MUTED,
                                spaceAfter=0),
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


def render_response_letter(letter: ResponseLetter) -> bytes:
    """The response letter as PDF bytes: letterhead, findings per allegation, appeal rights,
    "Page N of M" on every page."""
    st = _styles()
    address = [line.strip() for line in letter.letterhead_address.splitlines() if line.strip()]
    name = letter.letterhead_name or letter.district_name
    lh = Letterhead(name, address, f"Complaint {letter.confirmation}", CONFIDENTIAL)
    buf = io.BytesIO()
    doc = letter_template(buf, lh, title=f"Response to complaint {letter.confirmation}", author=name,
                          subject="Response to a complaint about safety and security staff")
    body = []
    body.append(Paragraph(text(long_date(letter.letter_date)), st["body"]))
    if letter.recipient_lines:
        body.append(Paragraph("<br/>".join(text(x) for x in letter.recipient_lines), st["body"]))
    body.append(Spacer(1, 6))
    body.append(Paragraph(
        f"Re: Your complaint {text(letter.confirmation)}, received "
        f"{text(long_date(letter.received_date))}", st["re"]))
    anonymous = letter.recipient_lines[:1] and letter.recipient_lines[0].startswith("To the person")
    greeting = "Dear family," if anonymous or not letter.recipient_lines else f"Dear {letter.recipient_lines[0]},"
    body.append(Paragraph(text(greeting), st["body"]))
    about = "Thank you for bringing your concerns to us"
    if letter.staff_named:
        about += f" about {letter.staff_named}"
    if letter.school_name:
        about += f" at {letter.school_name}"
    if letter.incident_date:
        about += f" on {long_date(letter.incident_date)}"
    if letter.incident_place:
        about += f" ({letter.incident_place})"
    body.append(Paragraph(text(about + ". " + letter.summary), st["body"]))
    if letter.referral:
        body.append(Paragraph(text(letter.referral), st["body"]))

    body.append(Paragraph("Findings", st["h2"]))
    rows = [[Paragraph("No.", st["cellhead"]), Paragraph("What you told us", st["cellhead"]),
             Paragraph("Finding", st["cellhead"]), Paragraph("What this means", st["cellhead"])]]
    for a in letter.allegations:
        meaning = text(a.meaning) + (f"<br/><i>{text(a.note)}</i>" if a.note else "")
        rows.append([Paragraph(text(a.number), st["cell"]), Paragraph(text(a.text), st["cell"]),
                     Paragraph(text(a.finding), st["finding"]), Paragraph(meaning, st["cell"])])
    width = PAGE_SIZE[0] - 2 * MARGIN - 2 * FRAME_PADDING
    table = Table(rows, colWidths=[0.45 * inch, width * 0.36, 1.05 * inch, None], repeatRows=1)
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
    body.append(table)
    body.append(Spacer(1, 10))

    body.append(KeepTogether([Paragraph("Your right to appeal", st["h2"]),
                              Paragraph(text(letter.appeal_rights), st["body"])]))
    language = (letter.preferred_language or "").strip()
    if (language and language.lower() not in ("english", "en")) or letter.interpreter_needed:
        lang = language or "your language"
        note = (f"If you would like this letter explained in {lang}, or need an interpreter to talk "
                "with us, please call the school office. Interpretation is free of charge.")
        box = Table([[Paragraph(text(note), st["box"])]], colWidths=[width])
        box.setStyle(TableStyle([
            ("BOX", (0, 0), (-1, -1), 0.8, RULE),
            ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef3f9")),
            ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ]))
        body += [Spacer(1, 4), box, Spacer(1, 10)]
    body.append(Paragraph(
        "Please quote your confirmation number, " + text(letter.confirmation)
        + ", whenever you contact us about this complaint.", st["body"]))
    signature = [Paragraph("Sincerely,", st["body"]), Spacer(1, 18),
                 Paragraph(text(letter.signer_name), st["sign"])]
    if letter.signer_title:
        signature.append(Paragraph(text(letter.signer_title), st["small"]))
    if letter.district_name and letter.district_name not in name:
        signature.append(Paragraph(text(letter.district_name), st["small"]))
    body.append(KeepTogether(signature))
    doc.build(body, canvasmaker=numbered_canvas(lh))
    return buf.getvalue()


def write_response_letter(letter: ResponseLetter, target: Path | str) -> Path:
    """Render and save the letter (written next to its final name, then renamed)."""
    return write_atomically(render_response_letter(letter), target)
