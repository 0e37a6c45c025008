"""Sync through a real folder, beside raw SQLite inserts of the same rows in the same run.

* import: a workstation imports N history entries (default 100,000) that
  another wrote to the share: list, open, check the signature of each file,
  decrypt, check every entry's hash and signature, and hand them to the
  history. Anchor: inserting the same N wire entries into a bare SQLite table
  in one transaction.
* idle pass: a sync pass over a share holding F files (default 10,000), none
  of them new: how long it takes and how many files it opened (it must open
  none). Anchor: a bare listing of the same folders.

* join: a new workstation with an empty data folder joins a district whose
  data file was built by ``safetydesk demo --scale N`` (as it is), starting from
  a snapshot: files opened, entries imported, seconds. Anchor: inserting the
  same entries into a bare SQLite table.

Every workstation is a REAL data file (the store: SQLCipher, signed history;
``tests/sync/real_store.py``), so the store's own checks and folding are timed.

    .venv/bin/python benchmarks/bench_sync.py [--entries 100000] [--files 10000]
        [--join-scale 2000 | --join-from DEMO-FOLDER] [--skip import,idle] [--folder DIR]
    .venv/bin/python benchmarks/bench_sync.py --join-from DEMO-FOLDER --prepare-only DIR   # about 30 min at 1,000,000
    .venv/bin/python benchmarks/bench_sync.py --join-prepared DIR                          # the join alone, again
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sync"))

from real_store import real_factory  # noqa: E402
from sync_world import ADMIN_USER, District  # noqa: E402

from safetydesk.domain.ids import new_id  # noqa: E402
from safetydesk.store import Change  # noqa: E402
from safetydesk.sync import share  # noqa: E402

SCHOOL = "SCHOOL-ALDER"
_MADE: list = []


def factory_in(root: Path):
    make = real_factory(root)

    def factory(**kw):
        station = make(founders={ADMIN_USER}, **kw)
        _MADE.append(station)
        return station
    return factory


def fill(ws, n: int, per_save: int = 10_000) -> None:
    """``n`` new interactions in saves of ``per_save`` (one transaction each), through the
    store's bulk path for new records (`Store.append_new`: the same signed entries and
    derived rows as saving them one by one, only faster to make)."""
    store = ws.exchange.store
    for start in range(0, n, per_save):
        store.append_new((ADMIN_USER, Change("interaction", new_id(), "create", {
            "school_id": [None, SCHOOL], "location": [None, f"Room {i % 40}"],
            "type": [None, "de_escalation"],
            "narrative": [None, "Fictional: two students argued over a seat; staff calmed them."]}))
            for i in range(start, min(n, start + per_save)))


def raw_sqlite(folder: Path, rows: list[dict]) -> float:
    """The same wire entries as the anchor's rows, each spelled as JSON inside the timed insert."""
    return raw_sqlite_rows(folder, ((r["hash"], r["device"], r["dseq"], json.dumps(r)) for r in rows))


def bench_import(base: Path, n: int) -> None:
    d = District(base / "import", factory_in(base / "import-data"))
    writer = d.add("writer", schools=[SCHOOL])
    reader = d.add("reader", schools=[SCHOOL])
    fill(writer, n)
    t = time.perf_counter()
    exported = writer.engine().export()
    export_s = time.perf_counter() - t
    t = time.perf_counter()
    result = reader.engine().import_()
    import_s = time.perf_counter() - t
    rows = writer.exchange.entries_since(writer.exchange.device_id, 0, limit=n + 10)
    anchor = raw_sqlite(base / "import", rows)
    print(f"export of {exported.entries} entries: {export_s:.2f} s in {exported.files} files")
    print(f"import of {result.imported} entries from {result.opened} files: {import_s:.2f} s "
          f"({result.imported / import_s:,.0f} entries/s)")
    print(f"raw SQLite insert of the same {len(rows)} rows: {anchor:.2f} s "
          f"(import costs x{import_s / anchor:.1f})")


