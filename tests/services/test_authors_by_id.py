"""Entries record their author by user id; the name shown comes from the replicated accounts
(identity across workstations). Entries made before ids were recorded name the user and keep
verifying."""

from __future__ import annotations

import pytest

from safetydesk.domain.records import StudentDraft, UserDraft
from safetydesk.domain.vocab import Action
from safetydesk.services import accounts, audit, registry
from safetydesk.services.context import Session
from safetydesk.store import Change


@pytest.mark.policy("P25")
def test_new_entries_record_the_user_id_and_show_the_name(admin):
    assert admin.actor.user_id and admin.author == admin.actor.user_id
    school = registry.schools(admin)[0]["id"]
    sid = registry.add_student(admin, StudentDraft(first_name="Avery", last_name="Quinn", local_id="S-1",
                                                   school_id=school))
    raw = admin.store.conn.execute(
        "SELECT user FROM history WHERE record_type = 'student' AND record_id = ?", (sid,)).fetchone()[0]
    assert raw == admin.actor.user_id and raw != "admin"
    [entry] = admin.store.history("student", sid)
    assert entry.user == "admin" and entry.author_id == admin.actor.user_id
    assert admin.store.record_info("student", sid)["created_by"] == "admin"
    # the audit trail filters by the name people know, finding entries under the id
    trail = admin.store.audit_trail(user="admin", record_type="student")
    assert [e.record_id for e in trail] == [sid] and trail[0].user == "admin"
    assert admin.store.verify() == []


@pytest.mark.policy("P25")
def test_older_entries_that_name_the_user_keep_verifying_and_showing(admin):
    admin.store.append("admin", [Change("student", "OLD1", "create", {"last_name": [None, "Reyes"]})])
    [entry] = admin.store.history("student", "OLD1")
    assert entry.user == "admin" and entry.author_id == "admin"
    assert {e.record_id for e in admin.store.audit_trail(user="admin", record_type="student")} == {"OLD1"}
    assert admin.store.verify() == []


@pytest.mark.policy("P23")
def test_every_account_s_entries_carry_its_id(world):
    school = world.elementary
    accounts.create_user(world.session, UserDraft(username="fo", display_name="Front Office",
                                                  role="front_office", schools=[school]), "a long enough pw")
    fo = Session(world.session.store, accounts.actor_for(world.session.store, "fo"))
    audit.record_access(fo, "student", world.students[0], Action.VIEW)
    last = world.session.store.audit_trail(limit=1)[0]
    assert last.author_id == fo.actor.user_id and last.user == "fo"
