"""Hybrid logical clock: wall time plus a counter, with the workstation id breaking ties.

A timestamp is a string that sorts in causal order:
``"<wall ms, 13 digits>-<counter, 4 hex>-<device id>"``. Wall time in the history
is for display only; ordering always uses these stamps.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    counter: int
    device: str

    def encode(self) -> str:
        return f"{self.wall_ms:013d}-{self.counter:04x}-{self.device}"

    @classmethod
    def decode(cls, text: str) -> Stamp:
        wall, counter, device = text.split("-", 2)
        return cls(int(wall), int(counter, 16), device)

    def wall_time(self) -> datetime:
        return datetime.fromtimestamp(self.wall_ms / 1000, tz=UTC)


class HybridClock:
    """Issues stamps that never go backwards, even if the wall clock does."""

    def __init__(self, device: str, last: str | None = None, wall=None) -> None:
        self.device = device
        self._wall = wall or (lambda: int(time.time() * 1000))
        self._last = Stamp.decode(last) if last else Stamp(0, 0, device)

    def now(self) -> str:
        wall = self._wall()
        if wall > self._last.wall_ms:
            self._last = Stamp(wall, 0, self.device)
        else:
            self._last = Stamp(self._last.wall_ms, self._last.counter + 1, self.device)
        return self._last.encode()

    def observe(self, remote: str) -> None:
        """Move past a stamp received from another workstation."""
        other = Stamp.decode(remote)
        wall = max(self._wall(), self._last.wall_ms, other.wall_ms)
        if wall == self._last.wall_ms == other.wall_ms:
            counter = max(self._last.counter, other.counter) + 1
        elif wall == self._last.wall_ms:
            counter = self._last.counter + 1
        elif wall == other.wall_ms:
            counter = other.counter + 1
        else:
            counter = 0
        self._last = Stamp(wall, counter, self.device)

    @property
    def last(self) -> str:
        return self._last.encode()
