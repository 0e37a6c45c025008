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
