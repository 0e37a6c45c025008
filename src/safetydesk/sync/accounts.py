"""Sign-in credentials through the share: a person's first sign-in on a workstation they never used.

Each workstation writes ``devices/<id>/accounts.sda``: the travelling
credentials (``store/account_travel.py``) of the accounts whose password was
set there, sealed under the district key (AES-256-GCM, the workstation and
district ids as associated data) and signed by the workstation. Nothing in it
is a password or a hash that can be tested offline more cheaply than argon2id:
each credential is an X25519 private key wrapped under the argon2id output of
the password, with the same parameters as a local key slot.

A workstation that reads a credential accepts it only

* from an enrolled, not removed workstation whose signature checks, and
* for an account its own history holds as active (the account record itself
  travels in the history and is accepted only from an administrator), and
* when the writer is an administrator's workstation, or the account is not a
  district-level one and every school of the account is one the writer serves.

So a school's workstation cannot hand itself a district administrator's sign-in.
"""

from __future__ import annotations

import json
from typing import Any

from safetydesk.sync import crypto, share
from safetydesk.sync.engine import SyncEngine

KIND = "safetydesk-accounts"
MAX_BYTES = 4 * 1024 * 1024
DISTRICT_ROLES = frozenset({"district_admin"})


def _aad(district: str, device: str) -> bytes:
    return f"{KIND}:{district}:{device}".encode()


def _key(engine: SyncEngine) -> bytes:
    return crypto.derive(engine.keys.district_key, "accounts")


def publish(engine: SyncEngine, travel: dict[str, dict[str, Any]]) -> bool:
    """Write this workstation's credentials file when it changed; True when written."""
    me = engine.exchange.device_id
    plain = json.dumps({"device": me, "accounts": travel}, sort_keys=True).encode()
    path = engine.own_folder / share.ACCOUNTS
    old = _read(engine, me, path)
    if old is not None and old == travel:
        return False
    if not travel and old is None:
        return False
    nonce = crypto.new_nonce()
    body = json.dumps({"kind": KIND, "format": 1, "district": engine.keys.district_id, "device": me,
                       "nonce": crypto.b64(nonce),
                       "sealed": crypto.b64(crypto.encrypt(_key(engine), nonce, plain,
                                                           _aad(engine.keys.district_id, me)))},
                      sort_keys=True)
    engine.own_folder.mkdir(exist_ok=True)
    share.write_new(engine.own_folder, share.ACCOUNTS, json.dumps(
        {"body": body, "sig": engine.exchange.sign(body.encode()).hex()}).encode())
    return True


def _read(engine: SyncEngine, device: str, path: Any) -> dict[str, dict[str, Any]] | None:
    key = engine._public_key(device) or engine.exchange.public_key(device)
    try:
        if key is None or path.stat().st_size > MAX_BYTES:
            return None
        raw = json.loads(path.read_bytes())
        if not crypto.signature_valid(key, bytes.fromhex(raw["sig"]), raw["body"].encode()):
            return None
        body = json.loads(raw["body"])
        if (body.get("kind") != KIND or body.get("format") != 1 or body.get("device") != device
                or body.get("district") != engine.keys.district_id):
            return None
        plain = crypto.decrypt(_key(engine), crypto.unb64(body["nonce"]), crypto.unb64(body["sealed"]),
                               _aad(engine.keys.district_id, device))
        if plain is None:
            return None
        inner = json.loads(plain)
        if inner.get("device") != device or not isinstance(inner.get("accounts"), dict):
            return None
        return {str(u): c for u, c in inner["accounts"].items() if isinstance(c, dict)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def collect(engine: SyncEngine, accounts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The newest acceptable credential per user name, from every other workstation's file.

    ``accounts``: user name -> the account as this workstation's history holds it
    (``role``, ``schools``, ``active``).
    """
    found = engine.check_share()
    me = engine.exchange.device_id
    best: dict[str, dict[str, Any]] = {}
    for device in found.active():
        if device == me or device in engine.state.removed:
            continue
        creds = _read(engine, device, engine.folder / share.DEVICES / device / share.ACCOUNTS)
        if not creds:
            continue
        dev = found.devices[device]
        for username, cred in creds.items():
            account = accounts.get(username)
            if account is None or not account.get("active"):
                continue
            if not dev.admin:
                if account.get("role") in DISTRICT_ROLES:
                    continue
                served = set(dev.schools) if dev.schools is not None else None
                mine = set(account.get("schools") or [])
                if served is not None and (not mine or not mine <= served):
                    continue
            version = cred.get("version")
            if isinstance(version, str) and version > best.get(username, {}).get("version", ""):
                best[username] = cred
    return best
