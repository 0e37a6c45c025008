"""Agreements with law enforcement agencies through the services (P17, P18, P19)."""

from datetime import date, datetime

import pytest

from safetydesk.domain.agreements import CONTENT_KEYS, AgreementDraft
from safetydesk.domain.errors import PermissionDenied, ValidationFailed
from safetydesk.domain.records import UserDraft
from safetydesk.services import accounts, agreements, dashboard
from safetydesk.services.context import Session

NOW = datetime(2025, 7, 1, 9, 0)


def at(session, when=NOW):
    return Session(session.store, session.actor, clock=lambda: when)


def draft(**kw):
    base = dict(agency="Fictional Valley Police Department", title="SRO services 2025-27",
                effective_start="2025-08-15", effective_end="2027-08-14",
                comment_start="2025-06-01", comment_end="2025-06-09",
                board_approval_date="2025-06-09", board_resolution="")
    base.update(kw)
    return AgreementDraft(**base)


@pytest.mark.policy("P17")
@pytest.mark.policy("P18")
@pytest.mark.policy("P19")
def test_adoption_is_refused_naming_every_failed_condition_until_all_hold(admin):
    s = at(admin)
    aid = agreements.add_agreement(s, draft())
    with pytest.raises(ValidationFailed) as info:
        agreements.adopt_agreement(s, aid)
    fields = [e.field for e in info.value.errors]
    assert fields == [*(f"contents.{k}" for k in CONTENT_KEYS), "comment_end", "board_approval_date",
                      "board_resolution"]
    assert "cannot be marked adopted" in info.value.message
    assert "lasted 9 days" in info.value.message
    # confirm each item: the signed agreement as a document for one, section notes for the rest
    doc = agreements.add_document(s, aid, "FVPD-agreement-signed.pdf", b"%PDF-1.7 signed agreement")
    for n, key in enumerate(CONTENT_KEYS, 1):
        if key == "C":
            agreements.confirm_content(s, aid, key, document_id=doc)
        else:
            agreements.confirm_content(s, aid, key, note=f"Section {n}")
    with pytest.raises(ValidationFailed, match="with a note"):
        agreements.confirm_content(s, aid, "A1", note="  ")
    opened = agreements.get_agreement(s, aid)
    assert all(item["confirmed"] for item in opened["checklist"])
    d = opened["draft"]
    d.comment_end, d.board_approval_date, d.board_resolution = "2025-06-10", "2025-06-12", "R-2025-14"
    agreements.amend_agreement(s, aid, d, "Comment period and board approval recorded")
    assert agreements.adoption_check(s, aid) == []
    agreements.adopt_agreement(s, aid)
    row = agreements.list_agreements(s)[0]
    assert row["adopted"] == 1 and row["contents_confirmed"] == 9 and row["document_count"] == 1
    assert agreements.get_agreement(s, aid)["state"]["adopted_date"] == "2025-06-12"
    # an adopted agreement cannot be corrected into breaking a condition
    d = agreements.get_agreement(s, aid)["draft"]
    d.board_approval_date = "2025-06-10"
    with pytest.raises(ValidationFailed, match="break a condition"):
        agreements.amend_agreement(s, aid, d, "typo")
    assert agreements.open_document(s, doc)[2] == b"%PDF-1.7 signed agreement"
    assert s.store.verify() == []


@pytest.mark.policy("P17")
def test_review_reminders_appear_on_the_dashboard_at_60_and_30_days(admin):
    s = at(admin)
    aid = agreements.add_agreement(s, draft(review_date="2025-06-12"))

    def items(today):
        return [(i.severity, i.due, i.detail) for i in dashboard.dashboard_items(s, today)
                if i.category == "agreement" and i.record_id == aid and i.due]

    assert items(date(2026, 4, 12)) == []
    assert items(date(2026, 4, 13)) == [("due_soon", date(2026, 6, 12),
                                         "Annual review due 2026-06-12 (60-day reminder)")]
    assert items(date(2026, 5, 13))[0][2].endswith("(30-day reminder)")
    assert items(date(2026, 6, 13))[0][0] == "overdue"
    agreements.record_review(at(s, datetime(2026, 6, 1)), aid, "2026-06-01", "No changes needed")
    assert items(date(2026, 6, 13)) == []
    assert agreements.list_agreements(s)[0]["next_review_due"] == "2027-06-01"


@pytest.mark.policy("P17")
def test_an_agreement_in_effect_but_not_adopted_is_flagged(admin):
    s = at(admin)
    aid = agreements.add_agreement(s, draft())
    flagged = [i for i in dashboard.dashboard_items(s, date(2025, 9, 1)) if i.severity == "flag"]
    assert [i.record_id for i in flagged] == [aid]
    assert "not marked adopted" in flagged[0].title


@pytest.mark.policy("P17")
@pytest.mark.policy("P23")
def test_only_district_administrators_manage_agreements(world):
    accounts.create_user(world.session, UserDraft(username="p1", display_name="p1", role="principal",
                                                  schools=[world.high]), "a long enough pw")
    principal = at(Session(world.session.store, accounts.actor_for(world.session.store, "p1")))
    aid = agreements.add_agreement(at(world.session), draft())
    assert [a["id"] for a in agreements.list_agreements(principal)] == [aid]
    with pytest.raises(PermissionDenied):
        agreements.add_agreement(principal, draft())
    with pytest.raises(PermissionDenied):
        agreements.adopt_agreement(principal, aid)
    with pytest.raises(PermissionDenied):
        agreements.confirm_content(principal, aid, "A1", note="Section 1")
