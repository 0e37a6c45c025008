"""The scale benchmark (issue 14): every figure beside an anchor doing the same work, same run, same data.

    python3 dev.py bench                       # 1,000,000 interactions (the demo must be built first)
    python3 dev.py bench --interactions 10000  # the small run CI makes
    .venv/bin/python benchmarks/run.py --interactions 100000 --repeat 7

Builds (or reuses) a demo data folder of N interactions in --folder (default: the system's
temporary folder, safetydesk-bench-N), copies the tables the anchors need into a bare,
unencrypted SQLite file beside it, then runs each figure and its anchor alternately --repeat
times and prints ONE table of medians: figure, anchor, ratio. Asserts nothing (tests never assert
on time). "cold" empties the connection's page cache first (PRAGMA shrink_memory).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from safetydesk import demo
from safetydesk.demo.generator import DEMO_PASSWORD, SETUP_USER
from safetydesk.domain import suppression_audit
from safetydesk.domain.filters import InteractionFilter, fts_query
from safetydesk.domain.records import InteractionDraft
from safetydesk.paths import resolve
from safetydesk.services import accounts, files, interactions, reports
from safetydesk.services import dashboard as dashboard_service
from safetydesk.services.context import Session
from safetydesk.store import queries
from safetydesk.store import queries_p20 as qp20
from safetydesk.store.queries_reports import DEMOGRAPHICS

TODAY = date(2026, 11, 28)
PAGE = 200
Fn = Callable[[], Any]


def _ms(fn: Fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


class Table:
    def __init__(self, repeat: int) -> None:
        self.repeat = repeat
        self.rows: list[tuple[str, float, str, float | None]] = []

    def add(self, figure: str, fn: Fn, anchor: str = "-", anchor_fn: Fn | None = None,
            before: Fn | None = None, repeat: int | None = None) -> None:
        """Median of ``repeat`` runs of ``fn`` and of ``anchor_fn``, alternating one after the other."""
        mine, theirs = [], []
        for _ in range(repeat or self.repeat):
            if before:
                before()
            mine.append(_ms(fn))
            if anchor_fn is not None:
                if before:
                    before()
                theirs.append(_ms(anchor_fn))
        self.rows.append((figure, statistics.median(mine), anchor,
                          statistics.median(theirs) if theirs else None))
        print(f"  measured: {figure}", file=sys.stderr, flush=True)

    def print(self, title: str) -> None:
        print(f"\n{title}\n")
        print("| figure | median ms | anchor in the same run | anchor ms | ratio |")
        print("|---|---:|---|---:|---:|")
        for figure, mine, anchor, theirs in self.rows:
            ratio = f"x{mine / theirs:.3g}" if theirs else "-"
            print(f"| {figure} | {mine:.1f} | {anchor} | {f'{theirs:.1f}' if theirs else '-'} | {ratio} |")


def tables_rows(t: Table, session: Any, year: str, bare_tables: Fn, repeat: int) -> None:
    """The P20 tables four ways, each beside the anchor's two GROUP BYs: first opening (no audit
    result kept anywhere: the audit is solved), first opening after a write that changed a count
    (the year's counts before one more student was involved solved and kept as its last pattern,
    nothing kept for the new ones), after a restart (the result kept in the data file, none in
    memory) and opened again (kept in memory too); then the CPU time of the restart case."""
    def forget_all() -> None:
        suppression_audit.clear_cache()
        with session.store.write() as conn:
            conn.execute("DELETE FROM p20_audit_kept")

    tables = lambda: reports.disaggregated_tables(session, year)  # noqa: E731
    t.add(f"disaggregated tables for one year ({year}), first opening (the audit solved)", tables,
          "the equivalent GROUP BY on bare tables", bare_tables, before=forget_all)
    shown = tables()
    inv = [[list(r) for r in tb.values] for tb in shown.involved]
    enr = [[list(r) for r in tb.values] for tb in shown.enrolled]
    # The counts as they stood before one more student was involved: one student taken out of the
    # largest involved group at the school with the most students involved, in every dimension.
    before_write = [[list(r) for r in table] for table in inv]
    if inv and inv[0] and inv[0][0]:
        school = max(range(len(inv[0][0])), key=lambda c: sum(row[c] for row in inv[0]))
        for table in before_write:
            group = max(range(len(table)), key=lambda g: table[g][school])
            table[group][school] -= 1
    if before_write == inv or any(v < 0 for table in before_write for row in table for v in row):  # nobody involved
        print("  no student involved this year: no first opening after a write measured", file=sys.stderr)
    else:
        _after_a_write_rows(t, session, year, bare_tables, repeat, tables, forget_all, shown, inv, enr, before_write)
    t.add(f"disaggregated tables for one year ({year}), after a restart (the audit's result kept in the file)",
          tables, "the equivalent GROUP BY on bare tables", bare_tables, before=suppression_audit.clear_cache)
    t.add(f"disaggregated tables for one year ({year}), opened again (the audit's result in memory too)",
          tables, "the equivalent GROUP BY on bare tables", bare_tables)
    mine, theirs = [], []
    for _ in range(repeat):
        suppression_audit.clear_cache()
        mine.append(_cpu_ms(tables))
        theirs.append(_cpu_ms(bare_tables))
    t.rows.append((f"disaggregated tables ({year}), after a restart: CPU time", statistics.median(mine),
                   "the same GROUP BYs on bare tables: CPU time", statistics.median(theirs)))


def search_count_rows(t: Table, session: Any, bare: sqlite3.Connection, word: str, cold: Fn) -> None:
    """The count of a common word's hits (the list shows it beside the first page), cold and hot,
    for the district and for the principal of one school, each beside the bare full-text count of
    the same word (the FTS match alone: no live check, no scope); then both counts' CPU time."""
    query = fts_query(word)
    principal = Session(session.store, accounts.actor_for(session.store, "principal"), clock=session.clock)
    mine = lambda who=session: interactions.count_interactions(who, InteractionFilter(text=word))  # noqa: E731
    anchor = lambda: bare.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (query,)).fetchone()  # noqa: E731
    hits = anchor()[0]
    label = f"the count of a common word's hits ({hits:,} full-text hits)"
    what = "SELECT count(*) FROM fts WHERE fts MATCH ? on a bare table"
    t.add(f"{label}, cold", mine, what, anchor, before=cold)
    t.add(f"{label}, hot", mine, what, anchor)
    t.add(f"{label}, cold, as the principal of one school", lambda: mine(principal), what, anchor, before=cold)
    t.add(f"{label}, hot, as the principal of one school", lambda: mine(principal), what, anchor)
    ours, theirs = [], []
    for _ in range(t.repeat):
        ours.append(_cpu_ms(mine))
        theirs.append(_cpu_ms(anchor))
    t.rows.append((f"{label}, hot: CPU time", statistics.median(ours), f"{what}: CPU time", statistics.median(theirs)))


