"""Starting the window: QApplication, style, first run, opening the data file, sign-in."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDeadlineTimer, QEventLoop, Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QApplication, QDialog

from safetydesk import __version__, resources, site
from safetydesk.domain.errors import SafetyDeskError
from safetydesk.paths import Paths
from safetydesk.services import files, ui_support
from safetydesk.ui.app import single_instance
from safetydesk.ui.app.main_window import MainWindow
from safetydesk.ui.kit import managed, plain_words, prompts, wheel
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.worker import DbWorker

log = logging.getLogger(__name__)


def resources_dir() -> Path | None:
    """Where the style sheet and icons are: package data (see safetydesk.resources)."""
    return resources.folder()


def style_sheet(folder: Path) -> str:
    """The application's style sheet, with the folder of its arrow icons filled in."""
    text = (folder / "style.qss").read_text(encoding="utf-8")
    return text.replace("@ICONS@", (folder / "icons").resolve().as_posix())


def apply_style(app: QApplication) -> bool:
    """Load resources/style.qss and the window icon. False when they cannot be found."""
    font = QFont(app.font())
    font.setPointSizeF(10.5)
    app.setFont(font)
    folder = resources_dir()
    if folder is None:
        log.warning("Style sheet not found; using the plain look.")
        return False
    app.setStyleSheet(style_sheet(folder))
    icon = folder / "icons" / "safetydesk.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return True


def install_crash_window(paths: Paths, parent: Callable[[], Any]) -> Callable[..., None]:
    """Make the crash window (``crash``) the exception hook. The crash module, with its dialog
    and report, is imported at the first unexpected error, not at every start-up; from then on
    its handler is the hook itself."""

    def first_error(*info: Any) -> None:
        from safetydesk.ui.app import crash

        crash.install(paths, parent=parent)(*info)

    sys.excepthook = first_error
    return first_error


def build_main_window(app: QApplication, ctx: UiContext) -> MainWindow:
    """The main window, built with the wheel guard set aside (building and first showing it make
    thousands of events, each of which the guard would look at in Python); the window puts it
    back when it has shown its first data, or before it shows another section
    (`MainWindow.watch_input`)."""
    wheel.hold(app)
    try:
        return MainWindow(ctx)
    except BaseException:
        wheel.resume(app)
        raise


def wait_for(worker: DbWorker, fn: Callable[..., Any], *args: Any, session: bool = False,
             label: str = "") -> Any:
    """Run ``fn`` on the worker and wait for it while the window keeps processing events."""
    loop = QEventLoop()
    box: dict[str, Any] = {}

    def done(result: Any) -> None:
        box["result"] = result
        loop.quit()

    def failed(exc: BaseException) -> None:
        box["error"] = exc
        loop.quit()

    submit = worker.read if session else worker.call
    submit(fn, *args, done=done, error=failed, label=label)
    if not box:
        loop.exec()
    if "error" in box:
        raise box["error"]
    return box["result"]


def sign_in(ctx: UiContext, username: str = "") -> Any | None:
    """SAFETYDESK_USER + SAFETYDESK_PASSWORD if set, else the sign-in dialog. None when cancelled.

    Signing in unlocks and opens the data file; a damaged file is offered a restore from
    its latest backup by the dialog.
    """
    message = ""
    env_user, env_password = os.environ.get("SAFETYDESK_USER"), os.environ.get("SAFETYDESK_PASSWORD")
    if env_user and env_password is not None:
        try:
            return wait_for(ctx.worker, files.sign_in, ctx.paths, env_user, env_password,
                            label="Unlocking the data file")
        except (SafetyDeskError, OSError) as exc:
            username, message = env_user, prompts.explain(exc)
    # not imported when the environment signs in (the self-test, scheduled checks)
    from safetydesk.ui.app.sign_in import SignInDialog

    dialog = SignInDialog(ctx, username or env_user or "", message)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.session


def _application(self_test: bool) -> QApplication:
    app = QApplication.instance()
    if app is None:
        if self_test:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication([sys.argv[0] if sys.argv else "safetydesk"])
    assert isinstance(app, QApplication)
    app.setApplicationName("SafetyDesk")
    app.setOrganizationName("SafetyDesk")
    app.setApplicationVersion(__version__)
    wheel.install(app)  # the mouse wheel scrolls forms; it never changes an unfocused value
    return app


