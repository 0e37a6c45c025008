"""Signing through libsodium gives the very signatures OpenSSL gave (issue 14, the demo build).

Ed25519 signatures are deterministic (RFC 8032): the same key and message give the same 64
bytes whatever library computes them. `DeviceKey.sign` now goes through libsodium (faster,
and the demo build signs every entry); this proves, for arbitrary keys and messages, that its
bytes are `cryptography`'s, that they verify, and that a key saved and loaded again signs alike.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from safetydesk.store.signing import DeviceKey, load_device_key, save_device_key, verify_signature
from support import count, examples


@pytest.mark.policy("P25")
@settings(max_examples=examples(ci=1000, dev=100), deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), messages=st.lists(st.binary(max_size=300), min_size=1,
                                                                    max_size=4))
def test_libsodium_signatures_are_the_openssl_signatures(seed: bytes, messages: list[bytes]) -> None:
    private = Ed25519PrivateKey.from_private_bytes(seed)
    key = DeviceKey("device-a", private)
    for message in messages:
        mine = key.sign(message)
        assert mine == private.sign(message)  # OpenSSL's, byte for byte
        private.public_key().verify(mine, message)  # raises when it does not verify
        assert verify_signature(key.public, mine, message, remember=False)
        assert not verify_signature(key.public, mine, message + b"x", remember=False)
    count("signing: libsodium vs OpenSSL", messages=len(messages), differed=0)


@pytest.mark.policy("P25")
def test_a_saved_and_loaded_key_signs_alike(tmp_path) -> None:
    key = DeviceKey("device-b", Ed25519PrivateKey.generate())
    before = key.sign(b"entry hash")  # the libsodium form is made, then the key is saved
    path = tmp_path / "data.sqlite.signing"
    save_device_key(path, key, b"k" * 32, "binding")
    loaded = load_device_key(path, b"k" * 32, "binding")
    assert loaded is not None
    assert loaded.sign(b"entry hash") == before == key.private.sign(b"entry hash")
    assert loaded.public == key.public
