"""Record printouts, the OSPI collection (P21), the compliance report, long listings, determinism."""

import csv
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from report_helpers import fixed_clock, pages_text

from everyday_helpers import law_enforcement_draft
from safetydesk.domain.report_model import FERPA_NOTICE, ReportDocument, TableBlock
from safetydesk.reports.document import render_pdf
from safetydesk.reports.render import render
from safetydesk.services import interactions, reports


def _two_students(world, s):
    return interactions.log_interaction(s, world.draft(
        narrative="Avery Quinn and Rowan Tanaka argued over a seat; staff calmed Rowan first.",
        students=[{"student_id": world.students[0], "role": "subject"},
                  {"student_id": world.students[1], "role": "subject"}]))


@pytest.mark.policy("P24")
def test_a_family_copy_hides_other_students_and_a_staff_copy_names_them(world, tmp_path):
    s = fixed_clock(world.session)
    rid = _two_students(world, s)
    staff = " ".join(pages_text(render(reports.interaction_printout(s, rid), "pdf", "a")[0].data))
    assert "Avery Quinn" in staff and "Rowan Tanaka" in staff and "History of this record" in staff
    doc = reports.interaction_printout(s, rid, audience="family", for_student=world.students[0])
    pages = pages_text(render(doc, "pdf", "b")[0].data)
    text = " ".join(pages)
    assert "Avery Quinn" in text and "Rowan" not in text and "Tanaka" not in text
    assert "Another student (1)" in text and "[another student]" in text
    assert all(FERPA_NOTICE in p for p in pages)
    assert all(f"Page {n} of {len(pages)}" in p for n, p in enumerate(pages, 1))
    assert "Produced May 4, 2026 by" in pages[0]
    reports.save(s, doc, [(render(doc, "pdf", "b")[0], tmp_path / "family.pdf")])
    audit = [e for e in s.store.history("interaction", rid, include_audit=True) if e.action == "print"]
    assert audit and "family.pdf" in audit[-1].reason and "sha256" in audit[-1].reason
    with pytest.raises(Exception, match="which student"):
        reports.interaction_printout(s, rid, audience="family", for_student="someone-else")


@pytest.mark.policy("P21")
def test_the_ospi_collection_has_four_parts_and_lists_incomplete_incidents(world, tmp_path):
    s = fixed_clock(world.session)
    complete = interactions.log_interaction(s, law_enforcement_draft(world, arrest=True, le_activities=[
        {**law_enforcement_draft(world).le_activities[0], "type": "arrest"}]))
    missing = interactions.log_interaction(s, world.draft(type="de_escalation", use_of_force=True))
    doc = reports.ospi_collection(s, "2025-26")
    files = render(doc, "csv", "ospi")
    names = [f.name for f in files]
    for part in ("part-a-staff", "part-b-agencies", "part-c-incidents", "part-c-incomplete", "part-d-complaints"):
        assert f"ospi-{part}.csv" in names
    part_c = list(csv.DictReader(io.StringIO(next(f for f in files if "part-c-incidents" in f.name)
                                              .data.decode("utf-8-sig"))))
    assert {r["incident_id"] for r in part_c} == {complete, missing}
    assert next(r for r in part_c if r["incident_id"] == missing)["status"] == "incomplete"
    assert next(r for r in part_c if r["incident_id"] == complete)["race"] == "White"
    assert not any("Avery" in v for r in part_c for v in r.values())
    part_a = next(f for f in files if "part-a" in f.name).data.decode("utf-8-sig")
    assert "Officer Morgan Vale" in part_a and "Birch High School" in part_a
    assert "Fictional Valley Police Department" in next(f for f in files if "part-b" in f.name).data.decode("utf-8-sig")
    text = " ".join(pages_text(render(doc, "pdf", "ospi")[0].data))
    assert "Incomplete incidents" in text and missing in text and "use of force details" in text
    assert "Part (a)" in text and "Part (d)" in text
    written = reports.save(s, doc, [(f, tmp_path / f.name) for f in files])
    assert len(written) == len(files) and all(p.exists() for p in written)


def test_the_compliance_report_counts_flags_by_school(world):
    s = fixed_clock(world.session)
    interactions.log_interaction(s, law_enforcement_draft(world, notifications=[]))
    doc = reports.compliance_status(s, "2025-26")
    table = next(b for b in doc.blocks if isinstance(b, TableBlock))
    birch = next(r for r in table.rows if r[0] == "Birch High School")
    assert birch[4] == "1"  # notification missing (P13)
    assert not doc.names_students


def _listing(n: int) -> ReportDocument:
    from datetime import datetime

    rows = tuple((f"2025-10-{1 + i % 28:02d} 10:{i % 60:02d}", "BHS", "De-escalation", f"Room {100 + i % 50}",
                  f"Student {i}", "Officer Morgan Vale", "" if i % 3 else "discipline") for i in range(n))
    return ReportDocument("listing", "Interactions", "test", [TableBlock(
        ("When", "School", "Type", "Where", "Students", "Staff", "Outcomes"), rows,
        widths=(1.3, 0.65, 1.1, 1.0, 1.55, 1.4, 0.85))], "Tester", datetime(2026, 5, 4), "Fictional Valley SD",
        student_ids=("(listing)",))


def test_a_long_listing_is_laid_out_page_by_page_with_every_row_and_the_same_bytes_every_time():
    data = render_pdf(_listing(1500))
    pages = pages_text(data)
    assert len(pages) > 20
    text = " ".join(pages)
    assert "Student 0 " in text and "Student 1499" in text
    assert all(p.count("When School Type") == 1 for p in pages), "each page repeats the header once"
    assert render_pdf(_listing(1500)) == data
