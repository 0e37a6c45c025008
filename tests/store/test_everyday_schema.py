"""The everyday tables: no forbidden names (P14), derived tables equal a rebuild."""

import re

import pytest

from everyday_helpers import law_enforcement_draft
from safetydesk.domain.climate import ClimateDraft
from safetydesk.services import climate, interactions

FORBIDDEN = re.compile(r"immigra|citizen|nationalit|visa|alien|passport|birth_?place|place_?of_?birth|"
                       r"country|city_?of_?birth|state_?of_?birth|born_?in|native_?country|a_?number",
                       re.IGNORECASE)


@pytest.mark.policy("P14")
def test_no_table_or_column_names_immigration_citizenship_birthplace_visa_or_alien(admin):
    conn = admin.store.conn
    names = []
    for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"):
        names.append(name)
        if name.endswith("_fts") or " USING fts5" in (sql or ""):
            names.extend(re.findall(r"\(([^)]*)", sql)[0].split(","))
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        names += [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    assert len(names) > 100
    assert [n for n in names if FORBIDDEN.search(n)] == []


def test_rebuild_and_verify_agree_for_every_everyday_table(world):
    s = world.session
    iid = interactions.log_interaction(s, law_enforcement_draft(world, attorney_access=[
        {"student_id": world.students[0], "custodial_interrogation": True, "probable_cause_detention": False,
         "consent_search_request": False, "access_given": False, "exception_claimed": False}]))
    interactions.add_follow_up(s, iid, "Counselor met the student.")
    climate.log_activity(s, ClimateDraft(activity_date="2025-10-02", school_id=world.high, staff=[world.sro],
                                         activity_type="assembly", note="Safety assembly."))
    assert s.store.verify() == []
    s.store.rebuild_derived()
    assert s.store.verify() == []
    assert [f["kind"] for f in interactions.open_flags(s)] == ["rcw_13_40_740"]
    assert interactions.search_interactions(s, "cafeteria")
