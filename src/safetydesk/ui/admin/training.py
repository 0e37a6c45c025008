"""Staff training on Policy 4311 (P22): the sessions held, with attendance, for the board report."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.permissions import Permission
from safetydesk.domain.policy_training import (
    POLICY_TRAINING_RECORD_TYPE,
    PolicyTrainingDraft,
    TrainingAudience,
)
from safetydesk.domain.validation import school_year_of
from safetydesk.services import policy_training
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.kit.layout import FormBuilder
from safetydesk.ui.kit.listing import RowTable
from safetydesk.ui.kit.widgets import CheckList, DateField, button, hint_label, school_years_around
from safetydesk.ui.kit.windows import find_tracked, page_of, present, track


class TrainingTab(QWidget):
    def __init__(self, ctx: UiContext, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window_ = window
        self.setObjectName("trainingTab")
        self.year = QComboBox()
        self.year.setObjectName("trainingYear")
        self.year.setAccessibleName("School year")
        self.year.addItem("Every year", "")
        for y in school_years_around():
            self.year.addItem(y, y)
        self.year.setCurrentIndex(max(0, self.year.findData(school_year_of(date.today()))))
        self.summary = QLabel()
        self.summary.setObjectName("trainingSummary")
        self.summary.setProperty("role", "countLabel")
        self.table = RowTable("trainingTable", "Policy training sessions",
                                 ["Date", "Where", "Topic", "Audiences", "Trainer", "Attendance"], stretch=(2,))
        self.new_button = button("Record a session…", "newTrainingButton", "Record a training session",
                                 primary=True)
        self.new_button.setVisible(ctx.can(Permission.MANAGE_TRAINING))
        top = QHBoxLayout()
        year_label = QLabel("School &year")
        year_label.setBuddy(self.year)
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addWidget(self.summary, 1)
        top.addWidget(self.new_button)
        v = QVBoxLayout(self)
        v.setContentsMargins(16, 14, 16, 14)
        v.addWidget(hint_label("Training sessions for staff on Policy 4311 and this program. The annual "
                               "board report counts the sessions and attendance by audience."))
        v.addLayout(top)
        v.addWidget(self.table, 1)
        self.year.currentIndexChanged.connect(lambda _: self.refresh())
        self.table.open_row.connect(self.open_session)
        self.new_button.clicked.connect(self.new_session)
        ctx.worker.records_changed.connect(
            lambda changes: self.refresh() if changes.touches(POLICY_TRAINING_RECORD_TYPE) else None)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.signed_in:
            self.ctx.worker.read(policy_training.list_sessions, self.year.currentData() or "",
                                 done=self._loaded, key=f"training:{id(self)}", owner=self)

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        self.table.set_rows([(r["id"], [
            r["date"], self.ctx.school_name(r["school_id"]) if r.get("school_id") else "District-wide",
            r["topic"], ", ".join(TrainingAudience.label_of(a) for a in r.get("audiences") or []),
            r.get("trainer", ""), str(r.get("attendance", 0))]) for r in rows])
        people = sum(int(r.get("attendance") or 0) for r in rows)
        self.summary.setText(f"{len(rows)} session{'s' if len(rows) != 1 else ''}, {people} attendances")

    def _window(self) -> Any:
        return self.window_ if self.window_ is not None else self.window()

    def new_session(self) -> PolicyTrainingForm:
        form = PolicyTrainingForm(self.ctx, parent=self._window())
        track(self._window(), form, f"training-form:new:{id(form)}")
        present(form)
        return form

    def open_session(self, record_id: str) -> None:
        open_training_session(self._window(), self.ctx, record_id)


def open_training_session(window: Any, ctx: UiContext, record_id: str) -> Any:
    """Show the Settings section's training tab and the session's form (to read or correct it)."""
    page = page_of(window, "settings")
    if hasattr(page, "show_tab") and hasattr(window, "show_section_key"):
        window.show_section_key("settings")
        page.show_tab("training")  # type: ignore[union-attr]
    key = f"training-form:{record_id}"
    found = find_tracked(window, key)
    if found is not None:
        return present(found)

    def got(record: dict[str, Any]) -> None:
        form = PolicyTrainingForm(ctx, record=record, parent=window)
        track(window, form, key)
        present(form)
    ctx.worker.read(policy_training.get_session, record_id, done=got,
                    error=lambda exc: prompts.show_failure(window, exc))
    return None


class PolicyTrainingForm(RecordForm):
    """A session held for staff on Policy 4311 (P22)."""

    NOUN = "training session"
    OBJECT_NAME = "trainingForm"
    TITLE_NEW = "Record a training session"
    TITLE_AMEND = "Correct a training session"
    INTRO = ("A session held for staff on Policy 4311. Record attendance as names (one per "
             "line) or a head count, or both.")
    INTRO_AMEND = INTRO
    DRAFT_CLASS = PolicyTrainingDraft

    def __init__(self, ctx: UiContext, *, record: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, record=record, parent=parent)
        self.track_key = f"training-form:{self.record_id}" if self.amending else ""
        if not self.can_save():
            self.save_button.setToolTip("Your account cannot record training sessions.")

    def new_draft(self) -> PolicyTrainingDraft:
        return PolicyTrainingDraft(date=date.today().isoformat())

    def can_save(self) -> bool:
        return self.ctx.can(Permission.MANAGE_TRAINING)

    def build(self, form: FormBuilder) -> None:
        self.date = DateField()
        form.add("date", "&Date *", self.date, object_name="date")
        self.school = QComboBox()
        self.school.addItem("District-wide", "")
        for s in self.ctx.schools:
            self.school.addItem(s["name"], s["id"])
        form.add("school_id", "&Where", self.school, object_name="school",
                 description="The school, or district-wide.")
        self.topic = QLineEdit()
        form.add("topic", "&Topic *", self.topic, object_name="topic")
        self.audiences = CheckList(TrainingAudience.choices(), "audiences", "Audiences")
        form.add("audiences", "Audiences *", self.audiences, object_name="audiences", top_aligned=True)
        self.trainer = QLineEdit()
        form.add("trainer", "T&rainer *", self.trainer, object_name="trainer")
        self.attendees = QPlainTextEdit()
        self.attendees.setTabChangesFocus(True)
        self.attendees.setFixedHeight(90)
        self.attendees.setPlaceholderText("One name per line, from the sign-in sheet")
        form.add("attendees", "Attendees", self.attendees, object_name="attendees", top_aligned=True)
        self.count = QSpinBox()
        self.count.setRange(0, 100000)
        form.add("attendance_count", "Head &count", self.count, object_name="attendanceCount",
                 description="When only a head count was kept (at least the number of names).")
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(60)
        form.add("note", "&Note", self.note, object_name="note", top_aligned=True)

    def load(self, d: PolicyTrainingDraft) -> None:
        self.date.setText(d.date)
        self.school.setCurrentIndex(max(0, self.school.findData(d.school_id)))
        self.topic.setText(d.topic)
        self.audiences.set_values(d.audiences)
        self.trainer.setText(d.trainer)
        self.attendees.setPlainText("\n".join(d.attendees))
        self.count.setValue(int(d.attendance_count or 0))
        self.note.setPlainText(d.note)

    def draft(self) -> PolicyTrainingDraft:
        return PolicyTrainingDraft(
            date=self.date.text().strip(), school_id=self.school.currentData() or "",
            topic=self.topic.text().strip(), audiences=self.audiences.values(), trainer=self.trainer.text().strip(),
            attendees=[x.strip() for x in self.attendees.toPlainText().splitlines() if x.strip()],
            attendance_count=self.count.value(), materials=list(self._base.materials),
            note=self.note.toPlainText().strip())

    def check_service(self) -> Any:
        return policy_training.check_session if self.can_save() else None

    def log_service(self) -> Any:
        return policy_training.record_session

    def amend_service(self) -> Any:
        return policy_training.amend_session

