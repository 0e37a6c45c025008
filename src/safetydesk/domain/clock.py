"""Hybrid logical clock: wall time plus a counter, with the workstation id breaking ties.

A timestamp is a string that sorts in causal order:
``"<wall ms, 13 digits>-<counter, 4 hex>-<device id>"``. Ordering always uses
these stamps; people are shown the local wall clock recorded beside them.

The counter never outgrows its four digits: a stamp that would need counter
65,536 moves to the next millisecond instead, so the text always sorts in the
stamps' order. The clock never goes backwards: a store persists its last
stamp and passes it back in on reopen. A remote stamp far ahead of the local
clock is accepted for ordering (the clock moves past it) and reported by
`observe` so the store can flag it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_COUNTER = 0xFFFF
# A remote clock more than this far ahead of ours is accepted but flagged.
FAR_AHEAD_MS = 60 * 60 * 1000


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

    def _set(self, wall: int, counter: int) -> None:
        if counter > MAX_COUNTER:  # never past four hex digits: move to the next millisecond
            wall, counter = wall + 1, 0
        self._last = Stamp(wall, counter, self.device)

    def now(self) -> str:
        wall = self._wall()
        if wall > self._last.wall_ms:
            self._set(wall, 0)
        else:
            self._set(self._last.wall_ms, self._last.counter + 1)
        return self._last.encode()

    def observe(self, remote: str) -> bool:
        """Move past a stamp received from another workstation.

        Returns True when that stamp is far ahead of this workstation's wall
        clock (accepted for ordering, but worth flagging).
        """
        other = Stamp.decode(remote)
        local = self._wall()
        wall = max(local, self._last.wall_ms, other.wall_ms)
        if wall == self._last.wall_ms == other.wall_ms:
            counter = max(self._last.counter, other.counter) + 1
        elif wall == self._last.wall_ms:
            counter = self._last.counter + 1
        elif wall == other.wall_ms:
            counter = other.counter + 1
        else:
            counter = 0
        self._set(wall, counter)
        return other.wall_ms > local + FAR_AHEAD_MS

    @property
    def last(self) -> str:
        return self._last.encode()
