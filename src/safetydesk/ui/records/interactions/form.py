"""The interaction form (P06): log a new interaction or amend one.

Validation runs as the person types (``interactions.check`` on the worker,
debounced) and each problem is shown beside its field. Closing the form with
unsaved input keeps a draft the dashboard offers to resume.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from typing import Any, ClassVar

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.law_enforcement import (
    QUESTIONING_OR_CUSTODY,
    RED_FLAGS,
    SEARCHES,
    Alternative,
    FlagKind,
    LeActivityType,
    LegalBasis,
    needs_notification,
)
from safetydesk.domain.records import InteractionDraft
from safetydesk.domain.validation import FieldError, parse_local_datetime
from safetydesk.domain.vocab import InteractionType, StaffCategory
from safetydesk.services import interactions, registry
from safetydesk.ui.kit import formatting, prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.kit.layout import FormBuilder
from safetydesk.ui.kit.pickers import StaffPicker, StudentPicker, refill_schools, student_label
from safetydesk.ui.kit.widgets import datetime_edit
from safetydesk.ui.records.interactions.blocks import (
    AttorneyBlock,
    BlockList,
    ForceBlock,
    LeActivityBlock,
    NotificationBlock,
    RestraintBlock,
    focusable_in,
    tab_after,
)
from safetydesk.ui.records.interactions.outcome_students import OutcomeStudents

FORM = "interaction"
formatting_escape = html.escape

# A compliance flag in plain words, and what would clear it before saving (the code in a tooltip).
FLAG_WORDS: dict[str, tuple[str, str]] = {
    FlagKind.RCW_13_40_740: (
        "A student was questioned, detained or asked for consent to search without access to an "
        "attorney (RCW 13.40.740)",
        "Tick “Had access to an attorney” with when and how, or record the exception claimed and why."),
    FlagKind.NOTIFICATION_MISSING: (
        "No parent or guardian was notified",
        "Add a notification attempt (even one that did not reach anyone), or say why it was deferred."),
    FlagKind.SRO_DISCIPLINE: (
        "A school resource officer decided or imposed a school consequence",
        "If a principal or designee decided it, choose “No safety staff member decided…” under "
        "Decided by."),
    FlagKind.UNTRAINED_STAFF: (
        "Safety staff without confirmed training took part",
        "Record their ESD training (Staff, Training) before saving, or check who was involved."),
}

# What each law enforcement activity implies for the attorney-access triggers (RCW 13.40.740).
IMPLIED_TRIGGERS: dict[str, str] = {
    LeActivityType.INTERVIEW: "custodial_interrogation",
    LeActivityType.ARREST: "probable_cause_detention",
}
CHECK_DELAY_MS = 300
COMMON_PLACES = [
    "Main office", "Front entrance", "Main hallway", "Classroom", "Cafeteria", "Gym",
    "Locker room", "Library", "Restroom", "Stairwell", "Courtyard", "Playground",
    "Parking lot", "Bus loop", "Athletic field", "Counseling office", "Nurse's office",
    "Off campus (school event)",
]
# The fields a FieldError can name, in the order the form shows them.
FIELDS = ("occurred_at", "school_id", "location", "type", "staff", "students",
          "discipline_related", "responsible_admin", "outcomes", "outcome_students", "narrative",
          "consequence_by_staff_id", "sro_discipline_justification", "alternatives_considered",
          "alternatives_note", "le_activities", "attorney_access", "notifications",
          "notification_deferred_reason", "force_details", "restraint_details")
# Rules that name a field the form shows inside another row.
ALIASES = {"use_of_force": "outcomes", "arrest": "outcomes", "resulted_in_discipline": "outcomes"}
# Free-text fields checked as the person types for immigration data (P14).
TEXT_FIELDS = ("narrative", "location", "responsible_admin", "sro_discipline_justification",
               "alternatives_note", "notification_deferred_reason")


def plain_section(form: FormBuilder, title: str) -> QLabel:
    """A section title in plain words; its policy codes in the tooltip."""
    words, tip = formatting.plain(title)
    label = form.add_section(words)
    label.setToolTip(tip)
    return label


class InteractionForm(RecordForm):
    """Log (``record`` None) or amend (``record`` from ``get_interaction``) an interaction.

    The shared form base does the checking, the P14 warnings, duplicates, drafts and saving;
    this adds the interaction's own parts: the law enforcement blocks that show only when they
    apply (P07-P13), the compliance flags previewed before saving, and the question before a
    save with a red flag."""

    FORM = FORM
    NOUN = "interaction"
    OBJECT_NAME = "interactionForm"
    TITLE_NEW = "Log an interaction"
    TITLE_AMEND = "Correct an interaction"
    INTRO = ("Record every interaction between safety and security staff and students. "
             "Fields marked * are required. Nothing here asks about immigration or citizenship, "
             "and nothing should be written about it.")
    SIZE = (780, 880)
    FIELDS = FIELDS
    TEXT_FIELDS = TEXT_FIELDS
    ALIASES: ClassVar[dict[str, str]] = ALIASES
    DRAFT_CLASS = InteractionDraft
    FIND_DUPLICATES = True
    REASON_EXAMPLE = ("For example: wrong time entered; second student added after talking with "
                      "the office.")

    def __init__(self, ctx: UiContext, *, record: dict[str, Any] | None = None,
                 draft_entry: dict[str, Any] | None = None, parent: QWidget | None = None,
                 prefill: InteractionDraft | None = None, labels: dict[str, str] | None = None) -> None:
        self._flags: list[dict[str, Any]] = []
        self._pending_attorney: dict[str, dict[str, Any]] = {}
        self._pending_consequence = ""
        self._updating = False
        if prefill is not None:  # e.g. "Log the interaction" from an intervention request
            prefill = replace(prefill, occurred_at=prefill.occurred_at or self._now())
        super().__init__(ctx, record=record, draft_entry=draft_entry, prefill=prefill,
                         labels=labels, parent=parent)

    @staticmethod
    def _now() -> str:
        return QDateTime.currentDateTime().toString("yyyy-MM-ddTHH:mm")

    def new_draft(self) -> InteractionDraft:
        return InteractionDraft(occurred_at=self._now())

    def labels_of(self, record: dict[str, Any]) -> dict[str, str]:
        labels = {s["student_id"]: student_label(s) for s in record.get("students", [])}
        return labels | {s["staff_id"]: s.get("name") or "" for s in record.get("staff", [])}

    # ------------------------------------------------------------------ building
    def build(self, form: FormBuilder) -> None:
        form.add_section("When and where")
        self.occurred_at = datetime_edit("occurredAt", what="The interaction's time")
        form.add("occurred_at", "&Date and time *", self.occurred_at, object_name="occurredAt",
                 description="When the interaction happened, in this school's local time.")
        self.school = QComboBox()
        form.add("school_id", "&School *", self.school, object_name="school")
        self.location = QLineEdit()
        self.location.setPlaceholderText("For example: cafeteria, main hallway, parking lot")
        completer = QCompleter(COMMON_PLACES, self.location)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.location.setCompleter(completer)
        form.add("location", "&Location *", self.location, object_name="location",
                 description="Where on or off campus it happened.")
        self.type = QComboBox()
        self.type.addItem("Choose a type…", "")
        for value, label in InteractionType.choices():
            self.type.addItem(label, value)
        form.add("type", "&Type *", self.type, object_name="type")

        form.add_section("People involved")
        self.staff = StaffPicker()
        form.add("staff", "Sta&ff *", self.staff, object_name="staffPicker", top_aligned=True,
                 description="Safety and security staff who took part, each with how they took part.")
        self.students = StudentPicker(self.ctx.worker, lambda: self.school.currentData() or "")
        form.add("students", "St&udents *", self.students, object_name="studentPicker",
                 top_aligned=True,
                 description="Every student involved, each with a role: subject, victim, witness "
                             "or reporter.")

        form.add_section("Discipline and outcomes")
        self.discipline_related = QCheckBox("This interaction was related to student discipline")
        form.add("discipline_related", "Discipline", self.discipline_related,
                 object_name="disciplineRelated",
                 description="Tick when the interaction concerned a school discipline matter.")
        self.responsible_admin = QLineEdit()
        self.responsible_admin.setPlaceholderText("Name of the principal or designee")
        form.add("responsible_admin", "&Responsible administrator", self.responsible_admin,
                 object_name="responsibleAdmin",
                 description="Required for discipline-related interactions: the administrator "
                             "responsible for discipline. Principals or their designees handle "
                             "all discipline; safety staff do not.")
        outcomes = QWidget()
        oh = QHBoxLayout(outcomes)
        oh.setContentsMargins(0, 0, 0, 0)
        self.resulted_in_discipline = QCheckBox("Resulted in student discipline")
        self.resulted_in_discipline.setObjectName("resultedInDiscipline")
        self.use_of_force = QCheckBox("Use of force against a student")
        self.use_of_force.setObjectName("useOfForce")
        self.arrest = QCheckBox("Arrest")
        self.arrest.setObjectName("arrest")
        for box in (self.resulted_in_discipline, self.use_of_force, self.arrest):
            box.setAccessibleName(box.text())
            oh.addWidget(box)
        oh.addStretch(1)
        form.add("outcomes", "Outcomes", outcomes, object_name="outcomes",
                 description="Tick every outcome that applies.")
        self.outcome_students = OutcomeStudents()
        form.add("outcome_students", "Outcome applies to", self.outcome_students, object_name="outcomeStudents",
                 top_aligned=True, description="Under each outcome, tick the students it applies to.")

        form.add_section("What happened")
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.narrative.setPlaceholderText(
            "Describe what happened, what staff did and why, in plain words.")
        self.narrative.setMinimumHeight(130)
        form.add("narrative", "&Narrative *", self.narrative, object_name="narrative",
                 top_aligned=True, description="What happened, in a few sentences.")
        self._build_details(form)

    def banner(self) -> QWidget:
        self.flags_preview = QLabel()
        self.flags_preview.setObjectName("flagsPreview")
        self.flags_preview.setWordWrap(True)
        self.flags_preview.setProperty("role", "flagPreview")
        self.flags_preview.hide()
        return self.flags_preview

    def _build_details(self, form: FormBuilder) -> None:
        """The P07-P13, force and restraint sections: each shown only when it applies."""
        self._sections: dict[str, tuple[Any, tuple[str, ...]]] = {}
        self._school_staff: list[dict[str, Any]] = []

        t = plain_section(form, "School consequence (P07)")
        self.consequence_by = QComboBox()
        self.consequence_by.addItem("No safety staff member decided or imposed a consequence", "")
        form.add("consequence_by_staff_id", "Decided &by", self.consequence_by,
                 object_name="consequenceBy",
                 description="Principals or their designees handle all student discipline. Choose a "
                             "safety staff member only if one decided or imposed a school consequence.")
        self.sro_justification = QPlainTextEdit()
        self.sro_justification.setTabChangesFocus(True)
        self.sro_justification.setMinimumHeight(60)
        self.sro_justification.setPlaceholderText("Why was the officer involved in school discipline?")
        form.add("sro_discipline_justification", "Justification", self.sro_justification,
                 object_name="sroJustification", top_aligned=True,
                 description="SROs may not decide or impose school consequences. A written "
                             "justification saves the record with an “SRO involved in school "
                             "discipline” flag the principal's dashboard counts.")
        self._sections["p07"] = (t, ("consequence_by_staff_id", "sro_discipline_justification"))

        t = plain_section(form, "Law enforcement action (P08, P11)")
        alternatives = QWidget()
        grid = QGridLayout(alternatives)
        grid.setContentsMargins(0, 0, 0, 0)
        self.alternatives: dict[str, QCheckBox] = {}
        for i, (value, label) in enumerate(Alternative.choices()):
            box = QCheckBox(label)
            box.setObjectName(f"alternative_{value}")
            box.setAccessibleName(f"Alternative considered: {label}")
            self.alternatives[value] = box
            grid.addWidget(box, i, 0)
        form.add("alternatives_considered", "Alternatives *", alternatives,
                 object_name="alternatives", top_aligned=True,
                 description="What was considered to keep the student out of the justice system.")
        self.alternatives_note = QLineEdit()
        self.alternatives_note.setPlaceholderText("The other alternative considered")
        form.add("alternatives_note", "Other alternative", self.alternatives_note,
                 object_name="alternativesNote")
        self.le_activities = BlockList(
            "leActivities", "Add a law enforcement activity…",
            lambda n: LeActivityBlock(n, self._record_students, self._sros, self._last_activity),
            "No activity recorded yet: add each interview, search, citation, referral or arrest.")
        form.add("le_activities", "Activities *", self.le_activities, object_name="leActivities",
                 top_aligned=True, description="One block per law enforcement activity: each interview, search, citation, "
                             "referral or arrest.")
        self._sections["le"] = (t, ("alternatives_considered", "alternatives_note", "le_activities"))

        t = plain_section(form, "Access to an attorney (P12, RCW 13.40.740)")
        self.attorney = QWidget()
        self.attorney_layout = QVBoxLayout(self.attorney)
        self.attorney_layout.setContentsMargins(0, 0, 0, 0)
        self.attorney_blocks: dict[str, AttorneyBlock] = {}
        form.add("attorney_access", "Each student *", self.attorney, object_name="attorneyAccess",
                 top_aligned=True, description="For every student interviewed, searched or arrested.")
        self._sections["p12"] = (t, ("attorney_access",))

        t = plain_section(form, "Parents and guardians (P13)")
        self.notifications = BlockList("notifications", "Add a notification attempt…",
                                       lambda n: NotificationBlock(n, self._me()),
                                       "No attempt to reach a parent or guardian recorded yet.")
        form.add("notifications", "Attempts", self.notifications, object_name="notificationsList",
                 top_aligned=True, description="Each attempt to reach a parent or guardian.")
        self.deferred_reason = QLineEdit()
        self.deferred_reason.setPlaceholderText("For example: directed by child protective services")
        form.add("notification_deferred_reason", "Or deferred because", self.deferred_reason,
                 object_name="notificationDeferred",
                 description="Why notification was deferred, when it was. Without attempts or a "
                             "reason the record is flagged.")
        self._sections["p13"] = (t, ("notifications", "notification_deferred_reason"))

        t = form.add_section("Use of force")
        self.force = ForceBlock()
        form.add("force_details", "Details", self.force, object_name="forceDetails", top_aligned=True)
        self._sections["force"] = (t, ("force_details",))

        t = form.add_section("Restraint or isolation")
        self.restraint = RestraintBlock()
        form.add("restraint_details", "Details *", self.restraint, object_name="restraintDetails",
                 top_aligned=True)
        self._sections["restraint"] = (t, ("restraint_details",))

    # ------------------------------------------------------------------ relevance
    def _last_activity(self) -> Any:
        """The activity blocks, for "Same as the activity above"."""
        return self.le_activities.blocks

    def _me(self) -> str:
        actor = self.ctx.actor
        return (actor.display_name or actor.username) if actor is not None else ""

    def _record_students(self) -> list[tuple[str, str]]:
        labels = self.students.list.labels()
        return [(sid, labels.get(sid, "Student")) for sid in self.students.list.ids()]

    def _sros(self) -> list[tuple[str, str]]:
        return [(s["id"], s["name"]) for s in self._school_staff if s.get("category") == StaffCategory.SRO]

    def _le_visible(self) -> bool:
        return (self.type.currentData() == InteractionType.LAW_ENFORCEMENT or self.arrest.isChecked()
                or bool(self.le_activities.blocks))

    def _update_sections(self) -> None:
        """Show only the sections the type and outcomes call for, so a routine contact stays short."""
        kind = self.type.currentData() or ""
        discipline = self.discipline_related.isChecked() or self.resulted_in_discipline.isChecked()
        le = self._le_visible()
        for block in self.le_activities.blocks:
            block.refresh_choices()  # type: ignore[attr-defined]
        activities = self.le_activities.value() if le else []
        questioned = []
        for a in activities:
            if a.get("type") in QUESTIONING_OR_CUSTODY and a.get("student_id") and \
                    a["student_id"] not in questioned:
                questioned.append(a["student_id"])
        self._sync_attorney_blocks(questioned)
        self._pre_tick(activities)
        partial = InteractionDraft(type=kind, arrest=self.arrest.isChecked(), le_activities=activities)
        chosen = self.consequence_by.currentData() or ""
        sro_chosen = any(s["id"] == chosen and s.get("category") == StaffCategory.SRO
                         for s in self._school_staff)
        alternatives = any(b.isChecked() for b in self.alternatives.values()) or \
            bool(self.alternatives_note.text().strip())
        show = {
            "p07": discipline or bool(chosen) or bool(self.sro_justification.toPlainText().strip()),
            "le": le or alternatives,
            "p12": bool(questioned),
            "p13": needs_notification(partial) or bool(self.notifications.blocks)
            or bool(self.deferred_reason.text().strip()),
            "force": self.use_of_force.isChecked() or bool(self.force.value()),
            "restraint": kind in (InteractionType.RESTRAINT, InteractionType.ISOLATION)
            or bool(self.restraint.value()),
        }
        for key, (title, rows) in self._sections.items():
            title.setVisible(show[key])
            for name in rows:
                self._show_row(name, show[key])
        self._show_row("sro_discipline_justification", show["p07"] and (
            sro_chosen or bool(self.sro_justification.toPlainText().strip())))
        self._show_row("alternatives_note", show["le"] and (
            self.alternatives[Alternative.OTHER].isChecked() or bool(self.alternatives_note.text().strip())))

    def _refresh_outcome_students(self) -> None:
        labels = self.students.list.labels()
        students = [(s["student_id"], labels.get(s["student_id"], "Student"), s.get("role", "subject"))
                    for s in self.students.list.value()]
        ticked = {"resulted_in_discipline": self.resulted_in_discipline.isChecked(),
                  "use_of_force": self.use_of_force.isChecked(), "arrest": self.arrest.isChecked()}
        self.outcome_students.refresh(students, ticked)
        self._show_row("outcome_students", any(ticked.values()))

    def _show_row(self, name: str, visible: bool) -> None:
        row = self.form.rows[name]
        row.label.setVisible(visible)
        row.control.setVisible(visible)
        if not visible:
            row.error.setVisible(False)

    def _occurred_moment(self) -> Any:
        return self.occurred_at.moment()

    def _pre_tick(self, activities: list[dict[str, Any]]) -> None:
        """Tick the attorney-access triggers the recorded activities imply, once each (the
        person may untick one that does not apply: it is not ticked again)."""
        for a in activities:
            block = self.attorney_blocks.get(a.get("student_id") or "")
            if block is None:
                continue
            trigger = IMPLIED_TRIGGERS.get(a.get("type") or "")
            if a.get("type") in SEARCHES and a.get("legal_basis") == LegalBasis.CONSENT:
                trigger = "consent_search_request"
            if trigger and trigger not in block.pre_ticked:
                block.pre_ticked.add(trigger)
                block.trigger_box(trigger).setChecked(True)

    def _sync_attorney_blocks(self, student_ids: list[str]) -> None:
        labels = self.students.list.labels()
        for sid in list(self.attorney_blocks):
            if sid not in student_ids:
                block = self.attorney_blocks.pop(sid)
                block.setParent(None)
                block.deleteLater()
        for n, sid in enumerate(student_ids, 1):
            if sid not in self.attorney_blocks:
                block = AttorneyBlock(sid, labels.get(sid, "Student"), n)
                pending = self._pending_attorney.pop(sid, None)
                if pending:
                    block.set_value(pending)
                    # What was recorded (or kept as a draft) stands: nothing is ticked for it.
                    block.pre_ticked |= {"custodial_interrogation", "probable_cause_detention",
                                         "consent_search_request"}
                block.changed.connect(lambda: self.changed("attorney_access"))
                block.access_at.after = lambda: (self._occurred_moment(), "the interaction's time")
                # Tab goes from the activities on through each student's attorney block
                anchor: QWidget = self.le_activities.add_button
                for earlier in list(self.attorney_blocks.values()):
                    fields = focusable_in(earlier)
                    anchor = fields[-1] if fields else anchor
                self.attorney_blocks[sid] = block
                self.attorney_layout.addWidget(block)
                tab_after(anchor, block)

    def _fill_schools(self) -> None:
        refill_schools(self.school, self.ctx, pick_single=True)

    def load(self, d: InteractionDraft) -> None:
        labels = self.labels
        self._fill_schools()
        if d.school_id:
            index = self.school.findData(d.school_id)
            if index < 0:
                self.school.addItem(self.ctx.school_name(d.school_id), d.school_id)
                index = self.school.count() - 1
            self.school.setCurrentIndex(index)
        when = parse_local_datetime(d.occurred_at)
        if when is not None:
            self.occurred_at.set_value(when.strftime("%Y-%m-%dT%H:%M"))
        self.location.setText(d.location)
        self.type.setCurrentIndex(max(0, self.type.findData(d.type)))
        self.discipline_related.setChecked(d.discipline_related)
        self.responsible_admin.setText(d.responsible_admin)
        self.resulted_in_discipline.setChecked(d.resulted_in_discipline)
        self.use_of_force.setChecked(d.use_of_force)
        self.arrest.setChecked(d.arrest)
        self.outcome_students.set_value(d.outcome_students, {f: bool(getattr(d, f)) for f in (
            "resulted_in_discipline", "use_of_force", "arrest")})
        self.narrative.setPlainText(d.narrative)
        for link in d.staff:
            sid = link.get("staff_id", "")
            self.staff.list.add(sid, labels.get(sid) or self.ctx.staff_name(sid) or "Staff member",
                                link.get("role", "lead"))
        for link in d.students:
            sid = link.get("student_id", "")
            self.students.list.add(sid, labels.get(sid) or "Student", link.get("role", "subject"))
        self._pending_attorney = {e.get("student_id", ""): e for e in d.attorney_access}
        self._pending_consequence = d.consequence_by_staff_id
        if d.consequence_by_staff_id:
            self.consequence_by.addItem(labels.get(d.consequence_by_staff_id)
                                        or self.ctx.staff_name(d.consequence_by_staff_id)
                                        or "Staff member", d.consequence_by_staff_id)
            self.consequence_by.setCurrentIndex(self.consequence_by.count() - 1)
        self.sro_justification.setPlainText(d.sro_discipline_justification)
        for code, box in self.alternatives.items():
            box.setChecked(code in d.alternatives_considered)
        self.alternatives_note.setText(d.alternatives_note)
        self.le_activities.set_value(d.le_activities)
        self.notifications.set_value(d.notifications)
        self.deferred_reason.setText(d.notification_deferred_reason)
        self.force.set_value(d.force_details)
        self.restraint.set_value(d.restraint_details)
        self._update_admin_field()
        self._update_sections()
        self._refresh_outcome_students()
        self._load_staff_choices()

    def connect_fields(self) -> None:
        def on(field: str):
            return lambda *_: self.changed(field)

        self.occurred_at.changed.connect(on("occurred_at"))
        self.school.currentIndexChanged.connect(on("school_id"))
        self.school.currentIndexChanged.connect(lambda _: self._load_staff_choices())
        self.location.textChanged.connect(on("location"))
        self.type.currentIndexChanged.connect(on("type"))
        self.staff.changed.connect(on("staff"))
        self.students.changed.connect(on("students"))
        self.discipline_related.toggled.connect(on("discipline_related"))
        self.responsible_admin.textChanged.connect(on("responsible_admin"))
        self.resulted_in_discipline.toggled.connect(self._discipline_outcome)
        self.use_of_force.toggled.connect(on("outcomes"))
        self.arrest.toggled.connect(on("outcomes"))
        for source in (self.students.changed, self.resulted_in_discipline.toggled, self.use_of_force.toggled,
                       self.arrest.toggled):
            source.connect(lambda *_: self._refresh_outcome_students())
        self.outcome_students.changed.connect(on("outcome_students"))
        self.narrative.textChanged.connect(on("narrative"))
        self.consequence_by.currentIndexChanged.connect(on("consequence_by_staff_id"))
        self.sro_justification.textChanged.connect(on("sro_discipline_justification"))
        for box in self.alternatives.values():
            box.toggled.connect(on("alternatives_considered"))
        self.alternatives_note.textChanged.connect(on("alternatives_note"))
        self.le_activities.changed.connect(on("le_activities"))
        self.notifications.changed.connect(on("notifications"))
        self.deferred_reason.textChanged.connect(on("notification_deferred_reason"))
        self.force.changed.connect(on("force_details"))
        self.restraint.changed.connect(on("restraint_details"))

    def lookups_arrived(self) -> None:
        self._fill_schools()
        self._load_staff_choices()

    def _load_staff_choices(self) -> None:
        school_id = self.school.currentData() or ""
        if not self.ctx.signed_in:
            return
        self.ctx.worker.read(registry.staff, school_id, done=self._staff_arrived,
                             key=f"staff:{id(self)}", owner=self)

    def _staff_arrived(self, staff: list[dict[str, Any]]) -> None:
        self._school_staff = list(staff or self.ctx.staff)
        self.staff.set_staff(self._school_staff)
        current = self.consequence_by.currentData() or self._pending_consequence
        self.consequence_by.blockSignals(True)
        self.consequence_by.clear()
        self.consequence_by.addItem("No safety staff member decided or imposed a consequence", "")
        for s in self._school_staff:
            extra = " (SRO)" if s.get("category") == StaffCategory.SRO else ""
            self.consequence_by.addItem(s["name"] + extra, s["id"])
        index = self.consequence_by.findData(current) if current else 0
        if index < 0:
            self.consequence_by.addItem(self.ctx.staff_name(current) or "Staff member", current)
            index = self.consequence_by.count() - 1
        self.consequence_by.setCurrentIndex(index)
        self.consequence_by.blockSignals(False)
        self._update_sections()

    # ------------------------------------------------------------------ the draft
    def draft(self) -> InteractionDraft:
        return replace(
            self._base,
            occurred_at=self.occurred_at.value(),
            school_id=self.school.currentData() or "",
            location=self.location.text().strip(),
            type=self.type.currentData() or "",
            discipline_related=self.discipline_related.isChecked(),
            responsible_admin=self.responsible_admin.text().strip(),
            narrative=self.narrative.toPlainText().strip(),
            resulted_in_discipline=self.resulted_in_discipline.isChecked(),
            use_of_force=self.use_of_force.isChecked(),
            arrest=self.arrest.isChecked(),
            students=self.students.list.value(),
            staff=self.staff.list.value(),
            outcome_students=self.outcome_students.value(),
            **self._detail_values(),
        )

    def _detail_values(self) -> dict[str, Any]:
        """The P07-P13 details. A section shows whenever it applies or holds something, so
        nothing is saved that the person cannot see."""
        return {
            "consequence_by_staff_id": self.consequence_by.currentData() or "",
            "sro_discipline_justification": self.sro_justification.toPlainText().strip(),
            "alternatives_considered": [c for c, b in self.alternatives.items() if b.isChecked()],
            "alternatives_note": self.alternatives_note.text().strip(),
            "le_activities": self.le_activities.value(),
            "attorney_access": [b.value() for b in self.attorney_blocks.values()],
            "notifications": self.notifications.value(),
            "notification_deferred_reason": self.deferred_reason.text().strip(),
            "force_details": self.force.value(),
            "restraint_details": self.restraint.value(),
        }

    # ------------------------------------------------------------------ validation
    def _discipline_outcome(self, checked: bool) -> None:
        if checked and not self.discipline_related.isChecked():
            self.discipline_related.setChecked(True)  # discipline resulted: it was discipline-related
        self.changed("outcomes")

    def _update_admin_field(self) -> None:
        needed = self.discipline_related.isChecked() or self.resulted_in_discipline.isChecked()
        self.responsible_admin.setEnabled(needed)
        self.form.rows["responsible_admin"].set_required(needed)
        if not needed:
            self.responsible_admin.setToolTip(
                "Only needed when the interaction is discipline-related.")
        else:
            self.responsible_admin.setToolTip(self.responsible_admin.property("baseDescription"))

    def on_change(self, name: str) -> None:
        if not self._updating:
            self._updating = True
            try:
                self._update_sections()
            finally:
                self._updating = False
        if name == "occurred_at":
            for block in self.attorney_blocks.values():
                block.access_at.recheck()  # the consultation is checked against the new time
        if name in ("discipline_related", "outcomes"):
            self._update_admin_field()
            if self.discipline_related.isChecked():
                self._touched.add("responsible_admin")

    def check_service(self) -> Any:
        return interactions.check

    def after_check(self, errors: list[FieldError]) -> None:
        if not errors and self.ctx.signed_in:
            self.ctx.worker.read(interactions.preview_flags, self.draft(), done=self._show_flags,
                                 key=f"flags:{id(self)}", owner=self)
        else:
            self._show_flags([])

    def _show_flags(self, flags: list[dict[str, Any]]) -> None:
        """The compliance flags the record would be saved with, before it is saved."""
        self._flags = list(flags)
        if not flags:
            self.flags_preview.hide()
            return
        red = any(f["kind"] in RED_FLAGS for f in flags)
        lines = []
        for f in flags:
            words, clear = FLAG_WORDS.get(f["kind"], (FlagKind.label_of(f["kind"]), ""))
            lines.append(f"<li><b>{formatting_escape(words)}</b>. {formatting_escape(f.get('detail', ''))}"
                         + (f"<br><i>To clear it:</i> {formatting_escape(clear)}" if clear else "")
                         + "</li>")
        n = len(flags)
        self.flags_preview.setText(
            f"If saved now, this record will carry {'a compliance flag' if n == 1 else f'{n} compliance flags'} "
            "that the principal's dashboard and the annual report count:"
            f"<ul style='margin:2px 0 0 -20px'>{''.join(lines)}</ul>")
        self.flags_preview.setToolTip("\n".join(FlagKind.label_of(f["kind"]) for f in flags))
        if not self._errors:
            self.save_status.setText(
                f"Can be saved, with {'the compliance flag' if n == 1 else f'the {n} compliance flags'} "
                "shown at the top. Press Ctrl+S.")
            self.save_status.setProperty("state", "flagged")
            self.save_status.style().unpolish(self.save_status)
            self.save_status.style().polish(self.save_status)
        self.flags_preview.setProperty("severity", "red" if red else "amber")
        self.flags_preview.style().unpolish(self.flags_preview)
        self.flags_preview.style().polish(self.flags_preview)
        self.flags_preview.show()

    # ------------------------------------------------------------------ saving
    def describe_duplicate(self, row: dict[str, Any]) -> str:
        return (f"{formatting.short_when(row['occurred_at'])} · {InteractionType.label_of(row['type'])} · "
                f"{row.get('location') or ''} · {row.get('students_label') or ''} · logged by "
                f"{row.get('author') or ''}")

    def open_existing(self, record_id: str) -> None:
        window = self.parent()
        if window is not None and hasattr(window, "open_interaction"):
            window.open_interaction(record_id)

    def confirm_save(self, draft: InteractionDraft) -> bool:
        red = [f for f in self._flags if f["kind"] in RED_FLAGS]
        return not red or prompts.confirm(
            self, "Save with a red compliance flag?",
            "This record will carry a red compliance flag on the principal's dashboard and in the "
            "annual report:\n\n" + "\n".join(f"• {FlagKind.label_of(f['kind'])}: {f.get('detail', '')}"
                                            for f in red)
            + "\n\nSave it with the flag, or go back and complete it?",
            yes="Save with the flag", no="Go back",
        )

    def log_service(self) -> Any:
        return interactions.log_interaction

    def amend_service(self) -> Any:
        return interactions.amend_interaction

    def reason_question(self) -> str:
        return "Why is this record being corrected? The reason is kept with the record's history."

    def draft_labels(self) -> dict[str, str]:
        return self.students.list.labels() | self.staff.list.labels()

    def text_widget(self, path: str) -> QWidget | None:
        """The text control behind a field path of the P14 guard, e.g. ``le_activities[1].agency``."""
        m = re.match(r"(\w+)(?:\[(\d+)\])?(?:\.(\w+))?", path)
        if not m:
            return None
        name, index, key = m.group(1), int(m.group(2) or 0), m.group(3) or ""
        if name == "le_activities":
            return self.le_activities.text_widget(index, key)
        if name == "notifications":
            return self.notifications.text_widget(index, key)
        if name == "attorney_access":
            blocks = list(self.attorney_blocks.values())
            return blocks[index - 1].texts.get(key) if 1 <= index <= len(blocks) else None
        if name == "force_details":
            return self.force.texts.get(key)
        if name == "restraint_details":
            return self.restraint.texts.get(key)
        row = self.form.rows.get(name)
        return row.control if row is not None else None

    def focus_target(self, name: str) -> QWidget | None:
        if name == "students":
            return self.students.search
        if name == "staff":
            return self.staff.choice
        return super().focus_target(name)
