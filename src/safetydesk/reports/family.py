"""The family copy of a record printout: what happened, when, and who to contact.

In the family's language, the copy is that language's from its first word to its last: the
headings, the labels of the facts, the table columns and the vocabulary words (roles, types,
outcomes, yes and no) come from the ``[labels]`` of the language's ``family_copy`` template,
dates are written that language's way, and what staff wrote (names, places, the narrative)
is shown as written; then the English copy for the district's file.

Applied when a document for the family is laid out, whatever the services put in
it, so the rule holds for every printout: a family copy names no staff account
(who recorded or changed the record), shows no internal record id and no other
student (the services already write "Another student (n)"), and has no history
table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, time

from babel.dates import format_time

from safetydesk.domain.report_model import (
    Audience,
    Block,
    Facts,
    Heading,
    PageBreak,
    Para,
    ReportDocument,
    TableBlock,
)
from safetydesk.reports.formats import ISO, NBSP, date_in
from safetydesk.reports.templates import (
    ENGLISH,
    Template,
    Wording,
    draft_mark,
    language_code,
    template,
)

# Facts that name an account or an internal id.
HIDDEN_FACTS = frozenset({"Record", "Recorded by"})
# Table columns that name the account that wrote something.
ACCOUNT_COLUMNS = frozenset({"Who", "By", "Released by", "Recorded by"})
HISTORY = "History of this record"
# An internal record id: 26 characters of Crockford base 32 (a ULID).
RECORD_ID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")


def _without_id(text: str) -> str:
    return RECORD_ID.sub("", text).strip()


def _table(b: TableBlock) -> TableBlock:
    keep = [i for i, c in enumerate(b.columns) if c not in ACCOUNT_COLUMNS]
    if len(keep) == len(b.columns):
        return replace(b, rows=tuple(tuple(_without_id(str(v)) if isinstance(v, str) else v for v in row)
                                     for row in b.rows))
    widths = tuple(b.widths[i] for i in keep) if b.widths else ()
    numeric = tuple(keep.index(i) for i in b.numeric if i in keep)
    return replace(b, columns=tuple(b.columns[i] for i in keep), widths=widths, numeric=numeric,
                   rows=tuple(tuple(row[i] for i in keep) for row in b.rows))


def _contact(doc: ReportDocument, tpl: Template) -> str:
    where = ", ".join(doc.letterhead_address)
    return tpl.say("contact_address", district=doc.letterhead_name, address=where) if where \
        else tpl.say("contact", district=doc.letterhead_name)


def _record(doc: ReportDocument) -> list[Block]:
    """The record's blocks as a family may see them: no history, no account, no internal id."""
    blocks: list[Block] = []
    skip = False
    for b in doc.blocks:
        if isinstance(b, Heading):
            skip = b.text == HISTORY
            if skip:
                continue
        elif skip and isinstance(b, TableBlock | Para):
            continue
        if isinstance(b, Facts):
            b = Facts(tuple((k, _without_id(v)) for k, v in b.pairs if k not in HIDDEN_FACTS))
        elif isinstance(b, TableBlock):
            b = _table(b)
        elif isinstance(b, Para):
            b = Para(_without_id(b.text), b.style)
        blocks.append(b)
    return blocks


ANOTHER = re.compile(r"^Another student \((\d+)\)$")
WITH_ROLE = re.compile(r"^(.+) \(([^()]+)\)$")  # "Officer Morgan Vale (lead)"


def _dates(text: str, code: str) -> str:
    """ISO dates and date-times written the family's language's way."""
    def one(m: re.Match) -> str:
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
            if m[4] is None:
                return date_in(d, code).replace(" ", NBSP)
            at = time(int(m[4]), int(m[5]))
        except ValueError:
            return m[0]
        try:
            clock = format_time(at, "short", locale=code)
        except (ValueError, LookupError):
            clock = at.strftime("%H:%M")
        return f"{date_in(d, code)} {clock}".replace(" ", NBSP)
    return ISO.sub(one, text) if text and "-" in text else text


