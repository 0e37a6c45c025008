"""One path from a report's name to its files (`reports.produce`), used by the command line and the window."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_helpers import fixed_clock, pages_text

from safetydesk.domain.disclosures import DisclosureDraft
from safetydesk.domain.errors import SafetyDeskError, ValidationFailed
from safetydesk.reports.produce import produce
from safetydesk.services import disclosures, interactions


def _interaction(world, s):
    return interactions.log_interaction(s, world.draft(
        narrative="Avery Quinn and Rowan Tanaka argued over a seat.",
        students=[{"student_id": world.students[0], "role": "subject"},
                  {"student_id": world.students[1], "role": "subject"}]))


@pytest.mark.policy("P24")
def test_produce_computes_renders_and_saves_a_family_copy_with_its_audit_entry(world, tmp_path):
    s = fixed_clock(world.session)
    rid = _interaction(world, s)
    out = produce(s, "interaction", "", tmp_path / "family.pdf", record_id=rid, audience="family",
                  for_student=world.students[0])
    assert out.written == [tmp_path / "family.pdf"]
    text = " ".join(pages_text(out.written[0].read_bytes()))
    assert "Avery Quinn" in text and "Tanaka" not in text
    printed = [e for e in s.store.history("interaction", rid, include_audit=True) if e.action == "print"]
    assert printed and "family.pdf" in printed[-1].reason


@pytest.mark.policy("P24")
def test_an_outside_copy_through_produce_is_entered_in_the_record_of_disclosures_first(world, tmp_path):
    s = fixed_clock(world.session)
    rid = _interaction(world, s)
    with pytest.raises(SafetyDeskError):  # no recipient, no basis: nothing written
        produce(s, "interaction", "", tmp_path / "out.pdf", record_id=rid, audience="outside",
                disclosure=DisclosureDraft())
    assert not (tmp_path / "out.pdf").exists()
    produce(s, "interaction", "", tmp_path / "out.pdf", record_id=rid, audience="outside",
            disclosure=DisclosureDraft(recipient="Det. Lane", organisation="Valley PD", legal_basis="subpoena_court_order",
                                       basis_detail="Subpoena 25-114"))
    assert (tmp_path / "out.pdf").exists()
    assert len(disclosures.disclosures_of_student(s, world.students[0])) == 1


def test_produce_writes_csv_by_the_suffix_and_refuses_other_suffixes_and_names(world, tmp_path):
    s = fixed_clock(world.session)
    _interaction(world, s)
    out = produce(s, "listing", "2025-26", tmp_path / "all.csv")
    assert out.written and all(p.suffix == ".csv" and p.name.startswith("all") and p.exists()
                               for p in out.written)
    assert "Cafeteria" in out.written[0].read_text("utf-8-sig")
    with pytest.raises(ValidationFailed, match=r"\.pdf or \.csv"):
        produce(s, "listing", "2025-26", tmp_path / "all.docx")
    with pytest.raises(ValidationFailed, match="no report called"):
        produce(s, "gossip", "2025-26", tmp_path / "x.pdf")


@pytest.mark.policy("P24")
def test_an_intervention_request_printout_for_a_family_names_only_their_student(world, tmp_path):
    from safetydesk.domain.interventions import InterventionDraft
    from safetydesk.services import interventions

    s = fixed_clock(world.session)
    rid = interventions.log_request(s, InterventionDraft(
        requested_at="2025-10-03T09:40", school_id=world.high, location="Room 214", requester_name="Ms. Dana Park",
        requester_role="teacher", ground="b_disruption", description="Rowan Tanaka and Avery Quinn threw chairs.",
        students=[world.students[0], world.students[1]], responding_staff=[world.guard],
        response_at="2025-10-03T09:44", outcome="to_office"))
    out = produce(s, "intervention", "", tmp_path / "request.pdf", record_id=rid, audience="family",
                  for_student=world.students[0])
    text = " ".join(pages_text(out.written[0].read_bytes()))
    assert "Avery Quinn" in text and "Rowan" not in text and "Tanaka" not in text
    assert out.document.records == (("intervention_request", rid),)
    assert "History of this record" not in text and rid not in text  # a family copy has no history, no id
