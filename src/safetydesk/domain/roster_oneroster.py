"""OneRoster 1.0, 1.1 and 1.2 CSV sets, as student information systems really export them.

- ``manifest.csv`` (1.1, 1.2) gives the version and, for each file, ``bulk``,
  ``delta`` or ``absent``; without a manifest (1.0) every file is bulk.
- Students are the users whose ``role`` is ``student`` in ``users.csv`` (1.0,
  1.1) or who hold a student role in ``roles.csv`` (1.2, where ``users.csv`` has
  no ``role`` column).
- ``demographics.csv`` is keyed by ``userSourcedId`` (1.0 and several exporters)
  or by ``sourcedId`` (1.1, 1.2: the user's own sourcedId).
- ``status`` ``tobedeleted`` or ``inactive`` (and ``enabledUser`` false) make a
  student inactive in any mode. A delta file carries only what changed: a
  student absent from it is left as they are, never made inactive, and a field
  the delta does not carry is kept. In a delta, the row with the latest
  ``dateLastModified`` wins when a student appears twice.
- Vendor spellings of headers are read through `roster_headers`; P14 columns
  are dropped as the rows are read (`roster.read_table`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime

from safetydesk.domain.records import StudentDraft
from safetydesk.domain.roster import (
    ONEROSTER_RACES,
    RosterPreview,
    RowProblem,
    _school_lookup,
    parse_birth_date,
    parse_bool,
    parse_gender,
    parse_grade,
    read_table,
)

BASE_FIELDS = {"local_id", "first_name", "last_name", "school_id"}
DEMOGRAPHIC_FIELDS = {"birth_date", "races", "hispanic_latino", "gender_identity"}
INACTIVE_STATUSES = ("tobedeleted", "inactive")
_MODES = ("bulk", "delta", "absent")


def _modified(value: str) -> str:
    """dateLastModified as a sortable ISO string ("" when unreadable)."""
    v = (value or "").strip().replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(v).isoformat()
    except ValueError:
        return ""


def parse(files: Mapping[str, str], schools: Mapping[str, list[str]], *,
          today: date | None = None) -> RosterPreview:
    """A OneRoster CSV set (``files``: file name -> text) as students.

    ``schools`` maps each SafetyDesk school id to the names it is known by (its
    name and its code), matched against each org's name and identifier.
    """
    today = today or date.today()
    preview = RosterPreview("oneroster")
    names = {n.lower().rsplit("/", 1)[-1]: n for n in files}

    def table(fname: str) -> tuple[set[str], Iterator[tuple[int, dict[str, str]]]]:
        if fname not in names or preview.modes.get(fname) == "absent":
            return set(), iter(())
        return read_table(fname, files[names[fname]], preview.skipped_columns, preview.aliases)

    # ---------------------------------------------------------------- manifest
    manifest: dict[str, str] = {}
    if "manifest.csv" in names:
        _cols, rows = table("manifest.csv")
        for _line, row in rows:
            manifest[row.get("propertyname", "").strip().lower()] = row.get("value", "").strip()
    if manifest:
        preview.version = manifest.get("oneroster.version") or "1.1"
    else:
        preview.version = "1.0" if "manifest.csv" not in names else ""
    for fname in ("orgs.csv", "users.csv", "roles.csv", "enrollments.csv", "demographics.csv"):
        stem = fname.removesuffix(".csv")
        mode = manifest.get(f"file.{stem}", "").lower() if manifest else ""
        if not mode:
            mode = "bulk" if fname in names else "absent"
        if mode not in _MODES:
            preview.problems.append(RowProblem("manifest.csv", 0, f"file.{stem} is “{mode}”; OneRoster "
                                               "allows bulk, delta or absent.", kind="manifest"))
            mode = "bulk"
        if mode != "absent" and fname not in names:
            preview.problems.append(RowProblem("manifest.csv", 0, f"The manifest lists {fname} as {mode}, "
                                               f"but the set has no {fname}.", kind="manifest"))
            mode = "absent"
        if mode == "absent" and fname in names:
            preview.notes.append(f"{fname} is in the set but the manifest says it is absent: it was not read.")
        preview.modes[fname] = mode
    delta_users = preview.modes["users.csv"] == "delta"
    if preview.modes["users.csv"] == "absent":
        if "users.csv" not in names:
            preview.problems.append(RowProblem("users.csv", 0, "A OneRoster import needs users.csv (and "
                                               "usually orgs.csv, demographics.csv and enrollments.csv).",
                                               kind="files"))
        return preview
    if preview.modes["orgs.csv"] == "absent" and not delta_users:
        preview.problems.append(RowProblem("orgs.csv", 0, "A OneRoster import needs orgs.csv to know each "
                                           "student's school.", kind="files"))
        return preview

    # ---------------------------------------------------------------- orgs
    lookup = _school_lookup(schools)
    org_school: dict[str, str] = {}
    _cols, rows = table("orgs.csv")
    for _line, org in rows:
        if org.get("status", "active").lower() in INACTIVE_STATUSES:
            continue
        sid = lookup.get(org.get("identifier", "").strip().lower()) or lookup.get(org.get("name", "").strip().lower())
        if sid:
            org_school[org.get("sourcedid", "")] = sid
        elif org.get("type", "school").lower() == "school":
            preview.unmatched_schools.append(org.get("name") or org.get("sourcedid", ""))

    # ---------------------------------------------------------------- roles (1.2)
    role_students: set[str] = set()
    role_school: dict[str, str] = {}
    _role_cols, rows = table("roles.csv")
    for _line, r in rows:
        if r.get("role", "").lower() != "student" or r.get("status", "active").lower() in INACTIVE_STATUSES:
            continue
        user = r.get("usersourcedid", "")
        role_students.add(user)
        school = org_school.get(r.get("orgsourcedid", ""))
        if school and (user not in role_school or r.get("roletype", "").lower() == "primary"):
            role_school[user] = school

    # ---------------------------------------------------------------- enrollments
    enrolled: dict[str, str] = {}
    _cols, rows = table("enrollments.csv")
    for _line, e in rows:
        if e.get("role", "").lower() != "student" or e.get("status", "active").lower() in INACTIVE_STATUSES:
            continue
        user = e.get("usersourcedid", "")
        school = org_school.get(e.get("schoolsourcedid", ""))
        if school and (user not in enrolled or parse_bool(e.get("primary", "")) is True):
            enrolled[user] = school

    # ---------------------------------------------------------------- demographics
    demo_mode = preview.modes["demographics.csv"]
    demo_cols, rows = table("demographics.csv")
    demographics: dict[str, tuple[int, dict[str, str]]] = {}
    for line, d in rows:
        if d.get("status", "active").lower() in INACTIVE_STATUSES:
            continue
        key = d.get("usersourcedid", "") or d.get("sourcedid", "")
        if key:
            demographics[key] = (line, d)
    race_cols = [k for k in ONEROSTER_RACES if k in demo_cols]
    demo_fields = set()
    if race_cols or "demographicracetwoormoreraces" in demo_cols:
        demo_fields.add("races")
    if "hispanicorlatinoethnicity" in demo_cols:
        demo_fields.add("hispanic_latino")
    if "sex" in demo_cols:
        demo_fields.add("gender_identity")
    if "birthdate" in demo_cols:
        demo_fields.add("birth_date")
    if demo_mode == "absent" and not delta_users:
        preview.notes.append("There is no demographics.csv: race, ethnicity and gender are not in this "
                             "roster. Students already in SafetyDesk keep theirs; new students will be "
                             "counted as Not reported.")
    elif demo_mode != "absent":
        missing = sorted(DEMOGRAPHIC_FIELDS - demo_fields)
        if missing:
            words = {"races": "race", "hispanic_latino": "Hispanic or Latino ethnicity",
                     "gender_identity": "sex (gender)", "birth_date": "birth date"}
            preview.notes.append("demographics.csv has no column for " + ", ".join(words[m] for m in missing)
                                 + "; students already in SafetyDesk keep what they have.")

    # ---------------------------------------------------------------- users
    users_cols, rows = table("users.csv")
    has_role = "role" in users_cols
    if not has_role and preview.modes["roles.csv"] == "absent":
        preview.problems.append(RowProblem(
            "users.csv", 1, "users.csv has no role column and the set has no roles.csv, so SafetyDesk "
            "cannot tell students from teachers. Export the roles too (OneRoster 1.2 keeps them in "
            "roles.csv).", kind="files"))
        return preview
    preview.provided = set(BASE_FIELDS) | ({"grade"} if "grades" in users_cols else set())
    if demo_mode == "bulk" or (demo_mode == "absent" and not delta_users):
        preview.provided |= demo_fields
    chosen: dict[str, tuple[int, dict[str, str], bool]] = {}
    user_rows = 0
    for line, u in rows:
        user_rows += 1
        sourced = u.get("sourcedid", "")
        status = u.get("status", "active").lower() or "active"
        inactive = status in INACTIVE_STATUSES or parse_bool(u.get("enableduser", "true")) is False
        role = u.get("role", "").lower() if has_role else ""
        if role:
            is_student = role == "student"
        else:
            # 1.2: roles.csv. A delta's tobedeleted row may come without its role: it can only
            # make inactive a student SafetyDesk already has, so it is read.
            is_student = sourced in role_students or (inactive and preview.modes["roles.csv"] != "bulk")
        if not is_student:
            continue
        local = u.get("identifier", "").strip() or sourced
        if not local:
            preview.problems.append(RowProblem("users.csv", line, "The student has no identifier or sourcedId.",
                                               kind="no_id"))
            continue
        if local in chosen:
            if not delta_users:
                preview.problems.append(RowProblem("users.csv", line, f"The student id {local} appears twice.",
                                                   local, "duplicate"))
                continue
            if _modified(u.get("datelastmodified", "")) < _modified(chosen[local][1].get("datelastmodified", "")):
                continue  # a delta's later row of the same student wins
        chosen[local] = (line, u, inactive)
    for local, (line, u, inactive) in chosen.items():
        sourced = u.get("sourcedid", "")
        if inactive:
            preview.students.append(StudentDraft(local_id=local, first_name=u.get("givenname", ""),
                                                 last_name=u.get("familyname", ""), active=False))
            preview.fields[local] = {"active"}
            preview.update_only.add(local)
            preview.origin[local] = ("users.csv", line)
            continue
        fields = set(preview.provided)
        school = enrolled.get(sourced) or role_school.get(sourced) or org_school.get(
            u.get("primaryorgsourcedid", "").strip(), "")
        if not school:
            for org_id in u.get("orgsourcedids", "").split(","):
                if org_id.strip() in org_school:
                    school = org_school[org_id.strip()]
                    break
        if not school:
            if delta_users:
                fields.discard("school_id")
                preview.update_only.add(local)
            else:
                preview.problems.append(RowProblem(
                    "users.csv", line, f"Student {local}: no enrollment at a school SafetyDesk knows (match "
                    "the org's name or identifier to a school's name or code).", local, "no_school"))
                continue
        if delta_users and not (u.get("givenname") or u.get("familyname")):
            fields -= {"first_name", "last_name"}
        demo_line, demo = demographics.get(sourced, (0, {}))
        if demo_mode == "delta" and not demo:
            pass
        elif demo_mode != "absent":
            fields |= demo_fields
        races = [code for key, code in ONEROSTER_RACES.items() if parse_bool(demo.get(key, "")) is True]
        two_or_more = parse_bool(demo.get("demographicracetwoormoreraces", "")) is True
        hispanic = parse_bool(demo.get("hispanicorlatinoethnicity", ""))
        gender = parse_gender(demo.get("sex", ""))
        birth, why = parse_birth_date(demo.get("birthdate", ""), today)
        if why:
            preview.warnings.append(RowProblem("demographics.csv", demo_line, f"Student {local}: {why}; the "
                                               "birth date is left out, the student is imported.", local,
                                               "birth_date"))
            fields.discard("birth_date")
        if two_or_more and len(races) < 2:
            preview.warnings.append(RowProblem(
                "demographics.csv", demo_line, f"Student {local}: two or more races, but the race columns "
                f"name {len(races) or 'none'}; SafetyDesk keeps the races named.", local, "two_or_more"))
        if fields != preview.provided:
            preview.fields[local] = fields
        grades = u.get("grades", "").split(",")
        preview.students.append(StudentDraft(
            local_id=local, first_name=u.get("givenname", ""), last_name=u.get("familyname", ""),
            school_id=school, grade=parse_grade(grades[0] if grades else ""), birth_date=birth,
            races=races, hispanic_latino=hispanic is True, gender_identity=gender,
        ))
        preview.origin[local] = ("users.csv", line)
        if "races" in fields or "hispanic_latino" in fields or "gender_identity" in fields \
                or demo_mode == "absent":
            preview.counted += 1
            preview.note_missing("race", not races and not two_or_more and hispanic is not True)
            preview.note_missing("ethnicity", not demo.get("hispanicorlatinoethnicity", ""))
            preview.note_missing("gender", gender == "not_provided")
        if {"first_name", "last_name"} & fields and not (u.get("givenname") or u.get("familyname")):
            preview.problems.append(RowProblem("users.csv", line, f"Student {local} has no name.", local,
                                               "no_name"))
    if user_rows and not preview.students and not preview.problems:
        preview.notes.append(f"users.csv has {user_rows} rows but none of them is a student.")
    return preview
