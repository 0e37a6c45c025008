"""The district folder's manifest: format, ids and the enrolled workstations, signed.

Only a workstation that the district trusts to enrol others (an administrator's
workstation) may sign it. Every workstation pins, when it joins, the district
id, the folder's own random id and the keys of those administrators'
workstations, and after that accepts a manifest only if it is signed by one of
them and its generation did not go backwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from safetydesk.sync import crypto
from safetydesk.sync.errors import WrongShare
from safetydesk.sync.exchange import canonical

FORMAT = 1
KIND = "safetydesk-sync-district"
MAX_BYTES = 4 * 1024 * 1024


@dataclass
class Device:
    public_key: str                   # hex
    name: str
    admin: bool = False               # may enrol and remove workstations (signs the manifest)
    schools: list[str] | None = None  # None: the district office, every school
    removed_after: int | None = None  # last accepted sequence number once removed
    box_key: str | None = None        # hex X25519: school keys granted later are sealed to it
    grants: dict[str, str] = field(default_factory=dict)  # school id -> its key, sealed to box_key

    def wire(self) -> dict[str, Any]:
        out = dict(vars(self))
        for later in ("box_key", "grants"):   # absent from manifests written before they existed
            if not out[later]:
                del out[later]
        return out

    @property
    def removed(self) -> bool:
        return self.removed_after is not None


@dataclass
class Manifest:
    district: str
    district_name: str
    share_id: str
    generation: int = 1
    devices: dict[str, Device] = field(default_factory=dict)
    invitations: dict[str, dict[str, Any]] = field(default_factory=dict)
    signer: str = ""
    sig: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "kind": KIND, "district": self.district,
            "district_name": self.district_name, "share_id": self.share_id,
            "generation": self.generation,
            "devices": {d: dev.wire() for d, dev in sorted(self.devices.items())},
            "invitations": self.invitations, "signer": self.signer,
        }

    def signed(self, signer: str, sign: Callable[[bytes], bytes]) -> bytes:
        self.signer = signer
        self.sig = sign(canonical(self.body()).encode("utf-8")).hex()
        return json.dumps({**self.body(), "sig": self.sig}, indent=1, sort_keys=True).encode("utf-8")

    def active(self) -> dict[str, Device]:
        return {d: dev for d, dev in self.devices.items() if not dev.removed}


def _bad(why: str) -> WrongShare:
    return WrongShare(f"The district folder's manifest {why}. Sync has stopped and nothing on this "
                      "workstation was changed; ask district IT to check the shared folder.")


def parse(data: bytes) -> Manifest:
    """The manifest in ``data``, checked for shape (not yet for who signed it)."""
    if len(data) > MAX_BYTES:
        raise _bad("is far larger than any real manifest")
    try:
        raw = json.loads(data)
        if raw.get("kind") != KIND:
            raise _bad("is not a SafetyDesk district manifest")
        if not isinstance(raw.get("format"), int) or raw["format"] > FORMAT:
            raise WrongShare("The district folder was set up by a newer SafetyDesk. Upgrade this "
                             "workstation; nothing was changed here.")
        devices = {str(d): Device(str(v["public_key"]), str(v["name"]), bool(v.get("admin")),
                                  None if v.get("schools") is None else [str(s) for s in v["schools"]],
                                  None if v.get("removed_after") is None else int(v["removed_after"]),
                                  None if v.get("box_key") is None else str(v["box_key"]),
                                  {str(k): str(g) for k, g in (v.get("grants") or {}).items()})
                   for d, v in raw["devices"].items()}
        return Manifest(str(raw["district"]), str(raw.get("district_name", "")), str(raw["share_id"]),
                        int(raw["generation"]), devices, dict(raw.get("invitations", {})),
                        str(raw["signer"]), str(raw["sig"]))
    except WrongShare:
        raise
    except (ValueError, KeyError, TypeError, AttributeError):
        raise _bad("cannot be read (damaged)") from None


def verify(manifest: Manifest, trusted: dict[str, str]) -> None:
    """Raise ``WrongShare`` unless one of the ``trusted`` administrators' workstations signed it."""
    key = trusted.get(manifest.signer)
    if key is None:
        raise _bad("was not signed by an administrator's workstation this workstation trusts")
    if not crypto.signature_valid(bytes.fromhex(key), bytes.fromhex(manifest.sig),
                                  canonical(manifest.body()).encode("utf-8")):
        raise _bad("has a signature that does not match (altered or forged)")
