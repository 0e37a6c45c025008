"""A committed write reports what it changed, once; a rolled-back one reports nothing."""

import pytest

from safetydesk.store.history import Change


@pytest.fixture
def store(admin):
    admin.take_changes()  # what setting up the district wrote
    return admin.store


def test_committed_write_reports_its_records_once(store):
    store.append("u1", [Change("test_record", "S1", "create", {"first_name": [None, "Ana"]})])
    changes = store.take_changes()
    assert changes.records == {("test_record", "S1")}
    assert changes.touches("test_record") and not changes.touches("interaction")
    assert not store.take_changes()


def test_rolled_back_write_reports_nothing(store):
    with pytest.raises(RuntimeError), store.write():
        store.append("u1", [Change("test_record", "S2", "create", {"first_name": [None, "Bo"]})])
        raise RuntimeError("the save failed half-way")
    assert not store.take_changes()
