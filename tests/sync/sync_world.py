"""Workstations and a district folder for the sync tests: real files in a real folder."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from safetydesk.domain.ids import new_id
from safetydesk.sync import crypto, manifest, share
from safetydesk.sync.engine import SyncEngine
from safetydesk.sync.keys import SyncKeys
from safetydesk.sync.state import SyncState

ADMIN_USER = "U-ADMIN-FOUNDER"
SCHOOLS = ["SCHOOL-ALDER", "SCHOOL-BIRCH", "SCHOOL-CEDAR"]

ExchangeFactory = Callable[..., Any]


@dataclass
class Workstation:
    name: str
    exchange: Any
    keys: SyncKeys
    state_path: Path
    share_root: Path
    engine_class: type[SyncEngine] = SyncEngine

    def engine(self) -> SyncEngine:
        return self.engine_class(self.exchange, self.keys, self.share_root, self.state_path)

    def sync(self) -> Any:
        return self.engine().sync_once()

    def log(self, school: str | None, n: int = 1, user: str = ADMIN_USER) -> list[str]:
        """Make ``n`` fictional records (school ones when ``school``), as a person would."""
        ids = []
        for i in range(n):
            rid = new_id()
            if school:
                self.exchange.append(user, "interaction", rid, "create", {
                    "school_id": [None, school], "location": [None, f"Room {i}"],
                    "narrative": [None, "Fictional: two students argued; staff calmed them."]})
            else:
                self.exchange.append(user, "staff", rid, "create", {"name": [None, f"Staff {i}"]})
            ids.append(rid)
        return ids


class District:
    """A district folder in ``root`` with workstations enrolled straight into its manifest.

    (Enrolment through files and passphrases has its own tests; building it
    directly keeps the property tests fast.)
    """

    def __init__(self, root: Path, factory: ExchangeFactory, schools: list[str] = SCHOOLS,
                 share_root: Path | None = None) -> None:
        self.root = root
        self.share = share_root or root / "share"
        self.share.mkdir(parents=True, exist_ok=True)
        self.factory = factory
        self.id = "D" + secrets.token_hex(6).upper()
        self.keys = SyncKeys(self.id, crypto.new_key(), {s: crypto.new_key() for s in schools}, True)
        self.manifest = manifest.Manifest(self.id, "Fictional Valley School District",
                                          secrets.token_hex(16))
        self.stations: list[Workstation] = []
        self.admin = self.add("district office", schools=None, admin=True)

    @property
    def folder(self) -> Path:
        return share.district_folder(self.share, self.id)

    def add(self, name: str, schools: list[str] | None = None, admin: bool = False,
            engine_class: type[SyncEngine] = SyncEngine, **kw: Any) -> Workstation:
        exchange = self.factory(schools=None if schools is None else set(schools), **kw)
        pub = exchange.public_key(exchange.device_id).hex()
        self.manifest.devices[exchange.device_id] = manifest.Device(pub, name, admin, schools)
        station = Workstation(name, exchange, self.keys.subset(None if schools is None else set(schools)),
                              self.root / f"ws-{len(self.stations)}" / "sync-state.json", self.share,
                              engine_class)
        station.state_path.parent.mkdir(parents=True, exist_ok=True)
        self.stations.append(station)
        self.publish()
        return station

    def publish(self) -> None:
        signer = self.stations[0].exchange
        self.manifest.generation += 1
        (self.folder / share.DEVICES).mkdir(parents=True, exist_ok=True)
        share.write_new(self.folder, share.MANIFEST, self.manifest.signed(signer.device_id, signer.sign))
        admins = {d: dev.public_key for d, dev in self.manifest.devices.items() if dev.admin}
        for station in self.stations:
            st = SyncState.load(station.state_path)
            if not st.joined:
                st = SyncState(share=str(self.share), district=self.id,
                               share_id=self.manifest.share_id, trusted=dict(admins))
            st.devices.update({d: dev.public_key for d, dev in self.manifest.devices.items()})
            st.save(station.state_path)
