"""What start-up no longer imports or builds works the first time it is used (issue 14).

A fresh Python process builds the window as the program does (signed in, the dashboard and the
list loaded), checks that none of the deferred parts is there yet, then uses each one once:
the lock screen, Qt's printing (the list saved as a PDF, read back), the interaction list's
column fit when the list is first shown, the sync engine, the migrations' sqlite-utils on
a new data file, zlib-ng's CRC-32 for a backup of it, and the crash window at a first
unexpected error.
"""

from __future__ import annotations

import os
import subprocess
import sys

from window_child import WINDOW_CHILD

from support import ADMIN_PASSWORD

CHILD = WINDOW_CHILD + r"""
out = Path(sys.argv[3])

settle()
deferred = ("PySide6.QtPrintSupport", "sqlite_utils", "safetydesk.sync.engine", "zlib_ng",
            "safetydesk.ui.app.crash")
print("AT-START", [m for m in deferred if m in sys.modules], window._lock_screen is None,
      window.interactions.memory._fitted, flush=True)

window.lock(True)
settle()
print("LOCKED", window.root.currentWidget() is window.lock_screen, window.lock_screen.isVisible(),
      flush=True)
window.lock_screen.password.setText(password)
window.lock_screen.unlock_button.click()
settle()
print("UNLOCKED", not window.locked, window.root.currentIndex() == 0, flush=True)

window.show_section(1)
settle()
table = window.interactions.table
header = table.horizontalHeader()
print("ROWS", window.interactions.model.rowCount(), flush=True)
print("FITTED", window.interactions.memory._fitted,
      header.sectionSize(0) >= table.sizeHintForIndex(window.interactions.model.index(0, 0)).width(),
      flush=True)

outputs = window.interactions.outputs
outputs._rows_then(lambda rows: outputs._pdf(rows, str(out)))
settle()
print("PDF", out.is_file(), "PySide6.QtPrintSupport" in sys.modules, flush=True)

from safetydesk.services import sync
from safetydesk.sync.errors import SyncError
try:
    application.wait_for(worker, sync.sync_now, ctx.paths, session=True)
except SyncError as exc:
    print("SYNC", "has not joined" in exc.message, "safetydesk.sync.engine" in sys.modules, flush=True)

from safetydesk.store import Store
fresh = Store.open(out.parent / "fresh.sqlite")
print("MIGRATED", "record_state" in fresh.db.table_names(), "sqlite_utils" in sys.modules,
      "numpy" in sys.modules, flush=True)
from safetydesk.store.backup import read_manifest, write_backup
copy = write_backup(fresh.conn, None, fresh.path, out.parent / "fresh.sdbackup")  # read back inside
print("BACKUP", read_manifest(copy)["format"], "zlib_ng" in sys.modules, flush=True)
fresh.close()

application.install_crash_window(ctx.paths, lambda: window)  # as the program installs it
try:
    raise ValueError("an unexpected error in a slot")
except ValueError as exc:
    sys.excepthook(type(exc), exc, exc.__traceback__)
from safetydesk.ui.app import crash
app.processEvents()
shown = [w for w in app.topLevelWidgets() if isinstance(w, crash.CrashDialog) and w.isVisible()]
print("CRASH", isinstance(sys.excepthook, crash.CrashHandler), len(shown),
      len(list((ctx.paths.logs / crash.REPORTS_FOLDER).glob("error-*.txt"))), flush=True)
worker.stop()
"""


def test_what_start_up_defers_works_when_first_used(ui_world, _isolated_home, tmp_path):
    from safetydesk.services import interactions

    for location in ("Cafeteria", "North parking lot by the gym doors"):
        interactions.log_interaction(ui_world.session, ui_world.draft(location=location))
    ui_world.session.store.close()  # the child opens the file itself
    pdf = tmp_path / "list.pdf"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", CHILD, str(_isolated_home), ADMIN_PASSWORD, str(pdf)],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["AT-START"] == "[] True False"  # nothing deferred was there at start
    assert lines["LOCKED"] == "True True"
    assert lines["UNLOCKED"] == "True True"
    assert lines["ROWS"] == "2"
    assert lines["FITTED"] == "True True"
    assert lines["PDF"] == "True True"
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "Interactions" in text and "North parking lot" in text
    assert lines["SYNC"] == "True True"  # the engine was imported, and said why it cannot sync
    assert lines["MIGRATED"] == "True True False"
    assert lines["BACKUP"] == "safetydesk-backup/1 True"  # written and read back with zlib-ng's CRC-32
    assert lines["CRASH"] == "True 1 1"  # the crash window, its handler from then on, a report kept
