"""Whether an entry's author could write it, judged against the replicated accounts (P23).

`import_entries` asks this for every entry from another workstation: the author's account
(by user id; entries made before ids were recorded name the user name) folded from the
account's own entries up to the entry's clock stamp, must be active, unambiguous (two
accounts with one name grant nothing), hold a role with a permission that writes that
record type, and, for a record of a school, serve that school. Account records are accepted
only from a district administrator, except a workstation's own set-up: the first
administrator makes the district, its schools and years and their own account at the start
of that workstation's chain, before their account exists (which workstations' files are
read at all is the sync enrolment's decision). An entry that fails is held, with the reason, and tried again on later imports (an
account change made on a third workstation may arrive later).

A record's school is the one its entries give it so far, counting the entries the same import
applied before (a record is folded again only at the end of an import: a record made, or moved,
earlier in the import must not look like a record of no school). An entry of a record this data
file holds nothing of yet, other than the record's creation, waits for the record's earlier
entries when its author's schools matter: it is judged when they arrive.
"""

from __future__ import annotations

import json
from typing import Any

from safetydesk.domain.permissions import GRANTS, Permission
from safetydesk.domain.vocab import AUDIT_ONLY_ACTIONS, Role
from safetydesk.store import history as history_mod
from safetydesk.store.history import CREATE, RESOLVE, FoldEntry, fold_record

P = Permission
START_OF_YEAR_TYPES = ("role_presentation", "role_distribution", "gun_safety_campaign", "gun_safe_count",
                       "start_of_year")
# Record type -> the permissions whose holders write it (any entry of it).
WRITERS: dict[str, frozenset[Permission]] = {
    "district": frozenset({P.MANAGE_REGISTRY}),
    "school": frozenset({P.MANAGE_REGISTRY}),
    "school_year": frozenset({P.MANAGE_REGISTRY}),
    "school_calendar": frozenset({P.MANAGE_REGISTRY}),
    "staff": frozenset({P.MANAGE_REGISTRY, P.MANAGE_TRAINING}),
    "staff_training": frozenset({P.MANAGE_TRAINING}),
    "policy_training": frozenset({P.MANAGE_TRAINING}),
    "student": frozenset({P.MANAGE_ROSTER, P.IMPORT_ROSTER}),
    "roster_mapping": frozenset({P.MANAGE_ROSTER, P.IMPORT_ROSTER}),
    "interaction": frozenset({P.LOG_INTERACTION, P.AMEND_INTERACTION, P.RETRACT_INTERACTION}),
    "follow_up": frozenset({P.LOG_INTERACTION}),
    "intervention_request": frozenset({P.LOG_INTERVENTION, P.RETRACT_INTERACTION}),
    "climate_activity": frozenset({P.LOG_CLIMATE}),
    "outside_request": frozenset({P.LOG_OUTSIDE_REQUEST}),
    "complaint": frozenset({P.FILE_COMPLAINT, P.INVESTIGATE_COMPLAINT}),
    "agreement": frozenset({P.MANAGE_AGREEMENTS}),
    "gun_safe_household": frozenset({P.MANAGE_GUN_SAFE_HOUSEHOLDS}),
    "attachment": frozenset({P.MANAGE_TRAINING, P.MANAGE_AGREEMENTS, P.MANAGE_START_OF_YEAR}),
    "settings": frozenset({P.ADMINISTER}),
    "user": frozenset({P.MANAGE_USERS}),
    "disclosure": frozenset({P.VIEW_RECORDS}),
    **{t: frozenset({P.MANAGE_START_OF_YEAR}) for t in START_OF_YEAR_TYPES},
}
# Record types not listed above: any role that writes anything (every role but the reviewer's).
ANY_WRITER = frozenset(Permission) - GRANTS[Role.REVIEWER]
# The district's set-up, made by its first administrator before their own account exists.
SETUP_TYPES = frozenset({"district", "school", "school_year", "user"})
DISTRICT_WIDE_TYPES = frozenset({"district", "school", "school_year", "user", "settings", "agreement",
                                 "staff", "school_calendar", "device"})


NOT_THAT_SCHOOL = "does not work at that record's school"
RECORD_NOT_HERE = "its record's earlier entries have not arrived yet"


