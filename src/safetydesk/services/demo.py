"""Demo data: a fictional Washington district filled with realistic, invented records.

`generate` writes a new data file through the same history as everything else
(every record is a hash-chained history entry, so `safetydesk verify` passes).
All names — district, schools, agencies, companies, people — are invented;
no real student data is used, and the generator has no field, value or word
for immigration, citizenship or place of birth (P14).

The data file is made by `files.create_data_file` (district, schools, first
administrator) and the accounts by `accounts.add_account`, like any others;
the rest is appended to the history in large batches.

The same ``seed`` (and the same ``today``) gives the same data: names,
demographics, dates, narratives, and the ids of staff, students and
interactions come from `random.Random` streams derived from the seed. The
district, school and account ids are made by the services (random), and the
history's own bookkeeping (entry ids, clock stamps, device id) differs too.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from safetydesk.domain.ids import new_id
from safetydesk.domain.records import (
    RULES_VERSION,
    InteractionDraft,
    RecordType,
    SchoolDraft,
    SchoolYearDraft,
    StaffDraft,
    StudentDraft,
    UserDraft,
    diff_states,
)
from safetydesk.domain.validation import school_year_of
from safetydesk.domain.vocab import Action, Race, Role
from safetydesk.paths import Paths
from safetydesk.services import accounts, files, registry
from safetydesk.store import Change, Store, queries

Progress = Callable[[int, int], None]

DEFAULT_INTERACTIONS = 12_000
MAX_INTERACTIONS = 1_000_000
DEMO_PASSWORD = "demo"
BATCH = 5_000  # history entries per write transaction
YEARS = 5  # the current school year and the four before it

DISTRICT_NAME = "Cascade Ridge School District"
DISTRICT_CODE = "99901"  # outside the range of real OSPI county-district codes
SETUP_USER = "admin"


@dataclass
class Summary:
    """What `generate` wrote: record counts and the demo accounts (username, role label)."""

    counts: dict[str, int]
    accounts: list[tuple[str, str]]


# --------------------------------------------------------------------------- the district
# (name, code, level, grades, enrolment). Every name is invented.
SCHOOLS: tuple[tuple[str, str, str, tuple[str, ...], int], ...] = (
    ("Salmonberry Ridge High School", "SRHS", "high", ("9", "10", "11", "12"), 1_005),
    ("Tumwater Bend High School", "TBHS", "high", ("9", "10", "11", "12"), 900),
    ("Cedar Hollow High School", "CHHS", "high", ("9", "10", "11", "12"), 760),
    ("Riverstone Middle School", "RSMS", "middle", ("6", "7", "8"), 560),
    ("Kestrel Point Middle School", "KPMS", "middle", ("6", "7", "8"), 520),
    ("Madrona Heights Middle School", "MHMS", "middle", ("6", "7", "8"), 500),
    ("Fernleaf Middle School", "FLMS", "middle", ("6", "7", "8"), 460),
    ("Beacon Crossing Academy", "BCA", "other", ("9", "10", "11", "12"), 150),
)
_K5 = ("K", "1", "2", "3", "4", "5")
ELEMENTARY = (
    ("Heron Creek Elementary", "HCE", 445),
    ("Salal Prairie Elementary", "SPE", 415),
    ("Huckleberry Lane Elementary", "HLE", 405),
    ("Osprey Landing Elementary", "OLE", 395),
    ("Thimbleberry Elementary", "TBE", 385),
    ("Lupine Meadow Elementary", "LME", 375),
    ("Quillback Bay Elementary", "QBE", 365),
    ("Snowberry Hill Elementary", "SHE", 355),
    ("Trillium Park Elementary", "TPE", 345),
    ("Nettle Flats Elementary", "NFE", 335),
    ("Juniper Glen Elementary", "JGE", 325),
)
POLICE = "Cascade Ridge Police Department"
SHERIFF = "Alder County Sheriff's Office"
CONTRACTOR = "Bluestone Campus Security, Inc."


@dataclass
class School:
    id: str
    name: str
    code: str
    level: str
    grades: tuple[str, ...]
    enrolment: int
    admins: list[str] = field(default_factory=list)  # "Name, Title"; the first is the principal
    staff: list[tuple[str, float, date, date | None, str]] = field(default_factory=list)


@dataclass
class Staff:
    id: str
    draft: StaffDraft
    start: date
    end: date | None


# --------------------------------------------------------------------------- names
# Given names and family names from many cultures; combined at random, so any
# person in the demo is invented.
FIRST: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # culture -> (female, male)
    "general": (
        ("Emma", "Olivia", "Ava", "Sophia", "Harper", "Evelyn", "Abigail", "Emily", "Ella",
         "Chloe", "Lily", "Grace", "Nora", "Hazel", "Aurora", "Violet", "Stella", "Lucy", "Zoe",
         "Hannah", "Addison", "Claire", "Ruby", "Alice", "Ivy", "Naomi", "Sadie", "Maya", "Leah",
         "Willow", "Juniper", "Wren", "Kaia", "Sienna", "Madison", "Elena", "Paige", "Molly",
         "Brooklyn", "Savannah", "Piper", "Josephine", "Eleanor", "Audrey", "Margaret"),
        ("Liam", "Noah", "Oliver", "Elijah", "James", "William", "Benjamin", "Lucas", "Henry",
         "Theodore", "Jack", "Levi", "Alexander", "Jackson", "Daniel", "Michael", "Mason",
         "Ethan", "Logan", "Owen", "Samuel", "Jacob", "Asher", "Wyatt", "David", "Leo", "Luke",
         "Julian", "Hudson", "Grayson", "Ezra", "Caleb", "Isaiah", "Miles", "Silas", "Nathan",
         "Cody", "Tyler", "Hunter", "Dylan", "Gavin", "Colton", "Everett", "Brody", "Connor"),
    ),
    "hispanic": (
        ("Camila", "Valentina", "Sofía", "Ximena", "Lucía", "Mariana", "Daniela", "Gabriela",
         "Valeria", "Guadalupe", "Itzel", "Jimena", "Renata", "Fernanda", "Paola", "Yesenia",
         "Marisol", "Esperanza", "Rosa", "Carmen", "Jocelyn", "Andrea", "Ariana", "Natalia"),
        ("Mateo", "Santiago", "Diego", "Alejandro", "Carlos", "Juan", "Luis", "Jesús", "Miguel",
         "Emiliano", "Adrián", "Ángel", "Javier", "Eduardo", "Fernando", "Joaquín", "Iker",
         "Sebastián", "Andrés", "Julio", "Rafael", "Gael", "Leonardo", "Ricardo"),
    ),
    "asian": (
        ("Mai", "Linh", "Thao", "Ngoc", "Trang", "Hoa", "Mei", "Xin", "Yuki", "Hana", "Aiko",
         "Ji-woo", "Seo-yeon", "Min-ji", "Priya", "Ananya", "Aditi", "Diya", "Kavya", "Meera",
         "Angelica", "Maricel", "Jasmine", "Lian"),
        ("Minh", "Huy", "Khoa", "Bao", "Duc", "Tuan", "Wei", "Jun", "Hao", "Haruto", "Sota",
         "Min-jun", "Ji-ho", "Seo-jun", "Arjun", "Rohan", "Vikram", "Aarav", "Dev", "Ishaan",
         "Paolo", "Rommel", "Jericho", "Kenji"),
    ),
    "african": (
        ("Amina", "Fatima", "Aisha", "Hodan", "Ifrah", "Sagal", "Hawa", "Selam", "Hiwot",
         "Tigist", "Meron", "Imani", "Nia", "Zuri", "Amara", "Jada", "Kiara", "Aaliyah",
         "Destiny", "Makayla", "Chidinma", "Adaeze", "Ayana", "Nyla"),
        ("Abdi", "Mohamed", "Hassan", "Ibrahim", "Khalid", "Dawit", "Yonas", "Abel", "Bereket",
         "Jamal", "Malik", "Darius", "Terrence", "Andre", "DeShawn", "Marcus", "Xavier",
         "Chinedu", "Kwame", "Kofi", "Jaylen", "Amari", "Tariq", "Bilal"),
    ),
    "slavic": (
        ("Anastasia", "Sofiya", "Daria", "Polina", "Alina", "Kateryna", "Oksana", "Viktoria",
         "Yulia", "Nadia", "Irina", "Mila"),
        ("Dmitri", "Nikolai", "Maksym", "Artem", "Ivan", "Oleksandr", "Bogdan", "Roman",
         "Yuri", "Pavel", "Andriy", "Mykola"),
    ),
    "pacific": (
        ("Maile", "Leilani", "Malia", "Kalani", "Sina", "Talia", "Mele", "Losa", "Anela", "Noelani"),
        ("Kai", "Keoni", "Makoa", "Tavita", "Sione", "Malakai", "Tevita", "Kekoa", "Manu", "Ioane"),
    ),
    "mena": (
        ("Layla", "Mariam", "Noor", "Zainab", "Yasmin", "Rania", "Salma", "Dina", "Leena", "Farah"),
        ("Omar", "Ahmed", "Yusuf", "Karim", "Sami", "Rami", "Ziad", "Hamza", "Adam", "Faris"),
    ),
}
NEUTRAL = ("Rowan", "River", "Sage", "Avery", "Jordan", "Quinn", "Riley", "Skyler", "Emerson",
           "Phoenix", "Alex", "Morgan", "Remy", "Ari", "Jesse", "Finley", "Reese", "Kendall")
LAST: dict[str, tuple[str, ...]] = {
    "general": (
        "Anderson", "Bennett", "Brooks", "Carlson", "Carter", "Collins", "Cooper", "Dahl",
        "Ellison", "Erickson", "Fischer", "Foster", "Gallagher", "Graham", "Hansen", "Harper",
        "Hayes", "Holm", "Hughes", "Jensen", "Keller", "Kowalski", "Larsen", "Lindgren",
        "MacDonald", "Meyer", "Mitchell", "Morgan", "Murphy", "Novak", "O'Brien", "Olsen",
        "Parker", "Peterson", "Quinn", "Reed", "Reynolds", "Russell", "Schmidt", "Sullivan",
        "Sutherland", "Thompson", "Turner", "Walsh", "Weber", "Whitaker", "Young", "Zimmerman",
        "Baker", "Campbell", "Donovan", "Fitzgerald", "Gustafson", "Hoffman", "Iverson",
        "Johansson", "Lund", "Nyberg", "Pedersen", "Sorensen", "Strand", "Vance", "Wheeler",
        "Bishop", "Caldwell", "Ramsey", "Albright", "Birch", "Crane", "Delaney", "Easton",
        "Fairbanks", "Garner", "Holloway", "Kingsley", "Lowell", "Merritt", "Prescott",
    ),
    "hispanic": (
        "García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez",
        "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Cruz", "Morales", "Reyes",
        "Gutiérrez", "Ortiz", "Castillo", "Mendoza", "Ruiz", "Vargas", "Jiménez", "Chávez",
        "Ramos", "Herrera", "Medina", "Aguilar", "Castro", "Guzmán", "Salazar", "Delgado",
        "Navarro", "Vega", "Cervantes", "Ochoa", "Valenzuela", "Zamora", "Orozco",
    ),
    "asian": (
        "Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Huynh", "Chen",
        "Wang", "Li", "Zhang", "Liu", "Huang", "Wu", "Lin", "Kim", "Lee", "Park", "Choi",
        "Jung", "Kang", "Tanaka", "Sato", "Nakamura", "Yamamoto", "Watanabe", "Patel",
        "Sharma", "Singh", "Gupta", "Reddy", "Iyer", "Kumar", "Dela Cruz", "Bautista",
        "Villanueva", "Manalo", "Aquino", "Pascual", "Soriano",
    ),
    "african": (
        "Washington", "Jackson", "Robinson", "Harris", "Coleman", "Jefferson", "Freeman",
        "Banks", "Bell", "Okafor", "Adeyemi", "Mensah", "Osei", "Abdi", "Mohamed", "Hassan",
        "Ali", "Warsame", "Farah", "Tesfaye", "Bekele", "Haile", "Girma", "Kebede", "Alemu",
        "Okonkwo", "Boateng", "Mwangi",
    ),
    "slavic": (
        "Ivanov", "Petrenko", "Kovalenko", "Shevchenko", "Bondarenko", "Melnyk", "Popescu",
        "Volkov", "Sokolov", "Moroz", "Tkachenko", "Horvat",
    ),
    "pacific": (
        "Tuilagi", "Faleolo", "Kealoha", "Kahale", "Fonoti", "Tupou", "Leota", "Aumua",
        "Taufa", "Mahoe", "Fifita", "Lautoa",
    ),
    "mena": (
        "Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Hamdan", "Yousef", "Karimi",
        "Ahmadi", "Rahimi",
    ),
}
GENERAL_MIX = (("general", 78), ("slavic", 6), ("mena", 4), ("hispanic", 5), ("asian", 4),
               ("african", 3))

# --------------------------------------------------------------------------- demographics
# Single-race shares (the rest, 12 %, report two or more races) and other
# shares typical of a Washington district.
RACE_ALONE = (
    (Race.WHITE, 72.5), (Race.ASIAN, 8.0), (Race.BLACK, 4.0), (Race.AMERICAN_INDIAN, 2.0),
    (Race.PACIFIC_ISLANDER, 1.5),
)
TWO_OR_MORE = 0.12
RACE_NOT_PROVIDED = 0.005
HISPANIC = 0.15
GENDER = (("female", 49.0), ("male", 49.0), ("nonbinary", 1.0), ("not_provided", 1.0))
HOMELESS = 0.03
LOW_INCOME = 0.35
IEP = 0.15
SECTION_504 = 0.06

# --------------------------------------------------------------------------- interactions
TYPES: dict[str, tuple[tuple[str, float], ...]] = {  # per school level
    "secondary": (
        ("informal_contact", 44.0), ("rule_reinforcement", 22.0), ("escort", 12.0),
        ("de_escalation", 11.0), ("other", 4.5), ("search", 2.6), ("law_enforcement", 1.6),
        ("isolation", 1.1), ("restraint", 0.7),
    ),
    "elementary": (
        ("informal_contact", 46.0), ("rule_reinforcement", 18.0), ("escort", 14.0),
        ("de_escalation", 15.0), ("other", 4.5), ("isolation", 1.5), ("restraint", 1.0),
        ("search", 0.3),
    ),
}
# P(discipline-related | type), P(resulted in discipline | discipline-related)
DISCIPLINE = {
    "informal_contact": 0.05, "rule_reinforcement": 0.40, "escort": 0.35, "de_escalation": 0.35,
    "other": 0.15, "search": 0.80, "law_enforcement": 0.60, "isolation": 0.70, "restraint": 0.80,
}
CONSEQUENCE = 0.40
LEVEL_RATE = {"high": 1.6, "other": 3.0, "middle": 1.3, "elementary": 0.25}  # per student
MONTH_RATE = {9: 0.8, 10: 1.1, 11: 1.05, 12: 0.95, 1: 1.0, 2: 1.1, 3: 1.1, 4: 1.0, 5: 1.05,
              6: 0.75}
WEEKDAY_RATE = (0.95, 1.0, 1.05, 1.0, 1.1)

LOCATIONS = {
    "secondary": (
        ("Cafeteria", 14), ("Main hallway", 14), ("Commons", 8), ("Parking lot", 8),
        ("Bus loop", 6), ("Gym", 5), ("Library", 4), ("Restroom (B wing)", 5),
        ("Restroom (main hall)", 4), ("Stairwell", 3), ("Courtyard", 4), ("Front office", 4),
        ("Counseling office", 2), ("Locker room", 3), ("Athletic field", 3), ("Front entrance", 4),
        ("Portable classrooms", 2), ("Classroom", 7),
    ),
    "elementary": (
        ("Playground", 20), ("Cafeteria", 14), ("Main hallway", 12), ("Front entrance", 10),
        ("Bus loop", 10), ("Classroom", 12), ("Gym", 6), ("Library", 4), ("Front office", 6),
        ("Parking lot", 4), ("Restroom", 2),
    ),
}
EVENT_LOCATIONS = (("Stadium", 4), ("Gym", 4), ("Parking lot", 3), ("Auditorium", 2), ("Commons", 1))
EVENTS = ("a football game", "a basketball game", "a school dance", "a band concert",
          "a volleyball match", "a drama performance", "a wrestling meet")

# Parts of the day: (from minute, to minute, weight, phrase); times are shifted per level.
DAY_PARTS = (
    (-30, 10, 10, "before school"),
    (10, 200, 25, "during morning classes"),
    (200, 305, 26, "during lunch"),
    (305, 400, 20, "during afternoon classes"),
    (400, 470, 15, "at dismissal"),
)
FIRST_BELL = {"high": 7 * 60 + 45, "other": 8 * 60 + 30, "middle": 8 * 60 + 20,
              "elementary": 9 * 60}

STUDENT_COUNT = ((1, 76), (2, 15), (3, 6), (4, 3))


def _pick(rng: random.Random, weighted: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


class _Picker:
    """Fast repeated weighted choice (a cumulative table and bisect)."""

    def __init__(self, weighted: tuple[tuple[Any, float], ...] | list[tuple[Any, float]]) -> None:
        self.values = [v for v, _ in weighted]
        self.cum = list(itertools.accumulate(w for _, w in weighted))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


# --------------------------------------------------------------------------- narratives
# {S}/{s}: "A student" / "a student" / "two students"; {they}: "the student(s)";
# {staff}/{Staff}: the lead staff member's role; {loc}: "the cafeteria"; {when}:
# "during lunch"; {admin}: the administrator responsible. Every sentence is generic.
OPENINGS: dict[str, tuple[str, ...]] = {
    "informal_contact": (
        "{Staff} checked in with {s} in {loc} {when}.",
        "{S} stopped {staff} in {loc} {when} to talk about the weekend's game.",
        "While on a routine walk-through of {loc} {when}, {staff} greeted {s} who seemed upset.",
        "{Staff} talked with {s} in {loc} {when} about an upcoming club event.",
        "{S} asked {staff} for help finding a lost backpack in {loc} {when}.",
        "{Staff} noticed {s} looking upset in {loc} {when} and started a conversation.",
        "{S} came to {staff} in {loc} {when} to ask about a safe route home after practice.",
        "During supervision of {loc} {when}, {staff} spoke with {s} about how classes were going.",
    ),
    "rule_reinforcement": (
        "{Staff} found {s} in {loc} {when} without a hall pass.",
        "{Staff} observed {s} using a phone in {loc} {when} against the posted rule.",
        "{S} {was} reported vaping in {loc} {when}.",
        "{Staff} saw {s} leaving campus through {loc} {when} without checking out.",
        "{S} {was} running and pushing in {loc} {when}.",
        "{Staff} found {s} in a closed area near {loc} {when}.",
        "{S} {was} throwing food in {loc} {when}.",
        "{Staff} observed {s} skateboarding in {loc} {when}, which is not allowed on campus.",
    ),
    "escort": (
        "A teacher asked for {s} to be walked from {loc} to the front office {when}.",
        "{Staff} escorted {s} from {loc} to the counseling office {when}.",
        "{S} asked {staff} for an escort from {loc} to the nurse {when}.",
        "{Staff} walked {s} from {loc} to a parent waiting at the front entrance {when}.",
        "After a conflict in {loc} {when}, {staff} escorted {s} to the assistant principal's office.",
        "{Staff} accompanied {s} from {loc} to the bus loop {when} at the request of the office.",
    ),
    "de_escalation": (
        "{Staff} responded to a loud argument involving {s} in {loc} {when}.",
        "{S} became very upset in {loc} {when} after a disagreement with a peer.",
        "A teacher called for support when {s} refused to leave {loc} {when}.",
        "{Staff} saw {s} squaring up to fight in {loc} {when}.",
        "{S} {was} shouting and throwing belongings in {loc} {when}.",
        "Several students were crowding around {s} in {loc} {when} as a dispute grew louder.",
    ),
    "restraint": (
        "{S} {was} hitting another student in {loc} {when} and did not stop when directed.",
        "{S} ran toward the street from {loc} {when}, in immediate danger.",
        "{S} {was} striking a staff member in {loc} {when}.",
        "A fight broke out involving {s} in {loc} {when}; verbal directions did not stop it.",
    ),
    "isolation": (
        "{S} {was} throwing chairs in {loc} {when}, putting others at risk of harm.",
        "{S} {was} unable to stay safe in {loc} {when} after repeated outbursts.",
        "{S} continued to threaten peers in {loc} {when} after de-escalation attempts.",
    ),
    "search": (
        "A student reported that {s} had a vape device in {loc} {when}.",
        "Staff received a tip that {s} {was} carrying a pocketknife in {loc} {when}.",
        "A phone was reported stolen from {loc} {when} and {s} {was} seen with it.",
        "{S} {was} seen passing a small bag to another student in {loc} {when}.",
    ),
    "law_enforcement": (
        "{Staff} responded to a report of an assault involving {s} in {loc} {when}.",
        "A parent reported a threat made by {s} online; {staff} followed up in {loc} {when}.",
        "{S} {was} found with a folding knife in {loc} {when}.",
        "{Staff} investigated a reported theft of a laptop involving {s} in {loc} {when}.",
        "{Staff} responded to a report of property damage involving {s} in {loc} {when}.",
    ),
    "other": (
        "{Staff} helped {s} who felt unwell in {loc} {when}.",
        "{Staff} did a welfare check on {s} in {loc} {when} at a counselor's request.",
        "{S} reported a suspicious adult near {loc} {when}; {staff} checked the area.",
        "{Staff} helped {s} locate a missing sibling near {loc} {when}.",
        "{Staff} assisted {s} during a fire drill in {loc} {when}.",
    ),
}
ACTIONS: dict[str, tuple[str, ...]] = {
    "informal_contact": (
        "They talked for a few minutes and {they} went on to class.",
        "{Staff} listened and suggested checking in with the counselor.",
        "{Staff} offered encouragement and reminded {they} where to find help.",
        "The conversation was friendly and {they} thanked {staff}.",
        "{Staff} connected {they} with the front office to follow up.",
    ),
    "rule_reinforcement": (
        "{Staff} reminded {they} of the expectation and {they} complied right away.",
        "{Staff} explained the rule calmly and walked {they} back to class.",
        "{They_cap} {was} redirected and returned to the assigned area.",
        "{Staff} talked with {they} about safer choices; {they} agreed to follow the rule.",
        "{They_cap} {was} asked to hand over the item to the office until the end of the day.",
    ),
    "escort": (
        "The walk was calm and {they} arrived without incident.",
        "{Staff} checked in with {they} on the way and handed off to office staff.",
        "{They_cap} {was} quiet but cooperative during the escort.",
        "{Staff} waited until an adult took over supervision.",
    ),
    "de_escalation": (
        "{Staff} used a calm voice, gave space and offered choices; {they} calmed down within a few minutes.",
        "{Staff} separated the students and moved the audience along.",
        "{Staff} offered {they} a break in a quiet space, which {they} accepted.",
        "After some time to cool down, {they} talked through what happened.",
        "{Staff} stayed nearby while a counselor arrived to help.",
    ),
    "restraint": (
        "{Staff} used a brief standing hold for under two minutes until {they} {was} safe, then released.",
        "{Staff} used a trained hold for about one minute to prevent injury and released as soon as the danger passed.",
        "Two staff members used a short escort hold to move {they} away from the danger.",
    ),
    "isolation": (
        "{They_cap} {was} supervised in a quiet room with the door open for about ten minutes until calm.",
        "{Staff} supervised {they} in the calm-down room for a short time, with constant adult observation.",
        "{They_cap} stayed in a separate supervised space until able to return safely.",
    ),
    "search": (
        "The assistant principal searched the backpack with {staff} present, based on reasonable suspicion.",
        "An administrator conducted the search with {staff} present and found the reported item.",
        "An administrator searched the locker with {staff} present; nothing was found.",
    ),
    "law_enforcement": (
        "{Staff} spoke with the administrator present and reviewed options, including a referral to diversion.",
        "The item was secured and {staff} wrote a report; a community diversion referral was considered.",
        "{Staff} contacted a parent before any questioning and offered access to an attorney.",
        "{Staff} documented the report and consulted with the assistant principal on next steps.",
    ),
    "other": (
        "{They_cap} {was} taken to the nurse, who followed up with the family.",
        "Nothing unsafe was found and {they} returned to class.",
        "{Staff} stayed with {they} until a counselor was available.",
        "The office was notified and everyone was accounted for.",
    ),
}
CLOSINGS = (
    "{They_cap} returned to class.",
    "No further action needed.",
    "The teacher was informed.",
    "{Staff} will check in again later in the week.",
    "The counselor was told about the conversation.",
)
DISCIPLINE_CLOSINGS = (
    "Referred to {admin} under the school's discipline procedures.",
    "{admin} will decide any consequence; {staff} took no part in that decision.",
    "The matter was handed to {admin}.",
    "Information was passed to {admin} for follow-up with the family.",
)
AFTERCARE = {
    "restraint": "A parent was notified the same day and the nurse checked on {they}.",
    "isolation": "A parent was notified the same day and a debrief was scheduled.",
    "search": "A parent was notified of the search.",
    "law_enforcement": "A parent was notified and an administrator was present throughout.",
}
FOLLOW_UPS = (
    "The family was contacted by phone.",
    "A check-in with the counselor was scheduled.",
    "Staff will keep an eye on {loc} at this time of day.",
    "The teacher was updated by email.",
)
NUMBERS = {1: "a student", 2: "two students", 3: "three students", 4: "four students"}


# --------------------------------------------------------------------------- the plan
class _Plan:
    """Everything except the interactions, built in memory from the seed."""

    def __init__(self, seed: int, today: date, school_ids: dict[str, str] | None = None) -> None:
        self.school_ids = school_ids or {}
        self.rng = random.Random(seed)
        self._ids = random.Random(f"safetydesk-demo-ids/{seed}")
        self.today = today
        year = int(school_year_of(today)[:4])
        self.years = [year - YEARS + 1 + i for i in range(YEARS)]
        self.first_day = date(self.years[0], 9, 1)
        self.district_id = self.new_id(datetime(self.years[0], 8, 1, 8))
        self.schools = self._schools()
        self.by_id = {s.id: s for s in self.schools}
        self.staff = self._staff()
        self.users = self._users()
        self.students = self._students()

    def new_id(self, when: datetime | date) -> str:
        if not isinstance(when, datetime):
            when = datetime(when.year, when.month, when.day, 8)
        ms = int(when.replace(tzinfo=UTC).timestamp() * 1000)
        return new_id(now_ms=ms, randomness=self._ids.randbytes(10))

    def person(self, culture: str | None = None, gender: str | None = None) -> tuple[str, str]:
        rng = self.rng
        culture = culture or _pick(rng, GENERAL_MIX)
        gender = gender or rng.choice(("female", "male"))
        female, male = FIRST[culture]
        first = rng.choice(NEUTRAL) if gender not in ("female", "male") else rng.choice(
            female if gender == "female" else male)
        return first, rng.choice(LAST[culture])

    # ------------------------------------------------------------ schools
    def _schools(self) -> list[School]:
        specs = list(SCHOOLS) + [(n, c, "elementary", _K5, e) for n, c, e in ELEMENTARY]
        created = datetime(self.years[0], 8, 1, 8)
        out = []
        for name, code, level, grades, enrolment in specs:
            school_id = self.school_ids.get(code) or self.new_id(created)
            school = School(school_id, name, code, level, grades, enrolment)
            titles = {"high": ["Principal", "Assistant Principal", "Assistant Principal"],
                      "middle": ["Principal", "Assistant Principal"],
                      "other": ["Principal", "Dean of Students"],
                      "elementary": ["Principal"] + (["Assistant Principal"] if enrolment >= 380 else [])}
            for title in titles[level]:
                first, last = self.person()
                prefix = "Dr. " if title == "Principal" and self.rng.random() < 0.25 else ""
                school.admins.append(f"{prefix}{first} {last}, {title}")
            out.append(school)
        return out

    def school(self, code: str) -> School:
        return next(s for s in self.schools if s.code == code)

    # ------------------------------------------------------------ staff (P01)
    def _staff(self) -> list[Staff]:
        rng = self.rng
        y0 = self.years[0]
        out: list[Staff] = []

        def add(category: str, employer: str, agency: str, badge: str,
                assignments: list[tuple[str, float]], start: date, end: date | None = None,
                title: str = "") -> Staff:
            first, last = self.person()
            draft = StaffDraft(
                name=f"{title}{first} {last}", category=category,
                commissioned=category == "sro", employer_type=employer, agency=agency, badge=badge,
                assignments=[{"school_id": self.school(c).id, "days_per_week": d}
                             for c, d in assignments],
                start_date=start.isoformat(), end_date=end.isoformat() if end else "",
            )
            member = Staff(self.new_id(start), draft, start, end)
            out.append(member)
            for code, days in assignments:
                self.school(code).staff.append((member.id, days, start, end, category))
            return member

        def earlier() -> date:  # a start date before the first demo year
            return date(y0 - rng.randint(0, 8), 8, rng.randint(15, 28))

        badges = iter(rng.sample(range(1100, 4999), 10))
        sros = (
            (POLICE, [("SRHS", 5.0)]), (POLICE, [("TBHS", 5.0)]),
            (POLICE, [("RSMS", 2.5), ("KPMS", 2.5)]),
            (SHERIFF, [("CHHS", 3.0), ("BCA", 2.0)]), (SHERIFF, [("MHMS", 2.5), ("FLMS", 2.5)]),
        )
        for agency, assignments in sros:
            prefix = "CRPD" if agency == POLICE else "ACSO"
            add("sro", "law_enforcement", agency, f"{prefix} {next(badges)}", assignments,
                earlier(), title="Officer " if agency == POLICE else "Deputy ")
        security = [
            [("SRHS", 5.0)], [("SRHS", 5.0)], [("TBHS", 5.0)], [("CHHS", 5.0)], [("CHHS", 5.0)],
            [("RSMS", 5.0)], [("KPMS", 5.0)], [("MHMS", 5.0)], [("FLMS", 5.0)],
            [("HCE", 2.0), ("SPE", 1.5), ("HLE", 1.5)], [("OLE", 2.0), ("TBE", 1.5), ("LME", 1.5)],
            [("QBE", 2.0), ("SHE", 1.5), ("TPE", 1.5)], [("NFE", 2.5), ("JGE", 2.5)],
        ]
        ids = iter(rng.sample(range(100, 400), 20))
        for assignments in security:
            add("school_security", "district", "", f"CRSD-S{next(ids)}", assignments, earlier())
        # One officer left at the end of a school year and was replaced.
        gap = self.years[min(2, len(self.years) - 1)]
        add("school_security", "district", "", f"CRSD-S{next(ids)}", [("TBHS", 5.0)], earlier(),
            end=date(gap, 6, 20))
        add("school_security", "district", "", f"CRSD-S{next(ids)}", [("TBHS", 5.0)],
            date(gap, 8, 26))
        for assignments in ([("SRHS", 2.5), ("CHHS", 2.5)], [("TBHS", 2.5), ("BCA", 2.5)],
                            [("SRHS", 1.5), ("TBHS", 1.5), ("CHHS", 2.0)]):
            add("campus_security", "contractor", CONTRACTOR, f"BCS-{rng.randint(2000, 2999)}",
                assignments, earlier())
        return out

    # ------------------------------------------------------------ accounts
    def _users(self) -> list[tuple[str, UserDraft]]:
        home = self.school("SRHS")
        officer = next(m for m in self.staff if m.draft.category == "school_security"
                       and any(a["school_id"] == home.id for a in m.draft.assignments))
        self.officer_staff_id = officer.id
        office_first, office_last = self.person()
        admin_first, admin_last = self.person()
        principal = home.admins[0].split(",")[0]
        return [
            ("admin", UserDraft(username="admin", display_name=f"{admin_first} {admin_last}",
                                role=Role.DISTRICT_ADMIN)),
            ("principal", UserDraft(username="principal", display_name=principal,
                                    role=Role.PRINCIPAL, schools=[home.id])),
            ("office", UserDraft(username="office", display_name=f"{office_first} {office_last}",
                                 role=Role.FRONT_OFFICE, schools=[home.id])),
            ("officer", UserDraft(username="officer", display_name=officer.draft.name,
                                  role=Role.SAFETY_STAFF, schools=[home.id])),
            ("reviewer", UserDraft(username="reviewer", display_name="Community review panel",
                                   role=Role.REVIEWER)),
        ]

    # ------------------------------------------------------------ students
    def _students(self) -> list[tuple[str, StudentDraft]]:
        """This year's roster, plus the graduates of the last four years (inactive).

        Each student has a path through one elementary, one middle and one
        high school, so an interaction in an earlier year names a student who
        was at that school, in a grade it teaches, that year.
        """
        rng = self.rng
        year = self.years[-1]
        high = [s for s in self.schools if s.level in ("high", "other")]
        cohorts: list[tuple[School, int, bool]] = []  # (school now, grade now, active)
        for school in self.schools:
            per_grade = [rng.gauss(1.0, 0.06) for _ in school.grades]
            scale = school.enrolment / sum(per_grade)
            sizes = [round(w * scale) for w in per_grade]
            sizes[-1] += school.enrolment - sum(sizes)
            for grade, size in zip(school.grades, sizes, strict=True):
                g = 0 if grade == "K" else int(grade)
                cohorts += [(school, g, True)] * size
        for school in high:
            for since in range(1, YEARS):  # graduated ``since`` years ago
                size = round(school.enrolment / 4 * rng.gauss(1.0, 0.05))
                cohorts += [(school, 12 + since, False)] * size
        local_ids = rng.sample(range(2_000_000, 9_999_999), len(cohorts))
        imported = int(datetime(year, 8, 20, 7, tzinfo=UTC).timestamp() * 1000)
        pickers = {stage: _Picker([(s, s.enrolment) for s in self.schools
                                   if _school_stage(s.level) == stage])
                   for stage in ("elementary", "middle", "high")}
        pools: dict[tuple[str, int], list[tuple[str, float]]] = {}
        out: list[tuple[str, StudentDraft]] = []
        for n, (school, g_now, active) in enumerate(cohorts):
            stage = _stage(min(g_now, 12))
            path = {level: school if level == stage else pick(rng)
                    for level, pick in pickers.items()}
            grade = "K" if g_now == 0 else str(min(g_now, 12))
            draft = self._student(school, grade, g_now, year, local_ids[n], active)
            sid = new_id(now_ms=imported + n, randomness=self._ids.randbytes(10))
            out.append((sid, draft))
            # Some students are involved far more often than others.
            weight = rng.paretovariate(1.6)
            for y in self.years:
                then = g_now - (year - y)
                if 0 <= then <= 12:
                    pools.setdefault((path[_stage(then)].id, y), []).append((sid, weight))
        self.pools = {key: _Picker(members) for key, members in pools.items()}
        self.current_students = sum(1 for *_, active in cohorts if active)
        return out

    def _student(self, school: School, grade: str, g: int, year: int, local: int,
                 active: bool) -> StudentDraft:
        rng = self.rng
        hispanic = rng.random() < HISPANIC
        r = rng.random()
        if r < RACE_NOT_PROVIDED:
            races: list[str] = []
        elif r < RACE_NOT_PROVIDED + TWO_OR_MORE:
            others = [Race.ASIAN, Race.BLACK, Race.AMERICAN_INDIAN, Race.PACIFIC_ISLANDER]
            races = [Race.WHITE, rng.choice(others)] if rng.random() < 0.75 else rng.sample(others, 2)
            if rng.random() < 0.1:
                extra = rng.choice([x for x in (Race.WHITE, *others) if x not in races])
                races.append(extra)
        else:
            races = [_pick(rng, RACE_ALONE)]
        races = sorted(str(x) for x in races)
        gender = _pick(rng, GENDER)
        culture = self._culture(rng, races, hispanic)
        first, last = self.person(culture if rng.random() < 0.7 else None,
                                  gender if gender in ("female", "male") else
                                  rng.choice(("neutral", "female", "male")))
        if rng.random() < 0.3:  # family name from a parent of another background
            last = rng.choice(LAST[_pick(rng, GENERAL_MIX)])
        # Age on 31 August of the current school year: 5 in kindergarten; a few
        # students are a year older than their grade, or (past kindergarten) younger.
        age = g + 5 + (1 if rng.random() < 0.03 else -1 if g and rng.random() < 0.01 else 0)
        born = date(year - age - 1, 9, 1) + timedelta(days=rng.randrange(365))
        multilingual = rng.random() < (0.30 if hispanic else 0.25 if "asian" in races else 0.025)
        homeless = rng.random() < HOMELESS
        low_income = homeless or rng.random() < (LOW_INCOME - HOMELESS) / (1 - HOMELESS)
        iep = rng.random() < IEP
        section_504 = not iep and rng.random() < SECTION_504 / (1 - IEP)
        return StudentDraft(
            local_id=str(local), first_name=first, last_name=last, school_id=school.id,
            grade=grade, birth_date=born.isoformat(), races=races, hispanic_latino=hispanic,
            gender_identity=gender, multilingual=multilingual, homeless=homeless,
            low_income=low_income, iep=iep, section_504=section_504, active=active,
        )

    @staticmethod
    def _culture(rng: random.Random, races: list[str], hispanic: bool) -> str:
        if hispanic and rng.random() < 0.8:
            return "hispanic"
        if "asian" in races and rng.random() < 0.8:
            return "asian"
        if "black_african_american" in races and rng.random() < 0.6:
            return "african"
        if "native_hawaiian_pacific_islander" in races and rng.random() < 0.7:
            return "pacific"
        return _pick(rng, GENERAL_MIX)

    # ------------------------------------------------------------ calendar
    def school_days(self) -> list[date]:
        """School days (Mon–Fri, September–June, without breaks) before today."""
        days: list[date] = []
        for y in self.years:
            days += [d for d in _calendar(y) if d < self.today]
        return days


def _stage(grade: int) -> str:
    return "elementary" if grade <= 5 else "middle" if grade <= 8 else "high"


def _school_stage(level: str) -> str:
    return "high" if level in ("high", "other") else level


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    d = date(year, month, 1)
    d += timedelta(days=(weekday - d.weekday()) % 7)
    return d + timedelta(weeks=n - 1)


def _calendar(y: int) -> list[date]:
    """180 school days of the school year starting in September of year ``y``."""
    labor_day = _nth_weekday(y, 9, 0, 1)
    start = labor_day + timedelta(days=2)
    closed = {date(y, 11, 11), _nth_weekday(y, 11, 3, 4), _nth_weekday(y, 11, 3, 4) + timedelta(1),
              _nth_weekday(y + 1, 1, 0, 3), _nth_weekday(y + 1, 2, 0, 3), date(y + 1, 6, 19)}
    closed |= {date(y, 12, 21) + timedelta(days=i) for i in range(13)}  # winter break
    spring = _nth_weekday(y + 1, 4, 0, 1)
    closed |= {spring + timedelta(days=i) for i in range(5)}
    memorial_day = date(y + 1, 5, 31) - timedelta(days=date(y + 1, 5, 31).weekday())
    closed.add(memorial_day)
    days: list[date] = []
    d = start
    while len(days) < 180 and d.month != 7:
        if d.weekday() < 5 and d not in closed:
            days.append(d)
        d += timedelta(days=1)
    return days


# --------------------------------------------------------------------------- interactions
_DRAFT_FIELDS = tuple(f.name for f in fields(InteractionDraft))


def _level_key(level: str) -> str:
    return "elementary" if level == "elementary" else "secondary"


class _Interactions:
    """Streams interaction changes in date order: (author, Change)."""

    def __init__(self, plan: _Plan, rng: random.Random) -> None:
        self.plan = plan
        self.rng = rng
        self.types = {k: _Picker(v) for k, v in TYPES.items()}
        self.locations = {k: _Picker(v) for k, v in LOCATIONS.items()}
        self.events = _Picker(EVENT_LOCATIONS)
        self.parts = _Picker([(p, p[2]) for p in DAY_PARTS])
        self.counts = _Picker(STUDENT_COUNT)
        self.school = _Picker([(s, s.enrolment * LEVEL_RATE[s.level]) for s in plan.schools])
        self.home = plan.school("SRHS").id
        self.staff_category = {m.id: m.draft.category for m in plan.staff}
        self.authors = _Picker([("officer", 50), ("office", 30), ("principal", 15), ("admin", 5)])

    def day_counts(self, total: int) -> list[tuple[date, int]]:
        plan, rng = self.plan, self.rng
        days = plan.school_days()
        if not days or total <= 0:
            return []
        growth = {y: 0.9 + 0.05 * i for i, y in enumerate(plan.years)}
        weights = [growth[d.year if d.month >= 9 else d.year - 1] * MONTH_RATE.get(d.month, 1.0)
                   * WEEKDAY_RATE[d.weekday()] * rng.lognormvariate(0, 0.35) for d in days]
        drawn = Counter(rng.choices(range(len(days)), weights, k=total))
        return [(days[i], drawn[i]) for i in range(len(days)) if drawn[i]]

    def stream(self, total: int) -> Iterator[tuple[str, Change]]:
        for day, n in self.day_counts(total):
            todays = sorted((self.one(day) for _ in range(n)), key=lambda x: x[0])
            for _when, author, change in todays:
                yield author, change

    def one(self, day: date) -> tuple[str, str, Change]:
        rng = self.rng
        school: School = self.school(rng)
        level = _level_key(school.level)
        staff = [(sid, days, cat) for sid, days, start, end, cat in school.staff
                 if start <= day and (end is None or day <= end)]
        has_sro = any(cat == "sro" for _, _, cat in staff)
        kind = self.types[level](rng)
        while kind == "law_enforcement" and not has_sro:
            kind = self.types[level](rng)

        # When and where.
        evening = level == "secondary" and rng.random() < 0.04
        if evening:
            minute = rng.randrange(17 * 60 + 30, 21 * 60 + 30)
            when_phrase = f"during {rng.choice(EVENTS)}"
            location = self.events(rng)
        else:
            lo, hi, _, when_phrase = self.parts(rng)
            minute = FIRST_BELL[school.level] + rng.randrange(lo, hi)
            location = self.locations[level](rng)
            if location == "Classroom":
                location = f"Room {rng.choice('ABCD') if level == 'secondary' else ''}{rng.randint(101, 240)}"
        occurred = f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}"

        # Who: the author, staff (P01) and students.
        author = self.authors(rng) if school.id == self.home else "admin"
        lead = self._lead(staff, kind, author)
        team = [lead]
        others = [s for s in staff if s[0] != lead]
        want = 2 if kind in ("restraint", "law_enforcement", "search") else 1
        if others and (rng.random() < 0.25 or (want == 2 and rng.random() < 0.6)):
            team.append(rng.choices([s[0] for s in others], [s[1] for s in others])[0])
        staff_links = [{"staff_id": sid, "role": "lead" if i == 0 else
                        ("assisting" if rng.random() < 0.8 else "observer")}
                       for i, sid in enumerate(team)]
        pool: _Picker = self.plan.pools[(school.id, day.year if day.month >= 9 else day.year - 1)]
        k = min(self.counts(rng), len(pool.values))
        picked: list[str] = []
        while len(picked) < k:
            sid = pool(rng)
            if sid not in picked:
                picked.append(sid)
        roles = self._roles(kind, len(picked))
        student_links = [{"student_id": s, "role": r} for s, r in zip(picked, roles, strict=True)]

        # Discipline (P06) and outcomes.
        related = rng.random() < DISCIPLINE[kind]
        admin = ""
        if related:
            admin = school.admins[0] if len(school.admins) == 1 or rng.random() < 0.2 \
                else rng.choice(school.admins[1:])
        resulted = related and rng.random() < CONSEQUENCE
        force = kind == "restraint" or (kind == "de_escalation" and rng.random() < 0.01) or (
            kind == "law_enforcement" and rng.random() < 0.10)
        arrest = kind == "law_enforcement" and rng.random() < 0.38

        narrative = self._narrative(kind, len(picked), lead, location, when_phrase, admin, arrest)
        draft = InteractionDraft(
            occurred_at=occurred, school_id=school.id, location=location, type=kind,
            discipline_related=related, responsible_admin=admin, narrative=narrative,
            resulted_in_discipline=resulted, use_of_force=force, arrest=arrest,
            students=student_links, staff=staff_links,
        )
        # Exactly the state services.interactions.log_interaction saves
        # (draft.to_state() without asdict's deep copy: these lists are new).
        state = {name: getattr(draft, name) for name in _DRAFT_FIELDS} | {
            "author": author, "rules_version": RULES_VERSION, "retracted": False,
            "retract_reason": "",
        }
        created = datetime.fromisoformat(occurred) + timedelta(minutes=rng.randint(5, 240))
        record_id = self.plan.new_id(created)
        change = Change(RecordType.INTERACTION, record_id, Action.CREATE, diff_states(None, state))
        return occurred, author, change

    def _lead(self, staff: list[tuple[str, float, str]], kind: str, author: str) -> str:
        rng = self.rng
        if kind == "law_enforcement":  # P11: law enforcement activity is done by an SRO
            return next(sid for sid, _, cat in staff if cat == "sro")
        if author == "officer" and any(s[0] == self.plan.officer_staff_id for s in staff):
            return self.plan.officer_staff_id
        return rng.choices([s[0] for s in staff], [s[1] for s in staff])[0]

    def _roles(self, kind: str, n: int) -> list[str]:
        rng = self.rng
        if n == 1:
            r = rng.random()
            return ["subject" if r < 0.86 else "victim" if r < 0.93 else "reporter"]
        conflict = kind in ("de_escalation", "restraint", "rule_reinforcement", "law_enforcement")
        second = (_pick(rng, (("subject", 50), ("victim", 30), ("witness", 20))) if conflict
                  else _pick(rng, (("subject", 40), ("witness", 40), ("reporter", 20))))
        rest = [_pick(rng, (("witness", 60), ("reporter", 20), ("subject", 20))) for _ in range(n - 2)]
        return ["subject", second, *rest]

    def _narrative(self, kind: str, n: int, lead: str, location: str, when: str, admin: str,
                   arrest: bool) -> str:
        rng = self.rng
        category = self.staff_category[lead]
        staff = {"sro": "the SRO", "school_security": "the security officer",
                 "campus_security": "campus security"}.get(category, "staff")
        loc = location if location.startswith("Room") else f"the {location.lower()}"
        loc = loc.replace("(b wing)", "in B wing").replace("(main hall)", "by the main hall")
        they = "the student" if n == 1 else "the students"
        who = NUMBERS.get(n, f"{n} students")
        names = {
            "S": who[0].upper() + who[1:], "s": who, "Staff": staff[0].upper() + staff[1:],
            "staff": staff, "loc": loc, "when": when, "they": they,
            "They_cap": they[0].upper() + they[1:], "admin": admin.split(",")[0],
            "was": "was" if n == 1 else "were",
        }
        opening = rng.choice(OPENINGS[kind])
        for _ in range(5):  # not "from the front office to the front office"
            if loc not in opening:
                break
            opening = rng.choice(OPENINGS[kind])
        sentences = [opening, rng.choice(ACTIONS[kind])]
        if arrest:
            sentences.append("{Staff} arrested one student after consulting the administrator "
                             "present; the student's parent was notified.")
        elif kind in AFTERCARE:
            sentences.append(AFTERCARE[kind])
        if admin:
            sentences.append(rng.choice(DISCIPLINE_CLOSINGS))
        elif len(sentences) < 3 and rng.random() < 0.55:
            closing = rng.choice(CLOSINGS)
            if "class" not in closing or "class" not in sentences[1]:
                sentences.append(closing)
        if len(sentences) < 4 and rng.random() < 0.2:
            sentences.append(rng.choice(FOLLOW_UPS))
        return " ".join(s.format(**names) for s in sentences[:4])


# --------------------------------------------------------------------------- writing
class _Writer:
    """Buffers (user, change) pairs and appends them in large write transactions."""

    def __init__(self, store: Store, total: int, progress: Progress | None) -> None:
        self.store = store
        self.total = total
        self.progress = progress
        self.pending: list[tuple[str, Change]] = []
        self.done = 0

    def add(self, user: str, change: Change) -> None:
        self.pending.append((user, change))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.store.append_new(self.pending)
        self.done += len(self.pending)
        self.pending = []
        self.report()

    def report(self) -> None:
        if self.progress:
            self.progress(self.done, self.total)


def generate(
    paths: Paths,
    *,
    seed: int = 4311,
    interactions: int | None = None,
    progress: Progress | None = None,
    today: date | None = None,
) -> Summary:
    """Create a data file in ``paths`` filled with a fictional district's records.

    ``interactions`` overrides the number of interactions (default about
    12,000; 0 to 1,000,000). ``today`` (default: the real date) fixes the
    current school year: the demo spans it and the four years before it, with
    interactions up to the day before. The accounts admin, principal, office,
    officer and reviewer all have the password "demo". Refuses (DataFileError)
    a folder whose data file is already set up; if generation fails or is
    interrupted, the files it created are removed.
    """
    count = DEFAULT_INTERACTIONS if interactions is None else interactions
    if not 0 <= count <= MAX_INTERACTIONS:
        raise ValueError(f"interactions must be between 0 and {MAX_INTERACTIONS:,}")
    today = today or date.today()
    school_drafts = [SchoolDraft(name=n, code=c, level=lv) for n, c, lv, _, _ in SCHOOLS]
    school_drafts += [SchoolDraft(name=n, code=c, level="elementary") for n, c, _ in ELEMENTARY]
    before = _files_beside(paths)
    session = files.create_data_file(paths, DISTRICT_NAME, school_drafts, SETUP_USER,
                                     DEMO_PASSWORD, check_rules=False)
    store = session.store
    try:
        summary = _fill(store, seed, count, today, progress)
    except BaseException:
        store.close()
        for f in _files_beside(paths) - before:  # leave no half-made demo behind
            f.unlink(missing_ok=True)
        raise
    store.close()
    return summary


def _files_beside(paths: Paths) -> set[Any]:
    """The data file and its companions (-wal, -shm, .keys) that exist now."""
    folder = paths.data_file.parent
    return set(folder.glob(paths.data_file.name + "*")) if folder.is_dir() else set()


def _fill(store: Store, seed: int, count: int, today: date, progress: Progress | None) -> Summary:
    school_ids = {s["code"]: s["id"] for s in queries.schools(store, include_inactive=True)}
    plan = _Plan(seed, today, school_ids)
    stream = _Interactions(plan, random.Random(f"safetydesk-demo-interactions/{seed}"))
    users = plan.users[1:]  # the administrator exists already
    total = len(users) + YEARS + len(plan.staff) + len(plan.students) + count
    writer = _Writer(store, total, progress)
    writer.report()

    for _, user in users:  # each with its own key slot (slow by design: argon2id)
        accounts.add_account(store, SETUP_USER, user, DEMO_PASSWORD, check_rules=False)
        writer.done += 1
        writer.report()
    # Amendments, like any correction: the district's code and the administrator's name.
    amendments = []
    district = queries.district(store)
    if district is not None:
        amendments.append(Change(RecordType.DISTRICT, district["id"], Action.AMEND,
                                 {"code": [district["code"], DISTRICT_CODE]},
                                 "District code for the OSPI collection"))
    admin = queries.user_by_name(store, SETUP_USER)
    if admin is not None:
        amendments.append(Change(RecordType.USER, admin["id"], Action.AMEND,
                                 {"display_name": [admin["display_name"], plan.users[0][1].display_name]},
                                 "Full name"))
    store.append(SETUP_USER, amendments)  # existing records: the ordinary path, not the bulk one
    for y in plan.years:
        label = f"{y}-{(y + 1) % 100:02d}"
        writer.add(SETUP_USER, registry.create_changes(
            SchoolYearDraft(label=label, start_date=f"{y}-09-01", end_date=f"{y + 1}-08-31"),
            label))
    for member in plan.staff:
        writer.add(SETUP_USER, registry.create_changes(member.draft, member.id))
    writer.flush()
    for sid, student in plan.students:
        writer.add(SETUP_USER, registry.create_changes(student, sid))
    writer.flush()
    for author, change in stream.stream(count):
        writer.add(author, change)
    writer.flush()

    return Summary(
        counts={
            "schools": len(plan.schools),
            "school years": len(plan.years),
            "staff": len(plan.staff),
            "students": plan.current_students,
            "former students": len(plan.students) - plan.current_students,
            "interactions": count,
            "accounts": len(plan.users),
        },
        accounts=[(name, _role_label(user, plan)) for name, user in plan.users],
    )


def _role_label(user: UserDraft, plan: _Plan) -> str:
    label = Role(user.role).label
    if user.schools:
        label += " — " + ", ".join(plan.by_id[s].name for s in user.schools)
    return label
