"""Killing SafetyDesk in the middle of a save leaves the whole change or none of it."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from safetydesk.store import Store, new_database_key

BATCH = 400

CHILD = textwrap.dedent(
    f"""
    import sys
    from safetydesk.store import Store, Change
    from safetydesk.domain.ids import new_id

    store = Store.open(sys.argv[1], key=bytes.fromhex(sys.argv[2]))
    n = 0
    while True:
        n += 1
        print("begin", n, flush=True)
        with store.write():
            changes = [
                Change("school", new_id(), "create", {{"name": [None, f"School {{n}}-{{i}}"],
                       "level": [None, "other"], "code": [None, ""], "active": [None, True]}})
                for i in range({BATCH})
            ]
            store.append("tester", changes[: {BATCH} // 2])
            print("midway", n, flush=True)  # half written, not committed
            store.append("tester", changes[{BATCH} // 2 :])
        print("committed", n, flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.policy("P25")
def test_sigkill_during_a_save_leaves_all_or_nothing(tmp_path):
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("SIGKILL does not exist on this platform")
    path, key = tmp_path / "d.sqlite", new_database_key()
    Store.open(path, key=key).close()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), key.hex()], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    committed = 0
    for line in child.stdout:
        word, n = line.split()
        if word == "committed":
            committed = int(n)
        elif word == "midway" and int(n) >= 4:
            child.send_signal(signal.SIGKILL)  # half-way through the fourth transaction
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    store = Store.open(path, key=key)
    try:
        # every entry but the workstation's own signing-key record (the first in its chain)
        entries = store.conn.execute("SELECT COUNT(*) FROM history WHERE record_type != 'device'").fetchone()[0]
        assert entries % BATCH == 0, "a save was cut in half"
        assert entries // BATCH >= committed >= 3
        assert store.conn.execute("SELECT COUNT(*) FROM schools").fetchone()[0] == entries
        assert store.verify() == []
    finally:
        store.close()
