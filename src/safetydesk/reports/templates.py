"""Wording templates of letters and family copies, one folder per language.

``safetydesk/resources/templates/<code>/<name>.toml`` holds the sentences of one
document in one language, with ``{placeholders}`` filled in from the record.
English is the reference: a translation may leave a sentence out (the English
one is used) but may not use a placeholder English does not have. A template
whose ``status`` is not "approved" is a draft translation, and the letter says
so to the person printing it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from string import Formatter

from safetydesk.domain.errors import SafetyDeskError

ENGLISH = "en"
# The languages complaint intake offers, as a family's preferred language is written.
LANGUAGES: dict[str, str] = {
    "english": "en", "en": "en", "spanish": "es", "español": "es", "es": "es",
    "vietnamese": "vi", "tiếng việt": "vi", "vi": "vi", "russian": "ru", "русский": "ru", "ru": "ru",
    "ukrainian": "uk", "українська": "uk", "uk": "uk", "somali": "so", "soomaali": "so", "so": "so",
}
APPROVED = "approved"


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

    @property
    def draft(self) -> bool:
        return self.status != APPROVED

    def say(self, key: str, **values: object) -> str:
        # a value that ends a sentence itself ("2 окт. 2025 г.") does not get a second full stop
        return re.sub(r"(?<!\.)\.\.(?!\.)", ".", self.text[key].format(**values))


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


@cache
def template(name: str, code: str = ENGLISH) -> Template:
    """The ``name`` template in language ``code``, English wherever the translation has no sentence."""
    base = _read(ENGLISH, name)
    data = base if code == ENGLISH else _read(code, name)
    parts = {}
    for section in ("text", "finding", "meaning"):
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
