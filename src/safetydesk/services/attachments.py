"""Files kept in the data file (ESD documentation, signed agreements, handouts, board minutes).

A file is an ``attachment`` record in the history like any other: encrypted,
tamper-evident and carried wherever the history goes; its bytes are stored once
by content (sha256) beside the history and named by the record. The use cases that own
files (training, agreements, start of year, policy training) check their own
permission and call these; a use case that stores a file *and* changes a record
does both in one transaction (`safetydesk.services.kernel.transaction`), so a
refused change leaves no orphan file behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safetydesk.domain.attachments import (
    ATTACHMENT_RECORD_TYPE,
    attachment_bytes,
    attachment_state,
    validate_attachment,
)
from safetydesk.domain.errors import NotFound, SafetyDeskError, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import diff_states
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import Action
from safetydesk.services import audit
from safetydesk.services.context import Session
from safetydesk.store import Change, queries_district


def add_attachment(session: Session, name: str, data: bytes, school_id: str, owner_type: str,
                   field_name: str = "") -> str:
    """Store a file in the data file (callers check their own permission first). Returns its id.
    ``field_name``: the form field to name in a refusal (default: the attachment's own fields)."""
    errors = validate_attachment(name, data)
    if errors:
        if field_name:
            errors = [FieldError(field_name, e.message) for e in errors]
        raise ValidationFailed(errors, "The file was not attached.")
    record_id = new_id()
    state = attachment_state(name, data, school_id, owner_type, session.actor.username)
    with session.store.write():  # the bytes (stored once by content) and the record that names them
        session.store.put_blob(data)
        session.store.append(session.author, [
            Change(ATTACHMENT_RECORD_TYPE, record_id, Action.CREATE, diff_states(None, state))])
    return record_id


def check_attachments(session: Session, ids: Iterable[str], field_name: str) -> list[FieldError]:
    """A problem when one of ``ids`` is not a stored, current file."""
    wanted = list(ids)
    found = {a["id"] for a in queries_district.attachments(session.store, wanted) if not a["retracted"]}
    if any(i not in found for i in wanted):
        return [FieldError(field_name, "An attached file is missing from the data file; attach it again.")]
    return []


def describe(session: Session, attachment_id: str) -> dict[str, Any]:
    """Name, size, type and checksum of a stored file (no content)."""
    found = queries_district.attachments(session.store, [attachment_id])
    if not found:
        raise NotFound("That file is not in the data file.")
    return found[0]


def read_attachment(session: Session, attachment_id: str, view: Permission) -> tuple[str, str, bytes]:
    """(name, media type, bytes) of a stored file; opening it is audited."""
    state = session.store.state(ATTACHMENT_RECORD_TYPE, attachment_id)
    if state is None:
        raise NotFound("That file is not in the data file.")
    session.require(view, state.get("school_id") or None)
    stored = session.store.blob(state["blob"]) if isinstance(state.get("blob"), str) else None
    if stored is None and "content_b64" not in state:
        raise SafetyDeskError("The stored file is missing from this data file (it may not have arrived "
                              "from the workstation that attached it yet). Exchange changes, or attach "
                              "it again.")
    try:
        data = attachment_bytes(state, stored)
    except ValueError as exc:
        raise SafetyDeskError("The stored file is damaged (its checksum does not match). "
                              "Run `safetydesk verify` and attach it again.") from exc
    audit.record_access(session, ATTACHMENT_RECORD_TYPE, attachment_id, Action.VIEW)
    return state["name"], state["media_type"], data
