"""District settings (the district's choices within the policy), kept in the history."""

from __future__ import annotations

from dataclasses import fields, replace

from safetydesk import site
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


def _stored(store: Store) -> DistrictSettings:
    """The settings the data file holds (defaults until a district administrator changes one)."""
    return DistrictSettings.from_state(store.state(SETTINGS_RECORD_TYPE, SETTINGS_ID))


def current(store: Store) -> DistrictSettings:
    """The settings in force: the data file's, with those the district's site configuration fixes."""
    return site.active().apply(_stored(store))


@service(Permission.VIEW_RECORDS)
def get_settings(session: Session) -> DistrictSettings:
    return current(session.store)


@service(Permission.ADMINISTER)
def update_settings(session: Session, new: DistrictSettings, reason: str) -> list[str]:
    """Change settings; returns the names of the settings changed."""
    managed = site.active()
    in_force = current(session.store)
    errors = [FieldError(f.name, managed.managed_note(f.name)) for f in fields(new)
              if managed.is_managed(f.name) and getattr(new, f.name) != getattr(in_force, f.name)]
    # A managed setting keeps its value in the data file; the site configuration overrides it.
    kept = _stored(session.store)
    new = replace(new, **{name: getattr(kept, name) for name in managed.settings})
    errors += validate_settings(managed.apply(new))
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
    session.store.append(session.author,
                         [Change(SETTINGS_RECORD_TYPE, SETTINGS_ID, action, changes, reason.strip())])
    return changed
