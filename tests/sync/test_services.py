"""The sync use cases: permissions, keys in the credential store, status, unattended sync.

The data file is real (the ``admin`` fixture); the exchange is the stand-in
until the store implements it (issue 10), passed in where the store will be.
"""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from replica import ReplicaStore
from sync_world import ADMIN_USER

from safetydesk.domain.errors import PermissionDenied
from safetydesk.domain.permissions import Actor
from safetydesk.domain.vocab import Role
from safetydesk.paths import resolve
from safetydesk.services import registry
from safetydesk.services import sync as sync_service
from safetydesk.services.context import Session

PASSPHRASE = "maple-river-lantern-42"


class FileKeyring(PlaintextKeyring):
    """keyring's plaintext file backend, in the test's own folder (tests only)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path

    @property
    def file_path(self) -> str:  # type: ignore[override]
        return str(self._path)


@pytest.fixture(autouse=True)
def test_keyring(tmp_path):
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring(tmp_path / "keyring.cfg"))
    yield tmp_path / "keyring.cfg"
    keyring.set_keyring(previous)


@pytest.fixture
def share_root(tmp_path) -> Path:
    root = tmp_path / "share"
    root.mkdir()
    return root


def test_set_up_sync_and_status(admin, paths, share_root):
    office = ReplicaStore(founders={ADMIN_USER})
    assert sync_service.status(paths).text == "Not syncing"
    sync_service.set_up_district_folder(admin, paths, share_root, exchange=office)
    assert sync_service.status(paths).text == "Not synced yet"
    result = sync_service.sync_now(admin, paths, exchange=office)
    assert result.exported.files == 1
    assert sync_service.status(paths).text.startswith("Synced ")
    # The keys are in the credential store, not in the data folder.
    stored = keyring.get_password(sync_service.KEYRING_SERVICE, f"device:{office.device_id}")
    assert stored and "district_key" in stored
    for f in paths.data.rglob("*"):
        if f.is_file():
            assert b"district_key" not in f.read_bytes()


def test_only_an_administrator_sets_up_enrols_or_removes(admin, paths, share_root):
    front = Session(admin.store, Actor("front", "Front Office", Role.FRONT_OFFICE))
    office = ReplicaStore(founders={ADMIN_USER})
    with pytest.raises(PermissionDenied):
        sync_service.set_up_district_folder(front, paths, share_root, exchange=office)
    sync_service.set_up_district_folder(admin, paths, share_root, exchange=office)
    with pytest.raises(PermissionDenied):
        sync_service.make_enrolment_file(front, paths, paths.data / "x.enrol", PASSPHRASE, "x",
                                         None, exchange=office)
    with pytest.raises(PermissionDenied):
        sync_service.remove_workstation(front, paths, "SOMEDEVICE", exchange=office)
    # Anyone signed in may sync now.
    sync_service.sync_now(front, paths, exchange=office)


def test_enrol_join_and_unattended_sync(admin, paths, share_root, tmp_path):
    office = ReplicaStore(founders={ADMIN_USER})
    sync_service.set_up_district_folder(admin, paths, share_root, exchange=office)
    alder = registry.schools(admin)[0]["id"]
    enrolment = sync_service.make_enrolment_file(admin, paths, tmp_path / "alder.enrol", PASSPHRASE,
                                                 "Alder office", [alder], exchange=office)
    school_paths = resolve(tmp_path / "school-home")
    school_paths.ensure()
    school = ReplicaStore(founders={ADMIN_USER}, schools={alder})
    sync_service.join_district_folder(admin, school_paths, share_root, enrolment, PASSPHRASE,
                                      exchange=school)
    # Not yet allowed to run unattended: the scheduled task says so, with its exit code.
    code, line = sync_service.sync_unattended(school_paths, lambda p, k: school, lambda s: s)
    assert code == sync_service.EXIT_ERROR and "not allowed" in line
    sync_service.allow_unattended_sync(admin, school_paths, exchange=school)
    opened_with = []

    def open_store(p, key):
        opened_with.append(key)
        return school

    code, line = sync_service.sync_unattended(school_paths, open_store, lambda s: s)
    assert code == sync_service.EXIT_SYNCED, line
    assert opened_with == [admin.store.key]
    assert line.startswith("Synced")
    # The office approves the newcomer at its next sync; then it sees the newcomer's files.
    sync_service.sync_now(admin, paths, exchange=office)
    sync_service.sync_now(admin, paths, exchange=office)
    assert school.device_id in office.device_heads()


def test_unattended_sync_says_offline_with_its_own_exit_code(admin, paths, share_root):
    office = ReplicaStore(founders={ADMIN_USER})
    sync_service.set_up_district_folder(admin, paths, share_root, exchange=office)
    sync_service.allow_unattended_sync(admin, paths, exchange=office)
    share_root.rename(share_root.with_name("gone"))
    code, line = sync_service.sync_unattended(paths, lambda p, k: office, lambda s: s)
    assert code == sync_service.EXIT_OFFLINE and line.startswith("offline")
    assert sync_service.status(paths).text.startswith("Offline since ")


def test_status_lists_held_files_with_their_reason(admin, paths, share_root):
    office = ReplicaStore(founders={ADMIN_USER})
    district = sync_service.set_up_district_folder(admin, paths, share_root, exchange=office)
    folder = share_root / "SafetyDesk" / district / "devices" / "SOMEONE"
    folder.mkdir(parents=True)
    (folder / ("000000000001-" + "0" * 64 + ".sdc")).write_bytes(b"not a change file")
    sync_service.sync_now(admin, paths, exchange=office)
    st = sync_service.status(paths)
    assert st.text == "1 file held: see details"
    assert st.held and "not enrolled" in st.held[0][1]
