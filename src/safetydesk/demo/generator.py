"""Demo data: a fictional Washington district filled with realistic, invented records.

`generate` writes a new data file through the same history as everything else
(every record is a hash-chained history entry, so `safetydesk verify` passes).
All names — district, schools, agencies, companies, people — are invented;
no real student data is used, and the generator has no field, value or word
for immigration, citizenship or place of birth (P14).

The data file is made by `files.create_data_file` (district, schools, first
administrator) and the accounts by `accounts.add_account`, like any others.
The everyday records are appended to the history in large batches
(`Store.append_new`), each shaped exactly as its service saves it and passing
the full rules: staff training (P02, every staff member confirmed before
starting except one new hire), interactions in full (P06-P13, with the
compliance flags the domain computes), requests for intervention (P09),
climate activities (P10) and outside requests (P15). The district records go
through the services themselves, which validate them, in one transaction:
school calendars, the start of each school year (P03-P05), complaints walked
through their workflow (P16), agreements (P17-P19) and policy training (P22).
The current year is left with something for every part of the dashboard.

The same ``seed`` (and the same ``today``) gives the same data: names,
demographics, dates, narratives, and the ids of staff, students, interactions
and the other batched records come from `random.Random` streams derived from
the seed. The district, school and account ids, the ids of district records
and complaint confirmation numbers are made by the services (random), and the
history's own bookkeeping (entry ids, clock stamps, device id) differs too.
Outside requests name the federal agency that made them; no record holds a
person's immigration or citizenship status or place of birth (P14).
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import itertools
import math
import os
import pickle
import random
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from safetydesk.domain.climate import CLIMATE, ClimateDraft
from safetydesk.domain.ids import demo_id
from safetydesk.domain.interventions import INTERVENTION, InterventionDraft
from safetydesk.domain.law_enforcement import (
    QUESTIONING_OR_CUSTODY,
    SEARCHES,
    InteractionContext,
    compliance_flags,
    merge_flags,
    needs_notification,
)
from safetydesk.domain.outside_requests import OUTSIDE_REQUEST, OutsideRequestDraft
from safetydesk.domain.records import (
    InteractionDraft,
    RecordType,
    SchoolDraft,
    SchoolYearDraft,
    StaffDraft,
    StudentDraft,
    UserDraft,
    bookkeeping,
    diff_states,
)
from safetydesk.domain.staff_training import TRAINING, TrainingDraft
from safetydesk.domain.validation import Known, school_year_of
from safetydesk.domain.vocab import Action, Race, Role
from safetydesk.paths import Paths
from safetydesk.services import accounts, files, registry
from safetydesk.store import Change, Store, queries
from safetydesk.store.bulk import Encoded, bulk_load

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
    in_rotation: bool = True  # False: hired days ago, not yet cleared to work with students (P02)


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
NOT_NOTIFIED = {  # P13: when no parent was reached (deferred, or not recorded)
    "restraint": "The nurse checked on {they}.",
    "isolation": "A debrief was scheduled.",
    "search": "The search was written up for the assistant principal.",
    "law_enforcement": "An administrator was present throughout.",
}
FOLLOW_UPS = (
    "The family was contacted by phone.",
    "A check-in with the counselor was scheduled.",
    "Staff will keep an eye on {loc} at this time of day.",
    "The teacher was updated by email.",
)
NUMBERS = {1: "a student", 2: "two students", 3: "three students", 4: "four students"}


# --------------------------------------------------------------------------- interactions in full
# P07: a handful of records (whatever the scale) where an SRO decided a school consequence.
P07_CASES = 5
P07_JUSTIFICATIONS = (
    "The assistant principal was off campus at a district meeting and asked the SRO by phone to "
    "hold the student in the office until the end of the period; the principal has reviewed it.",
    "During the evening game no administrator was on site; the SRO told the student to leave the "
    "event. The principal decided the school consequence the next morning.",
    "The SRO sent the student home from the dance before an administrator arrived; reviewed with "
    "the SRO and the police department under Policy 3241.",
)
ALTERNATIVES = (("administrator_referral", 40), ("counselor_referral", 25), ("diversion", 25),
                ("community_resource", 10))
LE_TYPES = (("interview_interrogation", 45), ("search_possessions", 14), ("search_person", 5),
            ("search_locker", 3), ("citation", 13), ("other_juvenile_justice_referral", 12),
            ("probation_referral", 5), ("delinquency_petition", 3))
# Law enforcement interactions that began with a school official's referral to law enforcement
# (CRDC): nationally referrals outnumber school-related arrests about two to one.
REFERRAL_SHARE = 0.25
REFERRAL_SHARE_ARREST = 0.5
_SEARCH_BASES = (("reasonable_suspicion", 40), ("consent", 35), ("probable_cause", 20),
                 ("exigent_circumstances", 5))
LEGAL_BASES: dict[str, tuple[tuple[str, float], ...]] = {
    "interview_interrogation": (("consent", 55), ("probable_cause", 30), ("exigent_circumstances", 15)),
    "search_person": _SEARCH_BASES, "search_possessions": _SEARCH_BASES, "search_locker": _SEARCH_BASES,
    "citation": (("probable_cause", 100),), "delinquency_petition": (("probable_cause", 100),),
    "probation_referral": (("probable_cause", 70), ("court_order", 30)),
    "other_juvenile_justice_referral": (("probable_cause", 100),),
    "arrest": (("probable_cause", 85), ("warrant", 15)),
}
REMOVAL_DESTINATIONS = ("Alder County Juvenile Detention Center",
                        "Cascade Ridge Police Department, then released to a parent",
                        "Alder County Juvenile Court intake")
ATTORNEY_PROVIDERS = ("Alder County Office of Public Defense, juvenile unit",
                      "Cascade Youth Defense Line (on-call attorney)",
                      "Northwest Youth Counsel, on-call attorney")
ATTORNEY_EXCEPTION = ("The officer believed the information was needed right away to protect "
                      "others from an imminent threat to life (RCW 13.40.740(2)).")
CONTACTS = (("Mother", 45), ("Father", 30), ("Guardian", 10), ("Grandmother (guardian)", 5),
            ("Stepfather", 5), ("Foster parent", 5))
NOTIFICATION_DEFERRED = (
    "Notification deferred at the direction of Child Protective Services.",
    "Notification deferred at the direction of the investigating detective; the principal will "
    "call the family once cleared.",
)
RESTRAINT_DESCRIPTIONS = {
    "restraint": ("Brief standing hold to stop the student hitting others; released as soon as the "
                  "student was safe.",
                  "Two-person escort hold to move the student away from the street; released at the "
                  "door."),
    "isolation": ("Student supervised in the calm-down room with the door open and an adult present "
                  "until calm.",
                  "Student stayed in a separate supervised space after repeated threats, with an "
                  "adult watching throughout."),
}
RELEASED_TO = ("the assistant principal", "the counselor", "the classroom teacher", "a parent",
               "the school nurse")
FORCE_TYPES = {
    "restraint": ((("restraint",), 60), (("escort_hold",), 40)),
    "de_escalation": ((("escort_hold",), 100),),
    "law_enforcement": ((("handcuffs",), 55), (("escort_hold",), 25), (("takedown", "handcuffs"), 20)),
}
FORCE_DESCRIPTIONS = {
    "restraint": "Hold used only while the student was a danger to others, then released.",
    "de_escalation": "Short escort hold to move the student away from a fight.",
    "law_enforcement": "Force used by the SRO during the arrest, as described in the police report.",
}

# --------------------------------------------------------------------------- requests (P09)
# Chance that an interaction at a secondary school followed a request: about 1 in 8 overall.
INTERVENTION_RATE = {"de_escalation": 0.45, "restraint": 0.6, "isolation": 0.5, "law_enforcement": 0.3,
                     "escort": 0.25, "rule_reinforcement": 0.08, "search": 0.3, "other": 0.1}
REQUESTERS = (("teacher", 70), ("administrator", 20), ("self", 10))
GROUNDS = (("b_disruption", 60), ("a_danger_to_others", 30), ("c_other_emergency", 10))
GROUND_TEXT = {
    "a_danger_to_others": (
        "A student was threatening to hurt classmates and did not stop when asked.",
        "Two students were fighting and others nearby were at risk of being hurt.",
        "A student was throwing objects close to other students.",
    ),
    "b_disruption": (
        "A student refused repeated directions and the lesson could not go on.",
        "Students were shouting in the hallway outside classrooms during testing.",
        "A group of students was blocking a classroom doorway and class had stopped.",
    ),
    "c_other_emergency": (
        "A student left class very upset and could not be found.",
        "A student said they felt unsafe and asked for an adult to come right away.",
        "A student had a medical episode and the area needed to be cleared.",
    ),
}
REQUEST_OUTCOMES: dict[str, tuple[tuple[str, float], ...]] = {
    "de_escalation": (("resolved", 40), ("returned_to_class", 30), ("to_counselor", 20), ("to_office", 10)),
    "restraint": (("to_office", 50), ("parent_pickup", 30), ("medical", 10), ("to_counselor", 10)),
    "isolation": (("to_office", 40), ("returned_to_class", 30), ("parent_pickup", 30)),
    "law_enforcement": (("law_enforcement", 100),),
    "escort": (("to_office", 60), ("to_counselor", 40)),
    "rule_reinforcement": (("returned_to_class", 60), ("resolved", 30), ("to_office", 10)),
    "search": (("to_office", 80), ("returned_to_class", 20)),
    "other": (("resolved", 40), ("medical", 30), ("no_action", 30)),
}

# --------------------------------------------------------------------------- training (P02)
ESD_ISSUERS = (("ESD 113", 70), ("ESD 112", 15), ("ESD 189", 15))
CONFIRMED_BY = "District safety office"
CLASSROOM_TOPICS = (
    "Role of school safety and security staff (Policy 4311)",
    "De-escalation and trauma-informed practice",
    "Restraint and isolation of students (RCW 28A.600.485)",
    "Students with disabilities and their rights",
    "Constitutional and civil rights of children in schools",
    "Child and adolescent development",
    "Implicit bias and cultural responsiveness",
    "Threat assessment and emergency response",
)
CHECK_IN_TOPICS = (
    "Documenting discipline-related interactions", "De-escalation refresher",
    "Restraint and isolation reporting", "Working with students on IEPs and 504 plans",
    "Threat assessment team procedures", "The family complaint process",
    "Requests for intervention (Policy 3432)", "Bias and cultural responsiveness follow-up",
    "Positive school climate", "Supervision at dismissal and events",
)
ON_THE_JOB = ("Shadowed the assigned staff for a full school day", "Campus walk-through and "
              "procedures with the assistant principal", "Supervised lunch and dismissal with a mentor",
              "Event supervision with the lead security officer")

# --------------------------------------------------------------------------- climate (P10)
CLIMATE_TYPES = (("relationship_building", 35), ("faculty_meeting", 15), ("student_meeting", 14),
                 ("threat_assessment_team", 14), ("assembly", 12), ("other", 10))
CLIMATE_NOTES: dict[str, tuple[str, ...]] = {
    "relationship_building": ("Lunch with the student leadership class.", "Greeted students at the "
                              "front doors at arrival.", "Played in the staff and student basketball game.",
                              "Visited the art club.", "Helped at the homework club.", ""),
    "faculty_meeting": ("Shared the role of safety staff and took questions.", "Reviewed the "
                        "dismissal plan with teachers.", "Explained how to request an intervention.", ""),
    "student_meeting": ("Met the associated student body officers about hallway safety.",
                        "Listened to the student advisory group about the commons.", ""),
    "threat_assessment_team": ("",),
    "assembly": ("Spoke at the welcome assembly.", "Helped with the spirit assembly.",
                 "Spoke at the internet safety assembly.", ""),
    "other": ("Family night: information table.", "Walk-through with the fire marshal.",
              "Helped with the food drive.", "Safety fair at the open house."),
}

# --------------------------------------------------------------------------- outside requests (P15)
IMMIGRATION_AGENCY = "U.S. Immigration and Customs Enforcement (ICE)"
OUTSIDE_DECLINED = (
    ("notification_request", "Notification request asking to be told when a student is released from school."),
    ("administrative_warrant", "Administrative warrant, not signed by a judge, asking for a student's "
                               "schedule and home address."),
    ("informal_request", "An agent called the front office and asked whether a student attends the school."),
    ("detainer", "A form asking the district to share a family's contact details with the agency."),
)
ROUTED_TO = ("Superintendent's office and district counsel", "District counsel")
OUTSIDE_PROVIDED = (
    "Alder County Superior Court", "court_order",
    "Court order in a dependency case asking for a student's attendance records.",
    "Court order served on the district (judicial subpoena); disclosure without consent allowed by "
    "FERPA, 34 CFR 99.31(a)(9)(i), after notice to the parent.",
)


# --------------------------------------------------------------------------- the plan
class _Plan:
    """Everything except the interactions, built in memory from the seed."""

    def __init__(self, seed: int, today: date, school_ids: dict[str, str] | None = None) -> None:
        self.school_ids = school_ids or {}
        self.seed = seed
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
        # Everything added since the first version draws from streams of its own, so the
        # people, students and ids above stay the same for a seed.
        self.extra = random.Random(f"safetydesk-demo-extra/{seed}")
        self._xids = random.Random(f"safetydesk-demo-extra-ids/{seed}")
        self.staff.append(self._new_hire())
        self.staff_by_id = {m.id: m for m in self.staff}
        self.training = self._training()
        self.birth = {sid: date.fromisoformat(d.birth_date) for sid, d in self.students}

    def new_id(self, when: datetime | date) -> str:
        if not isinstance(when, datetime):
            when = datetime(when.year, when.month, when.day, 8)
        ms = int(when.replace(tzinfo=UTC).timestamp() * 1000)
        return demo_id(ms, self._ids.randbytes(10))

    def extra_id(self, when: datetime | date) -> str:
        """An id for the records added since the first version (a stream of their own)."""
        if not isinstance(when, datetime):
            when = datetime(when.year, when.month, when.day, 8)
        ms = int(when.replace(tzinfo=UTC).timestamp() * 1000)
        return demo_id(ms, self._xids.randbytes(10))

    def person(self, culture: str | None = None, gender: str | None = None,
               rng: random.Random | None = None) -> tuple[str, str]:
        rng = rng or self.rng
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

    def _new_hire(self) -> Staff:
        """A campus security officer hired ten days ago whose ESD documentation the district has
        not confirmed yet: on the dashboard, and in no interaction (P02)."""
        rng = self.extra
        start = self.today - timedelta(days=10)
        first, last = self.person(rng=rng)
        draft = StaffDraft(
            name=f"{first} {last}", category="campus_security", commissioned=False,
            employer_type="contractor", agency=CONTRACTOR, badge=f"BCS-{rng.randint(3000, 3999)}",
            assignments=[{"school_id": self.school("CHHS").id, "days_per_week": 2.5},
                         {"school_id": self.school("BCA").id, "days_per_week": 2.5}],
            start_date=start.isoformat(), end_date="",
        )
        return Staff(self.extra_id(start), draft, start, None, in_rotation=False)

    # ------------------------------------------------------------ training (P02)
    def _training(self) -> dict[str, TrainingDraft]:
        """One training record per staff member: ESD documentation confirmed before the start
        date, classroom topics, on-the-job days and check-ins within the first year (a few short)."""
        rng = self.extra
        rotation = [m for m in self.staff if m.in_rotation]
        short_ojt = set(rng.sample([m.id for m in rotation], 2))
        short_checkins = set(rng.sample([m.id for m in rotation if m.draft.category != "sro"], 2))
        last_day = self.today - timedelta(days=1)
        out: dict[str, TrainingDraft] = {}
        for m in self.staff:
            issuer = _pick(rng, ESD_ISSUERS)
            esd_day = m.start - timedelta(days=rng.randint(20, 75))
            reference = f"{issuer.replace(' ', '')}-SSS-{esd_day.year}-{rng.randint(100, 9999):04d}"
            topics = sorted(
                ({"topic": t, "completed_on": (esd_day - timedelta(days=rng.randint(1, 60))).isoformat()}
                 for t in rng.sample(CLASSROOM_TOPICS, rng.randint(3, 5))),
                key=lambda t: t["completed_on"])
            draft = TrainingDraft(
                staff_id=m.id, program_start=m.draft.start_date, esd_issuer=issuer,
                esd_date=esd_day.isoformat(), esd_reference=reference, classroom_topics=topics)
            if not m.in_rotation:
                draft.note = "Documentation received from the contractor; the district has not checked it yet."
                out[m.id] = draft
                continue
            draft.esd_confirmed_by = CONFIRMED_BY
            draft.esd_confirmed_on = min(esd_day + timedelta(days=rng.randint(2, 12)),
                                         m.start - timedelta(days=1)).isoformat()
            ojt = sorted(rng.sample(range(5, 300), 1 if m.id in short_ojt else 2))
            draft.on_the_job_days = [{"date": (m.start + timedelta(days=n)).isoformat(),
                                      "note": rng.choice(ON_THE_JOB)}
                                     for n in ojt if m.start + timedelta(days=n) <= last_day]
            if m.draft.category != "sro":
                n = rng.randint(4, 5) if m.id in short_checkins else rng.randint(6, 9)
                days = sorted(rng.sample(range(14, 350), n))
                draft.check_ins = [{"date": (m.start + timedelta(days=d)).isoformat(),
                                    "topic": rng.choice(CHECK_IN_TOPICS)}
                                   for d in days if m.start + timedelta(days=d) <= last_day]
            out[m.id] = draft
        return out

    def esd_confirmed(self) -> dict[str, str]:
        return {sid: t.esd_confirmed_on for sid, t in self.training.items()}

    def interaction_context(self) -> InteractionContext:
        """What `compliance_flags` needs, as the interactions service builds it from the store."""
        return InteractionContext(
            known=Known(staff={m.id: m.draft.category for m in self.staff}),
            staff_names={m.id: m.draft.name for m in self.staff},
            staff_periods={m.id: (m.draft.start_date, m.draft.end_date) for m in self.staff},
            esd_confirmed=self.esd_confirmed(),
        )

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
            sid = demo_id(imported + n, self._ids.randbytes(10))
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


def _fmt(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M")


def _stage(grade: int) -> str:
    return "elementary" if grade <= 5 else "middle" if grade <= 8 else "high"


def _school_stage(level: str) -> str:
    return "high" if level in ("high", "other") else level


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    d = date(year, month, 1)
    d += timedelta(days=(weekday - d.weekday()) % 7)
    return d + timedelta(weeks=n - 1)


def _closures(y: int) -> list[tuple[date, str]]:
    """The district's non-school weekdays in the school year starting in September of ``y``.

    The same days are entered as the year's school calendar (`calendar.save_calendar`), so
    complaint deadlines count the school days the interactions happen on.
    """
    out = [(_nth_weekday(y, 9, 0, 1), "Labor Day"),
           (_nth_weekday(y, 10, 4, 2), "Professional development day (no school for students)"),
           (date(y, 11, 11), "Veterans Day")]
    thanksgiving = _nth_weekday(y, 11, 3, 4)
    out += [(thanksgiving, "Thanksgiving"), (thanksgiving + timedelta(days=1), "Thanksgiving break")]
    out += [(date(y, 12, 21) + timedelta(days=i), "Winter break") for i in range(13)]
    out.append((_nth_weekday(y + 1, 1, 0, 3), "Martin Luther King Jr. Day"))
    presidents = _nth_weekday(y + 1, 2, 0, 3)
    out += [(presidents - timedelta(days=3), "Mid-winter break"),
            (presidents, "Presidents' Day (mid-winter break)")]
    spring = _nth_weekday(y + 1, 4, 0, 1)
    out += [(spring + timedelta(days=i), "Spring break") for i in range(5)]
    memorial_day = date(y + 1, 5, 31) - timedelta(days=date(y + 1, 5, 31).weekday())
    out += [(memorial_day, "Memorial Day"), (date(y + 1, 6, 19), "Juneteenth")]
    seen: set[date] = set()
    days = []
    for d, note in out:
        if d.weekday() < 5 and d not in seen:
            seen.add(d)
            days.append((d, note))
    return sorted(days)


def _calendar(y: int) -> list[date]:
    """180 school days of the school year starting in September of year ``y``."""
    labor_day = _nth_weekday(y, 9, 0, 1)
    start = labor_day + timedelta(days=2)
    closed = {d for d, _ in _closures(y)}
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

    def __init__(self, plan: _Plan, rng: random.Random, total: int = 0) -> None:
        self.plan = plan
        self.rng = rng
        self.total = max(total, 1)  # how many interactions the run makes (for the rare cases)
        self.position = 0
        self.hits: Counter[str] = Counter()
        self.written: Counter[str] = Counter()  # record type -> records streamed
        self.ctx = plan.interaction_context()
        self.agency = {m.id: m.draft.agency for m in plan.staff}
        self.staff_name = {m.id: m.draft.name for m in plan.staff}
        self.alternatives = _Picker(ALTERNATIVES)
        self.le_types = _Picker(LE_TYPES)
        # CRDC referrals to law enforcement (a school official reporting the student), from a
        # stream of their own so that every other record of a seed stays as it was.
        self.referrals = random.Random(f"safetydesk-demo-referrals/{plan.seed}")
        self.requesters = _Picker(REQUESTERS)
        self.grounds = _Picker(GROUNDS)
        # Each secondary school's teachers (who ask for interventions, P09).
        names = random.Random(f"safetydesk-demo-teachers/{plan.seed}")
        self.teachers = {s.id: [" ".join(plan.person(rng=names)) for _ in range(40)]
                         for s in plan.schools if s.level != "elementary"}
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
        """Interactions in date order, each followed by the request for intervention behind it."""
        self.total = max(total, 1)
        for day, n in self.day_counts(total):
            todays = sorted((self.one(day) for _ in range(n)), key=lambda x: x[0])
            for _when, author, changes in todays:
                for change in changes:
                    self.written[change.record_type] += 1
                    yield author, change

    def _rare(self, kind: str, share: float, minimum: int) -> bool:
        """True for about ``share`` of the eligible cases, and at least ``minimum`` times in the
        run whatever its size: whenever the count falls behind an even schedule over the run."""
        if self.rng.random() < share or self.hits[kind] < math.ceil(minimum * self.position / self.total):
            self.hits[kind] += 1
            return True
        return False

    def one(self, day: date) -> tuple[str, str, list[Change]]:
        rng = self.rng
        self.position += 1
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
        if kind == "law_enforcement":
            roles[0] = "subject"  # the activity concerns the first student
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

        # P07: a handful of records where an SRO on the team decided the school consequence.
        consequence = justification = ""
        sros = [sid for sid in team if self.staff_category[sid] == "sro"]
        if resulted and sros and self._rare("sro_discipline", 0.0, P07_CASES):
            consequence, justification = sros[0], rng.choice(P07_JUSTIFICATIONS)

        when = datetime.fromisoformat(occurred)
        details, notified = self._details(kind, school, when, student_links, team, admin, arrest, force)
        narrative = self._narrative(kind, len(picked), lead, location, when_phrase, admin, arrest,
                                    notified)
        draft = InteractionDraft(
            occurred_at=occurred, school_id=school.id, location=location, type=kind,
            discipline_related=related, responsible_admin=admin, narrative=narrative,
            resulted_in_discipline=resulted, use_of_force=force, arrest=arrest,
            students=student_links, staff=staff_links, consequence_by_staff_id=consequence,
            sro_discipline_justification=justification, **details,
        )
        # Outcomes per student, as a person ticks them: the arrested student, else the subjects.
        subjects = [s["student_id"] for s in student_links if s["role"] == "subject"] or picked[:1]
        arrested = [a["student_id"] for a in draft.le_activities if a.get("type") == "arrest"]
        draft.outcome_students = {f: (list(dict.fromkeys(arrested)) if f == "arrest" else subjects)
                                  for f in ("resulted_in_discipline", "use_of_force", "arrest") if getattr(draft, f)}
        created = when + timedelta(minutes=rng.randint(5, 240))
        # Exactly the state services.interactions.log_interaction saves
        # (draft.to_state() without asdict's deep copy: these lists are new), with the
        # compliance flags the domain computes as of the moment it was logged.
        state = {name: getattr(draft, name) for name in _DRAFT_FIELDS} | {
            **bookkeeping(author),
            "compliance_flags": merge_flags(None, compliance_flags(draft, self.ctx),
                                            created.isoformat(timespec="seconds")),
        }
        record_id = self.plan.new_id(created)
        changes = [Change(RecordType.INTERACTION, record_id, Action.CREATE, diff_states(None, state))]
        if level == "secondary" and rng.random() < INTERVENTION_RATE.get(kind, 0.0):
            changes.append(self._request(school, when, location, kind, student_links, team, record_id,
                                         author))
        return occurred, author, changes

    # ------------------------------------------------------------ P08-P13 and use of force
    def _authoriser(self, school: School, admin: str) -> str:
        """The principal or designee: the administrator responsible, else one of the school's."""
        return admin or (school.admins[0] if len(school.admins) == 1 or self.rng.random() < 0.4
                         else self.rng.choice(school.admins[1:]))

    def _details(self, kind: str, school: School, when: datetime, students: list[dict[str, Any]],
                 team: list[str], admin: str, arrest: bool, force: bool) -> tuple[dict[str, Any], bool]:
        """The fields beyond P06, and whether a parent was notified (for the narrative)."""
        rng = self.rng
        out: dict[str, Any] = {}
        lead = team[0]
        authoriser = self._authoriser(school, admin)
        admin_name = authoriser.split(",")[0]
        if kind == "law_enforcement":
            k = rng.choice((1, 1, 1, 2, 2, 3))
            chosen: list[str] = []
            while len(chosen) < k:
                code = self.alternatives(rng)
                if code not in chosen:
                    chosen.append(code)
            out["alternatives_considered"] = chosen
            subjects = [s["student_id"] for s in students if s["role"] == "subject"]
            if arrest:
                kinds = ["interview_interrogation", "arrest"] if rng.random() < 0.6 else ["arrest"]
                acts = [self._activity(t, subjects[0], lead, authoriser, admin_name, when) for t in kinds]
            else:
                acts = [self._activity(self.le_types(rng), subjects[0], lead, authoriser, admin_name, when)]
                if len(subjects) > 1 and rng.random() < 0.5:
                    acts.append(self._activity("interview_interrogation", subjects[1], lead, authoriser,
                                               admin_name, when))
            if self.referrals.random() < (REFERRAL_SHARE_ARREST if arrest else REFERRAL_SHARE):
                acts.insert(0, self._referral(subjects[0], lead, authoriser, admin_name, when))
            out["le_activities"] = acts
            out["attorney_access"] = [
                self._attorney(sid, [a for a in acts if a["student_id"] == sid], when)
                for sid in dict.fromkeys(a["student_id"] for a in acts
                                         if a["type"] in QUESTIONING_OR_CUSTODY)]
        notified = True
        probe = InteractionDraft(type=kind, arrest=arrest, le_activities=out.get("le_activities", []))
        if needs_notification(probe):
            if not arrest and self._rare("notification_missing", 0.03, 2):
                notified = False  # neither an attempt nor a reason: flagged (P13)
            elif rng.random() < 0.02:
                out["notification_deferred_reason"] = rng.choice(NOTIFICATION_DEFERRED)
                notified = False
            else:
                out["notifications"] = self._notifications(
                    when, admin_name if kind == "search" or rng.random() < 0.5 else self.staff_name[lead])
        elif kind in ("restraint", "isolation"):
            out["notifications"] = self._notifications(when, admin_name)
        if kind in ("restraint", "isolation"):
            minutes = rng.randint(1, 3) if kind == "restraint" else rng.randint(5, 20)
            out["restraint_details"] = {
                "started_at": _fmt(when), "ended_at": _fmt(when + timedelta(minutes=minutes)),
                "description": rng.choice(RESTRAINT_DESCRIPTIONS[kind]),
                "released_to": rng.choice(RELEASED_TO)}
        # Force details may follow later; about one in seven is still missing (P21 incomplete).
        if force and not self._rare("force_details_missing", 0.15, 1):
            injury = rng.random() < 0.06
            out["force_details"] = {
                "types": list(_pick(rng, FORCE_TYPES[kind])),
                "description": FORCE_DESCRIPTIONS[kind], "injury": injury,
                "injury_description": "Minor scrape on the student's arm; the nurse cleaned it." if injury else "",
                "medical_attention": injury or rng.random() < 0.1}
        return out, notified

    def _activity(self, kind: str, student_id: str, officer: str, authoriser: str, admin_name: str,
                  when: datetime) -> dict[str, Any]:
        """P11: one law enforcement activity by the lead SRO."""
        rng = self.rng
        basis = _pick(rng, LEGAL_BASES[kind])
        present = rng.random() < 0.9
        born = self.plan.birth[student_id]
        day = when.date()
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        activity = {
            "type": kind, "student_id": student_id, "officer": self.staff_name[officer],
            "officer_staff_id": officer, "agency": self.agency[officer], "authorised_by": authoriser,
            "legal_basis": basis, "student_age": age, "administrator_present": present,
            "administrator_name": admin_name if present else "", "removed_from_school": False,
            "removed_at": "", "removal_destination": "", "court_order_shown": False,
        }
        if kind == "arrest":
            activity |= {"removed_from_school": True,
                         "removed_at": _fmt(when + timedelta(minutes=rng.randint(30, 120))),
                         "removal_destination": rng.choice(REMOVAL_DESTINATIONS),
                         "court_order_shown": basis == "warrant"}
        return activity

    def _referral(self, student_id: str, officer: str, authoriser: str, admin_name: str,
                  when: datetime) -> dict[str, Any]:
        """CRDC: the school official (the principal or designee) reported the student to the SRO,
        who then acted; a report by the school, so it has no legal basis of its own."""
        born = self.plan.birth[student_id]
        day = when.date()
        age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return {
            "type": "referral_to_law_enforcement", "student_id": student_id,
            "officer": self.staff_name[officer], "officer_staff_id": officer,
            "agency": self.agency[officer], "authorised_by": authoriser,
            "legal_basis": "", "student_age": age, "administrator_present": True,
            "administrator_name": admin_name, "removed_from_school": False, "removed_at": "",
            "removal_destination": "", "court_order_shown": False,
        }

    def _attorney(self, student_id: str, acts: list[dict[str, Any]], when: datetime) -> dict[str, Any]:
        """P12: the three RCW 13.40.740 questions for one student, and the access given."""
        rng = self.rng
        kinds = {a["type"] for a in acts}
        entry: dict[str, Any] = {
            "student_id": student_id,
            "custodial_interrogation": "arrest" in kinds or (
                "interview_interrogation" in kinds and rng.random() < 0.5),
            "probable_cause_detention": "arrest" in kinds,
            "consent_search_request": any(a["type"] in SEARCHES and a["legal_basis"] == "consent"
                                          for a in acts),
            "access_given": False, "access_at": "", "access_mode": "", "provider": "",
            "exception_claimed": False, "exception_justification": "", "waiver_after_consultation": False,
        }
        if not (entry["custodial_interrogation"] or entry["probable_cause_detention"]
                or entry["consent_search_request"]):
            return entry
        if self._rare("rcw_13_40_740", 0.02, 2):
            return entry  # no access and no exception: the red flag (P12)
        if rng.random() < 0.01:
            return entry | {"exception_claimed": True, "exception_justification": ATTORNEY_EXCEPTION}
        mode = _pick(rng, (("phone", 60), ("video", 25), ("in_person", 15)))
        return entry | {"access_given": True, "access_at": _fmt(when + timedelta(minutes=rng.randint(5, 40))),
                        "access_mode": mode, "provider": rng.choice(ATTORNEY_PROVIDERS),
                        "waiver_after_consultation": rng.random() < 0.3}

    def _notifications(self, when: datetime, by: str) -> list[dict[str, Any]]:
        """P13: one or two attempts to reach a parent or guardian."""
        rng = self.rng
        contact = _pick(rng, CONTACTS)
        at = when + timedelta(minutes=rng.randint(10, 90))
        attempts = []
        if rng.random() < 0.3:
            attempts.append({"at": _fmt(at), "method": "phone", "by": by, "contact": contact,
                             "result": rng.choice(("no_answer", "left_message"))})
            at += timedelta(minutes=rng.randint(20, 120))
        attempts.append({"at": _fmt(at), "method": _pick(rng, (("phone", 75), ("in_person", 15), ("email", 10))),
                         "by": by, "contact": contact, "result": "reached"})
        return attempts

    # ------------------------------------------------------------ P09
    def _request(self, school: School, when: datetime, location: str, kind: str,
                 students: list[dict[str, Any]], team: list[str], interaction_id: str,
                 author: str) -> Change:
        """The request for intervention that led to the interaction (made 2-8 minutes before)."""
        rng = self.rng
        requester = self.requesters(rng)
        ground = self.grounds(rng)
        requested = when - timedelta(minutes=rng.randint(2, 8))
        subjects = [s["student_id"] for s in students if s["role"] == "subject"] or [students[0]["student_id"]]
        draft = InterventionDraft(
            requested_at=_fmt(requested), school_id=school.id,
            location=location, self_initiated=requester == "self",
            requester_name="" if requester == "self" else (
                rng.choice(self.teachers[school.id]) if requester == "teacher"
                else rng.choice(school.admins).split(",")[0]),
            requester_role="" if requester == "self" else requester, ground=ground,
            description=rng.choice(GROUND_TEXT[ground]), students=subjects, responding_staff=list(team),
            response_at=_fmt(when), outcome=_pick(rng, REQUEST_OUTCOMES[kind]), interaction_id=interaction_id,
        )
        state = draft.to_state() | bookkeeping(author)
        record_id = self.plan.extra_id(requested + timedelta(minutes=rng.randint(10, 180)))
        return Change(INTERVENTION, record_id, Action.CREATE, diff_states(None, state))

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
                   arrest: bool, notified: bool = True) -> str:
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
            sentences.append(AFTERCARE[kind] if notified else NOT_NOTIFIED[kind])
        if admin:
            sentences.append(rng.choice(DISCIPLINE_CLOSINGS))
        elif len(sentences) < 3 and rng.random() < 0.55:
            closing = rng.choice(CLOSINGS)
            if "class" not in closing or "class" not in sentences[1]:
                sentences.append(closing)
        if len(sentences) < 4 and rng.random() < 0.2:
            sentences.append(rng.choice(FOLLOW_UPS))
        return " ".join(s.format(**names) for s in sentences[:4])


