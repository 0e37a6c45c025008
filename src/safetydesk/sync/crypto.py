"""The cryptography of the exchange: AES-256-GCM, Ed25519 checks, argon2id wrapping.

Every primitive comes from ``cryptography`` and ``argon2-cffi``; nothing here
is home-made except the choice of labels.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12

# argon2id for passphrases of enrolment files: at least today's account slots.
ARGON_TIME, ARGON_MEMORY, ARGON_LANES = 3, 65536, 4


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def new_nonce() -> bytes:
    return secrets.token_bytes(NONCE_BYTES)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def encrypt(key: bytes, nonce: bytes, plain: bytes, aad: bytes) -> bytes:
    return AESGCM(key).encrypt(nonce, plain, aad)


def decrypt(key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes | None:
    """The plaintext, or None when the key is wrong or anything was altered."""
    try:
        return AESGCM(key).decrypt(nonce, sealed, aad)
    except (InvalidTag, ValueError):
        return None


def signature_valid(public_key: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def derive(key: bytes, label: str) -> bytes:
    """A sub-key of ``key`` for one purpose (HKDF-SHA256), so one key never serves two."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=f"safetydesk-sync/{label}".encode()).derive(key)


def mac(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def mac_valid(key: bytes, data: bytes, tag: str) -> bool:
    return hmac.compare_digest(mac(key, data), tag)


def wrap_with_passphrase(passphrase: str, plain: bytes, aad: bytes,
                         time_cost: int = ARGON_TIME, memory_cost: int = ARGON_MEMORY) -> dict[str, Any]:
    """``plain`` sealed under a key derived from ``passphrase`` by argon2id."""
    salt, nonce = secrets.token_bytes(16), new_nonce()
    kek = hash_secret_raw(passphrase.encode("utf-8"), salt, time_cost, memory_cost, ARGON_LANES,
                          KEY_BYTES, Type.ID)
    return {"kdf": "argon2id", "time_cost": time_cost, "memory_cost": memory_cost,
            "parallelism": ARGON_LANES, "salt": b64(salt), "nonce": b64(nonce),
            "sealed": b64(encrypt(kek, nonce, plain, aad))}


def unwrap_with_passphrase(passphrase: str, slot: dict[str, Any], aad: bytes) -> bytes | None:
    """The sealed bytes, or None when the passphrase is wrong or the slot was altered."""
    try:
        if slot["kdf"] != "argon2id" or int(slot["memory_cost"]) < 8192 or int(slot["time_cost"]) < 1:
            return None
        kek = hash_secret_raw(passphrase.encode("utf-8"), unb64(slot["salt"]), int(slot["time_cost"]),
                              int(slot["memory_cost"]), int(slot["parallelism"]), KEY_BYTES, Type.ID)
        return decrypt(kek, unb64(slot["nonce"]), unb64(slot["sealed"]), aad)
    except (KeyError, TypeError, ValueError):
        return None


# ----------------------------------------------------------------- sealed boxes (school keys)
def new_box_key() -> bytes:
    """A workstation's X25519 private key: school keys granted to it are sealed to its public half."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return X25519PrivateKey.generate().private_bytes_raw()


def box_public(private: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def seal_to(public: bytes, plain: bytes, aad: bytes) -> str:
    """``plain`` sealed to an X25519 public key (ephemeral key, HKDF, AES-256-GCM), as text."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    eph = X25519PrivateKey.generate()
    key = derive(eph.exchange(X25519PublicKey.from_public_bytes(public)), "box")
    nonce = new_nonce()
    return b64(eph.public_key().public_bytes_raw() + nonce + encrypt(key, nonce, plain, aad))


def open_box(private: bytes, sealed: str, aad: bytes) -> bytes | None:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    try:
        raw = unb64(sealed)
        eph, nonce, body = raw[:32], raw[32:44], raw[44:]
        key = derive(X25519PrivateKey.from_private_bytes(private).exchange(
            X25519PublicKey.from_public_bytes(eph)), "box")
    except (ValueError, TypeError):
        return None
    return decrypt(key, nonce, body, aad)
