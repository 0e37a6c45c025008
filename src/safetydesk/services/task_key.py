"""The scheduled-task key: `backup` and `verify` from a scheduled task without a person's password.

District IT runs backups and checks at night. A script must not hold a
person's password, so a district administrator enables a key slot of its own
(``*scheduled-task``, which no user name can be): a random secret wraps the
data file's key like any account's password does, and the secret is kept only
in the operating system's credential store (Windows Credential Manager, the
macOS keychain, the Secret Service on Linux) through `keyring`, for the
operating-system account that enables it. The scheduled task runs as that
account.

A session opened with the task key acts as no person: its actor may use only
the ``administer`` permission, and the command line offers the key only to
`backup` and `verify`. It cannot restore (that needs a district administrator's
account), view, export or change records.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from dataclasses import dataclass

import keyring
from keyring.errors import KeyringError

from safetydesk.domain.errors import AuthenticationFailed, DataFileError
from safetydesk.domain.permissions import Actor, Permission
from safetydesk.domain.vocab import Role
from safetydesk.paths import Paths, check_data_folder
from safetydesk.services.context import Session, service
from safetydesk.store import KeyRing, Store, keys_path

log = logging.getLogger(__name__)

SLOT = "*scheduled-task"  # user names are letters, digits, dots and dashes: never this
CREDENTIAL_SERVICE = "SafetyDesk scheduled task"
TASK_PERMISSIONS = frozenset({Permission.ADMINISTER})
TASK_ACTOR = Actor("scheduled-task", "Scheduled task", Role.DISTRICT_ADMIN, limited_to=TASK_PERMISSIONS)


@dataclass(frozen=True)
class TaskKeyStatus:
    enabled: bool  # the data file has the slot
    in_credential_store: bool  # this operating-system account's credential store has its secret


def _credential_error(exc: Exception) -> DataFileError:
    return DataFileError(
        f"The operating system's credential store cannot be used ({exc}). On a server without one, "
        "run the scheduled task as an account that has one, or use --user with a password."
    )


def _ring(store: Store) -> KeyRing:
    return KeyRing.load(keys_path(store.path))


@service(Permission.MANAGE_USERS)
def enable_task_key(session: Session) -> None:
    """Add (or renew) the scheduled-task slot; its secret goes to the credential store only."""
    store = session.store
    if store.key is None:
        raise DataFileError("This data file is not encrypted, so it needs no scheduled-task key.")
    ring = _ring(store)
    secret = secrets.token_urlsafe(32)
    try:
        keyring.set_password(CREDENTIAL_SERVICE, ring.file_id, secret)
    except KeyringError as exc:
        raise _credential_error(exc) from exc
    ring.add(SLOT, secret, store.key)
    ring.save()
    log.info("scheduled-task key enabled by %s", session.actor.username)


@service(Permission.MANAGE_USERS)
def disable_task_key(session: Session) -> bool:
    """Remove the slot and its secret. Returns whether there was one."""
    ring = _ring(session.store)
    had = SLOT in ring.slots
    ring.remove(SLOT)
    ring.save()
    with contextlib.suppress(KeyringError):  # nothing stored, or no store: the slot is gone, which matters
        keyring.delete_password(CREDENTIAL_SERVICE, ring.file_id)
    log.info("scheduled-task key disabled by %s", session.actor.username)
    return had


@service(Permission.ADMINISTER)
def task_key_status(session: Session) -> TaskKeyStatus:
    ring = _ring(session.store)
    try:
        stored = keyring.get_password(CREDENTIAL_SERVICE, ring.file_id) is not None
    except KeyringError:
        stored = False
    return TaskKeyStatus(SLOT in ring.slots, stored)


def open_as_task(paths: Paths) -> Session:
    """Open the data file with the scheduled-task key: a session limited to backup and verify."""
    if not paths.data_file.exists() or paths.data_file.stat().st_size == 0:
        raise DataFileError(f"There is no SafetyDesk data file in {paths.data} yet.")
    ring = KeyRing.load(keys_path(paths.data_file))
    if SLOT not in ring.slots:
        raise AuthenticationFailed(
            "This data file has no scheduled-task key. A district administrator enables one with "
            "`safetydesk task-key enable --user NAME`, signed in to this computer as the account "
            "the scheduled task runs as."
        )
    try:
        secret = keyring.get_password(CREDENTIAL_SERVICE, ring.file_id)
    except KeyringError as exc:
        raise _credential_error(exc) from exc
    if secret is None:
        raise AuthenticationFailed(
            "This computer account's credential store holds no scheduled-task key for this data file. "
            "Enable it again with `safetydesk task-key enable --user NAME` as the account the task runs as."
        )
    key = ring.unlock(SLOT, secret)
    check_data_folder(paths)
    store = Store.open(paths.data_file, key=key, create=False, backup_dir=paths.backups)
    log.info("data file opened with the scheduled-task key")
    return Session(store, TASK_ACTOR)
