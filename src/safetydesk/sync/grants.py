"""School keys after set-up: a school added later, and a workstation whose schools grow.

Every workstation has an X25519 key pair of its own (made when it set up or
joined; the private half stays in its credential store, the public half is in
its join request and then in the signed manifest). An administrator's
workstation that serves every school (the district office):

* makes a key for every school its history holds that has none yet (a school
  added after the district folder was set up); only one workstation does this
  (``keeper``), so a school never gets two keys;
* works out which schools each enrolled workstation now serves: those it was
  enrolled for, plus every school of an account that serves one of them (an
  account given a second school brings that school to its workstations; an
  account with no school list is district-wide and brings nothing);
* seals each such school's key to that workstation's public key and lists it
  in the manifest (``grants``), which it signs as for any enrolment.

Each workstation takes the keys granted to it from the manifest at every pass,
before it exports, so its records of a new school travel at once and the
files that other workstations write for that school from then on are readable
there.
"""

from __future__ import annotations

from typing import Any

from safetydesk.sync import crypto, manifest, share
from safetydesk.sync.engine import SyncEngine


def _aad(district: str, device: str, school: str) -> bytes:
    return f"safetydesk-school-key:{district}:{device}:{school}".encode()


def served_schools(dev: manifest.Device, accounts: list[dict[str, Any]]) -> set[str] | None:
    """The schools ``dev`` serves now (None: every school)."""
    if dev.schools is None:
        return None
    mine = set(dev.schools)
    grown = True
    while grown:
        grown = False
        for account in accounts:
            theirs = set(account.get("schools") or [])
            if account.get("active") and theirs and theirs & mine and not theirs <= mine:
                mine |= theirs
                grown = True
    return mine


def keeper(found: manifest.Manifest) -> str | None:
    """The one workstation that makes and grants school keys: the first (lowest id) active
    administrator's workstation of the district office. One, so that two district office
    workstations never make two different keys for the same new school."""
    offices = sorted(d for d, dev in found.active().items()
                     if dev.admin and dev.schools is None and dev.box_key)
    return offices[0] if offices else None


def grant(engine: SyncEngine, schools_here: list[str], accounts: list[dict[str, Any]]) -> bool:
    """On the district office's administrator workstation: new school keys and grants.

    Returns whether this workstation's own keys changed (to be kept in the credential store).
    """
    keys = engine.keys
    found = engine.check_share()
    me = engine.exchange.device_id
    if not keys.all_schools or me != keeper(found):
        return False
    minted = False
    for school in schools_here:
        if school not in keys.school_keys:
            keys.add_school(school, crypto.new_key())
            minted = True
    changed = False
    for device, dev in found.active().items():
        if device == me or not dev.box_key:
            continue
        serves = served_schools(dev, accounts)
        wanted = set(keys.school_keys) if serves is None else serves & set(keys.school_keys)
        for school in sorted(wanted - set(dev.grants)):
            dev.grants[school] = crypto.seal_to(bytes.fromhex(dev.box_key), keys.school_keys[school],
                                                _aad(found.district, device, school))
            changed = True
        if serves is not None and serves != set(dev.schools or []):
            dev.schools = sorted(serves)
            changed = True
    if changed:
        found.generation += 1
        share.write_new(engine.folder, share.MANIFEST,
                        found.signed(me, engine.exchange.sign))
        engine.check_share()
        engine.save()
    return minted


def receive(engine: SyncEngine) -> list[str]:
    """Take the school keys granted to this workstation; returns the schools newly held."""
    keys = engine.keys
    if not keys.box_private:
        return []
    found = engine.check_share()
    me = engine.exchange.device_id
    dev = found.devices.get(me)
    if dev is None:
        return []
    new = []
    for school, sealed in sorted(dev.grants.items()):
        if school in keys.school_keys:
            continue
        key = crypto.open_box(keys.box_private, sealed, _aad(found.district, me, school))
        if key is not None and len(key) == 32:
            keys.add_school(school, key)
            new.append(school)
    return new
