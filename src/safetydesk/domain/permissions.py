"""Who may do what (P23). Enforced by the services; the UI only hides what a role cannot do."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from safetydesk.domain.vocab import Role


class Permission(StrEnum):
    VIEW_RECORDS = "view_records"
    LOG_INTERACTION = "log_interaction"
    AMEND_INTERACTION = "amend_interaction"
    RETRACT_INTERACTION = "retract_interaction"
    MANAGE_ROSTER = "manage_roster"  # students
    MANAGE_REGISTRY = "manage_registry"  # schools, years, staff
    MANAGE_USERS = "manage_users"
    ADMINISTER = "administer"  # verify, backup, restore, rebuild
    VIEW_AUDIT = "view_audit"
    # Everyday records (issue: everyday records)
    LOG_INTERVENTION = "log_intervention_request"
    LOG_CLIMATE = "log_climate_activity"
    LOG_OUTSIDE_REQUEST = "log_outside_request"
    MANAGE_TRAINING = "manage_training"
    IMPORT_ROSTER = "import_roster"
    # District-level records (issue: complaints, start of year, agreements)
    VIEW_COMPLAINTS = "view_complaints"
    FILE_COMPLAINT = "file_complaint"
    INVESTIGATE_COMPLAINT = "investigate_complaint"
    MANAGE_START_OF_YEAR = "manage_start_of_year"
    MANAGE_AGREEMENTS = "manage_agreements"
    MANAGE_GUN_SAFE_HOUSEHOLDS = "manage_gun_safe_households"  # P05: a separately permitted list
    # P23/P24: releasing records that name a student to someone outside the school
    # (police, a court, another agency) is its own permission, not a kind of viewing.
    DISCLOSE_OUTSIDE = "disclose_to_an_outside_party"
    # The federal CRDC submission with every count shown (the public copy hides small counts as P20).
    EXPORT_CRDC_UNSUPPRESSED = "export_crdc_unsuppressed"


P = Permission
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.FRONT_OFFICE: frozenset(
        {P.VIEW_RECORDS, P.LOG_INTERACTION, P.AMEND_INTERACTION, P.LOG_INTERVENTION,
         P.LOG_OUTSIDE_REQUEST, P.VIEW_COMPLAINTS, P.FILE_COMPLAINT}
    ),
    Role.SAFETY_STAFF: frozenset(
        {P.VIEW_RECORDS, P.LOG_INTERACTION, P.AMEND_INTERACTION, P.LOG_INTERVENTION,
         P.LOG_CLIMATE}
    ),
    Role.PRINCIPAL: frozenset(
        {P.VIEW_RECORDS, P.LOG_INTERACTION, P.AMEND_INTERACTION, P.RETRACT_INTERACTION,
         P.MANAGE_ROSTER, P.LOG_INTERVENTION, P.LOG_CLIMATE, P.LOG_OUTSIDE_REQUEST,
         P.VIEW_COMPLAINTS, P.FILE_COMPLAINT, P.INVESTIGATE_COMPLAINT, P.MANAGE_START_OF_YEAR,
         P.DISCLOSE_OUTSIDE}
    ),
    Role.DISTRICT_ADMIN: frozenset(Permission),
    Role.REVIEWER: frozenset({P.VIEW_RECORDS, P.VIEW_AUDIT, P.VIEW_COMPLAINTS}),
}


@dataclass(frozen=True)
class Actor:
    """The person a service acts for."""

    username: str
    display_name: str
    role: Role
    schools: frozenset[str] = field(default_factory=frozenset)  # empty: every school
    # When set, the actor may use only these permissions whatever its role: the
    # scheduled-task key (backup and verify from a script) is such an actor.
    limited_to: frozenset[Permission] | None = None
    # The account's user id: what history entries record as their author (names are looked up
    # in the replicated accounts when shown). Empty for actors that are not accounts.
    user_id: str = ""

    @property
    def all_schools(self) -> bool:
        return self.role == Role.DISTRICT_ADMIN or not self.schools

    def can(self, permission: Permission, school_id: str | None = None) -> bool:
        if permission not in GRANTS.get(self.role, frozenset()):
            return False
        if self.limited_to is not None and permission not in self.limited_to:
            return False
        if school_id is None or self.all_schools:
            return True
        return school_id in self.schools

    def school_scope(self) -> frozenset[str] | None:
        """The schools this actor may see, or None for every school."""
        return None if self.all_schools else self.schools


SYSTEM = Actor("system", "SafetyDesk", Role.DISTRICT_ADMIN)
