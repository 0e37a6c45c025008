"""The staff registry in full (P01) and training with due dates (P02)."""

from datetime import date

import pytest

from everyday_helpers import user
from safetydesk.domain.errors import PermissionDenied, ValidationFailed
from safetydesk.domain.records import StaffDraft
from safetydesk.domain.staff_training import TrainingDraft
from safetydesk.services import registry, staff


def _contractor(world, **kw):
    base = dict(name="Sam Rivera", category="campus_security", employer_type="contractor",
                agency="Fictional Guard Co", badge="FG-7", start_date="2025-08-25",
                assignments=[{"school_id": world.high, "days_per_week": 3},
                             {"school_id": world.elementary, "days_per_week": 2}])
    return registry.add_staff(world.session, StaffDraft(**(base | kw)))


@pytest.mark.policy("P01")
def test_staff_are_listed_with_assignments_and_amended_with_a_reason(world):
    s = world.session
    sid = _contractor(world)
    row = next(r for r in staff.list_staff(s, text="rivera") if r["id"] == sid)
    assert row["employer_type"] == "contractor" and row["agency"] == "Fictional Guard Co"
    assert sorted(a["days_per_week"] for a in row["assignments"]) == [2, 3]
    draft = staff.get_staff(s, sid)["draft"]
    draft.end_date = "2026-06-15"
    assert staff.amend_staff(s, sid, draft, "Contract ends in June") == ["end_date"]
    assert staff.staff_history(s, sid)[-1].reason == "Contract ends in June"
    draft.assignments = [{"school_id": world.high, "days_per_week": 6}]
    with pytest.raises(ValidationFailed, match="at most 5"):
        staff.amend_staff(s, sid, draft, "typo")
    assert [r["id"] for r in staff.list_staff(s, school_id=world.elementary)] == [world.guard, sid]


@pytest.mark.policy("P02")
def test_esd_documentation_file_is_kept_encrypted_by_hash_and_due_dates_are_computed(world):
    s = world.session
    sid = _contractor(world)
    file = staff.attach_file(s, "esd-certificate.pdf", b"%PDF-1.4 fictional certificate")
    assert len(file["sha256"]) == 64
    staff.record_training(s, TrainingDraft(
        staff_id=sid, esd_issuer="ESD 113", esd_date="2025-08-01", esd_reference="ESD113-4411",
        esd_file=file, esd_confirmed_by="District safety office", esd_confirmed_on="2025-08-20",
        classroom_topics=[{"topic": "De-escalation", "completed_on": "2025-08-02"}],
        on_the_job_days=[{"date": "2025-09-10"}], check_ins=[{"date": "2025-09-15", "topic": "Check-in 1"}]))
    assert staff.read_file(s, file)[2] == b"%PDF-1.4 fictional certificate"
    assert staff.is_trained(s, sid)
    due = [r for r in staff.training_due(s, within_days=400, today=date(2025, 10, 1)) if r["staff_id"] == sid]
    assert {(r["item"], r["due"], r["done"], r["required"]) for r in due} == {
        ("on_the_job_days", "2026-08-25", 1, 2), ("check_ins", "2026-08-25", 1, 6)}
    late = [r for r in staff.training_due(s, today=date(2026, 9, 1)) if r["staff_id"] == sid]
    assert all(r["overdue"] for r in late) and len(late) == 2


@pytest.mark.policy("P02")
def test_sros_need_no_check_ins_and_missing_documentation_is_always_due(world):
    s = world.session
    sid = _contractor(world, name="New Person", badge="FG-8")
    items = {(r["staff_id"], r["item"]) for r in staff.training_due(s, within_days=0, today=date(2025, 10, 1))}
    assert (sid, "esd_documentation") in items
    sro_items = [r for r in staff.training_due(s, within_days=9999, today=date(2025, 10, 1))
                 if r["staff_id"] == world.sro]
    assert [r["item"] for r in sro_items] == ["on_the_job_days"]


@pytest.mark.policy("P02")
def test_incomplete_documentation_is_refused_and_amendments_need_a_reason(world):
    s = world.session
    sid = _contractor(world)
    with pytest.raises(ValidationFailed) as info:
        staff.record_training(s, TrainingDraft(staff_id=sid, esd_issuer="ESD 113"))
    assert {e.field for e in info.value.errors} == {"esd_date", "esd_reference"}
    staff.record_training(s, TrainingDraft(staff_id=sid, on_the_job_days=[{"date": "2025-09-10"}]))
    with pytest.raises(ValidationFailed, match="why"):
        staff.record_training(s, TrainingDraft(staff_id=sid, on_the_job_days=[{"date": "2025-09-10"},
                                                                              {"date": "2025-09-11"}]))
    assert staff.record_training(s, TrainingDraft(staff_id=sid, on_the_job_days=[
        {"date": "2025-09-10"}, {"date": "2025-09-11"}]), "Second day done") == ["on_the_job_days"]


@pytest.mark.policy("P23")
def test_only_training_managers_record_training(world):
    office = user(world, "office3", "front_office", [world.high])
    with pytest.raises(PermissionDenied):
        staff.record_training(office, TrainingDraft(staff_id=world.sro))
    assert {r["id"] for r in staff.list_staff(office)} == {world.sro, world.guard}
