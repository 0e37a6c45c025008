"""P14: the guard's second vocabulary: the kinds of sentence an outside tester found it missing,
Spanish throughout, the misspellings office staff make, and the place names that are not
countries. Used by `safetydesk.domain.immigration_guard`; every pattern runs on folded text
(`text_normal.fold`: lower case, no accents, "u.s." for U.S./USA).
"""

from __future__ import annotations

import re

# Spanish names of countries and regions (accents removed), beside the English list.
COUNTRIES_ES = (
    "mexico", "guatemala", "honduras", "el salvador", "nicaragua", "costa rica", "panama", "colombia",
    "venezuela", "ecuador", "peru", "bolivia", "chile", "argentina", "paraguay", "uruguay", "cuba",
    "haiti", "republica dominicana", "puerto rico", "brasil", "espana", "estados unidos", "canada",
    "china", "japon", "corea", "filipinas", "vietnam", "india", "rusia", "ucrania", "afganistan",
    "siria", "irak", "iran", "somalia", "etiopia", "eritrea", "kenia", "congo", "sudan", "africa",
    "europa", "asia", "centroamerica", "sudamerica", "otro pais", "su pais", "mi pais",
)

US_STATES = (
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware",
    "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky",
    "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota", "mississippi",
    "missouri", "montana", "nebraska", "nevada", "new hampshire", "new jersey", "new mexico",
    "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon", "pennsylvania",
    "rhode island", "south carolina", "south dakota", "tennessee", "texas", "utah", "vermont",
    "virginia", "washington", "west virginia", "wisconsin", "wyoming",
)
# Postal abbreviations count only after a comma ("Lebanon, OR"): "in", "or", "me" are words.
US_STATE_CODES = ("wa", "or", "id", "ca", "tx", "fl", "ny", "ga", "oh", "pa", "il", "in", "mn", "mo", "wi", "nm",
                  "az", "nv", "ut", "co", "mt", "ak", "hi")

# Words after a country's name that make it the name of a school, street, shop or team.
PLACE_WORDS = (
    "elementary", "middle", "high", "school", "academy", "street", "st", "avenue", "ave", "road", "rd",
    "way", "drive", "dr", "boulevard", "blvd", "park", "lake", "creek", "beach", "garden", "gardens",
    "grill", "restaurant", "lindo", "cafe", "market", "canal", "room", "hall", "jersey", "jerseys",
    "town", "club", "team", "camp", "trip", "goose", "express", "house", "kitchen", "bakery",
    "taqueria", "store", "mart", "bus", "springs", "heights",
)

# The same word as staff type it: "imigration", "deportd", "undocumentd", "citizins", "doesnt".
SPELLING = [
    (r"\bi(?:m|mm|n)(?:i|a)g(?:r)?(?:a)?(?:t)?ion\b|\bimmigation\b|\bimmagration\b|\bimigration\b",
     "immigration"),
    (r"\bi(?:m|mm)(?:i|a)grants?\b", "immigrants"),
    (r"\bdeport(?:d|id|ded)\b", "deported"),
    (r"\bundocu(?:m|mm)e?n?t?t?(?:e?d)\b|\bundocumeted\b|\bundoc\b", "undocumented"),
    (r"\b(?:c|s)itiz(?:i|a|e)ns\b", "citizens"),
    (r"\b(?:c|s)itiz(?:i|a)n\b|\bsitizen\b", "citizen"),
    (r"\bresid(?:a|e)nt\b", "resident"),
    (r"\bdoes'?nt\b", "doesn't"),
    (r"\bdont\b", "don't"),
    (r"\bdidnt\b", "didn't"),
    (r"\bisnt\b", "isn't"),
    (r"\barent\b", "aren't"),
    (r"\bwasnt\b", "wasn't"),
    (r"\bwerent\b", "weren't"),
    (r"\bfam\b", "family"),
    (r"\bstu\b", "student"),
]
_SPELLING = [(re.compile(p), w) for p, w in SPELLING]


def respell(text: str) -> str:
    for pattern, word in _SPELLING:
        text = pattern.sub(word, text)
    return text


