"""Helpers shared by tests (import as `from support import ...`; conftest modules are not importable by name)."""

from __future__ import annotations

ADMIN_PASSWORD = "correct horse battery"


def raw_connection(store):
    """A driver-level connection to a store's file, as someone editing it by hand would use."""
    from safetydesk.store.connection import connect

    return connect(store.path, store.key)


# --------------------------------------------------------------- proof counters
# Property suites print one line of figures each at the end of the run (in CI's
# output too), e.g. "history-convergence: examples=1000 ... diverged=0".
COUNTERS: dict[str, dict[str, int]] = {}


def count(line: str, **figures: int) -> None:
    """Add ``figures`` to the counter line ``line`` (printed after the test run)."""
    row = COUNTERS.setdefault(line, {})
    for name, value in figures.items():
        row[name] = row.get(name, 0) + value


def examples(ci: int, dev: int) -> int:
    """How many hypothesis examples: the full number in CI (CI=true), fewer while developing."""
    import os

    return ci if os.environ.get("CI") or os.environ.get("SAFETYDESK_FULL_PROOF") else dev


class Frac(int):
    """caught/tried, summed by support.count and printed as "caught=7/7"."""

    def __new__(cls, caught: int, tried: int) -> Frac:
        obj = int.__new__(cls, caught)
        obj.tried = tried
        return obj

    def __radd__(self, other):
        if isinstance(other, Frac):
            return Frac(int(other) + int(self), other.tried + self.tried)
        return Frac(int(self), self.tried) if other == 0 else NotImplemented

    def __add__(self, other):
        return Frac.__radd__(other, self) if isinstance(other, Frac) else NotImplemented

    def __str__(self) -> str:
        return f"{int(self)}/{self.tried}"

    def __format__(self, spec: str) -> str:
        return str(self)


def alder_store(folder):
    """A new real data file (one elementary school, the admin account) in ``folder``: its store."""
    from safetydesk.domain.records import SchoolDraft
    from safetydesk.paths import resolve
    from safetydesk.services import files

    session = files.create_data_file(resolve(folder), "Fictional Valley School District",
                                     [SchoolDraft(name="Alder Elementary", code="ALD", level="elementary")],
                                     "admin", ADMIN_PASSWORD)
    return session.store


def created(kind: str, rid: str, state: dict):
    """The change that creates record ``rid`` of ``kind`` with ``state``."""
    from safetydesk.domain.records import diff_states
    from safetydesk.store import Change

    return Change(kind, rid, "create", diff_states(None, state))


def retract(store, kind: str, rid: str) -> None:
    """Retract record ``rid`` of ``kind`` as its author would (nothing when absent or retracted already)."""
    from safetydesk.store import Change

    current = store.state(kind, rid)
    if current is not None and not current.get("retracted"):
        store.append("admin", [Change(kind, rid, "retract", {"retracted": [False, True], "retract_reason": ["", "error"]})])


def toggle_duplicate(store, rid: str, of: str) -> None:
    """Mark interaction ``rid`` a duplicate of ``of``, or clear the mark it has (or a mark of itself)."""
    from safetydesk.store import Change

    current = store.state("interaction", rid)
    if current is not None:
        value = "" if current.get("duplicate_of") or rid == of else of
        store.append("admin", [Change("interaction", rid, "amend", {"duplicate_of": [current.get("duplicate_of"), value]})])
