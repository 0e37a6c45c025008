"""An account's sign-in credential that can travel to other workstations (issue 17).

Every data file has its own random key, so a key slot of one workstation opens
nothing on another. What travels instead (inside the district-sealed sync
files) is, per account, an X25519 key pair whose private half is wrapped
(AES-256-GCM) under the same argon2id-derived key as the account's local slot:

    {version, salt, time_cost, memory_cost, parallelism, public, nonce, wrapped}

Guessing the password from it costs one argon2id derivation per guess, as
with a local slot. A workstation that receives it seals its own data-file key
to the public half (X25519 + HKDF + AES-256-GCM) and keeps the result as an
"arrived" slot beside its own slots; the first time that person signs in
there, their password unwraps the private half, which opens the sealed key.
No password, hash of one or data-file key ever leaves a workstation.
"""

from __future__ import annotations

import base64
import secrets
import time
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FIELDS = ("version", "salt", "time_cost", "memory_cost", "parallelism", "public", "nonce", "wrapped")
MAX_MEMORY_KIB = 1024 * 1024   # a credential asking for more is not one SafetyDesk wrote
MAX_TIME_COST = 20


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _aad(username: str) -> bytes:
    return f"safetydesk-account:{username}".encode()


def new_version() -> str:
    """Newer credentials (a password set later) sort after older ones."""
    return f"{time.time_ns():020d}-{secrets.token_hex(4)}"


def make(kek: bytes, salt: str, params: dict[str, int], username: str) -> dict[str, Any]:
    """A travelling credential wrapped under ``kek`` (the account slot's argon2id output)."""
    private = X25519PrivateKey.generate()
    nonce = secrets.token_bytes(12)
    raw = private.private_bytes_raw()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"version": new_version(), "salt": salt, **params, "public": _b64(public),
            "nonce": _b64(nonce), "wrapped": _b64(AESGCM(kek).encrypt(nonce, raw, _aad(username)))}


def well_formed(cred: Any, minimum: dict[str, int]) -> bool:
    """Whether ``cred`` (read from the share) is a credential at least as strong as ``minimum``."""
    if not isinstance(cred, dict) or set(cred) < set(FIELDS):
        return False
    try:
        if not all(isinstance(cred[k], int) and not isinstance(cred[k], bool)
                   for k in ("time_cost", "memory_cost", "parallelism")):
            return False
        if (cred["time_cost"] < minimum["time_cost"] or cred["memory_cost"] < minimum["memory_cost"]
                or cred["parallelism"] < 1 or cred["time_cost"] > MAX_TIME_COST
                or cred["memory_cost"] > MAX_MEMORY_KIB or cred["parallelism"] > 64):
            return False
        if not isinstance(cred["version"], str) or len(cred["version"]) > 64:
            return False
        return (len(_unb64(cred["salt"])) >= 16 and len(_unb64(cred["public"])) == 32
                and len(_unb64(cred["nonce"])) == 12 and len(_unb64(cred["wrapped"])) == 48)
    except (TypeError, ValueError):
        return False


def _seal_key(shared: bytes, file_id: str, username: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"safetydesk-arrived-slot:{file_id}:{username}".encode()).derive(shared)


def seal_for(cred: dict[str, Any], database_key: bytes, file_id: str, username: str) -> dict[str, Any]:
    """An "arrived" slot: ``cred`` plus this data file's key sealed to the credential's public key."""
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(_unb64(cred["public"])))
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_seal_key(shared, file_id, username)).encrypt(
        nonce, database_key, f"{file_id}:{username}".encode())
    out = {k: cred[k] for k in FIELDS}
    out.update(ephemeral=_b64(ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)),
               sealed_nonce=_b64(nonce), sealed=_b64(sealed))
    return out


def open_arrived(slot: dict[str, Any], kek: bytes, file_id: str, username: str) -> bytes | None:
    """The data file's key from an arrived slot and the argon2id output of the password, or None."""
    try:
        raw = AESGCM(kek).decrypt(_unb64(slot["nonce"]), _unb64(slot["wrapped"]), _aad(username))
        private = X25519PrivateKey.from_private_bytes(raw)
        shared = private.exchange(X25519PublicKey.from_public_bytes(_unb64(slot["ephemeral"])))
        return AESGCM(_seal_key(shared, file_id, username)).decrypt(
            _unb64(slot["sealed_nonce"]), _unb64(slot["sealed"]), f"{file_id}:{username}".encode())
    except (InvalidTag, KeyError, TypeError, ValueError):
        return None
