"""File-level work for IT and the start-up screen: open, create, verify, back up, restore.

These act on the data file as a whole and reveal no record content, so they
need no signed-in user; everything that reads or writes records goes through a
`Session`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from safetydesk.domain.errors import DataFileError, ValidationFailed
from safetydesk.domain.records import SchoolDraft
from safetydesk.domain.validation import FieldError
from safetydesk.paths import Paths, check_data_folder
from safetydesk.services import accounts, registry
from safetydesk.store import Store, queries
from safetydesk.store import restore_file as _restore_file
from safetydesk.store.store import Progress


def data_file_exists(paths: Paths) -> bool:
    f = paths.data_file
    return f.exists() and f.stat().st_size > 0


def open_data_file(paths: Paths, *, create: bool = False) -> Store:
    """Open the data file in ``paths`` (refusing a network drive, a damaged or newer file)."""
    check_data_folder(paths)
    paths.ensure()
    return Store.open(paths.data_file, create=create, backup_dir=paths.backups)


def is_set_up(store: Store) -> bool:
    return queries.district(store) is not None and bool(queries.users(store))


def create_data_file(
    paths: Paths, district: str, schools: list[SchoolDraft], admin: str, password: str,
) -> Store:
    """A new data file with its district, schools and first administrator."""
    errors: list[FieldError] = []
    if not district.strip():
        errors.append(FieldError("district", "Enter the district's name."))
    if not schools:
        errors.append(FieldError("schools", "Add at least one school."))
    errors += accounts.check_password_rules(password, admin)
    if not admin.strip():
        errors.append(FieldError("username", "Choose a user name for the first administrator."))
    if errors:
        raise ValidationFailed(errors)
    if data_file_exists(paths):
        existing = open_data_file(paths)
        if is_set_up(existing):
            existing.close()
            raise DataFileError(
                f"There is already a SafetyDesk data file in {paths.data}. Nothing was changed. "
                "Use another folder (--home) or restore a backup."
            )
        store = existing
    else:
        store = open_data_file(paths, create=True)
    try:
        with store.write():
            registry.setup_district(store, admin, district, schools)
            accounts.bootstrap_admin(store, admin, password)
    except BaseException:
        store.close()
        raise
    return store


def verify(paths: Paths, progress: Progress | None = None, repair: bool = False) -> list[str]:
    store = open_data_file(paths)
    try:
        problems = store.verify(progress)
        if problems and repair and not any("altered" in p or "removed" in p or "missing" in p
                                            or "integrity" in p for p in problems):
            store.rebuild_derived(progress)
            problems = store.verify(progress)
        return problems
    finally:
        store.close()


def default_backup_name(paths: Paths) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return paths.backups / f"safetydesk-{stamp}.sqlite"


def backup(paths: Paths, target: Path | None = None, progress: Progress | None = None) -> Path:
    store = open_data_file(paths)
    try:
        return store.backup(target or default_backup_name(paths), progress)
    finally:
        store.close()


def latest_backup(paths: Paths) -> Path | None:
    if not paths.backups.is_dir():
        return None
    found = sorted(paths.backups.glob("*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)
    return found[0] if found else None


def restore(paths: Paths, backup_file: Path) -> Path | None:
    """Put a backup in place of the data file; the replaced file is kept beside it."""
    check_data_folder(paths)
    paths.ensure()
    return _restore_file(backup_file, paths.data_file)
