"""The one database worker thread: every service call runs here, never on the GUI thread.

Copied from Anki's idea of a read op and a write op. A view asks
``worker.read(fn, *args, done=...)`` or ``worker.write(...)``; ``fn`` runs on
the worker thread with the signed-in session as its first argument, and
``done`` (or ``error``) is called back on the GUI thread. Right after a job, still
on the worker thread, the worker takes what it changed from the session
(``Session.take_changes``: the record kinds and ids of every committed
transaction, Anki's ``OpChanges``); when that is not empty, ``records_changed``
fires once with those ``Changes`` and each view refreshes only when they touch
a kind it shows. One save is one job, so one refresh.

Jobs submitted with the same ``key`` supersede one another while they wait:
only the newest search, page or validation of a form runs. Work that takes
longer than ``PROGRESS_DELAY_MS`` shows a progress indicator in the status
bar; work that reports progress can be cancelled from it.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from safetydesk.domain.changes import NO_CHANGES, Changes

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 600


class Cancelled(Exception):
    """Raised inside a job's progress callback when the person pressed Cancel."""


@dataclass
class Job:
    id: int
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    with_session: bool
    write: bool
    label: str
    key: str | None
    progress: bool
    done: Callable[[Any], None] | None
    error: Callable[[BaseException], None] | None
    owner: QObject | None
    cancel: threading.Event = field(default_factory=threading.Event)


class _Runner(QThread):
    def __init__(self, worker: DbWorker) -> None:
        super().__init__()
        self.setObjectName("safetydesk-db")
        self.worker = worker
        self.jobs: queue.Queue[Job | None] = queue.Queue()

    def run(self) -> None:
        w = self.worker
        while True:
            job = self.jobs.get()
            if job is None:
                return
            if job.cancel.is_set():
                w._skipped.emit(job.id)
                continue
            w._started.emit(job.id)
            try:
                kwargs = dict(job.kwargs)
                if job.progress:
                    kwargs["progress"] = self._progress_for(job)
                args = (w._session, *job.args) if job.with_session else job.args
                result = job.fn(*args, **kwargs)
            except BaseException as exc:  # delivered to the GUI thread, shown in plain language
                w._failed.emit(job.id, exc, self._changes_of(job))
            else:
                w._finished.emit(job.id, result, self._changes_of(job))

    def _changes_of(self, job: Job) -> Changes:
        """What the job's committed transactions changed (a failed job may have committed some)."""
        take = getattr(self.worker._session, "take_changes", None) if job.with_session else None
        return take() if take is not None else NO_CHANGES

    def _progress_for(self, job: Job) -> Callable[[int, int], None]:
        def report(done: int, total: int) -> None:
            if job.cancel.is_set():
                raise Cancelled()
            self.worker._progress.emit(job.id, int(done), int(total))

        return report


