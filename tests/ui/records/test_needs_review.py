"""The "Needs review" list in the window, with a real conflict made by two data folders."""

from __future__ import annotations

import shutil

import pytest

from safetydesk.paths import resolve
from safetydesk.services import files
from safetydesk.store import Change
from support import ADMIN_PASSWORD


def _exchange(a, b) -> None:
    for x, y in ((a, b), (b, a)):
        mine = y.device_heads()
        y.import_entries([w for d in x.device_heads() for w in x.entries_since(d, mine[d].seq if d in mine else 0)])


@pytest.mark.policy("P25")
def test_a_conflict_from_two_data_folders_is_listed_and_resolved_in_the_window(qtbot, ui_window, ui_world, tmp_path):
    store = ui_world.session.store
    sid = ui_world.students[0]
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copytree(tmp_path / "home", tmp_path / "second")
    other = files.sign_in(resolve(tmp_path / "second"), "admin", ADMIN_PASSWORD)
    try:
        for s, name in ((store, "Quinn-Reyes"), (other.store, "Reyes")):
            before = s.state("student", sid)["last_name"]
            s.append("admin", [Change("student", sid, "amend", {"last_name": [before, name]}, "Name change")])
        _exchange(store, other.store)
        window = ui_window()
        page = window.show_section_key("needs_review")
        qtbot.waitUntil(lambda: page.list.count() == 1, timeout=10_000)
        assert "Student" in page.list.item(0).text()
        assert "The other version" in page.detail.toPlainText()
        # Fields by the names a person knows them by, and the count in plain English.
        assert "Last name: Reyes" in page.detail.toPlainText() or "Last name: Quinn-Reyes" in page.detail.toPlainText()
        assert "last_name" not in page.detail.toPlainText() and "last name" not in page.detail.toPlainText()
        assert page.status.text() == "1 item needs review."
        page.keep_other.click()
        qtbot.waitUntil(lambda: page.list.count() == 0, timeout=10_000)
        assert page.status.text() == "Nothing needs review."
        assert store.conflicts(open_only=True) == [] and store.verify() == []
    finally:
        other.store.close()
