"""The service doors every record type has, made once from its `RecordKind`.

Each record type's use-case module (``interventions``, ``climate``, ...) needs the same
seven or eight doors onto the kernel: check, create, amend with a reason, retract with a
reason, get, history, list and count. They differ only in the kind, their names and their
permissions, so they are made here, once, from the kind::

    _doors = Doors[InterventionDraft](KIND, __name__)
    log_request = _doors.create("log_request")

or, for a type with all eight, `Doors.standard` (the names once, in order).

Each door is a real `@service` function registered under ``<module>.<name>`` with its
permission (by default the kind's: ``write`` to create, the amend permission to amend,
``retract`` to retract, ``view`` to read), so the window, the command line and the
permission table (which walks `context.SERVICES`) call and check it by that name. What a
type does beyond these doors stays written out in its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, ParamSpec, Protocol, TypeVar

from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import Draft
from safetydesk.domain.validation import FieldError
from safetydesk.services import kernel
from safetydesk.services.context import Session, service
from safetydesk.store import Entry

D = TypeVar("D", bound=Draft)
D_contra = TypeVar("D_contra", bound=Draft, contravariant=True)
P = ParamSpec("P")
R = TypeVar("R")


class CheckDoor(Protocol[D_contra]):
    def __call__(self, session: Session, draft: D_contra) -> list[FieldError]: ...


class CreateDoor(Protocol[D_contra]):
    def __call__(self, session: Session, draft: D_contra) -> str: ...


class AmendDoor(Protocol[D_contra]):
    def __call__(self, session: Session, record_id: str, draft: D_contra, reason: str,
                 expected_version: int | None = None) -> list[str]: ...


class RetractDoor(Protocol):
    def __call__(self, session: Session, record_id: str, reason: str) -> None: ...


class GetDoor(Protocol):
    def __call__(self, session: Session, record_id: str) -> dict[str, Any]: ...


class HistoryDoor(Protocol):
    def __call__(self, session: Session, record_id: str) -> list[Entry]: ...


class ListDoor(Protocol):
    def __call__(self, session: Session, offset: int = 0, limit: int = 200,
                 **filters: Any) -> list[dict[str, Any]]: ...


class CountDoor(Protocol):
    def __call__(self, session: Session, **filters: Any) -> int: ...


class Standard(NamedTuple, Generic[D]):
    """The eight doors of a record type that has all of them, in this order."""

    check: CheckDoor[D]
    create: CreateDoor[D]
    amend: AmendDoor[D]
    retract: RetractDoor
    get: GetDoor
    history: HistoryDoor
    list: ListDoor
    count: CountDoor


@dataclass(frozen=True)
class Doors(Generic[D]):
    """The doors of one kind; ``module`` is the use-case module's ``__name__``."""

    kind: kernel.RecordKind
    module: str

    def _door(self, fn: Callable[P, R], name: str, permission: Permission, doc: str) -> Callable[P, R]:
        fn.__name__ = fn.__qualname__ = name
        fn.__module__ = self.module
        fn.__doc__ = doc or fn.__doc__
        return service(permission)(fn)

    def check(self, name: str = "check", permission: Permission = Permission.VIEW_RECORDS,
              doc: str = "") -> CheckDoor[D]:
        kind = self.kind

        def door(session: Session, draft: D) -> list[FieldError]:
            """Validate without saving: what a form shows as the person types (P14 text is
            checked on save)."""
            return kernel.check(session, kind, draft)

        return self._door(door, name, permission, doc)

    def create(self, name: str, doc: str = "") -> CreateDoor[D]:
        kind = self.kind

        def door(session: Session, draft: D) -> str:
            """Save a new record from the draft; returns its id. Refuses with every problem at
            once, and with `ImmigrationDataWarning` (P14) before anything else."""
            return kernel.create(session, kind, draft)

        return self._door(door, name, kind.write, doc)

    def amend(self, name: str, permission: Permission | None = None, doc: str = "") -> AmendDoor[D]:
        kind = self.kind

        def door(session: Session, record_id: str, draft: D, reason: str,
                 expected_version: int | None = None) -> list[str]:
            """Correct a record from a whole draft, with the reason; returns the fields changed.
            ``expected_version`` (the version the form was opened at) refuses a stale copy."""
            return kernel.amend(session, kind, record_id, draft, reason, expected_version)

        if permission is None:
            if kind.amend is not None and not isinstance(kind.amend, Permission):
                raise TypeError(f"{kind.record_type}: its amend permission depends on the record; "
                                "name the door's role-level permission")
            permission = kind.amend or kind.write
        return self._door(door, name, permission, doc)

    def retract(self, name: str, doc: str = "") -> RetractDoor:
        kind = self.kind

        def door(session: Session, record_id: str, reason: str) -> None:
            """Withdraw a record entered in error. The original stays in the history with the
            reason."""
            kernel.retract(session, kind, record_id, reason)

        return self._door(door, name, kind.retract, doc)

    def get(self, name: str, doc: str = "") -> GetDoor:
        kind = self.kind

        def door(session: Session, record_id: str) -> dict[str, Any]:
            """One record as the detail view shows it: state, draft, version, details."""
            return kernel.get(session, kind, record_id)

        return self._door(door, name, kind.view, doc)

    def history(self, name: str, doc: str = "") -> HistoryDoor:
        kind = self.kind

        def door(session: Session, record_id: str) -> list[Entry]:
            """Every history entry of the record, oldest first."""
            return kernel.history(session, kind, record_id)

        return self._door(door, name, kind.view, doc)

    def list(self, name: str, doc: str = "") -> ListDoor:
        kind = self.kind

        def door(session: Session, offset: int = 0, limit: int = 200,
                 **filters: Any) -> list[dict[str, Any]]:
            """One page of the list, within the schools the person sees."""
            return kernel.list_records(session, kind, offset, limit, **filters)

        return self._door(door, name, kind.view, doc)

    def count(self, name: str, doc: str = "") -> CountDoor:
        kind = self.kind

        def door(session: Session, **filters: Any) -> int:
            """How many records the list's filters match, within the schools the person sees."""
            return kernel.count_records(session, kind, **filters)

        return self._door(door, name, kind.view, doc)

    def standard(self, names: str, docs: Mapping[str, str] | None = None) -> Standard[D]:
        """All eight doors, named by ``names`` (eight names, in `Standard`'s order); ``docs``
        gives a door a docstring of its own, by its `Standard` field (``{"list": "Filters: ..."}``)."""
        doc = dict(docs or {})
        unknown = set(doc) - set(Standard._fields)
        assert not unknown, f"no such door: {sorted(unknown)}"
        check, create, amend, retract, get, history, list_, count = names.split()
        return Standard(
            self.check(check, doc=doc.get("check", "")), self.create(create, doc.get("create", "")),
            self.amend(amend, doc=doc.get("amend", "")), self.retract(retract, doc.get("retract", "")),
            self.get(get, doc.get("get", "")), self.history(history, doc.get("history", "")),
            self.list(list_, doc.get("list", "")), self.count(count, doc.get("count", "")))