# --------------------------------------------------------------------------- climate (P10)
def _climate(plan: _Plan, rng: random.Random) -> Iterator[tuple[str, Change]]:
    """2-6 activities per staff member per school month, without students (P10), by date."""
    by_month: dict[tuple[int, int], list[date]] = {}
    for d in plan.school_days():
        by_month.setdefault((d.year, d.month), []).append(d)
    types = _Picker(CLIMATE_TYPES)
    home = plan.school("SRHS").id
    out: list[tuple[str, str, Change]] = []
    for month_days in by_month.values():
        for m in plan.staff:
            if not m.in_rotation:
                continue  # not cleared to work with students yet (P02)
            days = [d for d in month_days if m.start <= d and (m.end is None or d <= m.end)]
            if not days:
                continue
            for day in sorted(rng.sample(days, min(len(days), rng.randint(2, 6)))):
                a = rng.choices(m.draft.assignments, [a["days_per_week"] for a in m.draft.assignments])[0]
                school = plan.by_id[a["school_id"]]
                kind = types(rng)
                staff = [m.id]
                colleagues = [sid for sid, _, start, end, _ in school.staff
                              if sid != m.id and start <= day and (end is None or day <= end)]
                if colleagues and kind in ("assembly", "faculty_meeting", "threat_assessment_team") \
                        and rng.random() < 0.25:
                    staff.append(rng.choice(colleagues))
                draft = ClimateDraft(activity_date=day.isoformat(), school_id=school.id, staff=staff,
                                     activity_type=kind, note=rng.choice(CLIMATE_NOTES[kind]))
                if plan.officer_staff_id in staff and school.id == home:
                    author = "officer"
                elif school.id == home and rng.random() < 0.3:
                    author = "principal"
                else:
                    author = "admin"
                state = draft.to_state() | bookkeeping(author)
                created = datetime.combine(day, time(15, rng.randint(0, 59)))
                out.append((draft.activity_date, author, Change(
                    CLIMATE, plan.extra_id(created), Action.CREATE, diff_states(None, state))))
    out.sort(key=lambda x: x[0])
    for _, author, change in out:
        yield author, change