def _after_a_write_rows(t: Table, session: Any, year: str, bare_tables: Fn, repeat: int, tables: Fn, forget_all: Fn,
                        shown: Any, inv: list[list[list[int]]], enr: list[list[list[int]]],
                        before_write: list[list[list[int]]]) -> None:
    """The first opening after a write that changed a count: the year's counts before the write
    solved and kept as its last pattern, nothing kept for the new ones; wall and CPU time."""
    reused: list[bool] = []

    def the_year_solved_before_the_write() -> None:  # nothing kept for the new counts; the year's last pattern kept
        forget_all()
        suppression_audit.suppress_report(before_write, enr, shown.threshold, qp20.KeptAudits(session.store),
                                          series=year)
        suppression_audit.clear_cache()

    def opened() -> None:
        tables()
        kept = qp20.KeptAudits(session.store).get(f"last {suppression_audit.RULES} {shown.threshold} {year}")
        reused.append(kept is not None and json.loads(kept)["families"][0][0]["values"] == inv[0])

    t.add(f"disaggregated tables for one year ({year}), first opening after a write that changed a count"
          " (the year's last pattern tried first)", opened,
          "the equivalent GROUP BY on bare tables", bare_tables, before=the_year_solved_before_the_write)
    mine, theirs = [], []
    for _ in range(repeat):
        the_year_solved_before_the_write()
        mine.append(_cpu_ms(opened))
        theirs.append(_cpu_ms(bare_tables))
    t.rows.append((f"disaggregated tables ({year}), first opening after a write that changed a count: CPU time",
                   statistics.median(mine), "the same GROUP BYs on bare tables: CPU time", statistics.median(theirs)))
    print(f"  the year's last pattern reused: {sum(reused)} of {len(reused)} openings", file=sys.stderr, flush=True)


def _cpu_ms(fn: Fn) -> float:
    started = time.process_time()
    fn()
    return (time.process_time() - started) * 1000


def _build(folder: Path, n: int) -> tuple[float | None, Path]:
    paths = resolve(folder)
    if files.data_file_exists(paths):
        return None, folder
    started = time.perf_counter()
    demo.generate(paths, interactions=n, today=TODAY)
    return n / (time.perf_counter() - started), folder


