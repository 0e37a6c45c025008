"""Sync through the district's shared folder: the use cases, with their permission checks.

District administrators set up the district folder, enrol and remove
workstations, and allow unattended sync; anyone signed in may sync now and see
the status. The exchange itself is ``safetydesk.sync``; the history it
exchanges is the data file's (the store's exchange API, issue 10).

The district's sync keys are kept in the operating system's credential store
(``keyring``), never in a file: under the service ``SafetyDesk sync`` and the
data file's device id. Unattended sync (a scheduled task, no person to type a
password) also needs the data file's key; an administrator allows it once with
``allow_unattended_sync``, which puts that key beside the sync keys in the
credential store of the account the scheduled task runs as.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.ids import new_id
from safetydesk.domain.permissions import Permission
from safetydesk.paths import Paths
from safetydesk.services import registry
from safetydesk.services.context import Session, service
from safetydesk.sync import state
from safetydesk.sync.errors import ShareUnavailable, SyncError, WrongShare

if TYPE_CHECKING:  # the exchange engine and its crypto are imported when a sync or set-up runs:
    # the window's status bar needs only the state file (`status`, `last_sync`)
    from safetydesk.sync.engine import SyncEngine, SyncResult
    from safetydesk.sync.exchange import HistoryExchange
    from safetydesk.sync.keys import SyncKeys

KEYRING_SERVICE = "SafetyDesk sync"

# Exit codes of `safetydesk sync --once` (docs/sync.md).
EXIT_SYNCED, EXIT_ERROR, EXIT_OFFLINE, EXIT_STOPPED, EXIT_HELD = 0, 1, 2, 3, 4


def _state_path(paths: Paths) -> Path:
    return paths.data / state.FILE_NAME


def _exchange_of(store: Any) -> HistoryExchange:
    """The data file's exchange API (the store implements it once issue 10 lands)."""
    needed = ("device_heads", "entries_since", "import_entries", "blobs_for", "import_blobs",
              "public_key", "sign")
    if not all(hasattr(store, name) for name in needed):
        raise SyncError("This version of the data file cannot sync yet: it keeps no per-workstation "
                        "signed history. Update SafetyDesk on this workstation.")
    return cast("HistoryExchange", store)


# ----------------------------------------------------------------- keys in the keyring
def _keyring_name(device: str) -> str:
    return f"device:{device}"


def _save_keys(device: str, keys: SyncKeys, database_key: bytes | None = None) -> None:
    payload: dict[str, Any] = {"keys": keys.to_json()}
    old = _load_keyring(device)
    if database_key is not None:
        payload["database_key"] = database_key.hex()
    elif old and "database_key" in old:
        payload["database_key"] = old["database_key"]
    import keyring  # on first use: finding its back ends is 0.1-0.2 s of a start-up
    import keyring.errors

    try:
        keyring.set_password(KEYRING_SERVICE, _keyring_name(device), json.dumps(payload))
    except keyring.errors.KeyringError as exc:
        raise SyncError(f"The sync keys cannot be stored in this computer's credential store ({exc}). "
                        "Ask IT to make one available for this account.") from exc


def _load_keyring(device: str) -> dict[str, Any] | None:
    import keyring
    import keyring.errors

    try:
        text = keyring.get_password(KEYRING_SERVICE, _keyring_name(device))
    except keyring.errors.KeyringError as exc:
        raise SyncError(f"This computer's credential store cannot be read ({exc}).") from exc
    return json.loads(text) if text else None


def _load_keys(device: str) -> SyncKeys:
    from safetydesk.sync.keys import SyncKeys

    found = _load_keyring(device)
    if not found:
        raise SyncError("This workstation holds no sync keys. A district administrator sets up the "
                        "district folder or gives it an enrolment file (see docs/sync.md).")
    return SyncKeys.from_json(found["keys"])