# --------------------------------------------------------------------------- outside requests (P15)
def _outside_requests(plan: _Plan, rng: random.Random) -> list[tuple[str, Change]]:
    """2-3 outside requests a year, almost all declined; one release required by a court order."""
    days = plan.school_days()
    out = []
    provided_year = plan.years[max(0, len(plan.years) - 3)]
    for y in plan.years:
        year_days = [d for d in days if school_year_of(d) == f"{y}-{(y + 1) % 100:02d}"
                     and d < plan.today - timedelta(days=1)]
        if not year_days:
            continue
        n = rng.randint(2, 3)
        for i, received in enumerate(sorted(rng.sample(year_days, min(n, len(year_days))))):
            school = rng.choice(plan.schools) if rng.random() < 0.4 else None
            responded = min(received + timedelta(days=rng.randint(1, 6)), plan.today - timedelta(days=1))
            if y == provided_year and i == 0:
                agency, doc, description, basis = OUTSIDE_PROVIDED
                draft = OutsideRequestDraft(
                    received_on=received.isoformat(), school_id=school.id if school else "",
                    agency=agency, document_type=doc, description=description, routed_to="District counsel",
                    response="provided_as_required_by_law", legal_basis=basis,
                    responded_on=responded.isoformat(),
                    note="Only the attendance records named in the order were released.")
            else:
                doc, description = rng.choice(OUTSIDE_DECLINED)
                pending = y == plan.years[-1] and received > plan.today - timedelta(days=4)
                draft = OutsideRequestDraft(
                    received_on=received.isoformat(), school_id=school.id if school else "",
                    agency=IMMIGRATION_AGENCY, document_type=doc, description=description,
                    routed_to=rng.choice(ROUTED_TO), response="pending" if pending else "declined",
                    responded_on="" if pending else responded.isoformat(),
                    note="" if pending else "Declined under Policy 4310; nothing was released.")
            author = "admin"
            state = draft.to_state() | bookkeeping(author)
            created = datetime.combine(received, time(14, rng.randint(0, 59)))
            out.append((author, Change(OUTSIDE_REQUEST, plan.extra_id(created), Action.CREATE,
                                       diff_states(None, state))))
    return out