class Accounts:
    """The replicated accounts of one data file, as of any clock stamp (cached per import)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self._entries: dict[str, list[FoldEntry]] = {}
        # Per record applied in this import: the latest (clock stamp, hash, school) its entries
        # give it. A record's folded state is written only at the end of an import, so a record
        # made or moved earlier in the same import is judged from these, not from its state.
        self._schools: dict[tuple[str, str], tuple[str, str, str]] = {}

    def applied(self, w: dict[str, Any]) -> None:
        """``w`` was applied in this import (its record is folded again only at the end)."""
        school = _new_school(w)
        if school is None:
            school = ""  # a record that is only amended keeps its school: the marker says "seen"
            key = (w["record_type"], w["record_id"])
            if key in self._schools or w["action"] != CREATE:
                return
        key = (w["record_type"], w["record_id"])
        mark = (w["hlc"], w["hash"], school)
        if key not in self._schools or mark[:2] > self._schools[key][:2]:
            self._schools[key] = mark

    def school_of(self, w: dict[str, Any]) -> str | None:
        """The school ``w``'s record is at as far as this data file knows, counting the entries
        this import applied so far ("": no school; None: nothing of its record is here yet)."""
        school = _new_school(w)
        if school is not None:
            return school
        key = (w["record_type"], w["record_id"])
        row = self.conn.execute("SELECT state FROM record_state WHERE record_type = ? AND record_id = ?",
                                key).fetchone()
        mark = self._schools.get(key)
        if row is None:
            if mark is not None:
                return mark[2]  # made in this import: the school its latest entry gives it
            return "" if w["action"] == CREATE else None
        if mark is None:  # nothing of it in this import: its folded state is current
            state_school = json.loads(row[0]).get("school_id")
            return state_school if isinstance(state_school, str) else ""
        # Moved in this import, after its state was folded: the latest school of its whole
        # history (the rows this import has written, and the ones it has not written yet).
        latest = mark
        for hlc, hash_, text in self.conn.execute(
                "SELECT hlc, hash, changes FROM history WHERE record_type = ? AND record_id = ?", key):
            then = _new_school({"changes": json.loads(text)})
            if then is not None and (hlc, hash_) > latest[:2]:
                latest = (hlc, hash_, then)
        return latest[2]

    def changed(self) -> None:
        """An account entry was applied: forget what was read."""
        self._entries.clear()

    def _of(self, user_id: str) -> list[FoldEntry]:
        if user_id not in self._entries:
            rows = self.conn.execute(
                "SELECT id, hash, hlc, user, action, changes, bases FROM history "
                "WHERE record_type = 'user' AND record_id = ? AND format <= ?",
                (user_id, history_mod.ENTRY_FORMAT)).fetchall()
            self._entries[user_id] = sorted(
                (FoldEntry(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), tuple(json.loads(r[6])))
                 for r in rows if r[4] not in AUDIT_ONLY_ACTIONS), key=lambda e: (e.hlc, e.hash))
        return self._entries[user_id]

    def state_at(self, user_id: str, hlc: str) -> dict[str, Any] | None:
        """An account as its entries up to ``hlc`` make it (None: it did not exist yet)."""
        entries = [e for e in self._of(user_id) if e.hlc <= hlc]
        return fold_record(entries).state if entries else None

    def candidates(self, author: str) -> list[str]:
        """The accounts an entry's author names: its user id, or (older entries) its user name."""
        ids = [r[0] for r in self.conn.execute(
            "SELECT DISTINCT record_id FROM history WHERE record_type = 'user' AND record_id = ?", (author,))]
        if ids:
            return ids
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT record_id FROM history WHERE record_type = 'user' "
            "AND json_extract(changes, '$.username[1]') = ? ORDER BY record_id", (author,))]

    def opens_its_chain(self, w: dict[str, Any]) -> bool:
        """Whether ``w`` belongs to the set-up its workstation began with: every earlier entry of
        its chain (after its own key record) is a set-up record too."""
        marks = ",".join("?" * len(SETUP_TYPES))
        row = self.conn.execute(
            f"SELECT COUNT(*) FROM history WHERE device = ? AND dseq > 1 AND dseq < ? "
            f"AND record_type NOT IN ({marks})", (w["device"], w["dseq"], *sorted(SETUP_TYPES))).fetchone()
        withheld = self.conn.execute("SELECT COUNT(*) FROM history_withheld WHERE device = ? AND dseq < ?",
                                     (w["device"], w["dseq"])).fetchone()
        return row[0] == 0 and withheld[0] == 0


def _new_school(w: dict[str, Any]) -> str | None:
    """The school ``w`` sets its record at (None: it does not change the school)."""
    change = w["changes"].get("school_id")
    if isinstance(change, list) and len(change) == 2 and isinstance(change[1], str):
        return change[1]
    return None


def problem(conn: Any, accounts: Accounts, w: dict[str, Any]) -> str:
    """Why the author of ``w`` could not have written it (empty: they could)."""
    if history_mod.MUTANT == "permission-unchecked":
        return ""
    author, rt, hlc = w["user"], w["record_type"], w["hlc"]
    states = []
    candidates = accounts.candidates(author)
    for uid in candidates:
        state = accounts.state_at(uid, hlc)
        if state is not None and state.get("active", True):
            states.append(state)
    if not states:
        if rt in SETUP_TYPES and w["action"] == "create" and accounts.opens_its_chain(w):
            return ""  # a workstation's own set-up, by its first administrator
        if candidates:
            return f"its author ({author}) had no active account in this district when it was written"
        return f"its author ({author}) has no account in this district"
    if len(states) > 1:
        return (f"two accounts are called “{author}”: neither may write anything until a district "
                "administrator renames or disables one")
    state = states[0]
    try:
        role = Role(str(state.get("role")))
    except ValueError:
        return f"its author ({author}) had no role that may write it"
    granted = GRANTS.get(role, frozenset())
    if w["action"] in AUDIT_ONLY_ACTIONS:
        needed = frozenset(Permission)  # a view, print or export: any account
    elif w["action"] == RESOLVE:
        needed = frozenset({P.RETRACT_INTERACTION})  # Needs review: principals and district administrators
    else:
        needed = WRITERS.get(rt, ANY_WRITER)
    if not granted & needed:
        if rt == "user":
            return "account records are accepted only from a district administrator"
        return f"its author ({author}, {role.label}) may not write {rt.replace('_', ' ')} records"
    schools = state.get("schools") or []
    if role != Role.DISTRICT_ADMIN and schools and rt not in DISTRICT_WIDE_TYPES:
        school = accounts.school_of(w)
        if school is None:  # not judged against a record this file does not know: it waits
            return RECORD_NOT_HERE
        if school and school not in schools:
            return f"its author ({author}) {NOT_THAT_SCHOOL}"
    return ""