class DbWorker(QObject):
    """Runs service calls one at a time on a background thread."""

    records_changed = Signal(object)  # Changes: the record kinds and ids a job changed
    busy_changed = Signal(bool)
    job_started = Signal(str)  # label of slow work, for the status bar
    job_progress = Signal(int, int)
    job_ended = Signal()

    _started = Signal(int)
    _finished = Signal(int, object, object)
    _failed = Signal(int, object, object)
    _skipped = Signal(int)
    _progress = Signal(int, int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: Any = None
        self._ids = itertools.count(1)
        self._jobs: dict[int, Job] = {}
        self._by_key: dict[str, Job] = {}
        self._running: Job | None = None
        self._slow_timer = QTimer(self)
        self._slow_timer.setSingleShot(True)
        self._slow_timer.setInterval(PROGRESS_DELAY_MS)
        self._slow_timer.timeout.connect(self._show_slow)
        self._showing_slow = False
        self.default_error: Callable[[BaseException], None] | None = None
        self._started.connect(self._on_started)
        self._finished.connect(self._on_finished)
        self._failed.connect(self._on_failed)
        self._skipped.connect(self._on_skipped)
        self._progress.connect(self._on_progress)
        self._runner = _Runner(self)
        self._runner.start()

    # ------------------------------------------------------------------ session
    def set_session(self, session: Any) -> None:
        """The session every later job receives first. Only the worker thread uses it.

        What was written before (setting up, signing in) is not news to any view: dropped."""
        take = getattr(session, "take_changes", None)
        if take is not None:
            take()
        self._session = session

    @property
    def has_session(self) -> bool:
        return self._session is not None

    # ------------------------------------------------------------------ submitting
    def read(self, fn: Callable[..., Any], *args: Any, **options: Any) -> int:
        """Run ``fn(session, *args)`` on the worker; ``done(result)`` on the GUI thread."""
        return self._submit(fn, args, write=False, **options)

    def write(self, fn: Callable[..., Any], *args: Any, **options: Any) -> int:
        """Like ``read``, for work meant to change records (the views hear what changed)."""
        return self._submit(fn, args, write=True, **options)

    def call(self, fn: Callable[..., Any], *args: Any, **options: Any) -> int:
        """Run ``fn(*args)`` without a session (opening files, signing in, demo data)."""
        return self._submit(fn, args, write=False, with_session=False, **options)

    def _submit(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        *,
        write: bool,
        with_session: bool = True,
        done: Callable[[Any], None] | None = None,
        error: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
        label: str = "",
        key: str | None = None,
        progress: bool = False,
        kwargs: dict[str, Any] | None = None,
    ) -> int:
        job = Job(next(self._ids), fn, args, kwargs or {}, with_session, write, label, key,
                  progress, done, error, owner)
        if key is not None:
            previous = self._by_key.get(key)
            if previous is not None and previous is not self._running:
                previous.cancel.set()
            self._by_key[key] = job
        was_idle = not self._jobs
        self._jobs[job.id] = job
        if was_idle:
            self.busy_changed.emit(True)
        self._runner.jobs.put(job)
        return job.id

    def cancel(self, job_id: int | None = None) -> None:
        """Cancel a waiting job, or ask the running one to stop at its next progress report."""
        job = self._jobs.get(job_id) if job_id is not None else self._running
        if job is not None:
            job.cancel.set()

    def is_idle(self) -> bool:
        return not self._jobs

    # ------------------------------------------------------------------ delivery (GUI thread)
    def _on_started(self, job_id: int) -> None:
        job = self._jobs.get(job_id)
        self._running = job
        if job is not None and job.label:
            self._slow_timer.start()

    def _show_slow(self) -> None:
        job = self._running
        if job is not None and job.label:
            self._showing_slow = True
            self.job_started.emit(job.label)

    def _on_progress(self, job_id: int, done: int, total: int) -> None:
        if self._running is not None and self._running.id == job_id:
            self.job_progress.emit(done, total)

    def _end(self, job_id: int) -> Job | None:
        job = self._jobs.pop(job_id, None)
        if job is not None and job.key is not None and self._by_key.get(job.key) is job:
            del self._by_key[job.key]
        if self._running is job:
            self._running = None
            self._slow_timer.stop()
            if self._showing_slow:
                self._showing_slow = False
                self.job_ended.emit()
        if not self._jobs:
            self.busy_changed.emit(False)
        return job

    @staticmethod
    def _alive(job: Job) -> bool:
        return job.owner is None or shiboken6.isValid(job.owner)

    def _on_finished(self, job_id: int, result: Any, changes: Changes) -> None:
        job = self._end(job_id)
        if changes:
            self.records_changed.emit(changes)
        if job is None:
            return
        if job.cancel.is_set() and job.key is not None:
            return  # superseded while it ran: a newer request of the same kind is on its way
        if job.done is not None and self._alive(job):
            job.done(result)

    def _on_failed(self, job_id: int, exc: BaseException, changes: Changes) -> None:
        job = self._end(job_id)
        if changes:
            self.records_changed.emit(changes)
        if job is None or isinstance(exc, Cancelled) or not self._alive(job):
            return
        if not isinstance(exc, Exception):
            log.error("Background work stopped: %s", type(exc).__name__)
        handler = job.error or self.default_error
        if handler is not None:
            handler(exc)
        else:
            log.error("Unhandled failure in %s: %s", job.fn.__name__, type(exc).__name__,
                      exc_info=(type(exc), exc, exc.__traceback__))

    def _on_skipped(self, job_id: int) -> None:
        self._end(job_id)

    # ------------------------------------------------------------------ shutdown
    def stop(self, final: Callable[[Any], None] | None = None) -> None:
        """Finish waiting work, run ``final(session)`` on the worker (closing the file), and stop."""
        if not self._runner.isRunning():
            return
        if final is not None and self._session is not None:
            self._runner.jobs.put(Job(next(self._ids), final, (), {}, True, False, "", None, False,
                                      None, None, None))
        self._runner.jobs.put(None)
        self._runner.wait()
        self._session = None


class BusyIndicator(QWidget):
    """Status-bar widget: what is running, a progress bar and, where possible, Cancel."""

    def __init__(self, worker: DbWorker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busyIndicator")
        self.worker = worker
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setObjectName("busyProgress")
        self.bar.setMaximumWidth(160)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Progress of the current task")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("busyCancel")
        self.cancel_button.setAccessibleName("Cancel the current task")
        self.cancel_button.clicked.connect(lambda: worker.cancel())
        for w in (self.label, self.bar, self.cancel_button):
            layout.addWidget(w)
        self.hide()
        worker.job_started.connect(self._start)
        worker.job_progress.connect(self._progress)
        worker.job_ended.connect(self.hide)

    def _start(self, label: str) -> None:
        self.label.setText(label + "…")
        self.bar.setRange(0, 0)  # busy until the work reports how far it is
        running = self.worker._running
        self.cancel_button.setVisible(bool(running and running.progress))
        self.show()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
