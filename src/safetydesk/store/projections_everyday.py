"""Projectors of the everyday records: record state -> rows of the tables in schema_everyday.

The interaction's core projector (projections.project_interaction) is followed
by `project_interaction_details`, which writes the P07-P13 child rows and the
compliance flags; both run in the same transaction, on append and on rebuild.
"""

from __future__ import annotations

import json
from typing import Any

from safetydesk.domain.interventions import InterventionDraft, response_minutes
from safetydesk.domain.law_enforcement import Alternative, needs_notification
from safetydesk.domain.records import InteractionDraft, RecordType
from safetydesk.domain.staff_training import due_date
from safetydesk.domain.validation import parse_date, parse_local_datetime, school_year_of
from safetydesk.store import projections_dashboard as dashboard
from safetydesk.store.projections import Info, _b, _s, insert_numbered, project_interaction

FOLLOW_UP = "follow_up"


def _year(when: str) -> str:
    parsed = parse_local_datetime(when)
    day = parsed.date() if parsed else parse_date(when)
    return school_year_of(day) if day else ""  # never today's date: the fold is order-free


def _fts(conn, table: str, n: int, old: tuple | None, columns: tuple[str, ...], values: tuple) -> None:
    cols = ", ".join(columns)
    if old:
        conn.execute(f"INSERT INTO {table} ({table}, rowid, {cols}) VALUES ('delete', ?, {', '.join('?' * len(columns))})",
                     (old[0], *old[1:]))
    conn.execute(f"INSERT INTO {table} (rowid, {cols}) VALUES (?, {', '.join('?' * len(columns))})", (n, *values))


def _flags(conn, p: str, record_type: str, rid: str, school_id: str, occurred_at: str,
           flags: list[dict[str, Any]], active: bool, fresh: bool = False) -> None:
    if not fresh:  # a new record has no flags yet
        conn.execute(f"DELETE FROM {p}compliance_flags WHERE record_type = ? AND record_id = ?",
                     (record_type, rid))
    if not active:
        return
    conn.executemany(
        f"""INSERT OR REPLACE INTO {p}compliance_flags (record_type, record_id, school_id, kind, since,
            occurred_at, detail) VALUES (?,?,?,?,?,?,?)""",
        [(record_type, rid, school_id, _s(f.get("kind")), _s(f.get("since")), occurred_at,
          _s(f.get("detail"))) for f in flags],
    )


# ------------------------------------------------------------- interactions
_INTERACTION_FIELDS = frozenset(InteractionDraft.__dataclass_fields__)
_INTERVENTION_FIELDS = frozenset(InterventionDraft.__dataclass_fields__)


def project_interaction_details(conn, p, st, info: Info, fresh) -> None:
    rid = info.record_id
    names = _INTERACTION_FIELDS
    d = InteractionDraft(**{k: v for k, v in st.items() if k in names})
    when = _s(st.get("occurred_at"))
    alternatives = sorted(d.alternatives_considered or [])
    le_action = d.type == "law_enforcement" or bool(d.arrest) or bool(d.le_activities)
    duplicate = _s(st.get("duplicate_of"))
    retracted = bool(st.get("retracted"))
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}interaction_details (interaction_id, school_id, school_year,
            occurred_at, le_action, alternatives, diversion, consequence_by_staff_id,
            notification_needed, notification_attempts, duplicate_of, retracted)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
        (rid, _s(d.school_id), _year(when), when, _b(le_action), json.dumps(alternatives),
         _b(Alternative.DIVERSION in alternatives), _s(d.consequence_by_staff_id),
         _b(needs_notification(d)), len(d.notifications or []), duplicate, _b(retracted)),
    )
    if not fresh:
        conn.execute(f"DELETE FROM {p}interaction_le_activities WHERE interaction_id = ?", (rid,))
    conn.executemany(
        f"""INSERT INTO {p}interaction_le_activities (interaction_id, position, student_id, type,
            legal_basis, officer_staff_id, agency, removed_from_school) VALUES (?,?,?,?,?,?,?,?)""",
        [(rid, i, _s(a.get("student_id")), _s(a.get("type")), _s(a.get("legal_basis")),
          _s(a.get("officer_staff_id")), _s(a.get("agency")), _b(a.get("removed_from_school")))
         for i, a in enumerate(d.le_activities or [])],
    )
    _flags(conn, p, RecordType.INTERACTION, rid, _s(d.school_id), when, st.get("compliance_flags") or [],
           not retracted and not duplicate, fresh)


