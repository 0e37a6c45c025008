"""Composition root: paths -> settings -> store -> services -> UI.

`main` is the `safetydesk` console script. It wires the command line to the
window so that neither imports the other.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys

from safetydesk import cli
from safetydesk.paths import Paths


def setup_logging(paths: Paths) -> None:
    """Rotating log in the log folder. Log lines never carry student names or narratives."""
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.logs / "safetydesk.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)


def open_window(paths: Paths, self_test: bool = False) -> int:
    setup_logging(paths)
    from safetydesk.ui.app.application import run

    return run(paths, self_test=self_test)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, open_window=open_window)
