"""Fixtures of the sync tests.

``exchange_factory`` makes a workstation's history: the REAL ``Store``, an
encrypted data file in its own folder (``real_store.RealStation``). The
in-memory stand-in ``ReplicaStore`` (tests/sync/replica.py) remains only for
tests about the file layer alone (change files, snapshots, the share's
faults where no history is folded), through ``replica_factory``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from real_store import real_factory
from replica import ReplicaStore
from sync_world import ADMIN_USER, District, ExchangeFactory


@pytest.fixture
def exchange_factory(tmp_path: Path):
    make = real_factory(tmp_path / "stations")
    yield lambda **kw: make(founders={ADMIN_USER}, **kw)
    for station in make.made:  # type: ignore[attr-defined]
        station.close()


@pytest.fixture
def replica_factory() -> ExchangeFactory:
    """The in-memory stand-in, for tests of the file layer alone."""
    return lambda **kw: ReplicaStore(founders={ADMIN_USER}, **kw)


@pytest.fixture
def district(tmp_path: Path, exchange_factory: ExchangeFactory) -> District:
    return District(tmp_path, exchange_factory)