def project_interaction_in_full(conn, p, st, info, fresh) -> None:
    """The interaction's list row (projections.project_interaction), then its P07-P13 rows, then
    what it adds to the dashboard's counts and review list (projections_dashboard)."""
    before = None if fresh else dashboard.counted(conn, p, info.record_id)
    project_interaction(conn, p, st, info, fresh)
    project_interaction_details(conn, p, st, info, fresh)
    dashboard.project_dashboard(conn, p, st, info, fresh, before)


# ------------------------------------------------------------- follow-ups
def project_follow_up(conn, p, st, info: Info, fresh) -> None:
    values = (_s(st.get("interaction_id")), _s(st.get("school_id")), _s(st.get("written_at")),
              _s(st.get("author") or info.created_by), _s(st.get("note")), info.created_hlc)
    old = None if fresh or p else conn.execute("SELECT n, note FROM follow_ups WHERE id = ?",
                                               (info.record_id,)).fetchone()
    n = insert_numbered(
        conn, f"{p}follow_ups",
        f"""INSERT INTO {p}follow_ups (id, interaction_id, school_id, written_at, author, note, created_hlc)
            VALUES (?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET interaction_id=excluded.interaction_id,
            school_id=excluded.school_id, written_at=excluded.written_at, author=excluded.author,
            note=excluded.note, created_hlc=excluded.created_hlc RETURNING n""",
        (info.record_id, *values), fresh,
    )
    if not p:
        _fts(conn, "follow_ups_fts", n, old, ("note",), (values[4],))


# ------------------------------------------------------------- training
def project_training(conn, p, st, info: Info, fresh) -> None:
    file = st.get("esd_file") or {}
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}staff_training (staff_id, esd_issuer, esd_date, esd_reference,
            esd_file_sha256, esd_confirmed_on, program_start, due_on, classroom_count,
            on_the_job_count, check_in_count, version, updated_hlc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        (info.record_id, _s(st.get("esd_issuer")), _s(st.get("esd_date")), _s(st.get("esd_reference")),
         _s(file.get("sha256")),
         _s(st.get("esd_confirmed_on")) if st.get("esd_confirmed_by") else "",
         _s(st.get("program_start")), due_date(_s(st.get("program_start"))),
         len(st.get("classroom_topics") or []), len(st.get("on_the_job_days") or []),
         len(st.get("check_ins") or []), info.version, info.updated_hlc),
    )


# ------------------------------------------------------------- interventions
def project_intervention(conn, p, st, info: Info, fresh) -> None:
    rid = info.record_id
    names = _INTERVENTION_FIELDS
    d = InterventionDraft(**{k: v for k, v in st.items() if k in names})
    old = None if fresh or p else conn.execute(
        "SELECT n, description, location, outcome_note FROM intervention_requests WHERE id = ?", (rid,)
    ).fetchone()
    values = (
        d.requested_at, _year(d.requested_at), d.school_id, d.location, _b(d.self_initiated),
        d.requester_name, d.requester_role, d.ground, d.description, d.response_at,
        response_minutes(d), d.outcome, d.outcome_note, d.interaction_id, _s(st.get("duplicate_of")),
        len(d.students), _s(st.get("author") or info.created_by), _s(st.get("rules_version")),
        info.created_hlc, info.updated_hlc, info.version, _b(st.get("retracted")), _s(st.get("retract_reason")),
    )
    cols = ("requested_at", "school_year", "school_id", "location", "self_initiated", "requester_name",
            "requester_role", "ground", "description", "response_at", "response_minutes", "outcome",
            "outcome_note", "interaction_id", "duplicate_of", "student_count", "author", "rules_version",
            "created_hlc", "updated_hlc", "version", "retracted", "retract_reason")
    n = insert_numbered(
        conn, f"{p}intervention_requests",
        f"""INSERT INTO {p}intervention_requests (id, {', '.join(cols)}) VALUES (?{', ?' * len(cols)})
            ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c}=excluded.{c}' for c in cols)} RETURNING n""",
        (rid, *values), fresh,
    )
    if not fresh:
        conn.execute(f"DELETE FROM {p}intervention_students WHERE request_id = ?", (rid,))
        conn.execute(f"DELETE FROM {p}intervention_staff WHERE request_id = ?", (rid,))
    conn.executemany(f"INSERT OR IGNORE INTO {p}intervention_students (request_id, student_id) VALUES (?,?)",
                     [(rid, s) for s in d.students])
    conn.executemany(f"INSERT OR IGNORE INTO {p}intervention_staff (request_id, staff_id) VALUES (?,?)",
                     [(rid, s) for s in d.responding_staff])
    if not p:
        _fts(conn, "intervention_requests_fts", n, old, ("description", "location", "outcome_note"),
             (d.description, d.location, d.outcome_note))