def bench_idle_pass(base: Path, files: int) -> None:
    # The writer's files are written to a memory-backed folder where there is one (a flushed
    # write per file is slow on a busy disk, and that setting-up is not measured), then copied
    # to the real folder under the same path before the reader's passes, which are measured.
    share_root = base / "idle-share"
    scratch = Path(tempfile.mkdtemp(prefix="sd-idle-", dir="/dev/shm")) if Path("/dev/shm").is_dir() else None
    if scratch is not None:
        share_root.symlink_to(scratch)
    d = District(base / "idle", factory_in(base / "idle-data"), share_root=share_root)
    writer = d.add("writer", schools=[SCHOOL])
    reader = d.add("reader", schools=[SCHOOL])
    fill(writer, files - 2)  # the device record and the founder's account come first
    engine = writer.engine()
    engine.batch = 1
    engine.export()
    if scratch is not None:
        shutil.copytree(scratch, base / "idle-share-disk")
        share_root.unlink()
        (base / "idle-share-disk").rename(share_root)
        shutil.rmtree(scratch, ignore_errors=True)
    t = time.perf_counter()
    first = reader.engine().sync_once().imported  # reads everything, acknowledges, snapshots
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    result = reader.engine().sync_once().imported
    idle_s = time.perf_counter() - t
    print(f"first sync pass over {first.listed} files: {first_s:.2f} s, files opened: {first.opened}")
    t = time.perf_counter()
    listed = sum(len(os.listdir(p)) for p in (d.folder / share.DEVICES).iterdir())
    list_s = time.perf_counter() - t
    print(f"idle sync pass over {result.listed} files: {idle_s:.3f} s, files opened: {result.opened}")
    print(f"bare listing of the same {listed} names: {list_s:.3f} s")


def bench_join(base: Path, scale: int, source: Path | None = None) -> None:
    """A new workstation joins from a snapshot a district built by `safetydesk demo --scale N`
    (or a copy of the demo data folder ``source``, password "demo", as it is)."""
    prepare_join(base, scale, source)
    join_prepared(base)


def _keyring_in(base: Path) -> None:
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    ring = PlaintextKeyring()
    ring.file_path = str(base / "credentials" / "keyring_pass.cfg")  # type: ignore[misc]
    keyring.set_keyring(ring)


def prepare_join(base: Path, scale: int, source: Path | None = None) -> None:
    """The district office's side: its data folder, the district folder on the share, its first
    export, a snapshot, an enrolment file and the anchor's figure, all under ``base`` (kept by
    ``--prepare-only``, so the join can be timed again with ``--join-prepared``)."""
    import subprocess

    from safetydesk.paths import resolve
    from safetydesk.services import files
    from safetydesk.services import sync as sync_service

    _keyring_in(base)
    a, share_root = base / "join-A", base / "join-share"
    share_root.mkdir()
    t = time.perf_counter()
    if source is not None:  # a copy: the source is never opened (opening can migrate it)
        subprocess.run(["cp", "-r", "--sparse=always", str(source), str(a)], check=True)
        _adopt_identity(resolve(a).data_file)
    else:
        subprocess.run([sys.executable, "-m", "safetydesk", "--home", str(a), "demo", "--scale", str(scale)],
                       check=True, capture_output=True)
    demo_s = time.perf_counter() - t
    paths_a = resolve(a)
    session = files.sign_in(paths_a, "admin", "demo")
    try:
        sync_service.set_up_district_folder(session, paths_a, share_root)
        t = time.perf_counter()
        sync_service.sync_now(session, paths_a)
        export_s = time.perf_counter() - t
        engine = sync_service._engine(session, paths_a)
        engine.write_snapshot(every=0)
        enrolment = base / "join.enrol"
        sync_service.make_enrolment_file(session, paths_a, enrolment, "bench-passphrase-42",
                                         "New office", None)
        rows = _wire_rows(session.store)
    finally:
        session.store.close()
    snapshots = list((share.district_folder(share_root, _district_id(paths_a)) / share.SNAPSHOTS).glob("*.sds"))
    made = f"copied from {source}" if source is not None else f"demo --scale {scale}"
    print(f"{made}: {len(rows)} history entries, made in {demo_s:.1f} s; first export {export_s:.2f} s; "
          f"snapshots: {len(snapshots)} ({sum(p.stat().st_size for p in snapshots) / 2**20:.0f} MiB)",
          flush=True)
    anchor = raw_sqlite_rows(base, rows)   # before the join: its figure stands if the join is stopped
    entries = len(rows)
    del rows
    (base / "anchor.sqlite").unlink(missing_ok=True)
    print(f"raw SQLite insert of the same {entries} rows: {anchor:.2f} s", flush=True)
    (base / "prepared.json").write_text(json.dumps({"anchor_s": anchor, "entries": entries,
                                                    "export_s": export_s}), "utf-8")


