"""Projectors for the district-level record types: complaints, school calendar, attachments,
start of year, agreements, policy training. Listed in the one table of `store.projectors`."""

from __future__ import annotations

import json
from typing import Any

from safetydesk.domain.agreements import CONTENT_KEYS, item_confirmed
from safetydesk.domain.policy_training import attendance
from safetydesk.domain.validation import parse_date, school_year_of
from safetydesk.store.projections import Info


def _b(value: Any) -> int:
    return 1 if value else 0


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _j(value: Any) -> str:
    return json.dumps(sorted(value or []), ensure_ascii=False)


def _year(text: str) -> str:
    d = parse_date(text or "")
    return school_year_of(d) if d else ""  # never today's date: the fold is order-free


def project_complaint(conn, p: str, st: dict[str, Any], info: Info, fresh: bool) -> None:
    rid = info.record_id
    allegations = st.get("allegations") or []
    allegations_text = "\n".join(_s(a.get("text")) for a in allegations)
    findings = ",".join(f"{a.get('id')}:{a.get('finding') or ''}" for a in allegations)
    old = None if fresh or p else conn.execute(
        "SELECT n, narrative, allegations_text FROM complaints WHERE id = ?", (rid,)
    ).fetchone()
    values = (
        _s(st.get("confirmation")), _s(st.get("school_id")), _year(st.get("received_date", "")),
        _s(st.get("received_date")), _s(st.get("channel")), _b(st.get("anonymous")),
        _s(st.get("status") or "received"), _s(st.get("preferred_language")),
        _b(st.get("interpreter_needed")), _s(st.get("incident_date")), _s(st.get("investigator")),
        _s(st.get("acknowledged_date")), _s(st.get("response_date")), _s(st.get("closed_date")),
        int(st.get("extension_days") or 0), len(allegations), findings,
        _b(st.get("referral_agency")), _s(st.get("narrative")), allegations_text,
        _s(st.get("author") or info.created_by), info.created_hlc, info.updated_hlc, info.version,
        _b(st.get("retracted")),
    )
    cur = conn.execute(
        f"""INSERT INTO {p}complaints (id, confirmation, school_id, school_year, received_date,
            channel, anonymous, status, preferred_language, interpreter_needed, incident_date,
            investigator, acknowledged_date, response_date, closed_date, extension_days,
            allegation_count, findings, referred, narrative, allegations_text, author, created_hlc,
            updated_hlc, version, retracted)
            VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
            ON CONFLICT(id) DO UPDATE SET confirmation=excluded.confirmation,
            school_id=excluded.school_id, school_year=excluded.school_year,
            received_date=excluded.received_date, channel=excluded.channel,
            anonymous=excluded.anonymous, status=excluded.status,
            preferred_language=excluded.preferred_language,
            interpreter_needed=excluded.interpreter_needed, incident_date=excluded.incident_date,
            investigator=excluded.investigator, acknowledged_date=excluded.acknowledged_date,
            response_date=excluded.response_date, closed_date=excluded.closed_date,
            extension_days=excluded.extension_days, allegation_count=excluded.allegation_count,
            findings=excluded.findings, referred=excluded.referred, narrative=excluded.narrative,
            allegations_text=excluded.allegations_text, author=excluded.author,
            created_hlc=excluded.created_hlc, updated_hlc=excluded.updated_hlc,
            version=excluded.version, retracted=excluded.retracted
            RETURNING n""",
        (rid, *values),
    )
    n = cur.fetchone()[0]
    if not fresh:
        conn.execute(f"DELETE FROM {p}complaint_staff WHERE complaint_id = ?", (rid,))
        conn.execute(f"DELETE FROM {p}complaint_students WHERE complaint_id = ?", (rid,))
    conn.executemany(
        f"INSERT OR REPLACE INTO {p}complaint_staff (complaint_id, staff_id) VALUES (?, ?)",
        [(rid, s) for s in st.get("staff_ids") or []],
    )
    conn.executemany(
        f"INSERT OR REPLACE INTO {p}complaint_students (complaint_id, student_id) VALUES (?, ?)",
        [(rid, s) for s in st.get("student_ids") or []],
    )
    if p:  # scratch copies used by verify carry no full-text index
        return
    if old:
        conn.execute(
            "INSERT INTO complaints_fts (complaints_fts, rowid, narrative, allegations_text)"
            " VALUES ('delete', ?, ?, ?)", old,
        )
    conn.execute(
        "INSERT INTO complaints_fts (rowid, narrative, allegations_text) VALUES (?, ?, ?)",
        (n, values[18], allegations_text),
    )


