"""The start of each school year (P03 role information, P04 gun safety campaign, P05 gun safes).

Each thing a school does is its own record (a presentation, a distribution to
families, a campaign, a count of gun safes), so two workstations recording
different things never collide; the checklist per school and year is derived
from them by `school_status`.

P05: gun safes are recorded as counts per school and date. A household list
(names and addresses for delivery) exists only if the district turns the
setting on; it is a separate record type, separately permitted, and no
aggregate output reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

from safetydesk.domain.records import Draft
from safetydesk.domain.validation import (
    EARLIEST,
    FieldError,
    Known,
    parse_date,
    school_year_bounds,
    school_year_of,
)
from safetydesk.domain.vocab import Labelled, vocabulary

ROLE_PRESENTATION = "role_presentation"
ROLE_DISTRIBUTION = "role_distribution"
GUN_SAFETY_CAMPAIGN = "gun_safety_campaign"
GUN_SAFE_COUNT = "gun_safe_count"
GUN_SAFE_HOUSEHOLD = "gun_safe_household"


class PresentationAudience(Labelled):
    ALL_STUDENTS, GRADE_LEVELS, NEW_STUDENTS, CLASSROOMS, OTHER = vocabulary("""
        all_students  All students
        grade_levels  Some grade levels
        new_students  New students
        classrooms    Classroom by classroom
        other         Other
    """)


class DistributionMethod(Labelled):
    (LETTER_HOME, EMAIL, MAIL, NEWSLETTER, WEBSITE, REGISTRATION_PACKET,
     FAMILY_EVENT, OTHER) = vocabulary("""
        letter_home          Letter sent home
        email                Email
        mail                 Postal mail
        newsletter           School newsletter
        website              School website
        registration_packet  Registration packet
        family_event         Family event
        other                Other
    """)


class CampaignFormat(Labelled):
    (ASSEMBLY, CLASSROOM, STAFF_MEETING, POSTERS, NEWSLETTER, FAMILY_EVENT, OTHER) = vocabulary("""
        assembly          Assembly
        classroom_lesson  Classroom lesson
        staff_meeting     Staff meeting
        posters           Posters and displays
        newsletter        Newsletter or email
        family_event      Family event
        other             Other
    """)


class CampaignAudience(Labelled):
    STUDENTS, STAFF, FAMILIES = vocabulary("""
        students  Students
        staff     Staff
        families  Families
    """)


@dataclass
class RolePresentationDraft(Draft):
    """P03: role information presented to and discussed with students."""

    record_type: ClassVar[str] = ROLE_PRESENTATION
    school_id: str = ""
    school_year: str = ""
    dates: list[str] = field(default_factory=list)
    audience: str = ""
    audience_detail: str = ""  # "grades 9 and 10", ...
    presenter: str = ""
    materials: list[str] = field(default_factory=list)  # attachment ids
    note: str = ""


@dataclass
class RoleDistributionDraft(Draft):
    """P03: role information distributed to families."""

    record_type: ClassVar[str] = ROLE_DISTRIBUTION
    school_id: str = ""
    school_year: str = ""
    date: str = ""
    method: str = ""
    languages: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class GunSafetyCampaignDraft(Draft):
    """P04: the gun safety awareness campaign for students and staff."""

    record_type: ClassVar[str] = GUN_SAFETY_CAMPAIGN
    school_id: str = ""
    school_year: str = ""
    start_date: str = ""
    end_date: str = ""
    formats: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class GunSafeCountDraft(Draft):
    """P05: gun safes requested and provided at a school on a date: counts, no households."""

    record_type: ClassVar[str] = GUN_SAFE_COUNT
    school_id: str = ""
    date: str = ""
    requested: int = 0
    provided: int = 0
    note: str = ""


@dataclass
class GunSafeHouseholdDraft(Draft):
    """P05: one household on the delivery list (only if the district setting allows a list)."""

    record_type: ClassVar[str] = GUN_SAFE_HOUSEHOLD
    school_id: str = ""
    date: str = ""
    household_name: str = ""
    address: str = ""
    phone: str = ""
    delivered: bool = False
    delivered_date: str = ""
    note: str = ""


def _year_ok(label: str) -> tuple[date, date] | None:
    try:
        start, end = school_year_bounds(label)
    except (ValueError, TypeError):
        return None
    return (start, end) if school_year_of(start) == label else None


def _check_school(errors: list[FieldError], school_id: str, known: Known) -> None:
    if not school_id:
        errors.append(FieldError("school_id", "Choose the school."))
    elif school_id not in known.schools:
        errors.append(FieldError("school_id", "That school is not in this district's list of schools."))


def _check_day(errors: list[FieldError], name: str, text: str, known: Known, what: str,
               bounds: tuple[date, date] | None = None, required: bool = True) -> date | None:
    if not str(text or "").strip():
        if required:
            errors.append(FieldError(name, f"Enter {what}."))
        return None
    day = parse_date(text)
    if day is None:
        errors.append(FieldError(name, f"Enter {what} as YYYY-MM-DD."))
        return None
    if day < EARLIEST.date():
        errors.append(FieldError(name, f"{what.capitalize()} is before 2000; check the year."))
    elif day > known.now.date():
        errors.append(FieldError(name, f"{what.capitalize()} is in the future; record it once it has happened."))
    elif bounds and not bounds[0] <= day <= bounds[1]:
        errors.append(FieldError(name, f"{day.isoformat()} is not in the school year "
                                       f"{bounds[0].year}-{bounds[1].year % 100:02d}."))
    return day


def _check_year(errors: list[FieldError], label: str) -> tuple[date, date] | None:
    bounds = _year_ok(label)
    if bounds is None:
        errors.append(FieldError("school_year", "Choose the school year (YYYY-YY, for example 2025-26)."))
    return bounds


def _check_choices(errors: list[FieldError], name: str, values: list[str], vocab: type[Labelled],
                   empty: str) -> None:
    if not values:
        errors.append(FieldError(name, empty))
    for v in values:
        if v not in vocab._value2member_map_:
            errors.append(FieldError(name, f"“{v}” is not one of the choices."))


def validate_presentation(d: RolePresentationDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    _check_school(errors, d.school_id, known)
    bounds = _check_year(errors, d.school_year)
    if not d.dates:
        errors.append(FieldError("dates", "Enter the date of each presentation."))
    for text in d.dates:
        _check_day(errors, "dates", text, known, "the presentation date", bounds)
    if len(set(d.dates)) != len(d.dates):
        errors.append(FieldError("dates", "The same date is listed twice."))
    if d.audience not in PresentationAudience._value2member_map_:
        errors.append(FieldError("audience", "Choose who the presentation was for."))
    elif d.audience != PresentationAudience.ALL_STUDENTS and not d.audience_detail.strip():
        errors.append(FieldError("audience_detail", "Say which students (for example: grades 9 and 10)."))
    if not d.presenter.strip():
        errors.append(FieldError("presenter", "Enter who presented (name and role)."))
    return _dedupe(errors)


def validate_distribution(d: RoleDistributionDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    _check_school(errors, d.school_id, known)
    bounds = _check_year(errors, d.school_year)
    _check_day(errors, "date", d.date, known, "the date the information went to families", bounds)
    if d.method not in DistributionMethod._value2member_map_:
        errors.append(FieldError("method", "Choose how the information reached families."))
    if not [x for x in d.languages if str(x).strip()]:
        errors.append(FieldError("languages", "List the languages the information was distributed in."))
    return errors


def validate_campaign(d: GunSafetyCampaignDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    _check_school(errors, d.school_id, known)
    bounds = _check_year(errors, d.school_year)
    start = _check_day(errors, "start_date", d.start_date, known, "the campaign's first day", bounds)
    end = _check_day(errors, "end_date", d.end_date, known, "the campaign's last day", bounds,
                     required=False)
    if start and end and end < start:
        errors.append(FieldError("end_date", "The last day is before the first day."))
    _check_choices(errors, "formats", d.formats, CampaignFormat,
                   "Choose at least one format (assembly, classroom lesson, ...).")
    _check_choices(errors, "audiences", d.audiences, CampaignAudience,
                   "Choose who the campaign reached (students, staff, families).")
    if d.audiences and not {CampaignAudience.STUDENTS, CampaignAudience.STAFF} <= set(d.audiences):
        errors.append(FieldError("audiences", "Policy 4311 asks for a campaign for students and staff: "
                                              "include both (families may be added)."))
    return _dedupe(errors)


def _count(errors: list[FieldError], name: str, value: Any, what: str) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors.append(FieldError(name, f"Enter the number of gun safes {what} (0 or more)."))
        return None
    return value


def validate_gun_safe_count(d: GunSafeCountDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    _check_school(errors, d.school_id, known)
    _check_day(errors, "date", d.date, known, "the date")
    requested = _count(errors, "requested", d.requested, "requested")
    provided = _count(errors, "provided", d.provided, "provided")
    if requested == 0 and provided == 0:
        errors.append(FieldError("requested", "Both counts are 0: there is nothing to record."))
    return errors


def validate_household(d: GunSafeHouseholdDraft, known: Known) -> list[FieldError]:
    errors: list[FieldError] = []
    _check_school(errors, d.school_id, known)
    _check_day(errors, "date", d.date, known, "the date of the request")
    if not d.household_name.strip():
        errors.append(FieldError("household_name", "Enter the household's name for delivery."))
    if not d.address.strip() and not d.phone.strip():
        errors.append(FieldError("address", "Give an address or telephone number for delivery."))
    if d.delivered:
        _check_day(errors, "delivered_date", d.delivered_date, known, "the delivery date")
    elif d.delivered_date.strip():
        errors.append(FieldError("delivered", "A delivery date is set: tick “Delivered”."))
    return errors


# ------------------------------------------------------------------ the checklist
class ItemStatus(Labelled):
    DONE, PARTIAL, MISSING, NOT_REQUIRED = vocabulary("""
        done          Done
        partial       Partly done
        missing       Missing
        not_required  Not required (no safety staff assigned)
    """)


@dataclass(frozen=True)
class SchoolYearStatus:
    """One school's start-of-year checklist for one school year."""

    school_id: str
    school_name: str
    school_year: str
    has_safety_staff: bool
    presentations: int
    distributions: int
    role_information: str  # ItemStatus
    role_information_missing: tuple[str, ...]  # "presentation to students", "distribution to families"
    campaigns: int
    campaign: str  # ItemStatus
    gun_safes_requested: int
    gun_safes_provided: int

    @property
    def complete(self) -> bool:
        return self.role_information in (ItemStatus.DONE, ItemStatus.NOT_REQUIRED) and \
            self.campaign == ItemStatus.DONE