def _value(text: str, tpl: Template, lists: bool = True) -> str:
    """One word, phrase or list a printout shows, in the template's language where it has it;
    what a person wrote (names, places, narratives) stays as written."""
    if not text:
        return text
    found = tpl.label(text)
    if found is not None:
        return found
    if m := ANOTHER.match(text):
        return tpl.say("another_student", n=m[1])
    for sep in ("; ", ", ") if lists else ():
        if sep in text:
            parts = text.split(sep)
            done = [_value(part, tpl) for part in parts]
            if done != parts:
                return sep.join(done)
    if (m := WITH_ROLE.match(text)) and (role := tpl.label(m[2])) is not None:
        return f"{m[1]} ({role})"
    return _dates(text, tpl.code)


def _translated(blocks: list[Block], tpl: Template) -> list[Block]:
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, Heading):
            b = replace(b, text=_value(b.text, tpl), toc=False)
        elif isinstance(b, Para):
            b = Para(_value(b.text, tpl, lists=False), b.style)  # a narrative is never taken apart
        elif isinstance(b, Facts):
            b = Facts(tuple((_value(k, tpl), _value(v, tpl)) for k, v in b.pairs))
        elif isinstance(b, TableBlock):
            b = replace(b, columns=tuple(_value(c, tpl) for c in b.columns), title=_value(b.title, tpl),
                        rows=tuple(tuple(_value(v, tpl) if isinstance(v, str) else v for v in row)
                                   for row in b.rows))
        out.append(b)
    return out


# The paragraph the English copy for the file starts with (the page furniture changes language there).
FILE_COPY_STYLE = "file_copy"


@dataclass(frozen=True)
class Furniture:
    """The words around the family's pages: title, subtitle, who produced it, page numbers,
    the confidentiality notice and the footer's reference, in their language."""

    title: str
    subtitle: str
    produced: str
    page: str  # "Página {page} de {total}"
    confidential: str
    reference: str


def furniture(doc: ReportDocument, language: str = "", wording: Wording | None = None) -> Furniture | None:
    """The family's page furniture for a family copy in ``language`` (None: English pages only)."""
    code = language_code(language)
    if doc.audience != Audience.FAMILY or not code or code == ENGLISH:
        return None
    tpl = template("family_copy", code, wording)
    produced = tpl.say("produced", date=date_in(doc.produced_at.date(), code), name=doc.letterhead_name)
    return Furniture(tpl.label(doc.title) or doc.title, " · ".join(_value(p, tpl) for p in doc.subtitle.split(" · ")),
                     produced, tpl.text["page"], tpl.say("confidential"), tpl.say("reference"))


def family_copy(doc: ReportDocument, language: str = "", wording: Wording | None = None) -> ReportDocument:
    """``doc`` as the family may see it (unchanged unless it is for the family). With a
    ``language`` that has a template ("Spanish", "vi"...), the whole copy is first in that
    language (every heading, label and vocabulary word from the template; what staff wrote as
    written), then the English copy for the district's file on a page of its own."""
    if doc.audience != Audience.FAMILY:
        return doc
    english = template("family_copy", ENGLISH, wording)
    record = _record(doc)
    blocks: list[Block] = []
    code = language_code(language)
    if code and code != ENGLISH:
        tpl = template("family_copy", code, wording)
        if mark := draft_mark(tpl):
            blocks.append(Para(mark, "note"))
        blocks += [Para(tpl.say("intro")), Para(tpl.say("interpreter"), "note"), Para(tpl.say("as_written"), "note")]
        blocks += _translated(record, tpl)
        blocks += [Heading(tpl.say("contact_heading"), 2, toc=False), Para(_contact(doc, tpl)),
                   Para(tpl.say("english_copy"), "note"), PageBreak(),
                   Para(english.say("file_copy"), FILE_COPY_STYLE), Heading(doc.title, 1, toc=False),
                   Para(doc.subtitle, "note")]
    elif english.draft:
        blocks.append(Para(draft_mark(english), "note"))
    blocks.append(Para(english.say("intro"), "note"))
    blocks += record
    blocks += [Heading(english.say("contact_heading"), 2, toc=False), Para(_contact(doc, english))]
    return replace(doc, blocks=blocks, reference="Family copy", produced_by=doc.letterhead_name)
