"""Key slots: the data file's random key, wrapped once per account (encryption at rest).

The data file is encrypted with SQLCipher under a random 256-bit key that no
person ever sees. Each account holds its own copy of that key, wrapped
(AES-256-GCM) with a key derived from the account's password by argon2id. So
any authorised user opens the file, a password change rewraps one copy,
disabling a user removes theirs, and a copied file plus its key slots discloses
nothing without a password.

The slots live beside the data file in ``<data file>.keys`` (JSON), because
they must be readable before the file is decrypted. It is written atomically
(temporary file, fsync, rename). Backups carry a copy of it.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from safetydesk.atomic import write_atomically
from safetydesk.domain.errors import AuthenticationFailed, DataFileError

FORMAT = "safetydesk-keys/1"
KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """argon2id parameters; raising them makes every slot be rewrapped at its next unlock."""

    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4


CURRENT_KDF = KdfParams()


@dataclass
class Slot:
    salt: str
    nonce: str
    wrapped: str
    time_cost: int
    memory_cost: int
    parallelism: int

    @property
    def params(self) -> KdfParams:
        return KdfParams(self.time_cost, self.memory_cost, self.parallelism)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def derive(password: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        password.encode("utf-8"), salt, params.time_cost, params.memory_cost, params.parallelism,
        KEY_BYTES, Type.ID,
    )


def keys_path(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + ".keys")


def new_database_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


class KeyRing:
    """The key slots of one data file."""

    def __init__(self, path: Path, file_id: str, slots: dict[str, Slot],
                 travel: dict[str, dict] | None = None, arrived: dict[str, dict] | None = None) -> None:
        self.path = path
        self.file_id = file_id
        self.slots = slots
        # Sync (issue 17, store/account_travel.py): each account's credential that travels to
        # other workstations, and credentials that arrived from them with this file's key sealed.
        self.travel: dict[str, dict] = travel or {}
        self.arrived: dict[str, dict] = arrived or {}

    # ----------------------------------------------------------- file
    @classmethod
    def create(cls, path: Path) -> KeyRing:
        return cls(path, secrets.token_hex(16), {})

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataFileError(
                f"The key file {path} is missing, so the encrypted data file beside it cannot be "
                "opened. Restore it from the backup taken with the data file, or ask IT."
            ) from None
        except (OSError, ValueError) as exc:
            raise DataFileError(f"The key file {path} cannot be read ({exc}).") from exc
        if data.get("format") != FORMAT:
            raise DataFileError(f"{path} is not a SafetyDesk key file, or is from a newer version.")
        slots = {name: Slot(**slot) for name, slot in data.get("slots", {}).items()}
        return cls(path, data["file_id"], slots, data.get("travel") or {}, data.get("arrived") or {})

    def save(self, path: Path | None = None) -> None:
        target = path or self.path
        payload = json.dumps(
            {"format": FORMAT, "file_id": self.file_id,
             "slots": {name: asdict(slot) for name, slot in sorted(self.slots.items())},
             **({"travel": self.travel} if self.travel else {}),
             **({"arrived": self.arrived} if self.arrived else {})},
            indent=1,
        )
        write_atomically(payload.encode("utf-8"), target)

    # ----------------------------------------------------------- slots
    def _aad(self, username: str) -> bytes:
        return f"{self.file_id}:{username}".encode()

    def add(self, username: str, password: str, key: bytes) -> None:
        salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
        kek = derive(password, salt, CURRENT_KDF)
        wrapped = AESGCM(kek).encrypt(nonce, key, self._aad(username))
        self.slots[username] = Slot(_b64(salt), _b64(nonce), _b64(wrapped), **asdict(CURRENT_KDF))
        from safetydesk.store import account_travel  # its X25519 and HKDF: not at every start-up

        self.travel[username] = account_travel.make(kek, _b64(salt), asdict(CURRENT_KDF), username)
        self.arrived.pop(username, None)  # the password set here is the newest

    def remove(self, username: str) -> None:
        self.slots.pop(username, None)
        self.travel.pop(username, None)
        self.arrived.pop(username, None)

    def _newer_arrived(self, username: str) -> dict | None:
        arrived = self.arrived.get(username)
        if arrived is None:
            return None
        if username in self.slots and arrived["version"] <= self.travel.get(username, {}).get("version", ""):
            return None
        return arrived

    def unlock(self, username: str, password: str) -> bytes:
        """The database key, if ``password`` is right for ``username``."""
        arrived = self._newer_arrived(username)
        if arrived is not None:
            # First sign-in here with a password set on another workstation (or set there later).
            kek = derive(password, _unb64(arrived["salt"]), KdfParams(
                arrived["time_cost"], arrived["memory_cost"], arrived["parallelism"]))
            from safetydesk.store import account_travel

            found = account_travel.open_arrived(arrived, kek, self.file_id, username)
            if found is None:
                raise AuthenticationFailed("That user name and password do not match an active account.")
            return found
        slot = self.slots.get(username)
        if slot is None:
            # Spend the same effort as a real attempt, so timing tells nothing.
            derive(password, b"\0" * 16, CURRENT_KDF)
            raise AuthenticationFailed("That user name and password do not match an active account.")
        kek = derive(password, _unb64(slot.salt), slot.params)
        try:
            key = AESGCM(kek).decrypt(_unb64(slot.nonce), _unb64(slot.wrapped), self._aad(username))
        except InvalidTag:
            raise AuthenticationFailed("That user name and password do not match an active account.") from None
        return key

    def needs_rewrap(self, username: str) -> bool:
        slot = self.slots.get(username)
        return slot is not None and slot.params != CURRENT_KDF


def remove_slots(path: Path, usernames: set[str]) -> list[str]:
    """Remove the key slots of these accounts (disabled on another workstation) from a data
    file's key file, if it has one; returns the names whose slot was removed."""
    if not usernames or not path.exists():
        return []
    ring = KeyRing.load(path)
    removed = sorted(name for name in usernames if name in ring.slots)
    if removed:
        for name in removed:
            ring.remove(name)
        ring.save()
    return removed


def sqlcipher_key_pragma(key: bytes) -> str:
    """SQLCipher's raw-key form: no key derivation inside SQLCipher, the key is already random."""
    return f"PRAGMA key = \"x'{key.hex()}'\""