# ----------------------------------------------------------------- the use cases
def _engine(session: Session, paths: Paths, exchange: HistoryExchange | None = None) -> SyncEngine:
    from safetydesk.sync.engine import SyncEngine

    ex = exchange or _exchange_of(session.store)
    st = state.SyncState.load(_state_path(paths))
    if not st.joined:
        raise SyncError("This workstation has not joined a district folder. A district administrator "
                        "sets one up, or gives it an enrolment file (see docs/sync.md).")
    return SyncEngine(ex, _load_keys(ex.device_id), Path(st.share), _state_path(paths))


@service(Permission.ADMINISTER)
def set_up_district_folder(session: Session, paths: Paths, share_root: Path,
                           exchange: HistoryExchange | None = None) -> str:
    """Make the district folder on the share, with this workstation as the first one enrolled."""
    from safetydesk.sync import enrol

    ex = exchange or _exchange_of(session.store)
    store = session.store
    district_id = store.get_meta("sync_district_id")
    if not district_id:
        district_id = new_id()
        store.set_meta("sync_district_id", district_id)
    schools = [s["id"] for s in registry.schools(session)]
    keys = enrol.create_district_folder(ex, Path(share_root), district_id,
                                        _district_name(session), schools, _state_path(paths))
    _save_keys(ex.device_id, keys)
    return district_id


def _district_name(session: Session) -> str:
    try:
        from safetydesk.store import queries
        row = queries.district(session.store)
        return str(row["name"]) if row else ""
    except Exception:  # the name is only a label
        return ""


@service(Permission.ADMINISTER)
def make_enrolment_file(session: Session, paths: Paths, target: Path, passphrase: str, name: str,
                        schools: list[str] | None, exchange: HistoryExchange | None = None) -> Path:
    """Write an enrolment file for a new workstation serving ``schools`` (None: the district office)."""
    from safetydesk.sync import enrol

    data = enrol.make_enrolment(_engine(session, paths, exchange), passphrase, name, schools)
    target = Path(target)
    target.write_bytes(data)
    return target


@service(Permission.ADMINISTER)
def join_district_folder(session: Session, paths: Paths, share_root: Path, enrolment_file: Path,
                         passphrase: str, exchange: HistoryExchange | None = None) -> None:
    from safetydesk.sync import enrol

    ex = exchange or _exchange_of(session.store)
    try:
        data = Path(enrolment_file).read_bytes()
    except OSError as exc:
        raise SyncError(f"The enrolment file cannot be read ({exc.strerror or exc}).") from exc
    keys = enrol.join(ex, Path(share_root), data, passphrase, _state_path(paths))
    _save_keys(ex.device_id, keys)


@service(Permission.ADMINISTER)
def remove_workstation(session: Session, paths: Paths, device: str,
                       exchange: HistoryExchange | None = None) -> int:
    from safetydesk.sync import enrol

    return enrol.remove_workstation(_engine(session, paths, exchange), device)


@service(Permission.ADMINISTER)
def allow_unattended_sync(session: Session, paths: Paths,
                          exchange: HistoryExchange | None = None) -> None:
    """Keep the data file's key in the credential store, so a scheduled task can sync."""
    ex = exchange or _exchange_of(session.store)
    key = getattr(session.store, "key", None)
    if not key:
        raise SyncError("This data file has no key to keep for unattended sync.")
    _save_keys(ex.device_id, _load_keys(ex.device_id), database_key=key)


