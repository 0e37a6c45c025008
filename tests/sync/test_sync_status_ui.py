"""The status-bar indicator and its details, under offscreen Qt."""

from __future__ import annotations

from safetydesk.services.sync import SyncStatus
from safetydesk.ui.sync_status import SyncStatusIndicator


def test_the_indicator_says_how_sync_stands_and_lists_held_files(qtbot):
    now = [SyncStatus(True, "Synced 10:42")]
    indicator = SyncStatusIndicator(lambda: now[0])
    qtbot.addWidget(indicator)
    assert indicator.text() == "Synced 10:42"
    now[0] = SyncStatus(True, "2 files held: see details",
                        held=[("devices/A/000000000001-aa.sdc", "the file's signature is not its "
                                                                "workstation's (forged or altered)"),
                              ("devices/B/x.sdc", "the name is not a change file name")])
    indicator.refresh()
    assert indicator.text() == "2 files held: see details"
    dialog = indicator.show_details()
    qtbot.addWidget(dialog)
    assert dialog.held.count() == 2 and "forged" in dialog.held.item(0).text()
    # What to do is said beside the list, in words an office can pass on to IT.
    assert "upgraded" in dialog.held_advice.text() and "district IT" in dialog.held_advice.text()
    assert not dialog.held_advice.isHidden()


def test_the_indicator_is_hidden_when_not_syncing_and_survives_a_failing_status(qtbot):
    indicator = SyncStatusIndicator(lambda: SyncStatus(False, "Not syncing"))
    qtbot.addWidget(indicator)
    assert indicator.isHidden()

    def broken() -> SyncStatus:
        raise OSError("disk gone")

    failing = SyncStatusIndicator(broken)
    qtbot.addWidget(failing)
    assert failing.text() == "Sync status unknown"


def test_the_window_syncs_through_the_worker_and_shows_progress(qtbot, tmp_path, monkeypatch):
    """A real pass on real data files, run as a job of the window's database worker (off the GUI
    thread): the indicator says "Syncing…" with the percentage of new files read, then "Synced"."""
    from functools import partial

    from test_new_workstation_cli import _district_office, must, sign_in

    from safetydesk.paths import resolve
    from safetydesk.services import sync as sync_service
    from safetydesk.ui.kit.worker import DbWorker
    from support import ADMIN_PASSWORD

    a, share_root, enrolment, alder = _district_office(tmp_path, monkeypatch)
    must(a, "sync", "--enrol", str(enrolment), "--name", "Alder office", "--school", alder,
         "--user", "admin")
    must(tmp_path / "B", "sync", "--join", str(enrolment), "--share", str(share_root))
    paths = resolve(a)
    session = sign_in(a, "admin", ADMIN_PASSWORD)
    worker = DbWorker()
    worker.set_session(session)
    try:
        indicator = SyncStatusIndicator(lambda: sync_service.status(paths))
        qtbot.addWidget(indicator)
        indicator.attach_sync(worker, partial(sync_service.sync_now, paths=paths), 10**9)
        shown: list[tuple[int, int, str]] = []
        worker.job_progress.connect(lambda done, total: shown.append((done, total, indicator.text())))
        assert indicator.sync_now()
        assert indicator.text() == "Syncing…" and not indicator.sync_now()   # one pass at a time
        qtbot.waitUntil(lambda: not indicator.syncing, timeout=60_000)
        assert shown and shown[-1] == (shown[-1][1], shown[-1][1], "Syncing… 100%")
        assert indicator.text().startswith("Synced "), indicator.text()
        dialog = indicator.show_details()
        qtbot.addWidget(dialog)
        assert dialog.sync_now.isVisibleTo(dialog)
    finally:
        worker.stop(lambda s: s.store.close())
