"""District settings (the district's choices within the policy), kept in the history."""

from __future__ import annotations

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import diff_states
from safetydesk.domain.settings import (
    SETTINGS_ID,
    SETTINGS_RECORD_TYPE,
    DistrictSettings,
    validate_settings,
)
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import Action
from safetydesk.services.context import Session, service
from safetydesk.store import Change, Store


def current(store: Store) -> DistrictSettings:
    """The settings in force (defaults until a district administrator changes one)."""
    return DistrictSettings.from_state(store.state(SETTINGS_RECORD_TYPE, SETTINGS_ID))


@service(Permission.VIEW_RECORDS)
def get_settings(session: Session) -> DistrictSettings:
    return current(session.store)


@service(Permission.ADMINISTER)
def update_settings(session: Session, new: DistrictSettings, reason: str) -> list[str]:
    """Change settings; returns the names of the settings changed."""
    errors = validate_settings(new)
    if not reason.strip():
        errors.append(FieldError("reason", "Say why the settings are changing."))
    if errors:
        raise ValidationFailed(errors, "The settings were not changed.")
    before = session.store.state(SETTINGS_RECORD_TYPE, SETTINGS_ID)
    effective = before if before is not None else DistrictSettings().to_state()
    changed = sorted(diff_states(effective, new.to_state()))
    if not changed:
        return []
    # The first change records every value, so the history shows the whole set in force.
    changes = diff_states(before, new.to_state()) if before is not None else diff_states(None, new.to_state())
    action = Action.CREATE if before is None else Action.AMEND
    session.store.append(session.actor.username,
                         [Change(SETTINGS_RECORD_TYPE, SETTINGS_ID, action, changes, reason.strip())])
    return changed
