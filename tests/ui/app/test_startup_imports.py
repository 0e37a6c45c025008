"""Start-up imports only what the first window needs (issue 14).

A fresh Python process starts SafetyDesk the way the `safetydesk` command does (the self-test
signs in, builds the main window offscreen and waits until the dashboard and the list have
loaded), then reports which modules it imported. The PDF library, numpy, the suppression
solver, the pages of the sections not shown first, the migrations' sqlite-utils, the sync engine
and Qt's printing are imported only when used (each has its own test that it works then).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from support import ADMIN_PASSWORD

CHILD = """
import json, sys
from safetydesk.app import main
code = main(["--home", sys.argv[1], "--self-test"])
modules = sorted(sys.modules)
# what a migration would use, made now as a migration makes it (start-up did not need it)
import sqlite3
from safetydesk.store import schema, store
schema.migrations.real()
store._database(sqlite3.connect(":memory:"))
import sqlite_utils.plugins
print("PLUGINS", sqlite_utils.plugins._plugins_loaded, "numpy" in sys.modules, flush=True)
print("MODULES", json.dumps(modules), flush=True)
sys.exit(code)
"""

# Imported when a PDF is made, a report's figures are suppressed, or a section is opened.
NOT_AT_START = ("reportlab", "PIL", "numpy", "highspy", "scipy", "pandas", "zxcvbn", "keyring",
                "safetydesk.domain.suppression_audit", "safetydesk.reports.document",
                "safetydesk.reports.letters", "safetydesk.ui.reports", "safetydesk.ui.admin.settings_page",
                "safetydesk.ui.records.staff", "safetydesk.ui.records.complaints",
                "safetydesk.ui.records.students", "safetydesk.ui.records.agreements",
                "safetydesk.ui.records.interactions.form", "safetydesk.services.list_export",
                # the migrations' sqlite-utils (with click and dateutil), when a file is behind
                "sqlite_utils", "dateutil",
                # the sync engine, when a sync runs (the status bar reads only the state file)
                "safetydesk.sync.engine", "safetydesk.sync.enrol", "safetydesk.sync.grants",
                "safetydesk.sync.accounts", "safetydesk.sync.keys",
                # Qt's printing, when a list is printed or saved as PDF; a backup's CRC-32
                "PySide6.QtPrintSupport", "zlib_ng",
                # the crash window, at the first unexpected error
                "safetydesk.ui.app.crash",
                # the store's projectors (with the district and P20 projections) at its first
                # write or rebuild, its exchange code (with the import's checks) at a sync or an
                # import, and the site file's TOML reader when a district placed one (session 6)
                "safetydesk.store.projectors", "safetydesk.store.projections_district",
                "safetydesk.store.projections_p20", "safetydesk.store.exchange",
                "safetydesk.store.authority", "tomllib",
                # an account's travelling credential (X25519, HKDF) when a password is set or
                # one set elsewhere arrives, cryptography's key formats when a device key is
                # written, and the P14 guard at the first save
                "safetydesk.store.account_travel", "cryptography.hazmat.primitives.serialization",
                "safetydesk.domain.immigration_guard",
                # the projections the migrations name, when a file is behind or at the first
                # write; babel, for a date in a family's language (session 6, second round)
                "safetydesk.store.projections", "safetydesk.store.projections_everyday",
                "safetydesk.store.projections_dashboard", "safetydesk.domain.interventions", "babel",
                # an attachment's media type, when a file is attached
                "mimetypes",
                # html's escape (with html.entities), when a list is printed
                "html")


def _start(home: str) -> tuple[str, list[str]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SAFETYDESK_USER": "admin",
           "SAFETYDESK_PASSWORD": ADMIN_PASSWORD}
    env.pop("SAFETYDESK_HOME", None)
    result = subprocess.run([sys.executable, "-c", CHILD, home], capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    out, _, modules = result.stdout.partition("MODULES ")
    return out, json.loads(modules)


def test_start_up_imports_no_pdf_library_numpy_solver_or_hidden_pages(ui_world, _isolated_home):
    ui_world.session.store.close()  # the child opens the file itself
    out, modules = _start(str(_isolated_home))
    assert "self-test: OK" in out and "admin signs in" in out  # the window was built, with data
    loaded = [m for m in modules if any(m == name or m.startswith(name + ".") for name in NOT_AT_START)]
    assert loaded == []
    assert "safetydesk.ui.dashboard" in modules  # the check itself sees what start-up imports
    assert "safetydesk.store.schema" in modules  # the migrations are checked at open ...
    assert "safetydesk.ui.records.interactions.listing" in modules  # ... and the list is built


def test_migrating_looks_for_no_sqlite_utils_plugins_and_imports_no_numpy(ui_world, _isolated_home):
    """Looking for plugins reads the metadata of every installed package (1.7 s on a cold
    disk), and none may run on the data file anyway; numpy is sqlite-utils' only for types
    SafetyDesk does not use (0.3 s)."""
    ui_world.session.store.close()
    out, _ = _start(str(_isolated_home))
    assert "admin signs in" in out
    assert "PLUGINS False False" in out