def join_as_new_workstation(paths: Paths, share_root: Path, enrolment_file: Path,
                            passphrase: str,
                            progress: Callable[[int, int], None] | None = None) -> SyncResult:
    """Join the district folder from an empty data folder: nothing here yet, not even an account.

    The enrolment file and its passphrase (made by a district administrator)
    are the authority. A new data file is made under a random key, which goes
    into this computer's credential store beside the sync keys (so the
    scheduled task can sync before anyone has signed in here); the first pass
    then brings the district, its accounts and the records this workstation
    serves, starting from the newest snapshot. People then sign in with the
    password they use on the other workstations (docs/sync.md, "First sign-in").
    """
    from safetydesk.paths import check_data_folder
    from safetydesk.services.files import _open, data_file_exists
    from safetydesk.store import KeyRing, keys_path, new_database_key
    from safetydesk.store.signing import signing_path
    from safetydesk.sync import enrol
    from safetydesk.sync.engine import ExportResult, ImportResult, SyncEngine, SyncResult

    if data_file_exists(paths) or keys_path(paths.data_file).exists():
        raise SyncError(f"There is already a SafetyDesk data file in {paths.data}. Join with it by "
                        "signing in as its administrator (--user), or use an empty data folder.")
    try:
        data = Path(enrolment_file).read_bytes()
    except OSError as exc:
        raise SyncError(f"The enrolment file cannot be read ({exc.strerror or exc}).") from exc
    check_data_folder(paths)
    paths.ensure()
    key = new_database_key()
    KeyRing.create(keys_path(paths.data_file)).save()
    store = _open(paths, key, create=True)
    made = [paths.data_file, keys_path(paths.data_file), signing_path(paths.data_file),
            paths.data_file.with_name(paths.data_file.name + "-wal"),
            paths.data_file.with_name(paths.data_file.name + "-shm"), _state_path(paths)]
    try:
        store.append("", [])   # writes this workstation's own device record (its signing key) now
        ex = _exchange_of(store)
        keys = enrol.join(ex, Path(share_root), data, passphrase, _state_path(paths))
        _save_keys(store.device_id, keys, database_key=key)
        engine = SyncEngine(ex, keys, Path(share_root), _state_path(paths))
        # Nothing shows this new data file's changed records (it is closed below): neither the
        # pass nor the store keeps them, so the join's memory does not grow with the district.
        engine.keep_touched = False

        def step(done: int, total: int) -> None:
            store.take_changes()
            if progress is not None:
                progress(done, total)

        try:
            result = engine.sync_once(step)
        except ShareUnavailable:
            return SyncResult(ExportResult(), ImportResult())
        _exchange_accounts(engine, store)
        return result
    except BaseException as exc:
        store.close()
        if not isinstance(exc, ShareUnavailable):
            for leftover in made:   # nothing half-joined is left behind: the next try starts clean
                leftover.unlink(missing_ok=True)
        raise
    finally:
        store.close()


def _approve_first(engine: SyncEngine) -> None:
    """Approve waiting join requests before the pass, so a newcomer's files are read in it.

    A share problem here is left to the pass itself, which records and reports it.
    """
    from safetydesk.sync import enrol

    with contextlib.suppress(ShareUnavailable, WrongShare, OSError):
        enrol.approve_requests(engine)


def _school_keys(engine: SyncEngine, store: Any) -> None:
    """Before a pass: keys of schools added since set-up, and of schools a workstation now serves.

    On the district office's administrator workstation, new keys are made and granted
    (sealed in the manifest) to the workstations that serve each school; every workstation
    takes the keys granted to it (sync/grants.py). A share problem is left to the pass.
    """
    from safetydesk.store import queries
    from safetydesk.sync import grants

    if getattr(store, "conn", None) is None:
        return   # a stand-in history (tests of the exchange alone)
    schools = [s["id"] for s in queries.schools(store, include_inactive=True)]
    accounts = [u | {"active": bool(u["active"])} for u in queries.users(store)]
    with contextlib.suppress(ShareUnavailable, WrongShare, OSError):
        changed = grants.grant(engine, schools, accounts)
        new = grants.receive(engine)
        if new or changed:
            _save_keys(engine.exchange.device_id, engine.keys)
        if new:
            engine.state.reread_schools = sorted(set(engine.state.reread_schools) | set(new))
            engine.save()
        # The older files of a school now served: its entries withheld here until now are added.
        if engine.state.reread_schools:
            engine.reread_for_schools(engine.state.reread_schools)
            engine.state.reread_schools = []
            engine.save()


