"""One interaction in full, with its whole history (P06, P25)."""

from __future__ import annotations

import html
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.law_enforcement import (
    RED_FLAGS,
    Alternative,
    AttorneyMode,
    FlagKind,
    ForceType,
    LeActivityType,
    LegalBasis,
    NotificationMethod,
    NotificationResult,
)
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RecordType
from safetydesk.domain.vocab import InteractionType, StaffRole, StudentRole
from safetydesk.services import duplicates, interactions, registry
from safetydesk.ui.kit import formatting, prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.detail import RecordDetail
from safetydesk.ui.kit.pickers import student_label

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
    "consequence_by_staff_id": "Consequence decided by",
    "sro_discipline_justification": "Why the SRO was involved",
    "alternatives_considered": "Alternatives considered",
    "alternatives_note": "Other alternative",
    "le_activities": "Law enforcement activities",
    "attorney_access": "Access to an attorney",
    "notifications": "Parent or guardian notification",
    "notification_deferred_reason": "Notification deferred because",
    "force_details": "Use of force details",
    "restraint_details": "Restraint or isolation details",
    "compliance_flags": "Compliance flags",
    "duplicate_of": "Duplicate of",
}
# The policy obligation behind a detail row, for its tooltip (the label itself is plain words).
ROW_CODES = {
    "Consequence decided by": "P07", "Why the SRO was involved": "P07", "Alternatives considered": "P08",
    "Law enforcement activity": "P11", "Access to an attorney": "P12", "Attorney access": "P12",
    "Notification attempt": "P13", "Notification deferred because": "P13", "Use of force details": "P06",
    "Restraint or isolation": "P06",
}
# The labels of a nested entry's fields, in the order the form asks for them.
NESTED_LABELS = {
    "type": "Activity", "student_id": "Student", "officer_staff_id": "Officer", "officer": "Officer's name",
    "agency": "Agency", "authorised_by": "Authorized by", "legal_basis": "Legal basis",
    "student_age": "Student's age", "administrator_present": "Administrator present",
    "administrator_name": "Administrator's name", "removed_from_school": "Removed from school",
    "removed_at": "Removed at", "removal_destination": "Taken to", "court_order_shown": "Court order shown",
    "custodial_interrogation": "Questioned in a custodial interrogation",
    "probable_cause_detention": "Detained on probable cause",
    "consent_search_request": "Asked for consent to search", "access_given": "Had access to an attorney",
    "access_at": "When", "access_mode": "How", "provider": "Attorney or service",
    "exception_claimed": "Exception claimed", "exception_justification": "Justification",
    "waiver_after_consultation": "Waiver after the consultation", "at": "When", "method": "How",
    "by": "Made by", "contact": "Who was contacted", "result": "Result", "types": "Kinds of force",
    "description": "What and why", "injury": "Injury", "injury_description": "The injury",
    "medical_attention": "Medical attention", "started_at": "Started", "ended_at": "Ended",
    "released_to": "Released to",
}
# Vocabulary of nested values, for reading the history and the detail.
VALUE_LABELS = {
    "type": LeActivityType, "legal_basis": LegalBasis, "access_mode": AttorneyMode,
    "method": NotificationMethod, "result": NotificationResult,
}
# Set by the program itself, not worth a line in a person's reading of the history.


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
    state = record["state"]
    dups: list[dict[str, Any]] = []
    if not state.get("retracted") and not state.get("duplicate_of"):
        try:
            dups = duplicates.find_duplicates(session, record["draft"], exclude=record_id)
        except SafetyDeskError:
            dups = []
    return {"record": record, "history": history, "students": students, "staff": staff,
            "duplicates": dups}


