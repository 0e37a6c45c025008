"""The store's withheld entries (sync's stubs): another workstation's entry of a school this one
does not serve keeps its place in that workstation's chain without its content."""

from __future__ import annotations

import pytest

from safetydesk.domain.records import SchoolDraft, StudentDraft
from safetydesk.paths import resolve
from safetydesk.services import files, registry
from support import ADMIN_PASSWORD


def stub_of(w: dict, scope: str = "school:X") -> dict:
    return {"format": w["format"], "device": w["device"], "dseq": w["dseq"], "prev": w["prev"],
            "hash": w["hash"], "sig": w["sig"], "withheld": scope}


@pytest.fixture
def second(tmp_path):
    s = files.create_data_file(resolve(tmp_path / "second"), "Fictional Valley", [
        SchoolDraft(name="Cedar Middle", code="CDM", level="middle")], "cedaradmin", ADMIN_PASSWORD)
    yield s
    s.store.close()


@pytest.mark.policy("P25")
def test_a_withheld_entry_links_the_chain_without_content_and_later_entries_apply(admin, second):
    school = registry.schools(admin)[0]["id"]
    hidden = registry.add_student(admin, StudentDraft(first_name="Avery", last_name="Quinn", local_id="S-1",
                                                      school_id=school))
    dev = admin.store.device_id
    wire = admin.store.entries_since(dev, 0)
    withheld = [w for w in wire if w["record_type"] == "student" and w["record_id"] == hidden]
    assert withheld
    sent = [stub_of(w) if w in withheld else w for w in wire]
    # Out of order, twice: the stub waits for its predecessor like any entry.
    report = second.store.import_entries(list(reversed(sent)))
    assert report.held == [] and report.imported == len(sent)
    assert second.store.device_heads()[dev] == admin.store.device_heads()[dev]
    assert second.store.state("student", hidden) is None
    assert second.store.verify() == []
    again = second.store.import_entries(sent)  # the same stubs again: already held
    assert again.imported == 0 and again.held == []
    relayed = second.store.entries_since(dev, 0)
    assert [w["dseq"] for w in relayed] == [w["dseq"] for w in wire]
    assert [w["hash"] for w in relayed] == [w["hash"] for w in wire]
    assert all("withheld" in w for w in relayed if w["hash"] in {x["hash"] for x in withheld})
    # Later entries of that workstation apply after the withheld one.
    registry.add_student(admin, StudentDraft(first_name="Rowan", last_name="Tanaka", local_id="S-2",
                                             school_id=school))
    later = admin.store.entries_since(dev, second.store.device_heads()[dev].seq)
    assert later and second.store.import_entries(later).imported == len(later)
    assert second.store.verify() == []

    # The workstation now serves that school (it was given the school's key): the full entries
    # arrive and take the place they held withheld; forged content at that place does not.
    forged = [dict(w, changes={**w["changes"], "first_name": [None, "Forged"]}) for w in withheld]
    assert [why for _, why in second.store.import_entries(forged).held] == [
        "its hash does not match its contents: it was altered or damaged on the way"] * len(forged)
    assert second.store.state("student", hidden) is None
    revealed = second.store.import_entries(withheld)
    assert revealed.imported == len(withheld) and revealed.held == []
    assert second.store.state("student", hidden)["first_name"] == "Avery"
    assert second.store.import_entries(withheld).imported == 0   # once
    assert not any("withheld" in w for w in second.store.entries_since(dev, 0))
    assert second.store.verify() == []


def test_a_forged_or_misplaced_stub_is_held(admin, second):
    dev = admin.store.device_id
    wire = admin.store.entries_since(dev, 0)
    second.store.import_entries(wire[:2])
    forged = stub_of(wire[2]) | {"sig": "00" * 64}
    assert "signature" in second.store.import_entries([forged]).held[0][1]
    broken = stub_of(wire[2]) | {"prev": "ab" * 32}
    assert "chain" in second.store.import_entries([broken]).held[0][1]
    first = stub_of(wire[0]) | {"dseq": 1}
    assert second.store.import_entries([first]).held  # a device's first entry is never withheld
    odd = stub_of(wire[2]) | {"extra": 1}
    assert "withheld entry" in second.store.import_entries([odd]).held[0][1]
    assert second.store.import_entries([stub_of(wire[2])]).imported == 1
    assert second.store.verify() == []
