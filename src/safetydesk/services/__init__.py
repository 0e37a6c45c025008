"""Use cases: the only door the window and the command line use.

Every function takes a `Session` (the open store and the person acting) first
and checks that person's permission before it reads or writes anything.
"""

from safetydesk.services.context import Session

__all__ = ["Session"]
