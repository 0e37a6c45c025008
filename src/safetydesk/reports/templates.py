"""Wording templates of letters and family copies, one folder per language.

``safetydesk/resources/templates/<code>/<name>.toml`` holds the sentences of one
document in one language, with ``{placeholders}`` filled in from the record.
English is the reference: a translation may leave a sentence out (the English
one is used) but may not use a placeholder English does not have. A template
whose ``status`` is not "approved" is a draft translation, and the letter says
so to the person printing it.

A district administrator may reword any template in the window (Settings, "Letter
templates"); the edited sentences are a district-wide record (``Edited``) that the
services hand to the renderers as a ``Wording``. The shipped file stays the default:
a language the district has not edited prints from it. An edited template is
checked (`check_sentences`) before it is kept: every sentence must be one the English
template has, use only the placeholders the shipped template fills in, and keep every
placeholder of the English sentence.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from string import Formatter

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.validation import FieldError

ENGLISH = "en"
# The languages complaint intake offers, as a family's preferred language is written.
LANGUAGES: dict[str, str] = {
    "english": "en", "en": "en", "spanish": "es", "español": "es", "es": "es",
    "vietnamese": "vi", "tiếng việt": "vi", "vi": "vi", "russian": "ru", "русский": "ru", "ru": "ru",
    "ukrainian": "uk", "українська": "uk", "uk": "uk", "somali": "so", "soomaali": "so", "so": "so",
}
APPROVED = "approved"
SECTIONS = ("text", "finding", "meaning", "labels")
# A translation may name the family's language in that language instead of filling in the
# English name ("en español" rather than "en {language}").
OPTIONAL_IN_TRANSLATION = frozenset({"language"})
# The templates a district may edit, as the window names them.
NAMES: dict[str, str] = {"response_letter": "Response letter to a complaint", "family_copy": "Family copy of a record"}


class TemplateError(SafetyDeskError):
    pass


@dataclass(frozen=True)
class Template:
    code: str
    language: str
    status: str
    text: dict[str, str] = field(default_factory=dict)
    finding: dict[str, str] = field(default_factory=dict)
    meaning: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # a printout's words: English -> this language

    @property
    def draft(self) -> bool:
        return self.status != APPROVED

    def say(self, key: str, **values: object) -> str:
        # a value that ends a sentence itself ("2 окт. 2025 г.") does not get a second full stop
        return re.sub(r"(?<!\.)\.\.(?!\.)", ".", self.text[key].format(**values))

    def label(self, english: str) -> str | None:
        """A printout's word or phrase in this language (None when the template has none)."""
        if english in self.labels:
            return self.labels[english]
        folded = _folded(self.labels).get(english.casefold())
        return folded


def _folded(labels: dict[str, str]) -> dict[str, str]:
    return {k.casefold(): v for k, v in labels.items()}


def language_code(language: str) -> str:
    """The template folder for a preferred language ("Spanish" -> "es"); "" when none is shipped."""
    return LANGUAGES.get((language or "").strip().lower(), "")


