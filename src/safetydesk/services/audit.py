"""The audit trail (P25): who viewed, changed, printed or exported which record, and when."""

from __future__ import annotations

from safetydesk.domain.permissions import Permission
from safetydesk.domain.vocab import Action
from safetydesk.services.context import Session, service
from safetydesk.store import Change, Entry


def record_access(session: Session, record_type: str, record_id: str, action: Action, note: str = "") -> None:
    """Write a view, print or export entry. It changes nothing in the record itself."""
    session.store.append(session.author, [Change(record_type, record_id, action, {}, note)])


@service(Permission.VIEW_AUDIT)
def audit_trail(
    session: Session, *, user: str = "", record_type: str = "", action: str = "", since: str = "",
    until: str = "", record_id: str = "", offset: int = 0, limit: int = 200,
) -> list[Entry]:
    """History entries, newest first, filtered by user, record type, action and dates (ISO)."""
    return session.store.audit_trail(
        user=user, record_type=record_type, action=action, since=since, until=until,
        record_id=record_id, offset=offset, limit=limit,
    )