def _exchange_accounts(engine: SyncEngine, store: Any) -> None:
    """After a pass: publish the credentials set here, take in those set elsewhere (sync/accounts.py).

    A credential that arrived is kept with this data file's key sealed to it, so
    that person's first sign-in here works with their usual password; an account
    the history now holds as disabled loses every slot here.
    """
    from safetydesk.store import KeyRing, account_travel, keys_path, queries
    from safetydesk.store.keys import CURRENT_KDF
    from safetydesk.sync import accounts as sync_accounts

    key = getattr(store, "key", None)
    path = getattr(store, "path", None)
    if not key or path is None or not keys_path(path).exists():
        return   # a stand-in history (tests of the exchange alone)
    ring = KeyRing.load(keys_path(path))
    try:
        sync_accounts.publish(engine, ring.travel)
    except OSError as exc:
        raise ShareUnavailable(engine._write_problem(exc)) from exc
    held: dict[str, dict[str, Any]] = {}
    for name in {u["username"] for u in queries.users(store)}:
        found = queries.user_by_name(store, name)
        if found is not None:
            held[name] = found | {"active": bool(found["active"]) and not found.get("name_clash")}
    changed = False
    for name, user in held.items():
        if not user["active"] and (name in ring.slots or name in ring.arrived):
            ring.slots.pop(name, None)
            ring.arrived.pop(name, None)
            changed = True
    minimum = {"time_cost": CURRENT_KDF.time_cost, "memory_cost": CURRENT_KDF.memory_cost,
               "parallelism": CURRENT_KDF.parallelism}
    for name, cred in sync_accounts.collect(engine, held).items():
        if not account_travel.well_formed(cred, minimum):
            continue
        local = ring.travel.get(name, {}).get("version", "") if name in ring.slots else ""
        if cred["version"] <= local or ring.arrived.get(name, {}).get("version") == cred["version"]:
            continue
        ring.arrived[name] = account_travel.seal_for(cred, key, ring.file_id, name)
        changed = True
    if changed:
        ring.save()


@service(Permission.VIEW_RECORDS)
def sync_now(session: Session, paths: Paths, exchange: HistoryExchange | None = None,
             progress: Callable[[int, int], None] | None = None) -> SyncResult:
    """One pass now (the window's background sync and "Sync now"; `sync --user`)."""
    from safetydesk.sync import enrol

    engine = _engine(session, paths, exchange)
    if session.actor.can(Permission.ADMINISTER):
        _approve_first(engine)
    if exchange is None:
        _school_keys(engine, session.store)
    result = engine.sync_once(progress)
    if session.actor.can(Permission.ADMINISTER):
        enrol.approve_requests(engine)
    if exchange is None:
        _exchange_accounts(engine, session.store)
    return result


@service(Permission.ADMINISTER)
def compare_with_share(session: Session, paths: Paths,
                       exchange: HistoryExchange | None = None) -> list[str]:
    """Tamper evidence: the local history against every signed file on the share."""
    return _engine(session, paths, exchange).compare_with_share()


@dataclass
class SyncStatus:
    joined: bool
    text: str                                   # "Synced 10:42", "Offline since 09:15", ...
    held: list[tuple[str, str]] = field(default_factory=list)   # (file, reason)
    waiting: int = 0
    stopped: str = ""
    # Attached files whose record is here but whose file has not arrived: one plain paragraph
    # each (which record, which file, from which workstation, since when, what to do).
    files: list[str] = field(default_factory=list)


def _clock(iso: str) -> str:
    return iso[11:16] if len(iso) >= 16 else iso


def _workstation(st: state.SyncState, device: str) -> str:
    """A workstation as people know it: its name in the district folder (its id if unknown)."""
    name = str(st.synced_at.get(device, {}).get("name", "") or "")
    if device == st.device:
        return f"this workstation ({name})" if name else "this workstation"
    return f"“{name}”" if name else f"the workstation {device}"


