"""Setting up the district folder, enrolment files, joining, approving and removing workstations.

* ``create_district_folder``: a district administrator's workstation makes the
  folder, the manifest (signed by this workstation, which becomes the first
  trusted administrator's workstation), the district key and one key per school.
* ``make_enrolment``: an invitation in the manifest plus an enrolment file whose
  keys (only those of the schools the new workstation serves) and invitation
  secret are sealed under a passphrase with argon2id. The file and the
  passphrase travel separately (USB stick and telephone).
* ``join``: the new workstation opens the enrolment file with the passphrase,
  checks the folder is the one named in it, pins the ids, and writes a join
  request (its public key and a proof that it holds the invitation) in its own
  folder. An administrator's workstation approves it at its next sync
  (``approve_requests``); until then the others hold the newcomer's files as
  "not enrolled", and pick them up once the manifest lists it.
* ``remove_workstation``: marks a workstation removed after the last entry this
  administrator's workstation holds from it; its later files are refused
  everywhere, and the removal cannot be undone by editing the manifest.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from safetydesk.domain.ids import new_id
from safetydesk.sync import crypto, manifest, share
from safetydesk.sync.engine import SyncEngine
from safetydesk.sync.errors import EnrolmentError, WrongShare
from safetydesk.sync.exchange import HistoryExchange
from safetydesk.sync.keys import SyncKeys
from safetydesk.sync.state import SyncState

ENROLMENT_KIND = "safetydesk-enrolment"
MAX_ENROLMENT = 1024 * 1024


def _public_hex(exchange: HistoryExchange) -> str:
    key = exchange.public_key(exchange.device_id)
    if key is None:
        raise EnrolmentError("This workstation's signing key is not in its history yet.")
    return key.hex()


def _write_manifest(folder: Path, found: manifest.Manifest, exchange: HistoryExchange) -> None:
    share.write_new(folder, share.MANIFEST, found.signed(exchange.device_id, exchange.sign))


def create_district_folder(exchange: HistoryExchange, share_root: Path, district_id: str,
                           district_name: str, schools: list[str], state_path: Path,
                           device_name: str = "District office") -> SyncKeys:
    """Make the district folder on the share; this workstation becomes its first administrator's."""
    folder = share.district_folder(share_root, district_id)
    if (folder / share.MANIFEST).exists():
        raise EnrolmentError(f"{folder} is already a district folder. Join it with an enrolment "
                             "file instead of setting it up again.")
    if not Path(share_root).is_dir():
        raise EnrolmentError(f"The shared folder {share_root} cannot be reached.")
    keys = SyncKeys(district_id, crypto.new_key(), {s: crypto.new_key() for s in schools}, True,
                    crypto.new_box_key())
    me = exchange.device_id
    found = manifest.Manifest(district_id, district_name, secrets.token_hex(16))
    found.devices[me] = manifest.Device(_public_hex(exchange), device_name, admin=True, schools=None,
                                        box_key=crypto.box_public(keys.box_private).hex())
    for sub in (share.DEVICES, share.SNAPSHOTS):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    _write_manifest(folder, found, exchange)
    state = SyncState(share=str(share_root), device=me, district=district_id, share_id=found.share_id,
                      manifest_generation=found.generation, trusted={me: _public_hex(exchange)},
                      devices={me: _public_hex(exchange)})
    state.save(state_path)
    return keys


def make_enrolment(engine: SyncEngine, passphrase: str, name: str, schools: list[str] | None,
                   admin: bool = False) -> bytes:
    """An enrolment file for a new workstation serving ``schools`` (None: every school)."""
    if len(passphrase) < 12:
        raise EnrolmentError("Choose a passphrase of at least 12 characters for the enrolment file.")
    found = engine.check_share()
    if not found.devices.get(engine.exchange.device_id, manifest.Device("", "")).admin:
        raise EnrolmentError("Only an administrator's workstation can enrol another workstation.")
    unknown = sorted(set(schools or []) - set(engine.keys.school_keys))
    if unknown:
        raise EnrolmentError(f"This workstation holds no key for the school(s) {unknown}.")
    # The invitation is a one-time signing key: its public half goes in the manifest, its
    # private half (sealed) in the enrolment file, so any administrator's workstation can check
    # that a join request came from whoever opened the file.
    invite_key = Ed25519PrivateKey.generate()
    secret = invite_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    invitation = new_id()
    found.invitations[invitation] = {
        "key": invite_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex(),
        "name": name, "schools": schools, "admin": admin}
    found.generation += 1
    _write_manifest(engine.folder, found, engine.exchange)
    engine.state.manifest_generation = found.generation
    engine.save()
    keys = engine.keys.subset(None if schools is None else set(schools))
    sealed_payload = json.dumps({"keys": keys.to_json(), "secret": crypto.b64(secret)}).encode()
    aad = f"{found.district}:{found.share_id}:{invitation}".encode()
    return json.dumps({
        "format": 1, "kind": ENROLMENT_KIND, "district": found.district,
        "district_name": found.district_name, "share_id": found.share_id,
        "generation": found.generation, "invitation": invitation, "name": name,
        "trusted": dict(engine.state.trusted), "devices": dict(engine.state.devices),
        "sealed": crypto.wrap_with_passphrase(passphrase, sealed_payload, aad),
    }, indent=1).encode("utf-8")


