"""Local accounts (P23): creating, disabling, passwords, and who a session acts as.

A password is never stored, not even hashed: it unwraps the account's copy of
the data file's key (argon2id + AES-GCM, see store/keys.py). A right password
is one that unwraps the key; a disabled account has no copy.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

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
# NIST SP 800-63B: no composition rules, long passphrases welcome, every new password checked
# against passwords known from breaches, dictionary words, repetition and the context (user
# name, the program's name). An account that manages the district (every school, every
# account) is held to more: a longer minimum and a strength a guessing attack cannot reach.
MIN_ADMIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
ADMIN_ROLES = frozenset({Role.DISTRICT_ADMIN.value})
MIN_SCORE = 2          # zxcvbn's 0..4: at least a million guesses ("somewhat guessable") for everyone
MIN_ADMIN_SCORE = 3    # at least 10^8 guesses ("safely unguessable") for administrators
CONTEXT_WORDS = ("safetydesk", "safety", "desk", "school", "district", "password", "admin",
                 "administrator", "principal", "office")
STRENGTH_LABELS = ("Very weak", "Weak", "Fair", "Strong", "Very strong")
ADVICE = ("Three or four words that have nothing to do with each other, with spaces, are strong "
          "and easy to remember.")
_estimating = threading.Lock()  # zxcvbn keeps the user's words in a module-level table


def _common_passwords() -> frozenset[str]:
    text = resources.files("safetydesk.services").joinpath("common-passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


COMMON_PASSWORDS = _common_passwords()


def is_admin_role(role: str | None) -> bool:
    return (role or "") in ADMIN_ROLES


def _on_a_breach_list(password: str) -> bool:
    """The password, or the password without the digits and signs people add at its ends
    ("password12", "Summer2026!"), is one of the passwords attackers try first."""
    low = password.lower().strip()
    bare = low.strip("0123456789!@#$%^&*?.,-_ ")
    return low in COMMON_PASSWORDS or (len(bare) >= 4 and bare in COMMON_PASSWORDS)


@dataclass(frozen=True)
class PasswordStrength:
    """What the first-run and account dialogs show while the password is typed."""

    score: int                 # 0..4 (zxcvbn)
    label: str                 # "Weak", "Strong", ...
    problems: list[FieldError]

    @property
    def acceptable(self) -> bool:
        return not self.problems

    def sentence(self) -> str:
        if self.problems:
            return self.problems[0].message
        return f"{self.label} password."


def _estimate(password: str, username: str, extra_words: Sequence[str]) -> Any:
    spaced = " ".join((username, *extra_words)).replace(".", " ").replace("-", " ").replace("_", " ")
    words = [w for w in (username, *extra_words, *spaced.split(), *CONTEXT_WORDS) if w]
    from zxcvbn import zxcvbn  # on first use, not at start-up (its word lists take 0.1 s)

    with _estimating:
        return zxcvbn(password[:72], user_inputs=words)


def password_strength(password: str, username: str = "", role: str | None = None,
                      extra_words: Sequence[str] = ()) -> PasswordStrength:
    """Every rule a new password must meet, for an account of ``role``, with the reason and what
    to do; ``extra_words`` are words of the context (the district's name) a guess would try."""
    admin = is_admin_role(role)
    minimum = MIN_ADMIN_PASSWORD_LENGTH if admin else MIN_PASSWORD_LENGTH
    who = "An administrator's password" if admin else "A password"
    errors: list[FieldError] = []
    if not password:
        return PasswordStrength(0, STRENGTH_LABELS[0], [FieldError("password", f"Choose a password of at "
                                f"least {minimum} characters. {ADVICE}")])
    result = _estimate(password, username, extra_words)
    score = int(result["score"])
    if len(password) > MAX_PASSWORD_LENGTH:
        errors.append(FieldError("password", f"Use at most {MAX_PASSWORD_LENGTH} characters."))
    common = _on_a_breach_list(password) or len(set(password)) < 4
    if common:
        errors.append(FieldError("password", "That password is too common: it is on the lists of passwords "
                                             "attackers try first (a common word with digits or signs added "
                                             "counts as common). Choose another."))
    if len(password) < minimum:
        why = " (it opens every school's records and every account)" if admin else ""
        errors.append(FieldError("password", f"{who} needs at least {minimum} characters{why}; this one "
                                             f"has {len(password)}: add a word or two."))
    elif not common and score < (MIN_ADMIN_SCORE if admin else MIN_SCORE):
        warning = (result.get("feedback") or {}).get("warning") or ""
        reason = f" ({warning.rstrip('.').lower()})" if warning else ""
        errors.append(FieldError("password", f"{who} this easy to guess{reason} is refused. "
                                             "Add another word or two, or choose another."))
    if username and username.lower() in password.lower():
        errors.append(FieldError("password", "The password must not contain the user name; choose another."))
    if errors:
        score = min(score, 1)
        errors[0] = FieldError("password", f"{errors[0].message} {ADVICE}")
    return PasswordStrength(score, STRENGTH_LABELS[score], errors)


def check_password_rules(password: str, username: str = "", role: str | None = None,
                         extra_words: Sequence[str] = ()) -> list[FieldError]:
    """The problems of a new password (none when it may be used), each a sentence saying why and
    what to do. ``role`` decides whether the administrator's rules apply."""
    return password_strength(password, username, role, extra_words).problems


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
        errors += check_password_rules(password, draft.username, draft.role)
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
        errors = check_password_rules(password, username, user.get("role"))
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
    errors = check_password_rules(new_password, username, user.get("role"))
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
    errors = check_password_rules(new, session.actor.username, session.actor.role.value)
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
