"""Helpers shared by tests (import as `from support import ...`; conftest modules are not importable by name)."""

from __future__ import annotations

ADMIN_PASSWORD = "correct horse battery"


def raw_connection(store):
    """A driver-level connection to a store's file, as someone editing it by hand would use."""
    from safetydesk.store.connection import connect

    return connect(store.path, store.key)