_OWNERS = {"agreement": "an agreement", "training": "a staff member's training record",
           "start_of_year": "a start-of-year checklist", "complaint": "a complaint"}


def _held_path(st: state.SyncState, path: str) -> str:
    """A held file's place on the share, with the workstation it came from named."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[0] in ("devices", "files") and parts[1] in st.synced_at:
        return f"{path} (from {_workstation(st, parts[1])})"
    return path


def _file_sentence(st: state.SyncState, info: dict[str, Any]) -> str:
    """Why an attached file is not here yet and what to do, in plain words."""
    name = f"“{info['name']}”" if info.get("name") else "an attached file"
    owner = _OWNERS.get(str(info.get("owner_type", "")), "a record")
    device = str(info.get("device", ""))
    since = str(info.get("since", ""))
    what = f"The file {name} (attached to {owner}, attachment {info.get('record_id', '?')})"
    if device == st.device:
        text = (f"{what} is missing from this workstation's data file, where it was attached; "
                f"noticed {_when(since) or 'at an unknown time'}. The record is complete and "
                "nothing else waits for it. This workstation has asked the others for the file: "
                "any workstation that holds it sends it at its next sync. If none does, attach "
                "the file again on the record.")
    else:
        sender = _workstation(st, device)
        text = (f"{what} has not arrived from {sender}; waiting since "
                f"{_when(since) or 'an unknown time'}. The record itself is here and complete; "
                "only the file cannot be opened yet, and nothing else waits for it. ")
        last = str(st.synced_at.get(device, {}).get("at", "") or "")
        if last and last > since:
            text += (f"{sender[:1].upper()}{sender[1:]} has synced since ({_when(last)}) without "
                     "sending it, so it no longer has the file. This workstation has asked the "
                     "others: any workstation that holds it sends it at its next sync. If none "
                     f"does, ask someone at {sender} to attach the file again on the record.")
        else:
            text += (f"It will arrive when {sender} next syncs. If that workstation no longer has "
                     "the file, this workstation has asked the others: any workstation that holds "
                     "it sends it at its next sync. If none does, ask someone at "
                     f"{sender} to attach the file again on the record.")
    for writer, why in sorted((info.get("refused") or {}).items()):
        text += f" A copy sent by {_workstation(st, writer)} was refused: {why}."
    return text


def _status_from(st: state.SyncState) -> SyncStatus:
    held = sorted((_held_path(st, path), info["reason"]) for path, info in st.held.items())
    if not st.joined:
        return SyncStatus(False, "Not syncing")
    files = [_file_sentence(st, info) for _d, info in
             sorted(st.wanted.items(), key=lambda kv: (str(kv[1].get("since", "")), kv[0]))]
    if st.stopped:
        text = "Sync stopped: see details"
    elif held:
        text = f"{len(held)} file{'s' if len(held) != 1 else ''} held: see details"
    elif st.offline_since:
        text = f"Offline since {_clock(st.offline_since)}"
    elif st.last_sync:
        text = f"Synced {_clock(st.last_sync)}"
    else:
        text = "Not synced yet"
    if files and not st.stopped:
        text += (f"; {len(files)} attached file{'s' if len(files) != 1 else ''} to come"
                 + ("" if held else ": see details"))
    return SyncStatus(True, text, held, st.waiting, st.stopped, files)


def status(paths: Paths) -> SyncStatus:
    """What the status bar and `safetydesk sync --status` say (reads only the local sidecar)."""
    return _status_from(state.SyncState.load(_state_path(paths)))


# ----------------------------------------------------------------- unattended
def sync_unattended(paths: Paths, open_store: Callable[[Paths, bytes], Any],
                    exchange: Callable[[Any], HistoryExchange] = _exchange_of,
                    progress: Callable[[int, int], None] | None = None) -> tuple[int, str]:
    """One pass for a scheduled task: (exit code, one line). Keys come from the credential store."""
    from safetydesk.sync import enrol
    from safetydesk.sync.engine import SyncEngine
    from safetydesk.sync.keys import SyncKeys

    st = state.SyncState.load(_state_path(paths))
    if not st.joined:
        return EXIT_ERROR, "not syncing: this workstation has not joined a district folder."
    found = _load_keyring(st.device) if st.device else None
    if not found or "database_key" not in found:
        return EXIT_ERROR, ("unattended sync is not allowed on this workstation: a district "
                            "administrator allows it once (safetydesk sync --allow-unattended).")
    store = open_store(paths, bytes.fromhex(found["database_key"]))
    try:
        ex = exchange(store)
        engine = SyncEngine(ex, SyncKeys.from_json(found["keys"]), Path(st.share), _state_path(paths))
        _approve_first(engine)
        _school_keys(engine, store)
        result = engine.sync_once(progress)
        enrol.approve_requests(engine)  # only does something on an administrator's workstation
        _exchange_accounts(engine, store)
        line = result.line(engine.state)
        return (EXIT_HELD if engine.state.held else EXIT_SYNCED), line
    except ShareUnavailable as exc:
        return EXIT_OFFLINE, f"offline: {exc.message}"
    except WrongShare as exc:
        return EXIT_STOPPED, f"stopped: {exc.message}"
    except SafetyDeskError as exc:
        return EXIT_ERROR, exc.message
    finally:
        close = getattr(store, "close", None)
        if close:
            close()


def _open_data_file(paths: Paths, database_key: bytes) -> Any:
    """Open this workstation's data file with the key kept for unattended sync."""
    from safetydesk.services.files import _open

    return _open(paths, database_key)


