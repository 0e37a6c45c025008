"""Needs review: a real conflict made by two data folders, resolved by an entry based on both sides."""

from __future__ import annotations

import shutil

import pytest

from safetydesk.domain.records import StudentDraft
from safetydesk.paths import resolve
from safetydesk.services import files, registry, reports, review
from safetydesk.store import Change
from support import ADMIN_PASSWORD


def exchange(a, b) -> None:
    for x, y in ((a, b), (b, a)):
        mine = y.store.device_heads()
        y.store.import_entries([w for d in x.store.device_heads()
                                for w in x.store.entries_since(d, mine[d].seq if d in mine else 0)])


@pytest.fixture
def two_folders(admin, tmp_path):
    """The administrator's data folder and a copy of it (which becomes its own workstation)."""
    sid = registry.add_student(admin, StudentDraft(first_name="Avery", last_name="Quinn", local_id="S-1",
                                                   school_id=registry.schools(admin)[0]["id"]))
    admin.store.close()
    shutil.copytree(tmp_path / "home", tmp_path / "second")
    first = files.sign_in(resolve(tmp_path / "home"), "admin", ADMIN_PASSWORD)
    second = files.sign_in(resolve(tmp_path / "second"), "admin", ADMIN_PASSWORD)
    yield first, second, sid
    first.store.close()
    second.store.close()


@pytest.mark.policy("P25")
def test_a_conflict_made_on_two_workstations_is_listed_everywhere_and_resolved_by_one_entry(two_folders):
    first, second, sid = two_folders
    assert first.store.device_id != second.store.device_id
    for session, name in ((first, "Quinn-Reyes"), (second, "Reyes")):
        state = session.store.state("student", sid)
        session.store.append("admin", [Change("student", sid, "amend", {"last_name": [state["last_name"], name]},
                                              "Name change")])
    exchange(first, second)
    items = [review.needs_review(s) for s in (first, second)]
    assert items[0] == items[1] and len(items[0]) == 1
    item = items[0][0]
    assert item["kind"] == "conflict" and item["fields"] == ["last_name"]
    shown = first.store.state("student", sid)["last_name"]
    assert shown == second.store.state("student", sid)["last_name"] == item["winner"]["values"]["last_name"]
    review.resolve_conflict(second, "student", sid, item["loser"]["id"], "The family confirmed the name")
    exchange(first, second)
    for s in (first, second):
        assert review.needs_review(s) == []
        assert s.store.state("student", sid)["last_name"] == item["loser"]["values"]["last_name"]
        assert s.store.verify() == []


@pytest.mark.policy("P25")
def test_verify_against_published_anchors_finds_a_later_rewrite(admin, tmp_path):
    heads = "\n".join(f"{h.device},{h.seq},{h.hash}" for h in admin.store.device_heads().values())
    assert review.verify_against(admin, "workstation,entry,hash\n" + heads) == []
    doc = reports.ospi_collection(admin, "2025-26")
    anchors = [b for b in doc.blocks if getattr(b, "columns", None) == ("Workstation", "Entry", "Hash")]
    assert anchors and (device_row := anchors[0].rows[0])[0] == admin.store.device_id
    assert review.verify_against(admin, ",".join(device_row)) == []
    device = admin.store.device_id
    wrong = f"{device},1,{'0' * 64}"
    problems = review.verify_against(admin, wrong)
    assert problems and "rewritten" in problems[0]
    assert "cut back" in review.verify_against(admin, f"{device},999,{'0' * 64}")[0]


@pytest.mark.policy("P23")
def test_an_account_disabled_on_one_workstation_loses_its_key_slot_on_the_other(admin, tmp_path):
    from safetydesk.domain.errors import AuthenticationFailed
    from safetydesk.domain.records import UserDraft
    from safetydesk.services import accounts
    from safetydesk.store import KeyRing, keys_path

    school = registry.schools(admin)[0]["id"]
    accounts.create_user(admin, UserDraft(username="fo", display_name="Front Office", role="front_office",
                                          schools=[school]), "a long enough pw")
    admin.store.close()
    shutil.copytree(tmp_path / "home", tmp_path / "second")
    first = files.sign_in(resolve(tmp_path / "home"), "admin", ADMIN_PASSWORD)
    second = files.sign_in(resolve(tmp_path / "second"), "admin", ADMIN_PASSWORD)
    try:
        files.sign_in(resolve(tmp_path / "second"), "fo", "a long enough pw").store.close()  # opens there
        accounts.set_user_active(first, "fo", False, "Left the district")
        assert "fo" not in KeyRing.load(keys_path(first.store.path)).slots
        assert "fo" in KeyRing.load(keys_path(second.store.path)).slots
        mine = second.store.device_heads()
        report = second.store.import_entries([w for d in first.store.device_heads() for w in
                                              first.store.entries_since(d, mine[d].seq if d in mine else 0)])
        assert report.slots_removed == ["fo"] and report.held == []
        assert "fo" not in KeyRing.load(keys_path(second.store.path)).slots
        assert "admin" in KeyRing.load(keys_path(second.store.path)).slots
        with pytest.raises(AuthenticationFailed):
            files.sign_in(resolve(tmp_path / "second"), "fo", "a long enough pw")
        assert second.store.verify() == []
    finally:
        first.store.close()
        second.store.close()
