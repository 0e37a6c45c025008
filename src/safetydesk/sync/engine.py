"""Export, import and status: one workstation's exchange with the district folder.

Export writes this workstation's new entries as change files in its own
folder (temporary name, fsync, rename, read back, and only then marks them
exported). Import lists every other folder, opens only files it has not read
(by name, size and mtime), checks each file completely before anything is
applied, and hands the entries of all good files, in device-sequence order
(never the listing's), to the history in one ``import_entries`` call. Bad files
are held aside with a reason and reported; a missing or empty folder never
means "deleted", and a folder that is not the one this workstation joined, or
whose contents went backwards, stops sync with a clear message.

Attached files travel in FILE CARRIERS of their own (sync/carrier.py), never
inside change files, which stay in format 1 so a workstation not yet upgraded
reads every change. An entry whose file has not arrived is applied anyway (its
record is signed and complete; the attachment says "not arrived yet"), and the
file is WANTED: listed, with the scope it is sealed for, in this workstation's
signed ack on the share. Any workstation that holds the bytes and that scope's
key answers by writing a carrier; the bytes are kept only when they match the
sha256 the signed entry names.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from safetydesk.store.blobs import blob_refs
from safetydesk.sync import carrier, changefile, crypto, manifest, share, snapshot
from safetydesk.sync.changefile import ChangeFile, NewerFormat
from safetydesk.sync.errors import InvalidChangeFile, ShareUnavailable, SyncError, WrongShare
from safetydesk.sync.exchange import HistoryExchange
from safetydesk.sync.keys import DISTRICT, SyncKeys, school_scope
from safetydesk.sync.scope import Scoper
from safetydesk.sync.state import SyncState

BATCH = 2000   # entries per change file
MAX_WANTS = 2000   # files one ack asks for (the rest are asked for once these arrive)


def _wants_of(raw: Any) -> list[tuple[str, str, list[str]]]:
    """The files an ack asks for, as far as they are well formed (anything else is ignored)."""
    out: list[tuple[str, str, list[str]]] = []
    if not isinstance(raw, list):
        return out
    for item in raw[:MAX_WANTS]:
        if (isinstance(item, list) and len(item) == 3 and isinstance(item[0], str)
                and carrier.parse_name(carrier.name_of(item[0], str(item[1]))) is not None
                and isinstance(item[2], list)):
            out.append((item[0], str(item[1]), [str(x) for x in item[2][:64]]))
    return out


def _after(change: Any) -> str:
    return str(change[1])[:60] if isinstance(change, list) and len(change) == 2 and change[1] else ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class ExportResult:
    files: int = 0
    entries: int = 0
    carriers: int = 0   # attached files written (sync/carrier.py), own ones and answers


@dataclass
class ImportResult:
    listed: int = 0
    opened: int = 0
    applied_files: int = 0
    imported: int = 0
    duplicates: int = 0
    held: list[tuple[str, str]] = field(default_factory=list)      # (file, reason), new this pass
    ignored: list[tuple[str, str]] = field(default_factory=list)   # copies under other names
    waiting: int = 0                                               # entries the history holds
    touched: Any = None
    files_arrived: int = 0                                         # attached files now here
    carriers_opened: int = 0


@dataclass
class SyncResult:
    exported: ExportResult
    imported: ImportResult

    def line(self, state: SyncState) -> str:
        held = len(state.held)
        text = (f"Synced: wrote {self.exported.files} file(s) ({self.exported.entries} entries), "
                f"read {self.imported.opened} new file(s), imported {self.imported.imported} entries")
        if held:
            text += f"; {held} file(s) held: see `safetydesk sync --status`"
        if self.imported.waiting:
            text += f"; {self.imported.waiting} entries wait for earlier files"
        if self.imported.files_arrived:
            text += f"; {self.imported.files_arrived} attached file(s) arrived"
        if state.wanted:
            text += (f"; {len(state.wanted)} attached file(s) not arrived yet (their records are "
                     "here): see `safetydesk sync --status`")
        return text + "."


class _Files:
    """The files (attachments' bytes) that travel with the entries of one import.

    Only the files the handed-over entries reference are kept (a removed workstation's
    entries after its removal bring none). Once they pass ``FLUSH`` bytes they are handed
    to the history ahead of their entries (each checked against its sha256 there too),
    so a first pass over years of attachments does not hold them all in memory.
    """

    FLUSH = 64 * 1024 * 1024

    def __init__(self, exchange: HistoryExchange) -> None:
        self.exchange = exchange
        self.pending: dict[str, bytes] = {}
        self.size = 0

    def add(self, entries: list[dict[str, Any]], cf: ChangeFile) -> None:
        for entry in entries:
            for digest in blob_refs(entry):
                data = cf.blobs.get(digest)
                if data is not None and digest not in self.pending:
                    self.pending[digest] = data
                    self.size += len(data)
        cf.blobs = {}
        if self.size > self.FLUSH:
            self.exchange.import_blobs(self.rest())

    def rest(self) -> dict[str, bytes]:
        out, self.pending, self.size = self.pending, {}, 0
        return out


class _Progress:
    """A pass's ``progress(done, total)``: ``done`` never falls, ``total`` is only lowered and
    never below ``done``, so the percentage shown never falls; calls are spaced to about one
    per percent, plus those asked for (after each run is committed)."""

    def __init__(self, callback: Callable[[int, int], None] | None) -> None:
        self.callback = callback
        self.done = 0
        self.total = 0
        self._shown = (-1, -1)

    def start(self, total: int) -> None:
        self.total = total
        self.show(force=True)

    def step(self, n: int = 1, show: bool = False) -> None:
        self.done += n
        self.show(force=show)

    def lower(self, n: int) -> None:
        if n > 0:
            self.total = max(self.total - n, self.done, 1)

    def show(self, force: bool = False) -> None:
        if self.callback is None or self.total <= 0:
            return
        done = min(self.done, self.total)
        if (done, self.total) == self._shown:
            return
        if not force and done - self._shown[0] < max(1, self.total // 100):
            return
        self._shown = (done, self.total)
        self.callback(done, self.total)

    def finish(self) -> None:
        if self.total > 0:
            self.done = self.total
            self.show(force=True)


class SyncEngine:
    parse = staticmethod(changefile.parse)
    snapshot_every = 1000   # files read between two snapshots
    import_chunk = 30_000   # entries per run (one transaction), about 250 MiB held while it applies
    keep_touched = True     # collect the records a pass changed (a join into a new file: not)

    def __init__(self, exchange: HistoryExchange, keys: SyncKeys, share_root: Path | str,
                 state_path: Path, clock: Callable[[], str] = _now, batch: int = BATCH) -> None:
        self.exchange = exchange
        self.keys = keys
        self.share_root = Path(share_root)
        self.state_path = state_path
        self.state = SyncState.load(state_path)
        self.clock = clock
        self.batch = batch
        self.scoper = Scoper(self.state.memo)
        self._manifest_bytes: bytes | None = None
        self._ack_at: dict[str, str] = {}   # device -> when it last synced (its signed ack)
        self._wants: dict[str, list[tuple[str, str, list[str]]]] = {}   # device -> files it asks for
        self.carriers_written = 0
        self._progress: _Progress | None = None        # during an import
        self._snapshot: snapshot.Reader | None = None  # the snapshot a join reads, while it reads

    @property
    def folder(self) -> Path:
        return share.district_folder(self.share_root, self.keys.district_id)

    @property
    def own_folder(self) -> Path:
        return self.folder / share.DEVICES / self.exchange.device_id

    def save(self) -> None:
        self.state.memo = self.scoper.memo
        self.state.save(self.state_path)

    # ----------------------------------------------------------------- the share
    def check_share(self) -> manifest.Manifest:
        """The district folder's manifest, once it is certain this is the folder we joined."""
        st = self.state
        if not st.joined:
            raise SyncError("This workstation has not joined a district folder yet. Ask a district "
                            "administrator for an enrolment file.")
        try:
            if not self.share_root.is_dir():
                raise ShareUnavailable(f"The shared folder {self.share_root} cannot be reached.")
            data = (self.folder / share.MANIFEST).read_bytes()
        except FileNotFoundError:
            raise WrongShare(
                f"The district folder is missing or empty in {self.share_root}, where it used to be. "
                "Sync has stopped and nothing here was changed or deleted; ask district IT to "
                "reconnect the right shared folder.") from None
        except ShareUnavailable:
            raise
        except OSError as exc:
            raise ShareUnavailable(f"The shared folder cannot be read ({exc.strerror or exc}).") from exc
        found = manifest.parse(data)
        self._manifest_bytes = data
        if found.district != st.district:
            raise WrongShare("The shared folder holds another district's folder. Sync has stopped and "
                             "nothing here was changed; ask district IT to point this workstation "
                             "at its own district's folder.")
        if found.share_id != st.share_id:
            raise WrongShare("The district folder is not the one this workstation joined (it was set "
                             "up again or replaced). Sync has stopped and nothing here was changed.")
        manifest.verify(found, st.trusted)
        if found.generation < st.manifest_generation:
            raise WrongShare("The district folder went backwards (an older copy of its list of "
                             "workstations). Sync has stopped; ask district IT to restore the "
                             "newest copy of the shared folder.")
        for device, dev in found.devices.items():
            pinned = st.devices.get(device)
            if pinned and pinned != dev.public_key:
                raise WrongShare("The district folder lists a workstation with a different key than "
                                 "before. Sync has stopped; ask district IT to check the folder.")
            if device in st.removed and not dev.removed:
                raise WrongShare("The district folder lists a removed workstation as active again. "
                                 "Sync has stopped; ask district IT to check the folder.")
        # Pin what the signed manifest says.
        st.manifest_generation = found.generation
        for device, dev in found.devices.items():
            st.devices.setdefault(device, dev.public_key)
            if dev.removed:
                st.removed[device] = min(st.removed.get(device, dev.removed_after or 0),
                                         dev.removed_after or 0)
                st.trusted.pop(device, None)
            elif dev.admin:
                st.trusted.setdefault(device, dev.public_key)
        return found

    def _recheck(self) -> None:
        """Before each write and before applying: is this still the folder checked at the start?

        A share swapped, emptied or replaced in the middle of a pass stops it there.
        """
        try:
            data = (self.folder / share.MANIFEST).read_bytes()
        except FileNotFoundError:
            data = b""
        except OSError as exc:
            raise ShareUnavailable(f"The shared folder cannot be read ({exc.strerror or exc}).") from exc
        if data != self._manifest_bytes:
            self.check_share()

    def _public_key(self, device: str) -> bytes | None:
        pinned = self.state.devices.get(device)
        return bytes.fromhex(pinned) if pinned else None

    # ----------------------------------------------------------------- export
    def export(self) -> ExportResult:
        found = self.check_share()
        me = self.exchange.device_id
        if me in self.state.removed or (me in found.devices and found.devices[me].removed):
            raise WrongShare("This workstation was removed from the district folder; it no longer "
                             "writes to it. Ask a district administrator to enrol it again.")
        result = ExportResult()
        before = self.carriers_written
        try:
            # Never parents=True: a missing district folder must not be re-created here.
            self.own_folder.mkdir(exist_ok=True)
            self._recover_own()
            self._tidy_own_carriers()
            while True:
                entries = self.exchange.entries_since(me, self.state.exported_seq, self.batch)
                if not entries:
                    break
                written = self._export_one(entries)
                result.files += 1
                result.entries += written
        except OSError as exc:
            raise ShareUnavailable(self._write_problem(exc)) from exc
        result.carriers = self.carriers_written - before
        return result

    @staticmethod
    def _write_problem(exc: OSError) -> str:
        why = {errno.ENOSPC: "the shared folder is full", errno.EROFS: "the shared folder is read-only",
               errno.EACCES: "this workstation may not write to the shared folder",
               errno.EPERM: "this workstation may not write to the shared folder",
               errno.EDQUOT: "the shared folder's quota is used up",
               errno.ETIMEDOUT: "the shared folder stopped answering (a write did not finish)",
               }.get(exc.errno or 0)
        return (f"Could not write to the shared folder: {why or (exc.strerror or str(exc))}. Nothing "
                "was lost: the changes stay on this workstation and are written at the next sync.")

    def _export_one(self, entries: list[dict[str, Any]]) -> int:
        """Write the longest run of ``entries`` that fits in one change file; returns how many.

        The files its entries name go first, each in a carrier of its own (so a reader of
        this pass finds them beside the entries); the change file itself stays in format 1."""
        self._recheck()
        data = self._build(entries)
        while len(data) > changefile.MAX_FILE and len(entries) > 1:
            entries = entries[:len(entries) // 2]
            data = self._build(entries)
        self.carriers_written += self._carry_own(entries)
        fhash = changefile.file_hash(data)
        final = share.write_new(self.own_folder, share.change_name(entries[0]["dseq"], fhash), data)
        self._read_back(final, data)
        self._mark_exported(entries[-1]["dseq"], fhash)
        return len(entries)

    def _build(self, entries: list[dict[str, Any]]) -> bytes:
        for entry in entries:
            self.scoper.learn(entry)
            if self.keys.for_scope(self.scoper(entry)) is None:
                raise SyncError(
                    "This workstation holds a record of a school the district folder has no sync key "
                    "for (a school added after the folder was set up, or one this workstation does "
                    "not serve), so it cannot send it. Nothing was lost: a district administrator "
                    "enrols this workstation again for that school (see docs/sync.md).")
        data = changefile.build(entries, keys=self.keys, device=self.exchange.device_id,
                                prev_file=self.state.exported_file, sign=self.exchange.sign,
                                scope_of=self.scoper)
        if len(data) > changefile.MAX_FILE:
            if len(entries) > 1:
                return data   # too large for a reader: the caller sends a shorter run
            raise SyncError(
                "One change of this workstation is larger than a change file may be, so it cannot "
                "be sent. Nothing was lost; ask district IT to check the attachment saved last.")
        # What goes to the share must pass the check every reader makes.
        changefile.parse(data, self.keys, self.exchange.public_key(self.exchange.device_id)
                         or self._public_key(self.exchange.device_id), entry_signatures=True)
        return data

    def _read_back(self, final: Path, data: bytes) -> None:
        # Byte for byte what was built (and checked) here: anything else is a damaged write.
        back = final.read_bytes()
        problem = None if back == data else "it reads back different from what was written"
        if problem:
            with contextlib.suppress(OSError):
                final.unlink()
            raise OSError(errno.EIO, f"the file written to the share failed its check ({problem})")

    def _mark_exported(self, last_seq: int, fhash: str) -> None:
        self.state.exported_seq = last_seq
        self.state.exported_file = fhash
        self.save()

    def _recover_own(self) -> None:
        """Adopt own files that reached the share but were not marked (a crash after the rename)."""
        me = self.exchange.device_id
        head = self.exchange.device_heads().get(me)
        names = sorted(os.listdir(self.own_folder))
        for name in names:
            if name.startswith(share.TMP_PREFIX):
                with contextlib.suppress(OSError):
                    (self.own_folder / name).unlink()
        by_first: dict[int, list[str]] = {}
        archive = self.own_folder / share.ARCHIVE
        archived = sorted(os.listdir(archive)) if archive.is_dir() else []
        for name in names + [f"{share.ARCHIVE}/{n}" for n in archived]:
            parsed = share.parse_name(name.rsplit("/", 1)[-1])
            if parsed is not None:
                by_first.setdefault(parsed[0], []).append(name)
        highest = self.state.exported_seq
        # The newest file this workstation really wrote (signed by it, named after its content:
        # anything else dropped in its folder proves nothing) says how far it already wrote.
        for first in sorted(by_first, reverse=True):
            if head is None or first <= max(head.seq, highest):
                break
            found = False
            for name in by_first[first]:
                with contextlib.suppress(OSError, InvalidChangeFile):
                    cf = changefile.parse((self.own_folder / name).read_bytes(), self.keys,
                                          self._public_key(me) or self.exchange.public_key(me))
                    base = name.rsplit("/", 1)[-1]
                    if (cf.header.device == me
                            and share.parse_name(base) == (cf.header.first_seq, cf.file_hash)):
                        highest, found = max(highest, cf.header.last_seq), True
                        break
            if found:
                break
        if head is not None and highest > head.seq:
            raise WrongShare(
                "This workstation's data file is older than what it already wrote to the shared "
                f"folder (it holds {head.seq} of its own entries; the folder {highest}). It was "
                "probably restored from an older copy. Sync has stopped so "
                "nothing is overwritten: restore the newest backup, or join the district folder again.")
        adopted = True
        while adopted:
            adopted = False
            for name in by_first.get(self.state.exported_seq + 1, []):
                try:
                    cf = changefile.parse((self.own_folder / name).read_bytes(), self.keys,
                                          self._public_key(me) or self.exchange.public_key(me))
                except InvalidChangeFile:
                    continue
                if cf.header.prev_file == self.state.exported_file:
                    self._mark_exported(cf.header.last_seq, cf.file_hash)
                    adopted = True
                    break

    # ----------------------------------------------------------------- import
    def list_files(self) -> tuple[list[share.Listed], list[tuple[str, str]]]:
        return share.list_devices(self.folder)

    def import_(self, progress: Callable[[int, int], None] | None = None) -> ImportResult:
        """Read what is new on the share, then check and apply it in runs.

        A new workstation's first pass starts from the newest snapshot, read one run at a
        time: its framing is walked once (each inner file's header and hash), then each inner
        file is read again, checked completely and handed to the history in runs of about
        ``import_chunk`` entries (one transaction each); a run is released before the next,
        so the pass holds about one run's entries whatever the district's size. (New files
        opened from the share are held from their reading to their run: a pass after the
        first reads few.)

        ``progress(done, total)`` counts steps: each file of the snapshot walked, each file
        checked (a new file opened, or a snapshot's file when its run comes), and each file
        applied, reported when the run that holds its entries is committed. The first call
        comes before anything is read. ``done`` only rises and ends at ``total``; ``total``
        is first an upper bound and is only lowered (files held, refused or not in the
        snapshot), so the percentage never falls."""
        found = self.check_share()
        try:
            listed, odd = self.list_files()
        except OSError as exc:
            raise ShareUnavailable(f"The shared folder cannot be listed ({exc.strerror or exc}).") from exc
        result = ImportResult(listed=len(listed))
        st = self.state
        me = self.exchange.device_id
        self._check_not_backwards(listed)
        # A held file that is no longer on the share is no longer held (IT removed or replaced it).
        present = {item.key for item in listed} | {relpath for relpath, _ in odd}
        for gone in [k for k in st.held if k not in present and not k.startswith(carrier.FOLDER + "/")]:
            del st.held[gone]
        for relpath, reason in odd:
            self._hold(relpath, -1, -1, reason, result)
        known_hashes = {v[2] for v in st.seen.values()}
        new = [item for item in listed if item.device != me and not (
            (seen := st.seen.get(item.key)) and seen[0] == item.size and seen[1] == item.mtime_ns)]
        steps = _Progress(progress)
        self._progress = steps
        try:
            candidates = self._snapshots() if not st.seen else []
            self._snapshot = self._open_snapshot(candidates)
            inner = self._snapshot.count if self._snapshot is not None else 0
            # Steps: walk each snapshot file; check, then apply, each file (new or in the snapshot).
            bound = inner + 2 * (len(new) + inner)
            steps.start(bound)
            starting = self._from_snapshot(candidates, found, result) if inner else {}
            reading = sum(1 for item in new if (item.device, item.name) not in starting)
            steps.lower(2 * (len(new) + inner - reading - len(starting)))
            accepted: list[tuple[share.Listed, ChangeFile | snapshot.Packed]] = []
            for item in listed:
                if item.device == me:
                    continue
                from_snapshot = starting.pop((item.device, item.name), None)
                if from_snapshot is not None:  # checked when its run comes: not opened again
                    accepted.append((item, from_snapshot[1]))
                    continue
                seen = st.seen.get(item.key)
                if seen and seen[0] == item.size and seen[1] == item.mtime_ns:
                    continue
                steps.step()
                cf = self._read_new(item, found, result, known_hashes)
                if cf is None:
                    steps.lower(1)   # held, refused or a copy: nothing of it is applied
                    continue
                accepted.append((item, cf))
            accepted.extend(starting.values())  # in the snapshot, no longer listed (archived away)
            del starting
            steps.show(force=True)
            applied = self._apply_in_runs(accepted, result, steps)
        finally:
            self._end_reading()   # the snapshot is closed, even when the pass is stopped
        steps.finish()   # files with no entry left to apply (a removed workstation's)
        for item, cf in applied:
            self._mark_read(item, cf)
        result.applied_files = len(applied)
        st.waiting = result.waiting
        self._read_carriers(found, result)
        self.save()
        return result

    def _end_reading(self) -> None:
        if self._snapshot is not None:
            self._snapshot.fh.close()
        self._progress, self._snapshot = None, None

    def _read_new(self, item: share.Listed, found: manifest.Manifest, result: ImportResult,
                  known_hashes: set[str]) -> ChangeFile | None:
        """A new file on the share, opened and checked, or None (held, or a copy under another name)."""
        st = self.state
        held = st.held.get(item.key)
        if (held and held["size"] == item.size and held["mtime"] == item.mtime_ns
                and held.get("format", 0) >= changefile.FORMAT
                and held.get("generation", 0) >= st.manifest_generation):
            return None
        cf = self._open(item, found, result)
        if cf is None:
            return None
        name_seq, name_hash = share.parse_name(item.name) or (0, "")
        if (name_seq != cf.header.first_seq or name_hash != cf.file_hash
                or cf.header.device != item.device):
            if cf.file_hash in known_hashes:
                result.ignored.append((item.key, "a copy of a file already read, under "
                                                     "another name: it changes nothing"))
                st.seen[item.key] = [item.size, item.mtime_ns, cf.file_hash]
            else:
                self._hold(item.key, item.size, item.mtime_ns, "the file's name does not "
                           "match its content (renamed, copied or moved)", result)
            return None
        return cf

    def _apply_in_runs(self, accepted: list[tuple[share.Listed, ChangeFile | snapshot.Packed]],
                       result: ImportResult, steps: _Progress) -> list[tuple[share.Listed, ChangeFile]]:
        """Hand the accepted files' entries to the history in chain order, one run at a time.

        One transaction per run of files of about ``import_chunk`` entries (a file is never
        split): an entry that waits on a later run is held by the history and applied by that
        run's import, which retries every held entry. Returns each file applied, with only its
        header and hash kept (its entries are released with its run)."""
        st = self.state
        run: list[dict[str, Any]] = []
        in_run = 0
        files = _Files(self.exchange)
        applied: list[tuple[share.Listed, ChangeFile]] = []
        naming: list[dict[str, Any]] = []   # entries that name attached files (few)
        waited: set[str] = set()
        released: set[str] = set()

        def commit() -> None:
            nonlocal run, in_run
            if not run:   # files with no entry left to apply (a removed workstation's)
                steps.step(in_run, show=True)
                in_run = 0
                return
            self._recheck()
            report = self.exchange.import_entries(run, files.rest())
            run, done = [], in_run
            in_run = 0
            steps.step(done, show=True)
            result.imported += report.imported
            result.duplicates += report.duplicates
            waited.update(k for k, _reason in report.held)
            released.update(getattr(report, "released", ()))
            if self.keep_touched:
                result.touched = (report.touched if result.touched is None
                                  else result.touched | report.touched)

        for item, got in self._in_chain_order(accepted, result):
            cf = got if isinstance(got, ChangeFile) else self._unpack(item, got, result)
            if cf is None:
                continue
            wire = changefile.wire_items(cf)
            limit = st.removed.get(cf.header.device)
            if limit is not None:
                wire = [w for w in wire if w["dseq"] <= limit]
            for entry in wire:
                self.scoper.learn(entry)
                if blob_refs(entry):
                    naming.append(entry)
            if run and len(run) + len(wire) > self.import_chunk:
                commit()
            run.extend(wire)
            in_run += 1
            files.add(wire, cf)
            applied.append((item, ChangeFile(cf.header, cf.file_hash, [])))
            del cf, got, wire
        if run or in_run:
            commit()
        if waited or released:
            result.imported += len(waited & released)  # held by one run, applied by a later one
        result.waiting = len(waited - released)
        self._note_wanted(naming)
        return applied

    def _admissible(self, item: share.Listed, found: manifest.Manifest, result: ImportResult) -> bool:
        """Whether a file may be opened at all: from an enrolled, not removed workstation, not huge."""
        st = self.state
        if item.device not in found.devices or item.device not in st.devices:
            self._hold(item.key, item.size, item.mtime_ns,
                       "the file is from a workstation that is not enrolled in this district", result)
            return False
        removed = st.removed.get(item.device)
        seq = (share.parse_name(item.name) or (0, ""))[0]
        if removed is not None and seq > removed:
            self._hold(item.key, item.size, item.mtime_ns,
                       "the file is from a workstation that was removed from the district", result)
            return False
        if item.size > changefile.MAX_FILE:
            self._hold(item.key, item.size, item.mtime_ns, "the file is larger than any change "
                       "file SafetyDesk writes", result)
            return False
        return True

    def _check(self, item: share.Listed, data: bytes, result: ImportResult) -> ChangeFile | None:
        try:
            return self.parse(data, self.keys, self._public_key(item.device))
        except NewerFormat as exc:
            self._hold(item.key, item.size, item.mtime_ns, exc.reason, result, newer=True)
        except InvalidChangeFile as exc:
            self._hold(item.key, item.size, item.mtime_ns, exc.reason, result)
        return None

    def _open(self, item: share.Listed, found: manifest.Manifest,
              result: ImportResult) -> ChangeFile | None:
        if not self._admissible(item, found, result):
            return None
        try:
            with open(self.folder / item.relpath, "rb") as fh:
                data = fh.read(changefile.MAX_FILE + 1)
        except OSError as exc:
            raise ShareUnavailable(f"A file on the shared folder cannot be read ({exc.strerror or exc}).") from exc
        result.opened += 1
        return self._check(item, data, result)

    # ----------------------------------------------------------------- snapshots
    def _snapshots(self) -> list[Path]:
        """The snapshots on the share, the newest (largest) first."""
        folder = self.folder / share.SNAPSHOTS
        try:
            names = sorted((p.stat().st_size, p.name) for p in folder.iterdir()
                           if p.name.endswith(snapshot.SUFFIX) and p.is_file())
        except OSError:
            return []
        return [folder / name for _size, name in reversed(names)]

    @staticmethod
    def _open_snapshot(candidates: list[Path]) -> snapshot.Reader | None:
        """The first of ``candidates`` that opens as a snapshot (taken off the list), or None."""
        while candidates:
            path = candidates.pop(0)
            try:
                fh = open(path, "rb")  # noqa: SIM115 (closed by _end_reading, or just below)
            except OSError:
                continue
            try:
                return snapshot.Reader(fh)
            except (OSError, InvalidChangeFile):
                fh.close()
        return None

    def _from_snapshot(self, candidates: list[Path], found: manifest.Manifest, result: ImportResult,
                       ) -> dict[tuple[str, str], tuple[share.Listed, snapshot.Packed]]:
        """A new workstation's start: where each change file inside the newest snapshot is.

        Its framing is walked once, one inner file at a time (each file's header, read for
        shape only, and its hash); a snapshot whose framing is damaged is left for the next
        older one. Each file is checked completely (``_unpack``) when its run comes, before
        anything of it is applied. The snapshot stays open for that (one file opened), and is
        closed when the pass ends (``_end_reading``)."""
        steps = self._progress
        reader = self._snapshot
        while reader is not None:
            walked: list[tuple[share.Listed, snapshot.Packed]] = []
            try:
                for offset, blob in reader.files():
                    if steps is not None:
                        steps.step()
                    try:
                        header = changefile.read_header(blob)
                    except InvalidChangeFile:
                        continue
                    fhash = changefile.file_hash(blob)
                    fname = share.change_name(header.first_seq, fhash)
                    item = share.Listed(header.device, fname,
                                        f"{share.DEVICES}/{header.device}/{fname}", len(blob), -1, False)
                    walked.append((item, snapshot.Packed(header, fhash, offset, len(blob))))
                    del blob
            except (OSError, InvalidChangeFile):
                reader.fh.close()
                reader = self._snapshot = self._open_snapshot(candidates)
                continue
            result.opened += 1
            out: dict[tuple[str, str], tuple[share.Listed, snapshot.Packed]] = {}
            for item, packed in walked:
                if (packed.header.device == self.exchange.device_id
                        or not self._admissible(item, found, result)):
                    continue
                out[(item.device, item.name)] = (item, packed)
            self.state.snapshot_covered = reader.count
            return out
        return {}

    def _unpack(self, item: share.Listed, packed: snapshot.Packed,
                result: ImportResult) -> ChangeFile | None:
        """One change file of the open snapshot, read again and checked like any other."""
        try:
            blob = self._snapshot.read(packed) if self._snapshot is not None else b""
        except OSError as exc:
            raise ShareUnavailable(f"The snapshot on the shared folder cannot be read "
                                   f"({exc.strerror or exc}).") from exc
        if changefile.file_hash(blob) != packed.file_hash:
            # Changed since it was walked: not applied, and its listed copy is read next pass.
            return None
        return self._check(item, blob, result)

    def write_snapshot(self, every: int = 1000) -> str | None:
        """Bundle every change file read so far, when ``every`` more were read since the last one."""
        st = self.state
        if len(st.seen) - st.snapshot_covered < every:
            return None
        self._recheck()
        blobs = []
        accepted = {h for files in st.files.values() for h in files.values()}
        for key, (_size, _mtime, fhash) in sorted(st.seen.items()):
            if fhash not in accepted:
                continue
            _, device, name = key.split("/", 2)
            for rel in (key, f"{share.DEVICES}/{device}/{share.ARCHIVE}/{name}"):
                with contextlib.suppress(OSError):
                    blobs.append((self.folder / rel).read_bytes())
                    break
        for name in sorted(os.listdir(self.own_folder)) if self.own_folder.is_dir() else []:
            if share.parse_name(name):
                with contextlib.suppress(OSError):
                    blobs.append((self.own_folder / name).read_bytes())
        if sum(len(b) + 4 for b in blobs) + 64 > snapshot.MAX_SNAPSHOT:
            # Attachments made the files too large for one snapshot: a new workstation reads
            # the change files themselves (every one is still listed, archives included).
            st.snapshot_covered = len(st.seen)
            self.save()
            return None
        if not blobs:
            return None
        data = snapshot.bundle(blobs)
        name = snapshot.name_of(data)
        folder = self.folder / share.SNAPSHOTS
        if not (folder / name).exists():
            try:
                folder.mkdir(exist_ok=True)  # inside the checked district folder only
                share.write_new(folder, name, data)
            except OSError as exc:
                raise ShareUnavailable(self._write_problem(exc)) from exc
        st.snapshot_covered = len(st.seen)
        self.save()
        return name

    def _in_chain_order(self, accepted: list[tuple[share.Listed, ChangeFile | snapshot.Packed]],
                        result: ImportResult) -> Iterator[tuple[share.Listed, ChangeFile]]:
        """Sort by device and sequence (never the listing's order); hold a file that forks its chain.

        A file of the snapshot is read and checked here, when its turn comes (one at a time),
        before its place in the chain is judged, so only files that passed every check count
        as a chain's previous file, as for the files opened from the share."""
        files = self.state.files
        steps = self._progress
        passed: dict[str, dict[int, str]] = {}   # device -> last seq -> hash, of files passed here
        for item, got in sorted(accepted, key=lambda p: (p[1].header.device, p[1].header.first_seq)):
            if isinstance(got, snapshot.Packed):
                cf = self._unpack(item, got, result)
                if steps is not None:
                    steps.step()
                    if cf is None:
                        steps.lower(1)
                if cf is None:
                    continue
            else:
                cf = got
            h = cf.header
            known = files.get(h.device, {})
            before = known.get(str(h.first_seq - 1)) if h.first_seq > 1 else ""
            if before is None:
                # The previous file of this chain was not read yet; look among this pass's files.
                before = passed.get(h.device, {}).get(h.first_seq - 1)
            if before is not None and before != h.prev_file:
                self._hold(item.key, item.size, item.mtime_ns,
                           "the file does not follow its workstation's previous file (a replaced "
                           "or forked copy)", result)
                if steps is not None:
                    steps.lower(1)
                continue
            passed.setdefault(h.device, {}).setdefault(h.last_seq, cf.file_hash)
            yield item, cf
            del cf, got

    def _mark_read(self, item: share.Listed, cf: ChangeFile) -> None:
        st = self.state
        st.seen[item.key] = [item.size, item.mtime_ns, cf.file_hash]
        st.files.setdefault(cf.header.device, {})[str(cf.header.last_seq)] = cf.file_hash
        st.high[cf.header.device] = max(st.high.get(cf.header.device, 0), cf.header.first_seq)
        st.held.pop(item.key, None)

    def _hold(self, relpath: str, size: int, mtime: int, reason: str, result: ImportResult,
              newer: bool = False) -> None:
        previous = self.state.held.get(relpath)
        # Looked at again when the file changes or this SafetyDesk is upgraded (a newer format).
        # (or the list of workstations changes: a newcomer's files once it is approved).
        self.state.held[relpath] = {"reason": reason, "size": size, "mtime": mtime,
                                    "format": changefile.FORMAT, "newer": newer,
                                    "generation": self.state.manifest_generation}
        if not previous or previous.get("reason") != reason:
            result.held.append((relpath, reason))

    def _check_not_backwards(self, listed: list[share.Listed]) -> None:
        """Stop when files this workstation read are gone: never take absence as deletion."""
        highest: dict[str, int] = {}
        for item in listed:
            first = (share.parse_name(item.name) or (0, ""))[0]
            highest[item.device] = max(highest.get(item.device, 0), first)
        for device, seq in self.state.high.items():
            if device == self.exchange.device_id or highest.get(device, 0) >= seq:
                continue
            # The listing lacks the newest file read from this device: a stale or partial
            # listing (it is still there when asked by name) is waited out; a file that is
            # really gone means the folder was emptied, replaced or rolled back.
            if self._still_there(device, seq):
                continue
            if highest.get(device, 0) == 0:
                raise WrongShare(
                    "The district folder no longer holds files this workstation already read (it "
                    "looks empty or was replaced). Sync has stopped and nothing here was deleted; "
                    "ask district IT to reconnect or restore the shared folder.")
            raise WrongShare(
                "The district folder's contents went backwards (files this workstation already "
                "read are gone). Sync has stopped and nothing here was deleted; ask district "
                "IT to restore the newest copy of the shared folder.")

    def _still_there(self, device: str, first_seq: int) -> bool:
        prefix = f"{first_seq:012d}-"
        for relpath in self.state.seen:
            parts = relpath.split("/")
            if len(parts) >= 3 and parts[1] == device and parts[-1].startswith(prefix):
                for candidate in (relpath, f"{share.DEVICES}/{device}/{share.ARCHIVE}/{parts[-1]}",
                                  f"{share.DEVICES}/{device}/{parts[-1]}"):
                    if (self.folder / candidate).is_file():
                        return True
        return False

    def reread_for_schools(self, schools: list[str]) -> int:
        """After this workstation was given ``schools``' keys: their entries in files read before.

        Those entries were withheld here (chain link only). Every file already read
        is opened again once (snapshot or archive included) and the entries of those
        schools, now readable, are handed to the history, which adds each to the place
        it held withheld (same hash, checked again). Returns the entries handed over.
        """
        scopes = {school_scope(s) for s in schools}
        if not scopes:
            return 0
        self.check_share()
        items: list[dict[str, Any]] = []
        files = _Files(self.exchange)
        for key, (_size, _mtime, fhash) in sorted(self.state.seen.items()):
            _, device, name = key.split("/", 2)
            for rel in (key, f"{share.DEVICES}/{device}/{share.ARCHIVE}/{name}"):
                try:
                    data = (self.folder / rel).read_bytes()
                except OSError:
                    continue
                try:
                    cf = self.parse(data, self.keys, self._public_key(device))
                except InvalidChangeFile:
                    break
                if cf.file_hash != fhash:
                    break
                wanted = {dseq for dseq, _h, _p, scope, _s in cf.chain if scope in scopes}
                found = [e for e in cf.entries if e["dseq"] in wanted]
                items.extend(found)
                files.add(found, cf)
                break
        if items:
            for entry in items:
                self.scoper.learn(entry)
            self._recheck()
            self.exchange.import_entries(items, files.rest())
            self._note_wanted(items)
            self._read_carriers(self.check_share(), ImportResult())
            self.save()
        return len(items)

    # ----------------------------------------------------------------- attached files
    @property
    def carriers_folder(self) -> Path:
        return self.folder / carrier.FOLDER

    def _write_carrier(self, digest: str, scope: str, data: bytes) -> bool:
        """Write a carrier of ``data`` in this workstation's files folder (False: already there)."""
        me = self.exchange.device_id
        own = self.carriers_folder / me
        name = carrier.file_name(self.keys, digest, scope)
        if name is None or (own / name).is_file():
            return False
        built = carrier.build(data, keys=self.keys, writer=me, scope=scope, sign=self.exchange.sign)
        self._recheck()
        # Never parents=True beyond the checked district folder.
        self.carriers_folder.mkdir(exist_ok=True)
        own.mkdir(exist_ok=True)
        final = share.write_new(own, name, built)
        self._read_back(final, built)
        return True

    def _tidy_own_carriers(self) -> None:
        """Remove temporary names a crash left in this workstation's files folder."""
        own = self.carriers_folder / self.exchange.device_id
        with contextlib.suppress(FileNotFoundError):
            for item in os.scandir(own):
                if item.name.startswith(share.TMP_PREFIX):
                    with contextlib.suppress(OSError):
                        os.unlink(item.path)

    def _carry_own(self, entries: list[dict[str, Any]]) -> int:
        """A carrier for each file these (own) entries name; a file lost here becomes wanted."""
        written = 0
        for entry in entries:
            refs = blob_refs(entry)
            if not refs:
                continue
            scope = self.scoper(entry)
            held = self.exchange.blobs_for([entry])
            for digest in refs:
                if digest in held:
                    written += self._write_carrier(digest, scope, held[digest])
                else:
                    self._want(digest, entry, scope)
        return written

    def _want(self, digest: str, entry: dict[str, Any], scope: str) -> None:
        if digest in self.state.wanted:
            return
        changes = entry.get("changes") or {}
        name = changes.get("name")
        self.state.wanted[digest] = {
            "scope": scope, "record_type": str(entry.get("record_type", "")),
            "record_id": str(entry.get("record_id", "")),
            "name": str(name[1])[:200] if isinstance(name, list) and len(name) == 2 and name[1] else "",
            "owner_type": _after(changes.get("owner_type")),
            "device": str(entry.get("device", "")), "since": self.clock(), "refused": {}}

    def _note_wanted(self, items: list[dict[str, Any]]) -> None:
        """Files the handed-over entries name that are not here become wanted; those here stop."""
        st = self.state
        named: dict[str, dict[str, Any]] = {}
        for entry in items:
            for digest in blob_refs(entry):
                named.setdefault(digest, entry)
        if not st.wanted_scanned:
            # Once: the history as it is (entries applied before files stopped holding them).
            for entry in self.exchange.missing_blob_entries():
                self.scoper.learn(entry)
                for digest in blob_refs(entry):
                    named.setdefault(digest, entry)
            st.wanted_scanned = True
        candidates = [d for d in named if d not in st.wanted]
        for digest in self.exchange.missing_blobs(candidates) if candidates else []:
            entry = named[digest]
            self._want(digest, entry, self.scoper(entry))
        if st.wanted:
            still = set(self.exchange.missing_blobs(list(st.wanted)))
            for digest in [d for d in st.wanted if d not in still]:
                del st.wanted[digest]

    def _read_carriers(self, found: manifest.Manifest, result: ImportResult) -> None:
        """Open the carriers of wanted files only (nothing is opened when nothing is wanted)."""
        st = self.state
        if not st.wanted:
            return
        try:
            writers = sorted(os.scandir(self.carriers_folder), key=lambda e: e.name)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise ShareUnavailable(f"The shared folder cannot be listed ({exc.strerror or exc}).") from exc
        # The names a carrier of each wanted file may have here: one per scope this workstation
        # holds a key for (any of them brings the same bytes).
        scopes = [DISTRICT] + [school_scope(s) for s in sorted(self.keys.school_keys)]
        names: dict[str, str] = {}
        for digest in st.wanted:
            for scope in scopes:
                name = carrier.file_name(self.keys, digest, scope)
                if name:
                    names[name] = digest
        for writer in writers:
            if writer.name == self.exchange.device_id or not writer.is_dir(follow_symlinks=False):
                continue
            try:
                listed = sorted(os.scandir(writer.path), key=lambda e: e.name)
            except OSError:
                continue
            for item in listed:
                digest = names.get(item.name, "")
                if digest in st.wanted:
                    self._take_carrier(writer.name, item, digest, found, result)

    def _take_carrier(self, writer: str, item: os.DirEntry[str], digest: str,
                      found: manifest.Manifest, result: ImportResult) -> None:
        st = self.state
        rel = f"{carrier.FOLDER}/{writer}/{item.name}"
        try:
            stat = item.stat(follow_symlinks=False)
        except OSError:
            return
        held = st.held.get(rel)
        if held and held["size"] == stat.st_size and held["mtime"] == stat.st_mtime_ns:
            return   # refused before, unchanged since
        reason = ""
        if writer not in found.devices or writer not in st.devices:
            reason = "the file carrier is from a workstation that is not enrolled in this district"
        elif writer in st.removed:
            reason = "the file carrier is from a workstation that was removed from the district"
        elif stat.st_size > carrier.MAX_CARRIER or not item.is_file(follow_symlinks=False):
            reason = "the file carrier is larger than any SafetyDesk writes, or not a plain file"
        got: carrier.Carrier | None = None
        if not reason:
            try:
                with open(item.path, "rb") as fh:
                    data = fh.read(carrier.MAX_CARRIER + 1)
            except OSError as exc:
                raise ShareUnavailable(
                    f"A file on the shared folder cannot be read ({exc.strerror or exc}).") from exc
            result.carriers_opened += 1
            try:
                got = carrier.parse(data, self.keys, self._public_key(writer), digest)
                if (got.writer, carrier.file_name(self.keys, got.digest, got.scope)) != (
                        writer, item.name):
                    got, reason = None, ("the file carrier's name does not match its content "
                                         "(renamed, copied or moved)")
            except carrier.InvalidCarrier as exc:
                reason = exc.reason
        if got is None:
            self._hold(rel, stat.st_size, stat.st_mtime_ns, reason, result)
            st.wanted[digest].setdefault("refused", {})[writer] = reason
            return
        self._recheck()
        report = self.exchange.import_blobs({got.digest: got.data})
        if got.digest not in (getattr(report, "blobs_refused", None) or []):
            st.wanted.pop(digest, None)
            st.held.pop(rel, None)
            result.files_arrived += 1

    def answer_wants(self, found: manifest.Manifest) -> int:
        """Write a carrier for each file another workstation asks for that this one holds (and
        may seal for that scope), unless a carrier of it it has not refused is there already."""
        me = self.exchange.device_id
        asked: dict[tuple[str, str], set[str]] = {}
        for device, wants in self._wants.items():
            if device == me or device not in found.active():
                continue
            for tag, scope, refused in wants:
                asked.setdefault((tag, scope), set()).update(refused)
        written = 0
        by_token: dict[str, dict[str, str]] = {}   # scope -> token -> sha256 of the files here
        for (tag, scope), refusers in sorted(asked.items()):
            if self.keys.for_scope(scope) is None:
                continue
            if scope not in by_token:
                by_token[scope] = {t: d for d in self.exchange.blob_digests()
                                   if (t := carrier.token(self.keys, scope, d))}
            digest = by_token[scope].get(tag)
            if digest is None:
                continue   # not held here
            name = carrier.name_of(tag, scope)
            try:
                there = {w.name for w in os.scandir(self.carriers_folder)
                         if (Path(w.path) / name).is_file()}
            except FileNotFoundError:
                there = set()
            if there - refusers - {me} or me in there:
                continue
            held = self.exchange.blobs_for([{"changes": {"blob": [None, digest]}}])
            if digest in held:
                written += self._write_carrier(digest, scope, held[digest])
        return written

    # ----------------------------------------------------------------- acknowledgements
    def write_ack(self) -> None:
        """Say (signed, in this workstation's own folder) how far it holds every workstation's entries."""
        heads = {d: h.seq for d, h in sorted(self.exchange.device_heads().items())}
        ack: dict[str, Any] = {"device": self.exchange.device_id, "heads": heads, "at": self.clock()}
        if self.state.wanted:
            # [sha256, scope, workstations whose carrier of it was refused here]
            # A token (sync/carrier.py), never the sha256: the share does not learn which files.
            ack["wants"] = sorted(
                [tag, w.get("scope", ""), sorted(w.get("refused") or {})]
                for d, w in self.state.wanted.items()
                if (tag := carrier.token(self.keys, str(w.get("scope", "")), d)))[:MAX_WANTS]
        body = json.dumps(ack, sort_keys=True)
        sig = self.exchange.sign(body.encode()).hex()
        if self.own_folder.is_dir():
            old = self.own_folder / share.ACK
            with contextlib.suppress(OSError, ValueError):
                if json.loads(old.read_bytes()).get("body") == body:
                    return
            share.write_new(self.own_folder, share.ACK,
                            json.dumps({"body": body, "sig": sig}).encode())

    def _acks(self, found: manifest.Manifest) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for device in found.active():
            key = self._public_key(device)
            path = self.folder / share.DEVICES / device / share.ACK
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                if key is None or path.stat().st_size > 1024 * 1024:
                    continue
                raw = json.loads(path.read_bytes())
                if crypto.signature_valid(key, bytes.fromhex(raw["sig"]), raw["body"].encode()):
                    body = json.loads(raw["body"])
                    if body["device"] == device:
                        out[device] = {str(d): int(v) for d, v in body["heads"].items()}
                        if isinstance(body.get("at"), str):
                            self._ack_at[device] = body["at"][:40]
                        self._wants[device] = _wants_of(body.get("wants"))
        return out

    def archive_acknowledged(self, found: manifest.Manifest) -> int:
        """Move this workstation's files that every active workstation holds into its archive/.

        Nothing is deleted: archived files are still listed and read by anyone who needs them.
        """
        me = self.exchange.device_id
        acks = self._acks(found)
        others = [d for d in found.active() if d != me]
        if not others or any(d not in acks for d in others):
            return 0
        everyone = min(acks[d].get(me, 0) for d in others)
        # A file ends where the next one starts (names carry the first sequence number).
        archive = self.own_folder / share.ARCHIVE
        firsts = sorted({p[0] for n in os.listdir(self.own_folder) if (p := share.parse_name(n))}
                        | {p[0] for n in (os.listdir(archive) if archive.is_dir() else [])
                           if (p := share.parse_name(n))})
        ends = {first: nxt - 1 for first, nxt in itertools.pairwise(firsts)}
        if firsts:
            ends[firsts[-1]] = self.state.exported_seq
        moved = 0
        for name in sorted(os.listdir(self.own_folder)):
            parsed = share.parse_name(name)
            if parsed is None or ends.get(parsed[0], everyone + 1) > everyone:
                continue
            archive.mkdir(exist_ok=True)
            os.replace(self.own_folder / name, archive / name)
            moved += 1
        if moved:
            share.fsync_folder(archive)
            share.fsync_folder(self.own_folder)
        return moved

    # ----------------------------------------------------------------- tamper evidence
    def compare_with_share(self) -> list[str]:
        """Problems between this workstation's history and the signed files on the share.

        Every entry that a valid file on the share holds must be in the local
        history with the same hash, and this workstation's own head must not be
        behind what it already wrote there (a data file restored from an older
        copy). Opens every file: run it on demand, not at every sync.
        """
        self.check_share()
        problems: list[str] = []
        listed, _odd = self.list_files()
        heads = self.exchange.device_heads()
        for item in sorted(listed, key=lambda i: (i.device, i.name)):
            key = self._public_key(item.device) or self.exchange.public_key(item.device)
            try:
                cf = changefile.parse((self.folder / item.relpath).read_bytes(), self.keys, key)
            except (OSError, InvalidChangeFile):
                continue  # held files are reported by sync itself
            if share.parse_name(item.name) != (cf.header.first_seq, cf.file_hash):
                continue
            h = cf.header
            local = {e["dseq"]: e["hash"] for e in self.exchange.entries_since(
                h.device, h.first_seq - 1, h.last_seq - h.first_seq + 1)}
            head = heads.get(h.device)
            for dseq, hash_hex, _prev, _scope, _sig in cf.chain:
                if dseq in local and local[dseq] != hash_hex:
                    problems.append(f"workstation {h.device}, entry {dseq}: the local history differs "
                                    f"from the signed file {item.relpath}")
                elif dseq not in local and head is not None and dseq <= head.seq:
                    problems.append(f"workstation {h.device}, entry {dseq}: missing from the local "
                                    "history although later entries are there")
            if h.device == self.exchange.device_id and (head is None or head.seq < h.last_seq):
                problems.append(f"this workstation's own history ends at entry "
                                f"{head.seq if head else 0}, but it already wrote entries up to "
                                f"{h.last_seq} to the share: its data file was restored from an "
                                "older copy; restore the newest backup or join again")
        return problems

    # ----------------------------------------------------------------- together
    def sync_once(self, progress: Callable[[int, int], None] | None = None) -> SyncResult:
        """One pass: export, import (``progress`` over the new files read), snapshot, acknowledge."""
        st = self.state
        try:
            exported = self.export()
            imported = self.import_(progress)
            self.carry_moved()
            self.write_snapshot(self.snapshot_every)
            try:
                self.write_ack()
                found = self.check_share()
                self.archive_acknowledged(found)
                exported.carriers += self.answer_wants(found)
            except OSError as exc:
                raise ShareUnavailable(self._write_problem(exc)) from exc
        except ShareUnavailable:
            if not st.offline_since:
                st.offline_since = self.clock()
            st.stopped = ""
            self.save()
            raise
        except WrongShare as exc:
            st.stopped = exc.message
            self.save()
            raise
        st.last_sync, st.offline_since, st.stopped = self.clock(), "", ""
        self._note_workstations()
        self.save()
        return SyncResult(exported, imported)

    def carry_moved(self) -> None:
        """Records moved to another school: reveal their older entries carried here, and carry
        those this workstation can read to the schools that need them (sync/carry.py)."""
        from safetydesk.sync import carry

        carry.run(self)

    def _note_workstations(self) -> None:
        """For the reports' "Data as of" table: each workstation, its schools, when it last synced."""
        st = self.state
        found = self.check_share()
        me = self.exchange.device_id
        for device, dev in found.active().items():
            at = st.last_sync if device == me else self._ack_at.get(device, "")
            old = st.synced_at.get(device, {})
            st.synced_at[device] = {"name": dev.name[:200], "schools": dev.schools,
                                    "at": max(at, str(old.get("at", "")))}
        for device in [d for d in st.synced_at if d not in found.active()]:
            del st.synced_at[device]
