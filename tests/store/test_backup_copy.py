"""A backup is a copy of the encrypted file's own bytes, taken under a read transaction (issue 14).

The copy must hold exactly what was committed before it (and nothing after), open with the same
accounts, pass SQLite's integrity check and `verify`; when another connection keeps the log from
being folded into the file, the backup API makes the copy instead, with the same result.
"""

from __future__ import annotations

import zipfile

from safetydesk.services import files, interactions
from safetydesk.store import backup as backup_mod
from support import ADMIN_PASSWORD, raw_connection


def _restored_ids(paths, backup) -> set[str]:
    files.restore(paths, backup, "admin", ADMIN_PASSWORD)
    session = files.sign_in(paths, "admin", ADMIN_PASSWORD)
    try:
        assert session.store.verify() == []
        assert session.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {r[0] for r in session.store.conn.execute("SELECT id FROM interactions")}
    finally:
        session.store.close()


def test_a_backup_holds_the_encrypted_bytes_of_what_was_committed_before_it(world, paths, tmp_path):
    before = interactions.log_interaction(world.session, world.draft())
    target = files.backup(world.session, tmp_path / "a.sdbackup")
    with zipfile.ZipFile(target) as zf:  # the file's own bytes (the log was folded into it first)
        assert zf.read(backup_mod.DATA_NAME) == world.session.store.path.read_bytes()
    after = interactions.log_interaction(world.session, world.draft(narrative="Logged after the backup."))
    with zipfile.ZipFile(target) as zf:
        copy = zf.read(backup_mod.DATA_NAME)
    assert not copy.startswith(b"SQLite format 3")  # still encrypted, not a decrypted copy
    assert b"after the backup" not in copy
    world.session.store.close()
    ids = _restored_ids(paths, target)
    assert before in ids
    assert after not in ids


def test_when_the_log_cannot_be_folded_in_the_backup_api_copies_instead(world, paths, tmp_path):
    kept = interactions.log_interaction(world.session, world.draft())
    reader = raw_connection(world.session.store)  # a second program reading the file keeps the log from emptying
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM history").fetchone()
        interactions.log_interaction(world.session, world.draft(narrative="Saved while someone reads."))
        assert backup_mod._copy_file(world.session.store.conn, world.session.store.path,
                                     zipfile.ZipFile(tmp_path / "probe.zip", "w"), None) is None
        target = files.backup(world.session, tmp_path / "b.sdbackup")
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    world.session.store.close()
    assert kept in _restored_ids(paths, target)
