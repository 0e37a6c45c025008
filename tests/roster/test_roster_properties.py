"""Properties of the roster reader, for every input hypothesis can think of.

- Shuffling rows and columns, changing header case, adding a BOM and changing
  line endings never changes which students are read.
- Random and mutated files (text, bytes, zips) give a preview or the project's
  own error (a sentence), never anything else.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from roster_sets import Kid, Shape, kids, set_files

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.roster import RosterMappingDraft, parse_mapped_csv, parse_oneroster
from safetydesk.domain.roster_text import decode
from safetydesk.services.roster import _read_source
from support import count, examples

TODAY = date(2026, 9, 1)
SCHOOLS = {"school-a": ["Alder Elementary", "ALD"], "school-b": ["Birch High School", "BHS"]}
PEOPLE = [*kids(6), *kids(4, prefix="E", school="ALD"),
          Kid("H1", "Zoë", "Núñez", races=("asian", "white"), two_or_more="true", hispanic="true"),
          Kid("H2", "Renée", "Ångström", birth="04/17/2011", sex="male"),
          Kid("H3", "Tavi", "Marlowe", status="tobedeleted")]
BASE = set_files(PEOPLE, Shape(version="1.1"))
BASE_12 = set_files(PEOPLE, Shape(version="1.2", demo_key="userSourcedId"))


def _students(files: dict[str, bytes]):
    texts = {name: decode(name, data)[0] for name, data in files.items()}
    preview = parse_oneroster(texts, SCHOOLS, today=TODAY)
    return sorted((s.local_id, s.first_name, s.last_name, s.school_id, s.grade, s.birth_date, tuple(s.races),
                   s.hispanic_latino, s.gender_identity, s.active) for s in preview.students), preview


def _reshape(data: bytes, rnd: random.Random, *, upper: bool, bom: bool, newline: str, encoding: str) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    order = list(range(len(header)))
    rnd.shuffle(order)
    rnd.shuffle(body)
    header = [header[i] for i in order]
    header = [h.upper() if upper else h.lower() for h in header]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header)
    w.writerows([[r[i] for i in order] for r in body])
    out = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + out) if bom and encoding == "utf-8" else out


@pytest.mark.policy("P20")
@settings(max_examples=examples(ci=300, dev=30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), upper=st.booleans(), bom=st.booleans(),
       newline=st.sampled_from(["\n", "\r\n", "\r"]), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]),
       version=st.sampled_from(["1.1", "1.2"]))
def test_shuffled_rows_and_columns_case_bom_and_line_endings_read_the_same_students(
        seed, upper, bom, newline, encoding, version):
    base = BASE if version == "1.1" else BASE_12
    expected, _ = _students(base)
    rnd = random.Random(seed)
    shaken = {name: _reshape(data, rnd, upper=upper, bom=bom, newline=newline, encoding=encoding)
              for name, data in base.items()}
    got, preview = _students(shaken)
    assert got == expected
    assert not preview.problems
    count("roster-shuffle", examples=1, same=int(got == expected))


def _mutate(data: bytes, rnd: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        op = rnd.randrange(6)
        pos = rnd.randrange(len(b) + 1)
        if op == 0 and b:
            del b[pos:pos + rnd.randint(1, 40)]
        elif op == 1:
            b[pos:pos] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 12)))
        elif op == 2:
            b[pos:pos] = rnd.choice([b'"', b",", b"\r", b"\n", b"\x00", b'""', b"\xef\xbb\xbf", b"\xff\xfe"])
        elif op == 3 and b:
            b[pos % len(b)] = rnd.randrange(256)
        elif op == 4:
            b[pos:pos] = rnd.choice([b"tobedeleted", b"delta", b"absent", b"student", b"2099-13-45T",
                                     b"oneroster.version,9.9", b"x" * 200])
        else:
            del b[pos:]
    return bytes(b)


@settings(max_examples=examples(ci=500, dev=60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), how=st.sampled_from(["mutate", "random", "zip", "mapped"]),
       raw=st.binary(max_size=400))
def test_random_and_mutated_files_give_a_preview_or_a_sentence(seed, how, raw):
    rnd = random.Random(seed)
    outcome = "ok"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "set"
        folder.mkdir()
        base = BASE if rnd.random() < 0.5 else BASE_12
        files = {name: (_mutate(data, rnd) if rnd.random() < 0.6 else data) for name, data in base.items()}
        if how == "random":
            files[rnd.choice(list(files))] = raw
        target: Path = folder
        if how == "zip":
            target = Path(tmp) / "set.zip"
            with zipfile.ZipFile(target, "w") as z:
                for name, data in files.items():
                    z.writestr(name, data)
            cut = target.read_bytes()
            if rnd.random() < 0.5:
                target.write_bytes(_mutate(cut, rnd))
        else:
            for name, data in files.items():
                (folder / name).write_bytes(data)
        try:
            texts = _read_source(target)
            if how == "mapped":
                mapping = RosterMappingDraft(name="sis", columns={
                    "local_id": "identifier", "school": "orgSourcedIds", "first_name": "givenName",
                    "last_name": "familyName", "birth_date": "grades", "races": "role"})
                for name, text in texts.items():
                    parse_mapped_csv(name, text, mapping, SCHOOLS, today=TODAY)
            else:
                preview = parse_oneroster(texts, SCHOOLS, today=TODAY)
                assert all(isinstance(s.local_id, str) for s in preview.students)
        except SafetyDeskError as exc:
            assert str(exc).strip() and "Traceback" not in str(exc)
            outcome = "refused"
    count("roster-fuzz", tried=1, refused=int(outcome == "refused"), read=int(outcome == "ok"), crashed=0)


@settings(max_examples=examples(ci=200, dev=25), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), as_zip=st.booleans(), full=st.booleans())
def test_the_preview_service_on_mutated_sets_gives_numbers_or_a_sentence(admin, seed, as_zip, full):
    """Through the service (which also works out the plan against the data file); nothing is written."""
    from safetydesk.services import roster

    rnd = random.Random(seed)
    before = admin.store.history_count()
    outcome = "ok"
    with tempfile.TemporaryDirectory() as tmp:
        base = BASE if rnd.random() < 0.5 else BASE_12
        files = {name: (_mutate(data, rnd) if rnd.random() < 0.5 else data) for name, data in base.items()}
        target = Path(tmp) / ("set.zip" if as_zip else "set")
        if as_zip:
            with zipfile.ZipFile(target, "w") as z:
                for name, data in files.items():
                    z.writestr(name, data)
        else:
            target.mkdir()
            for name, data in files.items():
                (target / name).write_bytes(data)
        try:
            preview = roster.preview_roster(admin, target, full=full, today=TODAY)
            assert preview.plan is not None and roster.describe_preview(preview)
        except SafetyDeskError as exc:
            assert str(exc).strip()
            outcome = "refused"
    assert admin.store.history_count() == before
    count("roster-fuzz-service", tried=1, refused=int(outcome == "refused"), read=int(outcome == "ok"), crashed=0)
