"""Controlled vocabularies. Stored values are the enum values; people see the labels.

P14: there is deliberately no vocabulary, field or code here for immigration or
citizenship status, country or place of birth, visa or alien numbers.
"""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A string enum whose members carry a plain-language label."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Labelled:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value.replace("_", " ").capitalize()
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def label_of(cls, value: str | None) -> str:
        if value is None or value == "":
            return ""
        try:
            return cls(value).label
        except ValueError:
            return str(value)


class SchoolLevel(Labelled):
    ELEMENTARY = "elementary", "Elementary"
    MIDDLE = "middle", "Middle"
    HIGH = "high", "High"
    OTHER = "other", "Other / alternative"


class StaffCategory(Labelled):
    """P01: who counts as safety and security staff (RCW 28A.320.124(3))."""

    SRO = "sro", "School resource officer (SRO)"
    SCHOOL_SECURITY = "school_security", "School security officer"
    CAMPUS_SECURITY = "campus_security", "Campus security officer"
    OTHER_COMMISSIONED = "other_commissioned", "Other commissioned staff"
    OTHER_NONCOMMISSIONED = "other_noncommissioned", "Other non-commissioned staff"


class EmployerType(Labelled):
    DISTRICT = "district", "School district"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement agency"
    CONTRACTOR = "contractor", "Contractor"


class InteractionType(Labelled):
    """P06: kinds of interaction between safety staff and students."""

    INFORMAL = "informal_contact", "Informal contact"
    RULE_REINFORCEMENT = "rule_reinforcement", "Rule reinforcement"
    ESCORT = "escort", "Escort"
    DE_ESCALATION = "de_escalation", "De-escalation"
    RESTRAINT = "restraint", "Restraint"
    ISOLATION = "isolation", "Isolation"
    SEARCH = "search", "Search"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement activity"
    OTHER = "other", "Other"


class StudentRole(Labelled):
    SUBJECT = "subject", "Subject"
    VICTIM = "victim", "Victim"
    WITNESS = "witness", "Witness"
    REPORTER = "reporter", "Reporter"


class StaffRole(Labelled):
    """How a staff member took part in an interaction."""

    LEAD = "lead", "Lead"
    ASSISTING = "assisting", "Assisting"
    OBSERVER = "observer", "Observer"


class Race(Labelled):
    """Federal race categories as Washington's OSPI collects them (multi-select)."""

    AMERICAN_INDIAN = "american_indian_alaska_native", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    BLACK = "black_african_american", "Black or African American"
    PACIFIC_ISLANDER = "native_hawaiian_pacific_islander", "Native Hawaiian or Other Pacific Islander"
    WHITE = "white", "White"


class GenderIdentity(Labelled):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NONBINARY = "nonbinary", "Gender X / non-binary"
    NOT_PROVIDED = "not_provided", "Not provided"


class Role(Labelled):
    """Account roles (P23)."""

    FRONT_OFFICE = "front_office", "Front office staff"
    SAFETY_STAFF = "safety_staff", "Safety and security staff"
    PRINCIPAL = "principal", "Principal or designee"
    DISTRICT_ADMIN = "district_admin", "District administrator"
    REVIEWER = "reviewer", "Read-only reviewer"


class Action(Labelled):
    """What a history entry records."""

    CREATE = "create", "Created"
    AMEND = "amend", "Amended"
    RETRACT = "retract", "Retracted"
    # A workflow step (a complaint moving on): it wins or loses as a whole against a
    # concurrent step on another workstation, never field by field.
    STEP = "step", "Workflow step"
    # A person chose between two concurrent changes: based on both sides.
    RESOLVE = "resolve", "Conflict resolved"
    # Audit-only entries: they record that someone saw or handed out a record
    # and change nothing in it (P23, P24, P25).
    VIEW = "view", "Viewed"
    PRINT = "print", "Printed"
    EXPORT = "export", "Exported"


AUDIT_ONLY_ACTIONS = frozenset({Action.VIEW, Action.PRINT, Action.EXPORT})
