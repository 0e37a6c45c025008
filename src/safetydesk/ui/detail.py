"""One interaction in full, with its whole history (P06, P25)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.permissions import Permission
from safetydesk.domain.vocab import Action, InteractionType, StaffRole, StudentRole
from safetydesk.services import interactions, registry
from safetydesk.ui import formatting, prompts
from safetydesk.ui.context import UiContext
from safetydesk.ui.pickers import student_label

FIELD_LABELS = {
    "occurred_at": "Date and time",
    "school_id": "School",
    "location": "Location",
    "type": "Type",
    "discipline_related": "Discipline-related",
    "responsible_admin": "Responsible administrator",
    "narrative": "Narrative",
    "resulted_in_discipline": "Resulted in student discipline",
    "use_of_force": "Use of force",
    "arrest": "Arrest",
    "students": "Students",
    "staff": "Staff",
    "retracted": "Retracted",
    "retract_reason": "Reason for retraction",
    "author": "Logged by",
    "rules_version": "Rules version",
}
# Set by the program itself, not worth a line in a person's reading of the history.
QUIET_FIELDS = {"author", "rules_version", "retract_reason"}


def load_detail(session: Any, record_id: str) -> dict[str, Any]:
    """Runs on the worker: the record, its history, and names for every person it ever named."""
    record = interactions.get_interaction(session, record_id)
    history = interactions.interaction_history(session, record_id)
    students = {s["student_id"]: student_label(s) for s in record["students"]}
    staff = {s["staff_id"]: s.get("name") or "" for s in record["staff"]}
    for entry in history:
        for field, key, known in (("students", "student_id", students), ("staff", "staff_id", staff)):
            for value in entry.changes.get(field, [None, None]):
                for link in value or []:
                    pid = link.get(key)
                    if pid and pid not in known:
                        known[pid] = ""
    missing_staff = [k for k, v in staff.items() if not v]
    if missing_staff:
        names = {s["id"]: s["name"] for s in registry.staff(session)}
        for k in missing_staff:
            staff[k] = names.get(k, "")
    for k, v in list(students.items()):
        if not v:
            try:
                students[k] = student_label(registry.student(session, k))
            except SafetyDeskError:
                students[k] = ""
    return {"record": record, "history": history, "students": students, "staff": staff}


class InteractionDetail(QDialog):
    """Every field with its label, the people with their roles, and the full history."""

    amend_requested = Signal(dict)

    def __init__(self, ctx: UiContext, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record_id = record_id
        self.data: dict[str, Any] | None = None
        self.setObjectName("interactionDetail")
        self.setWindowTitle("Interaction")
        self.resize(820, 860)

        self.title = QLabel("Loading…")
        self.title.setObjectName("detailTitle")
        self.title.setProperty("role", "pageTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("detailSubtitle")
        self.subtitle.setProperty("role", "hint")
        self.badges = QHBoxLayout()
        self.badges.setSpacing(6)
        self.status = QLabel()
        self.status.setObjectName("detailStatus")
        self.status.setWordWrap(True)
        self.status.hide()

        self.fields = QGridLayout()
        self.fields.setHorizontalSpacing(16)
        self.fields.setVerticalSpacing(6)
        self.fields.setColumnStretch(1, 1)
        fields_box = QFrame()
        fields_box.setProperty("role", "card")
        fields_box.setLayout(self.fields)

        history_title = QLabel("History")
        history_title.setProperty("role", "sectionTitle")
        self.history = QTextBrowser()
        self.history.setObjectName("historyView")
        self.history.setAccessibleName("History of this record")
        self.history.setOpenLinks(False)
        self.history.setMinimumHeight(240)

        body = QWidget()
        v = QVBoxLayout(body)
        v.setContentsMargins(24, 18, 24, 18)
        v.setSpacing(10)
        v.addWidget(self.title)
        v.addWidget(self.subtitle)
        v.addLayout(self.badges)
        v.addWidget(self.status)
        v.addWidget(fields_box)
        v.addWidget(history_title)
        v.addWidget(self.history, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)

        self.amend_button = QPushButton("Correct (amend)…")
        self.amend_button.setObjectName("amendButton")
        self.amend_button.setAccessibleName("Correct this interaction")
        self.retract_button = QPushButton("Retract…")
        self.retract_button.setObjectName("retractButton")
        self.retract_button.setAccessibleName("Retract this interaction")
        self.retract_button.setProperty("danger", True)
        close = QPushButton("Close")
        close.setObjectName("closeButton")
        footer = QFrame()
        footer.setObjectName("formFooter")
        fh = QHBoxLayout(footer)
        fh.setContentsMargins(24, 10, 24, 10)
        fh.addWidget(self.retract_button)
        fh.addStretch(1)
        fh.addWidget(close)
        fh.addWidget(self.amend_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(scroll, 1)
        outer.addWidget(footer)
        for b in (self.amend_button, self.retract_button):
            b.setEnabled(False)
            b.setAutoDefault(False)
        close.clicked.connect(self.accept)
        self.amend_button.clicked.connect(self.amend)
        self.retract_button.clicked.connect(self.retract)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.amend)
        ctx.worker.records_changed.connect(self._records_changed)
        self.refresh()

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        self.ctx.worker.read(load_detail, self.record_id, done=self._show, error=self._failed,
                             key=f"detail:{id(self)}", owner=self)

    def _records_changed(self, what: str) -> None:
        if what.startswith("interactions."):
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.title.setText("This interaction cannot be shown")
        self.status.setText(prompts.explain(exc))
        self.status.show()

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        record = data["record"]
        state = record["state"]
        school = self.ctx.school_name(state.get("school_id", ""))
        kind = InteractionType.label_of(state.get("type"))
        self.setWindowTitle(f"Interaction — {formatting.short_when(state.get('occurred_at', ''))}, "
                            f"{school}")
        self.title.setText(f"{kind} · {formatting.when(state.get('occurred_at', ''))}")
        self.subtitle.setText(
            f"{school} · logged by {state.get('author') or record.get('created_by', '')} · "
            f"version {record.get('version', 1)}")
        self._badges(state)
        if state.get("retracted"):
            self.status.setText(f"Retracted. Reason: {state.get('retract_reason') or '(none given)'}")
            self.status.setProperty("role", "retractedBanner")
            self.status.show()
        else:
            self.status.hide()
        self._fill_fields(record, data)
        self.history.setHtml(self.history_html(data))
        self._permissions(state)

    def _badges(self, state: dict[str, Any]) -> None:
        while self.badges.count():
            item = self.badges.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        flags = []
        if state.get("discipline_related"):
            flags.append(("Discipline-related", "discipline"))
        if state.get("resulted_in_discipline"):
            flags.append(("Resulted in discipline", "discipline"))
        if state.get("use_of_force"):
            flags.append(("Use of force", "force"))
        if state.get("arrest"):
            flags.append(("Arrest", "arrest"))
        if state.get("retracted"):
            flags.append(("Retracted", "retracted"))
        for text, kind in flags:
            badge = QLabel(text)
            badge.setProperty("badge", kind)
            badge.setObjectName(f"badge_{kind}")
            self.badges.addWidget(badge)
        self.badges.addStretch(1)

    def _fill_fields(self, record: dict[str, Any], data: dict[str, Any]) -> None:
        while self.fields.count():
            item = self.fields.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        state = record["state"]
        students = "\n".join(
            f"{data['students'].get(s['student_id']) or 'Student not in your roster'} — "
            f"{StudentRole.label_of(s['role'])}" for s in record["students"]) or "—"
        staff = "\n".join(
            f"{data['staff'].get(s['staff_id']) or 'Unknown staff member'} — "
            f"{StaffRole.label_of(s['role'])}" for s in record["staff"]) or "—"
        rows = [
            ("Date and time", formatting.when(state.get("occurred_at", ""))),
            ("School", self.ctx.school_name(state.get("school_id", ""))),
            ("Location", state.get("location", "")),
            ("Type", InteractionType.label_of(state.get("type"))),
            ("Staff", staff),
            ("Students", students),
            ("Discipline-related", formatting.yes_no(state.get("discipline_related"))),
            ("Responsible administrator", state.get("responsible_admin") or "—"),
            ("Resulted in student discipline", formatting.yes_no(state.get("resulted_in_discipline"))),
            ("Use of force", formatting.yes_no(state.get("use_of_force"))),
            ("Arrest", formatting.yes_no(state.get("arrest"))),
            ("Narrative", state.get("narrative", "")),
        ]
        for i, (label, value) in enumerate(rows):
            name = QLabel(label)
            name.setProperty("role", "fieldLabel")
            text = QLabel(value)
            text.setObjectName("detail_" + label.lower().replace(" ", "_").replace("-", "_"))
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            text.setAccessibleName(label)
            self.fields.addWidget(name, i, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            self.fields.addWidget(text, i, 1)

    def _permissions(self, state: dict[str, Any]) -> None:
        school = state.get("school_id")
        retracted = bool(state.get("retracted"))
        can_amend = self.ctx.can(Permission.AMEND_INTERACTION, school)
        can_retract = self.ctx.can(Permission.RETRACT_INTERACTION, school)
        role = self.ctx.actor.role.label if self.ctx.actor else "not signed in"
        self.amend_button.setEnabled(can_amend and not retracted)
        self.retract_button.setEnabled(can_retract and not retracted)
        self.amend_button.setToolTip(
            "A retracted record cannot be corrected." if retracted else
            "Correct what was recorded wrongly (Ctrl+E)." if can_amend else
            f"Your account ({role}) cannot correct interactions at this school.")
        self.retract_button.setToolTip(
            "This record is already retracted." if retracted else
            "Withdraw a record logged in error; it stays in the history with your reason."
            if can_retract else
            f"Your account ({role}) cannot retract interactions. A principal or district "
            "administrator can.")

    # ------------------------------------------------------------------ history
    def describe(self, field: str, value: Any, data: dict[str, Any]) -> str:
        if value is None or value == "":
            return "(empty)"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if field == "school_id":
            return self.ctx.school_name(value)
        if field == "type":
            return InteractionType.label_of(value)
        if field == "occurred_at":
            return formatting.when(value)
        if field == "students":
            return "; ".join(
                f"{data['students'].get(s.get('student_id')) or 'student ' + str(s.get('student_id'))}"
                f" ({StudentRole.label_of(s.get('role'))})" for s in value) or "(none)"
        if field == "staff":
            return "; ".join(
                f"{data['staff'].get(s.get('staff_id')) or 'staff ' + str(s.get('staff_id'))}"
                f" ({StaffRole.label_of(s.get('role'))})" for s in value) or "(none)"
        if isinstance(value, dict):
            return "; ".join(f"{k.replace('_', ' ')}: {self.describe(k, v, data)}"
                             for k, v in value.items()) or "(none)"
        if isinstance(value, list):
            return "; ".join(self.describe(field, v, data) for v in value) or "(none)"
        return str(value)

    def history_lines(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Readable history entries, oldest first: when, who, action, reason, changes."""
        out = []
        for entry in data["history"]:
            changes = []
            for field, (before, after) in sorted(
                entry.changes.items(),
                key=lambda kv: list(FIELD_LABELS).index(kv[0]) if kv[0] in FIELD_LABELS else 99,
            ):
                if field in QUIET_FIELDS:
                    continue
                if entry.action == Action.CREATE and (after in (None, "", False, [], {})):
                    continue
                label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
                if entry.action == Action.CREATE:
                    changes.append(f"{label}: {self.describe(field, after, data)}")
                else:
                    changes.append(f"{label}: {self.describe(field, before, data)} → "
                                   f"{self.describe(field, after, data)}")
            out.append({
                "when": formatting.wall_time(entry.wall_time),
                "who": entry.user,
                "action": Action.label_of(entry.action),
                "reason": entry.reason,
                "changes": changes,
            })
        return out

    def history_html(self, data: dict[str, Any]) -> str:
        parts = []
        for line in reversed(self.history_lines(data)):  # newest first
            e = html.escape
            head = (f"<p style='margin:10px 0 2px 0'><b>{e(line['action'])}</b> by "
                    f"<b>{e(line['who'])}</b> <span style='color:#5f6b7a'>· {e(line['when'])}</span></p>")
            reason = (f"<p style='margin:0 0 2px 12px'>Reason: <i>{e(line['reason'])}</i></p>"
                      if line["reason"] else "")
            items = "".join(f"<li>{e(c)}</li>" for c in line["changes"])
            parts.append(head + reason + (f"<ul style='margin-top:0'>{items}</ul>" if items else ""))
        return "".join(parts) or "<p>No history.</p>"

    # ------------------------------------------------------------------ actions
    def amend(self) -> None:
        if self.data is None or not self.amend_button.isEnabled():
            return
        self.amend_requested.emit(self.data["record"])

    def retract(self) -> None:
        if self.data is None or not self.retract_button.isEnabled():
            return
        reason = prompts.ask_text(
            self, "Retract this interaction",
            "Retracting withdraws a record logged in error. The record stays in the history, "
            "marked retracted, with your reason. Why is it being retracted?",
            ok="Retract", placeholder="For example: logged twice; the same interaction is "
            "recorded on 3 October.")
        if reason is None:
            return
        self.ctx.worker.write(interactions.retract_interaction, self.record_id, reason,
                              owner=self, label="Retracting",
                              error=lambda exc: prompts.show_failure(self, exc, "Not retracted"))
