"""P23/P24: disclosing to an outside party is its own permission, held by principals for their schools
and by district administrators; a read-only reviewer (or front office, or safety staff) cannot make an
outside-disclosure printout anywhere, and the entry records the role and permission it was made under."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from report_helpers import fixed_clock

from safetydesk.domain.disclosures import DisclosureDraft
from safetydesk.domain.errors import PermissionDenied
from safetydesk.domain.permissions import GRANTS, Actor, Permission
from safetydesk.domain.vocab import Role
from safetydesk.reports.render import render
from safetydesk.services import disclosures, interactions, reports
from safetydesk.services.context import Session

POLICE = DisclosureDraft(recipient="Sgt. Rae Diaz", organisation="Fictional Valley Police Department",
                         legal_basis="subpoena_court_order", basis_detail="Subpoena 25-1-0042, Thurston County")


@pytest.fixture
def record(world):
    s = fixed_clock(world.session)
    return interactions.log_interaction(s, world.draft())


def _as(world, role: Role, schools: frozenset[str] = frozenset()) -> Session:
    return fixed_clock(Session(world.session.store, Actor(f"test-{role.value}", role.label, role, schools)))


def _disclose(session: Session, rid: str, target: Path) -> list[Path]:
    doc = reports.interaction_printout(session, rid, audience="outside")
    return reports.save(session, doc, [(render(doc, "pdf", "record")[0], target)], POLICE)


@pytest.mark.policy("P23")
def test_the_default_grants_are_principal_and_district_administrator():
    holders = {role for role, grants in GRANTS.items() if Permission.DISCLOSE_OUTSIDE in grants}
    assert holders == {Role.PRINCIPAL, Role.DISTRICT_ADMIN}


@pytest.mark.policy("P23")
@pytest.mark.parametrize("role", [Role.REVIEWER, Role.FRONT_OFFICE, Role.SAFETY_STAFF])
def test_roles_without_the_permission_make_no_outside_printout_at_any_school(world, record, role, tmp_path):
    schools = frozenset() if role == Role.REVIEWER else frozenset({world.high})
    session = _as(world, role, schools)
    target = tmp_path / "record.pdf"
    with pytest.raises(PermissionDenied) as refused:
        _disclose(session, record, target)
    assert "disclose to an outside party" in refused.value.message
    assert not target.exists()
    assert disclosures.disclosures_of_student(world.session, world.students[0]) == []


@pytest.mark.policy("P23")
def test_a_principal_discloses_only_for_their_own_schools(world, record, tmp_path):
    elsewhere = _as(world, Role.PRINCIPAL, frozenset({world.elementary}))
    with pytest.raises(PermissionDenied):
        disclosures.authorise(elsewhere, [("interaction", record)], [world.students[0]])
    with pytest.raises(PermissionDenied):
        _disclose(elsewhere, record, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    own = _as(world, Role.PRINCIPAL, frozenset({world.high}))
    assert disclosures.authorise(own, [("interaction", record)], [world.students[0]]) == [world.high]


@pytest.mark.policy("P24")
@pytest.mark.parametrize("role", [Role.PRINCIPAL, Role.DISTRICT_ADMIN])
def test_the_disclosure_records_the_role_and_permission_it_was_made_under(world, record, role, tmp_path):
    session = _as(world, role, frozenset({world.high}) if role == Role.PRINCIPAL else frozenset())
    [path] = _disclose(session, record, tmp_path / "record.pdf")
    assert path.exists()
    [entry] = disclosures.disclosures_of_student(world.session, world.students[0])
    [created] = world.session.store.history("disclosure", entry["id"])
    state = {k: v[1] if isinstance(v, list | tuple) and len(v) == 2 else v for k, v in created.changes.items()}
    assert state["released_by"] == session.actor.username
    assert state["released_by_role"] == role.value
    assert state["permission"] == Permission.DISCLOSE_OUTSIDE.value
    assert state["school_id"] == world.high
