"""Interactions in full: the rules of P07, P08, P11, P12, P13, use of force, and compliance flags.

`validate_interaction` (validation.py) checks what every interaction needs
(P06). `validate_interaction_in_full` adds the rules for SROs and school
discipline (P07), law enforcement actions (P08, P11), access to an attorney
(P12, RCW 13.40.740), parents and guardians (P13), use of force and restraint
or isolation, and whether the staff were active on that day (P01).

Some rules refuse a save (a `FieldError`); others let the record be saved
with a **compliance flag** the dashboards and the annual report count
(`compliance_flags`). Both are pure functions of the draft and an
`InteractionContext` that the services build from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from safetydesk.domain.outcomes import check_outcome_students
from safetydesk.domain.records import InteractionDraft
from safetydesk.domain.validation import (
    FieldError,
    Known,
    _dedupe,
    parse_date,
    parse_local_datetime,
    validate_interaction,
)
from safetydesk.domain.vocab import InteractionType, Labelled, StaffCategory, vocabulary


class Alternative(Labelled):
    """P08: what an SRO considered instead of a law enforcement action."""

    DIVERSION, ADMINISTRATOR, COUNSELOR, COMMUNITY, OTHER = vocabulary("""
        diversion               Diversion program
        administrator_referral  Referral to a school administrator
        counselor_referral      Referral to a counselor
        community_resource      Referral to a community resource
        other                   Other (describe)
    """)


class LeActivityType(Labelled):
    """P11: kinds of law enforcement activity on school premises."""

    # REFERRAL (CRDC): a referral is a school official (or designee) reporting the student to a law enforcement
    # agency or official.
    (INTERVIEW, SEARCH_PERSON, SEARCH_POSSESSIONS, SEARCH_LOCKER, CITATION,
     PETITION, PROBATION, ARREST, OTHER_REFERRAL, REFERRAL) = vocabulary("""
        interview_interrogation          Interview or interrogation
        search_person                    Search of the student's person
        search_possessions               Search of possessions
        search_locker                    Search of a locker
        citation                         Citation
        delinquency_petition             Delinquency petition
        probation_referral               Probation referral
        arrest                           Arrest
        other_juvenile_justice_referral  Other referral to the juvenile justice system
        referral_to_law_enforcement      Referral to law enforcement (a school official reported the student)
    """)


SEARCHES = frozenset({LeActivityType.SEARCH_PERSON, LeActivityType.SEARCH_POSSESSIONS,
                      LeActivityType.SEARCH_LOCKER})
# Activities after which P12's triggers must be answered and P13's notification recorded.
QUESTIONING_OR_CUSTODY = SEARCHES | {LeActivityType.INTERVIEW, LeActivityType.ARREST}


class LegalBasis(Labelled):
    (WARRANT, COURT_ORDER, CONSENT, EXIGENT, REASONABLE_SUSPICION,
     PROBABLE_CAUSE) = vocabulary("""
        warrant                Warrant
        court_order            Court order
        consent                Consent
        exigent_circumstances  Exigent circumstances
        reasonable_suspicion   Reasonable suspicion (school search only)
        probable_cause         Probable cause
    """)


class AttorneyMode(Labelled):
    IN_PERSON, PHONE, VIDEO = vocabulary("""
        in_person  In person
        phone      By phone
        video      By video
    """)


class NotificationMethod(Labelled):
    PHONE, IN_PERSON, TEXT, EMAIL, LETTER, OTHER = vocabulary("""
        phone      Phone call
        in_person  In person
        text       Text message
        email      Email
        letter     Letter
        other      Other
    """)


class NotificationResult(Labelled):
    REACHED, MESSAGE, NO_ANSWER, WRONG_NUMBER = vocabulary("""
        reached        Reached the parent or guardian
        left_message   Left a message
        no_answer      No answer
        wrong_contact  Contact details wrong
    """)


class ForceType(Labelled):
    ESCORT_HOLD, RESTRAINT, TAKEDOWN, HANDCUFFS, CHEMICAL, ELECTRONIC, OTHER = vocabulary("""
        escort_hold        Physical escort or hold
        restraint          Physical restraint
        takedown           Takedown
        handcuffs          Handcuffs or mechanical restraint
        chemical_agent     Chemical agent (for example pepper spray)
        electronic_device  Electronic control device
        other              Other
    """)


class FlagKind(Labelled):
    """Compliance flags stored on records and counted on dashboards and in the annual report."""

    UNTRAINED_STAFF, SRO_DISCIPLINE, RCW_13_40_740, NOTIFICATION_MISSING = vocabulary("""
        untrained_staff       Untrained staff (P02)
        sro_discipline        SRO involved in school discipline (P07)
        rcw_13_40_740         RCW 13.40.740: no access to an attorney (P12)
        notification_missing  Parent or guardian notification missing (P13)
    """)


RED_FLAGS = frozenset({FlagKind.UNTRAINED_STAFF, FlagKind.RCW_13_40_740})

# Shapes of the nested entries (documented in docs/records.md).
LE_ACTIVITY_FIELDS = (
    "type", "student_id", "officer", "officer_staff_id", "agency", "authorised_by", "legal_basis",
    "student_age", "administrator_present", "administrator_name", "removed_from_school",
    "removed_at", "removal_destination", "court_order_shown",
)
ATTORNEY_FIELDS = (
    "student_id", "custodial_interrogation", "probable_cause_detention", "consent_search_request",
    "access_given", "access_at", "access_mode", "provider", "exception_claimed",
    "exception_justification", "waiver_after_consultation",
)
ATTORNEY_TRIGGERS = ("custodial_interrogation", "probable_cause_detention", "consent_search_request")
NOTIFICATION_FIELDS = ("at", "method", "by", "contact", "result")
FORCE_FIELDS = ("types", "description", "injury", "injury_description", "medical_attention")
RESTRAINT_FIELDS = ("started_at", "ended_at", "description", "released_to")


@dataclass
class InteractionContext:
    """What the full rules need beyond `Known`: staff names, dates and training status."""

    known: Known
    staff_names: Mapping[str, str] = field(default_factory=dict)  # id -> name
    staff_periods: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # id -> (start, end)
    # id -> ISO date the district confirmed the ESD documentation ("" if never)
    esd_confirmed: Mapping[str, str] = field(default_factory=dict)


def is_law_enforcement_action(d: InteractionDraft) -> bool:
    return d.type == InteractionType.LAW_ENFORCEMENT or bool(d.arrest) or bool(d.le_activities)


def needs_notification(d: InteractionDraft) -> bool:
    """P13: interviews, searches, arrests and custody call for a parent or guardian notification."""
    if d.type == InteractionType.SEARCH or d.arrest:
        return True
    return any(a.get("type") in QUESTIONING_OR_CUSTODY or a.get("removed_from_school")
               for a in d.le_activities)


def attorney_flag(entry: Mapping[str, Any]) -> bool:
    """P12: a trigger without access to an attorney and without a claimed exception."""
    triggered = any(bool(entry.get(t)) for t in ATTORNEY_TRIGGERS)
    return triggered and not entry.get("access_given") and not entry.get("exception_claimed")


def _when(d: InteractionDraft) -> datetime | None:
    return parse_local_datetime(d.occurred_at)


def _name(ctx: InteractionContext, staff_id: str) -> str:
    return ctx.staff_names.get(staff_id) or "A staff member"


def untrained_staff(d: InteractionDraft, ctx: InteractionContext) -> dict[str, str]:
    """P02: staff on the record without ESD documentation confirmed on or before the day -> why."""
    when = _when(d)
    day = when.date() if when else date.max
    out: dict[str, str] = {}
    for link in d.staff:
        sid = link.get("staff_id", "")
        if sid not in ctx.known.staff:
            continue
        confirmed = parse_date(ctx.esd_confirmed.get(sid, ""))
        if confirmed is None:
            out[sid] = (f"{_name(ctx, sid)} has no confirmed ESD training documentation "
                        "(issuing ESD, date and reference, confirmed by the district)")
        elif confirmed > day:
            out[sid] = (f"{_name(ctx, sid)}'s ESD training documentation was confirmed only on "
                        f"{confirmed.isoformat()}, after this interaction")
    return out


def check_staff_dates(d: InteractionDraft, ctx: InteractionContext) -> list[FieldError]:
    """P01: the staff on the record were working on that day."""
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    when = _when(d)
    for link in d.staff:
        sid = link.get("staff_id", "")
        start, end = (parse_date(x) for x in ctx.staff_periods.get(sid, ("", "")))
        if when and start and when.date() < start:
            add("staff", f"{_name(ctx, sid)} started on {start.isoformat()}, after this interaction.")
        if when and end and when.date() > end:
            add("staff", f"{_name(ctx, sid)} left on {end.isoformat()}, before this interaction.")
    return errors


def check_discipline(d: InteractionDraft, ctx: InteractionContext) -> list[FieldError]:
    """P07: SROs stay out of school discipline."""
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    categories = ctx.known.staff
    sro_names = {(ctx.staff_names.get(sid) or "").strip().lower() for sid, cat in categories.items()
                 if cat == StaffCategory.SRO} - {""}
    if d.responsible_admin.strip().lower() in sro_names:
        add("responsible_admin",
            "The administrator responsible for discipline cannot be a school resource officer: "
            "principals or their designees handle all student discipline (Policy 3241). Name the "
            "administrator.")
    if d.consequence_by_staff_id:
        cat = categories.get(d.consequence_by_staff_id)
        if cat is None:
            add("consequence_by_staff_id", "The staff member who decided the consequence is not in the staff registry.")
        elif cat == StaffCategory.SRO and not d.sro_discipline_justification.strip():
            add("sro_discipline_justification",
                f"{_name(ctx, d.consequence_by_staff_id)} is a school resource officer. SROs may not "
                "decide or impose school consequences (Policy 4311, Policy 3241): record the "
                "administrator who did, or write why the officer was involved; the record will then "
                "carry an “SRO involved in school discipline” flag.")
        if not (d.discipline_related or d.resulted_in_discipline):
            add("discipline_related", "A school consequence was decided, so the interaction is "
                "discipline-related: tick “Discipline-related”.")
    return errors


def check_alternatives(d: InteractionDraft, ctx: InteractionContext) -> list[FieldError]:
    """P08: a law enforcement action records the alternatives considered."""
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    le_action = is_law_enforcement_action(d)
    if le_action and not d.alternatives_considered:
        add("alternatives_considered",
            "A law enforcement action must record the alternatives considered (diversion, referral "
            "to an administrator, a counselor or a community resource). Policy 4311 asks SROs to "
            "keep students out of the justice system when possible.")
    for code in d.alternatives_considered:
        if code not in Alternative._value2member_map_:
            add("alternatives_considered", f"“{code}” is not one of the alternatives SafetyDesk knows.")
    if Alternative.OTHER in d.alternatives_considered and not d.alternatives_note.strip():
        add("alternatives_note", "Describe the other alternative that was considered.")
    return errors


def _check_activity(n: int, a: Mapping[str, Any], when: datetime | None, students: set[Any],
                    categories: Mapping[str, str]) -> list[FieldError]:
    """P11: one law enforcement activity entry."""
    errors: list[FieldError] = []
    f, where = "le_activities", f"Law enforcement activity {n}: "
    add = lambda field_name, m: errors.append(FieldError(field_name, m))  # noqa: E731
    kind = a.get("type", "")
    if kind not in LeActivityType._value2member_map_:
        add(f, where + "choose the type of activity.")
    if a.get("student_id") not in students:
        add(f, where + "choose which of the record's students it concerned.")
    officer_id = a.get("officer_staff_id") or ""
    if officer_id and categories.get(officer_id) != StaffCategory.SRO:
        add(f, where + "law enforcement activity on school premises is done by a school resource "
            "officer; the officer chosen is not an SRO in the staff registry.")
    referral = kind == LeActivityType.REFERRAL  # made by a school official: no officer acted yet
    if not officer_id and not str(a.get("officer") or "").strip() and not referral:
        add(f, where + "name the officer.")
    if not str(a.get("agency") or "").strip():
        add(f, where + "name the officer's agency.")
    if not str(a.get("authorised_by") or "").strip():
        add(f, where + ("name the school official who made the referral." if referral else
                        "name who authorised it on school premises (the principal or designee)."))
    basis = a.get("legal_basis", "")
    if referral and not basis:
        pass  # a referral is a report by the school, not an officer's action: no legal basis to give
    elif basis not in LegalBasis._value2member_map_:
        add(f, where + "choose the legal basis (warrant, court order, consent, exigent "
            "circumstances, reasonable suspicion for a school search, probable cause).")
    elif basis == LegalBasis.REASONABLE_SUSPICION and kind not in SEARCHES:
        add(f, where + "reasonable suspicion is a legal basis only for a school search.")
    age = a.get("student_age")
    if not isinstance(age, int) or isinstance(age, bool) or not 3 <= age <= 22:
        add(f, where + "enter the student's age in years.")
    if not isinstance(a.get("administrator_present"), bool):
        add(f, where + "say whether an administrator was present.")
    elif a["administrator_present"] and not str(a.get("administrator_name") or "").strip():
        add(f, where + "name the administrator who was present.")
    if a.get("removed_from_school"):
        removed = parse_local_datetime(str(a.get("removed_at") or ""))
        if removed is None:
            add(f, where + "enter when the student was removed from school (YYYY-MM-DD HH:MM).")
        elif when and removed < when:
            add(f, where + "the student cannot be removed before the interaction began.")
        if not str(a.get("removal_destination") or "").strip():
            add(f, where + "say where the student was taken.")
        if not isinstance(a.get("court_order_shown"), bool):
            add(f, where + "say whether a court order was shown.")
    return errors


def check_law_enforcement_activities(d: InteractionDraft, ctx: InteractionContext) -> list[FieldError]:
    """P11: the law enforcement activity block, one entry per activity."""
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    when = _when(d)
    students = {s.get("student_id") for s in d.students}
    if is_law_enforcement_action(d) and not d.le_activities:
        add("le_activities", "Record the law enforcement activity: its type, the officer and agency, "
            "who authorised it, the legal basis, the student's age and whether an administrator was present.")
    activity_types = {a.get("type", "") for a in d.le_activities}
    for n, a in enumerate(d.le_activities, 1):
        errors += _check_activity(n, a, when, students, ctx.known.staff)
    if d.arrest and d.le_activities and LeActivityType.ARREST not in activity_types:
        add("le_activities", "The interaction is marked as an arrest: record the arrest as a law enforcement activity.")
    if LeActivityType.ARREST in activity_types and not d.arrest:
        add("arrest", "A law enforcement activity is an arrest: tick “Arrest” in the outcomes.")
    return errors


def check_attorney_access(d: InteractionDraft, ctx: InteractionContext) -> list[FieldError]:
    """P12: RCW 13.40.740, access to an attorney for each student questioned, detained or
    asked for consent to search."""
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    students = {s.get("student_id") for s in d.students}
    attorney_students = set()
    for n, e in enumerate(d.attorney_access, 1):
        f, where = "attorney_access", f"Access to an attorney, entry {n}: "
        sid = e.get("student_id")
        if sid not in students:
            add(f, where + "choose which of the record's students it concerns.")
        elif sid in attorney_students:
            add(f, where + "this student already has an entry.")
        attorney_students.add(sid)
        for t in ATTORNEY_TRIGGERS:
            if not isinstance(e.get(t), bool):
                add(f, where + "answer each of the three questions (custodial interrogation, "
                    "detention on probable cause, request for consent to search).")
                break
        if e.get("access_given"):
            if parse_local_datetime(str(e.get("access_at") or "")) is None:
                add(f, where + "enter when the student had access to an attorney (YYYY-MM-DD HH:MM).")
            if e.get("access_mode") not in AttorneyMode._value2member_map_:
                add(f, where + "say how: in person, by phone or by video.")
            if not str(e.get("provider") or "").strip():
                add(f, where + "name the attorney or the service that provided the consultation.")
        if e.get("exception_claimed") and not str(e.get("exception_justification") or "").strip():
            add(f, where + "an exception was claimed: write its justification.")
        if e.get("waiver_after_consultation") and not e.get("access_given"):
            add(f, where + "a waiver can only follow a consultation with an attorney, which the law "
                "says cannot be waived: record the access to an attorney first.")
    for n, a in enumerate(d.le_activities, 1):
        if a.get("type") in QUESTIONING_OR_CUSTODY and a.get("student_id") in students \
                and a.get("student_id") not in attorney_students:
            add("attorney_access", f"Law enforcement activity {n}: answer the RCW 13.40.740 questions "
                "for this student (custodial interrogation, detention on probable cause, request for "
                "consent to search).")
        if a.get("type") in SEARCHES and a.get("legal_basis") == LegalBasis.CONSENT:
            entry = next((e for e in d.attorney_access if e.get("student_id") == a.get("student_id")), None)
            if entry is not None and entry.get("consent_search_request") is False:
                add("attorney_access", f"Law enforcement activity {n} is a search by consent, so the "
                    "officer asked for consent to search: answer “yes” to that question.")
    return errors


def check_notifications(d: InteractionDraft, ctx: InteractionContext) -> list[FieldError]:
    """P13: each attempt to reach a parent or guardian is complete."""
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    for n, note in enumerate(d.notifications, 1):
        where = f"Notification attempt {n}: "
        if parse_local_datetime(str(note.get("at") or "")) is None:
            add("notifications", where + "enter when (YYYY-MM-DD HH:MM).")
        if note.get("method") not in NotificationMethod._value2member_map_:
            add("notifications", where + "choose how (phone, in person, text, email, letter, other).")
        if not str(note.get("by") or "").strip():
            add("notifications", where + "say who made the attempt.")
        if note.get("result") not in NotificationResult._value2member_map_:
            add("notifications", where + "choose the result.")
    return errors


def check_force_and_restraint(d: InteractionDraft, ctx: InteractionContext) -> list[FieldError]:
    """P06: use of force, restraint and isolation. Force details may follow later (the yearly
    OSPI collection lists an incident without them as incomplete, see `incomplete_fields`),
    but what is given must be complete and consistent."""
    errors: list[FieldError] = []
    add = lambda f, m: errors.append(FieldError(f, m))  # noqa: E731
    if d.force_details and not d.use_of_force:
        add("use_of_force", "Details of the force used are recorded: tick “Use of force against a student”.")
    if d.use_of_force and d.force_details:
        fd = d.force_details
        types = fd.get("types") or []
        if not types or any(t not in ForceType._value2member_map_ for t in types):
            add("force_details", "Choose the kind(s) of force used.")
        if not str(fd.get("description") or "").strip():
            add("force_details", "Describe the force used and why it was necessary.")
        if not isinstance(fd.get("injury"), bool):
            add("force_details", "Say whether anyone was injured.")
        elif fd["injury"] and not str(fd.get("injury_description") or "").strip():
            add("force_details", "Describe the injury.")
        if not isinstance(fd.get("medical_attention"), bool):
            add("force_details", "Say whether medical attention was given.")
    if d.type in (InteractionType.RESTRAINT, InteractionType.ISOLATION):
        rd = d.restraint_details or {}
        start = parse_local_datetime(str(rd.get("started_at") or ""))
        end = parse_local_datetime(str(rd.get("ended_at") or ""))
        what = "restraint" if d.type == InteractionType.RESTRAINT else "isolation"
        if start is None or end is None:
            add("restraint_details", f"Enter when the {what} started and ended (YYYY-MM-DD HH:MM).")
        elif end < start:
            add("restraint_details", f"The {what} cannot end before it started.")
        if not str(rd.get("description") or "").strip():
            add("restraint_details", f"Describe the {what} and why it was necessary.")
    return errors


# One check per obligation, in the order their problems are listed.
OBLIGATION_CHECKS: tuple[tuple[str, Callable[[InteractionDraft, InteractionContext], list[FieldError]]], ...] = (
    ("P01", check_staff_dates),
    ("P07", check_discipline),
    ("P08", check_alternatives),
    ("P11", check_law_enforcement_activities),
    ("P12", check_attorney_access),
    ("P13", check_notifications),
    ("P06", check_force_and_restraint),
    ("P21", lambda d, ctx: check_outcome_students(d.to_state())),
)


def validate_interaction_in_full(d: InteractionDraft, ctx: InteractionContext) -> list[FieldError]:
    """Every rule an interaction must meet before it is saved (P06-P13): the record's own fields,
    then one check per obligation (`OBLIGATION_CHECKS`)."""
    errors = list(validate_interaction(d, ctx.known))
    for _obligation, check in OBLIGATION_CHECKS:
        errors += check(d, ctx)
    return _dedupe(errors)


def incomplete_fields(d: InteractionDraft) -> list[str]:
    """Details a valid record still lacks for the yearly OSPI collection (P21)."""
    missing = []
    if d.use_of_force and not d.force_details:
        missing.append("force_details")
    if (d.discipline_related or d.resulted_in_discipline) and not d.responsible_admin.strip():
        missing.append("responsible_admin")
    return missing


def compliance_flags(d: InteractionDraft, ctx: InteractionContext) -> list[dict[str, str]]:
    """The flags a valid interaction carries: ``[{"kind": FlagKind, "detail": text}]``."""
    flags: list[dict[str, str]] = []
    untrained = untrained_staff(d, ctx)
    if untrained:
        flags.append({"kind": FlagKind.UNTRAINED_STAFF.value, "detail": "; ".join(untrained.values()) + "."})
    if d.consequence_by_staff_id and ctx.known.staff.get(d.consequence_by_staff_id) == StaffCategory.SRO:
        flags.append({"kind": FlagKind.SRO_DISCIPLINE.value,
                      "detail": f"{_name(ctx, d.consequence_by_staff_id)} decided or imposed a school consequence."})
    missing = [e.get("student_id", "") for e in d.attorney_access if attorney_flag(e)]
    if missing:
        flags.append({"kind": FlagKind.RCW_13_40_740.value,
                      "detail": f"{len(missing)} student(s) questioned, detained or asked for consent "
                                "to search without access to an attorney and without a claimed exception."})
    if needs_notification(d) and not d.notifications and not d.notification_deferred_reason.strip():
        flags.append({"kind": FlagKind.NOTIFICATION_MISSING.value,
                      "detail": "No attempt to notify a parent or guardian and no reason for deferring it."})
    return flags


def merge_flags(old: list[dict[str, Any]] | None, new: list[dict[str, str]], now: str) -> list[dict[str, Any]]:
    """Keep when each still-open flag was first raised (``since``)."""
    since = {f["kind"]: f.get("since", now) for f in old or []}
    return [f | {"since": since.get(f["kind"], now)} for f in new]