def school_status(school_id: str, school_name: str, school_year: str, *, has_safety_staff: bool,
                  presentations: int, distributions: int, campaigns: int,
                  gun_safes_requested: int = 0, gun_safes_provided: int = 0) -> SchoolYearStatus:
    """P03: role information is "missing" at a school with safety staff until both a presentation
    and a distribution are recorded. P04: every school has a campaign status."""
    missing = []
    if not presentations:
        missing.append("presentation to students")
    if not distributions:
        missing.append("distribution to families")
    if not missing:
        role = ItemStatus.DONE
    elif not has_safety_staff:
        role = ItemStatus.NOT_REQUIRED
    elif len(missing) == 1:
        role = ItemStatus.PARTIAL
    else:
        role = ItemStatus.MISSING
    return SchoolYearStatus(
        school_id, school_name, school_year, has_safety_staff, presentations, distributions,
        role.value, tuple(missing) if has_safety_staff else (), campaigns,
        (ItemStatus.DONE if campaigns else ItemStatus.MISSING).value,
        gun_safes_requested, gun_safes_provided,
    )


# The start-of-year items are due this many days after the school year begins.
START_OF_YEAR_GRACE_DAYS = 30
# ... and show as "due soon" from this many days before the school year begins.
START_OF_YEAR_LEAD_DAYS = 14


def start_of_year_due(school_year: str, year_start: date | None = None) -> date:
    start = year_start or school_year_bounds(school_year)[0]
    return start + timedelta(days=START_OF_YEAR_GRACE_DAYS)


def staff_serves_year(staff: dict[str, Any], school_year: str) -> bool:
    """Whether a registry entry (start and end dates) overlaps the school year."""
    first, last = school_year_bounds(school_year)
    start, end = parse_date(staff.get("start_date") or ""), parse_date(staff.get("end_date") or "")
    return not ((start and start > last) or (end and end < first))


def _dedupe(errors: list[FieldError]) -> list[FieldError]:
    seen: set[tuple[str, str]] = set()
    out = []
    for e in errors:
        if (e.field, e.message) not in seen:
            seen.add((e.field, e.message))
            out.append(e)
    return out
