"""Per-device chains (m040): the history's new columns, the derived conflict and head tables,
and this workstation's exchange bookkeeping.

An existing file's entries are all its own device's: the migration numbers them
in arrival order (leaving device sequence 1 for the device's own public-key
record) and marks the file for re-chaining; `Store.open` then hashes, links and
signs them with the new signing key (the migration cannot: the key lives
outside the file), keeping every entry's id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from safetydesk.store.schema import USERS_BY_ID_SQL, Area, migrations, register_area

if TYPE_CHECKING:  # annotations only: sqlite-utils is imported when a migration runs
    from sqlite_utils import Database

HISTORY_TABLES = ("record_heads", "conflicts")

HISTORY_SQL = """
CREATE TABLE {s}record_heads (
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    heads TEXT NOT NULL,
    PRIMARY KEY (record_type, record_id)
);
CREATE TABLE {s}conflicts (
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    fields TEXT NOT NULL,
    winner TEXT NOT NULL,
    loser TEXT NOT NULL,
    resolved_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (record_type, record_id, winner, loser)
);
"""

HISTORY_V2_SQL = """
CREATE TABLE history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    format INTEGER NOT NULL DEFAULT 1,
    device TEXT NOT NULL,
    dseq INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hlc TEXT NOT NULL,
    user TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL,
    changes TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    bases TEXT NOT NULL DEFAULT '[]',
    wall_time TEXT NOT NULL,
    hash TEXT NOT NULL,
    sig TEXT NOT NULL DEFAULT ''
);
"""

HISTORY_INDEX_SQL = """
CREATE INDEX history_record ON history (record_type, record_id, hlc);
CREATE INDEX history_hlc ON history (hlc);
CREATE UNIQUE INDEX history_device_seq ON history (device, dseq);
CREATE INDEX history_hash ON history (hash);
CREATE INDEX conflicts_open ON conflicts (resolved_by, record_type);
"""

# Created by Store after re-chaining (the rows are rewritten once, then never again).
HISTORY_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS history_no_update BEFORE UPDATE ON history
    BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS history_no_delete BEFORE DELETE ON history
    BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;""",
)

LOCAL_SQL = """
CREATE TABLE held_entries (
    id TEXT PRIMARY KEY,
    device TEXT NOT NULL,
    dseq INTEGER NOT NULL,
    wire TEXT NOT NULL,
    reason TEXT NOT NULL,
    first_held TEXT NOT NULL
);
CREATE TABLE clock_flags (
    device TEXT NOT NULL,
    hlc TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (device, hlc)
);
CREATE TABLE imports (
    n INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    imported INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    held INTEGER NOT NULL,
    heads TEXT NOT NULL
);
"""

register_area(Area(name="history", derived_sql=HISTORY_SQL, derived_tables=HISTORY_TABLES))


@migrations()
def m040_device_chains(db: Database) -> None:
    """One chain per device, causal bases, signatures; users by id; conflicts; held entries."""
    db.executescript(
        """
        DROP TRIGGER IF EXISTS history_no_update;
        DROP TRIGGER IF EXISTS history_no_delete;
        ALTER TABLE history RENAME TO history_v1;
        DROP INDEX IF EXISTS history_record;
        DROP INDEX IF EXISTS history_hlc;
        """
    )
    db.executescript(HISTORY_V2_SQL)
    db.execute(
        """INSERT INTO history (seq, id, format, device, dseq, prev_hash, hlc, user, record_type,
           record_id, action, changes, reason, bases, wall_time, hash, sig)
           SELECT seq, id, 1, device, 1 + ROW_NUMBER() OVER (ORDER BY seq), '',
           hlc, user, record_type, record_id, action, changes, reason, '[]', wall_time, '', ''
           FROM history_v1 ORDER BY seq"""
    )
    db.execute("DROP TABLE history_v1")
    db.execute("DROP TABLE users")
    db.executescript(USERS_BY_ID_SQL.format(s=""))
    db.executescript(HISTORY_SQL.format(s=""))
    db.executescript(HISTORY_INDEX_SQL)
    db.executescript(LOCAL_SQL)
    db.execute("CREATE INDEX users_name ON users (username)")
    if db.execute("SELECT COUNT(*) FROM history").fetchone()[0]:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('rechain', '1')")
    else:
        for statement in HISTORY_TRIGGERS:
            db.execute(statement)


WITHHELD_SQL = """
CREATE TABLE IF NOT EXISTS history_withheld (
    device TEXT NOT NULL,
    dseq INTEGER NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    sig TEXT NOT NULL,
    scope TEXT NOT NULL,
    PRIMARY KEY (device, dseq)
);
CREATE INDEX IF NOT EXISTS history_withheld_hash ON history_withheld (hash);
CREATE VIEW IF NOT EXISTS chain_links AS
    SELECT device, dseq, prev_hash, hash FROM history
    UNION ALL SELECT device, dseq, prev_hash, hash FROM history_withheld;
CREATE TRIGGER IF NOT EXISTS history_withheld_no_update BEFORE UPDATE ON history_withheld
    BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS history_withheld_no_delete BEFORE DELETE ON history_withheld
    BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
"""


@migrations()
def m045_withheld_chain_links(db: Database) -> None:
    """Withheld entries (sync's stubs): the chain link of another workstation's entry of a school
    this workstation does not serve, without its content, so its chain has no gap there."""
    db.executescript(WITHHELD_SQL)


REVEALED_SQL = """
DROP VIEW IF EXISTS chain_links;
CREATE VIEW chain_links AS
    SELECT device, dseq, prev_hash, hash FROM history
    UNION ALL SELECT w.device, w.dseq, w.prev_hash, w.hash FROM history_withheld w
        WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.device = w.device AND h.dseq = w.dseq);
"""


@migrations()
def m046_withheld_revealed(db: Database) -> None:
    """A withheld entry whose content arrives later (the workstation now serves its school) is
    added to the history with the same hash; its withheld row stays (append-only) but no longer
    counts as a link of the chain."""
    db.executescript(REVEALED_SQL)


BLOBS_SQL = """
CREATE TABLE IF NOT EXISTS blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);
"""


@migrations()
def m055_content_addressed_files(db: Database) -> None:
    """Files stored once by sha256 (store/blobs.py). The history keeps old entries' base64 as it
    was signed; the derived state of each old attachment now refers to its blob instead."""
    import base64
    import binascii
    import hashlib
    import json

    db.executescript(BLOBS_SQL)
    rows = db.execute(
        "SELECT record_id, state FROM record_state WHERE record_type = 'attachment'").fetchall()
    for record_id, text in rows:
        state = json.loads(text)
        payload = state.pop("content_b64", None)
        if not isinstance(payload, str):
            continue
        try:
            data = base64.b64decode(payload.encode("ascii"), validate=True)
        except (binascii.Error, ValueError, UnicodeEncodeError):
            continue
        digest = hashlib.sha256(data).hexdigest()
        db.execute("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)",
                   (digest, len(data), data))
        state["blob"] = digest
        db.execute("UPDATE record_state SET state = ? WHERE record_type = 'attachment' AND record_id = ?",
                   (json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                    record_id))
