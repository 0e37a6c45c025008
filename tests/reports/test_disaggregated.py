"""P20: the disaggregated report on demo data: suppressed, complementary-suppressed, no row-level data."""

import csv
import io

import pytest
from report_helpers import demo_session, determined_cells, pages_text

from safetydesk.domain.report_model import HIDDEN, Audience
from safetydesk.reports.render import render
from safetydesk.services import reports
from safetydesk.store import queries

YEAR = "2025-26"


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    session = demo_session(tmp_path_factory.mktemp("p20"))
    yield session
    session.store.close()


@pytest.mark.policy("P20")
def test_every_table_hides_small_counts_and_no_hidden_count_follows_from_the_totals(district):
    t = reports.disaggregated_tables(district, YEAR)
    assert t.threshold == 10 and len(t.schools) >= 10
    hidden = 0
    for table in (*t.involved, *t.enrolled):
        for r in range(table.rows + 1):
            for c in range(table.cols + 1):
                v = table.value(r, c)
                if 0 < v < 10:
                    assert table.shown(r, c) is None
        assert determined_cells(table) == []
        hidden += len(table.hidden)
    assert hidden > 0, "demo data at this scale has small cells"
    # Shared totals (students involved per school) are hidden alike in every dimension.
    totals = {frozenset(c for r, c in tb.hidden if r == tb.rows) for tb in t.involved}
    assert len(totals) == 1


@pytest.mark.policy("P20")
@pytest.mark.policy("P05")
def test_the_public_report_has_counts_only_and_names_no_student(district):
    doc = reports.disaggregated(district, YEAR)
    assert doc.audience == Audience.PUBLIC and not doc.names_students
    pdf = render(doc, "pdf", "p20")[0].data
    text = " ".join(pages_text(pdf))
    assert "Race and ethnicity" in text and "Per 100 enrolled" in text and "Section 504" in text
    assert HIDDEN in text and "Confidential" not in text
    names = [f"{s['first_name']} {s['last_name']}" for s in queries.find_students(district.store, "", limit=400)]
    assert not any(n in text for n in names)
    rows = list(csv.DictReader(io.StringIO(render(doc, "csv", "p20")[0].data.decode("utf-8-sig"))))
    assert set(rows[0]) == {"school_year", "school_id", "school", "dimension", "group", "group_label",
                            "students_involved", "students_enrolled", "per_100_enrolled"}
    assert {r["dimension"] for r in rows} == {"race_ethnicity", "gender_identity", "multilingual", "homeless",
                                              "low_income", "iep", "section_504"}
    for r in rows:
        assert r["students_involved"] == HIDDEN or int(r["students_involved"]) == 0 \
            or int(r["students_involved"]) >= 10
    blob = "".join(str(v) for r in rows for v in r.values())
    assert not any(n in blob for n in names)


@pytest.mark.policy("P20")
def test_an_attacker_solving_over_the_whole_published_report_learns_no_hidden_count(district):
    # Every table of the report at once, shared school totals, enrolment beside involvement and
    # the shown zeros, solved as integer programs by the test's own attacker (tests/domain).
    from test_suppression import attack

    from support import count

    t = reports.disaggregated_tables(district, YEAR)
    bounds = attack((t.involved, t.enrolled), t.threshold)
    recovered = sum(1 for a, b in bounds.values() if a == b)
    narrowed = sum(1 for a, b in bounds.values() if a < b and b - a < t.threshold)
    count("suppression-audit", tables=len(t.involved) + len(t.enrolled), hidden=len(bounds),
          recovered=recovered, narrowed=narrowed)
    assert bounds and recovered == 0 and narrowed == 0


@pytest.mark.policy("P20")
def test_a_school_report_shows_the_same_figures_as_the_district_report(district):
    code = queries.schools(district.store)[0]["code"]
    whole = render(reports.disaggregated(district, YEAR), "csv", "a")[0].data.decode("utf-8-sig")
    one = render(reports.disaggregated(district, YEAR, school=code), "csv", "b")[0].data.decode("utf-8-sig")
    sid = next(s["id"] for s in queries.schools(district.store) if s["code"] == code)
    lines = [line for line in one.splitlines()[1:] if f",{sid}," in line]
    assert lines and all(line in whole for line in lines)


@pytest.mark.policy("P20")
def test_progress_is_reported_and_the_report_can_be_cancelled(district):
    calls = []
    reports.disaggregated(district, YEAR, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
    with pytest.raises(reports.ReportCancelled):
        reports.disaggregated(district, YEAR, cancelled=lambda: True)


@pytest.mark.policy("P22")
def test_the_board_report_has_contents_every_section_charts_logo_and_page_numbers(district, tmp_path):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 120), (47, 93, 138)).save(buf, "PNG")
    doc = reports.board_report(district, YEAR, logo=buf.getvalue())
    pdf = render(doc, "pdf", "board")[0].data
    pages = pages_text(pdf)
    text = " ".join(pages)
    for section in ("Contents", "1. Staff training on Policy 4311", "2. Start-of-year obligations by school",
                    "3. Agreements with law enforcement agencies", "4. Figures reported to OSPI",
                    "5. Complaints about safety and security staff", "6. Requests for intervention by ground",
                    "7. Compliance flags", "8. Law enforcement interactions: disaggregated data"):
        assert text.count(section) >= 2, section  # in the contents and as a heading
    assert "Requests for intervention by ground" in text and "Open compliance flags" in text  # chart titles
    for n in range(1, len(pages) + 1):
        assert f"Page {n} of {len(pages)}" in pages[n - 1]
    assert "Produced May 4, 2026 by" in pages[0]
    from pypdf import PdfReader

    assert any("/Image" in str(p.get("/Resources", {}).get("/XObject", {})) or p.images for p in
               PdfReader(io.BytesIO(pdf)).pages[:1])
    assert render(doc, "pdf", "board")[0].data == pdf, "same document, same bytes"
