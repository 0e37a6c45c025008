"""Local accounts: creating them, signing in, passwords (argon2id)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from safetydesk.domain.errors import AuthenticationFailed, SafetyDeskError, ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Actor, Permission
from safetydesk.domain.records import RecordType, UserDraft, diff_states
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import Action, Role
from safetydesk.services.context import Session, service
from safetydesk.store import Change, Store, queries

MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password_rules(password: str, username: str = "") -> list[FieldError]:
    errors = []
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", f"Use a password of at least {MIN_PASSWORD_LENGTH} characters."))
    if username and password.lower() == username.lower():
        errors.append(FieldError("password", "The password must not be the user name."))
    return errors


def validate_user(d: UserDraft, known_schools: set[str]) -> list[FieldError]:
    errors = []
    if not d.username.strip() or not d.username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        errors.append(FieldError("username", "Choose a user name of letters and digits (dots, dashes allowed)."))
    if d.role not in Role._value2member_map_:
        errors.append(FieldError("role", "Choose a role for this account."))
    for s in d.schools:
        if s not in known_schools:
            errors.append(FieldError("schools", "The account names a school that is not in the list."))
    return errors


def _create_user(store: Store, by: str, draft: UserDraft, password: str, *, check_rules: bool = True) -> str:
    known = {s["id"] for s in queries.schools(store, include_inactive=True)}
    errors = validate_user(draft, known)
    if check_rules:
        errors += check_password_rules(password, draft.username)
    if queries.user_by_name(store, draft.username):
        errors.append(FieldError("username", f"There is already an account called “{draft.username}”."))
    if errors:
        raise ValidationFailed(errors)
    user_id = new_id()
    with store.write():
        store.append(by, [Change(RecordType.USER, user_id, Action.CREATE, diff_states(None, draft.to_state()))])
        store.set_password_hash(draft.username, hash_password(password))
    return user_id


def bootstrap_admin(store: Store, username: str, password: str, display_name: str = "") -> str:
    """The first district administrator of a new data file (used by `init` and the first-run screen)."""
    if queries.users(store):
        raise SafetyDeskError("This data file already has accounts; sign in as an administrator to add more.")
    draft = UserDraft(username=username, display_name=display_name or username, role=Role.DISTRICT_ADMIN)
    return _create_user(store, username, draft, password)


@service(Permission.MANAGE_USERS)
def create_user(session: Session, draft: UserDraft, password: str, *, check_rules: bool = True) -> str:
    return _create_user(session.store, session.actor.username, draft, password, check_rules=check_rules)


@service(Permission.MANAGE_USERS)
def list_users(session: Session) -> list[dict]:
    return queries.users(session.store)


def actor_for(store: Store, username: str) -> Actor:
    user = queries.user_by_name(store, username)
    if not user or not user["active"]:
        raise AuthenticationFailed("That user name and password do not match an active account.")
    return Actor(user["username"], user["display_name"], Role(user["role"]), frozenset(user["schools"]))


def sign_in(store: Store, username: str, password: str) -> Session:
    """Check a password and return a session acting as that user."""
    stored = store.password_hash(username)
    user = queries.user_by_name(store, username)
    try:
        if not stored or not user or not user["active"]:
            raise VerificationError()
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        raise AuthenticationFailed("That user name and password do not match an active account.") from None
    if _hasher.check_needs_rehash(stored):
        store.set_password_hash(username, hash_password(password))
    return Session(store, actor_for(store, username))


@service(None)
def change_own_password(session: Session, old: str, new: str) -> None:
    sign_in(session.store, session.actor.username, old)
    errors = check_password_rules(new, session.actor.username)
    if errors:
        raise ValidationFailed(errors)
    session.store.set_password_hash(session.actor.username, hash_password(new))