# --------------------------------------------------------------------------- district records
ALLEGATIONS = (
    "Used more force than needed while escorting the student to the office.",
    "Spoke to the student in a rude and belittling way in front of other students.",
    "Questioned the student about an incident without a parent or an administrator present.",
    "Searched the student's backpack without a reason.",
    "Singled the student out at dismissal day after day.",
    "Took part in deciding the student's suspension.",
    "Did not respond when the student reported being threatened.",
    "Handcuffed the student in front of classmates.",
)
COMPLAINT_PLACES = ("Main entrance", "Bus loop", "Cafeteria", "Main hallway", "Parking lot",
                    "Front office", "Commons", "Football stadium")
FINDINGS = (("not_sustained", 30), ("unfounded", 25), ("sustained", 20), ("exonerated", 20),
            ("policy_issue", 5))
INVESTIGATION_NOTES = ("Interviewed the staff member and the assistant principal.",
                       "Reviewed the hallway camera footage with the principal.",
                       "Spoke with the family by phone about what their student saw.",
                       "Read the interaction record and the follow-ups.",
                       "Interviewed two teachers who were nearby.")
OTHER_LANGUAGES = ("Spanish", "Vietnamese", "Russian", "Ukrainian", "Somali", "Korean")
DISTRIBUTION_LANGUAGES = ("Spanish", "Russian", "Ukrainian", "Vietnamese", "Somali", "Korean",
                          "Chinese (Simplified)", "Marshallese")
