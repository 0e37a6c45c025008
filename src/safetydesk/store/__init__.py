"""The SQLite file: schema, migrations, history, derived tables, queries. Only this package writes SQL."""

from safetydesk.store.history import Change, Entry
from safetydesk.store.store import Store, restore_file

__all__ = ["Change", "Entry", "Store", "restore_file"]
