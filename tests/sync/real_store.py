"""A workstation's history as the REAL ``Store``: an encrypted data file in its own folder.

``RealStation`` is what ``exchange_factory`` makes: the store's own exchange API
(``device_heads``, ``entries_since``, ``import_entries``, ``public_key``,
``sign``), plus the few helpers the sync tests use to write and read records
(``append``, ``records``, ``held``), each a plain call of the store.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from safetydesk.domain.ids import new_id
from safetydesk.store import Change
from safetydesk.store.keys import new_database_key
from safetydesk.store.store import Store

_TEMPLATE: tuple[Path, bytes] | None = None


def _template() -> tuple[Path, bytes]:
    global _TEMPLATE
    if _TEMPLATE is None or not _TEMPLATE[0].exists():
        folder = Path(tempfile.mkdtemp(prefix="sd-template-"))
        key = new_database_key()
        Store.open(folder / "safetydesk.sqlite", key=key, create=True, backup_dir=folder / "b").close()
        _TEMPLATE = (folder / "safetydesk.sqlite", key)
    return _TEMPLATE


class RealStation:
    def __init__(self, folder: Path, founders: set[str], schools: set[str] | None = None,
                 skew_ms: int = 0, now_ms: int | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "safetydesk.sqlite"
        # A copy of one new, empty data file (its schema made once): it has no device yet, so each
        # copy becomes its own workstation at its first write. Saves the schema's cost per station.
        template, self.key = _template()
        shutil.copyfile(template, self.path)
        self.store = Store.open(self.path, key=self.key, backup_dir=folder / "backups")
        self.schools = schools
        self.founders = set(founders)
        if skew_ms or now_ms is not None:
            self.store.set_wall_clock(
                lambda: (now_ms if now_ms is not None else int(time.time() * 1000)) + skew_ms)
        # The founders' accounts: made here as the district's set-up makes them, before sync.
        for user in sorted(founders):
            self.store.append(user, [Change("user", user, "create", {
                "username": [None, user.lower()], "role": [None, "district_admin"],
                "display_name": [None, "Founder"], "active": [None, True]})])

    # ------------------------------------------------------------- the exchange API
    @property
    def device_id(self) -> str:
        return self.store.device_id

    def device_heads(self) -> Any:
        return self.store.device_heads()

    def entries_since(self, device: str, after_seq: int, limit: int = 1000) -> list[dict[str, Any]]:
        return self.store.entries_since(device, after_seq, limit)

    def import_entries(self, entries: Any, blobs: Any = None) -> Any:
        return self.store.import_entries(entries, blobs)

    def blobs_for(self, entries: Any) -> dict[str, bytes]:
        return self.store.blobs_for(entries)

    def import_blobs(self, blobs: Any) -> Any:
        return self.store.import_blobs(blobs)

    def missing_blobs(self, digests: Any = None) -> list[str]:
        return self.store.missing_blobs(digests)

    def blob_digests(self) -> list[str]:
        return self.store.blob_digests()

    def missing_blob_entries(self) -> list[dict[str, Any]]:
        return self.store.missing_blob_entries()

    def public_key(self, device: str) -> bytes | None:
        return self.store.public_key(device)

    def sign(self, data: bytes) -> bytes:
        return self.store.sign(data)

    def state(self, record_type: str, record_id: str) -> dict[str, Any] | None:
        return self.store.state(record_type, record_id)

    def entries_of_record(self, record_type: str, record_id: str) -> list[dict[str, Any]]:
        return self.store.entries_of_record(record_type, record_id)

    def reveal_withheld(self, entries: Any, schools: Any) -> Any:
        return self.store.reveal_withheld(entries, schools)

    # ------------------------------------------------------------- test helpers
    def append(self, user: str, record_type: str, record_id: str, action: str,
               changes: dict[str, Any], reason: str = "") -> None:
        self.store.append(user, [Change(record_type, record_id, action, changes, reason)])

    def attach(self, user: str, school: str, name: str, data: bytes,
               owner_type: str = "agreement") -> str:
        """An attachment record and its file, stored once by content, in one transaction
        (as ``services.attachments.add_attachment`` stores them)."""
        from safetydesk.domain.attachments import attachment_state
        from safetydesk.domain.records import diff_states

        rid = new_id()
        state = attachment_state(name, data, school, owner_type, user)
        with self.store.write():
            self.store.put_blob(data)
            self.store.append(user, [Change("attachment", rid, "create", diff_states(None, state))])
        return rid

    def file_of(self, attachment_id: str) -> bytes | None:
        """The bytes of an attachment as this data file holds them (None: record or file absent)."""
        state = self.store.state("attachment", attachment_id)
        return None if state is None else self.store.blob(state["blob"])

    def records(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Every content record's folded state (the founders' accounts and devices left out)."""
        out = {}
        for (t, rid) in self.store.conn.execute(
                "SELECT DISTINCT record_type, record_id FROM history "
                "WHERE record_type NOT IN ('device', 'user')").fetchall():
            state = self.store.state(t, rid)
            if state is not None:
                out[(t, rid)] = state
        return out

    def content_entries(self) -> list[dict[str, Any]]:
        """Every entry held in full (withheld ones left out), as wire dicts."""
        return [w for d in self.store.device_heads() for w in self.store.entries_since(d, 0, 10**9)
                if "withheld" not in w]

    @property
    def held(self) -> dict[str, str]:
        return dict(self.store.held_entries())

    def close(self) -> None:
        self.store.close()

    # ------------------------------------------------------------- going back in time
    def copy(self) -> Path:
        """A copy of the data file as it is now (closed and reopened around the copy)."""
        import shutil

        self.store.close()
        target = self.path.with_name(f"copy-{new_id()}.sqlite")
        shutil.copyfile(self.path, target)
        self._reopen()
        return target

    def restore(self, copy: Path) -> None:
        """The data file replaced by an older copy (as a restore from an old backup would)."""
        import shutil

        self.store.close()
        for suffix in ("-wal", "-shm"):
            Path(str(self.path) + suffix).unlink(missing_ok=True)
        shutil.copyfile(copy, self.path)
        self._reopen()

    def _reopen(self) -> None:
        self.store = Store.open(self.path, key=self.key, backup_dir=self.path.parent / "backups")

    def tamper(self, device: str, dseq: int, **fields: Any) -> None:
        """Someone with the data file's key rewrites a received entry (and recomputes its hash)."""

        from safetydesk.store.history import canonical, wire_hash

        [w] = [x for x in self.store.entries_since(device, dseq - 1, 1)]
        w = {**w, **fields}
        w["hash"] = wire_hash(w)
        conn = self.store.conn
        conn.execute("DROP TRIGGER IF EXISTS history_no_update")
        conn.execute("UPDATE history SET changes = ?, hash = ? WHERE device = ? AND dseq = ?",
                     (canonical(w["changes"]), w["hash"], device, dseq))
        conn.commit()


def real_factory(root: Path):
    made: list[RealStation] = []

    def make(**kw: Any) -> RealStation:
        station = RealStation(root / f"data-{new_id()}", **kw)
        made.append(station)
        return station

    make.made = made  # type: ignore[attr-defined]
    return make
