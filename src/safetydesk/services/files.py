"""The data file as a whole: create, sign in (which unlocks it), verify, back up, restore.

The data file is encrypted; it opens only with a key unwrapped by an account's
password. So everything here that reads the file starts from a user name and
password, and signing in is what opens the file.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from safetydesk.domain.errors import (
    AuthenticationFailed,
    DataFileError,
    PermissionDenied,
    ValidationFailed,
)
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import SchoolDraft, UserDraft
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import Role
from safetydesk.paths import Paths, check_data_folder
from safetydesk.services import accounts, registry
from safetydesk.services.context import Session, service
from safetydesk.store import (
    KeyRing,
    Store,
    keys_path,
    new_database_key,
    queries,
    read_manifest,
    restore_backup,
)
from safetydesk.store.store import Progress

log = logging.getLogger(__name__)

# Failed sign-ins slow down: after FREE_ATTEMPTS, each further failure doubles the wait.
FREE_ATTEMPTS = 3
MAX_WAIT_SECONDS = 300


def data_file_exists(paths: Paths) -> bool:
    f = paths.data_file
    return f.exists() and f.stat().st_size > 0


def _open(paths: Paths, key: bytes, *, create: bool = False) -> Store:
    check_data_folder(paths)
    paths.ensure()
    return Store.open(paths.data_file, key=key, create=create, backup_dir=paths.backups)


def create_data_file(
    paths: Paths, district: str, schools: list[SchoolDraft], admin: str, password: str,
    *, check_rules: bool = True,
) -> Session:
    """A new encrypted data file with its district, schools and first administrator, signed in."""
    errors: list[FieldError] = []
    if not district.strip():
        errors.append(FieldError("district", "Enter the district's name."))
    if not schools:
        errors.append(FieldError("schools", "Add at least one school."))
    if not admin.strip():
        errors.append(FieldError("username", "Choose a user name for the first administrator."))
    if check_rules:
        errors += accounts.check_password_rules(password, admin, Role.DISTRICT_ADMIN.value, [district])
    if errors:
        raise ValidationFailed(errors, "The data file was not created.")
    if data_file_exists(paths) or keys_path(paths.data_file).exists():
        raise DataFileError(
            f"There is already a SafetyDesk data file in {paths.data}. Nothing was changed. "
            "Use another folder (--home) or restore a backup."
        )
    check_data_folder(paths)
    paths.ensure()
    key = new_database_key()
    ring = KeyRing.create(keys_path(paths.data_file))
    ring.save()
    store = _open(paths, key, create=True)
    try:
        with store.write():
            registry.setup_district(store, admin, district, schools)
            draft = UserDraft(username=admin, display_name=admin, role=Role.DISTRICT_ADMIN)
            accounts.add_account(store, admin, draft, password, check_rules=check_rules)
    except BaseException:
        store.close()
        for leftover in (paths.data_file, keys_path(paths.data_file)):
            leftover.unlink(missing_ok=True)
        raise
    return Session(store, accounts.actor_for(store, admin))


# ---------------------------------------------------------------- sign in
class _Attempts:
    """Failed sign-ins per account, kept in the data folder (this workstation's own file)."""

    def __init__(self, folder: Path) -> None:
        self.file = folder / "sign-in-attempts.json"

    def _load(self) -> dict[str, dict[str, float]]:
        try:
            return json.loads(self.file.read_text("utf-8"))
        except (OSError, ValueError):
            return {}

    def _save(self, data: dict[str, dict[str, float]]) -> None:
        try:
            tmp = self.file.with_suffix(".tmp")
            tmp.write_text(json.dumps(data), "utf-8")
            os.replace(tmp, self.file)
        except OSError:
            log.warning("could not record sign-in attempts in %s", self.file.parent)

    def wait(self, username: str, now: float | None = None) -> int:
        """Seconds until ``username`` may try again (0: now)."""
        now = time.time() if now is None else now
        entry = self._load().get(username.lower())
        if not entry or entry["failures"] < FREE_ATTEMPTS:
            return 0
        delay = min(MAX_WAIT_SECONDS, 2 ** (entry["failures"] - FREE_ATTEMPTS + 1))
        return max(0, math.ceil(entry["last"] + delay - now))

    def check(self, username: str) -> None:
        wait = self.wait(username)
        if wait:
            raise AuthenticationFailed(
                f"Too many wrong passwords for this account. Wait {wait} seconds, then try again; "
                "a district administrator can reset the password."
            )

    def failed(self, username: str) -> None:
        data = self._load()
        entry = data.setdefault(username.lower(), {"failures": 0, "last": 0.0})
        entry["failures"] += 1
        entry["last"] = time.time()
        self._save(data)
        log.warning("failed sign-in for account %r (%d in a row)", username, entry["failures"])

    def succeeded(self, username: str) -> None:
        data = self._load()
        if data.pop(username.lower(), None) is not None:
            self._save(data)


def wait_before_next_attempt(paths: Paths, username: str, now: float | None = None) -> int:
    """Seconds until ``username`` may try again (0: now)."""
    return _Attempts(paths.data).wait(username, now)


def _unwrap(folder: Path, ring: KeyRing, username: str, password: str) -> bytes:
    attempts = _Attempts(folder)
    attempts.check(username)
    try:
        key = ring.unlock(username, password)
    except AuthenticationFailed:
        attempts.failed(username)
        raise
    attempts.succeeded(username)
    return key


def sign_in(paths: Paths, username: str, password: str) -> Session:
    """Unlock and open the data file as ``username``. Failed attempts slow down and are logged."""
    username = username.strip()
    if not data_file_exists(paths):
        raise DataFileError(f"There is no SafetyDesk data file in {paths.data} yet.")
    ring = KeyRing.load(keys_path(paths.data_file))
    key = _unwrap(paths.data, ring, username, password)
    store = _open(paths, key)
    try:
        actor = accounts.actor_for(store, username)
        if ring.needs_rewrap(username):  # the key-derivation settings were raised since
            ring.add(username, password, key)
            ring.save()
    except BaseException:
        store.close()
        raise
    log.info("%s signed in", username)
    return Session(store, actor)


@service(None)
def confirm_password(session: Session, password: str) -> None:
    """Unlock a locked window: the signed-in account's own password, slowed down like a sign-in."""
    store = session.store
    _unwrap(store.path.parent, KeyRing.load(keys_path(store.path)), session.actor.username, password)


def is_set_up(store: Store) -> bool:
    return queries.district(store) is not None and bool(queries.users(store))


# ---------------------------------------------------------------- file care
def only_derived_tables_differ(problems: list[str]) -> bool:
    """Whether every problem is a derived table (or search index) differing from an intact history."""
    return bool(problems) and all(
        (p.startswith("The table ") and "does not match the history" in p) or p.startswith("The search index ")
        for p in problems
    )


@service(Permission.ADMINISTER)
def verify(session: Session, progress: Progress | None = None, repair: bool = False) -> list[str]:
    """The problems of the data file; with ``repair``, derived tables that alone differ are rebuilt.

    A problem with the history itself (integrity, a removed or altered entry) is never "repaired".
    """
    store = session.store
    problems = store.verify(progress)
    if repair and only_derived_tables_differ(problems):
        store.rebuild_derived(progress)
        problems = store.verify(progress)
    return problems


def backup_file_name() -> str:
    return datetime.now(UTC).strftime("safetydesk-%Y%m%dT%H%M%SZ.sdbackup")


@service(Permission.ADMINISTER)
def backup(session: Session, target: Path | None = None, progress: Progress | None = None) -> Path:
    """An encrypted, consistent copy of the data file and its key slots, in one file.

    Default: a dated file in ``backups/`` beside the data file.
    """
    store = session.store
    return store.backup(target or store.path.parent / "backups" / backup_file_name(), progress)


def latest_backup(paths: Paths) -> Path | None:
    if not paths.backups.is_dir():
        return None
    found = sorted(paths.backups.glob("*.sdbackup"), key=lambda p: p.stat().st_mtime, reverse=True)
    return found[0] if found else None


def describe_backup(backup_file: Path) -> dict:
    return read_manifest(backup_file)


def _require_district_admin(store: Store, username: str, where: str) -> None:
    actor = accounts.actor_for(store, username)
    if actor.role != Role.DISTRICT_ADMIN or not actor.can(Permission.ADMINISTER):
        raise PermissionDenied(
            f"Only a district administrator may restore a backup, and {username} is "
            f"{actor.role.label.lower()} {where}. Nothing was changed."
        )


def _check_current_file(paths: Paths, username: str, password: str) -> None:
    """The account must be a district administrator of the file being replaced (P23).

    When the current file cannot be opened (damaged, or its key file is gone:
    what a restore is for), the backup's own check decides.
    """
    try:
        ring = KeyRing.load(keys_path(paths.data_file))
    except DataFileError:
        return
    key = _unwrap(paths.data, ring, username, password)
    try:
        store = _open(paths, key)
    except DataFileError:
        return
    try:
        _require_district_admin(store, username, "in the current data file")
    finally:
        store.close()


def restore(paths: Paths, backup_file: Path, username: str, password: str) -> Path | None:
    """Put a backup in place of the data file: only a district administrator, after the password.

    The account must be a district administrator of the current data file (when
    it opens) and of the backup. The replaced file (and its key slots) is kept
    beside it, renamed, never deleted.
    """
    check_data_folder(paths)
    paths.ensure()
    username = username.strip()
    if data_file_exists(paths):
        _check_current_file(paths, username, password)
    unlocked: list[bytes] = []

    def unlock(ring: KeyRing) -> bytes:
        key = _unwrap(paths.data, ring, username, password)
        unlocked.append(key)
        return key

    staging = Path(tempfile.mkdtemp(prefix=".restore-check-", dir=paths.data))
    try:  # open a copy of the backup first, to see who the account is in it
        restore_backup(backup_file, staging / paths.data_file.name, unlock)
        store = Store.open(staging / paths.data_file.name, key=unlocked[-1] if unlocked else None, create=False)
        try:
            _require_district_admin(store, username, "in that backup")
        finally:
            store.close()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    kept = restore_backup(backup_file, paths.data_file, lambda ring: unlocked[-1])
    log.info("backup restored by %s", username)
    return kept
