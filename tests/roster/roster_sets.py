"""Fictional OneRoster CSV sets, shaped as the public OneRoster 1.0/1.1/1.2 sample sets and
vendors' exports describe them. Every person here is invented.

`write_set` writes one set to a folder (or a zip); tests/fixtures/roster/ holds the
vendor-shaped sets made with it (see make_fixtures.py there).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "roster"

# Distinctive birth-place values: none may ever reach the data file, a backup, an export or a log.
BIRTH_VALUES = {"countryOfBirthCode": "ZQXCOUNTRY", "stateOfBirthAbbreviation": "ZQXSTATE",
                "cityOfBirth": "Zqxcityville"}

RACE_COLUMNS = ("americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican",
                "nativeHawaiianOrOtherPacificIslander", "white")
RACE_CODES = {"americanIndianOrAlaskaNative": "american_indian_alaska_native", "asian": "asian",
              "blackOrAfricanAmerican": "black_african_american",
              "nativeHawaiianOrOtherPacificIslander": "native_hawaiian_pacific_islander", "white": "white"}


@dataclass
class Kid:
    sis: str
    given: str
    family: str
    school: str = "BHS"  # org identifier (the SafetyDesk school code)
    grade: str = "10"
    birth: str = "2010-04-17"
    sex: str = "female"
    races: tuple[str, ...] = ("asian",)  # OneRoster race column names
    hispanic: str = "false"
    two_or_more: str = ""
    status: str = "active"
    modified: str = "2026-08-20T10:00:00.000Z"


def kids(n: int, *, prefix: str = "K", school: str = "BHS") -> list[Kid]:
    given = ("Lumi", "Orrin", "Tavi", "Wren", "Ilse", "Juno", "Kasper", "Mirela", "Nilo", "Pia")
    family = ("Fenwick", "Castellane", "Marlowe", "Quillon", "Rasmund", "Sorrel", "Thistlewood", "Varga")
    return [Kid(f"{prefix}{i:05d}", given[i % len(given)], family[i % len(family)], school,
                races=(RACE_COLUMNS[i % 5],), sex=("female", "male", "other")[i % 3]) for i in range(n)]


@dataclass
class Shape:
    """How a vendor writes the set."""

    version: str = "1.1"  # "1.0" (no manifest), "1.1", "1.2" (roles in roles.csv)
    modes: dict[str, str] = field(default_factory=dict)  # file stem -> bulk | delta | absent
    demo_key: str = "sourcedId"  # or "userSourcedId" (1.0 and several exporters)
    rename: dict[str, str] = field(default_factory=dict)  # OneRoster column -> the vendor's spelling
    birth_columns: bool = True
    files: tuple[str, ...] = ("orgs", "users", "demographics", "enrollments")
    encoding: str = "utf-8"
    bom: bool = False
    newline: str = "\r\n"


def _csv(header: list[str], rows: list[list[str]], shape: Shape) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=shape.newline)
    w.writerow([shape.rename.get(h, h) for h in header])
    w.writerows(rows)
    data = buf.getvalue().encode(shape.encoding)
    if shape.bom and shape.encoding.lower().replace("-", "") in ("utf8",):
        data = b"\xef\xbb\xbf" + data
    return data


def set_files(students: list[Kid], shape: Shape | None = None) -> dict[str, bytes]:
    shape = shape or Shape()
    out: dict[str, bytes] = {}
    v12 = shape.version == "1.2"
    if shape.version != "1.0":
        rows = [["manifest.version", "1.0"], ["oneroster.version", shape.version]]
        for stem in ("academicSessions", "categories", "classes", "classResources", "courses",
                     "courseResources", "demographics", "enrollments", "lineItems", "orgs", "resources",
                     "results", "users", *(["roles", "userProfiles"] if v12 else [])):
            mode = shape.modes.get(stem, "bulk" if stem in shape.files or (stem == "roles" and v12)
                                   else "absent")
            rows.append([f"file.{stem}", mode])
        rows += [["source.systemName", "Fictional SIS"], ["source.systemCode", "FSIS"]]
        out["manifest.csv"] = _csv(["propertyName", "value"], rows, shape)
    if "orgs" in shape.files:
        out["orgs.csv"] = _csv(
            ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
            [["org-d", "active", "", "Fictional Valley SD", "district", "FV", ""],
             ["org-ALD", "active", "", "Alder Elementary", "school", "ALD", "org-d"],
             ["org-BHS", "active", "", "Birch High School", "school", "BHS", "org-d"]], shape)
    teacher = Kid("T0001", "Pat", "Teacher", status="active")
    users_header = ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds",
                    *([] if v12 else ["role"]), "username", "userIds", "givenName", "familyName", "middleName",
                    "identifier", "email", "sms", "phone", "agentSourcedIds", "grades", "password",
                    *(["userMasterIdentifier", "preferredGivenName", "primaryOrgSourcedId"] if v12 else [])]

    def user_row(k: Kid, role: str) -> list[str]:
        row = [f"u-{k.sis}", k.status, k.modified, "true", f"org-{k.school}", *([] if v12 else [role]),
               k.sis.lower(), "", k.given, k.family, "", k.sis, "", "", "", "",
               k.grade if role == "student" else "", ""]
        if v12:
            row += [k.sis, "", f"org-{k.school}"]
        return row

    if "users" in shape.files:
        out["users.csv"] = _csv(users_header, [user_row(k, "student") for k in students]
                                + [user_row(teacher, "teacher")], shape)
    if v12 and shape.modes.get("roles") != "absent":
        out["roles.csv"] = _csv(
            ["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate",
             "endDate", "orgSourcedId", "userProfileSourcedId"],
            [[f"r-{k.sis}", k.status, k.modified, f"u-{k.sis}", "primary", "student", "", "",
              f"org-{k.school}", ""] for k in students]
            + [["r-T0001", "active", "", "u-T0001", "primary", "teacher", "", "", "org-BHS", ""]], shape)
    if "demographics" in shape.files:
        header = [shape.demo_key, "status", "dateLastModified", "birthDate", "sex", *RACE_COLUMNS,
                  "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity",
                  *(BIRTH_VALUES if shape.birth_columns else []), "publicSchoolResidenceStatus"]
        if shape.demo_key == "userSourcedId":
            header = ["sourcedId", *header]
        rows = []
        for k in students:
            row = [f"u-{k.sis}", "active", k.modified, k.birth, k.sex,
                   *["true" if c in k.races else "false" for c in RACE_COLUMNS], k.two_or_more, k.hispanic,
                   *(BIRTH_VALUES.values() if shape.birth_columns else []), "01652"]
            if shape.demo_key == "userSourcedId":
                row = [f"d-{k.sis}", *row]
            rows.append(row)
        out["demographics.csv"] = _csv(header, rows, shape)
    if "enrollments" in shape.files:
        out["enrollments.csv"] = _csv(
            ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId",
             "role", "primary", "beginDate", "endDate"],
            [[f"e-{k.sis}", "active", "", "c-1", f"org-{k.school}", f"u-{k.sis}", "student", "true", "", ""]
             for k in students], shape)
    return out


def write_set(target: Path, students: list[Kid], shape: Shape | None = None, *, as_zip: bool = False) -> Path:
    files = set_files(students, shape)
    if as_zip:
        target = target.with_suffix(".zip")
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in files.items():
                z.writestr(name, data)
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (target / name).write_bytes(data)
    return target
