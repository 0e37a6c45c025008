"""The start of a fresh process that builds the main window as the program does, for the start-up
tests that then check what is (not) imported and use each deferred part once.

``WINDOW_CHILD`` reads the data folder and the admin's password from ``sys.argv[1:3]`` (a test's
own arguments follow), signs in, builds and shows the window, and defines ``settle()``: run the
event loop until the database worker is idle."""

WINDOW_CHILD = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QDeadlineTimer, QEventLoop
from safetydesk.paths import resolve
from safetydesk.services import files
from safetydesk.ui.app import application
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.worker import DbWorker

home, password = Path(sys.argv[1]), sys.argv[2]
app = application._application(True)
application.apply_style(app)
worker = DbWorker()
ctx = UiContext(resolve(home), worker)
ctx.sign_in(application.wait_for(worker, files.sign_in, ctx.paths, "admin", password))
window = application.build_main_window(app, ctx)
window.show()


def settle():
    deadline = QDeadlineTimer(60_000)
    app.processEvents()
    while not worker.is_idle() and not deadline.hasExpired():
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    app.processEvents()

"""
