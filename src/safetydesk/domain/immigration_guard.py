"""P14: find sentences that appear to record immigration or citizenship status or place of birth.

SafetyDesk has no field for such information (RCW 10.93.160, RCW 43.17.425), and
free text must not become one. `find_immigration_text` looks at each sentence of a
text and returns the ones that appear to record a person's immigration or
citizenship status, country or place of birth, national origin, visa or alien
(A-) number. Services call `guard` on every free-text field before saving and
raise `ImmigrationDataWarning`, which names the sentences, so the person can
remove them. Nothing is saved while such a sentence is present.

How it decides, per sentence, over normalised text:

* **strong signals** fire on their own: "undocumented", "green card", "DACA",
  "A-number", "deported", "immigration status", "not a US citizen", "crossed the
  border", "born in <a place>", "came over from <a country>" …;
* **weak signals** ("without papers", "from <a country>", "legal status") fire
  only together with a migration context in the same sentence (came, crossed,
  moved, arrived, living here, fled …);
* **guards** remove ordinary phrases before matching ("born in March", "the
  citizenship award", "ICE on the parking lot", "visa gift card", "papers were
  on the floor", "came over from Lincoln Elementary").

Patterns are written by kind (a family of verbs crossed with a family of objects, in English
and Spanish: `immigration_more.strong_kinds`), and measured on two held-out sets never tuned on.

The detector errs on the side of asking: a false alarm costs one click, a miss
puts forbidden data in an education record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from safetydesk.domain import immigration_more as more
from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.text_normal import clean, fold, variants

# ---------------------------------------------------------------- vocabularies
COUNTRIES = ["", "afghanistan albania algeria andorra angola antigua argentina armenia australia austria", "azerbaijan bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia", "bosnia botswana brazil brunei bulgaria burkina burundi cambodia cameroon canada cape verde", "chad chile china colombia comoros congo costa rica croatia cuba cyprus czechia czech republic", "denmark djibouti dominica dominican republic ecuador egypt el salvador equatorial guinea", "eritrea estonia eswatini ethiopia fiji finland france gabon gambia georgia germany ghana", "greece grenada guatemala guinea guyana haiti honduras hungary iceland india indonesia iran", "iraq ireland israel italy ivory coast jamaica japan jordan kazakhstan kenya kiribati korea", "north korea south korea kosovo kuwait kyrgyzstan laos latvia lebanon lesotho liberia libya", "liechtenstein lithuania luxembourg madagascar malawi malaysia maldives mali malta", "marshall islands mauritania mauritius mexico micronesia moldova monaco mongolia montenegro", "morocco mozambique myanmar burma namibia nauru nepal netherlands holland new zealand", "nicaragua niger nigeria north macedonia norway oman pakistan palau palestine panama", "papua new guinea paraguay peru philippines poland portugal qatar romania russia rwanda", "samoa san marino saudi arabia senegal serbia seychelles sierra leone singapore slovakia", "slovenia solomon islands somalia south africa south sudan spain sri lanka sudan suriname", "sweden switzerland syria taiwan tajikistan tanzania thailand timor togo tonga trinidad", "tunisia turkey turkmenistan tuvalu uganda ukraine united arab emirates uae united kingdom", "england scotland wales uk united states usa america uruguay uzbekistan vanuatu venezuela", "vietnam yemen zambia zimbabwe puerto rico guam", "central america south america latin america africa asia europe the caribbean the middle east", "the us the u.s. the states overseas abroad another country a different country", ""]

NATIONALITIES = ["afghan", "american", "brazilian", "burmese", "cambodian", "canadian", "chinese", "colombian", "congolese", "cuban", "dominican", "ecuadorian", "egyptian", "eritrean", "ethiopian", "filipino", "filipina", "french", "german", "ghanaian", "guatemalan", "haitian", "honduran", "indian", "iranian", "iraqi", "jamaican", "japanese", "kenyan", "korean", "laotian", "mexican", "moldovan", "nicaraguan", "nigerian", "pakistani", "peruvian", "polish", "romanian", "russian", "salvadoran", "samoan", "somali", "sudanese", "syrian", "ukrainian", "venezuelan", "vietnamese", "yemeni", "marshallese", "chuukese", "micronesian", "tongan", "british", "irish", "italian", "spanish"]

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]

# Words that can follow "born in" / "from" without naming a place.
NOT_PLACES = set(MONTHS) | {
    "the", "a", "an", "his", "her", "their", "our", "my", "spring", "summer", "fall", "autumn",
    "winter", "morning", "evening", "night", "afternoon", "year", "same", "early", "late", "time",
    "room", "class", "grade", "period", "lunch", "recess", "school", "hospital", "home",
}


def _country_pattern() -> str:
    names: set[str] = set()
    for line in COUNTRIES:
        line = line.strip()
        if not line:
            continue
        # A line holds several names; multi-word names are listed whole in the set below.
        names.update(line.split())
    multi = [
        "costa rica", "cape verde", "czech republic", "dominican republic", "el salvador",
        "equatorial guinea", "ivory coast", "north korea", "south korea", "marshall islands",
        "new zealand", "north macedonia", "papua new guinea", "san marino", "saudi arabia",
        "sierra leone", "solomon islands", "south africa", "south sudan", "sri lanka",
        "united arab emirates", "united kingdom", "united states", "puerto rico",
        "central america", "south america", "latin america", "the caribbean", "the middle east",
        "the us", "the u.s.", "the u.s", "the states", "another country", "a different country",
    ]
    single = sorted(
        n for n in names
        if n not in {"the", "a", "different", "another", "country", "united", "states", "new",
                     "south", "north", "central", "latin", "middle", "east", "san", "cape",
                     "saudi", "sri", "sierra", "costa", "el", "ivory", "coast", "islands",
                     "republic", "papua", "guinea", "puerto", "rico", "kingdom", "arab",
                     "emirates", "marshall", "solomon", "zealand", "macedonia", "lanka",
                     "leone", "sudan", "africa", "america", "korea", "caribbean", "verde",
                     "salvador", "marino", "arabia", "equatorial", "u.s.", "us", "czech",
                     "dominican", "georgia", "jordan", "chad", "guam", "turkey", "wales", "niger",
                     "mali", "oman", "peru", "india", "china", "cuba", "iran", "iraq", "laos",
                     "togo", "fiji", "tonga", "samoa", "palau", "nauru", "malta", "benin"}
    )
    # Short or ambiguous names (Jordan, Georgia, Chad, Turkey, China …) are listed
    # separately and need the capital letter of a proper name: see `_AMBIGUOUS`.
    words = [re.escape(m) for m in sorted(multi, key=len, reverse=True)] + [re.escape(s) for s in single]
    words += ["africa", "america", "korea", "sudan", "guinea", "peru", "india", "cuba", "iran",
              "iraq", "laos", "mali", "oman", "niger", "fiji", "tonga", "samoa", "palau", "nauru",
              "malta", "benin", "togo", "abroad", "overseas"]
    return "|".join(words)


COUNTRY = _country_pattern()
# Names that are also first names or ordinary words: count only when capitalised in the original.
_AMBIGUOUS = ("Jordan", "Chad", "China", "Turkey", "Wales", "Guam", "Dominica")

MIGRATION_CONTEXT = (
    r"\b(?:came|come|comes|coming|moved|move|arrived|arrive|got|brought (?:him|her|them)|snuck|sneaked|"
    r"smuggled|entered) (?:over |here |across )?(?:to |into |in )(?:this country|the country|the us|the u\.s\.|"
    r"the united states|the states|america)\b"
    r"|\b(?:living|live|lives|stay|stays|staying|stayed|working|works|work) here\b"
    r"|\bcame (?:over |up )?here (?:from|when|in \d{4}|as an?|\w+ years ago|years ago|last year)\b"
    r"|\bin (?:this|the) country\b|\bfrom (?:" + COUNTRY + r")\b|\bborder\b|\bimmigra|\bemigra|\bfled\b"
)

# Ordinary phrases removed before matching (each is replaced by a neutral word).
GUARDS = [
    r"\bborn in (?:the )?(?:" + "|".join(MONTHS) + r")\b",
    r"\bborn in (?:\d{4}|the (?:spring|summer|fall|autumn|winter|morning|evening|night|same year))\b",
    r"\b(?:good|digital|global|classroom|school|model|student)? ?citizenship (?:award|awards|assembly|"
    r"assemblies|lesson|lessons|unit|week|month|club|program|certificate|pledge|skills|project|badge)\b",
    r"\b(?:good|digital|global) citizenship\b",
    r"\bcitizen of the (?:month|week|year)\b",
    r"\bvisa (?:gift |debit |credit )?card\b",
    r"\b(?:gift|debit|credit) card\b",
    r"\bpapers? (?:was|were|is|are) (?:on|in(?! order)|all over|scattered|left)\b",
    r"\b(?:homework|test|exam|graded|loose|scrap|toilet|tissue|news|term|research|rolling|construction) papers?\b",
    r"\bborder (?:collie|of the|around|line of the|between the fields?)\b",
    r"\b(?:alien|aliens) (?:costume|movie|mask|toy|drawing|game|invasion)\b",
    r"\bgreen card stock\b",
    r"\bpassport (?:photo|program|day|stamp) (?:activity|project|for the|at the)\b",
    r"\b(?:history|unit|lesson|chapter|project|essay|book|report|story|film|movie|video) (?:on|about|of) "
    r"(?:the )?(?:immigration|immigrants|refugees|migration)\b",
    r"\bmigrant education\b",
    r"\b(?:historia|clase|unidad|libro|leccion|proyecto) (?:de|sobre) (?:la )?(?:inmigracion|migracion)\b",
    r"\bundocumented (?:absence|absences|visit|visitor|visitors|incident|injury|injuries|medication|"
    r"time|hours|change|changes|leave|tardy|tardies|device)\b",
    # A minor's work permit (for a job) and "legal" in its everyday senses.
    r"\b(?:minor'?s?|teen|teens|youth|student|summer|school|junior|underage|under age|parent/school) work permits?\b",
    r"\b(?:legal age|minimum age|right age|old enough|too young|years old|age|aged|\d{2}) (?:[\w']+ ){0,4}?"
    r"(?:for|to get|to have|to apply for|to sign) (?:a |the |his |her |their )?work permits?\b",
    r"\bwork permits? (?:forms?|signed by|signature|application from the school|for (?:minors|teens|students|"
    r"his job|her job|a job|the job|summer|the summer))\b",
    r"\blegal (?:age|guardians?|custody|name|adult|counsel|aid|advice|team|department|pad|paper size|size|limit|"
    r"holiday|holidays|rights|forms?|action|matter|dispute|process|drinking age|driving age)\b",
    r"\b(?:legally|legal) (?:allowed|permitted|required|responsible|binding|blind)\b",
]

STRONG: list[tuple[str, str]] = [
    (r"\bundocumented\b", "records that someone is undocumented"),
    (r"\billegal(?:ly)? (?:immigrants?|aliens?|migrants?)\b|\billegals\b", "records immigration status"),
    (r"\b(?:here|in the country|in the us|in the u\.s\.|entered|crossed|came|living) illegally\b",
     "records immigration status"),
    (r"\b(?:without|no|lacks|lacking|has no|have no|doesn't have|don't have|does not have|do not have)"
     r" (?:legal |immigration |any )?(?:status|legal status)\b", "records immigration status"),
    (r"\b(?:immigration|legal|residency|residence|citizenship|visa|lawful|asylum|refugee|migratory|"
     r"immigrant) status\b", "records immigration or citizenship status"),
    (r"\bimmigration (?:papers|documents|case|court|hearing|judge|lawyer|attorney|officials?|officers?|"
     r"agents?|enforcement|authorities|problems?|issues?|trouble|detention|custody|raid|hold|check|"
     r"proceedings?)\b", "records immigration matters"),
    (r"\b(?:called|call|calling|reported (?:him|her|them) to|threatened (?:to call|with)) immigration\b",
     "records immigration matters"),
    (r"\b(?:is|are|was|were|an?|recent|new) immigrants?\b|\bimmigrant (?:family|families|parents?|mother|"
     r"father|mom|dad|student|students|child|children|kid|kids|household|worker)\b|\bimmigrated\b|\bemigrated\b",
     "records immigrant status"),
    (r"\b(?:deported|deportation|deport|removal proceedings|facing removal|detainer)\b",
     "records immigration enforcement"),
    (r"\bla migra\b|\bmigra\b|\bsin papeles\b|\bmojados?\b|\bindocumentad[oa]s?\b", "records immigration status"),
    (r"\bgreen ?cards?\b|\bpermanent residen(?:t|ts|cy|ce)\b|\blegal residen(?:t|ts|cy)\b",
     "records residency status"),
    (r"\bdaca\b|\bdreamer status\b|\btemporary protected status\b|\btps (?:status|holder|recipient)\b",
     "records immigration status"),
    (r"\b(?:work|student|tourist|travel|expired|h-?1b|f-?1|j-?1|u|t) visas?\b|\bon an? visas?\b|"
     r"\bvisas? (?:expired|overstay(?:ed)?|holder|status|number|application)\b|\boverstay(?:ed|ing)? "
     r"(?:a |his |her |their )?visas?\b|\bhas a visa\b|\bhave a visa\b",
     "records a visa"),
    (r"\boverstay(?:ed|ing)\b(?! (?:(?:his|her|their|the|a|my) )?(?:hall |bathroom |restroom |library )?"
     r"(?:pass|passes|welcome|time limit|break|lunch|recess|turn|time at))", "records immigration status"),
    (r"\bwork permits?\b|\bemployment authori[sz]ation\b|\buscis\b|\bborder patrol\b|\bcbp\b",
     "records immigration matters"),
    (r"\bcrossed (?:over )?(?:the |a )?(?:southern |mexican |us |u\.s\. )?border\b|\bborder crossing\b|"
     r"\bcame across the border\b|\bsnuck (?:across|over)\b",
     "records how someone entered the country"),
    (r"\b(?:a-?number|a #|a#|alien (?:registration )?(?:number|no\.?|#)|alien registration)\b|"
     r"\ba-\d{7,9}\b", "records an alien (A-) number"),
    (r"\b(?:is|are|was|were) (?:an? )?illegals?\b|\b(?:by|to) immigration\b", "records immigration status"),
    (r"\b(?:came|come|moved|arrived|immigrated|emigrated|brought (?:him|her|them)|got|crossed) (?:over |here |up )?"
     r"(?:in)?to (?:the )?(?:us|u\.s\.|united states|states|america|this country)\b", "records national origin"),
    (r"\billegal aliens?\b|\bresident aliens?\b|\bnon-?resident aliens?\b|\ban alien\b",
     "records immigration status"),
    (r"\b(?:not|isn't|is not|aren't|are not|wasn't|never became|became|is|are|was|were|an?|"
     r"naturali[sz]ed|dual|us|u\.s\.|american|united states) (?:an? )?(?:us |u\.s\. |american |"
     r"united states |mexican |canadian |dual )?citizens?\b(?! of the (?:month|week|year))",
     "records citizenship"),
    (r"\bcitizens? of (?!the (?:month|week|year))\w+", "records citizenship"),
    (r"\b(?:citizenship|nationality|national origin)\b", "records citizenship or national origin"),
    (r"\bnaturali[sz](?:ed|ation)\b", "records citizenship"),
    (r"\basylum\b|\basylee\b|\brefugees?\b", "records refugee or asylum status"),
    (r"\b(?:place|country|city|state) of birth\b|\bbirth ?place\b|\bbirth country\b|\bforeign[- ]born\b|"
     r"\bborn (?:abroad|overseas|outside (?:of )?(?:the )?(?:us|u\.s\.|united states|country|states))\b|"
     r"\bnative (?:country|land)\b|\bhome country\b|\bcountry of origin\b",
     "records place or country of birth"),
    (r"\bborn (?:in|at) (?:" + COUNTRY + r")\b", "records place of birth"),
    (r"\b(?:came|come|moved|arrived|immigrated|emigrated|fled|escaped|brought (?:him|her|them)|"
     r"relocated|came over|came here|came up) (?:over |here |up )?(?:to (?:the )?[a-z.]+ )?from (?:" + COUNTRY + r")\b",
     "records national origin"),
    (r"\b(?:fled|escaped) (?:from )?(?:" + COUNTRY + r")\b", "records national origin"),
    (r"\b(?:is|are|was|were|originally|family is|parents are|mom is|dad is|mother is|father is) "
     r"(?:originally )?from (?:" + COUNTRY + r")\b", "records national origin"),
    (r"\b(?:" + "|".join(NATIONALITIES) + r") (?:passport|national|nationals|citizen|citizenship)\b",
     "records nationality"),
    (r"\bpassport (?:from|of|says|shows)\b", "records nationality"),
    (r"\bice (?:agents?|officers?|officials?|detained|picked up|arrested|took|came to|raid|raided|"
     r"custody|hold|detainer|detention)\b|\b(?:by|to|called|from|with) ice(?: agents| officers)?\b(?! (?:on|in|at|"
     r"cream|pack|packs|skating|rink|cube|cubes|melt|melted|storm|chest|water|machine))",
     "records immigration enforcement"),
]
_NATIONALITY = "|".join([*NATIONALITIES, "guatemala", "salvadorean", "oaxacan", "michoacan"])
COUNTRY_ALL = COUNTRY + "|" + "|".join(re.escape(c) for c in more.COUNTRIES_ES)
STRONG += more.strong(COUNTRY_ALL, _NATIONALITY) + more.strong_ice()
STRONG += more.strong_kinds(COUNTRY_ALL, _NATIONALITY) + more.strong_ice_kinds()
# Patterns about ICE (the agency): they count only when "ICE" is written in capitals.
_ICE_PATTERNS = frozenset(p for p, _ in [*more.strong_ice(), *more.strong_ice_kinds()]) | frozenset(
    p for p, _ in STRONG if p.startswith(r"\bice (?:agents"))

WEAK: list[tuple[str, str]] = [
    (r"\b(?:without|no|with no|didn't have|did not have|has no|have no|fake|false|forged) "
     r"(?:papers|documents|documentation|paperwork|id|ids|identification)\b", "records immigration status"),
    (r"\bfrom (?:" + COUNTRY + r")\b", "records national origin"),
    (r"\b(?:legal|illegal|illegally|status|papers)\b", "records immigration status"),
]

_BORN_IN_PROPER = r"\b[Bb]orn (?:in|at) ((?:[A-Z][\w.'-]+)(?: [A-Z][\w.'-]+)*)"
_FROM_AMBIGUOUS = (
    r"\b(?:born in|came from|came over from|moved here from|immigrated from|fled|is from|are from|"
    r"was from|were from|originally from) (" + "|".join(_AMBIGUOUS) + r")\b"
)


@dataclass(frozen=True)
class _Compiled:
    places: re.Pattern[str]
    guards: re.Pattern[str]
    strong: list[tuple[re.Pattern[str], str]]
    weak: list[tuple[re.Pattern[str], str]]
    migration_context: re.Pattern[str]
    born_in_proper: re.Pattern[str]
    from_ambiguous: re.Pattern[str]
    ice_upper: re.Pattern[str]


@cache
def _compiled() -> _Compiled:
    """The patterns above, compiled the first time a text is checked (not when the program
    starts: compiling them all takes about half a second)."""
    return _Compiled(
        places=more.place_guard(COUNTRY_ALL + "|" + "|".join(a.lower() for a in _AMBIGUOUS)),
        guards=re.compile("|".join(f"(?:{g})" for g in GUARDS)),
        strong=[(re.compile(p), why) for p, why in STRONG],
        weak=[(re.compile(p), why) for p, why in WEAK],
        migration_context=re.compile(MIGRATION_CONTEXT),
        born_in_proper=re.compile(_BORN_IN_PROPER),
        from_ambiguous=re.compile(_FROM_AMBIGUOUS),
        ice_upper=re.compile(r"\bICE\b"),
    )

# A sentence ends at . ! ? ; followed by a space (or at a line break), except after an initial or
# a short abbreviation ("U.S.", "D.A.C.A.", "Mr.", "St."); and at . ! ? run straight into a capital
# after a word of two lower-case letters or more ("class.He").
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[.!?;][\"'\u201d\u2019)\]])\s+|\n+|(?<=[a-z]{2}[.!?])(?=[A-Z])")
_ABBREVIATION = re.compile(r"(?:\b[A-Za-z]\.|\b(?:Mr|Mrs|Ms|Dr|St|Sr|Sra|Srta|Jr|vs|etc|No|approx|Ave|Rd|Sgt|Ofc|Dep|Lt)\.)$")

@dataclass(frozen=True)
class Finding:
    sentence: str
    reason: str


def normalise(text: str) -> str:
    """Folded text the patterns run on (see `safetydesk.domain.text_normal`)."""
    return fold(text)


def sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    text = text or ""
    for m in _SENTENCE_END.finditer(text):
        head = text[start:m.start()]
        if m.group(0) and m.group(0).isspace() and "\n" not in m.group(0) and _ABBREVIATION.search(head):
            continue  # "U.S. citizen", "Mr. Tran": not the end of a sentence
        out.append(head)
        start = m.end()
    out.append(text[start:])
    return [p.strip() for p in out if p and p.strip()]


def check_sentence(sentence: str) -> str | None:
    """The reason this sentence appears to record forbidden information, or None.

    The sentence is normalised first (NFKC, invisible characters removed, look-alike letters
    as Latin, accents and case folded) and checked as written, with punctuation inside words
    read as spaces and read as nothing ("green-card", "un-documented")."""
    proper = clean(sentence)
    for norm in variants(sentence):
        reason = _check(proper, norm)
        if reason:
            return reason
    return None


def _check(proper: str, folded: str) -> str | None:
    c = _compiled()
    proper = c.places.sub(" ordinary place ", proper)
    norm = c.places.sub(" ordinary place ", more.respell(folded))
    norm = c.guards.sub(" ordinary ", norm)
    norm = re.sub(r"\s+", " ", norm)
    for pattern, why in c.strong:
        if pattern.search(norm):
            if pattern.pattern in _ICE_PATTERNS and not c.ice_upper.search(proper):
                # "ice" in lower case is frozen water.
                continue
            return why
    for match in c.born_in_proper.finditer(proper):
        first = match.group(1).split()[0].lower().strip(".,")
        if first not in NOT_PLACES and not first.isdigit():
            return "records place of birth"
    if c.from_ambiguous.search(proper):
        return "records national origin"
    if c.migration_context.search(norm):
        for pattern, why in c.weak:
            if pattern.search(norm):
                return why
    return None


def find_immigration_text(text: str) -> list[Finding]:
    """Every sentence of ``text`` that appears to record immigration, citizenship or birthplace."""
    out = []
    for s in sentences(text):
        reason = check_sentence(s)
        if reason:
            out.append(Finding(s, reason))
    return out


class ImmigrationDataWarning(SafetyDeskError):
    """Free text appears to record immigration or citizenship status or place of birth (P14).

    ``findings`` maps each field name to its findings; ``sentences`` lists every
    sentence found, in field order. Nothing was saved.
    """

    def __init__(self, findings: Mapping[str, list[Finding]], labels: Mapping[str, str] | None = None) -> None:
        self.findings = {k: list(v) for k, v in findings.items() if v}
        self.sentences = [f.sentence for fs in self.findings.values() for f in fs]
        self.fields = list(self.findings)
        labels = labels or {}
        lines = []
        for name, found in self.findings.items():
            for f in found:
                lines.append(f"• {labels.get(name, name.replace('_', ' ').capitalize())}: “{f.sentence}”")
        super().__init__(
            "Nothing was saved. SafetyDesk must not record anyone's immigration or citizenship "
            "status, place or country of birth, visa or alien number (Policy 4311; RCW 10.93.160). "
            "Please remove or reword:\n" + "\n".join(lines)
        )


def guard(texts: Mapping[str, str], labels: Mapping[str, str] | None = None) -> None:
    """Raise `ImmigrationDataWarning` if any of ``texts`` (field -> text) records such information."""
    findings = {name: find_immigration_text(text) for name, text in texts.items() if text}
    if any(findings.values()):
        raise ImmigrationDataWarning(findings, labels)


# Record ids (ULID), file hashes (SHA-256) and ISO dates and times: never something a person wrote.
_ID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}|[0-9a-f]{64}|\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


def vocabulary_codes() -> frozenset[str]:
    """Every value of SafetyDesk's own vocabularies (the `Labelled` enums of the domain)."""
    import importlib
    import pkgutil

    import safetydesk.domain as domain
    from safetydesk.domain.vocab import Labelled

    for info in pkgutil.iter_modules(domain.__path__):
        importlib.import_module(f"{domain.__name__}.{info.name}")
    codes: set[str] = set()
    todo: list[type] = [Labelled]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls is not Labelled:
            codes.update(str(m.value) for m in cls)  # type: ignore[attr-defined]
    return frozenset(codes)


_codes: frozenset[str] | None = None


def is_free_text(value: str) -> bool:
    """Whether a stored string is something a person wrote, and so must be checked (P14).

    The only strings left out are SafetyDesk's own: an exact vocabulary code ("detainer",
    "search_locker"), a record id or file hash, an ISO date or time. Anything else is checked
    whatever it looks like: a one-word narrative "undocumented" or "daca" is free text."""
    global _codes
    if not value.strip():
        return False
    if _codes is None:
        _codes = vocabulary_codes()
    return value not in _codes and not _ID.fullmatch(value)


def free_texts(value: object, prefix: str = "") -> dict[str, str]:
    """Every string in a record state (nested lists and dicts too) that `is_free_text`, keyed
    by a readable path."""
    out: dict[str, str] = {}
    if isinstance(value, str):
        if is_free_text(value):
            out[prefix or "text"] = value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            out.update(free_texts(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            out.update(free_texts(v, f"{prefix}[{i + 1}]"))
    return out
