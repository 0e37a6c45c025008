"""`verify` never writes to the data file (P25, issue 14 hardening): its rebuild goes to a
scratch file, and an attachment kept in the history the older way (its bytes in base64 in the
entry, ``content_b64``) is no exception. A verify of such a file leaves the data file's bytes,
``PRAGMA data_version`` (seen from another connection) and every table's row count as they
were; when that attachment's stored file is missing, verify names it (a derived table that
`verify --repair` rebuilds from the history) instead of quietly putting it back."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from safetydesk.store import Change, Store
from support import raw_connection

ADMIN = Change("user", "U1", "create", {"username": [None, "admin"], "role": [None, "district_admin"],
                                        "active": [None, True]})
DATA = b"an old handout, kept in the entry itself " * 40
DIGEST = hashlib.sha256(DATA).hexdigest()


def _legacy_file(path: Path) -> Store:
    store = Store.open(path)
    store.append("admin", [ADMIN, Change("attachment", "OLD", "create", {
        "name": [None, "handout.pdf"], "sha256": [None, DIGEST], "size": [None, len(DATA)],
        "content_b64": [None, base64.b64encode(DATA).decode("ascii")]})])
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return store


HASH_FILES = """
import hashlib, json, sys
from pathlib import Path
path = Path(sys.argv[1])
print(json.dumps({p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                  for p in sorted(path.parent.glob(path.name + "*"))
                  if p.is_file() and ".verify-scratch" not in p.name}))
"""


def _bytes(path: Path) -> dict[str, str]:
    """The hash of each of the data file's files, read in another process: closing a file this
    process opened would drop SQLite's POSIX locks on it, and verify's own processes would then
    take this process's connections for gone and reset the file's shared memory."""
    out = subprocess.run([sys.executable, "-c", HASH_FILES, str(path)], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    return dict(json.loads(out))


def _counts(conn) -> dict[str, int]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _verified_without_change(store: Store, workers: int = 1) -> list[str]:
    """verify's answer, asserting it changed nothing in the data file."""
    watcher = raw_connection(store)  # data_version moves when another connection commits
    try:
        version, counts, before = (watcher.execute("PRAGMA data_version").fetchone()[0],
                                   _counts(watcher), _bytes(store.path))
        problems = store.verify(workers=workers)
        assert watcher.execute("PRAGMA data_version").fetchone()[0] == version
        assert _counts(watcher) == counts
        assert _bytes(store.path) == before
        return problems
    finally:
        watcher.close()


@pytest.mark.policy("P25")
@pytest.mark.parametrize("workers", [1, 2], ids=lambda w: f"{w}-process")
def test_verify_of_a_file_with_an_old_style_attachment_changes_nothing(tmp_path: Path, workers: int) -> None:
    store = _legacy_file(tmp_path / "old.sqlite")
    try:
        assert store.blob(DIGEST) == DATA
        assert _verified_without_change(store, workers) == []
    finally:
        store.close()


@pytest.mark.policy("P25")
@pytest.mark.parametrize("workers", [1, 2], ids=lambda w: f"{w}-process")
def test_a_missing_old_style_file_is_named_not_put_back_by_verify(tmp_path: Path, workers: int) -> None:
    store = _legacy_file(tmp_path / "old.sqlite")
    try:
        conn = raw_connection(store)
        conn.execute("DELETE FROM blobs")
        conn.commit()
        conn.close()
        problems = _verified_without_change(store, workers)
        assert store.blob(DIGEST) is None  # verify did not quietly put it back
        assert any(p.startswith("The table blobs does not match the history") and "--repair" in p
                   for p in problems), problems
        store.rebuild_derived()  # what `verify --repair` does for a derived table that differs
        assert store.blob(DIGEST) == DATA and store.verify() == []
    finally:
        store.close()