CONTENT_NOTES = {
    "A1": "Section 4.1: SROs take no part in school discipline (Policy 3241).",
    "A2": "Section 4.2: informal contact and law enforcement, with examples.",
    "A3": "Section 4.3: every discipline-related interaction is documented in SafetyDesk.",
    "A4": "Section 4.4: requests for intervention only on the grounds of Policy 3432.",
    "A5": "Section 4.5: positive school climate and relationship building.",
    "A6": "Section 7: family complaints, investigation and written response.",
    "B": "Section 5: joint placement and evaluation with a student, family and staff panel; "
         "community review of the disaggregated data.",
    "C": "Section 6.1: the district confirms each officer's ESD training documentation.",
    "D": "Section 8: threat assessment support, MTSS consultation and crisis response.",
}


class _Clock:
    """The demo's clock for the services: set to the day each record was made."""

    def __init__(self) -> None:
        self.now = datetime(2000, 1, 1)

    def __call__(self) -> datetime:
        return self.now

    def on(self, day: date, at: time = time(15, 30)) -> None:
        self.now = datetime.combine(day, at)


class _District:
    """The district-level records, entered through the services as an administrator would:
    calendars, start of year (P03-P05), complaints (P16), agreements (P17-P19), policy training."""

    def __init__(self, store: Store, plan: _Plan, rng: random.Random, report: Callable[[], None]) -> None:
        from safetydesk.services.context import Session

        self.store = store
        self.plan = plan
        self.rng = rng
        self.report = report
        self.clock = _Clock()
        self.session = Session(store, accounts.actor_for(store, SETUP_USER), clock=self.clock)
        self.today = plan.today
        self.last = plan.today - timedelta(days=1)
        first, last = plan.person(rng=rng)
        self.investigator = f"{first} {last}, Director of Student Services"
        first, last = plan.person(rng=rng)
        self.trainer = f"{first} {last}, District safety coordinator"
        self.office = {s.id: "{} {}, Office manager".format(*plan.person(rng=rng)) for s in plan.schools}
        self.counts: Counter[str] = Counter()

    def run(self) -> None:
        for y in self.plan.years:
            self.calendar(y)
        self.report()
        for y in self.plan.years:
            self.start_of_year(y)
            self.report()
        self.agreements()
        self.report()
        for y in self.plan.years:
            self.policy_training(y)
            self.complaints(y)
            self.report()

    # ------------------------------------------------------------ calendar
    def calendar(self, y: int) -> None:
        from safetydesk.domain.school_calendar import SchoolCalendarDraft
        from safetydesk.services import calendar

        label = f"{y}-{(y + 1) % 100:02d}"
        self.clock.on(min(date(y, 8, 1), self.last))
        calendar.save_calendar(self.session, SchoolCalendarDraft(
            school_year=label,
            non_school_days=[{"date": d.isoformat(), "note": note} for d, note in _closures(y)]))
        self.counts["school calendars"] += 1

    # ------------------------------------------------------------ start of year
    def start_of_year(self, y: int) -> None:
        from safetydesk.domain.start_of_year import (
            GunSafeCountDraft,
            GunSafetyCampaignDraft,
            RoleDistributionDraft,
            RolePresentationDraft,
        )
        from safetydesk.services import start_of_year

        rng, plan = self.rng, self.plan
        label = f"{y}-{(y + 1) % 100:02d}"
        days = _calendar(y)
        current = y == plan.years[-1]
        gaps: dict[str, set[str]] = {}
        if current:  # 2-3 schools still owe something this year (on the dashboard)
            codes = rng.sample([s.code for s in plan.schools], 3)
            gaps = {codes[0]: {"distribution"}, codes[1]: {"presentation", "distribution"},
                    codes[2]: {"campaign"}}

        def record(draft: Any, day: date) -> None:
            if day > self.last:
                return  # not happened yet
            self.clock.on(day)
            start_of_year.record(self.session, draft)
            self.counts["start-of-year records"] += 1

        for school in plan.schools:
            skip = gaps.get(school.code, set())
            secondary = school.level != "elementary"
            staff = [plan.staff_by_id[sid] for sid, _, start, end, _ in school.staff
                     if start <= days[0] and (end is None or days[0] <= end)]
            principal = school.admins[0].split(",")[0]
            if "presentation" not in skip:
                n = 2 if secondary and rng.random() < 0.5 else 1
                dates = sorted(rng.sample(days[2:15], n))
                audience = _pick(rng, (("all_students", 50), ("grade_levels", 25), ("new_students", 10),
                                       ("classrooms", 15)))
                detail = {"all_students": "", "new_students": "Students new to the school",
                          "classrooms": "Each homeroom in turn",
                          "grade_levels": ("grades 9 and 10" if school.level in ("high", "other")
                                           else "grades 6 and 7" if school.level == "middle"
                                           else "grades 3 to 5")}[audience]
                presenter = ", ".join(m.draft.name for m in staff[:2]) or "the assigned security officer"
                record(RolePresentationDraft(
                    school_id=school.id, school_year=label, dates=[d.isoformat() for d in dates],
                    audience=audience, audience_detail=detail, presenter=f"{presenter} with {principal}",
                    note=rng.choice(("", "Questions and answers after the talk.",
                                     "Slides from the district safety office."))), dates[-1])
            if "distribution" not in skip:
                day = rng.choice(days[3:15])
                languages = ["English", "Spanish", *rng.sample(DISTRIBUTION_LANGUAGES[1:], rng.randint(0, 3))]
                record(RoleDistributionDraft(
                    school_id=school.id, school_year=label, date=day.isoformat(),
                    method=_pick(rng, (("email", 35), ("letter_home", 20), ("newsletter", 20),
                                       ("registration_packet", 15), ("website", 10))),
                    languages=languages), day)
            if "campaign" not in skip:
                start = rng.choice(days[8:20])
                end = start + timedelta(days=rng.randint(4, 18))
                formats = rng.sample(("assembly", "classroom_lesson", "staff_meeting", "posters",
                                      "newsletter", "family_event"), rng.randint(1, 3))
                audiences = ["students", "staff"] + (["families"] if rng.random() < 0.6 else [])
                record(GunSafetyCampaignDraft(
                    school_id=school.id, school_year=label, start_date=start.isoformat(),
                    end_date=end.isoformat() if end <= self.last else "", formats=formats,
                    audiences=audiences), end if end <= self.last else start)
            day = rng.choice(days[15:35])
            requested = rng.randint(2, 9) if secondary else rng.randint(1, 5)
            record(GunSafeCountDraft(school_id=school.id, date=day.isoformat(), requested=requested,
                                     provided=max(0, requested - rng.choice((0, 0, 0, 1, 2)))), day)

    # ------------------------------------------------------------ agreements
    def agreements(self) -> None:
        from safetydesk.domain.agreements import AgreementDraft, add_years
        from safetydesk.services import agreements

        plan = self.plan
        y0 = plan.years[0]
        covers = {POLICE: ("SRHS", "TBHS", "RSMS", "KPMS"), SHERIFF: ("CHHS", "BCA", "MHMS", "FLMS")}
        # The police agreement's annual review is due in 40 days (a reminder shows); the
        # sheriff's in about seven months.
        next_due = {POLICE: self.today + timedelta(days=40), SHERIFF: self.today + timedelta(days=200)}
        for n, agency in enumerate((POLICE, SHERIFF)):
            comment_start = date(y0, 5, 2) + timedelta(days=7 * n)
            comment_end = comment_start + timedelta(days=13)
            board = _nth_weekday(y0, 6, 3, 2) + timedelta(days=14 * n)
            draft = AgreementDraft(
                agency=agency, title=f"School resource officer agreement, {y0}-{y0 + 5}",
                school_ids=[plan.school(c).id for c in covers[agency]],
                effective_start=date(y0, 8, 15).isoformat(),
                effective_end=date(plan.years[-1] + 1, 8, 31).isoformat(),
                comment_start=comment_start.isoformat(), comment_end=comment_end.isoformat(),
                board_approval_date=board.isoformat(), board_resolution=f"Resolution {y0}-{14 + n:02d}",
                sent_to_ospi_date=(board + timedelta(days=14)).isoformat(),
                note="Public comment invited from students, families, staff and the community.")
            self.clock.on(board)
            record_id = agreements.add_agreement(self.session, draft)
            for key, note in CONTENT_NOTES.items():
                agreements.confirm_content(self.session, record_id, key, note)
            agreements.adopt_agreement(self.session, record_id)
            last = add_years(next_due[agency], -1)
            reviews = [add_years(last, -k) for k in range(len(plan.years) + 1)]
            for day in sorted(d for d in reviews if board < d <= self.last):
                self.clock.on(day)
                agreements.record_review(self.session, record_id, day,
                                         "Reviewed with the agency and the principals; no changes. "
                                         "The board was informed.")
            self.counts["agreements"] += 1

    # ------------------------------------------------------------ policy training (P22)
    def policy_training(self, y: int) -> None:
        from safetydesk.domain.policy_training import PolicyTrainingDraft
        from safetydesk.services import policy_training

        rng, plan = self.rng, self.plan
        days = _calendar(y)
        august = date(y, 8, 20) + timedelta(days=rng.randint(0, 6))
        while august.weekday() > 4:
            august += timedelta(days=1)
        staff = list(dict.fromkeys(m.draft.name for m in plan.staff
                                   if m.in_rotation and m.start <= august and (m.end is None or august <= m.end)))
        high = rng.choice([s for s in plan.schools if s.level in ("high", "middle")])
        sessions = [
            PolicyTrainingDraft(date=august.isoformat(), topic="Policy 4311 for safety and security "
                                "staff: roles, documentation and the complaint process",
                                audiences=["safety_staff"], trainer=self.trainer, attendees=staff),
            PolicyTrainingDraft(date=days[rng.randint(8, 14)].isoformat(),
                                topic="Requests for intervention and discipline-related interactions "
                                      "(Policies 4311 and 3432)", audiences=["administrators"],
                                trainer=self.trainer, attendance_count=rng.randint(24, 31)),
            PolicyTrainingDraft(date=days[rng.randint(25, 35)].isoformat(),
                                topic="Taking a family's complaint about safety staff",
                                audiences=["front_office"], trainer=self.trainer,
                                attendance_count=rng.randint(17, 23)),
            PolicyTrainingDraft(date=days[rng.randint(80, 95)].isoformat(), school_id=high.id,
                                topic="When teachers may ask safety staff to intervene",
                                audiences=["teachers"], trainer=self.trainer,
                                attendance_count=rng.randint(35, 75)),
        ]
        for draft in sorted(sessions, key=lambda d: d.date):
            day = date.fromisoformat(draft.date)
            if day > self.last:
                continue
            self.clock.on(day)
            policy_training.record_session(self.session, draft)
            self.counts["policy training sessions"] += 1

    # ------------------------------------------------------------ complaints (P16)
    def complaints(self, y: int) -> None:
        from safetydesk.services.calendar import school_calendar

        rng, plan = self.rng, self.plan
        self.cal = school_calendar(self.store)
        if y != plan.years[-1]:
            days = [d for d in _calendar(y) if d <= self.today - timedelta(days=150)]
            for received in sorted(rng.sample(days, min(len(days), rng.randint(5, 7)))):
                final = "appealed" if rng.random() < 0.15 else "closed"
                self._complaint(received, final, anonymous=rng.random() < 0.2)
            return
        # This year: at every step, one overdue for acknowledgement, one with an interpreter.
        overdue = self.today - timedelta(days=9)
        while overdue.weekday() > 4 or self.cal.add_school_days(overdue, 5) >= self.today:
            overdue -= timedelta(days=1)
        recent = self.today - timedelta(days=1)
        while recent.weekday() > 4:
            recent -= timedelta(days=1)
        for received, final, kw in (
            (self.today - timedelta(days=95), "closed", {}),
            (self.today - timedelta(days=70), "response_sent", {}),
            (self.today - timedelta(days=38), "findings", {}),
            (self.today - timedelta(days=30), "investigating", {"language": "Spanish"}),
            (self.today - timedelta(days=16), "acknowledged", {"anonymous": True}),
            (overdue, "received", {}),
            (recent, "received", {"anonymous": True}),
        ):
            while received.weekday() > 4:
                received -= timedelta(days=1)
            self._complaint(received, final, **kw)

    def _complaint(self, received: date, final: str, anonymous: bool = False, language: str = "") -> None:
        from safetydesk.domain.complaints import ComplaintDraft
        from safetydesk.services import complaints

        rng, plan = self.rng, self.plan
        incident = received - timedelta(days=rng.randint(0, 8))
        staffed = [s for s in plan.schools if s.level != "elementary" or rng.random() < 0.15]
        for _ in range(20):
            school = rng.choices(staffed, [s.enrolment * LEVEL_RATE[s.level] for s in staffed])[0]
            on_duty = [sid for sid, _, start, end, _ in school.staff
                       if start <= incident and (end is None or incident <= end)]
            if on_duty:
                break
        member = plan.staff_by_id[rng.choice(on_duty)]
        year = incident.year if incident.month >= 9 else incident.year - 1
        pool = plan.pools.get((school.id, year))
        students = [pool(rng)] if pool else []
        if not language and rng.random() < 0.1:
            language = rng.choice(OTHER_LANGUAGES)
        first, last = plan.person(rng=rng, culture="hispanic" if language == "Spanish" else None)
        contact: dict[str, str] = {}
        if not anonymous:
            contact["complainant_name"] = f"{first} {last}"
            contact["contact_phone"] = f"(360) 555-01{rng.randint(0, 99):02d}"
            if rng.random() < 0.4:
                ascii_name = "".join(c for c in unicodedata.normalize("NFKD", f"{first}.{last}".lower())
                                     if c.isascii() and (c.isalnum() or c == "."))
                contact["contact_email"] = f"{ascii_name}@example.org"
        allegations = [{"text": t} for t in rng.sample(ALLEGATIONS, _pick(rng, ((1, 60), (2, 30), (3, 10))))]
        referral: dict[str, str] = {}
        if member.draft.employer_type in ("law_enforcement", "contractor"):
            ref_day = min(received + timedelta(days=rng.randint(1, 3)), self.last)
            prefix = {POLICE: "CRPD-IA", SHERIFF: "ACSO-PS"}.get(member.draft.agency, "BCS-HR")
            referral = {"referral_agency": member.draft.agency, "referral_date": ref_day.isoformat(),
                        "referral_case_number": f"{prefix}-{ref_day.year}-{rng.randint(1, 140):03d}"}
        draft = ComplaintDraft(
            received_date=received.isoformat(),
            channel=_pick(rng, (("phone", 35), ("email", 25), ("in_person", 20), ("online_form", 15),
                                ("letter", 5))),
            received_by=self.office[school.id], school_id=school.id, anonymous=anonymous,
            complainant_relationship=_pick(rng, (("parent", 75), ("guardian", 15), ("student", 10))),
            preferred_language=language or "English", interpreter_needed=bool(language),
            staff_ids=[member.id], incident_date=incident.isoformat(),
            incident_place=rng.choice(COMPLAINT_PLACES), student_ids=students, allegations=allegations,
            narrative="The family says: " + " ".join(a["text"] for a in allegations)
                      + " They ask the district to look into it and to tell them what will change.",
            **contact, **referral)
        self.clock.on(max(received, date.fromisoformat(referral.get("referral_date", received.isoformat()))))
        filed = complaints.file_complaint(self.session, draft)
        self.counts["complaints"] += 1
        cid = filed.id
        order = ["received", "acknowledged", "investigating", "findings", "response_sent", "closed"]
        target = order.index("response_sent") + 1 if final == "appealed" else order.index(final)
        day = received

        def step(to: str, frm: str, when: date, note: str = "") -> date:
            when = min(max(when, day), self.last)
            self.clock.on(when)
            complaints.take_step(self.session, cid, to, frm, when, note)
            return when

        if target >= 1:
            day = step("acknowledged", "received", self.cal.add_school_days(received, rng.randint(1, 4)),
                       "Letter sent to the family" if not anonymous else "")
            self.clock.on(day)
            complaints.assign_investigator(self.session, cid, self.investigator)
        if target >= 2:
            day = step("investigating", "acknowledged", day + timedelta(days=rng.randint(1, 4)))
            for _ in range(rng.randint(1, 2)):
                day = min(day + timedelta(days=rng.randint(1, 5)), self.last)
                self.clock.on(day)
                complaints.add_investigation_note(self.session, cid, rng.choice(INVESTIGATION_NOTES))
            if language == "Spanish" and final == "investigating":
                complaints.extend_response_deadline(
                    self.session, cid, 60, "Waiting for the agency's review of the incident report.")
        if target >= 3:
            day = min(max(day, received + timedelta(days=rng.randint(15, 25))), self.last)
            self.clock.on(day)
            complaints.record_findings(self.session, cid, {
                a["id"]: _pick(rng, FINDINGS)
                for a in (self.store.state("complaint", cid) or {}).get("allegations", [])})
            day = step("findings", "investigating", day)
        if target >= 4:
            day = step("response_sent", "findings", day + timedelta(days=rng.randint(1, 5)),
                       "Response letter sent")
        if final == "appealed":
            day = step("appealed", "response_sent", day + timedelta(days=rng.randint(5, 20)),
                       "The family wrote to the Superintendent disagreeing with the finding.")
            step("closed", "appealed", day + timedelta(days=rng.randint(15, 30)),
                 "The Superintendent's designee upheld the findings.")
        elif target >= 5:
            step("closed", "response_sent", day + timedelta(days=rng.randint(7, 21)))