def place_guard(country: str) -> re.Pattern[str]:
    """Country names that are part of a US place, school, street or shop name: "Mexico,
    Missouri", "Lebanon Oregon", "Panama Elementary", "China Lake Middle School", "New Mexico"."""
    states = "|".join(sorted(US_STATES, key=len, reverse=True))
    places = "|".join(PLACE_WORDS)
    return re.compile(
        r"\b(?:new|nuevo) mexico\b"
        r"|\b(?:" + country + r")(?: (?:beach|city|springs|falls|lake|heights|center|junction))?,? "
        r"(?:" + states + r")\b"
        r"|\b(?:" + country + r")(?: (?:beach|city|springs|falls|lake|heights|center|junction))?, "
        r"(?:" + "|".join(US_STATE_CODES) + r")\b"
        r"|\b(?:" + country + r") (?:" + places + r")\b",
        re.IGNORECASE,
    )


_PEOPLE = (r"(?:parents?|mom|dad|mother|father|family|uncle|aunt|grandma|grandpa|grandmother|"
           r"grandfather|brother|sister|cousin|stepdad|stepmom|he|she|they|you|i|we|him|her|them|"
           r"student|boy|girl|kid|kids)")
_PEOPLE_ES = (r"(?:padres|papas|papa|mama|familia|tio|tia|abuel[oa]s?|herman[oa]s?|prim[oa]s?|el|ella|"
              r"ellos|ellas|yo|nosotros|estudiante|nino|nina)")
_HIS = r"(?:his|her|their|the family's|my|your|our|the)"
_SPANISH_NOT_PLACE = (r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|"
                      r"diciembre|\d{4}|el (?:mes|ano|dia)|la (?:primavera|noche|manana|tarde)|un (?:martes|"
                      r"lunes|miercoles|jueves|viernes|sabado|domingo))")


