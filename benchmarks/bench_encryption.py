"""How much slower are saving a record and opening the interaction list with encryption?

Builds the same data twice in one run, once in a plain SQLite file and once in
an SQLCipher file, then times, on each:

* saving one interaction through the service (validation, history entry,
  derived tables, commit with synchronous=FULL), repeated;
* opening the interaction list: the count and the first page, newest first,
  as the window does.

    .venv/bin/python benchmarks/bench_encryption.py [--interactions 100000] [--saves 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import SYSTEM
from safetydesk.domain.records import InteractionDraft, SchoolDraft, StaffDraft, StudentDraft
from safetydesk.domain.staff_training import TrainingDraft
from safetydesk.services import interactions, registry
from safetydesk.services import staff as staff_service
from safetydesk.services.context import Session
from safetydesk.store import Change, Store, new_database_key


def build(path: Path, key: bytes | None, n: int, seed: int) -> Session:
    store = Store.open(path, key=key)
    session = Session(store, SYSTEM)
    registry.setup_district(store, "bench", "Benchmark District", [SchoolDraft(name="Bench High", level="high")])
    school = registry.schools(session)[0]["id"]
    staff = registry.add_staff(session, StaffDraft(
        name="Officer Bench", category="sro", commissioned=True, employer_type="law_enforcement",
        agency="Bench PD", assignments=[{"school_id": school, "days_per_week": 5}]))
    staff_service.record_training(session, TrainingDraft(
        staff_id=staff, esd_issuer="ESD 113", esd_date="2020-08-01", esd_reference="BENCH-1",
        esd_confirmed_by="Bench", esd_confirmed_on="2020-08-02"))
    rng = random.Random(seed)
    students = []
    with store.write():
        for i in range(2000):
            change = registry.create_changes(StudentDraft(
                local_id=f"B{i:05d}", first_name=f"First{i}", last_name=f"Last{i}", school_id=school))
            store.append("bench", [change])
            students.append(change.record_id)
    batch: list[Change] = []
    for i in range(n):
        draft = InteractionDraft(
            occurred_at=f"20{rng.randint(22, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
                        f"{rng.randint(7, 15):02d}:{rng.randint(0, 59):02d}",
            school_id=school, location="Main hallway", type="informal_contact",
            narrative=f"Routine check-in number {i} about attendance and lunch seating.",
            students=[{"student_id": rng.choice(students), "role": "subject"}],
            staff=[{"staff_id": staff, "role": "lead"}],
        )
        state = draft.to_state() | {"author": "bench", "rules_version": "bench", "retracted": False,
                                    "retract_reason": ""}
        batch.append(Change("interaction", new_id(), "create", {k: [None, v] for k, v in state.items()}))
        if len(batch) == 5000:
            store.append("bench", batch)
            batch = []
    if batch:
        store.append("bench", batch)
    return session


def time_saves(session: Session, saves: int) -> list[float]:
    school = registry.schools(session)[0]["id"]
    staff = registry.staff(session)[0]["id"]
    student = registry.find_students(session, "First1", limit=1)[0]["id"]
    out = []
    for i in range(saves):
        draft = InteractionDraft(
            occurred_at="2025-10-03T10:15", school_id=school, location="Cafeteria", type="escort",
            narrative=f"Walked student to the office ({i}).",
            students=[{"student_id": student, "role": "subject"}], staff=[{"staff_id": staff, "role": "lead"}])
        t = time.perf_counter()
        interactions.log_interaction(session, draft)
        out.append(time.perf_counter() - t)
    return out


def time_list_open(session: Session, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        interactions.count_interactions(session, InteractionFilter())
        interactions.list_interactions(session, InteractionFilter(), 0, 200)
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--interactions", type=int, default=100_000)
    ap.add_argument("--saves", type=int, default=200)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sd-bench-enc-"))
    results = {}
    for label, key in (("plain SQLite", None), ("SQLCipher", new_database_key())):
        t = time.perf_counter()
        session = build(folder / f"{label.split()[0]}.sqlite", key, args.interactions, seed=1)
        built = time.perf_counter() - t
        saves = time_saves(session, args.saves)
        lists = time_list_open(session, 20)
        size = session.store.path.stat().st_size
        session.store.close()
        results[label] = (statistics.median(saves), statistics.median(lists))
        print(f"{label:>12}: built {args.interactions:,} interactions in {built:.1f} s ({size / 1e6:.0f} MB); "
              f"save one interaction median {statistics.median(saves) * 1000:.2f} ms "
              f"(p90 {sorted(saves)[int(len(saves) * 0.9)] * 1000:.2f} ms); "
              f"open list (count + first 200) median {statistics.median(lists) * 1000:.2f} ms")
    (ps, pl), (es, el) = results["plain SQLite"], results["SQLCipher"]
    print(f"encryption overhead: saving x{es / ps:.2f}, opening the list x{el / pl:.2f}")


if __name__ == "__main__":
    main()
