"""What session 6 took out of start-up works the first time it is used (issue 14).

A fresh Python process builds the window as the program does (signed in, the dashboard and the
list loaded) and checks that the store's projectors (with the district and P20 projections),
its exchange code (with the import's permission checks) and the site file's TOML reader are not
imported yet. Then, in that real window, it uses each once: saves an interaction through the
window's worker (the list shows it), imports entries through the exchange API, verifies the data
file (the rebuild folds through the projectors), opens every section page, and reads a site file;
also the P14 guard (at the first save) and an account's travelling credential (a new password).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

from window_child import WINDOW_CHILD

from support import ADMIN_PASSWORD

DEFERRED = ("safetydesk.store.projectors", "safetydesk.store.projections_district",
            "safetydesk.store.projections_p20", "safetydesk.store.exchange",
            "safetydesk.store.authority", "safetydesk.store.account_travel",
            "cryptography.hazmat.primitives.serialization", "safetydesk.domain.immigration_guard",
            "tomllib",
            # second round: the projections the migrations name (m010, m030), when a file is
            # behind or at the first write, and babel, for a date in a family's language
            "safetydesk.store.projections", "safetydesk.store.projections_everyday",
            "safetydesk.store.projections_dashboard", "safetydesk.domain.interventions", "babel",
            "mimetypes", "html")

CHILD = WINDOW_CHILD + r"""
import json
deferred, draft = json.loads(sys.argv[3]), json.loads(sys.argv[4])

def on_worker(fn, *args, write=False):
    box = {}
    (worker.write if write else worker.read)(fn, *args, done=lambda r: box.setdefault("result", r),
                                             error=lambda e: box.setdefault("error", e))
    settle()
    if "error" in box:
        raise box["error"]
    return box["result"]


settle()
print("AT-START", json.dumps([m for m in deferred if m in sys.modules]), flush=True)

import datetime
from safetydesk.reports.formats import date_in
print("BABEL", date_in(datetime.date(2026, 12, 1), "es"), "babel" in sys.modules, flush=True)
from safetydesk.domain.attachments import attachment_state
print("MEDIA", attachment_state("scan.pdf", b"%PDF-1.4", "SCH", "interaction")["media_type"],
      "mimetypes" in sys.modules, flush=True)
from safetydesk.ui.kit.list_tools import list_document
doc = list_document("Interactions", "All schools", ("Where",), (("Gym <east> & hall",),))
print("PRINTED", "Gym <east> & hall" in doc.toPlainText(), "html" in sys.modules, flush=True)
before = window.interactions.model.rowCount()

from safetydesk.domain.records import InteractionDraft
from safetydesk.services import interactions
saved = on_worker(interactions.log_interaction, InteractionDraft(**draft), write=True)
settle()
print("SAVED", bool(saved), window.interactions.model.rowCount() - before,
      "safetydesk.store.projectors" in sys.modules, "safetydesk.domain.immigration_guard" in sys.modules,
      flush=True)
from safetydesk.domain.errors import SafetyDeskError
try:  # the P14 guard, imported at the first save, refuses what it always refused
    on_worker(interactions.log_interaction, InteractionDraft(**{
        **draft, "narrative": "The student said he was born in Guatemala."}), write=True)
    print("P14 saved", flush=True)
except SafetyDeskError as exc:
    print("P14 refused", type(exc).__name__, flush=True)

from safetydesk.services import accounts
new_password = "Lantern-orchard-basalt-7-quiver"
on_worker(accounts.change_own_password, password, new_password, write=True)
travel = on_worker(lambda session: sorted(accounts.ring_of(session.store).travel))
print("PASSWORD", "admin" in travel, "safetydesk.store.account_travel" in sys.modules,
      "cryptography.hazmat.primitives.serialization" in sys.modules, flush=True)


def exchange_round(session):
    store = session.store
    entries = store.entries_since(store.device_id, 0)
    report = store.import_entries(entries)  # every entry is held already: nothing changes
    return len(entries), report.imported, report.duplicates, len(report.held)


sent, imported, duplicates, held = on_worker(exchange_round)
print("IMPORT", sent > 0 and duplicates == sent, imported, held,
      "safetydesk.store.exchange" in sys.modules, "safetydesk.store.authority" in sys.modules, flush=True)

problems = on_worker(files.verify)
print("VERIFY", json.dumps(problems), "safetydesk.store.projections_p20" in sys.modules, flush=True)