def _bare(session: Any, folder: Path) -> Path:
    """A plain SQLite copy of the tables the anchors read, with the same indexes' plain twins."""
    bare = folder / "bare-anchor-2.sqlite"  # 2: with the students and their name index
    if bare.exists():
        return bare
    conn = session.store.conn
    conn.execute(f"ATTACH DATABASE '{bare}' AS bare KEY ''")
    for t in ("interactions", "interaction_details", "interaction_students", "students"):
        conn.execute(f"CREATE TABLE bare.{t} AS SELECT * FROM main.{t}")
    conn.execute("DETACH DATABASE bare")
    b = sqlite3.connect(bare)
    b.executescript("""
        CREATE INDEX when_ ON interactions (occurred_at, id);
        CREATE INDEX school_when ON interactions (school_id, occurred_at, id);
        CREATE INDEX details_year ON interaction_details (school_year, le_action);
        CREATE INDEX students_of ON interaction_students (interaction_id);
        CREATE UNIQUE INDEX students_id ON students (id);
        CREATE VIRTUAL TABLE fts USING fts5(narrative, location, content = 'interactions', content_rowid = 'n',
            tokenize = 'unicode61 remove_diacritics 2');
        INSERT INTO fts (fts) VALUES ('rebuild');
        CREATE INDEX students_of_student ON interaction_students (student_id);
        CREATE INDEX students_n ON students (n);
        CREATE VIRTUAL TABLE students_fts USING fts5(first_name, last_name, local_id, content = 'students',
            content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
        INSERT INTO students_fts (students_fts) VALUES ('rebuild');
        CREATE TABLE saves (id INTEGER PRIMARY KEY, body TEXT);
    """)
    b.commit()
    b.close()
    return bare


def _words(bare: sqlite3.Connection) -> tuple[str, str]:
    bare.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, fts, 'row')")
    common = bare.execute("SELECT term FROM temp.vocab WHERE length(term) > 3 ORDER BY doc DESC LIMIT 1").fetchone()
    rare = bare.execute("SELECT term FROM temp.vocab WHERE length(term) > 3 AND term GLOB '[a-z]*'"
                        " ORDER BY doc, term LIMIT 1").fetchone()
    return (rare[0] if rare else "seat"), (common[0] if common else "student")


def _draft_like(session: Any) -> InteractionDraft:
    row = interactions.list_interactions(session, InteractionFilter(type="de_escalation"), 0, 1) \
        or interactions.list_interactions(session, InteractionFilter(), 0, 1)
    people = queries.interaction_people(session.store, row[0]["id"])
    return InteractionDraft(
        occurred_at=row[0]["occurred_at"][:16], school_id=row[0]["school_id"], location=row[0]["location"],
        type=row[0]["type"], narrative="A benchmark save: staff spoke with a student about a seat.",
        students=[{"student_id": s["student_id"], "role": "subject"} for s in people["students"][:1]],
        staff=[{"staff_id": s["staff_id"], "role": "lead"} for s in people["staff"][:1]],
    )


def _executemany_rate(store: Any, folder: Path, n: int, cpu: list[float] | None = None) -> tuple[float, int]:
    """Interactions a second of a plain executemany of every row the demo wrote, into the same
    tables of an unencrypted file (one transaction), then their indexes and full-text indexes.

    Only the writing is timed: the rows are read from the demo's file chunk by chunk beforehand.
    ``cpu``: given, the CPU seconds of the same writing are appended to it (the build's CPU
    beside it is the steadier ratio on a loaded machine).
    """
    target = folder / "bench-executemany.sqlite"
    target.unlink(missing_ok=True)
    out = sqlite3.connect(target, isolation_level=None)
    out.execute("PRAGMA journal_mode = WAL")
    src = store.conn
    objects = src.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
                          " AND name NOT LIKE 'sqlite_%'").fetchall()
    fts = [name for kind, name, sql in objects if kind == "table" and "VIRTUAL TABLE" in sql.upper()]
    shadow = tuple(f"{f}_" for f in fts)
    tables = [(name, sql) for kind, name, sql in objects
              if kind == "table" and name not in fts and not name.startswith(shadow)]
    for _name, sql in tables:
        out.execute(sql)
    elapsed, used, rows = 0.0, 0.0, 0
    out.execute("BEGIN")
    for name, _sql in tables:
        cur = src.execute(f'SELECT * FROM "{name}"')
        width = len(cur.description)
        insert = f'INSERT INTO "{name}" VALUES ({",".join("?" * width)})'
        while chunk := cur.fetchmany(20_000):
            started, began = time.perf_counter(), time.process_time()
            out.executemany(insert, chunk)
            elapsed += time.perf_counter() - started
            used += time.process_time() - began
            rows += len(chunk)
    started, began = time.perf_counter(), time.process_time()
    for kind, _name, sql in objects:
        if kind in ("index", "trigger"):
            out.execute(sql)
    for _kind, name, sql in objects:
        if name in fts:
            out.execute(sql)
            out.execute(f"INSERT INTO {name} ({name}) VALUES ('rebuild')")
    out.execute("COMMIT")
    elapsed += time.perf_counter() - started
    used += time.process_time() - began
    if cpu is not None:
        cpu.append(used)
    out.close()
    for f in folder.glob("bench-executemany.sqlite*"):
        f.unlink(missing_ok=True)
    return n / elapsed, rows


