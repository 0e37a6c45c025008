"""The mistakes a carrier or a receiver of moved records could make are each caught.

Adds to the counter ``sync-mutants: caught=N/N`` (tests/sync/test_mutants.py): a mutant is the
engine with one step of carrying (sync/carry.py) done wrong; a scenario returns what went wrong
(empty for the real engine).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from sync_world import SCHOOLS, District
from test_carry_moves import interaction, move, student

from safetydesk.sync import carry, share
from safetydesk.sync.engine import SyncEngine
from safetydesk.sync.keys import school_scope
from support import Frac, count

ALDER, BIRCH, _ = SCHOOLS


class CarryNothing(SyncEngine):
    def carry_moved(self) -> None:
        return None


class TrustTheCarrier(SyncEngine):
    """Reveals whatever a carried file holds, without asking where the record is here."""

    def carry_moved(self) -> None:
        ex = self.exchange
        real = ex.reveal_withheld
        ex.reveal_withheld = lambda entries, schools: real(entries, None)
        try:
            super().carry_moved()
        finally:
            del ex.reveal_withheld


class ImportCarried(SyncEngine):
    """Hands carried entries to the ordinary import, as if they came in a change file."""

    def carry_moved(self) -> None:
        ex = self.exchange

        def as_import(entries, schools):
            report = ex.import_entries(entries)
            return SimpleNamespace(revealed=report.imported, waiting=[])

        ex.reveal_withheld = as_import
        try:
            super().carry_moved()
        finally:
            del ex.reveal_withheld


def moved(root: Path, factory, engine: type[SyncEngine]) -> list[str]:
    d = District(root, factory)
    d.admin.engine_class = engine
    alder = d.add("Alder office", schools=[ALDER], engine_class=engine)
    birch = d.add("Birch office", schools=[BIRCH], engine_class=engine)
    rid = student(alder, ALDER)
    for ws in (alder, d.admin, birch):
        ws.sync()
    move(d.admin, rid, BIRCH)
    for _ in range(2):
        for ws in (d.admin, birch):
            ws.sync()
    if birch.exchange.state("student", rid) != d.admin.exchange.state("student", rid):
        return ["a student moved to Birch arrived there without its older records"]
    return []


def forged(root: Path, factory, engine: type[SyncEngine]) -> list[str]:
    d = District(root, factory)
    alder = d.add("Alder office", schools=[ALDER])
    birch = d.add("Birch office", schools=[BIRCH], engine_class=engine)
    rid = student(alder, ALDER)
    incident = interaction(alder, ALDER, rid)
    for ws in (alder, d.admin, birch):
        ws.sync()
    # Someone holding Birch's key carries Alder records that did not move.
    taken = [w for key in (("student", rid), ("interaction", incident))
             for w in d.admin.exchange.entries_of_record(*key)]
    data = carry.build(birch.keys, school_scope(BIRCH), taken)
    (d.folder / carry.FOLDER).mkdir()
    share.write_new(d.folder / carry.FOLDER, carry.file_name(data), data)
    birch.sync()
    leaked = [k for k in (("student", rid), ("interaction", incident))
              if birch.exchange.state(*k) is not None]
    return [f"Birch revealed Alder's {k[0]} that did not move" for k in leaked]


SCENARIOS: list[tuple[str, Callable, type[SyncEngine]]] = [
    ("carry nothing", moved, CarryNothing),
    ("trust the carrier's say-so", forged, TrustTheCarrier),
    ("import carried entries as new", forged, ImportCarried),
]


@pytest.mark.parametrize("name,scenario,mutant", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_the_real_carry_passes_and_the_mutant_is_caught(name, scenario, mutant, tmp_path,
                                                        exchange_factory):
    assert scenario(tmp_path / "real", exchange_factory, SyncEngine) == []
    caught = scenario(tmp_path / "mutant", exchange_factory, mutant) != []
    count("sync-mutants", caught=Frac(int(caught), 1))
    assert caught, f"the mutant '{name}' was not caught"
    os.sync()

