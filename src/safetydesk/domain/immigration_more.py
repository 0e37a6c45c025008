"""P14: the guard's second vocabulary: the kinds of sentence an outside tester found it missing,
Spanish throughout, the misspellings office staff make, and the place names that are not
countries. Used by `safetydesk.domain.immigration_guard`; every pattern runs on folded text
(`text_normal.fold`: lower case, no accents, "u.s." for U.S./USA).
"""

from __future__ import annotations

import re
from functools import cache

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
    (r"\b(doesn'?t|don'?t|didn'?t|does not|do not|did not|ain'?t) got\b", r"\1 have"),
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
@cache
def _spelling() -> list[tuple[re.Pattern[str], str]]:
    """SPELLING compiled the first time a text is checked (not when the program starts)."""
    return [(re.compile(p), w) for p, w in SPELLING]


def respell(text: str) -> str:
    for pattern, word in _spelling():
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
           r"student|boy|girl|kid|kids|tio|tia|abuela|abuelo|abuelita|abuelito|primo|prima|mama|papa|mami|papi|"
           r"stepfather|stepmother|grandparents?|relatives?|wife|husband|boyfriend|girlfriend|nephew|niece|"
           r"guardian|parent)")
_PEOPLE_ES = (r"(?:padres|papas|papa|mama|familia|tio|tia|abuel[oa]s?|herman[oa]s?|prim[oa]s?|el|ella|"
              r"ellos|ellas|yo|nosotros|estudiante|nino|nina)")