class InteractionDetail(RecordDetail):
    """Every field with its label, the people with their roles, follow-ups, possible duplicates
    and the full history. The shared detail frame does the rest."""

    NOUN = "interaction"
    FIELD_LABELS: ClassVar[dict[str, str]] = FIELD_LABELS
    HISTORY_ORDERED = True
    SIZE = (820, 860)
    KINDS: ClassVar[tuple[str, ...]] = (RecordType.INTERACTION, interactions.FOLLOW_UP)
    RETRACT_EXAMPLE = "For example: logged twice; the same interaction is recorded on 3 October."

    def __init__(self, ctx: UiContext, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record_id, parent=parent)
        self.setWindowTitle("Interaction")

    def loader(self) -> Any:
        return load_detail

    def build_extra(self) -> None:
        self.extra.addWidget(self._follow_ups_panel())
        self.extra.addWidget(self._duplicates_panel())
        self.print_button = self.add_footer_button(
            "Print…", "printButton", "Print this interaction as a PDF",
            "Save a PDF copy for school staff, a family, or someone outside the "
            "school (a disclosure).", self.print_record)

    def can_amend(self, state: dict[str, Any]) -> bool:
        return self.ctx.can(Permission.AMEND_INTERACTION, state.get("school_id"))

    def can_retract(self, state: dict[str, Any]) -> bool:
        return self.ctx.can(Permission.RETRACT_INTERACTION, state.get("school_id"))

    def retract_service(self) -> Any:
        return interactions.retract_interaction

    def _follow_ups_panel(self) -> QWidget:
        box = QFrame()
        box.setProperty("role", "card")
        box.setObjectName("followUpsCard")
        v = QVBoxLayout(box)
        head = QHBoxLayout()
        title = QLabel("Follow-ups")
        title.setProperty("role", "sectionTitle")
        self.follow_up_button = QPushButton("Add follow-up…")
        self.follow_up_button.setObjectName("addFollowUp")
        self.follow_up_button.setAccessibleName("Add a follow-up to this interaction")
        self.follow_up_button.setAutoDefault(False)
        self.follow_up_button.setEnabled(False)
        self.follow_up_button.clicked.connect(self.add_follow_up)
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.follow_up_button)
        self.follow_ups = QLabel("No follow-ups yet.")
        self.follow_ups.setObjectName("followUps")
        self.follow_ups.setWordWrap(True)
        self.follow_ups.setTextFormat(Qt.TextFormat.RichText)
        self.follow_ups.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.follow_ups.setAccessibleName("Follow-ups, oldest first")
        v.addLayout(head)
        v.addWidget(self.follow_ups)
        note = QLabel("Follow-ups are added, never edited or removed.")
        note.setProperty("role", "hint")
        v.addWidget(note)
        return box

    def _duplicates_panel(self) -> QWidget:
        box = QFrame()
        box.setProperty("role", "card")
        box.setObjectName("duplicatesCard")
        v = QVBoxLayout(box)
        self.duplicates_text = QLabel()
        self.duplicates_text.setObjectName("duplicatesText")
        self.duplicates_text.setWordWrap(True)
        self.duplicates_list = QListWidget()
        self.duplicates_list.setObjectName("duplicateCandidates")
        self.duplicates_list.setAccessibleName("Interactions that may record the same event")
        self.duplicates_list.setMaximumHeight(100)
        self.mark_duplicate_button = QPushButton("Mark this one as a duplicate of the selected…")
        self.mark_duplicate_button.setObjectName("markDuplicate")
        self.mark_duplicate_button.setAccessibleName(
            "Mark this interaction as a duplicate of the selected one")
        self.mark_duplicate_button.setAutoDefault(False)
        self.open_duplicate_button = QPushButton("Open the selected")
        self.open_duplicate_button.setObjectName("openDuplicate")
        self.open_duplicate_button.setAccessibleName("Open the selected interaction")
        self.open_duplicate_button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_duplicate_button)
        row.addWidget(self.mark_duplicate_button)
        v.addWidget(self.duplicates_text)
        v.addWidget(self.duplicates_list)
        v.addLayout(row)
        self.mark_duplicate_button.clicked.connect(self.mark_duplicate)
        self.open_duplicate_button.clicked.connect(self._open_candidate)
        self.duplicates_list.itemActivated.connect(lambda _: self._open_candidate())
        self.duplicates_box = box
        box.hide()
        return box

    # ------------------------------------------------------------------ loading
    def show_data(self, data: dict[str, Any]) -> None:
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
        self.status.setVisible(bool(state.get("retracted")))
        self._fill_fields(record, data)
        self._show_follow_ups(record)
        self._show_duplicates(record, data.get("duplicates", []))
        self._permissions(state)

    def _badges(self, state: dict[str, Any]) -> None:
        while self.badges.count():
            item = self.badges.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.setParent(None)
                w.deleteLater()
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
        if state.get("duplicate_of"):
            flags.append(("Duplicate", "retracted"))
        for text, kind in flags:
            badge = QLabel(text)
            badge.setProperty("badge", kind)
            badge.setObjectName(f"badge_{kind}")
            badge.setAccessibleName(text)
            self.badges.addWidget(badge)
        # Compliance flags (P02, P07, P12, P13) in words, red where the policy says so.
        for f in state.get("compliance_flags") or []:
            kind = f.get("kind", "")
            badge = QLabel(FlagKind.label_of(kind))
            badge.setProperty("badge", "flagRed" if kind in RED_FLAGS else "flag")
            badge.setObjectName(f"flag_{kind}")
            detail = f.get("detail") or ""
            since = formatting.wall_time(f.get("since", "")) if f.get("since") else ""
            badge.setToolTip(detail + (f"\nSince {since}" if since else ""))
            badge.setAccessibleName(f"Compliance flag: {FlagKind.label_of(kind)}")
            badge.setAccessibleDescription(detail)
            self.badges.addWidget(badge)
        self.badges.addStretch(1)

    def _fill_fields(self, record: dict[str, Any], data: dict[str, Any]) -> None:
        while self.fields.count():
            item = self.fields.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.setParent(None)
                w.deleteLater()
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
        rows += self._detail_rows(state, data)
        for i, (label, value) in enumerate(rows):
            name = QLabel(label)
            name.setProperty("role", "fieldLabel")
            code = next((c for prefix, c in ROW_CODES.items() if label.startswith(prefix)), "")
            if code:
                name.setToolTip(formatting.policy_tip(code))
            text = QLabel(value)
            text.setTextFormat(Qt.TextFormat.RichText if value.startswith("<table") else Qt.TextFormat.PlainText)
            text.setObjectName("detail_" + label.lower().replace(" ", "_").replace("-", "_"))
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            text.setAccessibleName(label)
            self.fields.addWidget(name, i, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            self.fields.addWidget(text, i, 1)

    def _person(self, data: dict[str, Any], kind: str, pid: str) -> str:
        if not pid:
            return ""
        return data[kind].get(pid) or (self.ctx.staff_name(pid) if kind == "staff" else "") or (
            "Unknown staff member" if kind == "staff" else "Student not in your roster")

    def _pairs(self, value: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str]]:
        """A nested entry (an activity, an attorney access, a notification) as a form reads:
        its labels in the form's order, local US dates, people by name, never an internal key."""
        known = [k for k in NESTED_LABELS if k in value]
        rest = [k for k in value if k not in NESTED_LABELS]
        pairs = []
        for k in known + rest:
            v = value[k]
            if v in (None, "", [], {}):
                continue
            if k == "student_id":
                text = self._person(data, "students", v)
            elif k in ("officer_staff_id", "by_staff_id"):
                text = self._person(data, "staff", v)
            elif k in VALUE_LABELS:
                text = VALUE_LABELS[k].label_of(v)
            elif k == "types":
                text = ", ".join(ForceType.label_of(t) for t in v)
            elif isinstance(v, bool):
                text = "Yes" if v else "No"
            elif k.endswith("_at") or k == "at":
                text = formatting.short_when(str(v))
            else:
                text = str(v)
            pairs.append((NESTED_LABELS.get(k) or k.replace("_", " ").capitalize(), text))
        return pairs

    def _nested(self, value: dict[str, Any], data: dict[str, Any]) -> str:
        """On one line (the history): "Activity: Interview; Officer: Morgan Vale; …"."""
        return "; ".join(f"{label}: {text}" for label, text in self._pairs(value, data))

    def _nested_form(self, value: dict[str, Any], data: dict[str, Any]) -> str:
        """In the detail: a small table of labels and values, one line each."""
        def e(text: str) -> str:
            return html.escape(text, quote=False)

        rows = "".join(f"<tr><td style='color:#5f6b7a; padding:0 12px 2px 0'>{e(label)}</td>"
                       f"<td style='padding:0 0 2px 0'>{e(text)}</td></tr>"
                       for label, text in self._pairs(value, data))
        return f"<table cellspacing='0'>{rows}</table>" if rows else "—"

    def _detail_rows(self, state: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str]]:
        """P07-P13, force and restraint: only what the record holds."""
        rows: list[tuple[str, str]] = []
        if state.get("consequence_by_staff_id"):
            rows.append(("Consequence decided by",
                         self._person(data, "staff", state["consequence_by_staff_id"])))
        if state.get("sro_discipline_justification"):
            rows.append(("Why the SRO was involved", state["sro_discipline_justification"]))
        if state.get("alternatives_considered"):
            rows.append(("Alternatives considered", ", ".join(
                Alternative.label_of(a) for a in state["alternatives_considered"])
                + (f" — {state['alternatives_note']}" if state.get("alternatives_note") else "")))
        elif state.get("alternatives_note"):
            rows.append(("Alternatives note", state["alternatives_note"]))
        for n, a in enumerate(state.get("le_activities") or [], 1):
            rows.append((f"Law enforcement activity {n}", self._nested_form(a, data)))
        for e in state.get("attorney_access") or []:
            rows.append((f"Attorney access: {self._person(data, 'students', e.get('student_id', ''))}",
                         self._nested_form({k: v for k, v in e.items() if k != "student_id"}, data)))
        for n, note in enumerate(state.get("notifications") or [], 1):
            rows.append((f"Notification attempt {n}", self._nested_form(note, data)))
        if state.get("notification_deferred_reason"):
            rows.append(("Notification deferred because", state["notification_deferred_reason"]))
        if state.get("force_details"):
            rows.append(("Use of force details", self._nested_form(state["force_details"], data)))
        elif state.get("use_of_force"):
            rows.append(("Use of force details", "Not recorded yet: the yearly OSPI collection lists "
                         "this incident as incomplete until they are."))
        if state.get("restraint_details"):
            rows.append(("Restraint or isolation", self._nested_form(state["restraint_details"], data)))
        for f in state.get("compliance_flags") or []:
            rows.append((FlagKind.label_of(f.get("kind")), f.get("detail", "")))
        return rows

    def _show_follow_ups(self, record: dict[str, Any]) -> None:
        items = record.get("follow_ups") or []
        if not items:
            self.follow_ups.setText("No follow-ups yet.")
            return
        e = html.escape
        self.follow_ups.setText("".join(
            f"<p style='margin:4px 0'><b>{e(formatting.wall_time(f.get('written_at', '')) or f.get('written_at', ''))}</b>"
            f" · {e(f.get('author', ''))}<br>{e(f.get('note', ''))}</p>" for f in items))

    def _show_duplicates(self, record: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        state = record["state"]
        self.duplicates_list.clear()
        if state.get("duplicate_of"):
            self.duplicates_text.setText("This interaction is marked as a duplicate; lists, counts and "
                                         "reports use the canonical record.")
            item = QListWidgetItem("The canonical record (open it)")
            item.setData(Qt.ItemDataRole.UserRole, state["duplicate_of"])
            self.duplicates_list.addItem(item)
            self.mark_duplicate_button.hide()
        elif rows:
            self.duplicates_text.setText(
                f"<b>Possible duplicates.</b> {formatting.count(len(rows), 'other interaction')} at this "
                "school name the same student within two hours. If one records the same event, mark "
                "this one as its duplicate: both stay in the history.")
            for row in rows:
                item = QListWidgetItem(
                    f"{formatting.short_when(row['occurred_at'])} · {InteractionType.label_of(row['type'])}"
                    f" · {row.get('location') or ''} · {row.get('students_label') or ''}")
                item.setData(Qt.ItemDataRole.UserRole, row["id"])
                self.duplicates_list.addItem(item)
            self.mark_duplicate_button.show()
            self.mark_duplicate_button.setEnabled(
                self.ctx.can(Permission.AMEND_INTERACTION, state.get("school_id")))
        self.duplicates_box.setVisible(bool(state.get("duplicate_of")) or bool(rows))
        if self.duplicates_list.count():
            self.duplicates_list.setCurrentRow(0)

    def _candidate(self) -> str:
        item = self.duplicates_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def _open_candidate(self) -> None:
        rid = self._candidate()
        window = self.parent()
        if rid and window is not None and hasattr(window, "open_interaction"):
            window.open_interaction(rid)

    def mark_duplicate(self) -> None:
        canonical = self._candidate()
        if not canonical or self.data is None:
            return
        reason = prompts.ask_text(
            self, "Mark as a duplicate",
            "This interaction will be kept, linked to the selected one as its duplicate; lists, counts "
            "and reports then use the selected one. Why is it a duplicate?", ok="Mark as duplicate",
            placeholder="For example: the same escort was logged by the office and by the officer.")
        if reason is None:
            return
        self.ctx.worker.write(duplicates.mark_duplicate, RecordType.INTERACTION, self.record_id, canonical,
                              reason, owner=self, label="Marking as duplicate",
                              error=lambda exc: prompts.show_failure(self, exc, "Not marked"))

    def add_follow_up(self) -> None:
        if self.data is None or not self.follow_up_button.isEnabled():
            return
        note = prompts.ask_text(
            self, "Add a follow-up",
            "What happened next? A follow-up is added to the record and can never be edited or removed.",
            ok="Add follow-up", placeholder="For example: met with the family on Monday; referred to "
            "the counselor.")
        if note is None:
            return
        self.ctx.worker.write(interactions.add_follow_up, self.record_id, note, owner=self,
                              label="Adding the follow-up",
                              error=lambda exc: prompts.show_failure(self, exc, "The follow-up was not added"))

    def _permissions(self, state: dict[str, Any]) -> None:
        self.print_button.setEnabled(self.ctx.can(Permission.VIEW_RECORDS, state.get("school_id")))
        can_follow = self.ctx.can(Permission.LOG_INTERACTION, state.get("school_id"))
        self.follow_up_button.setEnabled(can_follow and not state.get("retracted"))
        school = state.get("school_id")
        retracted = bool(state.get("retracted"))
        can_retract = self.ctx.can(Permission.RETRACT_INTERACTION, school)
        role = self.ctx.actor.role.label if self.ctx.actor else "not signed in"
        self.retract_button.setToolTip(
            "This record is already retracted." if retracted else
            "Withdraw a record logged in error; it stays in the history with your reason."
            if can_retract else
            f"Your account ({role}) cannot retract interactions. A principal or district "
            "administrator can.")

    # ------------------------------------------------------------------ history
    def describe(self, field: str, value: Any) -> str:
        return self.describe_in(field, value, self.data or {})

    def describe_in(self, field: str, value: Any, data: dict[str, Any]) -> str:
        if value is None or value == "":
            return "(empty)"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if field == "school_id":
            return self.ctx.school_name(value)
        if field == "type":
            return InteractionType.label_of(value)
        if field == "compliance_flags":
            return "; ".join(FlagKind.label_of(f.get("kind")) for f in value) or "(none)"
        if field in ("consequence_by_staff_id",):
            return self._person(data, "staff", value)
        if field == "alternatives_considered":
            return ", ".join(Alternative.label_of(a) for a in value) or "(none)"
        if field in ("le_activities", "attorney_access", "notifications") and isinstance(value, list):
            return " | ".join(self._nested(v, data) for v in value) or "(none)"
        if field in ("force_details", "restraint_details") and isinstance(value, dict):
            return self._nested(value, data) or "(none)"
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
            return "; ".join(f"{k.replace('_', ' ')}: {self.describe_in(k, v, data)}"
                             for k, v in value.items()) or "(none)"
        if isinstance(value, list):
            return "; ".join(self.describe_in(field, v, data) for v in value) or "(none)"
        return str(value)

    # ------------------------------------------------------------------ actions
    def print_record(self) -> Any:
        """The print dialog: internal, family or outside-party copy (P24)."""
        if self.data is None or not self.print_button.isEnabled():
            return None
        from safetydesk.ui.reports.print_dialog import open_print_dialog

        record = self.data["record"]
        students = [(s["student_id"], student_label(s)) for s in record["students"]]
        return open_print_dialog(self.ctx, self, "interaction", self.record_id, students,
                                 self.title.text())
