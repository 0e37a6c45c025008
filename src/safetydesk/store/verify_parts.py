"""verify's refold in parts, each in a process of its own (issue 14).

Python threads share one lock, so a refold on a second thread gains nothing; a second process
does. `Store.verify` starts ``workers`` processes (spawned, so nothing of the caller's state is
copied), each with its own connection to the data file (the key travels through the process's
pipe, never through a file or a log) and its own scratch file, encrypted under the same key.
Each folds a disjoint part of the records and projects them into its scratch; the caller then
compares the live derived tables with the union of the scratches (`compare`).

What a part holds: the big record types (`SPLIT`: students, interactions, follow-ups, climate
activities and intervention requests, whose projectors write only their own record's rows) are split by a hash of the record id; every other
type (users, whose projector compares usernames across accounts; staff; schools; ...) goes whole
to part 0. An interaction's list row shows the names of its students and staff, which may be
folded in another part: every part folds the types an interaction refers to first (up to the
students), hands the names it projected to the caller, and receives everyone's before it folds
the rest. ``interaction_counts`` holds sums over interactions, so the parts' rows are added up
before they are compared. With one part the same code runs in the caller's process, without a
pipe, and gives the same rows as a plain refold.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection as Pipe
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

from safetydesk.domain.climate import CLIMATE
from safetydesk.domain.interventions import INTERVENTION
from safetydesk.domain.records import RecordType
from safetydesk.store import blobs as blobs_mod
from safetydesk.store import connection as dbc
from safetydesk.store import history as history_mod
from safetydesk.store import schema
from safetydesk.store.bulk import Deferred
from safetydesk.store.history import ENTRY_FORMAT, FoldEntry, fold_record
from safetydesk.store.projections_everyday import FOLLOW_UP
from safetydesk.store.projectors import REBUILD_ORDER
from safetydesk.store.store import AUDIT_ONLY_SQL, Store

SCRATCH = "verify_scratch"
FOLD_FLUSH = 2000  # each table's grouped rows are written every this many records
PROGRESS_EVERY = 1000  # entries a part folds between two updates of its counter
PARALLEL_FROM = 20_000  # history entries from which the default is more than one process
SPLIT = frozenset({RecordType.STUDENT, RecordType.INTERACTION, FOLLOW_UP, CLIMATE, INTERVENTION})
# Folded before the names are shared: every type an interaction's list row may name.
BEFORE_NAMES = REBUILD_ORDER[: REBUILD_ORDER.index(RecordType.INTERACTION)]
SUMMED = {"interaction_counts": (("school_id", "school_year"),
                                 ("live", "discipline_related", "use_of_force", "arrests"))}

WriteFolded = Callable[..., None]  # Store._write_folded


def default_workers(entries: int) -> int:
    """Two processes on a machine with two cores or more, for a history worth the start-up."""
    return min(2, os.cpu_count() or 1) if entries >= PARALLEL_FROM else 1


def scratch_paths(data_file: Path, parts: int) -> list[Path]:
    return [data_file.with_name(f"{data_file.name}.verify-scratch-{i}") for i in range(parts)]


def leftovers(data_file: Path) -> list[Path]:
    """Scratch files of an earlier verify that was stopped before it could remove them."""
    return sorted(p for p in data_file.parent.glob(f"{data_file.name}.verify-scratch*") if p.is_file())


def part_of(record_id: Any, parts: int) -> int:
    """The part of a split type's record: its id's last two characters' code points added up
    (ids end in random characters), as `PART_SQL` computes it in SQL."""
    text = str(record_id)
    return ((ord(text[-1]) if text else 0) + (ord(text[-2]) if len(text) > 1 else 0)) % parts


# The same in SQL, for a column: a row of the data file goes to the part its record went to.
PART_SQL = ("((coalesce(unicode(substr(CAST({c} AS TEXT), -1, 1)), 0)"
            " + coalesce(unicode(substr(CAST({c} AS TEXT), -2, 1)), 0)) % {parts})")


def in_part(record_type: str, record_id: Any, part: int, parts: int) -> bool:
    if parts == 1:
        return True
    if record_type not in SPLIT:
        return part == 0
    return part_of(record_id, parts) == part


# Derived tables whose every row one record's projector writes, with that record's type (None:
# the table's own record_type column) and the column holding its id. Each part compares these
# with the data file's rows of its own records, in its own process; every other table (and a
# table added later without an entry here) is compared by the caller with all the parts' rows.
OWNED: dict[str, tuple[str | None, str]] = {
    "record_state": (None, "record_id"), "record_heads": (None, "record_id"),
    "conflicts": (None, "record_id"), "compliance_flags": (None, "record_id"),
    "students": (RecordType.STUDENT, "id"), "student_demographics": (RecordType.STUDENT, "student_id"),
    "interactions": (RecordType.INTERACTION, "id"),
    **{t: (RecordType.INTERACTION, "interaction_id") for t in (
        "interaction_students", "interaction_staff", "interaction_details", "interaction_le_activities",
        "outcome_review", "p20_involvement")},
    "follow_ups": (FOLLOW_UP, "id"),
    "climate_activities": (CLIMATE, "id"), "climate_staff": (CLIMATE, "activity_id"),
    "intervention_requests": (INTERVENTION, "id"),
    "intervention_students": (INTERVENTION, "request_id"), "intervention_staff": (INTERVENTION, "request_id"),
}


def owned_sql(table: str, part: int, parts: int) -> str:
    """The condition that a data-file row of an `OWNED` table belongs to ``part``."""
    record_type, column = OWNED[table]
    of = PART_SQL.format(c=column, parts=parts)
    if record_type is None:
        split = ", ".join(f"'{t}'" for t in sorted(SPLIT))
        return f"(CASE WHEN record_type IN ({split}) THEN {of} ELSE 0 END) = {part}"
    return f"{of} = {part}" if record_type in SPLIT else f"{part} = 0"


def rebuild_order(read: Any) -> list[str]:
    """The record types the history holds, in the rebuild order (then the unknown ones)."""
    present = {r[0] for r in read.execute("SELECT DISTINCT record_type FROM history")}
    return [t for t in REBUILD_ORDER if t in present] + sorted(present - set(REBUILD_ORDER))


def fold_records(read: Any, conn: Any, prefix: str, write_folded: WriteFolded = Store._write_folded,
                 counted: Callable[[int], None] | None = None, part: int = 0, parts: int = 1,
                 order: list[str] | None = None) -> int:
    """Fold the history's records (of the types in ``order``, default every type in the rebuild
    order) read on ``read`` and write them through ``conn`` under ``prefix``; only those of
    ``part`` out of ``parts``. Reads one record's entries at a time, so memory stays flat however
    long the history is. Through a `Deferred` connection the rows are written in groups, every
    `FOLD_FLUSH` records. ``counted(n)``: entries folded so far. Returns the entries folded."""
    done = records = 0
    deferred = isinstance(conn, Deferred)
    if order is None:
        order = rebuild_order(read)
    loads = json.loads
    for record_type in order:
        if parts > 1 and record_type not in SPLIT and part != 0:
            continue
        cursor = read.execute(
            f"""SELECT record_id, id, hash, hlc, user, action, changes, bases FROM history
               WHERE record_type = ? AND action NOT IN ({AUDIT_ONLY_SQL}) AND format <= ?
               ORDER BY record_id{", seq" if history_mod.MUTANT == "arrival-order" else ""}""",
            (record_type, ENTRY_FORMAT),
        )
        split = parts > 1 and record_type in SPLIT
        current = ""
        batch: list[FoldEntry] = []
        skip = False
        for rid, eid, digest, hlc, user, action, changes, bases in cursor:
            if rid != current:
                if batch:
                    write_folded(conn, prefix, record_type, current, fold_record(batch))
                    batch = []
                    records += 1
                    if deferred and records % FOLD_FLUSH == 0:
                        conn.flush()
                current = rid
                skip = split and not in_part(record_type, rid, part, parts)
            if skip:
                continue
            batch.append(FoldEntry(eid, digest, hlc, user, action, loads(changes),
                                   () if bases == "[]" else tuple(loads(bases))))  # most have none
            done += 1
            if counted and done % PROGRESS_EVERY == 0:
                counted(done)
        if batch:
            write_folded(conn, prefix, record_type, current, fold_record(batch))
    if deferred:
        conn.flush()
    if counted:
        counted(done)
    return done


# ---------------------------------------------------------------- a part's scratch
def open_scratch(conn: Any, scratch_file: Path, key: bytes | None, name: str = SCRATCH) -> None:
    """Attach an empty scratch file under ``name`` with the derived tables, in a transaction."""
    for leftover in (scratch_file, Path(f"{scratch_file}-journal")):
        leftover.unlink(missing_ok=True)
    keyed = f" KEY \"x'{key.hex()}'\"" if key is not None else ""
    conn.execute(f"ATTACH DATABASE ? AS {name}{keyed}", (str(scratch_file),))
    conn.execute(f"PRAGMA {name}.journal_mode = OFF")  # a scratch: no rollback needed
    conn.execute(f"PRAGMA {name}.cache_size = -8192")
    conn.executescript(schema.derived_sql(name))
    conn.execute(blobs_mod.EXPECTED_SQL.format(s=f"{name}."))
    conn.execute("BEGIN")


def projected_names(conn: Any, name: str = SCRATCH) -> dict[tuple[str, str], str]:
    """(table, id) -> the name the list rows show, of the students and staff this part projected."""
    out = {("students", rid): f"{first} {last}".strip()
           for rid, first, last in conn.execute(f"SELECT id, first_name, last_name FROM {name}.students")}
    out.update({("staff", rid): nm for rid, nm in conn.execute(f"SELECT id, name FROM {name}.staff")})
    return out


def know_names(batch: Deferred, names: dict[tuple[str, str], str], prefix: str) -> None:
    """Give the batch every part's names, as if it had read a whole table's names itself
    (`projections._read_all_names`): a name not there has no row in any part."""
    batch.names.update({(prefix, table, rid): nm for (table, rid), nm in names.items()})
    batch.name_reads[(prefix, "students")] = None
    batch.name_reads[(prefix, "staff")] = None


def fold_part(read: Any, part: int, parts: int, counted: Callable[[int], None] | None,
              share: Callable[[dict[tuple[str, str], str]], dict[tuple[str, str], str]]) -> None:
    """Fold one part into the scratch attached to ``read`` (as `SCRATCH`), sharing names midway
    through ``share`` (this part's names -> every part's), then commit the scratch."""
    prefix = f"{SCRATCH}."
    batch = Deferred(read)
    folded = 0

    def seen(n: int) -> None:
        if counted:
            counted(folded + n)

    order = rebuild_order(read)
    first = [t for t in order if t in BEFORE_NAMES]
    # The scratch holds no interaction until the second half: a student's or staff member's
    # projector has no list label to refresh (its join would find nothing, and it would write
    # the queued rows of the batch in groups of one).
    batch.no_interactions_yet = True  # type: ignore[attr-defined]
    folded = fold_records(read, batch, prefix, Store._write_folded, seen, part, parts, first)
    batch.no_interactions_yet = False  # type: ignore[attr-defined]
    if parts > 1:
        know_names(batch, share(projected_names(read)), prefix)
    fold_records(read, batch, prefix, Store._write_folded, seen, part, parts,
                 [t for t in order if t not in BEFORE_NAMES])
    read.execute("COMMIT")


# ---------------------------------------------------------------- the worker process
def worker(data_file: str, key: bytes | None, scratch_file: str, part: int, parts: int,
           pipe: Pipe, done: Any) -> None:
    """A part's process: fold its records into its scratch and say so on ``pipe``.

    Messages to the caller: ("names", {...}) once, then ("done", None) or ("error", (kind,
    text)); from the caller: every part's names. Nothing is written to the data file."""
    conn = None
    try:
        conn = dbc.connect(data_file, key)
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA cache_size = -16384")
        open_scratch(conn, Path(scratch_file), key)

        def counted(n: int) -> None:
            done.value = n

        def share(names: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
            pipe.send(("names", names))
            got: dict[tuple[str, str], str] = pipe.recv()
            return got

        fold_part(conn, part, parts, counted, share)
        counts = {t: compare_table(conn, t, [SCRATCH], owned_sql(t, part, parts))
                  for t in schema.all_derived_tables() if t in OWNED}
        conn.execute(f"DETACH DATABASE {SCRATCH}")
        pipe.send(("done", counts))
    except BaseException as exc:  # told to the caller, which raises it on its own thread
        kind = "database" if isinstance(exc, dbc.DatabaseError) else "other"
        with contextlib.suppress(Exception):
            pipe.send(("error", (kind, f"{type(exc).__name__}: {exc}")))
    finally:
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()
        pipe.close()


class PartFailed(Exception):
    """A part's process failed (its own exception is named in the message)."""


@contextlib.contextmanager
def parts_running(data_file: Path, key: bytes | None, parts: int,
                  progress: Callable[[int], None]) -> Iterator[tuple[list[Path], dict[str, tuple[int, int]]]]:
    """Run ``parts`` worker processes to the end; yields their scratch files, which exist until
    the block ends (then removed, as they are when anything fails or the caller stops), and
    the comparison of the `OWNED` tables they made: table -> (extra rows, missing rows)."""
    ctx = multiprocessing.get_context("spawn")
    files = scratch_paths(data_file, parts)
    procs: list[Any] = []
    pipes: list[Pipe] = []
    counters: list[Any] = []
    try:
        for i, scratch_file in enumerate(files):
            mine, theirs = ctx.Pipe()
            counter = ctx.Value("q", 0, lock=False)
            proc = ctx.Process(target=worker, name=f"verify-part-{i}", daemon=True,
                               args=(str(data_file), key, str(scratch_file), i, parts, theirs, counter))
            proc.start()
            theirs.close()
            procs.append(proc)
            pipes.append(mine)
            counters.append(counter)
        names: dict[tuple[str, str], str] = {}
        owned: dict[str, tuple[int, int]] = {}  # table -> (extra, missing), added up over the parts
        waiting_names = set(range(parts))
        running = set(range(parts))
        while running:
            ready = wait([pipes[i] for i in running], timeout=0.25)
            progress(sum(c.value for c in counters))
            for i in [i for i in sorted(running) if pipes[i] in ready]:
                try:
                    what, body = pipes[i].recv()
                except EOFError:
                    raise PartFailed(f"verify's process {i} stopped before its end.") from None
                if what == "names":
                    names.update(body)
                    waiting_names.discard(i)
                    if not waiting_names:
                        for j in range(parts):
                            pipes[j].send(names)
                        names = {}
                elif what == "done":
                    for table, (extra, missing) in body.items():
                        seen = owned.get(table, (0, 0))
                        owned[table] = (seen[0] + extra, seen[1] + missing)
                    running.discard(i)
                else:
                    kind, text = body
                    if kind == "database":
                        raise dbc.DatabaseError[0](text)
                    raise PartFailed(f"verify's process {i} failed: {text}")
        for proc in procs:
            proc.join()
        yield files, owned
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()
        for pipe in pipes:
            pipe.close()
        for scratch_file in files:
            for path in (scratch_file, Path(f"{scratch_file}-journal")):
                path.unlink(missing_ok=True)


# ---------------------------------------------------------------- the comparison
CHUNK = 20_000  # rows of a table compared at a time: SQLite's EXCEPT holds one side's rows


def _key(conn: Any, scratch: str, table: str) -> list[str]:
    """The columns of the table's first unique index (as the scratch, made by SafetyDesk, has it)."""
    for row in conn.execute(f"PRAGMA {scratch}.index_list({table})"):
        if row[2] and not row[4]:  # unique, not partial
            return [r[2] for r in conn.execute(f"PRAGMA {scratch}.index_info({row[1]})")]
    return []


def _bounds(conn: Any, scratch: str, table: str, key: list[str], step: int) -> list[tuple[Any, ...]]:
    """Every ``step``-th key of the scratch's table, in the index's order."""
    k, marks = ", ".join(key), ", ".join("?" * len(key))
    out: list[tuple[Any, ...]] = []
    while True:
        where = f"WHERE ({k}) > ({marks})" if out else ""
        row = conn.execute(f"SELECT {k} FROM {scratch}.{table} {where} ORDER BY {k} LIMIT 1 OFFSET {step - 1}",
                           out[-1] if out else ()).fetchone()
        if row is None:
            return out
        out.append(tuple(row))


def _chunks(key: list[str], bounds: list[tuple[Any, ...]]) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(condition, its parameters) that split the key's values into ranges between the bounds,
    every row in exactly one (a key with a NULL, only in a table edited by hand, in the last)."""
    if not bounds:
        yield "1", ()
        return
    k, marks = f"({', '.join(key)})", f"({', '.join('?' * len(key))})"
    known = " AND ".join(f"{c} IS NOT NULL" for c in key)  # (a, NULL) < (b, c) is true when a < b
    yield f"{known} AND {k} < {marks}", bounds[0]
    for low, high in itertools.pairwise(bounds):
        yield f"{known} AND {k} >= {marks} AND {k} < {marks}", (*low, *high)
    yield f"{known} AND {k} >= {marks}", bounds[-1]
    yield f"NOT ({known})", ()


def compare_table(conn: Any, table: str, names: list[str], live_where: str = "1",
                  chunk: int | None = None) -> tuple[int, int]:
    """(rows of ``main`` (those ``live_where``) not rebuilt, rebuilt rows not in ``main``): the
    table against the union of the scratches attached as ``names``, one range of keys at a time
    (``chunk`` rows of the scratches a range), so the memory SQLite needs for the comparison
    (SQLCipher keeps its temporary tables in memory) does not grow with the table."""
    chunk = chunk or CHUNK
    if not conn.execute(
        f"SELECT EXISTS (SELECT 1 FROM main.{table} WHERE {live_where})"
        + "".join(f" OR EXISTS (SELECT 1 FROM {s}.{table})" for s in names)
    ).fetchone()[0]:
        return 0, 0  # all empty
    cols = [r[1] for r in conn.execute(f"PRAGMA {names[0]}.table_info({table})")]
    cols = [c for c in cols if c != "n"]  # row numbers are local, not content
    col_list = ", ".join(cols)
    summed = table in SUMMED and len(names) > 1
    key = [] if summed else _key(conn, names[0], table)
    # the first part holds half of a split table's rows (a sample) and all of the others
    bounds = _bounds(conn, names[0], table, key, max(1, chunk // len(names))) if key else []
    extra = missing = 0
    for where, params in _chunks(key, bounds):
        rebuilt = f"SELECT {col_list} FROM {names[0]}.{table} WHERE {where}"
        rebuilt_params: tuple[Any, ...] = params
        if len(names) > 1:
            union = " UNION ALL ".join(f"SELECT {col_list} FROM {s}.{table} WHERE {where}" for s in names)
            rebuilt_params = params * len(names)
            rebuilt = f"SELECT {col_list} FROM ({union})"
            if summed:  # sums over the interactions: each part holds a share
                keys, sums = SUMMED[table]
                if set(cols) != set(keys) | set(sums):
                    raise PartFailed(f"verify does not know how to add up the parts of {table}.")
                rebuilt = (f"SELECT {col_list} FROM (SELECT {', '.join(keys)}, "
                           f"{', '.join(f'SUM({c}) AS {c}' for c in sums)} FROM ({union}) "
                           f"GROUP BY {', '.join(keys)})")
        live = f"SELECT {col_list} FROM main.{table} WHERE ({where}) AND {live_where}"
        extra += conn.execute(f"SELECT COUNT(*) FROM ({live} EXCEPT {rebuilt})",
                              (*params, *rebuilt_params)).fetchone()[0]
        missing += conn.execute(f"SELECT COUNT(*) FROM ({rebuilt} EXCEPT {live})",
                                (*rebuilt_params, *params)).fetchone()[0]
    return extra, missing


def compare(conn: Any, names: list[str], chunk: int | None = None,
            owned: dict[str, tuple[int, int]] | None = None) -> list[str]:
    """The live derived tables (``main``) against the union of the scratches attached as
    ``names``; ``owned``: the tables the parts compared already, with what they found."""
    problems: list[str] = []
    for table in schema.all_derived_tables():
        if owned is not None and table in owned:
            extra, missing = owned[table]
        else:
            extra, missing = compare_table(conn, table, names, chunk=chunk)
        if extra or missing:
            problems.append(
                f"The table {table} does not match the history ({extra} rows differ or are "
                f"extra, {missing} expected rows missing). `safetydesk verify --repair` "
                "rebuilds it from the history."
            )
    expected = " UNION ".join(f"SELECT sha256 FROM {s}.blobs_expected" for s in names)
    lost = conn.execute(  # files kept in the history the older way (base64 in the entry)
        f"""SELECT COUNT(*) FROM ({expected}) e
            WHERE NOT EXISTS (SELECT 1 FROM main.blobs b WHERE b.sha256 = e.sha256)""").fetchone()[0]
    if lost:
        problems.append(
            f"The table blobs does not match the history (0 rows differ or are extra, {lost} "
            "expected rows missing: attached files the history holds in full). "
            "`safetydesk verify --repair` rebuilds it from the history.")
    return problems
