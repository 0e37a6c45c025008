"""The OneRoster column names SafetyDesk reads, and the vendor spellings it accepts for them.

Headers are compared normalised (lower case, letters and digits only), so
``Birth Date``, ``birth_date`` and ``BIRTHDATE`` are all ``birthDate``. Beyond
that, student information systems have habits of their own: a misspelt query
column, a name cut off at a 30-character database limit, a vendor's own word.
Each such header is read as the OneRoster column it stands for *only when the
file does not also carry that column*, and the summary names every one ("read
nativeHawaiianOrOtherPacificIs as nativeHawaiianOrOtherPacificIslander").

P14: headers naming place of birth, citizenship or immigration are recognised
(`safetydesk.domain.roster.is_forbidden_column`) *before* any alias, so no alias
can ever make such a column readable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


# The columns read from each OneRoster file, in OneRoster's spelling.
COLUMNS: dict[str, tuple[str, ...]] = {
    "manifest.csv": ("propertyName", "value"),
    "orgs.csv": ("sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"),
    "users.csv": ("sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
                  "givenName", "familyName", "identifier", "grades", "primaryOrgSourcedId"),
    "roles.csv": ("sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role",
                  "orgSourcedId"),
    "enrollments.csv": ("sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId",
                        "userSourcedId", "role", "primary"),
    "demographics.csv": ("sourcedId", "userSourcedId", "status", "dateLastModified", "birthDate", "sex",
                         "americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                         "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces",
                         "hispanicOrLatinoEthnicity"),
}

# Known vendor spellings (normalised) -> the OneRoster column, per file ("*" = any file).
ALIASES: dict[str, dict[str, str]] = {
    "demographics.csv": {
        # A PowerSchool query's typo, and other exporters' wordings.
        "americanindianoralaksanative": "americanIndianOrAlaskaNative",
        "americanindianoralaskannative": "americanIndianOrAlaskaNative",
        "americanindianalaskanative": "americanIndianOrAlaskaNative",
        "americanindian": "americanIndianOrAlaskaNative",
        "blackafricanamerican": "blackOrAfricanAmerican",
        "black": "blackOrAfricanAmerican",
        "nativehawaiianotherpacificislander": "nativeHawaiianOrOtherPacificIslander",
        "nativehawaiianorpacificislander": "nativeHawaiianOrOtherPacificIslander",
        "pacificislander": "nativeHawaiianOrOtherPacificIslander",
        "demographicracetwoormorerace": "demographicRaceTwoOrMoreRaces",
        "racetwoormoreraces": "demographicRaceTwoOrMoreRaces",
        "twoormoreraces": "demographicRaceTwoOrMoreRaces",
        "multiracial": "demographicRaceTwoOrMoreRaces",
        "hispanicorlatino": "hispanicOrLatinoEthnicity",
        "hispaniclatino": "hispanicOrLatinoEthnicity",
        "hispanicorlatinoethnicty": "hispanicOrLatinoEthnicity",
        "hispaniclatinoethnicity": "hispanicOrLatinoEthnicity",
        "birthdt": "birthDate",
        "dateofbirth": "birthDate",
        "dob": "birthDate",
        "gender": "sex",
        "studentsourcedid": "userSourcedId",
        "usersourceid": "userSourcedId",
    },
    "users.csv": {
        "firstname": "givenName",
        "lastname": "familyName",
        "grade": "grades",
        "gradelevel": "grades",
        "studentnumber": "identifier",
        "primaryorgsourceid": "primaryOrgSourcedId",
        "orgsourceids": "orgSourcedIds",
    },
    "enrollments.csv": {"usersourceid": "userSourcedId", "schoolsourceid": "schoolSourcedId"},
    "roles.csv": {"usersourceid": "userSourcedId", "orgsourceid": "orgSourcedId"},
    "*": {"sourceid": "sourcedId", "lastmodified": "dateLastModified", "datelastmodifed": "dateLastModified"},
}

# A header cut off by a database limit: a prefix of one OneRoster column, at least this long.
_TRUNCATED_MIN = 14


@dataclass(frozen=True)
class HeaderAlias:
    file: str
    column: str  # as spelt in the file
    read_as: str  # the OneRoster column

    def __str__(self) -> str:
        return f"read {self.column} as {self.read_as} ({self.file})"


def resolve_headers(file: str, headers: list[str]) -> tuple[list[str], list[HeaderAlias]]:
    """Each header's normalised OneRoster name (or its own normalised name), and the aliases used.

    A vendor spelling counts only when the file has no column of the proper name;
    the first of two spellings of one column wins.
    """
    file = file.lower().rsplit("/", 1)[-1]
    known = {normalise_header(c): c for c in COLUMNS.get(file, ())}
    table = {**ALIASES.get("*", {}), **ALIASES.get(file, {})}
    norms = [normalise_header(h) for h in headers]
    taken = {n for n in norms if n in known}
    out: list[str] = []
    used: list[HeaderAlias] = []
    for raw, n in zip(headers, norms, strict=True):
        if n in known or not n:
            out.append(n)
            continue
        target = table.get(n)
        if target is None and len(n) >= _TRUNCATED_MIN:
            matches = [c for k, c in known.items() if k.startswith(n)]
            target = matches[0] if len(matches) == 1 else None
        if target is not None and normalise_header(target) not in taken:
            taken.add(normalise_header(target))
            out.append(normalise_header(target))
            used.append(HeaderAlias(file, raw.strip(), target))
        else:
            out.append(n)
    return out, used
