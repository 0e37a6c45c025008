"""The district's sync keys a workstation holds: the district key and one key per school it serves.

Records of a school travel encrypted under that school's key; district-wide
records (staff, agreements, settings, accounts, workstations) and the chain of
every file under the district key. A school's workstation is given the keys of
the schools its accounts serve only, so it cannot read another school's files
on the share even by copying them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from safetydesk.sync import crypto
from safetydesk.sync.errors import EnrolmentError

DISTRICT = "district"
ID_PATTERN = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def school_scope(school_id: str) -> str:
    return f"school:{school_id}"


def valid_scope(scope: str) -> bool:
    if scope == DISTRICT:
        return True
    kind, _, rest = scope.partition(":")
    return kind == "school" and bool(ID_PATTERN.match(rest))


@dataclass
class SyncKeys:
    district_id: str
    district_key: bytes
    school_keys: dict[str, bytes] = field(default_factory=dict)  # school id -> key
    all_schools: bool = False  # the district office: every school, present and future
    box_private: bytes = b""   # X25519: school keys granted later are sealed to its public half

    def for_scope(self, scope: str) -> bytes | None:
        cache = self.__dict__.setdefault("_derived", {})
        if scope not in cache:
            if scope == DISTRICT:
                cache[scope] = crypto.derive(self.district_key, "district-section")
            else:
                kind, _, school = scope.partition(":")
                key = self.school_keys.get(school) if kind == "school" else None
                cache[scope] = crypto.derive(key, "school-section") if key else None
        found: bytes | None = cache[scope]
        return found

    @property
    def manifest_key(self) -> bytes:
        return crypto.derive(self.district_key, "manifest")

    def subset(self, schools: set[str] | None) -> SyncKeys:
        """The keys a workstation serving ``schools`` (None: every school) may hold."""
        if schools is None:
            return SyncKeys(self.district_id, self.district_key, dict(self.school_keys), True)
        return SyncKeys(self.district_id, self.district_key,
                        {s: k for s, k in self.school_keys.items() if s in schools}, False)

    def add_school(self, school: str, key: bytes) -> None:
        self.school_keys[school] = key
        self.__dict__.pop("_derived", None)

    def to_json(self) -> str:
        return json.dumps({
            "format": 1, "district": self.district_id, "district_key": crypto.b64(self.district_key),
            "schools": {s: crypto.b64(k) for s, k in sorted(self.school_keys.items())},
            "all_schools": self.all_schools,
            **({"box": crypto.b64(self.box_private)} if self.box_private else {}),
        }, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SyncKeys:
        try:
            data: dict[str, Any] = json.loads(text)
            if data.get("format") != 1:
                raise ValueError("format")
            return cls(str(data["district"]), crypto.unb64(data["district_key"]),
                       {str(s): crypto.unb64(k) for s, k in data["schools"].items()},
                       bool(data.get("all_schools", False)),
                       crypto.unb64(data["box"]) if data.get("box") else b"")
        except (KeyError, TypeError, ValueError) as exc:
            raise EnrolmentError(
                "The stored sync keys of this workstation cannot be read. Join the district "
                "folder again with a new enrolment file.") from exc