# Start-up, each in a fresh Python process (offscreen), from interpreter start to a window showing
# its data; SafetyDesk's sign-in (argon2id) is timed inside the child and taken off. The child
# also reports its steps (seconds from its first line): imports done, window built, data loaded.
STARTUP_CHILD = """
import time
began = time.perf_counter()
import os, sys
from PySide6.QtCore import QDeadlineTimer, QEventLoop
from safetydesk.paths import resolve
from safetydesk.services import files
from safetydesk.ui.app import application
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.worker import DbWorker
imported = time.perf_counter()
app = application._application(True)
application.apply_style(app)
worker = DbWorker()
ctx = UiContext(resolve(sys.argv[1]), worker)
started = time.perf_counter()
session = application.wait_for(worker, files.sign_in, ctx.paths, sys.argv[2], sys.argv[3])
signed_in = time.perf_counter() - started
ctx.sign_in(session)
window = application.build_main_window(app, ctx)  # as the program builds it
window.show()
app.processEvents()
built = time.perf_counter()
deadline = QDeadlineTimer(280_000)  # under the parent's 300 s timeout
# Wait as the program's event loop does: asleep until the worker's results arrive (a loop that
# polls would burn the main thread's CPU and take the GIL from the worker meanwhile); the timer
# only lets the deadline be checked.
from PySide6.QtCore import QTimer
tick = QTimer()
tick.start(100)
while not worker.is_idle() and not deadline.hasExpired():
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
tick.stop()
loaded = time.perf_counter()
rows = window.interactions.model.rowCount()
print("SIGNIN", signed_in, rows, flush=True)
print("STEPS", imported - began, built - imported - signed_in, loaded - built, flush=True)
if not (rows and worker.is_idle()):
    print(f"the window had {rows} rows and its worker was {'idle' if worker.is_idle() else 'still busy'}"
          f" after {loaded - built:.0f} s of loading", file=sys.stderr, flush=True)
os._exit(0 if rows and worker.is_idle() else 3)
"""

BARE_CHILD = """
import os, sqlite3, sys
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv[:1])
conn = sqlite3.connect(sys.argv[1])
rows = conn.execute("SELECT occurred_at, school_id, location, type, students_label, staff_label"
                    " FROM interactions WHERE retracted = 0 AND duplicate_of = ''"
                    " ORDER BY occurred_at DESC, id DESC LIMIT 200").fetchall()
model = QStandardItemModel(len(rows), 6)
for r, row in enumerate(rows):
    for c, value in enumerate(row):
        model.setItem(r, c, QStandardItem(str(value)))
window = QMainWindow()
table = QTableView()
table.setModel(model)
window.setCentralWidget(table)
window.resize(1320, 860)
window.show()
app.processEvents()
print("ROWS", model.rowCount(), flush=True)
os._exit(0)
"""


# verify's peak memory, in a fresh process: its resident set signed in, then its peak during verify.
# The sign-in's argon2id alone peaks above that, so on Linux the peak is reset after it (clear_refs).
VERIFY_CHILD = """
import resource, sys
from pathlib import Path
from safetydesk.paths import resolve
from safetydesk.services import files
def status(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
session = files.sign_in(resolve(sys.argv[1]), sys.argv[2], sys.argv[3])
try:
    Path("/proc/self/clear_refs").write_text("5")
    before = status("VmRSS")
except OSError:
    before = None
problems = files.verify(session)
peak = status("VmHWM") if before is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RSS", before or 0.0, peak, len(problems), flush=True)
"""


def _cpu_ms(fn: Fn) -> float:
    """CPU time of ``fn`` in ms: this process's threads and the child processes it waited for
    (verify's refold runs in worker processes, store/verify_parts.py)."""
    def now() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
    started = now()
    fn()
    return (now() - started) * 1000


def verify_cpu_row(t: Table, session: Session, repeat: int) -> None:
    """verify's CPU time beside integrity_check's, alternating (on a loaded machine the steadier figure)."""
    conn = session.store.conn
    mine, theirs = [], []
    for _ in range(repeat):
        mine.append(_cpu_ms(lambda: files.verify(session)))
        theirs.append(_cpu_ms(lambda: conn.execute("PRAGMA integrity_check").fetchall()))
    t.rows.append(("verify, CPU time (with its worker processes)", statistics.median(mine),
                   "integrity_check's CPU time", statistics.median(theirs)))
    print("  measured: verify's CPU time", file=sys.stderr, flush=True)


def verify_memory_row(t: Table, folder: Path) -> None:
    """Peak resident memory (MiB) of a fresh process verifying, beside the same process signed in."""
    _elapsed, out = _child(VERIFY_CHILD, str(folder), SETUP_USER, DEMO_PASSWORD, timeout=4 * 3600)
    before, peak, problems = out.split("RSS")[1].split()
    t.rows.append((f"verify, peak memory of a fresh process during verify, MiB ({problems} problems found)",
                   float(peak), "the same process signed in, before verify (MiB)", float(before) or None))
    print("  measured: verify's memory", file=sys.stderr, flush=True)


