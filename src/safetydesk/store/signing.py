"""This workstation's Ed25519 signing key, kept in its own file beside the data file.

Every history entry is signed by the device that wrote it, so an entry edited
or forged inside the data file fails verification on every workstation that
holds it. The private key never enters the SQLite file: it lives in
``<data file>.signing`` (JSON), wrapped with AES-256-GCM under its own random
wrapping key. That wrapping key is not the data file's key and is not derived
from it; it is kept in the same file only when the file is not encrypted
(tests, tools). For an encrypted data file the wrapping key is itself wrapped
under a key derived (HKDF) from the data-file key *and* a random secret held
only in this file, so someone holding the data file and its key but not this
file cannot sign, and someone holding this file but not the data-file key
cannot either. See docs/security.md for what that does and does not protect.

The file is bound to one data file (its resolved path and file identity): a
restored backup or a copied data folder does not match, so the store starts a
new device (new id, new key) and two files never write the same (device, seq).
Backups never carry this file.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from nacl import bindings as nacl_bindings
from nacl.exceptions import CryptoError

from safetydesk.atomic import write_atomically
from safetydesk.domain.errors import DataFileError

FORMAT = "safetydesk-signing/1"


def signing_path(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + ".signing")


def binding_of(data_file: Path) -> str:
    """Which data file a signing key belongs to: its resolved path and file identity."""
    st = os.stat(data_file)
    return f"{data_file.resolve()}|{st.st_dev}:{st.st_ino}"


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    # (cryptography's serialization package, with its SSH key formats, on first use)
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


_VERIFIED: set[tuple[bytes, bytes, bytes]] = set()  # (key, signature, data) seen valid in this process
_REMEMBERED = 200_000  # at most this many triples (about 70 MB), then start again


def verify_signature(public: bytes, signature: bytes, data: bytes, *, remember: bool = True) -> bool:
    """Ed25519 verification (libsodium, which releases Python's lock while it works; the keys
    and signatures are the same bytes `cryptography` makes). A triple once found valid stays
    valid (it is pure arithmetic), so it is remembered for this process: `verify` after every
    exchange re-checks only new entries. ``remember=False`` (a whole history's pass) only
    consults what is remembered, so memory does not grow with the history."""
    if (public, signature, data) in _VERIFIED:
        return True
    if len(public) != 32 or len(signature) != 64:
        return False
    try:
        nacl_bindings.crypto_sign_open(signature + data, public)
    except (CryptoError, ValueError, TypeError):
        return False
    if remember:
        if len(_VERIFIED) >= _REMEMBERED:
            _VERIFIED.clear()
        _VERIFIED.add((public, signature, data))
    return True


def _kek(db_key: bytes | None, secret: bytes) -> bytes:
    if db_key is None:
        return secret
    return HKDF(hashes.SHA256(), 32, salt=secret, info=b"safetydesk device signing key").derive(db_key)


@dataclass
class DeviceKey:
    device: str
    private: Ed25519PrivateKey
    # libsodium's form of the same key (seed and public key), made on the first signature
    _secret: bytes = field(default=b"", init=False, repr=False, compare=False)

    @property
    def public(self) -> bytes:
        return public_bytes(self.private)

    def sign(self, data: bytes) -> bytes:
        """The Ed25519 signature of ``data``. Ed25519 signatures are deterministic (RFC 8032), so
        libsodium gives the very bytes `cryptography` (OpenSSL) gives for the same key and data,
        in about two thirds of the time (the demo build signs every entry)."""
        secret = self._secret
        if not secret:
            from cryptography.hazmat.primitives import serialization

            seed = self.private.private_bytes(
                serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
            _public, secret = nacl_bindings.crypto_sign_seed_keypair(seed)
            self._secret = secret
        return nacl_bindings.crypto_sign(data, secret)[:64]


def new_device_key(device: str) -> DeviceKey:
    return DeviceKey(device, Ed25519PrivateKey.generate())


def save_device_key(path: Path, key: DeviceKey, db_key: bytes | None, binding: str) -> None:
    from cryptography.hazmat.primitives import serialization

    secret = secrets.token_bytes(32)
    nonce = secrets.token_bytes(12)
    raw = key.private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    wrapped = AESGCM(_kek(db_key, secret)).encrypt(nonce, raw, key.device.encode())
    payload = {
        "format": FORMAT, "device": key.device, "public": key.public.hex(), "binding": binding,
        "secret": secret.hex(), "nonce": nonce.hex(), "wrapped": wrapped.hex(),
    }
    write_atomically(json.dumps(payload, indent=1).encode("utf-8"), path)


def load_device_key(path: Path, db_key: bytes | None, binding: str) -> DeviceKey | None:
    """The signing key, or None when there is none for this very data file (a copy or a restore)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise DataFileError(f"The signing key file {path} cannot be read ({exc}).") from exc
    if data.get("format") != FORMAT:
        raise DataFileError(f"{path} is not a SafetyDesk signing key file, or is from a newer version.")
    if data.get("binding") != binding:
        return None
    try:
        raw = AESGCM(_kek(db_key, bytes.fromhex(data["secret"]))).decrypt(
            bytes.fromhex(data["nonce"]), bytes.fromhex(data["wrapped"]), data["device"].encode())
    except (InvalidTag, KeyError, ValueError) as exc:
        raise DataFileError(
            f"The signing key file {path} does not belong to this data file. Move it aside; "
            "SafetyDesk then starts this workstation as a new device."
        ) from exc
    return DeviceKey(data["device"], Ed25519PrivateKey.from_private_bytes(raw))
