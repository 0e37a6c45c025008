"""The one context object every window and view receives (git-cola's habit): no global main window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from safetydesk.domain.changes import Changes
from safetydesk.domain.permissions import Actor, Permission
from safetydesk.domain.records import RecordType
from safetydesk.paths import Paths
from safetydesk.services import dashboard, registry
from safetydesk.ui.kit.worker import DbWorker


def _load_lookups(session: Any) -> dict[str, Any]:
    """Runs on the worker: the names views show in place of ids."""
    district = registry.district(session) or {}
    return {
        "district": district,
        "schools": registry.schools(session),
        "staff": registry.staff(session),
        "years": dashboard.school_years(session),
    }


class UiContext(QObject):
    """Paths, the worker, who is signed in, and names for ids (schools, staff)."""

    lookups_changed = Signal()
    draft_kept = Signal()  # a form closed unsaved kept what was typed as a draft

    def __init__(self, paths: Paths, worker: DbWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.worker = worker
        self.actor: Actor | None = None
        self.district: dict[str, Any] = {}
        self.schools: list[dict[str, Any]] = []
        self.staff: list[dict[str, Any]] = []
        self.years: list[str] = []
        self.lookups_loaded = False
        worker.records_changed.connect(self._records_changed)

    @property
    def signed_in(self) -> bool:
        return self.actor is not None

    def sign_in(self, session: Any) -> None:
        """Hand a session (from accounts.sign_in) to the worker; keep only who it is here."""
        self.actor = session.actor
        self.worker.set_session(session)
        self.refresh_lookups()

    def sign_out(self) -> None:
        """Forget who was signed in and everything loaded for them."""
        self.actor = None
        self.worker.set_session(None)
        self.district, self.schools, self.staff, self.years = {}, [], [], []
        self.lookups_loaded = False

    def can(self, permission: Permission, school_id: str | None = None) -> bool:
        return self.actor is not None and self.actor.can(permission, school_id)

    def refresh_lookups(self) -> None:
        if self.signed_in:
            self.worker.read(_load_lookups, done=self._set_lookups, key="lookups", owner=self)

    def _set_lookups(self, data: dict[str, Any]) -> None:
        self.district = data["district"]
        self.schools = data["schools"]
        self.staff = data["staff"]
        self.years = data["years"]
        self.lookups_loaded = True
        self.lookups_changed.emit()

    def _records_changed(self, changes: Changes) -> None:
        if changes.touches(RecordType.DISTRICT, RecordType.SCHOOL, RecordType.STAFF):
            self.refresh_lookups()

    # ------------------------------------------------------------------ names
    @property
    def district_name(self) -> str:
        return str(self.district.get("name") or "")

    def school_name(self, school_id: str) -> str:
        for s in self.schools:
            if s["id"] == school_id:
                return str(s["name"])
        return "(a school outside your account)" if school_id else ""

    def staff_name(self, staff_id: str) -> str | None:
        for s in self.staff:
            if s["id"] == staff_id:
                return str(s["name"])
        return None