# ------------------------------------------------------------- climate
def project_climate(conn, p, st, info: Info, fresh) -> None:
    rid = info.record_id
    staff = list(st.get("staff") or [])
    old = None if fresh or p else conn.execute(
        "SELECT n, note FROM climate_activities WHERE id = ?", (rid,)).fetchone()
    cols = ("activity_date", "school_year", "school_id", "activity_type", "note", "staff_count", "author",
            "created_hlc", "updated_hlc", "version", "retracted", "retract_reason")
    values = (_s(st.get("activity_date")), _year(_s(st.get("activity_date"))), _s(st.get("school_id")),
              _s(st.get("activity_type")), _s(st.get("note")), len(staff),
              _s(st.get("author") or info.created_by), info.created_hlc, info.updated_hlc, info.version,
              _b(st.get("retracted")), _s(st.get("retract_reason")))
    n = insert_numbered(
        conn, f"{p}climate_activities",
        f"""INSERT INTO {p}climate_activities (id, {', '.join(cols)}) VALUES (?{', ?' * len(cols)})
            ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c}=excluded.{c}' for c in cols)} RETURNING n""",
        (rid, *values), fresh,
    )
    if not fresh:
        conn.execute(f"DELETE FROM {p}climate_staff WHERE activity_id = ?", (rid,))
    conn.executemany(f"INSERT OR IGNORE INTO {p}climate_staff (activity_id, staff_id) VALUES (?,?)",
                     [(rid, s) for s in staff])
    if not p:
        _fts(conn, "climate_activities_fts", n, old, ("note",), (values[4],))


# ------------------------------------------------------------- outside requests
def project_outside_request(conn, p, st, info: Info, fresh) -> None:
    rid = info.record_id
    old = None if fresh or p else conn.execute(
        "SELECT n, agency, description, note FROM outside_requests WHERE id = ?", (rid,)).fetchone()
    cols = ("received_on", "school_year", "school_id", "agency", "document_type", "description",
            "routed_to", "response", "legal_basis", "responded_on", "note", "author", "created_hlc",
            "updated_hlc", "version", "retracted", "retract_reason")
    values = (_s(st.get("received_on")), _year(_s(st.get("received_on"))), _s(st.get("school_id")),
              _s(st.get("agency")), _s(st.get("document_type")), _s(st.get("description")),
              _s(st.get("routed_to")), _s(st.get("response")), _s(st.get("legal_basis")),
              _s(st.get("responded_on")), _s(st.get("note")), _s(st.get("author") or info.created_by),
              info.created_hlc, info.updated_hlc, info.version, _b(st.get("retracted")),
              _s(st.get("retract_reason")))
    n = insert_numbered(
        conn, f"{p}outside_requests",
        f"""INSERT INTO {p}outside_requests (id, {', '.join(cols)}) VALUES (?{', ?' * len(cols)})
            ON CONFLICT(id) DO UPDATE SET {', '.join(f'{c}=excluded.{c}' for c in cols)} RETURNING n""",
        (rid, *values), fresh,
    )
    if not p:
        _fts(conn, "outside_requests_fts", n, old, ("agency", "description", "note"),
             (values[3], values[5], values[10]))
