"""The interaction form (P06): log a new interaction or amend one.

Validation runs as the person types (``interactions.check`` on the worker,
debounced) and each problem is shown beside its field. Closing the form with
unsaved input keeps a draft the dashboard offers to resume.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.records import InteractionDraft
from safetydesk.domain.validation import FieldError, parse_local_datetime
from safetydesk.domain.vocab import InteractionType
from safetydesk.services import admin, interactions, registry
from safetydesk.ui import prompts
from safetydesk.ui.context import UiContext
from safetydesk.ui.layout import FieldRow, FormBuilder
from safetydesk.ui.pickers import StaffPicker, StudentPicker, student_label

FORM = "interaction"
CHECK_DELAY_MS = 300
COMMON_PLACES = [
    "Main office", "Front entrance", "Main hallway", "Classroom", "Cafeteria", "Gym",
    "Locker room", "Library", "Restroom", "Stairwell", "Courtyard", "Playground",
    "Parking lot", "Bus loop", "Athletic field", "Counseling office", "Nurse's office",
    "Off campus (school event)",
]
# The fields a FieldError can name, in the order the form shows them.
FIELDS = ("occurred_at", "school_id", "location", "type", "staff", "students",
          "discipline_related", "responsible_admin", "outcomes", "narrative")


class InteractionForm(QDialog):
    """Log (``record`` None) or amend (``record`` from ``get_interaction``) an interaction."""

    saved = Signal(str)

    def __init__(self, ctx: UiContext, *, record: dict[str, Any] | None = None,
                 draft_entry: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("interactionForm")
        self.record_id: str = ""
        self.expected_version: int | None = None
        labels: dict[str, str] = {}
        start = InteractionDraft(occurred_at=QDateTime.currentDateTime().toString("yyyy-MM-ddTHH:mm"))
        if draft_entry is not None:
            data = draft_entry["data"]
            self.draft_key = draft_entry["key"]
            self.record_id = draft_entry.get("record_id") or ""
            self.expected_version = data.get("version")
            start = InteractionDraft.from_state(data.get("draft", {}))
            labels = dict(data.get("labels", {}))
            self._initial_state: dict[str, Any] | None = data.get("initial")
        elif record is not None:
            self.record_id = record["id"]
            self.expected_version = record.get("version")
            self.draft_key = f"{FORM}:amend:{self.record_id}"
            start = record["draft"]
            labels = {s["student_id"]: student_label(s) for s in record.get("students", [])}
            labels |= {s["staff_id"]: s.get("name") or "" for s in record.get("staff", [])}
            self._initial_state = None
        else:
            self.draft_key = f"{FORM}:new:{new_id()}"
            self._initial_state = None
        # Fields this form does not show (the P07-P13 details) travel unchanged from ``start``.
        self._base = start
        self.amending = bool(self.record_id)
        self.setWindowTitle("Correct an interaction" if self.amending else "Log an interaction")
        self._touched: set[str] = set()
        self._reveal_all = False
        self._errors: list[FieldError] = []
        self._checked_once = False
        self._saving = False
        self._finished = False
        self._build()
        self._load(start, labels)
        self._initial = asdict(self._initial_from_state(self._initial_state) or self.draft())
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.check)
        self._connect()
        ctx.lookups_changed.connect(self._lookups_arrived)
        self.check()

    @staticmethod
    def _initial_from_state(state: dict[str, Any] | None) -> InteractionDraft | None:
        return InteractionDraft.from_state(state) if state else None

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.resize(780, 880)
        form = FormBuilder()
        self.form = form
        title = QLabel(self.windowTitle())
        title.setProperty("role", "pageTitle")
        intro = QLabel(
            "Record every interaction between safety and security staff and students. "
            "Fields marked * are required. Nothing here asks about immigration or citizenship, "
            "and nothing should be written about it." if not self.amending else
            "Change what was recorded wrongly. The record before and after your correction, "
            "and your reason, are kept in its history.")
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")

        form.add_section("When and where")
        self.occurred_at = QDateTimeEdit()
        self.occurred_at.setCalendarPopup(True)
        self.occurred_at.setDisplayFormat("yyyy-MM-dd HH:mm")
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

        form.add_section("What happened")
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.narrative.setPlaceholderText(
            "Describe what happened, what staff did and why, in plain words.")
        self.narrative.setMinimumHeight(130)
        form.add("narrative", "&Narrative *", self.narrative, object_name="narrative",
                 top_aligned=True, description="What happened, in a few sentences.")

        body = QWidget()
        bv = QVBoxLayout(body)
        bv.setContentsMargins(24, 18, 24, 18)
        bv.setSpacing(10)
        bv.addWidget(title)
        bv.addWidget(intro)
        bv.addWidget(form.widget)
        bv.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)

        self.other_errors = QLabel()
        self.other_errors.setObjectName("otherErrors")
        self.other_errors.setProperty("role", "fieldError")
        self.other_errors.setWordWrap(True)
        self.other_errors.hide()
        bv.insertWidget(2, self.other_errors)

        self.save_status = QLabel()
        self.save_status.setObjectName("saveStatus")
        self.save_status.setWordWrap(True)
        self.save_status.setProperty("role", "hint")
        self.cancel_button = QPushButton("Close")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAccessibleName("Close the form (unsaved input is kept as a draft)")
        self.cancel_button.setToolTip("Esc. Anything not yet saved is kept as a draft.")
        self.save_button = QPushButton("Save correction…" if self.amending else "Save")
        self.save_button.setObjectName("saveButton")
        self.save_button.setProperty("primary", True)
        self.save_button.setAccessibleName("Save the interaction (Ctrl+S)")
        self.save_button.setAutoDefault(False)
        self.cancel_button.setAutoDefault(False)
        footer = QFrame()
        footer.setObjectName("formFooter")
        fh = QHBoxLayout(footer)
        fh.setContentsMargins(24, 10, 24, 10)
        fh.addWidget(self.save_status, 1)
        fh.addWidget(self.cancel_button)
        fh.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(scroll, 1)
        outer.addWidget(footer)

        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

    def _fill_schools(self) -> None:
        current = self.school.currentData()
        self.school.blockSignals(True)
        self.school.clear()
        self.school.addItem("Choose a school…", "")
        for s in self.ctx.schools:
            self.school.addItem(s["name"], s["id"])
        index = self.school.findData(current) if current else -1
        if index < 0 and self.school.count() == 2:
            index = 1
        self.school.setCurrentIndex(max(0, index))
        self.school.blockSignals(False)

    def _load(self, d: InteractionDraft, labels: dict[str, str]) -> None:
        self._fill_schools()
        if d.school_id:
            index = self.school.findData(d.school_id)
            if index < 0:
                self.school.addItem(self.ctx.school_name(d.school_id), d.school_id)
                index = self.school.count() - 1
            self.school.setCurrentIndex(index)
        when = parse_local_datetime(d.occurred_at)
        if when is not None:
            self.occurred_at.setDateTime(QDateTime.fromString(
                when.strftime("%Y-%m-%dT%H:%M"), "yyyy-MM-ddTHH:mm"))
        self.location.setText(d.location)
        self.type.setCurrentIndex(max(0, self.type.findData(d.type)))
        self.discipline_related.setChecked(d.discipline_related)
        self.responsible_admin.setText(d.responsible_admin)
        self.resulted_in_discipline.setChecked(d.resulted_in_discipline)
        self.use_of_force.setChecked(d.use_of_force)
        self.arrest.setChecked(d.arrest)
        self.narrative.setPlainText(d.narrative)
        for link in d.staff:
            sid = link.get("staff_id", "")
            self.staff.list.add(sid, labels.get(sid) or self.ctx.staff_name(sid) or "Staff member",
                                link.get("role", "lead"))
        for link in d.students:
            sid = link.get("student_id", "")
            self.students.list.add(sid, labels.get(sid) or "Student", link.get("role", "subject"))
        self._update_admin_field()
        self._load_staff_choices()

    def _connect(self) -> None:
        def on(field: str):
            return lambda *_: self._changed(field)

        self.occurred_at.dateTimeChanged.connect(on("occurred_at"))
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
        self.narrative.textChanged.connect(on("narrative"))

    def _lookups_arrived(self) -> None:
        self._fill_schools()
        self._load_staff_choices()

    def _load_staff_choices(self) -> None:
        school_id = self.school.currentData() or ""
        if not self.ctx.signed_in:
            return
        self.ctx.worker.read(registry.staff, school_id, done=self._staff_arrived,
                             key=f"staff:{id(self)}", owner=self)

    def _staff_arrived(self, staff: list[dict[str, Any]]) -> None:
        self.staff.set_staff(staff or self.ctx.staff)

    # ------------------------------------------------------------------ the draft
    def draft(self) -> InteractionDraft:
        return replace(
            self._base,
            occurred_at=self.occurred_at.dateTime().toString("yyyy-MM-ddTHH:mm"),
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
        )

    @property
    def dirty(self) -> bool:
        return asdict(self.draft()) != self._initial

    # ------------------------------------------------------------------ validation
    def _discipline_outcome(self, checked: bool) -> None:
        if checked and not self.discipline_related.isChecked():
            self.discipline_related.setChecked(True)  # discipline resulted: it was discipline-related
        self._changed("outcomes")

    def _update_admin_field(self) -> None:
        needed = self.discipline_related.isChecked() or self.resulted_in_discipline.isChecked()
        self.responsible_admin.setEnabled(needed)
        self.form.rows["responsible_admin"].set_required(needed)
        if not needed:
            self.responsible_admin.setToolTip(
                "Only needed when the interaction is discipline-related.")
        else:
            self.responsible_admin.setToolTip(self.responsible_admin.property("baseDescription"))

    def _changed(self, field: str) -> None:
        self._touched.add(field)
        if field in ("discipline_related", "outcomes"):
            self._update_admin_field()
            if self.discipline_related.isChecked():
                self._touched.add("responsible_admin")
        self._check_timer.start()

    def check(self) -> None:
        """Ask the services whether the current input could be saved (on the worker)."""
        self._check_timer.stop()
        if not self.ctx.signed_in:
            return
        self.ctx.worker.read(interactions.check, self.draft(), done=self._show_errors,
                             key=f"check:{id(self)}", owner=self)

    def _show_errors(self, errors: list[FieldError]) -> None:
        self._errors = list(errors)
        self._checked_once = True
        by_field: dict[str, list[str]] = {}
        for e in errors:
            by_field.setdefault(e.field if e.field in self.form.rows else "", []).append(e.message)
        for name, row in self.form.rows.items():
            visible = self._reveal_all or name in self._touched
            row.set_error(" ".join(by_field.get(name, [])) if visible else "")
        # Rules about details this form does not show yet are still explained, at the top.
        other = by_field.get("", [])
        self.other_errors.setText("\n".join(f"• {m}" for m in other))
        self.other_errors.setVisible(bool(other))
        if errors:
            first = errors[0].message
            more = len(errors) - 1
            self.save_status.setText(
                f"Not ready to save: {first}" + (f" (and {more} more)" if more else ""))
            self.save_status.setProperty("state", "blocked")
        else:
            self.save_status.setText("Ready to save. Press Ctrl+S." if not self.amending else
                                     "Ready to save your correction. Press Ctrl+S.")
            self.save_status.setProperty("state", "ready")
        self.save_status.style().unpolish(self.save_status)
        self.save_status.style().polish(self.save_status)
        self.save_button.setEnabled(not errors and not self._saving)
        self.save_button.setToolTip(
            "" if not errors else "Fix the problems shown in the form first:\n" +
            "\n".join(f"• {e.message}" for e in errors))

    def errors_shown(self) -> dict[str, str]:
        """Field name -> the message shown beside it (for tests and accessibility checks)."""
        return {n: r.error.text() for n, r in self.form.rows.items() if r.error.text()}

    def row(self, name: str) -> FieldRow:
        return self.form.rows[name]

    # ------------------------------------------------------------------ saving
    def save(self) -> None:
        if self._saving:
            return
        draft = self.draft()
        worker = self.ctx.worker
        if self.amending:
            reason = prompts.ask_text(
                self, "Reason for the correction",
                "Why is this record being corrected? The reason is kept with the record's history.",
                ok="Save correction", placeholder="For example: wrong time entered; second student "
                "added after talking with the office.")
            if reason is None:
                return
            self._saving = True
            worker.write(interactions.amend_interaction, self.record_id, draft, reason,
                         self.expected_version, done=self._saved, error=self._save_failed,
                         owner=self, label="Saving the correction")
        else:
            self._saving = True
            worker.write(interactions.log_interaction, draft, done=self._saved,
                         error=self._save_failed, owner=self, label="Saving the interaction")
        self.save_button.setEnabled(False)
        self.save_status.setText("Saving…")

    def _saved(self, result: Any) -> None:
        self._saving = False
        record_id = self.record_id or str(result)
        self.ctx.worker.write(admin.discard_draft, self.draft_key, owner=None)
        self._finished = True
        self.saved.emit(record_id)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        if isinstance(exc, ValidationFailed):
            self._reveal_all = True
            self._show_errors([e if isinstance(e, FieldError) else FieldError("narrative", str(e))
                               for e in exc.errors])
            self._focus_first_error()
            return
        self.save_button.setEnabled(not self._errors)
        self.save_status.setText(prompts.explain(exc))
        prompts.show_failure(self, exc, "The interaction was not saved")

    def _focus_first_error(self) -> None:
        for name in FIELDS:
            row = self.form.rows.get(name)
            if row is not None and row.error.text():
                target = row.control
                if name == "students":
                    target = self.students.search
                elif name == "staff":
                    target = self.staff.choice
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    # ------------------------------------------------------------------ closing
    def keep_draft(self) -> bool:
        """Save what was typed as a draft, if anything was. True when a draft was kept."""
        if self._finished or not self.dirty or not self.ctx.signed_in:
            return False
        labels = self.students.list.labels() | self.staff.list.labels()
        data = {
            "mode": "amend" if self.amending else "new",
            "draft": self.draft().to_state(),
            "labels": labels,
            "version": self.expected_version,
            "initial": self._initial,
        }
        self.ctx.worker.write(admin.save_draft, self.draft_key, FORM, self.record_id, data)
        self._finished = True
        return True

    def reject(self) -> None:
        self.keep_draft()
        self._finished = True
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.keep_draft()
        super().closeEvent(event)
