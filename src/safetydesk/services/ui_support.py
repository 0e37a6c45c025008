"""Small helpers the window needs that fit no other service module."""

from __future__ import annotations

import contextlib
from typing import Any


def close_session(session: Any) -> None:
    """Close the data file a signed-in session acts on (the window calls this as it quits).

    Safe to call twice, and with no session at all.
    """
    store = getattr(session, "store", None)
    if store is not None:
        with contextlib.suppress(Exception):  # already closed
            store.close()
