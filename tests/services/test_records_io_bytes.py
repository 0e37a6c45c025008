"""Every records importer meets any bytes with one sentence, never a traceback (P23, P14 stays checked):
Windows-1252, Latin-1 and UTF-16 files are read; other encodings are refused by name; binary files say
what they are; a cell beyond the csv module's limit (a 1 MB narrative from SafetyDesk's own export) is
read; a hypothesis fuzz test feeds random and mutated files and accepts only success or our own error."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safetydesk.app import main
from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.records_io import UnreadableFile
from safetydesk.services import interactions, records_io
from support import ADMIN_PASSWORD, count, examples

HEADER = ["record_type", "occurred_at", "school", "location", "type", "narrative", "students", "staff",
          "discipline_related"]


def _row(narrative: str, location: str = "Cafetería") -> list[str]:
    return ["interaction", "2025-10-01T09:00", "BHS", location, "escort", narrative,
            '[{"student": "S00000", "role": "subject"}]', '[{"staff": "FV-101", "role": "lead"}]', "no"]


def _csv_text(*rows: list[str]) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(HEADER)
    w.writerows(rows)
    return buf.getvalue()


@pytest.mark.policy("P23")
@pytest.mark.parametrize("codec", ["cp1252", "latin-1", "utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_windows_latin_and_utf16_files_are_read(world, tmp_path, codec):
    narrative = "Señora Muñoz said “calm down” to the student in the café; the señor agreed, ¿sí?"
    if codec == "latin-1":
        narrative = narrative.replace("“", '"').replace("”", '"')
    path = tmp_path / "log.csv"
    path.write_bytes(_csv_text(_row(narrative)).encode(codec))
    result = records_io.import_records(world.session, path)
    assert result.created == {"interaction": 1}
    [listed] = interactions.list_interactions(world.session, interactions.InteractionFilter())
    draft = interactions.get_interaction(world.session, listed["id"])["draft"]
    assert draft.narrative == narrative and draft.location == "Cafetería"


@pytest.mark.policy("P23")
def test_an_encoding_it_does_not_read_is_refused_by_name(world, tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(_csv_text(_row("Ученик сказал, что всё в порядке, и ушёл в класс вместе с учителем.",
                                    "Столовая")).encode("koi8-r"))
    with pytest.raises(UnreadableFile) as refused:
        records_io.import_records(world.session, path)
    message = refused.value.message
    assert "encoding" in message and "CSV UTF-8" in message and "Nothing was imported" in message


BINARIES = {
    "a zip archive": lambda p: zipfile.ZipFile(p, "w").writestr("x.csv", "a,b\n"),
    "a PDF document": lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
    "an older Excel": lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)),
    "a database file": lambda p: p.write_bytes(b"SQLite format 3\x00" + bytes(100)),
    "a PNG image": lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64)),
    "a binary file": lambda p: p.write_bytes(bytes(range(256)) * 8),
}


@pytest.mark.policy("P23")
@pytest.mark.parametrize("what", sorted(BINARIES))
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_binary_files_say_what_they_are(world, tmp_path, what, suffix):
    path = tmp_path / f"records{suffix}"
    BINARIES[what](path)
    with pytest.raises(UnreadableFile) as refused:
        records_io.import_records(world.session, path)
    assert what in refused.value.message and "not a CSV or JSON Lines file" in refused.value.message


@pytest.mark.policy("P23")
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_one_megabyte_narrative_from_our_own_export_is_read(world, tmp_path, fmt):
    s = world.session
    long = ("The student described the afternoon at length, in quotes, \"with commas, and\nnew lines\". " * 12000)
    assert len(long) > 1_000_000
    rid = interactions.log_interaction(s, world.draft(narrative=long))
    out = tmp_path / f"export.{fmt}"
    records_io.export_records(s, "interaction", fmt, out)
    [(_, row)] = records_io.read_rows(out)
    assert row["narrative"] == long and row["id"] == rid
    result = records_io.import_records(s, out)  # the same records: nothing new
    assert result.created == {} and result.already_imported == [2 if fmt == "csv" else 1]


@pytest.mark.policy("P23")
def test_malformed_csv_and_odd_shapes_are_row_problems_or_one_sentence(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('record_type,narrative,narrative\ninteraction,a,b\n', encoding="utf-8")
    with pytest.raises(UnreadableFile, match="appear more than once"):
        records_io.import_records(world.session, path)
    path.write_text(_csv_text([*_row("ok"), "extra", "cells"]), encoding="utf-8")
    with pytest.raises(records_io.ImportRefused) as refused:
        records_io.import_records(world.session, path)
    assert "cells but the header has" in str(refused.value.problems[0])
    lines = tmp_path / "odd.jsonl"
    lines.write_text("\n".join(json.dumps(v) for v in [
        {"record_type": "interaction", "students": "S00000"},
        {"record_type": "interaction", "students": [1, 2], "staff": {"a": 1}},
        {"record_type": "interaction", "narrative": ["a", "list"]},
        [1, 2], "text", 5, {"record_type": ["interaction"]},
    ]) + "\n" + "[" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(records_io.ImportRefused) as refused:
        records_io.import_records(world.session, lines)
    assert {p.row for p in refused.value.problems} == {1, 2, 3, 4, 5, 6, 7, 8}


# ------------------------------------------------------------------ fuzz
def _seed_files() -> list[tuple[str, bytes]]:
    good = _csv_text(_row("Walked to class."), _row("=1+1 said \"hi\"; left, calmly"))
    jsonl = "\n".join(json.dumps(dict(zip(HEADER, _row("Walked to class."), strict=True))) for _ in range(2)) + "\n"
    return [("seed.csv", good.encode("utf-8")), ("seed.csv", good.encode("utf-16")),
            ("seed.csv", good.encode("cp1252")), ("seed.jsonl", jsonl.encode("utf-8"))]


@st.composite
def mutated_files(draw):
    name, data = draw(st.sampled_from(_seed_files()))
    if draw(st.booleans()) and draw(st.booleans()):
        return name, draw(st.binary(max_size=600))
    data = bytearray(data)
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.sampled_from([b"\x00", b'"', b",", b"\n", b"\r", b"{", b"[", b"\xff\xfe",
                                                  b"\xef\xbb\xbf", b"=", b"'", b"\xc3", draw(st.binary(max_size=8))]))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 20))]
        elif op == "truncate":
            del data[pos:]
        else:
            data[pos:pos] = data[:draw(st.integers(0, 40))]
    return name, bytes(data)


@pytest.mark.policy("P23")
@settings(max_examples=examples(ci=1000, dev=120), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutated_files(), st.booleans())
def test_fuzz_any_bytes_give_success_or_our_own_error(world, tmp_path_factory, case, check):
    name, data = case
    path = tmp_path_factory.mktemp("fuzz") / name
    path.write_bytes(data)
    before = world.session.store.history_count()
    try:
        result = records_io.import_records(world.session, path, "interaction", dry_run=check)
        outcome = "imported"
    except SafetyDeskError as exc:
        assert exc.message.strip() and "Traceback" not in exc.message
        assert world.session.store.history_count() == before  # refused: nothing written
        outcome = "refused"
    else:
        assert result.written == (not check and bool(result.created))
    count("records-import-fuzz", files=1, imported=int(outcome == "imported"), refused=int(outcome == "refused"),
          crashed=0)


@pytest.mark.policy("P23")
def test_the_command_line_gives_one_sentence_for_a_binary_file(world, tmp_path, monkeypatch, capsys):
    path = tmp_path / "records.csv"
    path.write_bytes(b"\x00\x01\x02garbage" * 100)
    monkeypatch.setenv("SAFETYDESK_PASSWORD", ADMIN_PASSWORD)
    world.session.store.close()
    assert main(["import", "records", str(path), "--user", "admin"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "binary file" in err and "Traceback" not in err