def run(paths: Paths, self_test: bool = False) -> int:
    """Open the window (or, with ``self_test``, build it offscreen and check it works)."""
    app = _application(self_test)
    styled = apply_style(app)
    plain_words.install(app)  # policy codes only in tooltips, in every window
    site.use(paths.site)  # the district's site configuration file, if any
    previous_hook = sys.excepthook
    if not self_test:
        install_crash_window(paths, app.activeWindow)  # an unexpected error: plain words, report for IT
        managed.report_site_problems(None)  # mistakes in the site configuration, with file and line
    worker = DbWorker()
    ctx = UiContext(paths, worker)
    try:
        if self_test:
            return _self_test(app, ctx, styled)
        return _interactive(app, ctx)
    finally:
        worker.stop(final=ui_support.close_session)
        sys.excepthook = previous_hook


def _interactive(app: QApplication, ctx: UiContext) -> int:
    name = single_instance.server_name(ctx.paths.data_file)
    if single_instance.ask_running(name):
        print("SafetyDesk is already open for this data file; its window was brought forward.")
        return 0
    running = single_instance.SingleInstance(name, app)
    running.listen()
    session, username = None, ""
    if not files.data_file_exists(ctx.paths):
        from safetydesk.ui.app.first_run import FirstRunDialog  # only before the data file exists

        first = FirstRunDialog(ctx)
        if first.exec() != QDialog.DialogCode.Accepted:
            return 0
        session, username = first.session, first.username
    if session is None:
        session = sign_in(ctx, username)
        if session is None:
            return 0
    shell = Shell(app, ctx)
    shell.start(session)
    running.asked.connect(shell.bring_forward)
    try:
        return app.exec()
    finally:
        running.close()


class Shell:
    """Owns the main window for the life of the program: start it, and switch user."""

    def __init__(self, app: QApplication, ctx: UiContext) -> None:
        self.app = app
        self.ctx = ctx
        self.window: MainWindow | None = None

    def start(self, session: Any) -> MainWindow:
        self.ctx.sign_in(session)
        window = build_main_window(self.app, self.ctx)
        window.switch_user_requested.connect(lambda: self.switch(window))
        self.window = window
        window.show()
        return window

    def bring_forward(self) -> None:
        """A second start of SafetyDesk: show this window instead (restored if minimised)."""
        window = self.window or self.app.activeWindow()
        if window is None:
            return
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
        window.raise_()
        window.activateWindow()

    def switch(self, old: MainWindow) -> MainWindow | None:
        """Sign the current user out and let the next one in (one click on a shared workstation).

        The old window has already kept its unsaved forms as drafts. Returns the new
        window, or None when nobody signed in (the program then ends).
        """
        previous = self.ctx.actor.username if self.ctx.actor else ""
        old.remember_layout()  # the next person gets their own layout; this one keeps theirs
        wait_for(self.ctx.worker, ui_support.close_session, session=True, label="Signing out")
        self.ctx.sign_out()
        old.hide()
        old.deleteLater()
        self.window = None
        log.info("%s signed out (switch user)", previous)
        session = sign_in(self.ctx)
        if session is None:
            self.app.quit()
            return None
        return self.start(session)


def _self_test(app: QApplication, ctx: UiContext, styled: bool) -> int:
    """Post-install check: open the data file (if any) and build the window offscreen."""
    shown: list[str] = []
    previous_hook = prompts.hook
    prompts.hook = lambda kind, title, text, **_: shown.append(f"{title}: {text}") if kind in (
        "error", "info") else None  # never block on a dialog offscreen
    try:
        if not styled:
            raise RuntimeError("the style sheet (resources/style.qss) is missing from this install")
        if site.active().problems:
            raise RuntimeError("; ".join(str(p) for p in site.active().problems))
        what = "no data file yet"
        if files.data_file_exists(ctx.paths):
            what = f"data file {ctx.paths.data_file} present"
            user, password = os.environ.get("SAFETYDESK_USER"), os.environ.get("SAFETYDESK_PASSWORD")
            if user and password is not None:
                ctx.sign_in(wait_for(ctx.worker, files.sign_in, ctx.paths, user, password))
                what = f"data file {ctx.paths.data_file} opens, {user} signs in"
        window = build_main_window(app, ctx)
        window.show()
        app.processEvents()
        deadline = QDeadlineTimer(20_000)
        while not ctx.worker.is_idle() and not deadline.hasExpired():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if not ctx.worker.is_idle():
            raise RuntimeError("the window did not finish loading within 20 seconds")
        if shown:
            raise RuntimeError("; ".join(shown))
        window.close()
        window.deleteLater()
        app.processEvents()
        print(f"SafetyDesk {__version__} self-test: OK ({what}; window builds).")
        return 0
    except SafetyDeskError as exc:
        print(f"safetydesk: self-test failed: {exc.message}", file=sys.stderr)
    except Exception as exc:
        log.exception("Self-test failed")
        print(f"safetydesk: self-test failed: {exc}", file=sys.stderr)
    finally:
        prompts.hook = previous_hook
    return 1
