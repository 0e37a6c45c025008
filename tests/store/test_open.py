"""Opening the data file: damaged, newer, foreign or unwritable files are refused untouched."""

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from safetydesk.domain.errors import CorruptDataFile, DataFileError, DataFolderError, NewerDataFile
from safetydesk.paths import Paths, check_data_folder, fstype_from_mounts, network_location
from safetydesk.services import files
from safetydesk.store import Store, new_database_key
from support import ADMIN_PASSWORD, raw_connection


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_uses_wal_full_sync_and_foreign_keys(tmp_path):
    store = Store.open(tmp_path / "d.sqlite", key=new_database_key())
    pragmas = {p: store.conn.execute(f"PRAGMA {p}").fetchone()[0]
               for p in ("journal_mode", "synchronous", "foreign_keys")}
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    store.close()


def test_a_damaged_file_is_refused_and_left_as_it_is(tmp_path):
    path = tmp_path / "d.sqlite"
    path.write_bytes(b"this is not a database, it is a note someone saved over it" * 100)
    before = digest(path)
    with pytest.raises(CorruptDataFile) as info:
        Store.open(path, key=new_database_key())
    assert "damaged" in info.value.message and "left exactly as it is" in info.value.message
    assert digest(path) == before


def test_a_file_from_a_newer_safetydesk_is_refused_untouched(admin):
    path, key = admin.store.path, admin.store.key
    admin.store.close()
    conn = raw_connection(admin.store)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('safetydesk', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NewerDataFile, match="newer version of SafetyDesk"):
        Store.open(path, key=key)
    assert digest(path) == before


def test_another_programs_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(DataFileError, match="not a SafetyDesk data file"):
        Store.open(path)


def test_pending_migrations_run_after_a_backup_copy(tmp_path, monkeypatch):
    from safetydesk.store import schema

    path = tmp_path / "d.sqlite"
    Store.open(path).close()
    # A later release adds a migration: opening the file runs it, after a backup.
    added = list(schema.migrations._migrations)
    added.append(schema.migrations._Migration("m900_test_addition", lambda db: db.execute(
        "CREATE TABLE added_later (x TEXT)")))
    monkeypatch.setattr(schema.migrations, "_migrations", added)
    monkeypatch.setattr(schema, "KNOWN_MIGRATIONS", frozenset(m.name for m in added))
    store = Store.open(path, backup_dir=tmp_path / "backups")
    assert "added_later" in store.db.table_names()
    store.close()
    backups = list((tmp_path / "backups").glob("d-before-upgrade-*.sdbackup"))
    assert len(backups) == 1
    import zipfile
    with zipfile.ZipFile(backups[0]) as zf:
        zf.extract("safetydesk.sqlite", tmp_path / "x")
    old = sqlite3.connect(str(tmp_path / "x" / "safetydesk.sqlite"))
    assert "added_later" not in {r[0] for r in old.execute("SELECT name FROM sqlite_master")}


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else False,
                    reason="root can write anywhere; covered by the read-only file test")
def test_an_unwritable_data_folder_is_named_in_the_message(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(DataFolderError) as info:
            Store.open(folder / "d.sqlite")
        assert str(folder) in info.value.message
    finally:
        folder.chmod(0o700)


def test_a_folder_that_cannot_be_created_is_named(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    with pytest.raises(DataFolderError) as info:
        Store.open(blocker / "sub" / "d.sqlite")
    assert str(blocker / "sub") in info.value.message


def test_a_full_disk_on_save_loses_nothing_already_saved(world):
    """SQLite reports a full disk as SQLITE_FULL; simulate it with max_page_count."""
    from safetydesk.domain.errors import DataFolderError as Full
    from safetydesk.services import interactions

    session = world.session
    first = interactions.log_interaction(session, world.draft())
    count = session.store.history_count()
    pages = session.store.conn.execute("PRAGMA page_count").fetchone()[0]
    session.store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(Full) as info:
        interactions.log_interaction(session, world.draft(narrative="x" * 200_000))
    assert str(session.store.path.parent) in info.value.message
    assert "Nothing was saved" in info.value.message
    session.store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert session.store.history_count() == count
    assert interactions.get_interaction(session, first)["state"]["location"] == "Cafeteria"
    assert session.store.verify() == []


@pytest.mark.parametrize(
    ("path", "fstype"),
    [("/mnt/share/safetydesk", "cifs"), ("/home/office/data", "nfs4"), ("/srv/x", "fuse.sshfs")],
)
def test_network_file_systems_are_recognised(path, fstype):
    mounts = ["/dev/sda1 / ext4 rw 0 0", f"server:/export {path.rsplit('/', 1)[0]} {fstype} rw 0 0"]
    assert fstype_from_mounts(Path(path), mounts) == fstype


def test_the_longest_matching_mount_wins():
    mounts = ["server:/x /mnt cifs rw 0 0", "/dev/sdb1 /mnt/local ext4 rw 0 0"]
    assert fstype_from_mounts(Path("/mnt/local/data"), mounts) == "ext4"
    assert fstype_from_mounts(Path("/mnt/localother"), mounts) == "cifs"


def test_unc_paths_are_refused_with_a_reason_and_what_to_do():
    assert network_location(Path("//fileserver/office/SafetyDesk")) is not None
    p = Path("//fileserver/office/SafetyDesk")
    with pytest.raises(DataFolderError) as info:
        check_data_folder(Paths(p, p, p, p))
    assert "network" in info.value.message and "--home" in info.value.message


def test_a_local_folder_is_accepted(tmp_path):
    assert network_location(tmp_path) is None


def test_restore_keeps_the_replaced_file_and_refuses_a_bad_backup(admin, paths, tmp_path):
    from safetydesk.domain.records import SchoolDraft
    from safetydesk.services import registry

    backup = files.backup(admin, tmp_path / "b.sdbackup")
    registry.add_school(admin, SchoolDraft(name="Cedar Middle School", level="middle"))
    admin.store.close()
    bad = tmp_path / "bad.sdbackup"
    bad.write_bytes(b"garbage" * 1000)
    before = digest(paths.data_file)
    with pytest.raises(CorruptDataFile, match="Nothing was changed"):
        files.restore(paths, bad, "admin", ADMIN_PASSWORD)
    from safetydesk.domain.errors import AuthenticationFailed
    with pytest.raises(AuthenticationFailed):
        files.restore(paths, backup, "admin", "not the password")
    assert digest(paths.data_file) == before
    kept = files.restore(paths, backup, "admin", ADMIN_PASSWORD)
    assert kept is not None and kept.exists()
    session = files.sign_in(paths, "admin", ADMIN_PASSWORD)
    try:
        assert [s["name"] for s in registry.schools(session)] == ["Alder Elementary", "Birch High School"]
        assert session.store.verify() == []
    finally:
        session.store.close()


def test_a_read_only_data_file_is_reported_with_its_folder(admin, world):
    """Root can write to any folder, so make the file read-only through the connection instead."""
    from safetydesk.services import interactions

    path, key = admin.store.path, admin.store.key

    def read_only(p):
        from sqlcipher3 import dbapi2

        from safetydesk.store.keys import sqlcipher_key_pragma
        conn = dbapi2.connect(f"file:{p}?mode=ro", uri=True, check_same_thread=False)
        conn.execute(sqlcipher_key_pragma(key))
        return conn

    ro = Store.open(path, key=key, connect=read_only)
    try:
        admin.store = ro
        with pytest.raises(DataFolderError) as info:
            interactions.log_interaction(admin, world.draft())
        assert str(path.parent) in info.value.message and "Nothing was saved" in info.value.message
    finally:
        ro.close()