def _proof_bytes(district: str, invitation: str, device: str, public_key: str) -> bytes:
    return f"safetydesk-join:{district}:{invitation}:{device}:{public_key}".encode()


def join(exchange: HistoryExchange, share_root: Path, enrolment: bytes, passphrase: str,
         state_path: Path) -> SyncKeys:
    """Join the district folder named in ``enrolment``; returns the keys to keep in the keyring."""
    if len(enrolment) > MAX_ENROLMENT:
        raise EnrolmentError("That is not a SafetyDesk enrolment file.")
    try:
        info: dict[str, Any] = json.loads(enrolment)
        if info.get("kind") != ENROLMENT_KIND or info.get("format") != 1:
            raise ValueError
        aad = f"{info['district']}:{info['share_id']}:{info['invitation']}".encode()
    except (ValueError, KeyError, TypeError):
        raise EnrolmentError("That is not a SafetyDesk enrolment file.") from None
    opened = crypto.unwrap_with_passphrase(passphrase, info["sealed"], aad)
    if opened is None:
        raise EnrolmentError("The passphrase does not open this enrolment file (or the file was "
                             "altered). Check the passphrase with the district administrator.")
    payload = json.loads(opened)
    keys = SyncKeys.from_json(payload["keys"])
    keys.box_private = crypto.new_box_key()   # this workstation's own, never in the enrolment file
    secret = crypto.unb64(payload["secret"])
    state = SyncState(share=str(share_root), device=exchange.device_id, district=info["district"],
                      share_id=info["share_id"],
                      manifest_generation=int(info["generation"]), trusted=dict(info["trusted"]),
                      devices=dict(info["devices"]))
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state.save(state_path)
    engine = SyncEngine(exchange, keys, share_root, state_path)
    try:
        found = engine.check_share()
    except WrongShare:
        state_path.unlink(missing_ok=True)
        raise
    if info["invitation"] not in found.invitations:
        state_path.unlink(missing_ok=True)
        raise EnrolmentError("This enrolment file was already used or withdrawn. Ask the district "
                             "administrator for a new one.")
    me, public = exchange.device_id, _public_hex(exchange)
    engine.state.devices[me] = public
    engine.save()
    engine.own_folder.mkdir(exist_ok=True)
    request = {"device": me, "public_key": public, "invitation": info["invitation"],
               "box_key": crypto.box_public(keys.box_private).hex(),
               "proof": Ed25519PrivateKey.from_private_bytes(secret).sign(
                   _proof_bytes(info["district"], info["invitation"], me, public)).hex()}
    body = json.dumps(request, sort_keys=True).encode()
    request["sig"] = exchange.sign(body).hex()
    share.write_new(engine.own_folder, share.JOIN, json.dumps(request, sort_keys=True).encode())
    return keys


def approve_requests(engine: SyncEngine) -> list[str]:
    """On an administrator's workstation: enrol every workstation whose join request is valid."""
    found = engine.check_share()
    me = engine.exchange.device_id
    if not found.devices.get(me, manifest.Device("", "")).admin:
        return []
    approved = []
    devices = engine.folder / share.DEVICES
    for name in sorted(os.listdir(devices)) if devices.is_dir() else []:
        path = devices / name / share.JOIN
        if name in found.devices or not path.is_file() or path.stat().st_size > 64 * 1024:
            continue
        try:
            request = json.loads(path.read_bytes())
            sig = bytes.fromhex(request.pop("sig"))
            invitation = found.invitations.get(request["invitation"])
            body = json.dumps(request, sort_keys=True).encode()
            if (invitation is None or request["device"] != name
                    or not crypto.signature_valid(bytes.fromhex(request["public_key"]), sig, body)
                    or not crypto.signature_valid(
                        bytes.fromhex(invitation["key"]), bytes.fromhex(request["proof"]),
                        _proof_bytes(found.district, request["invitation"], name,
                                     request["public_key"]))):
                continue
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        box = request.get("box_key")
        found.devices[name] = manifest.Device(request["public_key"], invitation["name"],
                                              admin=bool(invitation["admin"]),
                                              schools=invitation["schools"],
                                              box_key=str(box) if isinstance(box, str) else None)
        found.invitations.pop(request["invitation"])
        approved.append(name)
    if approved:
        found.generation += 1
        _write_manifest(engine.folder, found, engine.exchange)
        engine.check_share()
        engine.save()
    return approved


def remove_workstation(engine: SyncEngine, device: str) -> int:
    """Remove ``device``: its entries after the last one this workstation holds are refused."""
    found = engine.check_share()
    me = engine.exchange.device_id
    if not found.devices.get(me, manifest.Device("", "")).admin:
        raise EnrolmentError("Only an administrator's workstation can remove a workstation.")
    if device not in found.devices or found.devices[device].removed:
        raise EnrolmentError("That workstation is not enrolled in the district folder.")
    if device == me:
        raise EnrolmentError("A workstation cannot remove itself; remove it from another "
                             "administrator's workstation.")
    head = engine.exchange.device_heads().get(device)
    found.devices[device].removed_after = head.seq if head else 0
    found.generation += 1
    _write_manifest(engine.folder, found, engine.exchange)
    engine.check_share()
    engine.save()
    return found.devices[device].removed_after or 0
