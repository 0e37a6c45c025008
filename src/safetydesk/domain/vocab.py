"""Controlled vocabularies. Stored values are the enum values; people see the labels.

P14: there is deliberately no vocabulary, field or code here for immigration or
citizenship status, country or place of birth, visa or alien numbers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


def vocabulary(table: str) -> tuple[Any, ...]:
    """The members of a vocabulary from its table: one row a member, the stored value, then
    (after white space) the label people see. The names on the left of ``=`` take the rows in
    order, so a row missing or added fails at import; a line starting with ``#`` is a comment::

        IN_PERSON, PHONE = vocabulary('''
            in_person  In person
            phone      By phone
        ''')
    """
    rows = []
    for line in table.strip().splitlines():
        if not line.strip() or line.strip().startswith("#"):
            continue
        value, _, label = line.strip().partition(" ")
        rows.append((value, label.strip()))
    return tuple(rows)


class Labelled(StrEnum):
    """A string enum whose members carry a plain-language label (see `vocabulary`)."""

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
    ELEMENTARY, MIDDLE, HIGH, OTHER = vocabulary("""
        elementary  Elementary
        middle      Middle
        high        High
        other       Other / alternative
    """)


class StaffCategory(Labelled):
    """P01: who counts as safety and security staff (RCW 28A.320.124(3))."""

    (SRO, SCHOOL_SECURITY, CAMPUS_SECURITY, OTHER_COMMISSIONED,
     OTHER_NONCOMMISSIONED) = vocabulary("""
        sro                    School resource officer (SRO)
        school_security        School security officer
        campus_security        Campus security officer
        other_commissioned     Other commissioned staff
        other_noncommissioned  Other non-commissioned staff
    """)


class EmployerType(Labelled):
    DISTRICT, LAW_ENFORCEMENT, CONTRACTOR = vocabulary("""
        district         School district
        law_enforcement  Law enforcement agency
        contractor       Contractor
    """)


class InteractionType(Labelled):
    """P06: kinds of interaction between safety staff and students."""

    (INFORMAL, RULE_REINFORCEMENT, ESCORT, DE_ESCALATION, RESTRAINT, ISOLATION, SEARCH,
     LAW_ENFORCEMENT, OTHER) = vocabulary("""
        informal_contact    Informal contact
        rule_reinforcement  Rule reinforcement
        escort              Escort
        de_escalation       De-escalation
        restraint           Restraint
        isolation           Isolation
        search              Search
        law_enforcement     Law enforcement activity
        other               Other
    """)


class StudentRole(Labelled):
    SUBJECT, VICTIM, WITNESS, REPORTER = vocabulary("""
        subject   Subject
        victim    Victim
        witness   Witness
        reporter  Reporter
    """)


class StaffRole(Labelled):
    """How a staff member took part in an interaction."""

    LEAD, ASSISTING, OBSERVER = vocabulary("""
        lead       Lead
        assisting  Assisting
        observer   Observer
    """)


class Race(Labelled):
    """Federal race categories as Washington's OSPI collects them (multi-select)."""

    AMERICAN_INDIAN, ASIAN, BLACK, PACIFIC_ISLANDER, WHITE = vocabulary("""
        american_indian_alaska_native     American Indian or Alaska Native
        asian                             Asian
        black_african_american            Black or African American
        native_hawaiian_pacific_islander  Native Hawaiian or Other Pacific Islander
        white                             White
    """)


class GenderIdentity(Labelled):
    FEMALE, MALE, NONBINARY, NOT_PROVIDED = vocabulary("""
        female        Female
        male          Male
        nonbinary     Gender X / non-binary
        not_provided  Not provided
    """)


class Role(Labelled):
    """Account roles (P23)."""

    FRONT_OFFICE, SAFETY_STAFF, PRINCIPAL, DISTRICT_ADMIN, REVIEWER = vocabulary("""
        front_office    Front office staff
        safety_staff    Safety and security staff
        principal       Principal or designee
        district_admin  District administrator
        reviewer        Read-only reviewer
    """)


class Action(Labelled):
    """What a history entry records."""

    CREATE, AMEND, RETRACT, STEP, RESOLVE, VIEW, PRINT, EXPORT = vocabulary("""
        create   Created
        amend    Amended
        retract  Retracted
        # A workflow step (a complaint moving on): it wins or loses as a whole against a
        # concurrent step on another workstation, never field by field.
        step     Workflow step
        # A person chose between two concurrent changes: based on both sides.
        resolve  Conflict resolved
        # Audit-only entries: they record that someone saw or handed out a record
        # and change nothing in it (P23, P24, P25).
        view     Viewed
        print    Printed
        export   Exported
    """)


AUDIT_ONLY_ACTIONS = frozenset({Action.VIEW, Action.PRINT, Action.EXPORT})
