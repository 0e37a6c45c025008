"""The fictional demo data generator, beside the command line and the window.

It sits above the services (the window's first-run screen and ``safetydesk demo``
call it; it writes through the services and, for the large everyday batches,
the store's bulk path), so nothing below it depends on it. See `generator`.
"""

from safetydesk.demo.generator import Summary, generate

__all__ = ["Summary", "generate"]
