"""Moved to `safetydesk.demo`. This name stays importable only until the window imports the demo
generator from its new place (the first-run dialog still uses ``services.demo``)."""

from safetydesk.demo import Summary, generate

__all__ = ["Summary", "generate"]
