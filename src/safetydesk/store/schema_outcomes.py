"""Outcomes per student (m060): existing interactions upgraded through the history.

Before this change an interaction's discipline, use of force and arrest were
ticks on the incident. The migration itself only marks the file (it cannot sign
history entries: the workstation's key lives outside the file); when the file
is next opened, `run_upgrades` appends one amendment per interaction whose
outcomes it can give to a student (domain.outcomes.upgraded_outcomes: the
incident's only subject), with the reason written in the entry, and counts the
incidents left for review (several subjects, or none), which the dashboard
lists until a person records who each outcome applies to. The figures are kept
in ``meta`` (``outcomes_upgrade``) as ``{"changed": n, "flagged": m}``.

The upgrade is deterministic, so two workstations that upgrade their copies
make the same change and their entries do not conflict.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Protocol

from safetydesk.domain.outcomes import UPGRADE_REASON, upgraded_outcomes
from safetydesk.domain.records import RecordType
from safetydesk.domain.vocab import Action
from safetydesk.store.history import Change
from safetydesk.store.schema import migrations

if TYPE_CHECKING:  # annotations only: sqlite-utils is imported when a migration runs
    from sqlite_utils import Database

FLAG = "upgrade_outcomes_per_student"
RESULT = "outcomes_upgrade"


class _Store(Protocol):
    conn: Any

    def write(self) -> Any: ...

    def append(self, user: str, changes: Any) -> Any: ...

    def get_meta(self, key: str) -> str | None: ...


@migrations()
def m060_outcomes_per_student(db: Database) -> None:
    """Mark the file: its interactions get per-student outcomes when it is next opened."""
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", [FLAG])


def outcome_upgrades(conn: Any) -> tuple[list[tuple[str, Change]], int]:
    """The amendments the upgrade appends (each with the account that last wrote the record) and
    the number of incidents left for review."""
    out: list[tuple[str, Change]] = []
    flagged = 0
    cur = conn.execute(
        "SELECT record_id, state, updated_by FROM record_state WHERE record_type = ? ORDER BY record_id",
        (RecordType.INTERACTION,))
    for rid, text, user in cur:
        state = json.loads(text)
        if state.get("retracted"):
            continue
        new, review = upgraded_outcomes(state)
        flagged += review
        if new is not None:
            out.append((user, Change(RecordType.INTERACTION, rid, Action.AMEND,
                                     {"outcome_students": [state.get("outcome_students"), new]}, UPGRADE_REASON)))
    return out, flagged


def run_upgrades(store: _Store) -> None:
    """After opening: the upgrades a migration marked, once, in one transaction."""
    if store.get_meta(FLAG) != "1":
        return
    items, flagged = outcome_upgrades(store.conn)
    with store.write() as conn:
        by_user: dict[str, list[Change]] = {}
        for user, change in items:
            by_user.setdefault(user, []).append(change)
        for user, changes in by_user.items():
            store.append(user, changes)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                     (RESULT, json.dumps({"changed": len(items), "flagged": flagged})))
        conn.execute("DELETE FROM meta WHERE key = ?", (FLAG,))
