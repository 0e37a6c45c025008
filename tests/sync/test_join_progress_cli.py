"""`sync --join FILE --share S --progress` on an empty data folder: the lines go on while the
snapshot's runs of entries are applied, and end at the total (real data files, a real share)."""

from __future__ import annotations

import re

from test_new_workstation_cli import _district_office, must, run, sign_in

from safetydesk.paths import resolve
from safetydesk.services import sync as sync_service
from safetydesk.sync.engine import SyncEngine
from support import ADMIN_PASSWORD, count


def test_sync_join_with_progress_prints_a_line_per_run_up_to_the_total(tmp_path, monkeypatch):
    a, share_root, enrolment, alder = _district_office(tmp_path, monkeypatch)
    must(a, "sync", "--enrol", str(enrolment), "--name", "Alder office", "--school", alder,
         "--user", "admin")
    s = sign_in(a, "admin", ADMIN_PASSWORD)
    try:
        engine = sync_service._engine(s, resolve(a))
        engine.batch = 1                 # many small change files ...
        assert engine.export().files >= 4
        assert engine.write_snapshot(every=0) is not None   # ... bundled in one snapshot
    finally:
        s.store.close()
    monkeypatch.setattr(SyncEngine, "import_chunk", 2)     # runs of about 2 entries
    code, out = run(tmp_path / "B", "sync", "--join", str(enrolment), "--share", str(share_root),
                    "--progress")
    assert code == 0, out
    steps = [(int(d), int(t)) for d, t in re.findall(r"synced (\d+) of (\d+) step\(s\)", out)]
    assert len(steps) >= 3, out                     # a line per run applied, not one at the end only
    assert [d for d, _ in steps] == sorted(d for d, _ in steps), out
    assert steps[-1][0] == steps[-1][1] > 0, out
    assert "Joined the district folder as a new workstation" in out
    count("join-progress", cli_lines=len(steps))