def _read(code: str, name: str) -> dict:
    path = resources.files("safetydesk").joinpath("resources", "templates", code, f"{name}.toml")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(f"There is no {name.replace('_', ' ')} template in language {code!r}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"The {code} {name.replace('_', ' ')} template cannot be read: {exc}.") from None


def placeholders(text: str) -> set[str]:
    return {f for _, f, _, _ in Formatter().parse(text) if f}


@dataclass(frozen=True)
class Edited:
    """A template as the district edited it: every sentence ("text.re", "finding.sustained"...)
    and whether a district administrator approved it."""

    sentences: Mapping[str, str]
    status: str = "draft"
    approved_by: str = ""
    approved_on: str = ""

    @property
    def approved(self) -> bool:
        return self.status == APPROVED


# (template name, language code) -> the district's edited template
Wording = Mapping[tuple[str, str], Edited]


def template(name: str, code: str = ENGLISH, wording: Wording | None = None) -> Template:
    """The ``name`` template in language ``code``: the district's edited one when ``wording``
    has it, else the shipped file, English wherever the translation has no sentence."""
    edited = (wording or {}).get((name, code))
    if edited is None:
        return _shipped(name, code)
    shipped_one = _shipped(name, code)
    parts: dict[str, dict[str, str]] = {s: dict(getattr(shipped_one, s)) for s in SECTIONS}
    for key, value in edited.sentences.items():
        section, _, sentence = key.partition(".")
        if section in parts and sentence:
            parts[section][sentence] = value
    return Template(code, shipped_one.language, APPROVED if edited.approved else "draft", **parts)


def sentences(tpl: Template) -> dict[str, str]:
    """Every sentence of a template, keyed "section.name" (as an ``Edited`` keeps them)."""
    return {f"{s}.{k}": v for s in SECTIONS for k, v in getattr(tpl, s).items()}


def check_sentences(name: str, code: str, edited: Mapping[str, str]) -> list[FieldError]:
    """Every problem of an edited template, one sentence each: a sentence the template does not
    have, an empty one, a brace left open, a placeholder the letter does not fill in, or a
    placeholder of the English sentence left out (the fact would silently vanish)."""
    english = sentences(_shipped(name, ENGLISH))
    errors: list[FieldError] = []
    for key, value in edited.items():
        label = key.partition(".")[2] or key
        if key not in english:
            errors.append(FieldError(key, f"There is no sentence “{label}” in the {name.replace('_', ' ')} "
                                          "template; remove it."))
            continue
        if not value.strip():
            errors.append(FieldError(key, f"“{label}” is empty: write the sentence (or copy the English one)."))
            continue
        try:
            used = placeholders(value)
        except ValueError:
            errors.append(FieldError(key, f"“{label}” has a {{ or }} that is not closed: write a placeholder "
                                          "as {name}, exactly as in the English sentence."))
            continue
        allowed = placeholders(english[key])
        if unknown := sorted(used - allowed):
            can = f"it can use {', '.join('{' + p + '}' for p in sorted(allowed))}" if allowed \
                else "it takes no placeholder"
            errors.append(FieldError(key, f"“{label}” uses {', '.join('{' + p + '}' for p in unknown)}, which "
                                          f"the letter does not fill in ({can})."))
        optional = OPTIONAL_IN_TRANSLATION if code != ENGLISH else frozenset()
        if missing := sorted(allowed - used - optional):
            errors.append(FieldError(key, f"“{label}” leaves out {', '.join('{' + p + '}' for p in missing)}: "
                                          "keep every placeholder of the English sentence."))
        if not unknown and not missing:
            try:
                value.format(**{p: "x" for p in allowed})
            except (ValueError, KeyError, IndexError, AttributeError, TypeError):
                errors.append(FieldError(key, f"“{label}” cannot be filled in: write each placeholder as "
                                              "{name}, with nothing else inside the braces."))
    for key in sorted(set(english) - set(edited)):
        errors.append(FieldError(key, f"“{key.partition('.')[2]}” is missing: every sentence of the "
                                      "template is needed."))
    return errors


def draft_mark(tpl: Template) -> str:
    """What a print says while a template is not approved ("" once it is)."""
    if not tpl.draft:
        return ""
    if tpl.code == ENGLISH:
        return "English: edited wording, not yet approved by the district."
    return (f"{tpl.language}: draft translation, not yet reviewed by the district "
            "(have it reviewed before use).")


@cache
def _shipped(name: str, code: str = ENGLISH) -> Template:
    """The shipped ``name`` template in language ``code``, English wherever the translation has
    no sentence."""
    base = _read(ENGLISH, name)
    data = base if code == ENGLISH else _read(code, name)
    parts = {}
    for section in SECTIONS:
        merged = dict(base.get(section, {}))
        for key, value in data.get(section, {}).items():
            extra = placeholders(value) - placeholders(merged.get(key, ""))
            if extra:
                raise TemplateError(f"The {code} {name} template uses {', '.join(sorted(extra))} in “{key}”, "
                                    "which the English template does not have.")
            merged[key] = value
        parts[section] = merged
    return Template(code, data.get("language", code), data.get("status", ""), **parts)


def shipped(name: str) -> list[str]:
    """Language codes with a ``name`` template."""
    root = resources.files("safetydesk").joinpath("resources", "templates")
    return sorted(p.name for p in root.iterdir() if p.joinpath(f"{name}.toml").is_file())
