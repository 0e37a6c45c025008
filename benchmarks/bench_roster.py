"""Roster import timings: a 10,000-student district as a OneRoster 1.1 zip, then a re-import of
the same zip with 50 students changed, beside a same-run anchor (reading every CSV row of the zip
with the csv module alone). Fictional students only; a new data file in a temporary folder.

    .venv/bin/python benchmarks/bench_roster.py                 # 10,000 students
    .venv/bin/python benchmarks/bench_roster.py --students 500  # quick

Prints figures and the counts each import reported; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
import zipfile
from pathlib import Path

from safetydesk.domain.records import SchoolDraft
from safetydesk.paths import resolve
from safetydesk.services import files, roster

SCHOOLS = [(f"Fictional School {n:02d}", f"FS{n:02d}") for n in range(10)]
RACES = ("americanIndianOrAlaskaNative", "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander",
         "white")


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def oneroster_zip(target: Path, n: int, renamed: int = 0) -> Path:
    """A OneRoster 1.1 zip with ``n`` students; the first ``renamed`` have a new family name."""
    given = ("Lumi", "Orrin", "Tavi", "Wren", "Ilse", "Juno", "Kasper", "Mirela", "Nilo", "Pia")
    family = ("Fenwick", "Castellane", "Marlowe", "Quillon", "Rasmund", "Sorrel", "Thistlewood", "Varga")
    people = [(f"B{i:06d}", given[i % 10], family[i % 8] + ("-Hart" if i < renamed else ""), SCHOOLS[i % 10][1])
              for i in range(n)]
    files_ = {
        "manifest.csv": _csv(["propertyName", "value"], [["manifest.version", "1.0"], ["oneroster.version", "1.1"],
                                                         ["file.orgs", "bulk"], ["file.users", "bulk"],
                                                         ["file.demographics", "bulk"], ["file.enrollments", "bulk"]]),
        "orgs.csv": _csv(["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
                         [["org-d", "active", "", "Fictional District", "district", "FD", ""]]
                         + [[f"org-{code}", "active", "", name, "school", code, "org-d"] for name, code in SCHOOLS]),
        "users.csv": _csv(["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role",
                           "username", "givenName", "familyName", "identifier", "grades"],
                          [[f"u-{sis}", "active", "2026-08-20T10:00:00Z", "true", f"org-{school}", "student",
                            sis.lower(), g, f, sis, f"{(int(sis[1:]) % 12) + 1:02d}"]
                           for sis, g, f, school in people]),
        "demographics.csv": _csv(["sourcedId", "status", "birthDate", "sex", *RACES, "demographicRaceTwoOrMoreRaces",
                                  "hispanicOrLatinoEthnicity", "countryOfBirthCode", "stateOfBirthAbbreviation",
                                  "cityOfBirth"],
                                 [[f"u-{sis}", "active", f"{2008 + int(sis[1:]) % 10}-0{1 + int(sis[1:]) % 9}-15",
                                   ("female", "male")[int(sis[1:]) % 2],
                                   *["true" if k == int(sis[1:]) % 5 else "false" for k in range(5)], "false",
                                   "true" if int(sis[1:]) % 4 == 0 else "false", "XX", "YY", "Nowhere"]
                                  for sis, *_ in people]),
        "enrollments.csv": _csv(["sourcedId", "status", "classSourcedId", "schoolSourcedId", "userSourcedId", "role",
                                 "primary"],
                                [[f"e-{sis}", "active", "c-1", f"org-{school}", f"u-{sis}", "student", "true"]
                                 for sis, _, _, school in people]),
    }
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files_.items():
            z.writestr(name, data)
    return target


def anchor(path: Path) -> float:
    start = time.perf_counter()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            for _row in csv.reader(io.StringIO(z.read(name).decode("utf-8"), newline="")):
                pass
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=10_000)
    ap.add_argument("--changed", type=int, default=50)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = resolve(Path(tmp) / "home")
        session = files.create_data_file(paths, "Fictional District",
                                         [SchoolDraft(name=n, code=c, level="high") for n, c in SCHOOLS],
                                         "admin", "correct horse battery")
        first = oneroster_zip(Path(tmp) / "first.zip", args.students)
        second = oneroster_zip(Path(tmp) / "second.zip", args.students, renamed=args.changed)
        print(f"OneRoster 1.1 zip: {args.students:,} students, {first.stat().st_size / 1e6:.1f} MB")
        print(f"anchor (csv module reading every row of the zip): {anchor(first):.2f} s")
        for label, path in (("first import", first), (f"re-import, {args.changed} changed", second)):
            start = time.perf_counter()
            preview = roster.preview_roster(session, path)
            read = time.perf_counter() - start
            summary = roster.apply_roster(session, preview, full=True)
            total = time.perf_counter() - start
            print(f"{label}: {total:.2f} s (preview {read:.2f} s, write {total - read:.2f} s); "
                  f"{summary.lines()[0]}")
        session.store.close()


if __name__ == "__main__":
    main()