def child_env(folder: Path) -> dict[str, str]:
    """The children's environment: offscreen, and with compiled bytecode as an installed program
    has it (kept in a folder of the benchmark's own, made by an untimed first run; a shell that
    sets PYTHONDONTWRITEBYTECODE would otherwise make every start-up compile SafetyDesk's
    sources again, which no installed copy does)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


# Scrolling the interaction list top to bottom in the real window (offscreen, a fresh process):
# the scroll bar is dragged from the top to the bottom in equal steps; after each step the event
# loop runs until the rows in view are shown. A frame is one pass of the event loop (what keeps the
# window from answering); "rows shown" is the time from a step until its rows are on screen (the
# page's query runs on the worker meanwhile). Peak memory is the process's maximum resident size.
SCROLL_CHILD = """
import os, resource, statistics, sys, time
from PySide6.QtCore import QDeadlineTimer, QEventLoop
from safetydesk.paths import resolve
from safetydesk.services import files
from safetydesk.ui.app import application
from safetydesk.ui.app.main_window import MainWindow
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.worker import DbWorker
app = application._application(True)
application.apply_style(app)
worker = DbWorker()
ctx = UiContext(resolve(sys.argv[1]), worker)
ctx.sign_in(application.wait_for(worker, files.sign_in, ctx.paths, sys.argv[2], sys.argv[3]))
def peak_mib():  # the process's peak resident set since the sign-in (whose argon2id alone peaks higher)
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
try:
    open("/proc/self/clear_refs", "w").write("5")  # Linux: the peak starts again from here
except OSError:
    pass
window = MainWindow(ctx)
window.resize(1366, 768)
window.show()
page = window.interactions
window.show_section_key("interactions")
deadline = QDeadlineTimer(120_000)
while (not worker.is_idle() or not page.model.rowCount()) and not deadline.hasExpired():
    app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
table, model = page.table, page.model
opened = peak_mib()
bar = table.verticalScrollBar()
steps = int(sys.argv[4])
frames, shown = [], []

def in_view():
    top = max(0, table.rowAt(0))
    bottom = table.rowAt(table.viewport().height() - 1)
    bottom = model.rowCount() - 1 if bottom < 0 else bottom
    return model.row(top) is not None and model.row(bottom) is not None

for k in range(1, steps + 1):
    started = time.perf_counter()
    bar.setValue(round(bar.maximum() * k / steps))
    deadline = QDeadlineTimer(60_000)
    while True:
        t0 = time.perf_counter()
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        frames.append(time.perf_counter() - t0)
        if in_view() or deadline.hasExpired():
            break
    shown.append(time.perf_counter() - started)
peak = peak_mib()
at_end = bar.value() == bar.maximum()
rows, pages = model.rowCount(), model.pages_fetched
# A common word typed into the search: until its first rows are in the list, and until its count.
word = sys.argv[5]
firsts, counts = [], []
reset = []
model.modelReset.connect(lambda: reset.append(1))
for _ in range(int(sys.argv[6])):
    for text in ("", word):
        started = time.perf_counter()
        reset.clear()  # the rows shown before the reset are the old search's
        page.show_filter(text=text)
        first = None
        deadline = QDeadlineTimer(120_000)
        while not (worker.is_idle() and model.counted) and not deadline.hasExpired():
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)
            if first is None and reset and model.rowCount() and model.row(0) is not None:
                first = time.perf_counter() - started
        if text:
            firsts.append(first if first is not None else time.perf_counter() - started)
            counts.append(time.perf_counter() - started)
print("SCROLL", max(frames) * 1000, statistics.median(shown) * 1000, max(shown) * 1000, peak,
      rows, at_end, pages, opened, statistics.median(firsts) * 1000,
      statistics.median(counts) * 1000, flush=True)
