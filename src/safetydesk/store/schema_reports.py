"""Derived tables and migration for reports: the record of disclosures (P24).

A disclosure is a record like any other (record type ``disclosure``), appended
to the history before the disclosed file is written; these tables make the
record of disclosures of one student quick to list.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from safetydesk.store.schema import Area, migrations, register_area

if TYPE_CHECKING:  # annotations only: sqlite-utils is imported when a migration runs
    from sqlite_utils import Database

    from safetydesk.store.projections import Info

REPORTS_TABLES = ("disclosures", "disclosure_students", "disclosure_records")

REPORTS_SQL = """
CREATE TABLE {s}disclosures (
    id TEXT PRIMARY KEY,
    released_at TEXT NOT NULL,
    released_by TEXT NOT NULL,
    recipient TEXT NOT NULL,
    organisation TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    basis_detail TEXT NOT NULL DEFAULT '',
    report TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    sha256 TEXT NOT NULL,
    school_id TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT ''
);
CREATE TABLE {s}disclosure_students (
    disclosure_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    PRIMARY KEY (disclosure_id, student_id)
);
CREATE TABLE {s}disclosure_records (
    disclosure_id TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (disclosure_id, record_type, record_id)
);
"""

REPORTS_INDEX_SQL = """
CREATE INDEX disclosure_students_student ON disclosure_students (student_id, disclosure_id);
CREATE INDEX disclosure_records_record ON disclosure_records (record_type, record_id);
CREATE INDEX disclosures_when ON disclosures (released_at);
"""


def project_disclosure(conn, p: str, st: dict, info: Info, fresh: bool) -> None:
    # the projections are imported at the first write, not when the schema is read (start-up)
    from safetydesk.store.projections import _s

    rid = info.record_id
    if not fresh:
        conn.execute(f"DELETE FROM {p}disclosure_students WHERE disclosure_id = ?", (rid,))
        conn.execute(f"DELETE FROM {p}disclosure_records WHERE disclosure_id = ?", (rid,))
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}disclosures (id, released_at, released_by, recipient, organisation,
            legal_basis, basis_detail, report, file_name, sha256, school_id, note)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
        (rid, _s(st.get("released_at")), _s(st.get("released_by")), _s(st.get("recipient")),
         _s(st.get("organisation")), _s(st.get("legal_basis")), _s(st.get("basis_detail")),
         _s(st.get("report")), _s(st.get("file_name")), _s(st.get("sha256")), _s(st.get("school_id")),
         _s(st.get("note"))))
    conn.executemany(f"INSERT OR IGNORE INTO {p}disclosure_students (disclosure_id, student_id) VALUES (?, ?)",
                     [(rid, s) for s in st.get("student_ids") or []])
    conn.executemany(
        f"INSERT OR IGNORE INTO {p}disclosure_records (disclosure_id, record_type, record_id) VALUES (?, ?, ?)",
        [(rid, r[0], r[1]) for r in st.get("records") or [] if len(r) == 2])


register_area(Area(name="reports", derived_sql=REPORTS_SQL, derived_tables=REPORTS_TABLES))


@migrations()
def m030_record_of_disclosures(db: Database) -> None:
    """The record of disclosures, filled from any disclosure entries already in the history."""
    db.executescript(REPORTS_SQL.format(s=""))
    db.executescript(REPORTS_INDEX_SQL)
    from safetydesk.store.projections import Info as _Info

    for rid, state, version, created, updated, cby, uby in db.execute(
        """SELECT record_id, state, version, created_hlc, updated_hlc, created_by, updated_by
           FROM record_state WHERE record_type = 'disclosure'"""
    ).fetchall():
        project_disclosure(db.conn, "", json.loads(state), _Info(rid, version, created, updated, cby, uby), True)