def strong(country: str, nationality: str) -> list[tuple[str, str]]:
    """Patterns that fire on their own. ``country``: the alternation of country names (English and
    Spanish); ``nationality``: of nationality adjectives."""
    c = country
    return [
        # Where a person was born, which country they come from (questions too).
        (r"\bwhere (?:[\w']+ ){1,4}(?:was|were|is|are|got|get) born\b|\bwhere (?:was|were) (?:[\w']+ ){1,3}born\b",
         "asks or records where a person was born"),
        (r"\bwhere (?:[\w']+ ){1,4}(?:is|are|was|were|'s|'re) (?:originally )?from\b"
         r"|\bwhere (?:is|are|was|were) (?:[\w']+ ){1,3}(?:originally )?from\b",
         "asks or records which country a person comes from"),
        (r"\b(?:what|which) (?:country|countries|nationality)(?: [\w']+){0,5} (?:from|born|in)\b"
         r"|\b(?:what|which) country (?:is|are|was|were|does|do|did) (?:he|she|they|you|his|her|their|the)\b",
         "asks which country a person comes from"),
        (r"\bborn\b(?: [\w']+){0,6} (?:in|at) (?:" + c + r")\b", "records place of birth"),
        (r"\b(?:was|were|is|are|wasn't|weren't|not|if|whether) (?:[\w']+ )?born (?:here|in the u\.s\.|in the us|"
         r"in the states|in this country|in america|outside (?:the )?(?:u\.s\.|us|country|states))\b",
         "records place of birth"),
        (r"\bbirth certificate (?:is |was )?(?:from|issued in) (?:" + c + r")\b|\b(?:" + nationality +
         r") birth certificate\b", "records place of birth"),
        # A native of a country; when they arrived.
        (r"\bnatives? (?:of|to|from) (?!the (?:area|neighborhood|city|state|district)\b)\w+",
         "records place of birth"),
        (r"\b(?:" + c + r"|" + nationality + r")[- ]natives?\b", "records national origin"),
        (r"\b(?:arrived|arrive|arriving|got|came|moved|entered|landed) (?:here )?(?:in|to|into) (?:the u\.s\.|"
         r"the us|this country|the united states|the states|america)\b", "records national origin"),
        # Having or lacking papers or documents.
        (r"\b(?:no|without|doesn't have|don't have|does not have|do not have|didn't have|did not have|lacks?|"
         r"lacking|has no|have no|had no|got no|without any|ain't got)(?: any| their| his| her| legal| proper| "
         r"valid| real| immigration)* (?:papers|documents|documentation|paperwork)\b(?! ?(?:for|to sign|signed|"
         r"from the|on file|in (?:his|her|their) (?:binder|backpack|folder|locker)|at home|or|and))",
         "records immigration status (papers)"),
        (r"\b(?:got|get|gets|getting|fix|fixed|fixing|waiting (?:on|for)|applied for|apply for|applying for) "
         + _HIS + r" papers\b(?! (?:back|out|signed|graded|from|for|in|to|on|at|and))"
         r"|\bpapers (?:are|is|were|was|aren't|are not|weren't|were not) (?:not )?(?:in order|fixed|legal|"
         r"approved|pending|valid|processed)\b", "records immigration status (papers)"),
        (r"\b(?:fake|false|forged|fraudulent|bought|borrowed) (?:papers|documents|green cards?|social security "
         r"(?:cards?|numbers?)|socials?)\b", "records immigration status (papers)"),
        (r"\b(?:no|doesn't have a|don't have a|without a|has no|have no) (?:social|ssn|social security)"
         r"(?: number| card)?\b(?! (?:studies|worker|media|skills|class|life|story|emotional|time))",
         "records immigration status"),
        # A family member's appointments with, or removal by, immigration enforcement.
        (r"\b(?:appointment|appt|check-?in|check in|hearing|court date|court|interview|meeting|date) (?:with|at|in) "
         r"(?:immigration|uscis|la migra|migra|the immigration office)\b"
         r"|\b(?:immigration|uscis) (?:appointment|appt|check-?in|check in|interview|office|hearing|court)\b"
         r"|\breport(?:s|ing)? to immigration\b", "records immigration enforcement matters"),
        (r"\b(?:taken|took|picked up|arrested|detained|held|removed|deported|grabbed|caught|stopped|raided) "
         r"(?:[\w']+ ){0,3}?by (?:immigration|la migra|the migra|border patrol)\b"
         r"|\b(?:immigration|la migra|border patrol) (?:took|take|takes|picked up|pick up|came|comes|arrested|"
         r"detained|grabbed|caught|is looking|was looking|looking|raided|showed up|knocked|is after|came for)\b"
         r"|\bheld by immigration\b", "records immigration enforcement"),
        (r"\b(?:afraid|scared|fear|terrified|worried|fearful) (?:of|about) (?:immigration|la migra|deportation|"
         r"being deported|getting deported)\b", "records immigration enforcement"),
        # Being sent back to a country.
        (r"\b(?:sent|send|sending|ship|shipped|shipping|deport(?:ed)?|removed|remove|taken|take|kicked|go|going|"
         r"went|goes|get|got|be) (?:[\w']+ ){0,3}?back (?:to|home to) (?:" + c + r"|(?:his|her|their|your|my|our) "
         r"(?:own )?(?:country|home country))\b"
         r"|\bback (?:where|to where) (?:you|they|he|she) (?:came|come) from\b", "records national origin"),
        # Whether a person is "legal".
        (r"\b" + _PEOPLE + r"(?:'s| is| are| was| were| isn't| aren't| wasn't| weren't| is not| are not| was not|"
         r" were not| ain't| not| might not be| may not be| are both| is still)(?: [\w']+)? (?:legal|illegal|"
         r"legals|illegals)\b(?! (?:guardian|guardians|age|adult|name|names|custody|to|for|pad|team|aid|advice|"
         r"help|document|documents|counsel|rights))", "records immigration status (legal or not)"),
        # Spanish.
        (r"\b(?:no tiene|no tienen|no tengo|no tenemos|no tenia|no tenian|sin|no cuenta con|no cuentan con)"
         r"(?: \w+)? (?:papeles|documentos|documentacion)\b(?! (?:de la|del|para la|para el|firmados|de su (?:iep|"
         r"clase)))|\bni (?:papeles|documentos)\b|\barregl\w* (?:sus |los |mis |tus |su )?papeles\b"
         r"|\bpapeles (?:en regla|arreglados)\b", "records immigration status (papers)"),
        (r"\bdeport(?!es\b|ivo|iva|ista)\w*", "records immigration enforcement"),
        (r"\binmigra\w*|\bemigr(?:o|aron|ante|antes|ar)\b", "records immigration matters"),
        (r"\bciudadan(?:o|a|os|as|ia)\b(?! del mes)", "records citizenship"),
        (r"\bnac(?:i|io|iste|ieron|imos|ido|ida|idos|idas) en (?!" + _SPANISH_NOT_PLACE + r")\w+"
         r"|\bdonde (?:\w+ )?naci\w*|\blugar de nacimiento\b|\bpais de (?:origen|nacimiento)\b"
         r"|\bacta de nacimiento (?:de|es de) (?:" + c + r")\b", "records place of birth"),
        (r"\bde donde (?:es|eres|son|somos|sois)\b|\bde (?:que|cual) pais\b|\bnacionalidad\b",
         "asks which country a person comes from"),
        (r"\b(?:vino|vinieron|venimos|vine|viene|vienen|llego|llegaron|llegamos|llegue|huyo|huyeron|se vinieron|"
         r"se vino|se mudaron|se mudo|emigraron|escaparon) (?:\w+ ){0,2}?de (?:" + c + r")\b"
         r"|\b(?:es|son|eres|soy|somos|era|eran) (?:originari[oa]s? )?de (?:" + c + r")\b"
         r"|\boriginari[oa]s? de\b|\bnativ[oa]s? de\b", "records national origin"),
        (r"\b(?:llego|llegaron|llegamos|llegue|vino|vinieron|vinimos|entro|entraron|cruzo|cruzaron) (?:\w+ )?"
         r"(?:a|a los|en) (?:estados unidos|los estados unidos|eeuu|ee\.? ?uu\.?|este pais|usa|u\.s\.)\b",
         "records national origin"),
        (r"\b(?:mand|envi|regres|devolv)\w* (?:\w+ )?(?:de regreso|de vuelta|pa ?tras)? ?a (?:" + c + r")\b"
         r"|\b(?:de regreso|de vuelta) a (?:" + c + r")\b", "records national origin"),
        (r"\b" + _PEOPLE_ES + r"(?: no)? (?:son|es|eran|era|estan|esta|somos|soy)(?: \w+)? (?:legal|legales|ilegal|"
         r"ilegales)\b(?! (?:traer|tener|hacer|que|para))", "records immigration status (legal or not)"),
        (r"\b(?:cruz|pas)\w* (?:\w+ )?(?:la )?frontera\b", "records how someone entered the country"),
        (r"\btarjeta (?:verde|de residen\w*)\b|\b(?:tiene|tienen|tengo|sin|obtuvo|saco|sacaron|pidio|pidieron|"
         r"esperando) (?:la |su )?residencia\b|\bpermiso de trabajo\b|\brefugiad[oa]s?\b"
         r"|\b(?:pidio|pidieron|pedir|solicito|solicitaron|caso de|tiene|tienen) asilo\b|\basilo politico\b"
         r"|\b(?:su|la) visa\b|\bvisa (?:se vencio|vencida|de turista|de trabajo)\b",
         "records immigration or residency status"),
        # English, more.
        (r"\bsn(?:uck|eaked) (?:in|into|across|over) (?:through |from |at |by )?(?:" + c +
         r"|arizona|texas|california|new mexico|the border|the desert|the river)\b",
         "records how someone entered the country"),
        (r"\btps (?:status|holder|recipient|expires|expired|ends|renewal)\b|\b(?:has|have|got|on|her|his|their|"
         r"family's) tps\b", "records immigration status"),
        (r"\ba ?(?:#|no\.?|number) ?:? ?\d{7,9}\b", "records an alien (A-) number"),
    ]


def strong_ice() -> list[tuple[str, str]]:
    """Patterns about ICE (the agency): they count only when "ICE" is written in capitals."""
    return [
        (r"\b(?:appointment|appt|check-?in|check in|hearing|interview|meeting|date) (?:with|at) ice\b"
         r"|\bice (?:appointment|appt|check-?in|check in|interview|office|hearing|monitor)\b"
         r"|\b(?:taken|took|picked up|arrested|detained|held|removed|grabbed|caught|stopped) (?:[\w']+ ){0,3}?"
         r"by ice\b|\bice (?:took|take|takes|picked up|pick up|came|comes|arrested|detained|grabbed|caught|"
         r"is looking|was looking|raided|showed up|knocked|se llevo|se lo llevo|se la llevo|agarro|detuvo|"
         r"arresto)\b|\b(?:afraid|scared|fear|terrified|worried) (?:of|about) ice\b|\b(?:call|calling) ice\b",
         "records immigration enforcement"),
    ]
