"""The SQLite file: schema, migrations, history, derived tables, queries. Only this package writes SQL."""

import sys


def _import_sqlite_utils_without_numpy() -> None:
    """Import sqlite-utils (the migrations) without the numpy and pandas it imports if it can.

    Called only when a migration runs (`schema.migrations`) or `Store.db` is used: a file that is
    up to date opens without sqlite-utils (with its click and dateutil, a tenth of a second of
    every start-up).

    sqlite-utils imports both, when installed, only to map their number types to column types in
    its `insert` helpers, which SafetyDesk does not use with them; numpy is 0.3 s of every
    start-up. numpy stays importable (the suppression solver uses it): it is hidden only while
    sqlite-utils is imported, and only if nothing has imported it yet."""
    if "sqlite_utils" in sys.modules:
        return
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # "import numpy" raises ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


from safetydesk.store.backup import read_manifest, restore_backup  # noqa: E402
from safetydesk.store.history import Change, Entry  # noqa: E402
from safetydesk.store.keys import KeyRing, keys_path, new_database_key  # noqa: E402
from safetydesk.store.store import Store  # noqa: E402

__all__ = [
    "Change", "Entry", "KeyRing", "Store", "keys_path", "new_database_key", "read_manifest",
    "restore_backup",
]
