"""A roster import writes its new students in one `append_new` batch and its changes by
`append`: a student it renames shows the new name on the interactions naming them, and `verify`
stays clean (issue 14 hardening: the list labels inside and across batches). Real files."""

from __future__ import annotations

from test_roster_import import make_oneroster

from safetydesk.services import interactions, roster


def test_a_roster_rename_reaches_the_interaction_list_labels(world, tmp_path) -> None:
    s = world.session
    roster.import_roster(s, make_oneroster(tmp_path / "one", [("R2001", "Lumi", "Fenwick", "BHS"),
                                                              ("R2002", "Orrin", "Castel", "BHS")]))
    ids = roster.qe.students_by_local_id(s.store, ["R2001", "R2002"])
    iid = interactions.log_interaction(s, world.draft(students=[
        {"student_id": ids["R2001"], "role": "subject"}, {"student_id": ids["R2002"], "role": "witness"}]))
    label = "SELECT students_label FROM interactions WHERE id = ?"
    assert s.store.conn.execute(label, (iid,)).fetchone()[0] == "Lumi Fenwick, Orrin Castel"
    summary = roster.import_roster(s, make_oneroster(tmp_path / "two", [
        ("R2001", "Lumi", "Fenwick-Hart", "BHS"), ("R2002", "Orrin", "Castel", "BHS"),
        ("R2003", "Ines", "Avila", "BHS")]))
    assert (summary.created, summary.updated) == (1, 1)
    assert s.store.conn.execute(label, (iid,)).fetchone()[0] == "Lumi Fenwick-Hart, Orrin Castel"
    assert s.store.verify() == []
