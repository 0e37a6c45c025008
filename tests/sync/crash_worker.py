"""A workstation run as its own process on a REAL data file, to be killed with SIGKILL at random.

    python crash_worker.py writer DATA KEY STATE SHARE KEYS N
    python crash_worker.py reader DATA KEY STATE SHARE KEYS

DATA is a real SafetyDesk data file (SQLCipher, the store's schema, its signing key
beside it) opened with the hex KEY in the file KEY. The writer saves N new
interactions one by one through the store (printing "saved <hash>" once each
save is committed: acknowledged) and exports after every second one; the reader
imports. Progress lines let the parent kill it at a different point each time.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from safetydesk.domain.ids import new_id
from safetydesk.store import Change
from safetydesk.store.store import Store
from safetydesk.sync.engine import SyncEngine
from safetydesk.sync.errors import SyncError
from safetydesk.sync.keys import SyncKeys

ADMIN_USER = "U-ADMIN-FOUNDER"


def main() -> None:
    role, data, key_file, state, share_root, keys_file = sys.argv[1:7]
    keys = SyncKeys.from_json(Path(keys_file).read_text())
    store = Store.open(Path(data), key=bytes.fromhex(Path(key_file).read_text()),
                       backup_dir=Path(data).parent / "backups")
    engine = SyncEngine(store, keys, Path(share_root), Path(state), batch=3)
    print("ready", flush=True)
    if role == "writer":
        for i in range(int(sys.argv[7])):
            [entry] = store.append(ADMIN_USER, [Change("interaction", new_id(), "create", {
                "school_id": [None, "SCHOOL-ALDER"], "location": [None, f"Room {i}"],
                "narrative": [None, "Fictional: two students argued; staff calmed them."]})])
            print("saved", entry.hash, flush=True)
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
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
