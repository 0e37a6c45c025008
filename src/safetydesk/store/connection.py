"""Connections to the data file: SQLCipher when a key is given, plain SQLite otherwise.

SQLCipher (through `sqlcipher3`, which bundles its own SQLite with FTS5)
encrypts every page of the file and its WAL. The key is raw (``x'…'``), so
SQLCipher runs no key derivation of its own: the key is already random.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from safetydesk.store.keys import sqlcipher_key_pragma

# Either driver's exceptions; catch these, never one module's alone.
Error: tuple[type[Exception], ...] = (sqlite3.Error, sqlcipher.Error)
DatabaseError: tuple[type[Exception], ...] = (sqlite3.DatabaseError, sqlcipher.DatabaseError)
OperationalError: tuple[type[Exception], ...] = (sqlite3.OperationalError, sqlcipher.OperationalError)
IntegrityError: tuple[type[Exception], ...] = (sqlite3.IntegrityError, sqlcipher.IntegrityError)

Connection = Any  # sqlite3.Connection or sqlcipher3's, which has the same interface


def connect(path: Path | str, key: bytes | None) -> Connection:
    if key is None:
        return sqlite3.connect(str(path), check_same_thread=False, timeout=10)
    conn = sqlcipher.connect(str(path), check_same_thread=False, timeout=10)
    conn.execute(sqlcipher_key_pragma(key))
    return conn
