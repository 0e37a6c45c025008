"""The family copy of a record printout: what happened, when, and who to contact.

Applied when a document for the family is laid out, whatever the services put in
it, so the rule holds for every printout: a family copy names no staff account
(who recorded or changed the record), shows no internal record id and no other
student (the services already write "Another student (n)"), and has no history
table.
"""

from __future__ import annotations

import re
from dataclasses import replace

from safetydesk.domain.report_model import (
    Audience,
    Block,
    Facts,
    Heading,
    Para,
    ReportDocument,
    TableBlock,
)
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


def family_copy(doc: ReportDocument, language: str = "", wording: Wording | None = None) -> ReportDocument:
    """``doc`` as the family may see it (unchanged unless it is for the family). With a
    ``language`` that has a template ("Spanish", "vi"...), the copy opens with what it is,
    the interpreter offer and who to contact in that language; the record follows in English."""
    if doc.audience != Audience.FAMILY:
        return doc
    english = template("family_copy", ENGLISH, wording)
    blocks: list[Block] = []
    code = language_code(language)
    if code and code != ENGLISH:
        tpl = template("family_copy", code, wording)
        blocks += [Para(tpl.say("intro")), Para(tpl.say("interpreter"), "note"), Para(_contact(doc, tpl)),
                   Para(tpl.say("english_copy"), "note")]
        if tpl.draft:
            blocks.append(Para(draft_mark(tpl), "note"))
    blocks.append(Para(english.say("intro"), "note"))
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
    blocks += [Heading(english.say("contact_heading"), 2, toc=False), Para(_contact(doc, english))]
    return replace(doc, blocks=blocks, reference="Family copy", produced_by=doc.letterhead_name)