# --------------------------------------------------------------------------- writing
class _Writer:
    """Buffers (user, change) pairs and appends them in large write transactions."""

    def __init__(self, store: Store, total: int, progress: Progress | None, bulk: bool = True) -> None:
        self.store = store
        self.bulk = bulk
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
        if self.bulk:
            self.store.append_new(self.pending)
        else:  # the ordinary path of a save, entry by entry (the test that both agree)
            with self.store.write():
                for user, group in itertools.groupby(self.pending, key=lambda item: item[0]):
                    self.store.append(user, [change for _, change in group])
        self.done += len(self.pending)
        self.pending = []
        gc.collect()  # the batch's cyclic garbage, if any (`_few_collections`)
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
    bulk: bool = True,
    workers: int | None = None,
) -> Summary:
    """Create a data file in ``paths`` filled with a fictional district's records.

    ``interactions`` overrides the number of interactions (default about
    12,000; 0 to 1,000,000). ``today`` (default: the real date) fixes the
    current school year: the demo spans it and the four years before it, with
    interactions up to the day before. The accounts admin, principal, office,
    officer and reviewer all have the password "demo". Refuses (DataFileError)
    a folder whose data file is already set up; if generation fails or is
    interrupted, the files it created are removed.

    ``bulk`` (the default) writes the everyday batches by the bulk path
    (`store.bulk.bulk_load`: indexes built once, the projectors' rows grouped);
    False writes them entry by entry as a save would, for the test that both
    give the same records.

    ``workers``: whether a worker process generates the students' and interactions' entries
    while this one writes them (default: from `WORKER_FROM` interactions on; 0: all here; any
    other number: one worker, as the entries are one random sequence). The records are the same
    either way (`_produce` runs the very code this process would, from the same seed).
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
        summary = _fill(store, seed, count, today, progress, bulk, workers)
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


def _fill(store: Store, seed: int, count: int, today: date, progress: Progress | None,
          bulk: bool = True, workers: int | None = None) -> Summary:
    school_ids = {s["code"]: s["id"] for s in queries.schools(store, include_inactive=True)}
    if workers is None:
        workers = 1 if count >= WORKER_FROM and not getattr(sys, "frozen", False) else 0
    source: _Source = _Worker(seed, today, school_ids, count) if workers else _Here(seed, today, school_ids, count)
    try:
        with _few_collections():
            return _fill_from(store, source, seed, count, today, progress, bulk, school_ids)
    finally:
        source.close()


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Python's cyclic garbage collector, run once a batch instead of by its thresholds.

    Building the entries, unpickling them and projecting them makes hundreds of thousands of
    small objects a batch, nearly none of them in a cycle (reference counting frees them). At its
    thresholds the collector would walk every live object again and again (the plan, the batch):
    measured, it tripled the cost of reading a chunk of entries (about 50 against 15 µs an
    interaction). What lives before the build (imports, the plan) is frozen out of the collector's
    walks; the callers collect once after each batch (or chunk), so memory stays flat."""
    was = gc.isenabled()
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if was:
            gc.enable()


