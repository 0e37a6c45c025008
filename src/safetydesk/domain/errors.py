"""Expected failures: typed exceptions that carry a sentence a person can act on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class SafetyDeskError(Exception):
    """Base of every expected failure. ``str(error)`` is written for the person at the desk."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationFailed(SafetyDeskError):
    def __init__(self, errors: Sequence[Any], lead: str = "The record was not saved.") -> None:
        self.errors = list(errors)
        lines = "\n".join(f"• {e}" for e in self.errors)
        super().__init__(f"{lead} Please fix:\n{lines}")


class NotFound(SafetyDeskError):
    pass


class PermissionDenied(SafetyDeskError):
    pass


class DataFileError(SafetyDeskError):
    """The data file cannot be used as it is (corrupt, newer version, locked)."""


class CorruptDataFile(DataFileError):
    pass


class NewerDataFile(DataFileError):
    pass


class DataFolderError(SafetyDeskError):
    """The data folder is unusable: not writable, full, or on a network drive."""


class AuthenticationFailed(SafetyDeskError):
    pass
