"""Encryption at rest: a lost or copied data file discloses nothing."""

import shutil
import sqlite3
import zipfile

import pytest

from safetydesk.domain.errors import AuthenticationFailed, CorruptDataFile
from safetydesk.services import files, interactions
from safetydesk.store import KeyRing, Store, keys_path
from support import ADMIN_PASSWORD

NAMES = (b"Avery", b"Quinn", b"Tanaka", b"Mbeki", b"Rowan")


@pytest.fixture
def filled(world):
    for n in range(20):
        interactions.log_interaction(world.session, world.draft(narrative=f"Avery Quinn and Rowan Tanaka, note {n}"))
    return world


@pytest.mark.policy("P23")
def test_no_student_name_in_the_raw_bytes_of_the_file_its_wal_or_a_backup(filled, tmp_path):
    store = filled.session.store
    wal = store.path.with_name(store.path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # names were just written through the WAL
    backup = files.backup(filled.session, tmp_path / "b.sdbackup")
    for blob in (store.path.read_bytes(), wal.read_bytes(), backup.read_bytes()):
        for name in NAMES:
            assert name not in blob
    with zipfile.ZipFile(backup) as zf:
        inner = zf.read("safetydesk.sqlite")
    assert not inner.startswith(b"SQLite format 3") and not any(n in inner for n in NAMES)


def test_plain_sqlite_reads_nothing(filled):
    conn = sqlite3.connect(str(filled.session.store.path))
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT * FROM sqlite_master").fetchall()


def test_a_wrong_password_unlocks_nothing(filled, paths):
    with pytest.raises(AuthenticationFailed):
        files.sign_in(paths, "admin", "not the password at all")
    ring = KeyRing.load(keys_path(paths.data_file))
    with pytest.raises(AuthenticationFailed):
        ring.unlock("admin", ADMIN_PASSWORD + "x")


def test_the_file_copied_elsewhere_without_its_keys_opens_nowhere(filled, tmp_path):
    store = filled.session.store
    copy = tmp_path / "elsewhere" / "safetydesk.sqlite"
    copy.parent.mkdir()
    shutil.copy(store.path, copy)
    from safetydesk.store import new_database_key
    with pytest.raises(CorruptDataFile):
        Store.open(copy, key=new_database_key())