def _fill_from(store: Store, source: _Source, seed: int, count: int, today: date, progress: Progress | None,
               bulk: bool, school_ids: dict[str, str]) -> Summary:
    plan = _Plan(seed, today, school_ids)
    climate, outside = _everyday_extras(plan, seed)
    users = plan.users[1:]  # the administrator exists already
    # The requests for intervention and the district records are counted as they are made;
    # until then the total is an estimate (the last report has the exact figures).
    total = (len(users) + YEARS + 2 * len(plan.staff) + len(plan.students) + count + round(count * 0.106)
             + len(climate) + len(outside) + DISTRICT_ESTIMATE)
    writer = _Writer(store, total, progress, bulk)
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
    with bulk_load(store) if bulk else contextlib.nullcontext():  # indexes built once at the end
        _batches(writer, plan, source, climate, outside)

    # District records through the services (they validate), in one write transaction.
    before = store.history_count()
    done = writer.done

    def report() -> None:
        writer.done = done + store.history_count() - before
        writer.total = max(writer.total, writer.done)
        writer.report()

    district_records = _District(store, plan, random.Random(f"safetydesk-demo-district/{seed}"), report)
    with store.write():
        district_records.run()
    writer.total = writer.done
    writer.report()

    responses = Counter(c.changes["response"][1] for _, c in outside)
    return Summary(
        counts={
            "schools": len(plan.schools),
            "school years": len(plan.years),
            "staff": len(plan.staff),
            "students": plan.current_students,
            "former students": len(plan.students) - plan.current_students,
            "interactions": count,
            "accounts": len(plan.users),
            "training records": len(plan.training),
            "intervention requests": source.written[INTERVENTION],
            "climate activities": len(climate),
            "outside requests": len(outside),
            "outside requests declined": responses["declined"],
            **{k: district_records.counts[k] for k in DISTRICT_COUNTS},
        },
        accounts=[(name, _role_label(user, plan)) for name, user in plan.users],
    )


