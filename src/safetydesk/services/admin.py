"""Keeping the data file healthy: verify, rebuild, backup, drafts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from safetydesk.domain.permissions import Permission
from safetydesk.services.context import Session, service
from safetydesk.store.store import Progress

R = TypeVar("R")


@service(Permission.ADMINISTER)
def verify(session: Session, progress: Progress | None = None) -> list[str]:
    return session.store.verify(progress)


@service(Permission.ADMINISTER)
def rebuild(session: Session, progress: Progress | None = None) -> None:
    session.store.rebuild_derived(progress)


@service(Permission.ADMINISTER)
def backup(session: Session, target: Path, progress: Progress | None = None) -> Path:
    return session.store.backup(target, progress)


@service(None)
def save_draft(session: Session, key: str, form: str, record_id: str, data: dict[str, Any]) -> None:
    session.store.save_draft(key, session.actor.username, form, record_id, data)


@service(None)
def drafts(session: Session) -> list[dict[str, Any]]:
    return session.store.drafts(session.actor.username)


@service(None)
def discard_draft(session: Session, key: str) -> None:
    session.store.delete_draft(key)


@service(None)
def save_discarding_draft(session: Session, draft_key: str, save: Callable[..., R], *args: Any,
                          **kwargs: Any) -> R:
    """Run a save (any checked service, e.g. ``interactions.log_interaction``) and discard the
    form's unfinished draft in the same transaction: one save is one write and one change
    notice. If the save is refused, the draft is kept."""
    with session.store.write():
        result = save(session, *args, **kwargs)
        if draft_key:
            session.store.delete_draft(draft_key)
    return result
