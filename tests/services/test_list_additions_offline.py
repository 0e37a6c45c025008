"""Append-only lists stay append-only across workstations: two additions made offline on two data
folders both appear on both after they exchange (complaint notes, steps and findings per
allegation, agreement documents and reviews, calendar non-school days, interaction
notifications)."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest
from test_complaints import draft as complaint_draft

from everyday_helpers import law_enforcement_draft
from safetydesk.domain.agreements import AgreementDraft
from safetydesk.domain.school_calendar import SchoolCalendarDraft
from safetydesk.paths import resolve
from safetydesk.services import agreements, calendar, complaints, files, interactions
from safetydesk.services.context import Session
from support import ADMIN_PASSWORD

NOW = datetime(2025, 12, 1, 9, 0)


def exchange(a: Session, b: Session) -> None:
    """Each takes what it lacks from the other, files included (as the sync does)."""
    for x, y in ((a, b), (b, a)):
        mine = y.store.device_heads()
        wires = [w for d in x.store.device_heads() for w in x.store.entries_since(d, mine[d].seq if d in mine else 0)]
        report = y.store.import_entries(wires, x.store.blobs_for(wires))
        assert report.held == []


@pytest.fixture
def two_folders(world, tmp_path):
    s = Session(world.session.store, world.session.actor, clock=lambda: NOW)
    cid = complaints.file_complaint(s, complaint_draft(world)).id
    complaints.take_step(s, cid, "acknowledged", "received", "2025-10-08")
    complaints.assign_investigator(s, cid, "Dr. Lena Ortiz")
    complaints.take_step(s, cid, "investigating", "acknowledged", "2025-10-09")
    aid = agreements.add_agreement(s, AgreementDraft(
        agency="Fictional Valley Police Department", title="SRO services 2025-27", effective_start="2025-08-15",
        effective_end="2027-08-14", comment_start="2025-05-01", comment_end="2025-06-09",
        board_approval_date="2025-06-09"))
    calendar.save_calendar(s, SchoolCalendarDraft(school_year="2025-26", non_school_days=[
        {"date": "2025-11-11", "note": "Veterans Day"}]))
    iid = interactions.log_interaction(s, law_enforcement_draft(world))
    world.session.store.close()
    shutil.copytree(tmp_path / "home", tmp_path / "second")
    first = files.sign_in(resolve(tmp_path / "home"), "admin", ADMIN_PASSWORD)
    second = files.sign_in(resolve(tmp_path / "second"), "admin", ADMIN_PASSWORD)
    sessions = [Session(x.store, x.actor, clock=lambda: NOW) for x in (first, second)]
    yield sessions, {"complaint": cid, "agreement": aid, "interaction": iid}
    for x in sessions:
        x.store.close()


@pytest.mark.policy("P16")
@pytest.mark.policy("P25")
def test_complaint_notes_and_findings_made_offline_on_two_workstations_both_stay(two_folders):
    (one, two), ids = two_folders
    cid = ids["complaint"]
    assert one.store.device_id != two.store.device_id
    complaints.add_investigation_note(one, cid, "Interviewed the officer.")
    complaints.add_investigation_note(two, cid, "Reviewed the camera footage.")
    complaints.record_findings(one, cid, {"A1": "sustained"})
    complaints.record_findings(two, cid, {"A2": {"finding": "exonerated", "note": "Consent was given."}})
    exchange(one, two)
    for s in (one, two):
        st = complaints.get_complaint(s, cid)["state"]
        assert sorted(n["text"] for n in st["notes"]) == ["Interviewed the officer.", "Reviewed the camera footage."]
        assert [(a["id"], a["finding"], a["finding_note"]) for a in st["allegations"]] == [
            ("A1", "sustained", ""), ("A2", "exonerated", "Consent was given.")]
        assert s.store.conflicts() == [] and s.store.verify() == []
    assert one.store.state("complaint", cid) == two.store.state("complaint", cid)
    # with findings on every allegation the next step is open on either workstation
    complaints.take_step(one, cid, "findings", "investigating", "2025-11-20")
    assert one.store.state("complaint", cid)["status"] == "findings"


@pytest.mark.policy("P16")
@pytest.mark.policy("P25")
def test_two_findings_on_one_allegation_are_a_conflict_not_a_silent_overwrite(two_folders):
    (one, two), ids = two_folders
    cid = ids["complaint"]
    complaints.record_findings(one, cid, {"A1": "sustained"})
    complaints.record_findings(two, cid, {"A1": "unfounded"})
    exchange(one, two)
    conflicts = [one.store.conflicts(), two.store.conflicts()]
    assert conflicts[0] == conflicts[1] and [c["fields"] for c in conflicts[0]] == [["finding/A1"]]
    assert one.store.state("complaint", cid) == two.store.state("complaint", cid)


@pytest.mark.policy("P16")
@pytest.mark.policy("P25")
def test_two_concurrent_steps_keep_one_whole_step_in_the_list(two_folders):
    (one, two), ids = two_folders
    cid = ids["complaint"]
    complaints.record_findings(one, cid, {"A1": "sustained", "A2": "unfounded"})
    exchange(one, two)
    complaints.take_step(one, cid, "findings", "investigating", "2025-11-20")
    complaints.take_step(two, cid, "findings", "investigating", "2025-11-21")
    exchange(one, two)
    states = [s.store.state("complaint", cid) for s in (one, two)]
    assert states[0] == states[1]
    findings_steps = [st for st in states[0]["steps"] if st["to"] == "findings"]
    assert len(findings_steps) == 1  # the losing step is kept in the history for review, not applied
    assert [c["kind"] for c in one.store.conflicts()] == ["step"]


@pytest.mark.policy("P17")
@pytest.mark.policy("P25")
def test_agreement_documents_and_reviews_added_on_two_workstations_both_stay(two_folders):
    (one, two), ids = two_folders
    aid = ids["agreement"]
    doc_one = agreements.add_document(one, aid, "signed-agreement.pdf", b"%PDF-1.7 signed agreement")
    doc_two = agreements.add_document(two, aid, "board-minutes.pdf", b"%PDF-1.7 board minutes")
    agreements.record_review(one, aid, "2025-11-03", "No changes needed.")
    agreements.record_review(two, aid, "2025-11-04", "Board approval on the next agenda.")
    exchange(one, two)
    for s in (one, two):
        st = s.store.state("agreement", aid)
        assert sorted(st["documents"]) == sorted([doc_one, doc_two])
        assert sorted(r["note"] for r in st["reviews"]) == ["Board approval on the next agenda.",
                                                            "No changes needed."]
        for doc, data in ((doc_one, b"%PDF-1.7 signed agreement"), (doc_two, b"%PDF-1.7 board minutes")):
            assert agreements.open_document(s, doc)[2] == data
        assert s.store.verify() == []
    assert one.store.state("agreement", aid) == two.store.state("agreement", aid)


@pytest.mark.policy("P25")
def test_non_school_days_added_on_two_workstations_both_stay(two_folders):
    (one, two), _ids = two_folders
    for s, day, note in ((one, "2025-11-27", "Thanksgiving"), (two, "2026-01-19", "MLK Day")):
        shown, version = calendar.calendar_draft(s, "2025-26")
        shown.non_school_days = [*shown.non_school_days, {"date": day, "note": note}]
        calendar.save_calendar(s, shown, "Added a holiday", version)
    exchange(one, two)
    for s in (one, two):
        days = [d["date"] for d in s.store.state("school_calendar", "2025-26")["non_school_days"]]
        assert days == ["2025-11-11", "2025-11-27", "2026-01-19"]
        rows = s.store.conn.execute("SELECT day FROM school_calendar_days ORDER BY day").fetchall()
        assert [r[0] for r in rows] == days and s.store.conflicts() == [] and s.store.verify() == []


@pytest.mark.policy("P13")
@pytest.mark.policy("P25")
def test_notification_attempts_added_on_two_workstations_both_stay(two_folders):
    (one, two), ids = two_folders
    iid = ids["interaction"]
    for s, when, method in ((one, "2025-10-03T12:00", "text"), (two, "2025-10-03T15:45", "email")):
        shown = interactions.get_interaction(s, iid)
        d = shown["draft"]
        d.notifications = [*d.notifications, {"at": when, "method": method, "by": "Front office",
                                              "contact": "Parent", "result": "left_message"}]
        interactions.amend_interaction(s, iid, d, "Another attempt to reach the parent", shown["version"])
    exchange(one, two)
    for s in (one, two):
        st = s.store.state("interaction", iid)
        assert [n["method"] for n in st["notifications"]] == ["phone", "text", "email"]
        assert s.store.conflicts() == [] and s.store.verify() == []
    assert one.store.state("interaction", iid) == two.store.state("interaction", iid)