_HIS = r"(?:his|her|their|the family's|my|your|our|the)"
_SPANISH_NOT_PLACE = (r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|"
                      r"diciembre|\d{4}|el (?:mes|ano|dia)|la (?:primavera|noche|manana|tarde)|un (?:martes|"
                      r"lunes|miercoles|jueves|viernes|sabado|domingo)|(?:el|un) hospital|(?:la|una) clinica|(?:la |su )?casa|"
                      r"(?:el|la) mism[oa]|(?:el|la) (?:carro|ambulancia|camino))")


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
        (r"\bnatives? (?:of|to|from) (?!the (?:area|neighborhood|city|state|district|region|valley)\b)"
         r"(?!(?:" + _US_PLACES + r")\b)\w+",
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
         r"(?:own )?(?:country|home country))\b" + _A_TRIP +
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


# ------------------------------------------------------------------ kinds, by verb x object
# Who or whose: a person, or a person's possessive ("mom's", "his", "the family's").
_WHOSE = (r"(?:his|her|their|my|your|our|the family's|the familys|(?:mom|dad|mother|father|parent|parents|uncle|"
          r"aunt|grandma|grandpa|brother|sister|cousin|stepdad|stepmom|family|student|tio|tia)(?:'s|s'|s)?)")
# Paperwork a school keeps: "the IEP documents are in order" is not about immigration.
_SCHOOL_PAPER = (r"(?:iep|504|enrollment|enrolment|registration|school|trip|field trip|permission|medical|"
                 r"custody|court|homework|discipline|transfer|transcript|sports|athletic|bus|lunch|consent|"
                 r"release|intake|referral|health|immunization|vaccination|tax|insurance|lease|housing|"
                 r"rental|car|job|work|bank|loan)")
_PAPERS = r"(?:papers|documents|documentation|paperwork|docs)"
_TO_HAVE_IN_ORDER = (r"(?:in order|in line|straight|straightened out|sorted out|sorted|fixed|legal|approved|pending|"
                     r"valid|expired|processed|done|arranged|good|right|ready|complete)")
# Taking a person: the verbs of removal and arrest.
_TAKE = (r"(?:take|takes|took|taken|taking|pick|picks|picked|picking|get|gets|got|getting|come for|came for|"
         r"comes for|coming for|go after|went after|arrest|arrests|arrested|arresting|detain|detains|detained|"
         r"detaining|deport|deports|deported|grab|grabs|grabbed|catch|catches|caught|raid|raided|show up|showed up|"
         r"knock|knocked|look for|looking for|looked for|looks for|be after|is after|was after|are after|"
         r"hold|held|lock up|locked up|put in detention)")


# A trip: "went back to Honduras for the holidays" is travel, not removal.
_A_TRIP = (r"(?!.*\b(?:vacation|vacations|visit|visiting|trip|holiday|holidays|funeral|wedding|quinceanera|"
           r"for (?:the )?(?:summer|break|christmas|navidad|winter break|spring break)|to see (?:his|her|their|the)|"
           r"family emergency|vacaciones)\b)")
# US places a person is a "native" of (states, and cities of the region the program serves).
_US_PLACES = "|".join([*US_STATES, "seattle", "spokane", "tacoma", "yakima", "everett", "bellevue", "kent",
                       "renton", "olympia", "pasco", "kennewick", "richland", "wenatchee", "bellingham", "vancouver wa",
                       "portland", "boise", "auburn", "federal way", "tukwila", "burien", "lynnwood", "redmond",
                       "kirkland", "puyallup", "lakewood", "walla walla", "moses lake", "sunnyside", "toppenish",
                       "wapato", "othello", "skagit", "mount vernon", "this", "our", "here", "the area"])


def strong_kinds(country: str, nationality: str) -> list[tuple[str, str]]:
    """Second round, by kind rather than by example: each pattern crosses a family of verbs with a
    family of objects. ``country`` and ``nationality`` as for `strong`."""
    c = country
    return [
        # Papers or documents "not in order", "in order", "fixed", "expired" (whose: a person's).
        (r"\b" + _WHOSE + r" (?:(?!" + _SCHOOL_PAPER + r"\b)[\w']+ )?(?:immigration |legal |travel )?" + _PAPERS +
         r" (?:are|is|were|was|aren't|isn't|weren't|wasn't|are not|is not|were not|was not|ain't|have not been|"
         r"haven't been|never were|still aren't|still are not|are still not)(?: still| yet| ever)?(?: not)? "
         + _TO_HAVE_IN_ORDER + r"\b(?! (?:for (?:the |his |her )?(?:trip|enrollment|school|class|iep|job)))",
         "records immigration status (papers)"),
        (r"\b(?:have|has|had|get|gets|got|getting|put|putting) " + _WHOSE + r" (?:immigration |legal )?" + _PAPERS
         + r" (?:in order|straightened out|sorted out|fixed|legalized|legalised)\b(?! (?:for|by) )"
         r"|\b(?:papers|documents|paperwork) (?:not|aren't|are not|never) in order\b"
         r"|\b(?:lost|losing|lose) (?:" + _WHOSE + r" )?(?:papers|legal status|status|visa|green card|residency)\b"
         r"(?! (?:in|on|at|from) (?:the )?(?:hall|hallway|bus|class|room|office|gym|cafeteria))",
         "records immigration status (papers)"),
        (r"\b(?:without|no|with no|w/o|w/out|sin) (?:legal |proper |valid |any |immigration )*(?:papers|documents|"
         r"documentation|paperwork|papeles|documentos)\b(?! (?:for|to|from|signed|on file|in (?:his|her|the|their) "
         r"(?:binder|backpack|folder|locker|bag)|de la escuela|del|de su|firmad))"
         r"(?=.*\b(?:cross|crossed|came|come|entered|enter|got here|arrived|living|lives|live|works|working|work|"
         r"here|country|border|afraid|scared|hiding|hides|since|years|family|dad|mom|parents|uncle|aunt|cruzo|"
         r"vive|viven|trabaja|llego|vino|entro)\b)", "records immigration status (papers)"),
        # Removed, deported, expelled, sent to a country; removed from the country.
        (r"\b(?:removed|deported|expelled|repatriated|flown|kicked out|thrown out|exiled|returned|sent|shipped|"
         r"put on a (?:plane|bus))(?: back)? (?:home )?to (?:" + c + r")\b" + _A_TRIP +
         r"|\b(?:removed|deported|kicked out|thrown out|expelled|taken out|sent out) (?:of|from) (?:the )?"
         r"(?:country|u\.s\.|us|united states|states|america)\b"
         r"|\b(?:removal|deportation) (?:order|orders|case|hearing|flight)\b|\border (?:of|for) removal\b"
         r"|\b(?:got|get|gets|getting|was|were|be|being|been) (?:removed|sent back|deported)(?! (?:from|to) "
         r"(?:the )?(?:class|classroom|room|office|game|field|gym|bus|cafeteria|lunch|hall|court|team|school|"
         r"campus|library|assembly|his|her|their|recess))(?= (?:to (?:" + c + r")|by|last|in \d{4}|home to (?:" + c +
         r")|back "
         r"to (?:" + c + r")|$))", "records immigration enforcement"),
        # Seeing, meeting, reporting to immigration (appointments).
        (r"\b(?:see|sees|seeing|saw|meet|meets|meeting|met|meet with|met with|go to|goes to|going to|went to|"
         r"report to|reports to|visit|talk to|talked to|check in with|checks in with|checked in with|check-in with|"
         r"appear before|appear at|appeared at|show up at|go see|went to see|sign in (?:with|at)|interview with|"
         r"interviewed by|answer to|hearing (?:before|with)) (?:the )?(?:immigration|uscis|la migra|migra)"
         r"(?! (?:unit|lesson|essay|book|project|museum|exhibit|history|station of the museum))\b"
         r"|\b(?:immigration|uscis) (?:date|meeting|check|checkin|visit|call|letter|notice|paperwork|stuff|thing|"
         r"people|person|guy|guys|lady|man|van|truck|car|ankle monitor|monitor|bracelet)\b"
         r"|\b(?:ankle monitor|ankle bracelet) (?:from|for) (?:immigration|ice)\b",
         "records immigration enforcement matters"),
        # Immigration, la migra taking a person ("was going to take", "came for").
        (r"\b(?:immigration|la migra|the migra|border patrol) (?:[\w']+ ){0,3}?" + _TAKE +
         r"(?! (?:class|classes|a class|course|test|quiz|unit|lesson))\b"
         r"|\b(?:took|taken|picked up|arrested|detained|grabbed|came for|got) (?:[\w']+ ){0,8}?(?:immigration|"
         r"la migra|border patrol) (?:did|was|were|had)\b", "records immigration enforcement"),
        # A visa that ran out, expired, lapsed, was denied; overstaying.
        (r"\b(?:" + _WHOSE + r"|the|a|an) (?:[\w']+ )?visas? (?:ran out|run out|runs out|running out|has run out|"
         r"had run out|expired|expires|expiring|is expired|was expired|has expired|had expired|lapsed|is up|was up|"
         r"ended|ends|is over|was over|got (?:denied|cancel?led|revoked|approved|rejected|extended)|was (?:denied|"
         r"cancel?led|revoked|approved|rejected|extended)|is (?:pending|denied|no good|not valid|invalid)|"
         r"isn't valid|renewal|extension|interview|appointment|paperwork|papers|application|sponsor)\b"
         r"|\b(?:overstay|overstays|overstayed|overstaying|over-?stayed|outstayed) (?:(?:his|her|their|"
         r"the|a) )?(?:visas?|permit|permits|time|welcome in the (?:us|u\.s\.|country))?"
         r"(?<!welcome)\b(?!.*\b(?:recess|lunch|break|class|detention|pass|bathroom|after school)\b)"
         r"|\bout of status\b|\b(?:no|without|expired|invalid|fake|lapsed) (?:valid |current )?visas?\b"
         r"(?! (?:card|debit|credit|gift))",
         "records a visa"),
        (r"\b(?:se (?:le |les |me |nos )?)?venci(?:o|eron|da|do|das) (?:la |su |sus |mi |el )?(?:visa|visas|permiso|"
         r"residencia|pasaporte|tps)\b|\b(?:visa|visas|permiso|residencia|tps) (?:ya )?(?:se (?:le |les )?)?"
         r"(?:venci\w*|expir\w*|caduc\w*|termin\w*)|\bse quedo (?:mas tiempo|sin papeles|sin visa|ilegal)\b",
         "records a visa"),
        # Entering illegally, without papers, without inspection.
        (r"\b(?:entered|enter|enters|entering|came|come|comes|coming|crossed|cross|crossing|got|get|snuck|sneaked|"
         r"slipped|walked|swam|waded|drove|was brought|were brought|brought (?:him|her|them|me|us)|smuggled|lives|"
         r"living|live|stay|stays|staying|stayed|work|works|working|is|are|was|were|been)"
         r"(?: (?!(?:lane|lanes|street|road|crosswalk|intersection|parking|lot|light|hall|hallway|track|tracks|"
         r"field|line|highway|st|ave|bus|fence|gate|campus|building|room|gym|locker|yard|bridge|tracks)\b)[\w']+)"
         r"{0,5}? "
         r"(?:illegally|illegaly|ilegally|ilegaly|unlawfully|without (?:papers|documents|a visa|visas|inspection|"
         r"status|permission from immigration)|undocumented|sin papeles|sin documentos)\b(?! (?:parked|parking|"
         r"downloaded|copied|obtained|possessed|carried|carrying|sold|selling|bought|buying|made|recorded|"
         r"in (?:the )?(?:lane|lot|hall|hallway|bus lane|fire lane)))"
         r"|\b(?:illegal|unlawful|undocumented) (?:entry|entries|crossing|crossings|border crossing|immigration|"
         r"migration|status)\b|\bentry without inspection\b|\bewi\b"
         r"|\bentered (?:the )?(?:country|u\.s\.|us|united states|states|america)\b",
         "records how someone entered the country"),
        (r"\b(?:entr|cruz|pas|lleg|vin|vin|traj)\w* (?:\w+ ){0,4}?(?:sin (?:papeles|documentos|visa|permiso de "
         r"inmigracion)|ilegal|ilegalmente|de mojad[oa]s?|por el desierto|por el rio|por el cerro|con coyote|"
         r"con un coyote)\b|\b(?:entr|lleg)\w* (?:\w+ )?(?:al|a este) pais\b|\bcoyote (?:los|lo|la|las|les) "
         r"(?:paso|cruzo|trajo)\b", "records how someone entered the country"),
        # Fleeing a war or violence in a country; arriving from one.
        (r"\b(?:fled|flee|fleeing|flees|escaped|escaping|ran from|running from|left) (?:the )?(?:war|civil war|"
         r"violence|gangs?|cartels?|persecution|regime|fighting|conflict|bombing|bombings|taliban|genocide)\b"
         r"(?!(?: [\w']+){0,3} (?:in|at|on) (?:the )?(?:hall|hallway|bathroom|cafeteria|gym|bus|park|school|"
         r"classroom|playground))"
         r"|\b(?:war|violence|persecution|conflict|fighting|genocide) (?:in|back in|back home in) (?:" + c + r")\b"
         r"(?=.*\b(?:fled|flee|escaped|came|arrived|moved|left|got out|refugee|here)\b)"
         r"|\b(?:got here|made it here|arrived|landed|came|moved) (?:[\w']+ ){0,2}?from (?:" + c + r")\b",
         "records national origin"),
        (r"\b(?:been|living|lived|here) (?:in )?(?:the|this) country (?:for|since|only)\b|\b(?:new|newly arrived|"
         r"recently arrived|just arrived|newcomers?|recent arrivals?) (?:to|in) (?:the|this) country\b"
         r"|\b(?:new|recent|just) (?:arrival|arrivals|arrived) from (?:" + c + r")\b"
         r"|\bwhen (?:\w+ )?(?:came|got|arrived) (?:to|in) (?:the|this) country\b",
         "records when a person arrived in the country"),
        # Being "here legally", "legal" parents.
        (r"\b(?:here|in the country|in the u\.s\.|in the us|in the states|in america|stay|staying|living|live|lives|"
         r"reside|resides|residing|work|working|works) (?:legally|lawfully|illegally|ilegally)\b"
         r"|\b(?:become|became|becoming|get|got|getting|make (?:him|her|them)|made (?:him|her|them)) legal\b"
         r"(?! (?:guardian|guardians|custody|age|adult|counsel|name))"
         r"|\b(?:not|aren't|isn't|wasn't|weren't|are|is|was|were|if (?:\w+ )?(?:is|are|was|were)) (?:\w+ )?legal "
         r"(?:residents?|immigrants?|aliens?|here|yet|in the (?:us|u\.s\.|country|states))\b"
         r"|\b(?:legal|illegal) (?:parents?|mom|dad|mother|father|family|families|uncle|aunt|people)\b"
         r"|\b(?:not being|for being|isn't being|aren't being) (?:legal|illegal|undocumented)\b"
         r"(?! (?:guardian|guardians|custody|age|adult|counsel|name|to|in|on|at))",
         "records immigration status (legal or not)"),
        # Where born, which country from: more forms of the question.
        (r"\bwhat part of (?:" + c + r")\b|\b(?:where|what country|which country)(?: [\w']+){0,4}? (?:born at|"
         r"born|come from|came from|comes from|from originally|originally from|birth)\b"
         r"|\b(?:country|countries) (?:[\w']+ ){0,3}?(?:born in|came from|comes from|come from|is from|are from|"
         r"was from|were from|of birth|of origin)\b",
         "asks or records where a person was born or comes from"),
        # Spanish: more kinds.
        (r"\b(?:no (?:tiene|tienen|tengo|tenemos|tenia|tenian|cuenta con|cuentan con)|sin|vive sin|viven sin) "
         r"(?:sus |los |mis |tus |su )?(?:papeles|documentos)\b(?! (?:de la escuela|del colegio|de la clase|"
         r"firmad\w*|para la|para el|del iep|de su (?:iep|clase)|escolares))"
         r"|\b(?:papeles|documentos) (?:no )?(?:estan |esta )?(?:en regla|arreglados|en orden)\b"
         r"(?<!escolares en orden)",
         "records immigration status (papers)"),
        (r"\b(?:lo|la|los|las|le|les|me|nos|te) (?:deport\w*|sacaron del pais|echaron del pais|mandaron (?:de regreso|"
         r"de vuelta|pa ?tras) a (?:su |mi |tu |nuestro )?pais|regresaron a su pais|devolvieron a su pais|agarr\w* la migra|llev\w* la migra)"
         r"|\b(?:mand|regres|devolv|sac|ech)\w* (?:\w+ )?(?:del|de este|a su) pais\b"
         r"|\b(?:la )?(?:migra|inmigracion) (?:se (?:lo |la |los |las |le |les )?)?(?:llev\w*|agarr\w*|detuv\w*|"
         r"arrest\w*|vino|vinieron|llego|busca\w*|paro|par\w*)"
         r"|\bcita (?:con|en) (?:la )?(?:migra|inmigracion|ice|uscis)\b|\bcorte de inmigracion\b",
         "records immigration enforcement"),
        (r"\bde (?:donde|que pais|cual pais) (?:\w+ )?(?:es|eres|son|era|eran|viene|vienes|vienen|vino|vinieron)\b"
         r"|\bdonde (?:\w+ )?(?:naciste|nacio|nacieron|nacimos|naci)\b|\b(?:naciste|nacio|nacieron) (?:aqui|aca|"
         r"alla|en otro pais|fuera)\b|\bpasaporte (?:mexicano|guatemalteco|hondureno|salvadoreno|de (?:" + c + r"))\b"
         r"|\bnacid[oa]s? en (?!" + _SPANISH_NOT_PLACE + r")(?:" + c + r")\b",
         "asks or records where a person was born or comes from"),
        (r"\b(?:es|son|eres|soy|somos|esta|estan|estoy|estamos|era|eran|eramos|estaba|estaban) (?:aqui |aca )?(?:ilegal|ilegales|ilegalmente|"
         r"sin papeles|indocumentad\w*|mojad\w*)\b|\b(?:papeles|residencia|ciudadania) (?:de|para) (?:mi|su|sus|tu)\b",
         "records immigration status (legal or not)"),
    ]


def strong_ice_kinds() -> list[tuple[str, str]]:
    """ICE (the agency) taking a person, in any tense: counted only when "ICE" is in capitals."""
    return [
        (r"\bice (?:[\w']+ ){0,3}?" + _TAKE + r"\b(?! (?:cream|pack|packs|cubes?|off|on (?:his|her|the) "
         r"(?:knee|ankle|head|arm|leg|wrist)))"
         r"|\b(?:took|taken|picked up|arrested|detained|grabbed|came for|got) (?:[\w',]+ ){0,8}?ice (?:did|was|were|"
         r"had)\b"
         r"|\b(?:se (?:lo |la |los |las |le )?llev\w*|agarr\w*|detuv\w*|arrest\w*|deport\w*) (?:\w+ ){0,3}?ice\b"
         r"|\bice (?:se )?(?:lo |la |los |las |le )?(?:llevo|agarro|detuvo|arresto|busca\w*|vino)\b"
         r"|\b(?:see|meet|meet with|report to|check in with|checks in with|go to|goes to|went to) ice\b",
         "records immigration enforcement"),
    ]
