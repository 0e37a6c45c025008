"""Local accounts (P23): creating, disabling, passwords, and who a session acts as.

A password is never stored, not even hashed: it unwraps the account's copy of
the data file's key (argon2id + AES-GCM, see store/keys.py). A right password
is one that unwraps the key; a disabled account has no copy.
"""

from __future__ import annotations

import logging
from importlib import resources

from safetydesk.domain.errors import AuthenticationFailed, SafetyDeskError, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Actor, Permission
from safetydesk.domain.records import RecordType, UserDraft, diff_states
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import Action, Role
from safetydesk.services.context import Session, service
from safetydesk.store import Change, KeyRing, Store, keys_path, queries

log = logging.getLogger(__name__)
MIN_PASSWORD_LENGTH = 10


def _common_passwords() -> frozenset[str]:
    text = resources.files("safetydesk.services").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


COMMON_PASSWORDS = _common_passwords()


def check_password_rules(password: str, username: str = "") -> list[FieldError]:
    errors = []
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", f"Use a password of at least {MIN_PASSWORD_LENGTH} characters "
                                             "(a few words together are easy to remember)."))
    elif password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        errors.append(FieldError("password", "That password is too common or too easy to guess; choose another."))
    if username and username.lower() in password.lower():
        errors.append(FieldError("password", "The password must not contain the user name."))
    return errors


def validate_user(d: UserDraft, known_schools: set[str]) -> list[FieldError]:
    errors = []
    if not d.username.strip() or not d.username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        errors.append(FieldError("username", "Choose a user name of letters and digits (dots, dashes allowed)."))
    if d.role not in Role._value2member_map_:
        errors.append(FieldError("role", "Choose a role for this account."))
    elif d.role != Role.DISTRICT_ADMIN and d.role != Role.REVIEWER and not d.schools:
        errors.append(FieldError("schools", "Choose the school or schools this account works at."))
    for s in d.schools:
        if s not in known_schools:
            errors.append(FieldError("schools", "The account names a school that is not in the list."))
    return errors


def ring_of(store: Store) -> KeyRing:
    return KeyRing.load(keys_path(store.path))


def _require_key(store: Store) -> bytes:
    if store.key is None:
        raise SafetyDeskError("This data file is not encrypted; accounts need an encrypted data file.")
    return store.key


def add_account(store: Store, by: str, draft: UserDraft, password: str, *, check_rules: bool = True) -> str:
    """Create an account: its record in the history and its key slot. Used by services and set-up."""
    key = _require_key(store)
    known = {s["id"] for s in queries.schools(store, include_inactive=True)}
    errors = validate_user(draft, known)
    if check_rules:
        errors += check_password_rules(password, draft.username)
    if queries.user_by_name(store, draft.username):
        errors.append(FieldError("username", f"There is already an account called “{draft.username}”."))
    if errors:
        raise ValidationFailed(errors)
    ring = ring_of(store)
    ring.add(draft.username, password, key)
    user_id = new_id()
    with store.write():
        store.append(by, [Change(RecordType.USER, user_id, Action.CREATE, diff_states(None, draft.to_state()))])
        ring.save()  # inside the transaction: if the slot cannot be written, no account is created
    log.info("account %s created by %s", draft.username, by)
    return user_id


@service(Permission.MANAGE_USERS)
def create_user(session: Session, draft: UserDraft, password: str) -> str:
    return add_account(session.store, session.author, draft, password)


@service(Permission.MANAGE_USERS)
def list_users(session: Session) -> list[dict]:
    return queries.users(session.store)


def _user_record(store: Store, username: str) -> dict:
    user = queries.user_by_name(store, username)
    if not user:
        raise SafetyDeskError(f"There is no account called “{username}”.")
    return user


@service(Permission.MANAGE_USERS)
def set_user_active(session: Session, username: str, active: bool, reason: str, password: str = "") -> None:
    """Disable an account (its key slot is removed) or enable it again with a new password."""
    store = session.store
    user = _user_record(store, username)
    if username == session.actor.username and not active:
        raise SafetyDeskError("You cannot disable your own account; ask another district administrator.")
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "Say why the account is being disabled or enabled.")])
    if bool(user["active"]) == active:
        return
    ring = ring_of(store)
    if active:
        errors = check_password_rules(password, username)
        if errors:
            raise ValidationFailed(errors)
        ring.add(username, password, _require_key(store))
    else:
        ring.remove(username)
    with store.write():
        store.append(session.author, [Change(
            RecordType.USER, user["id"], Action.AMEND, {"active": [not active, active]}, reason.strip())])
        ring.save()
    log.info("account %s %s by %s", username, "enabled" if active else "disabled", session.actor.username)


@service(Permission.MANAGE_USERS)
def change_user(session: Session, username: str, draft: UserDraft, reason: str) -> None:
    """Change an account's name shown, role or schools."""
    store = session.store
    user = _user_record(store, username)
    state = store.state(RecordType.USER, user["id"]) or {}
    known = {s["id"] for s in queries.schools(store, include_inactive=True)}
    draft.username = username
    errors = validate_user(draft, known)
    if errors:
        raise ValidationFailed(errors)
    changes = diff_states(state, state | {k: v for k, v in draft.to_state().items() if k != "active"})
    if changes:
        store.append(session.author, [Change(RecordType.USER, user["id"], Action.AMEND, changes, reason)])


@service(Permission.MANAGE_USERS)
def reset_password(session: Session, username: str, new_password: str) -> None:
    """An administrator sets a new password for someone who forgot theirs."""
    store = session.store
    user = _user_record(store, username)
    if not user["active"]:
        raise SafetyDeskError("That account is disabled; enable it with a new password instead.")
    errors = check_password_rules(new_password, username)
    if errors:
        raise ValidationFailed(errors)
    ring = ring_of(store)
    ring.add(username, new_password, _require_key(store))
    ring.save()
    log.info("password of %s reset by %s", username, session.actor.username)


@service(None)
def change_own_password(session: Session, old: str, new: str) -> None:
    store = session.store
    ring = ring_of(store)
    ring.unlock(session.actor.username, old)  # raises if the old password is wrong
    errors = check_password_rules(new, session.actor.username)
    if errors:
        raise ValidationFailed(errors)
    ring.add(session.actor.username, new, _require_key(store))
    ring.save()
    log.info("%s changed their password", session.actor.username)


def actor_for(store: Store, username: str) -> Actor:
    user = queries.user_by_name(store, username)
    if not user or not user["active"]:
        raise AuthenticationFailed("That user name and password do not match an active account.")
    if user.get("name_clash"):
        # Two accounts with this name were made on two workstations: neither grants anything
        # until a district administrator renames or disables one (it is listed in Needs review).
        raise AuthenticationFailed(
            f"Two accounts are called “{username}” (made on two workstations). A district "
            "administrator must rename or disable one of them before either can sign in.")
    return Actor(user["username"], user["display_name"], Role(user["role"]), frozenset(user["schools"]),
                 user_id=user["id"])
