"""Each plausible mistake in the exchange is caught by the same checks the real engine passes.

Counter: ``sync-mutants: caught=N/N``. A mutant is a subclass of the engine
with one step done wrong; a scenario returns the list of things that went
wrong (empty for the real engine).
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from faults import read_only
from sync_world import SCHOOLS, District

from safetydesk.sync import changefile, enrol, share
from safetydesk.sync.engine import SyncEngine
from safetydesk.sync.errors import ShareUnavailable, WrongShare
from safetydesk.sync.scope import Scoper
from support import Frac, count

ALDER = SCHOOLS[0]


# ----------------------------------------------------------------- the mutants
class NoAuthentication(SyncEngine):
    @staticmethod
    def parse(data, keys, public_key):  # type: ignore[override]
        with mock.patch.object(changefile.crypto, "signature_valid", lambda *a: True):
            return changefile.parse(data, keys, public_key)


class ApplyBeforeVerify(SyncEngine):
    def _open(self, item, found, result):
        cf = super()._open(item, found, result)
        if cf is None:  # it could still be parsed without the checks: apply what it holds
            try:
                cf = changefile.parse((self.folder / item.relpath).read_bytes(), self.keys,
                                      self._public_key(item.device))
            except Exception:
                return None
        self.exchange.import_entries(changefile.wire_items(cf))
        return cf


class MarkBeforeRename(SyncEngine):
    def _export_one(self, entries):
        data = self._build(entries)
        fhash = changefile.file_hash(data)
        self._mark_exported(entries[-1]["dseq"], fhash)
        final = share.write_new(self.own_folder, share.change_name(entries[0]["dseq"], fhash), data)
        self._read_back(final, data)
        return len(entries)


class AbsenceIsDeletion(SyncEngine):
    def _check_not_backwards(self, listed):
        return None


class AcceptRemoved(SyncEngine):
    def check_share(self):
        found = super().check_share()
        self.state.removed.clear()
        for dev in found.devices.values():
            dev.removed_after = None
        return found


class TrustListingOrder(SyncEngine):
    def _in_chain_order(self, accepted, result):
        out, last = [], {}
        for item, cf in accepted:  # the listing's order
            prev = last.get(cf.header.device)
            if prev is not None and prev != cf.header.prev_file:
                self._hold(item.relpath, item.size, item.mtime_ns, "does not follow", result)
                continue
            last[cf.header.device] = cf.file_hash
            out.append((item, cf))
        return out


class ShuffledListing(SyncEngine):
    """The share lists files in an arbitrary order (as SMB servers may)."""

    def list_files(self):
        listed, odd = super().list_files()
        random.Random(7).shuffle(listed)
        return listed, odd


class ShuffledTrustingOrder(ShuffledListing, TrustListingOrder):
    pass


# ----------------------------------------------------------------- the scenarios
def _ids(ws) -> set[str]:
    return {rid for (t, rid) in ws.exchange.records() if t != "device"}


def forged_file(root: Path, factory, engine: type[SyncEngine]) -> list[str]:
    d = District(root, factory)
    victim = d.add("victim", schools=[ALDER], engine_class=engine)
    insider = d.add("insider", schools=[ALDER])
    intruder = d.add("intruder", schools=[ALDER])
    insider.log(ALDER, 2)
    entries = insider.exchange.entries_since(insider.exchange.device_id, 0)
    # The intruder seals the insider's entries (taken from its screen) and signs the file itself.
    data = changefile.build(entries, keys=d.keys, device=insider.exchange.device_id, prev_file="",
                            sign=intruder.exchange.sign, scope_of=Scoper({}))
    folder = d.folder / share.DEVICES / insider.exchange.device_id
    folder.mkdir(parents=True)
    (folder / share.change_name(1, changefile.file_hash(data))).write_bytes(data)
    result = victim.engine().import_()
    problems = []
    if _ids(victim):
        problems.append("applied a file whose signature is not its workstation's")
    if not result.held:
        problems.append("did not report the forged file")
    return problems


def removed_in_disguise(root: Path, factory, engine: type[SyncEngine]) -> list[str]:
    d = District(root, factory)
    victim = d.add("victim", schools=[ALDER], engine_class=engine)
    gone = d.add("stolen", schools=[ALDER])
    gone.log(ALDER, 1)
    gone.sync()
    d.admin.sync()
    enrol.remove_workstation(d.admin.engine(), gone.exchange.device_id)
    later = set(gone.log(ALDER, 2))
    entries = gone.exchange.entries_since(gone.exchange.device_id, 2)
    data = changefile.build(entries, keys=gone.keys, device=gone.exchange.device_id,
                            prev_file=gone.engine().state.exported_file, sign=gone.exchange.sign,
                            scope_of=Scoper({}))
    # Named as if it came before the removal.
    folder = d.folder / share.DEVICES / gone.exchange.device_id
    (folder / share.change_name(1, changefile.file_hash(data))).write_bytes(data)
    (folder / share.change_name(3, changefile.file_hash(data))).write_bytes(data)
    victim.engine().import_()
    return ["accepted a removed workstation's later entries"] if later & _ids(victim) else []


def write_fails(root: Path, factory, engine: type[SyncEngine]) -> list[str]:
    """The share turns read-only (a real read-only bind mount) during an export."""
    d = District(root, factory)
    writer = d.add("writer", schools=[ALDER], engine_class=engine)
    reader = d.add("reader", schools=[ALDER])
    writer.sync()
    made = set(writer.log(ALDER, 3))
    with read_only(d.share), pytest.raises(ShareUnavailable):
        writer.sync()
    writer.sync()
    reader.sync()
    return ["entries never reached the share after a failed write"] if made - _ids(reader) else []


def emptied_folder(root: Path, factory, engine: type[SyncEngine]) -> list[str]:
    d = District(root, factory)
    ws = d.add("ws", schools=[ALDER], engine_class=engine)
    d.admin.log(ALDER, 2)
    d.admin.sync()
    ws.sync()
    shutil.rmtree(d.folder / share.DEVICES)
    (d.folder / share.DEVICES).mkdir()
    try:
        ws.sync()
    except WrongShare:
        return []
    return ["an emptied folder was taken as nothing to do (absence taken as deletion)"]


def shuffled(root: Path, factory, engine: type[SyncEngine]) -> list[str]:
    d = District(root, factory)
    ws = d.add("ws", schools=[ALDER], engine_class=engine)
    eng = d.admin.engine()
    eng.batch = 1
    made = set(d.admin.log(ALDER, 12))
    eng.export()
    for _ in range(3):
        ws.engine().import_()
    return ["files listed out of order were lost"] if made - _ids(ws) else []


SCENARIOS: list[tuple[str, Callable, type[SyncEngine], type[SyncEngine]]] = [
    ("no authentication check", forged_file, SyncEngine, NoAuthentication),
    ("apply before verify", removed_in_disguise, SyncEngine, ApplyBeforeVerify),
    ("mark exported before the rename", write_fails, SyncEngine, MarkBeforeRename),
    ("absence taken as deletion", emptied_folder, SyncEngine, AbsenceIsDeletion),
    ("accept a removed workstation", removed_in_disguise, SyncEngine, AcceptRemoved),
    ("trust the listing's order", shuffled, ShuffledListing, ShuffledTrustingOrder),
]


@pytest.mark.parametrize("name,scenario,good,mutant", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_the_real_engine_passes_and_the_mutant_is_caught(name, scenario, good, mutant, tmp_path,
                                                         exchange_factory):
    assert scenario(tmp_path / "real", exchange_factory, good) == []
    caught = scenario(tmp_path / "mutant", exchange_factory, mutant) != []
    count("sync-mutants", caught=Frac(int(caught), 1))
    assert caught, f"the mutant '{name}' was not caught"
    os.sync()