def join_prepared(base: Path) -> None:
    """A new workstation (``join-B``, made empty each time) joins the district ``prepare_join`` set up."""
    from safetydesk.paths import resolve
    from safetydesk.services import sync as sync_service

    _keyring_in(base)
    prepared = json.loads((base / "prepared.json").read_text("utf-8"))
    anchor = prepared["anchor_s"]
    b, share_root = base / "join-B", base / "join-share-run"
    for made in (b, share_root):   # each join starts from the district as prepared (a join writes to the share)
        shutil.rmtree(made, ignore_errors=True)
    shutil.copytree(base / "join-share", share_root)
    t = time.perf_counter()
    cpu = _cpu_s()
    first: list[float] = []

    def progress(done: int, total: int) -> None:   # the callback `sync --progress` gets
        if not first:
            first.append(time.perf_counter() - t)
        print(f"  {time.perf_counter() - t:8.1f} s  cpu {_cpu_s() - cpu:8.1f} s  step {done} of {total}"
              f"  rss {_rss_mib():,.0f} MiB  peak {_peak_mib():,.0f} MiB", flush=True)

    result = sync_service.join_as_new_workstation(resolve(b), share_root, base / "join.enrol",
                                                  "bench-passphrase-42", progress)
    join_s = time.perf_counter() - t
    cpu_s = _cpu_s() - cpu
    print(f"join: {result.imported.imported} entries, files opened: {result.imported.opened}, "
          f"{join_s:.2f} s ({result.imported.imported / join_s:,.0f} entries/s), CPU {cpu_s:.1f} s, "
          f"x{join_s / anchor:.1f} of raw inserts ({prepared['entries']} rows in {anchor:.2f} s); "
          f"first progress at {first[0] if first else float('nan'):.1f} s; "
          f"peak memory {_peak_mib():,.0f} MiB")


def _adopt_identity(data_file: Path) -> None:
    """A copied data folder is a new device (its signing key is bound to the original file), so
    it would export none of the entries it holds. The benchmark's copy stands in for the
    district office itself (the original is never used again): its key file is re-bound to
    the copy, as if the data file had been made there."""
    from safetydesk.store.signing import binding_of, signing_path

    spath = signing_path(data_file)
    key = json.loads(spath.read_text("utf-8"))
    key["binding"] = binding_of(data_file)
    spath.write_text(json.dumps(key, indent=1), "utf-8")


def _wire_rows(store) -> list[tuple[str, str, int, str]]:
    """Every history entry as the anchor's row, read a page at a time (tuples of text, not the
    wire dicts: a million of those would cost gigabytes before the join starts)."""
    out: list[tuple[str, str, int, str]] = []
    for device in store.device_heads():
        after = 0
        while page := store.entries_since(device, after, 20_000):
            out.extend((r["hash"], r["device"], r["dseq"], json.dumps(r)) for r in page)
            after = page[-1]["dseq"]
    return out


def raw_sqlite_rows(folder: Path, rows: Iterable[tuple[str, str, int, str]]) -> float:
    """Raw inserts of ``rows`` into a bare table in one transaction (WAL, synchronous=FULL);
    a generator is consumed inside the timing."""
    db = sqlite3.connect(folder / "anchor.sqlite")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE entries (hash TEXT PRIMARY KEY, device TEXT, dseq INTEGER, body TEXT)")
    t = time.perf_counter()
    with db:
        db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?)", rows)
    elapsed = time.perf_counter() - t
    db.close()
    return elapsed


def _peak_mib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _rss_mib() -> float:
    """Memory held now (the peak above is the process's highest so far)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def _district_id(paths) -> str:
    from safetydesk.sync import state

    return state.SyncState.load(paths.data / state.FILE_NAME).district


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--join-scale", type=int, default=2_000,
                    help="Interactions of the demo district a new workstation joins (0: skip).")
    ap.add_argument("--join-from", type=Path,
                    help="Join a copy of this demo data folder instead of building one (password demo).")
    ap.add_argument("--skip", default="", help="Comma-separated parts to skip: import, idle.")
    ap.add_argument("--folder", type=Path, help="Where the share and data go (default: a temporary folder).")
    ap.add_argument("--prepare-only", type=Path, metavar="DIR",
                    help="Set up the district to join (from --join-from or --join-scale) in DIR and keep it.")
    ap.add_argument("--join-prepared", type=Path, metavar="DIR",
                    help="Time only the join, from a district --prepare-only set up in DIR (kept).")
    args = ap.parse_args()
    if args.prepare_only or args.join_prepared:
        if args.prepare_only:
            args.prepare_only.mkdir(parents=True)
            prepare_join(args.prepare_only, args.join_scale, args.join_from)
        if args.join_prepared:
            join_prepared(args.join_prepared)
        return
    base = Path(tempfile.mkdtemp(prefix="sd-bench-sync-", dir=args.folder))
    try:
        skip = set(args.skip.split(","))
        if "import" not in skip:
            bench_import(base, args.entries)
        if "idle" not in skip:
            bench_idle_pass(base, args.files)
        if args.join_scale or args.join_from:
            (base / "join").mkdir()
            bench_join(base / "join", args.join_scale, args.join_from)
    finally:
        for station in _MADE:
            station.close()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
