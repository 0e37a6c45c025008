"""Fixtures of the sync tests.

``exchange_factory`` makes a workstation's history. Today it is the in-memory
stand-in ``ReplicaStore`` (tests/sync/replica.py); at integration it becomes
the real ``Store`` (one line), and every sync test runs against it unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from replica import ReplicaStore
from sync_world import ADMIN_USER, District, ExchangeFactory


@pytest.fixture
def exchange_factory() -> ExchangeFactory:
    # THE one line to change at integration: the real Store in a temporary data folder.
    return lambda **kw: ReplicaStore(founders={ADMIN_USER}, **kw)


@pytest.fixture
def district(tmp_path: Path, exchange_factory: ExchangeFactory) -> District:
    return District(tmp_path, exchange_factory)
