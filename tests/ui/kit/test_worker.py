"""The database worker: results on the GUI thread, supersession, progress and Cancel."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from safetydesk.domain.changes import DRAFT, Changes
from safetydesk.domain.errors import NotFound
from safetydesk.domain.records import RecordType
from safetydesk.services import admin, interactions
from safetydesk.ui.kit.form import save_and_forget_draft
from safetydesk.ui.kit.worker import BusyIndicator, DbWorker


def test_results_and_errors_arrive_on_the_gui_thread(qtbot, ui_worker: DbWorker):
    ui_worker.set_session("session")
    seen: list = []
    gui = QThread.currentThread()

    def job(session, x):
        seen.append(("ran on gui thread", QThread.currentThread() is gui))
        return session, x

    def fail(session):
        raise NotFound("That interaction does not exist.")

    ui_worker.read(job, 1, done=lambda r: seen.append(("done", r, QThread.currentThread() is gui)))
    ui_worker.read(fail, error=lambda e: seen.append(("error", e.message)))
    ui_worker.write(job, 2)
    qtbot.waitUntil(ui_worker.is_idle)
    assert ("ran on gui thread", False) in seen
    assert ("done", ("session", 1), True) in seen
    assert ("error", "That interaction does not exist.") in seen


def test_a_write_announces_the_kinds_and_ids_it_changed_once(qtbot, ui_worker: DbWorker, ui_world):
    ui_worker.set_session(ui_world.session)
    got: list[Changes] = []
    ui_worker.records_changed.connect(got.append)
    saved: list[str] = []
    # One save that also drops the form's kept draft: one job, so one notice naming both.
    ui_worker.write(admin.save_draft, "k1", "interaction", "", {"draft": {}})
    qtbot.waitUntil(ui_worker.is_idle)
    assert [c.kinds for c in got] == [frozenset({DRAFT})]
    got.clear()
    ui_worker.write(save_and_forget_draft, "k1", interactions.log_interaction, ui_world.draft(),
                    done=saved.append)
    qtbot.waitUntil(ui_worker.is_idle)
    assert len(got) == 1
    assert got[0].kinds == {RecordType.INTERACTION, DRAFT}
    assert got[0].ids(RecordType.INTERACTION) == {saved[0]}
    assert admin.drafts(ui_world.session) == []
    # A read changes nothing, and nothing is announced for it.
    ui_worker.read(interactions.get_interaction, saved[0])
    qtbot.waitUntil(ui_worker.is_idle)
    assert len(got) == 1


def test_a_failed_write_announces_what_it_committed_before_failing(qtbot, ui_worker: DbWorker,
                                                                    ui_world):
    ui_worker.set_session(ui_world.session)
    got: list[Changes] = []
    errors: list[BaseException] = []
    ui_worker.records_changed.connect(got.append)

    def half(session):
        admin.save_draft(session, "k2", "interaction", "", {"draft": {}})
        raise NotFound("That interaction does not exist.")

    ui_worker.write(half, error=errors.append)
    qtbot.waitUntil(ui_worker.is_idle)
    assert [c.ids(DRAFT) for c in got] == [frozenset({"k2"})]
    assert len(errors) == 1


def test_a_newer_request_of_the_same_kind_supersedes_a_waiting_one(qtbot, ui_worker: DbWorker):
    gate = threading.Event()
    got: list = []
    ui_worker.call(gate.wait, 5)  # holds the worker until released
    for text in ("a", "ab", "abc"):
        ui_worker.call(str.upper, text, done=got.append, key="search")
    gate.set()
    qtbot.waitUntil(ui_worker.is_idle)
    assert got == ["ABC"]


def test_slow_work_shows_progress_and_can_be_cancelled(qtbot, ui_worker: DbWorker):
    indicator = BusyIndicator(ui_worker)
    qtbot.addWidget(indicator)
    release = threading.Event()
    finished: list = []

    def slow(progress):
        for step in range(10_000):
            progress(step, 10_000)
            if release.wait(0.005):
                return "released"
        return "done"

    ui_worker.call(slow, progress=True, label="Building the report", done=finished.append)
    qtbot.waitUntil(indicator.isVisible, timeout=5_000)  # only after the delay
    assert indicator.label.text() == "Building the report…"
    assert indicator.cancel_button.isVisible()
    qtbot.waitUntil(lambda: indicator.bar.maximum() == 10_000)
    indicator.cancel_button.click()
    qtbot.waitUntil(lambda: not indicator.isVisible(), timeout=5_000)
    qtbot.waitUntil(ui_worker.is_idle)
    release.set()
    assert finished == []  # cancelled work delivers nothing


def test_quick_work_shows_no_progress(qtbot, ui_worker: DbWorker):
    indicator = BusyIndicator(ui_worker)
    qtbot.addWidget(indicator)
    shown: list = []
    ui_worker.job_started.connect(shown.append)
    ui_worker.call(sum, [1, 2, 3], label="Adding up")
    qtbot.waitUntil(ui_worker.is_idle)
    assert shown == [] and not indicator.isVisible()