os._exit(0 if at_end else 3)
"""


def scroll_rows(t: Table, folder: Path, steps: int, word: str, repeat: int = 3) -> None:
    """Scrolling the list top to bottom in the real widget: the longest frame, the time for rows
    to be shown after a step (median and longest) and the peak memory of the process."""
    # a jump far from both ends is an OFFSET page (no neighbouring page known): minutes at a million
    _elapsed, out = _child(SCROLL_CHILD, str(folder), SETUP_USER, DEMO_PASSWORD, str(steps),
                           word, str(repeat), timeout=3600)
    frame, median_shown, max_shown, peak, rows, _end, pages, opened, first, counted = \
        out.split("SCROLL")[1].split()
    label = f"scroll the list top to bottom ({int(rows):,} rows, {steps} drag steps, {pages} pages fetched)"
    t.rows.append((f"{label}: longest frame (target 50 ms)", float(frame), "-", None))
    t.rows.append((f"{label}: rows shown after a step, median / longest {float(max_shown):.0f} ms",
                   float(median_shown), "-", None))
    t.rows.append((f"{label}: peak memory after the sign-in, MiB (target 400; {float(opened):.0f} with the window open,"
                   " before the scroll)", float(peak), "-", None))
    t.rows.append((f"the window's list, a common word typed: its first rows shown (its count in"
                   f" {float(counted):.0f} ms)", float(first), "-", None))
    print("  measured: scrolling", file=sys.stderr, flush=True)


def listing_pdf_rows(t: Table, session: Any, year: str, repeat: int, counts: tuple[int, ...]) -> None:
    """The whole-year listing's PDF against reportlab laying out the same rows in the same
    document (bench_reports.listing_and_anchor), alternating, at two row counts (linear in rows?)."""
    from bench_reports import listing_and_anchor

    for n in counts:
        ours, anchor, rows, pages = listing_and_anchor(session, year, n)
        t.add(f"the year's listing as a PDF ({year}: {rows:,} rows, {pages} pages)", ours,
              "reportlab laying out the same rows in the same document", anchor, repeat=repeat)
        mine, theirs = [], []  # CPU time: what a loaded machine disturbs least (one process, one thread)
        for _ in range(repeat):
            mine.append(_cpu_ms(ours))
            theirs.append(_cpu_ms(anchor))
        t.rows.append((f"the year's listing as a PDF ({rows:,} rows): CPU time", statistics.median(mine),
                       "the same reportlab layout: CPU time", statistics.median(theirs)))


def _child(code: str, *args: str, env: dict[str, str] | None = None,
           cpu: list[float] | None = None, timeout: float = 300) -> tuple[float, str]:
    """Run ``code`` in a fresh interpreter: its wall time (ms) and output; its CPU time (user +
    system, ms) is appended to ``cpu``."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                            env=env or {**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=timeout)
    elapsed = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    if result.returncode != 0:
        raise SystemExit(f"benchmark child process failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed, result.stdout


def startup_rows(t: Table, folder: Path, bare_path: Path, repeat: int) -> dict[str, float]:
    """Start-up to a usable window with data (sign-in off) against a bare window with a 200-row
    table from SQLite, alternating; and sign-in against the same argon2id parameters alone.
    Returns the medians of the start-up's steps (ms): imports, window built, data loaded."""
    from argon2.low_level import Type, hash_secret_raw

    from safetydesk.store.keys import KdfParams

    env = child_env(folder)
    _child(STARTUP_CHILD, str(folder), SETUP_USER, DEMO_PASSWORD, env=env)  # bytecode, file cache
    _child(BARE_CHILD, str(bare_path), env=env)
    mine, theirs, signs, kdf = [], [], [], []
    mine_cpu: list[float] = []
    theirs_cpu: list[float] = []
    kdf_cpu: list[float] = []
    steps: list[list[float]] = []
    params = KdfParams()
    for _ in range(repeat):
        elapsed, out = _child(STARTUP_CHILD, str(folder), SETUP_USER, DEMO_PASSWORD, env=env,
                              cpu=mine_cpu)
        sign = float(out.split("SIGNIN")[1].split()[0]) * 1000
        steps.append([float(x) * 1000 for x in out.split("STEPS")[1].split()[:3]])
        mine.append(elapsed - sign)
        signs.append(sign)
        theirs.append(_child(BARE_CHILD, str(bare_path), env=env, cpu=theirs_cpu)[0])
        started, started_cpu = time.perf_counter(), time.process_time()
        hash_secret_raw(DEMO_PASSWORD.encode(), os.urandom(16), params.time_cost, params.memory_cost,
                        params.parallelism, 32, Type.ID)
        kdf.append((time.perf_counter() - started) * 1000)
        kdf_cpu.append((time.process_time() - started_cpu) * 1000)
    med = statistics.median
    t.rows.append(("start-up to a usable main window with data, sign-in excluded (fresh process)",
                   med(mine), "a bare PySide6 window with a QTableView of 200 rows from SQLite", med(theirs)))
    t.rows.append(("start-up CPU time (user + system; the sign-in's argon2id CPU time taken off)",
                   med(mine_cpu) - med(kdf_cpu), "the bare window's CPU time", med(theirs_cpu)))
    t.rows.append(("sign-in (argon2id unlock, open the encrypted file)", med(signs),
                   "the same argon2id parameters alone", med(kdf)))
    found = {name: med(s[i] for s in steps) for i, name in
             enumerate(("interpreter and imports", "window built (sign-in off)", "dashboard and list loaded"))}
    print("  measured: start-up and sign-in; start-up steps (medians): "
          + ", ".join(f"{k} {v:.0f} ms" for k, v in found.items()), file=sys.stderr, flush=True)
    return found


def run(n: int, repeat: int, folder: Path, skip: frozenset[str] = frozenset()) -> None:
    from safetydesk.ui.dashboard import load_dashboard  # the window's own loader (no widget made)

    folder.mkdir(parents=True, exist_ok=True)
    rate, _ = _build(folder, n)
    paths = resolve(folder)
    session = files.sign_in(paths, SETUP_USER, DEMO_PASSWORD)
    store = session.store
    bare_path = _bare(session, folder)
    bare = sqlite3.connect(bare_path)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    cols = "id, occurred_at, school_id, location, type, students_label, staff_label"
    total = interactions.count_interactions(session, InteractionFilter())
    t = Table(repeat)
    if "startup" not in skip:
        startup_rows(t, folder, bare_path, repeat)

    def cold() -> None:
        store.conn.execute("PRAGMA shrink_memory")
        bare.execute("PRAGMA shrink_memory")

    def first_rows() -> None:
        f = InteractionFilter()
        interactions.count_interactions(session, f)
        interactions.list_interactions(session, f, 0, PAGE)

    def bare_first_rows() -> None:
        bare.execute("SELECT COUNT(*) FROM interactions WHERE retracted = 0 AND duplicate_of = ''").fetchone()
        bare.execute(f"SELECT {cols} FROM interactions WHERE retracted = 0 AND duplicate_of = ''"
                     f" ORDER BY occurred_at DESC, id DESC LIMIT {PAGE}").fetchall()

    t.add("first rows of the list (count + first page), cold", first_rows,
          "the same on a bare table, no index on the filter", bare_first_rows, before=cold)
    t.add("first rows of the list, hot", first_rows, "the same on a bare table", bare_first_rows)
    last = (total - 1) // PAGE
    t.add("last page of the list (keyset from the end)",
          lambda: interactions.list_interactions(session, InteractionFilter(), 0, total - last * PAGE, from_end=True),
          "keyset query on a bare table",
          lambda: bare.execute(f"SELECT {cols} FROM interactions WHERE retracted = 0 AND duplicate_of = ''"
                               f" ORDER BY occurred_at, id LIMIT {total - last * PAGE}").fetchall())
    t.add("last page by OFFSET (the old way)",
          lambda: interactions.list_interactions(session, InteractionFilter(), last * PAGE, PAGE),
          "keyset query on a bare table",
          lambda: bare.execute(f"SELECT {cols} FROM interactions WHERE retracted = 0 AND duplicate_of = ''"
                               f" ORDER BY occurred_at, id LIMIT {total - last * PAGE}").fetchall())
    school = interactions.list_interactions(session, InteractionFilter(), 0, 1)[0]["school_id"]

    def filter_change() -> None:
        f = InteractionFilter(school_id=school)
        interactions.count_interactions(session, f)
        interactions.list_interactions(session, f, 0, PAGE)

    def bare_filter_change() -> None:
        w = "school_id = ? AND retracted = 0 AND duplicate_of = ''"
        bare.execute(f"SELECT COUNT(*) FROM interactions WHERE {w}", (school,)).fetchone()
        bare.execute(f"SELECT {cols} FROM interactions WHERE {w} ORDER BY occurred_at DESC, id DESC"
                     f" LIMIT {PAGE}", (school,)).fetchall()

    t.add("a filter change (one school: count + first page)", filter_change,
          "the same on a bare table with a (school, time) index", bare_filter_change)
    rare, common = _words(bare)

    def bare_search(word: str) -> list[Any]:
        # The same matches over the same columns as the service (each word as a prefix, in the
        # narrative and location or a student's name or id; live records), the first 200 by key.
        return bare.execute(
            f"SELECT {cols} FROM interactions WHERE retracted = 0 AND duplicate_of = ''"
            " AND (n IN (SELECT rowid FROM fts WHERE fts MATCH ?) OR id IN (SELECT s.interaction_id"
            " FROM interaction_students s JOIN students st ON st.id = s.student_id"
            " WHERE st.n IN (SELECT rowid FROM students_fts WHERE students_fts MATCH ?)))"
            f" ORDER BY occurred_at DESC, id DESC LIMIT {PAGE}", (fts_query(word),) * 2).fetchall()

    for label, word in (("rare", rare), ("common", common)):
        t.add(f"full-text search, {label} word (first {PAGE})",
              lambda word=word: interactions.search_interactions(session, word, PAGE),
              "the same FTS5 query on a bare table", lambda word=word: bare_search(word))
    scoped = interactions._scoped(session, InteractionFilter(text=common))
    t.add(f"full-text search, common word, one query sorting every hit (the old way; first {PAGE})",
          lambda: queries._query_page(store, scoped, "i.occurred_at", 0, PAGE, after=None, before=None,
                                      from_end=False, descending=True),
          "the same FTS5 query on a bare table", lambda: bare_search(common))
    search_count_rows(t, session, bare, common, cold)
    draft = _draft_like(session)

    def bare_save() -> None:
        bare.execute("INSERT INTO saves (body) VALUES (?)", (draft.narrative * 4,))
        bare.commit()

    t.add("save one interaction", lambda: interactions.log_interaction(session, draft),
          "a bare single-row commit, WAL, synchronous=FULL", bare_save)
    t.add("dashboard after a save (the window's whole reload; the save not timed)",
          lambda: load_dashboard(session, TODAY), before=lambda: interactions.log_interaction(session, draft))
    t.add("dashboard, cold (the window's whole load with the page cache emptied)",
          lambda: load_dashboard(session, TODAY), before=cold)
    principal = Session(store, accounts.actor_for(store, "principal"), clock=session.clock)
    t.add("dashboard, cold, as the principal of one school", lambda: load_dashboard(principal, TODAY), before=cold)

    def principal_first_rows() -> None:
        f = InteractionFilter()
        interactions.count_interactions(principal, f)
        interactions.list_interactions(principal, f, 0, PAGE)

    t.add("first rows of the list, cold, as the principal of one school", principal_first_rows, before=cold)
    year = dashboard_service.school_years(session)[0]

    demo_cols = ", ".join(f"st.{c}" for c in DEMOGRAPHICS)

    def bare_tables() -> None:  # the service's two GROUP BY queries, on bare tables
        bare.execute(f"""SELECT p.school_id, {demo_cols}, COUNT(*) FROM (
                SELECT DISTINCT d.school_id, s.student_id FROM interaction_details d
                JOIN interaction_students s ON s.interaction_id = d.interaction_id
                WHERE d.school_year = ? AND d.le_action = 1 AND d.retracted = 0 AND d.duplicate_of = ''
            ) p JOIN students st ON st.id = p.student_id GROUP BY p.school_id, {demo_cols}""",
                     (year,)).fetchall()
        bare.execute(f"SELECT st.school_id, {demo_cols}, COUNT(*) FROM students st WHERE st.active = 1"
                     f" GROUP BY st.school_id, {demo_cols}").fetchall()

    if "tables" not in skip:
        tables_rows(t, session, year, bare_tables, repeat)
    if "pdf" not in skip:
        # the newest whole year when there is one (the current year is only months old)
        by_year = {y: interactions.count_interactions(session, InteractionFilter(school_year=y))
                   for y in dashboard_service.school_years(session)[:2]}
        whole = max(by_year, key=lambda y: by_year[y])
        big = min(10_000, by_year[whole])  # limit 0 would be the whole year: only counts above 0
        listing_pdf_rows(t, session, whole, min(repeat, 3), tuple(sorted({n for n in (big // 2, big) if n > 0})))
    if "scroll" not in skip:
        scroll_rows(t, folder, 200, _words(bare)[1], min(repeat, 3))
    if "verify" not in skip:
        t.add("verify", lambda: files.verify(session), "integrity_check on the same file",
              lambda: store.conn.execute("PRAGMA integrity_check").fetchall(), repeat=min(repeat, 3))
        verify_cpu_row(t, session, min(repeat, 3))
        verify_memory_row(t, folder)
    target = folder / "bench-backup.sdbackup"
    copy = folder / "bench-copy.sqlite"
    def plain_copy() -> None:  # the same bytes to disk, flushed, as a backup must be
        shutil.copyfile(store.path, copy)
        with open(copy, "rb+") as fh:
            os.fsync(fh.fileno())

    if "backup" not in skip:
        t.add("backup", lambda: files.backup(session, target), "copying the encrypted file (and fsync)",
              plain_copy, repeat=min(repeat, 3))
    target.unlink(missing_ok=True)
    copy.unlink(missing_ok=True)
    if rate is not None:
        bare_rate, rows = _executemany_rate(store, folder, n)
        t.rows.append((f"demo build, interactions a second (higher is better; {rows:,} rows)", rate,
                       "bare executemany of the same rows (every table, then its indexes)", bare_rate))
    else:
        t.rows.append(("demo build (reused the folder: not measured)", 0.0, "-", None))
    session.store.close()
    bare.close()
    t.print(f"SafetyDesk at {total:,} live interactions (demo of {n:,}), medians of {repeat} runs")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--interactions", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--folder", type=Path, default=None)
    ap.add_argument("--skip", default="", metavar="ROWS",
                    help="comma-separated rows to leave out: startup, verify, backup, tables, pdf, scroll "
                         "(the rows that take minutes at a million records, or under load; the others are "
                         "what a person waits for)")
    args = ap.parse_args(argv)
    skip = frozenset(x.strip() for x in args.skip.split(",") if x.strip())
    known = {"startup", "verify", "backup", "tables", "pdf", "scroll"}
    unknown = skip - known
    if unknown:
        ap.error(f"--skip knows {', '.join(sorted(known))}, not {', '.join(sorted(unknown))}")
    folder = args.folder or Path(tempfile.gettempdir()) / f"safetydesk-bench-{args.interactions}"
    run(args.interactions, args.repeat, folder, skip)
    return 0


if __name__ == "__main__":
    sys.exit(main())
