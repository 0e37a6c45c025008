"""A workstation run as its own process, to be killed with SIGKILL at a random point.

    python crash_worker.py writer DATA STATE SHARE KEYS N
    python crash_worker.py reader DATA STATE SHARE KEYS

The writer saves N new records one by one (printing "saved <hash>" once each
save is committed: acknowledged) and exports after every few; the reader
imports. Progress lines let the parent kill it at a different point each time.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from replica import SqliteReplica

from safetydesk.domain.ids import new_id
from safetydesk.sync.engine import SyncEngine
from safetydesk.sync.errors import SyncError
from safetydesk.sync.keys import SyncKeys

ADMIN_USER = "U-ADMIN-FOUNDER"


def main() -> None:
    role, data, state, share_root, keys_file = sys.argv[1:6]
    keys = SyncKeys.from_json(Path(keys_file).read_text())
    store = SqliteReplica(Path(data), founders={ADMIN_USER})
    engine = SyncEngine(store, keys, Path(share_root), Path(state), batch=3)
    print("ready", flush=True)
    if role == "writer":
        for i in range(int(sys.argv[6])):
            entry = store.append(ADMIN_USER, "interaction", new_id(), "create",
                                 {"school_id": [None, "SCHOOL-ALDER"], "location": [None, f"R{i}"]})
            print("saved", entry["hash"], flush=True)
            if i % 2 == 1:
                with contextlib.suppress(SyncError):
                    engine.export()
                print("exported", flush=True)
        try:
            engine.export()
        except SyncError as exc:
            print("error", exc.message, flush=True)
            sys.exit(2)
        print("exported", flush=True)
    else:
        for _ in range(3):
            engine.import_()
            print("imported", flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
