"""Fixtures for the window's tests: a worker and context signed in on a real data file.

Every pop-up is answered by ``ui_prompts`` (autouse), so no test can block on a dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from safetydesk.paths import Paths, resolve
from safetydesk.services import files
from safetydesk.ui.app.main_window import MainWindow
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.worker import DbWorker

DEMO_INTERACTIONS = 5_000


class ScriptedPrompts:
    """Answers pop-ups like a person would, and remembers what was shown."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answers: dict[str, Any] = {"confirm": True, "ask_text": "Corrected after review"}

    def __call__(self, kind: str, title: str, text: str, **_: Any) -> Any:
        self.shown.append((kind, title, text))
        answer = self.answers.get(kind)
        return answer(title, text) if callable(answer) else answer

    def kinds(self) -> list[str]:
        return [k for k, _, _ in self.shown]


@pytest.fixture(autouse=True)
def ui_prompts(monkeypatch: pytest.MonkeyPatch) -> ScriptedPrompts:
    scripted = ScriptedPrompts()
    monkeypatch.setattr(prompts, "hook", scripted)
    return scripted


@pytest.fixture
def ui_worker(qtbot) -> Iterator[DbWorker]:
    worker = DbWorker()
    yield worker
    qtbot.waitUntil(worker.is_idle, timeout=10_000)
    worker.stop()


def ui_make_ctx(qtbot, paths: Paths, worker: DbWorker, session: Any) -> UiContext:
    ctx = UiContext(paths, worker)
    ctx.sign_in(session)
    qtbot.waitUntil(lambda: ctx.lookups_loaded, timeout=10_000)
    return ctx


@pytest.fixture
def ui_world(world):
    """The shared small `world`, with its safety staff's ESD training confirmed (P02),
    so interactions can be logged with them."""
    from safetydesk.domain.staff_training import TrainingDraft
    from safetydesk.services import staff

    s = world.session
    for staff_id in (world.sro, world.guard):
        if not staff.is_trained(s, staff_id):
            staff.record_training(s, TrainingDraft(
                staff_id=staff_id, program_start="2025-08-15", esd_issuer="ESD 113",
                esd_date="2025-08-01", esd_reference=f"ESD113-{staff_id[-6:]}",
                esd_confirmed_by="District safety coordinator", esd_confirmed_on="2025-08-10"))
    return world


@pytest.fixture
def ui_ctx(qtbot, ui_world, paths: Paths, ui_worker: DbWorker) -> UiContext:
    """Signed in as the district administrator of the shared small `world`."""
    return ui_make_ctx(qtbot, paths, ui_worker, ui_world.session)


@pytest.fixture
def ui_window(qtbot, ui_ctx: UiContext) -> Callable[..., MainWindow]:
    def make(**options: Any) -> MainWindow:
        window = MainWindow(ui_ctx, **options)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture(scope="session")
def ui_demo_paths(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """A demo district with 5,000 interactions, generated once and only read by tests."""
    from safetydesk import demo

    home: Path = tmp_path_factory.mktemp("demo-home")
    paths = resolve(home)
    demo.generate(paths, seed=4311, interactions=DEMO_INTERACTIONS)
    return paths


@pytest.fixture
def ui_demo_ctx(qtbot, ui_demo_paths: Paths, ui_worker: DbWorker) -> Iterator[UiContext]:
    session = files.sign_in(ui_demo_paths, "admin", "demo")
    yield ui_make_ctx(qtbot, ui_demo_paths, ui_worker, session)
    qtbot.waitUntil(ui_worker.is_idle, timeout=10_000)
    session.store.close()
