"""The session a service acts in, and the permission check every service goes through."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import ParamSpec, TypeVar

from safetydesk.domain.changes import Changes
from safetydesk.domain.errors import PermissionDenied
from safetydesk.domain.permissions import Actor, Permission
from safetydesk.store import Store

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class Session:
    store: Store
    actor: Actor
    clock: Callable[[], datetime] = field(default=datetime.now)

    def take_changes(self) -> Changes:
        """What the writes since the last call changed (record kinds and ids), once."""
        return self.store.take_changes()

    @property
    def author(self) -> str:
        """What a history entry records as its author: the account's user id (its name is shown
        from the replicated accounts), or the actor's name for actors that are not accounts."""
        return self.actor.user_id or self.actor.username

    @property
    def scope(self) -> frozenset[str] | None:
        return self.actor.school_scope()

    def require(self, permission: Permission, school_id: str | None = None) -> None:
        if not self.actor.can(permission, school_id):
            where = " at this school" if school_id else ""
            raise PermissionDenied(
                f"Your account ({self.actor.role.label}) is not allowed to "
                f"{permission.value.replace('_', ' ')}{where}. Ask a district administrator "
                "if you need this."
            )


# Every service function, with the permission it needs. Tests walk this table.
SERVICES: dict[str, Permission | None] = {}


def service(permission: Permission | None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a service function and check ``permission`` before it runs.

    ``None`` marks functions open to anyone signed in (for example changing
    one's own password); the school-level part of a check happens inside.
    """

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        name = f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"
        SERVICES[name] = permission

        @functools.wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            session = args[0]
            assert isinstance(session, Session), f"{name} needs a Session first"
            if permission is not None:
                session.require(permission)
            return fn(*args, **kwargs)

        inner.permission = permission  # type: ignore[attr-defined]
        return inner

    return wrap