def run_unattended(paths: Paths, progress: Callable[[int, int], None] | None = None) -> tuple[int, str]:
    """`safetydesk sync --once` without a person: keys and the data file's key from the keyring."""
    return sync_unattended(paths, _open_data_file, progress=progress)


def last_sync(paths: Paths) -> str | None:
    """When this workstation last synced (the About window's "Last sync"), or None if never."""
    st = state.SyncState.load(_state_path(paths))
    if not st.joined or not st.last_sync:
        return None
    from datetime import datetime

    try:
        when = datetime.fromisoformat(st.last_sync).astimezone()
    except ValueError:
        return st.last_sync
    hour = when.strftime("%I:%M %p").lstrip("0")
    return f"{when.strftime('%b')} {when.day}, {when.year}, {hour}"


def engine_state(paths: Paths) -> state.SyncState:
    return state.SyncState.load(_state_path(paths))


def _when(iso: str) -> str:
    from datetime import datetime

    try:
        when = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    hour = when.strftime("%I:%M %p").lstrip("0")
    return f"{when.strftime('%b')} {when.day}, {when.year}, {hour}"


def data_as_of(session: Session) -> list[tuple[str, str, str]]:
    """The reports' "Data as of" lines: (workstation, schools it serves, when it last synced).

    Empty when this workstation does not sync. Read from this workstation's own sync
    bookkeeping (what the signed manifest and acknowledgements said at its last pass),
    so a report made offline still says how old each workstation's part is.
    """
    st = state.SyncState.load(Path(session.store.path).parent / state.FILE_NAME)
    if not st.joined or not st.synced_at:
        return []
    from safetydesk.store import queries

    names = {s["id"]: s["name"] for s in queries.schools(session.store, include_inactive=True)}
    rows = []
    for device, info in sorted(st.synced_at.items(), key=lambda kv: str(kv[1].get("name", ""))):
        schools = info.get("schools")
        served = ("Every school" if schools is None
                  else ", ".join(sorted(names.get(s, "a school not known here") for s in schools)))
        name = str(info.get("name") or device)
        if device == st.device:
            name += " (this workstation)"
        at = str(info.get("at") or "")
        rows.append((name, served, _when(at) if at else "not synced yet"))
    return rows
