"""School keys after set-up, through the command line on real data files and one real share.

A (district office) sets up the folder with two schools; B starts empty and
serves Alder only. A school added on A afterwards gets a key at A's next pass
(before, its records could not be sent at all); B cannot read it. When an
account of Alder is given that new school as well, B's scope grows: A grants
B the school's key (sealed to B's own key, in the signed manifest) and B reads
that school's records written from then on.
"""

from __future__ import annotations

import json

import pytest
from test_new_workstation_cli import JORDAN, _district_office, must, run, sign_in
from test_two_workstations_cli import log

from safetydesk.domain.records import SchoolDraft, UserDraft
from safetydesk.services import accounts, registry
from safetydesk.sync import share
from support import ADMIN_PASSWORD


@pytest.mark.policy("P23")
def test_a_school_added_later_gets_a_key_and_a_workstation_serving_it_gets_that_key(
        tmp_path, monkeypatch):
    a, share_root, enrolment, alder = _district_office(tmp_path, monkeypatch)
    must(a, "sync", "--enrol", str(enrolment), "--name", "Alder office", "--school", alder,
         "--user", "admin")
    b = tmp_path / "B"
    must(b, "sync", "--join", str(enrolment), "--share", str(share_root))
    for home in (a, b):
        assert run(home, "sync", "--once")[0] == 0

    s = sign_in(a, "admin", ADMIN_PASSWORD)
    try:
        cedar = registry.add_school(s, SchoolDraft(name="Cedar Middle", level="middle"))
    finally:
        s.store.close()
    first = log(a, "admin", "Cedar Middle", "Gym")
    for home in (a, b):
        code, out = run(home, "sync", "--once")
        assert code == 0, out
    s = sign_in(b, "jordan", JORDAN)
    try:
        assert s.store.state("interaction", first) is None   # not a school B serves
        assert s.store.verify() == []
    finally:
        s.store.close()

    # Jordan (Alder) is given Cedar too: B, where Jordan works, now serves Cedar.
    s = sign_in(a, "admin", ADMIN_PASSWORD)
    try:
        draft = UserDraft(username="jordan", display_name="Jordan Reyes", role="principal",
                          schools=[alder, cedar])
        accounts.change_user(s, "jordan", draft, "Now also principal of Cedar")
    finally:
        s.store.close()
    for home in (a, b):
        assert run(home, "sync", "--once")[0] == 0
    manifest = json.loads(next((share_root / share.ROOT).glob(f"*/{share.MANIFEST}")).read_text())
    b_entry = next(d for d in manifest["devices"].values() if d["name"] == "Alder office")
    assert sorted(b_entry["schools"]) == sorted([alder, cedar]) and set(b_entry["grants"]) == {
        alder, cedar}
    second = log(a, "admin", "Cedar Middle", "Library")
    for home in (a, b):
        code, out = run(home, "sync", "--once")
        assert code == 0, out
    s = sign_in(b, "jordan", JORDAN)
    try:
        assert s.store.state("interaction", second)["location"] == "Library"
        # ... and the Cedar record written before B served Cedar, withheld here until now.
        assert s.store.state("interaction", first)["location"] == "Gym"
        assert s.store.verify() == []
    finally:
        s.store.close()
