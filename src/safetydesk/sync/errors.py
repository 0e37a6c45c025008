"""Expected failures of the exchange, each with a sentence district IT can act on."""

from __future__ import annotations

from safetydesk.domain.errors import SafetyDeskError


class SyncError(SafetyDeskError):
    """Sync cannot go on as things are; nothing local was changed."""


class ShareUnavailable(SyncError):
    """The shared folder cannot be reached (offline): work goes on locally."""


class WrongShare(SyncError):
    """The folder is not this workstation's district folder, or it went backwards: sync stops."""


class InvalidChangeFile(SyncError):
    """A change file failed a check; ``reason`` is the plain-language reason it was held."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EnrolmentError(SyncError):
    """Setting up, joining or removing a workstation could not be done."""
