"""Needs review: what the merge of several workstations' histories left for a person to decide.

* conflicts (a derived table): two workstations changed the same record at the
  same time and disagree. Every workstation already shows the same winner; a
  principal or district administrator confirms it or chooses the other side,
  and that choice is an entry based on both sides (action ``resolve``);
* two accounts with one user name (neither grants anything until one is
  renamed or disabled);
* entries received but held (a gap, a failed check, a newer format);
* workstations whose clock was seen far ahead.

Resolving needs the permission to retract records (principals for their
schools, district administrators everywhere).
"""

from __future__ import annotations

from typing import Any

from safetydesk.domain.errors import NotFound, SafetyDeskError, ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import Action
from safetydesk.services.context import Session, service
from safetydesk.store import Change

KIND_LABELS = {
    "create": "Created twice with different details",
    "step": "Two workflow steps at the same time",
    "retract": "Retracted on one workstation, changed on another",
    "field": "Changed to different values on two workstations",
}
RECORD_LABELS = {
    "interaction": "Interaction", "student": "Student", "staff": "Staff member", "complaint": "Complaint",
    "user": "Account", "school_year": "School year", "school_calendar": "School calendar",
    "settings": "District settings", "staff_training": "Training record", "agreement": "Agreement",
}


def _side(session: Session, entry_id: str, fields: list[str]) -> dict[str, Any]:
    entry = session.store.entry(entry_id)
    if entry is None:
        return {"id": entry_id, "who": "", "when": "", "values": {}}
    values = {f: entry.changes[f][1] for f in fields if f in entry.changes}
    return {"id": entry.id, "who": entry.user, "when": entry.wall_time, "action": entry.action,
            "values": values, "device": entry.device}


@service(Permission.RETRACT_INTERACTION)
def needs_review(session: Session) -> list[dict[str, Any]]:
    """Open conflicts and account name clashes, ordered the same on every workstation."""
    items: list[dict[str, Any]] = []
    for c in session.store.conflicts(open_only=True):
        state = session.store.state(c["record_type"], c["record_id"]) or {}
        school = state.get("school_id")
        if school and not session.actor.can(Permission.RETRACT_INTERACTION, school):
            continue
        fields = list(c["fields"])
        items.append({
            "kind": "conflict", "record_type": c["record_type"], "record_id": c["record_id"],
            "title": f"{RECORD_LABELS.get(c['record_type'], c['record_type'].replace('_', ' ').capitalize())}: "
                     f"{KIND_LABELS.get(c['kind'], c['kind'])}",
            "fields": fields, "conflict": c["kind"],
            "winner": _side(session, c["winner"], fields), "loser": _side(session, c["loser"], fields),
        })
    clashes: dict[str, list[str]] = {}
    for uid, username in session.store.name_clashes():
        clashes.setdefault(username, []).append(uid)
    for username, ids in clashes.items():
        items.append({"kind": "account", "record_type": "user", "record_id": ids[0],
                      "title": f"Two accounts are called “{username}”: rename or disable one",
                      "fields": ["username"], "accounts": ids})
    return items


@service(Permission.RETRACT_INTERACTION)
def held_entries(session: Session) -> list[tuple[str, str]]:
    """Entries received from other workstations and not applied, with the reason."""
    return session.store.held_entries()


@service(Permission.RETRACT_INTERACTION)
def resolve_conflict(session: Session, record_type: str, record_id: str, keep_entry: str,
                     reason: str = "") -> None:
    """Settle a conflict by keeping one side (``keep_entry``, the winner or the loser).

    Appends a ``resolve`` entry made on the record's current heads, so it is based on
    both sides; it sets the disputed fields to the kept side's values.
    """
    store = session.store
    conflict = next((c for c in store.conflicts(open_only=True)
                     if c["record_type"] == record_type and c["record_id"] == record_id
                     and keep_entry in (c["winner"], c["loser"])), None)
    if conflict is None:
        raise NotFound("That conflict is no longer open (someone resolved it, or the record changed).")
    state = store.state(record_type, record_id) or {}
    school = state.get("school_id")
    if school:
        session.require(Permission.RETRACT_INTERACTION, school)
    kept = store.entry(keep_entry)
    if kept is None:
        raise SafetyDeskError("The entry to keep is not in this data file.")
    fields = list(conflict["fields"]) or list(kept.changes)
    changes = {f: [state.get(f), kept.changes[f][1]] for f in fields if f in kept.changes}
    if conflict["kind"] == "step":  # a step is whole: keep all of the chosen step
        changes = {f: [state.get(f), v[1]] for f, v in kept.changes.items()}
    if not changes:
        changes = {"resolved": [state.get("resolved"), keep_entry]}
    text = reason.strip() or "Conflict between two workstations resolved"
    if len(text) > 500:
        raise ValidationFailed([FieldError("reason", "Keep the reason under 500 characters.")])
    store.append(session.author, [Change(record_type, record_id, Action.RESOLVE, changes, text)])


@service(Permission.ADMINISTER)
def verify_against(session: Session, heads_text: str) -> list[str]:
    """Check this data file against published anchors (the history heads printed in a board
    report or an OSPI collection, or their CSV): every listed entry must still be here, unchanged.

    Lines are ``device,sequence,hash`` (a CSV header line and blank lines are skipped).
    """
    anchors: list[tuple[str, int, str]] = []
    for n, line in enumerate(heads_text.splitlines(), 1):
        parts = [p.strip() for p in line.replace("\t", ",").replace(" ", ",").split(",") if p.strip()]
        if not parts or parts[0].lower() in ("workstation", "device"):
            continue
        if len(parts) != 3 or not parts[1].isdigit():
            raise ValidationFailed([FieldError("heads", f"Line {n} is not “workstation, entry, hash”.")],
                                   "Nothing was checked.")
        anchors.append((parts[0], int(parts[1]), parts[2].lower()))
    if not anchors:
        raise ValidationFailed([FieldError("heads", "The file lists no history anchors.")], "Nothing was checked.")
    problems = []
    for device, seq, digest in anchors:
        have = session.store.hash_at(device, seq)
        if have is None:
            problems.append(f"Workstation {device}'s entry {seq}, published with hash {digest[:12]}…, is not in "
                            "this data file: its history was cut back after it was published.")
        elif have != digest:
            problems.append(f"Workstation {device}'s entry {seq} differs from the published one "
                            f"({have[:12]}… instead of {digest[:12]}…): its history was rewritten after it "
                            "was published.")
    return problems
