"""The SQLite file: schema, migrations, history, derived tables, queries. Only this package writes SQL."""

from safetydesk.store.backup import read_manifest, restore_backup
from safetydesk.store.history import Change, Entry
from safetydesk.store.keys import KeyRing, keys_path, new_database_key
from safetydesk.store.store import Store

__all__ = [
    "Change", "Entry", "KeyRing", "Store", "keys_path", "new_database_key", "read_manifest",
    "restore_backup",
]
