"""What a write changed: the record kinds and ids, as Anki's ``OpChanges``.

The store collects the records every committed transaction touched; the
session hands them out once (``Session.take_changes``), and the window's
worker passes them to the views, which refresh only for the kinds they show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """The records one operation changed, as (record type, record id) pairs."""

    records: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Changes:
        return cls(frozenset(pairs))

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(kind for kind, _ in self.records)

    def ids(self, kind: str) -> frozenset[str]:
        return frozenset(rid for k, rid in self.records if k == kind)

    def touches(self, *kinds: str) -> bool:
        """True when any of ``kinds`` changed (no kinds given: anything changed)."""
        if not kinds:
            return bool(self.records)
        return not self.kinds.isdisjoint(kinds)

    def __bool__(self) -> bool:
        return bool(self.records)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.records | other.records)


NO_CHANGES = Changes()

# Not a record: a form's kept draft (saved or discarded), reported like one so that the
# views listing drafts hear of it.
DRAFT = "draft"