from safetydesk.ui.app.main_window import LazyPage
built = []
for i in range(len(window.sections)):
    window.show_section(i)
    settle()
    page = window.stack.currentWidget()
    built.append(window.stack.currentIndex() == i and page.isVisible() and not isinstance(page, LazyPage))
print("PAGES", len(built), all(built), flush=True)

from safetydesk import site
config = site.parse('district = "Olympia School District"\n', home / "site.toml")
print("SITE", config.district, "tomllib" in sys.modules, flush=True)
worker.stop()
"""


def test_what_session_six_defers_works_when_first_used_in_a_real_window(ui_world, _isolated_home):
    draft = dataclasses.asdict(ui_world.draft(location="North parking lot by the gym doors"))
    ui_world.session.store.close()  # the child opens the file itself
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(_isolated_home), ADMIN_PASSWORD, json.dumps(DEFERRED),
         json.dumps(draft)], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert json.loads(lines["AT-START"]) == []  # none of them was imported to show the window
    assert lines["BABEL"] == "1 dic 2026 True"  # a Spanish letter's date, through babel
    assert lines["MEDIA"] == "application/pdf True"  # an attachment's type, through mimetypes
    assert lines["PRINTED"] == "True True"  # a list to print, its text escaped through html
    assert lines["SAVED"] == "True 1 True True"  # saved, shown in the list, through the projectors
    assert lines["P14"].startswith("refused ")
    assert lines["PASSWORD"] == "True True True"  # the account's travelling credential, made anew
    assert lines["IMPORT"] == "True 0 0 True True"
    assert json.loads(lines["VERIFY"].rsplit(" ", 1)[0]) == []
    assert lines["VERIFY"].endswith(" True")
    count, every = lines["PAGES"].split()
    assert int(count) >= 8 and every == "True"  # every section page built and shown
    assert lines["SITE"] == "Olympia School District True"


BEHIND = r"""
import json, sqlite3, sys
from safetydesk.store import schema

conn = sqlite3.connect(sys.argv[1])
schema.migrations.apply(__import__("sqlite_utils").Database(conn), stop_before="m010_everyday_records")
state = {"school_id": "SCH-ALDER", "occurred_at": "2025-10-06 14:05", "type": "other",
         "narrative": "Fictional."}
conn.execute("INSERT INTO record_state VALUES ('interaction', 'I1', ?, 1, 'h1', 'h1', 'u', 'u')",
             (json.dumps(state),))
conn.execute("INSERT INTO record_state VALUES ('disclosure', 'D1', ?, 1, 'h2', 'h2', 'u', 'u')",
             (json.dumps({"released_at": "2025-10-07", "recipient": "A parent", "student_ids": ["S1"]}),))
conn.commit()
names = ("safetydesk.store.projections", "safetydesk.store.projections_everyday")
print("BEFORE", json.dumps([m for m in names if m in sys.modules]), flush=True)
schema.migrations.apply(__import__("sqlite_utils").Database(conn), stop_before="m040_device_chains")
print("AFTER", json.dumps([m for m in names if m in sys.modules]), flush=True)
print("DETAILS", json.dumps(conn.execute(
    "SELECT interaction_id, school_id, school_year FROM interaction_details").fetchall()), flush=True)
print("DISCLOSURES", json.dumps(conn.execute(
    "SELECT d.id, d.recipient, s.student_id FROM disclosures d JOIN disclosure_students s"
    " ON s.disclosure_id = d.id").fetchall()), flush=True)
"""


def test_a_file_behind_the_migrations_that_fill_from_the_projections_still_migrates(tmp_path):
    """The everyday and disclosure migrations (m010, m030) fill their tables through the
    projections, which an up-to-date file no longer imports at open: a file made before them
    still gets its rows, the projections imported when those migrations run."""
    result = subprocess.run([sys.executable, "-c", BEHIND, str(tmp_path / "old.sqlite")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert json.loads(lines["BEFORE"]) == []
    assert json.loads(lines["AFTER"]) == ["safetydesk.store.projections",
                                          "safetydesk.store.projections_everyday"]
    assert json.loads(lines["DETAILS"]) == [["I1", "SCH-ALDER", "2025-26"]]
    assert json.loads(lines["DISCLOSURES"]) == [["D1", "A parent", "S1"]]