def _batches(writer: _Writer, plan: _Plan, source: _Source,
             climate: list[tuple[str, Change]], outside: list[tuple[str, Change]]) -> None:
    """The everyday records, in large batches of new records (`Store.append_new`)."""
    for y in plan.years:
        label = f"{y}-{(y + 1) % 100:02d}"
        writer.add(SETUP_USER, registry.create_changes(
            SchoolYearDraft(label=label, start_date=f"{y}-09-01", end_date=f"{y + 1}-08-31"),
            label))
    for member in plan.staff:
        writer.add(SETUP_USER, registry.create_changes(member.draft, member.id))
    # P02: each person's training record (its id is the staff member's), as
    # services.staff.record_training saves it.
    for member in plan.staff:
        state = plan.training[member.id].to_state() | bookkeeping(SETUP_USER)
        writer.add(SETUP_USER, Change(TRAINING, member.id, Action.CREATE, diff_states(None, state)))
    writer.flush()
    for author, change in source.students():
        writer.add(author, change)
    writer.flush()
    for author, change in source.interactions():
        writer.add(author, change)
    writer.flush()
    for author, change in itertools.chain(climate, outside):
        writer.add(author, change)
    writer.flush()


# --------------------------------------------------------------------------- generating beside the writer
WORKER_FROM = 5_000  # interactions from which a worker process generates while this one writes
CHUNK = 2_000  # entries a worker sends at a time


def _everyday_extras(plan: _Plan, seed: int) -> tuple[list[tuple[str, Change]], list[tuple[str, Change]]]:
    """Climate activities and outside requests: made before the interactions' requests for
    intervention, which draw their ids from the same stream after them."""
    climate = list(_climate(plan, random.Random(f"safetydesk-demo-climate/{seed}")))
    outside = _outside_requests(plan, random.Random(f"safetydesk-demo-outside/{seed}"))
    return climate, outside


def _entries(seed: int, today: date, school_ids: dict[str, str], count: int,
             ) -> tuple[Iterator[tuple[str, Change]], Iterator[tuple[str, Change]], _Interactions]:
    """The students' entries and the interactions' (with their requests), as one process makes
    them from the seed: the same plan, the same streams drawn in the same order."""
    plan = _Plan(seed, today, school_ids)
    stream = _Interactions(plan, random.Random(f"safetydesk-demo-interactions/{seed}"), count)
    _everyday_extras(plan, seed)  # their ids come first in the stream the requests draw from
    students = ((SETUP_USER, registry.create_changes(student, sid)) for sid, student in plan.students)
    return students, stream.stream(count), stream


class _Source:
    """Where the writer takes the students' and interactions' entries from."""

    written: Counter[str]

    def students(self) -> Iterator[tuple[str, Change]]:
        raise NotImplementedError

    def interactions(self) -> Iterator[tuple[str, Change]]:
        raise NotImplementedError

    def close(self) -> None:
        pass


class _Here(_Source):
    """Generated in this process, between the writes."""

    def __init__(self, seed: int, today: date, school_ids: dict[str, str], count: int) -> None:
        self._students, self._interactions, self._stream = _entries(seed, today, school_ids, count)
        self.written = self._stream.written

    def students(self) -> Iterator[tuple[str, Change]]:
        return self._students

    def interactions(self) -> Iterator[tuple[str, Change]]:
        return self._interactions


def _produce(seed: int, today: date, school_ids: dict[str, str], count: int, out: Any) -> None:
    """In the worker: send the entries in chunks (pickled to ``out``), then what was written,
    or the failure."""
    def send(message: tuple[str, Any]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        students, interactions, stream = _entries(seed, today, school_ids, count)
        with _few_collections():
            for part, items in (("students", students), ("interactions", interactions)):
                while chunk := list(itertools.islice(items, CHUNK)):
                    # spelled here, beside the writer: the texts that do not depend on the chain
                    send((part, [(author, Encoded.of(change, change.action == Action.CREATE).wire())
                                 for author, change in chunk]))
                    del chunk
                    gc.collect()
                send((part, None))
        send(("written", dict(stream.written)))
    except BaseException as exc:  # the writer raises it, with what it says
        send(("failed", f"{type(exc).__name__}: {exc}"))


def _serve() -> None:
    """The worker process's main: its arguments come pickled on standard input."""
    seed, today, school_ids, count = pickle.load(sys.stdin.buffer)
    _produce(seed, today, school_ids, count, sys.stdout.buffer)


class _Worker(_Source):
    """Generated in a worker process (a fresh interpreter running `_serve`) while this one
    hashes, signs and writes. The pipe between them holds a few chunks at most, so memory
    stays flat; a worker that fails or stops is reported with what it said."""

    def __init__(self, seed: int, today: date, school_ids: dict[str, str], count: int) -> None:
        import subprocess
        import tempfile

        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close(), after the process
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from safetydesk.demo.generator import _serve; _serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors, env=env)
        assert self._process.stdin is not None and self._process.stdout is not None
        self._out = self._process.stdout
        pickle.dump((seed, today, school_ids, count), self._process.stdin)
        self._process.stdin.close()
        self.written = Counter()

    def _next(self) -> tuple[str, Any]:
        try:
            message: tuple[str, Any] = pickle.load(self._out)
            return message
        except (EOFError, pickle.UnpicklingError) as exc:
            code = self._process.wait()
            self._errors.seek(0)
            said = self._errors.read().decode("utf-8", "replace").strip().splitlines()[-1:]
            raise RuntimeError(f"The demo's generating process stopped (exit code {code}"
                               f"{': ' + said[0] if said else ''}).") from exc

    def _part(self, name: str) -> Iterator[tuple[str, Change]]:
        while True:
            part, chunk = self._next()
            if part == "failed":
                raise RuntimeError(f"The demo's generating process failed: {chunk}")
            if part != name:
                raise RuntimeError(f"The demo's generating process sent {part} where {name} was due.")
            if chunk is None:
                return
            for author, wire in chunk:
                yield author, Encoded.from_wire(wire)

    def students(self) -> Iterator[tuple[str, Change]]:
        return self._part("students")

    def interactions(self) -> Iterator[tuple[str, Change]]:
        yield from self._part("interactions")
        part, written = self._next()
        if part != "written":
            raise RuntimeError(f"The demo's generating process failed: {written}")
        self.written.update(written)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._out.close()
        self._errors.close()


DISTRICT_ESTIMATE = 700  # history entries the district records add (for the progress bar)
DISTRICT_COUNTS = ("school calendars", "start-of-year records", "complaints", "agreements",
                   "policy training sessions")


def _role_label(user: UserDraft, plan: _Plan) -> str:
    label = Role(user.role).label
    if user.schools:
        label += " — " + ", ".join(plan.by_id[s].name for s in user.schools)
    return label