def project_calendar(conn, p, st, info, fresh) -> None:
    year = _s(st.get("school_year") or info.record_id)
    if not fresh:
        conn.execute(f"DELETE FROM {p}school_calendar_days WHERE school_year = ?", (year,))
    conn.executemany(
        f"INSERT OR REPLACE INTO {p}school_calendar_days (day, school_year, note) VALUES (?, ?, ?)",
        [(_s(d.get("date")), year, _s(d.get("note"))) for d in st.get("non_school_days") or []
         if not st.get("retracted")],
    )


def project_attachment(conn, p, st, info, fresh) -> None:
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}attachments (id, name, media_type, size, sha256, school_id,
            owner_type, created_by, created_hlc, retracted) VALUES (?,?,?,?,?,?,?,?,?,?)""",
        (info.record_id, _s(st.get("name")), _s(st.get("media_type")), int(st.get("size") or 0),
         _s(st.get("sha256")), _s(st.get("school_id")), _s(st.get("owner_type")),
         _s(st.get("author") or info.created_by),
         info.created_hlc, _b(st.get("retracted"))),
    )


def project_presentation(conn, p, st, info, fresh) -> None:
    dates = sorted(st.get("dates") or [])
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}role_presentations (id, school_id, school_year, first_date,
            dates, audience, presenter, material_count, retracted) VALUES (?,?,?,?,?,?,?,?,?)""",
        (info.record_id, _s(st.get("school_id")), _s(st.get("school_year")),
         dates[0] if dates else "", _j(dates), _s(st.get("audience")), _s(st.get("presenter")),
         len(st.get("materials") or []), _b(st.get("retracted"))),
    )


def project_distribution(conn, p, st, info, fresh) -> None:
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}role_distributions (id, school_id, school_year, date, method,
            languages, retracted) VALUES (?,?,?,?,?,?,?)""",
        (info.record_id, _s(st.get("school_id")), _s(st.get("school_year")), _s(st.get("date")),
         _s(st.get("method")), _j(st.get("languages")), _b(st.get("retracted"))),
    )


def project_campaign(conn, p, st, info, fresh) -> None:
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}gun_safety_campaigns (id, school_id, school_year, start_date,
            end_date, formats, audiences, retracted) VALUES (?,?,?,?,?,?,?,?)""",
        (info.record_id, _s(st.get("school_id")), _s(st.get("school_year")),
         _s(st.get("start_date")), _s(st.get("end_date")), _j(st.get("formats")),
         _j(st.get("audiences")), _b(st.get("retracted"))),
    )


def project_gun_safe_count(conn, p, st, info, fresh) -> None:
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}gun_safe_counts (id, school_id, school_year, date, requested,
            provided, retracted) VALUES (?,?,?,?,?,?,?)""",
        (info.record_id, _s(st.get("school_id")), _year(st.get("date", "")), _s(st.get("date")),
         int(st.get("requested") or 0), int(st.get("provided") or 0), _b(st.get("retracted"))),
    )


def project_household(conn, p, st, info, fresh) -> None:
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}gun_safe_households (id, school_id, school_year, date,
            household_name, delivered, retracted) VALUES (?,?,?,?,?,?,?)""",
        (info.record_id, _s(st.get("school_id")), _year(st.get("date", "")), _s(st.get("date")),
         _s(st.get("household_name")), _b(st.get("delivered")), _b(st.get("retracted"))),
    )


def project_agreement(conn, p, st, info, fresh) -> None:
    contents = st.get("contents") or {}
    confirmed = sum(1 for k in CONTENT_KEYS if item_confirmed(contents.get(k)))
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}agreements (id, agency, title, effective_start, effective_end,
            review_date, comment_start, comment_end, board_approval_date, board_resolution,
            sent_to_ospi_date, contents_confirmed, document_count, adopted, adopted_date, version,
            retracted) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        (info.record_id, _s(st.get("agency")), _s(st.get("title")), _s(st.get("effective_start")),
         _s(st.get("effective_end")), _s(st.get("review_date")), _s(st.get("comment_start")),
         _s(st.get("comment_end")), _s(st.get("board_approval_date")),
         _s(st.get("board_resolution")), _s(st.get("sent_to_ospi_date")), confirmed,
         len(st.get("documents") or []), _b(st.get("adopted")), _s(st.get("adopted_date")),
         info.version, _b(st.get("retracted"))),
    )


def project_policy_training(conn, p, st, info, fresh) -> None:
    conn.execute(
        f"""INSERT OR REPLACE INTO {p}policy_trainings (id, date, school_year, school_id, topic,
            trainer, audiences, attendance, retracted) VALUES (?,?,?,?,?,?,?,?,?)""",
        (info.record_id, _s(st.get("date")), _year(st.get("date", "")), _s(st.get("school_id")),
         _s(st.get("topic")), _s(st.get("trainer")), _j(st.get("audiences")), attendance(st),
         _b(st.get("retracted"))),
    )
