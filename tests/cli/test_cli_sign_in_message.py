"""A wrong password on the command line prints the sentence to act on, and nothing else: the
log line about the failed sign-in goes to the log folder, not before the message."""

from __future__ import annotations

import os
import subprocess
import sys

from support import ADMIN_PASSWORD


def test_a_wrong_password_prints_only_the_message(admin, paths):
    admin.store.close()
    home = str(paths.data.parent)
    result = subprocess.run(
        [sys.executable, "-m", "safetydesk", "--home", home, "verify", "--user", "admin"],
        capture_output=True, text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "SAFETYDESK_PASSWORD": "not the password"},
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["safetydesk: That user name and password do not match an active account."], lines
    log = (paths.logs / "safetydesk.log").read_text(encoding="utf-8")
    assert "failed sign-in for account 'admin'" in log  # kept, where IT looks for it
    assert ADMIN_PASSWORD not in log and "not the password" not in log
