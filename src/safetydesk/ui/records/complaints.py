"""Families' complaints about safety and security staff (P16): the list, the intake form and the
detail view that walks a complaint through its workflow and writes the response letter."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.attachments import ATTACHMENT_RECORD_TYPE
from safetydesk.domain.complaints import (
    COMPLAINT_RECORD_TYPE,
    TRANSITIONS,
    ComplaintChannel,
    ComplaintDraft,
    ComplaintStatus,
    Finding,
    normalise_confirmation,
)
from safetydesk.domain.permissions import Permission
from safetydesk.services import complaints, settings, templates
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.detail import RecordDetail
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.kit.layout import FormBuilder
from safetydesk.ui.kit.listing import RecordListPage
from safetydesk.ui.kit.pickers import StudentIdsPicker, refill_schools, student_label
from safetydesk.ui.kit.prompts import choose_save_file, open_file_outside
from safetydesk.ui.kit.when import day_field
from safetydesk.ui.kit.widgets import (
    SEVERITY_COLOURS,
    CheckList,
    button,
    card,
    checkbox,
    hint_label,
    repolish,
)
from safetydesk.ui.kit.windows import open_detail, open_tracked, present, track

S = ComplaintStatus
FORM = "complaint"
LANGUAGES = ["English", "Spanish", "Russian", "Ukrainian", "Vietnamese", "Chinese (Mandarin)",
             "Chinese (Cantonese)", "Somali", "Korean", "Tagalog", "Arabic", "Marshallese", "Punjabi",
             "American Sign Language"]
RELATIONSHIPS = [("parent", "Parent"), ("guardian", "Guardian"), ("student", "Student"),
                 ("family_member", "Other family member"), ("other", "Other")]
CONTACT_ROWS = ("complainant_name", "contact_phone", "contact_email", "contact_address")
# What the button for each next step says, and what its note should hold.
STEP_TEXT = {
    S.ACKNOWLEDGED: ("Mark acknowledged", "How the family was told the complaint was received "
                                          "(for example: called the parent, letter sent)."),
    S.INVESTIGATING: ("Start the investigation", "Anything the investigator should know."),
    S.FINDINGS: ("Findings made", "A summary of the investigation's conclusion."),
    S.RESPONSE_SENT: ("Response sent to the family", "How the response was sent (letter, email, "
                                                     "meeting)."),
    S.APPEALED: ("Family appealed", "Required: what the family is appealing and how they asked."),
    S.CLOSED: ("Close the complaint", "Why it is closed; after an appeal, the appeal's outcome "
                                     "(required)."),
}
FIELD_LABELS = {
    "received_date": "Received", "channel": "Channel", "received_by": "Received by",
    "school_id": "School", "anonymous": "Anonymous", "complainant_name": "Complainant",
    "complainant_relationship": "Relationship", "preferred_language": "Preferred language",
    "interpreter_needed": "Interpreter needed", "staff_ids": "Staff complained about",
    "staff_description": "Staff description", "incident_date": "Incident date",
    "incident_place": "Incident place", "student_ids": "Students", "allegations": "Allegations",
    "referral_agency": "Referred to", "referral_date": "Referral date",
    "referral_case_number": "Their case number", "investigator": "Investigator", "status": "Status",
    "steps": "Workflow step", "notes": "Investigation note", "extension_days": "Response due (days)",
    "extension_reason": "Extension reason", "confirmation": "Confirmation number",
}


def _due_text(row: dict[str, Any]) -> tuple[str, str]:
    due, state = row.get("next_due") or "", row.get("due_state") or ""
    if not due:
        return "—", ""
    label = {"overdue": "OVERDUE since", "due_soon": "Due soon:", "ok": "Due"}.get(state, "Due")
    return f"{label} {due}", SEVERITY_COLOURS.get(state, "") if state != "ok" else ""


def _page_of(session: Any, offset: int, limit: int, **filters: Any) -> list[dict[str, Any]]:
    return complaints.list_complaints(session, offset, limit, **filters)


class ComplaintsPage(RecordListPage):
    """Every complaint the person may see: search (also by confirmation number), filter, open."""

    KEYSET = ("received_date", "id")  # pages by key (store.queries_paging)
    SORTS = "complaints"  # sortable columns: domain.filters.LIST_SORT_FIELDS
    TITLE = "Complaints"
    NOUN = ("complaint", "complaints")
    NEW_TEXT = "New complaint…"
    SEARCH_HINT = "Confirmation number (C-7K4-QMX) or words from the complaint"
    INTRO = ("Complaints from families about safety and security staff, from intake to the written "
             "response. Overdue deadlines are shown in red. Type a family's confirmation number and "
             "press Enter to open it.")
    COLUMNS: ClassVar[list[tuple[str, str]]] = [
        ("confirmation", "Confirmation"), ("received", "Received"), ("school", "School"),
        ("status", "Status"), ("due", "Next deadline"), ("staff", "Staff complained about"),
        ("allegations", "Allegations")]
    WIDTHS = (120, 100, 170, 150, 190, 200)
    KINDS: ClassVar[tuple[str, ...]] = (COMPLAINT_RECORD_TYPE,)

    def add_filters(self) -> None:
        self.setObjectName("complaintsPage")
        self.status = QComboBox()
        self.status.setObjectName("complaintStatusFilter")
        self.status.setAccessibleName("Show complaints with status")
        self.status.addItem("Open complaints", "open")
        self.status.addItem("All complaints", "")
        for value, label in S.choices():
            self.status.addItem(label, value)
        self.filters_row.addWidget(self.status)
        self.status.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.search.returnPressed.connect(self._search_enter)

    def fetch_fn(self) -> Any:
        return _page_of

    def count_fn(self) -> Any:
        return complaints.count_complaints

    def filters(self) -> dict[str, Any]:
        f: dict[str, Any] = {}
        status = self.status.currentData()
        if status == "open":
            f["open_only"] = True
        elif status:
            f["status"] = status
        if self.school.currentData():
            f["school_id"] = self.school.currentData()
        text = self.search.text().strip()
        if text:
            f["text"] = normalise_confirmation(text) or text
        return f

    def text(self, row: dict[str, Any], column: str) -> str:
        if column == "confirmation":
            return str(row["confirmation"])
        if column == "received":
            return str(row["received_date"])
        if column == "school":
            return str(row.get("school_name") or "")
        if column == "status":
            return str(row["status_label"]) + (" (retracted)" if row.get("retracted") else "")
        if column == "due":
            return _due_text(row)[0]
        if column == "staff":
            return str(row.get("staff_names") or "(described)")
        if column == "allegations":
            return str(row.get("allegation_count") or 0)
        return ""

    def red(self, row: dict[str, Any], column: str) -> bool:
        return column == "due" and row.get("due_state") == "overdue"

    def _search_enter(self) -> None:
        text = self.search.text().strip()
        if normalise_confirmation(text):
            self.ctx.worker.read(complaints.find_by_confirmation, text, done=self.open,
                                 error=lambda exc: prompts.show_failure(self, exc, "Not found"), owner=self)
        elif self.model.rowCount():
            self.table.setFocus()
            self.table.setCurrentIndex(self.model.index(0, 0))

    # ------------------------------------------------------------------ opening
    def _window(self) -> Any:
        return self.window_ if self.window_ is not None else self.window()

    def can_create(self) -> bool:
        return self.ctx.can(Permission.FILE_COMPLAINT)

    def open(self, record_id: str) -> Any:
        return open_complaint(self._window(), self.ctx, record_id)

    open_complaint = open

    def new_record(self) -> ComplaintForm | None:
        if not self.ctx.can(Permission.FILE_COMPLAINT):
            prompts.info(self, "Not available", "Your account cannot file complaints.")
            return None
        form = ComplaintForm(self.ctx, parent=self._window())
        form.saved.connect(lambda filed: self.open(filed.id) if hasattr(filed, "id") else None)
        track(self._window(), form, form.track_key)
        present(form)
        return form

    new_complaint = new_record


# ---------------------------------------------------------------------- opening from anywhere
def open_complaint(window: Any, ctx: UiContext, record_id: str) -> Any:
    return open_detail(window, f"complaint:{record_id}", lambda: ComplaintDetail(ctx, record_id, parent=window),
                       on_amend=lambda record: amend_complaint(window, ctx, record))


def amend_complaint(window: Any, ctx: UiContext, record: dict[str, Any]) -> Any:
    def make() -> ComplaintForm:
        form = ComplaintForm(ctx, record=record, parent=window)
        return form

    return open_tracked(window, f"complaint-form:{record['id']}", make)


def resume_complaint_draft(window: Any, ctx: UiContext, entry: dict[str, Any]) -> Any:
    def make() -> ComplaintForm:
        form = ComplaintForm(ctx, draft_entry=entry, parent=window)
        return form

    return open_tracked(window, f"complaint-draft:{entry['key']}", make)


# ---------------------------------------------------------------------- the intake form
class ComplaintForm(RecordForm):
    """File a complaint (P16), or correct what was taken at intake."""

    FORM = FORM
    NOUN = "complaint"
    OBJECT_NAME = "complaintForm"
    TITLE_NEW = "New complaint"
    TITLE_AMEND = "Correct a complaint"
    INTRO = ("Record what the family tells you. Fields marked * are required. An anonymous complaint "
             "keeps no name or contact details; the family follows it with its confirmation number.")
    INTRO_AMEND = ("Correct what was taken down wrongly at intake. The record before and after your "
                   "correction, and your reason, stay in its history.")
    SAVE_TEXT = "File the complaint"
    SIZE = (760, 760)
    DRAFT_CLASS = ComplaintDraft

    def __init__(self, ctx: UiContext, *, record: dict[str, Any] | None = None,
                 draft_entry: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record=record, draft_entry=draft_entry, parent=parent)
        self.track_key = (f"complaint-form:{self.record_id}" if self.record_id
                          else f"complaint-draft:{self.draft_key}")
        self._anonymous_changed(self.anonymous.isChecked())

    def new_draft(self) -> ComplaintDraft:
        return ComplaintDraft(received_date=date.today().isoformat(),
                              received_by=self.ctx.actor.display_name if self.ctx.actor else "")

    def labels_of(self, record: dict[str, Any]) -> dict[str, str]:
        return {s["student_id"]: student_label(s) for s in record.get("students", [])}

    def build(self, form: FormBuilder) -> None:
        form.add_section("Receiving the complaint")
        self.received_date = day_field("receivedDate", "The date received")
        form.add("received_date", "&Received on *", self.received_date, object_name="receivedDate",
                 description="The date the school or district received the complaint. Deadlines count "
                             "from it.")
        self.channel = QComboBox()
        self.channel.addItem("Choose how it came in…", "")
        for value, label in ComplaintChannel.choices():
            self.channel.addItem(label, value)
        form.add("channel", "&Channel *", self.channel)
        self.received_by = QLineEdit()
        form.add("received_by", "Received &by *", self.received_by, object_name="receivedBy",
                 description="Who took the complaint (name and role).")
        self.school = QComboBox()
        form.add("school_id", "&School *", self.school, object_name="school")

        form.add_section("Who is complaining")
        self.anonymous = checkbox("The complainant wishes to stay anonymous", "anonymous")
        form.add("anonymous", "Anonymous", self.anonymous,
                 description="Tick to keep no name or contact details. The fields below are cleared.")
        self.complainant_name = QLineEdit()
        form.add("complainant_name", "&Name", self.complainant_name, object_name="complainantName")
        self.relationship = QComboBox()
        self.relationship.addItem("Choose…", "")
        for value, label in RELATIONSHIPS:
            self.relationship.addItem(label, value)
        form.add("complainant_relationship", "Relationship", self.relationship,
                 object_name="relationship",
                 description="How the complainant is related to the student (kept even if anonymous).")
        self.contact_phone = QLineEdit()
        form.add("contact_phone", "&Telephone", self.contact_phone, object_name="contactPhone")
        self.contact_email = QLineEdit()
        form.add("contact_email", "&Email", self.contact_email, object_name="contactEmail")
        self.contact_address = QPlainTextEdit()
        self.contact_address.setTabChangesFocus(True)
        self.contact_address.setFixedHeight(60)
        form.add("contact_address", "Postal address", self.contact_address, object_name="contactAddress",
                 top_aligned=True, description="Where the response letter is posted.")
        self.language = QComboBox()
        self.language.setEditable(True)
        self.language.addItems(LANGUAGES)
        form.add("preferred_language", "Preferred &language *", self.language, object_name="language",
                 description="The language the family prefers; the response letter offers an "
                             "interpreter when it is not English.")
        self.interpreter = checkbox("The family needs an interpreter", "interpreterNeeded")
        form.add("interpreter_needed", "Interpreter", self.interpreter)

        form.add_section("What the complaint is about")
        self.staff = CheckList([], "staffComplainedAbout", "Staff complained about")
        form.add("staff_ids", "Staff complained about", self.staff, object_name="staffComplainedAbout",
                 top_aligned=True, description="Tick each registered staff member the complaint names.")
        self.staff_description = QLineEdit()
        self.staff_description.setPlaceholderText("If the name is not known: for example, the officer "
                                                  "at the bus loop")
        form.add("staff_description", "Or describe them", self.staff_description,
                 object_name="staffDescription")
        self.incident_date = day_field("incidentDate", "The incident date")
        form.add("incident_date", "&Incident date *", self.incident_date, object_name="incidentDate",
                 description="When it happened (the family's best estimate).")
        self.incident_place = QLineEdit()
        form.add("incident_place", "Incident &place *", self.incident_place, object_name="incidentPlace")
        self.students = StudentIdsPicker(self.ctx, lambda: self.school.currentData() or "",
                                         name="complaintStudents")
        form.add("student_ids", "Students", self.students, object_name="complaintStudents",
                 top_aligned=True, description="Students involved, if any.")
        self.allegations = QPlainTextEdit()
        self.allegations.setTabChangesFocus(True)
        self.allegations.setPlaceholderText("One allegation per line, for example:\nRaised his voice "
                                            "at my son\nSearched his backpack without an administrator")
        self.allegations.setFixedHeight(90)
        form.add("allegations", "&Allegations *", self.allegations, object_name="allegations",
                 top_aligned=True, description="What the family says the staff member did, one per line. "
                                               "Each gets a number (A1, A2, …) and its own finding.")
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.narrative.setMinimumHeight(100)
        form.add("narrative", "&Narrative *", self.narrative, object_name="narrative", top_aligned=True,
                 description="The complaint in the family's words.")

        form.add_section("Referral and investigation")
        self.referral_agency = QLineEdit()
        self.referral_agency.setPlaceholderText("The police department, sheriff's office or company")
        form.add("referral_agency", "Referred to", self.referral_agency, object_name="referralAgency",
                 description="The law enforcement agency or contracting company the complaint was "
                             "referred to, if it was.")
        self.referral_date = day_field("referralDate", "The referral date")
        form.add("referral_date", "Referral date", self.referral_date, object_name="referralDate")
        self.referral_case = QLineEdit()
        form.add("referral_case_number", "Their case number", self.referral_case,
                 object_name="referralCaseNumber")
        self.investigator = QLineEdit()
        form.add("investigator", "In&vestigator", self.investigator, object_name="investigator",
                 description="Who investigates (needed before the investigation starts).")
        # Received not before the incident; referred not before it was received. Each field
        # says so beside itself, and re-checks when the one it follows changes.
        self.received_date.after = lambda: (self.incident_date.moment(), "the incident date")
        self.referral_date.after = lambda: (self.received_date.moment(), "the date received")
        self.incident_date.changed.connect(self.received_date.recheck)
        self.received_date.changed.connect(self.referral_date.recheck)
        self.anonymous.toggled.connect(self._anonymous_changed)
        self.school.currentIndexChanged.connect(lambda _: self._fill_staff())
        self.ctx.lookups_changed.connect(self._lookups)

    def _lookups(self) -> None:
        self._fill_schools()
        self._fill_staff()

    def _fill_schools(self) -> None:
        refill_schools(self.school, self.ctx, pick_single=True)

    def _fill_staff(self, chosen: list[str] | None = None) -> None:
        school = self.school.currentData() or ""
        people = [s for s in self.ctx.staff if not school or not s.get("assignments")
                  or school in {a.get("school_id") for a in s.get("assignments") or []}]
        chosen = self.staff.values() if chosen is None else chosen
        known = {s["id"] for s in people}
        extra = [s for s in self.ctx.staff if s["id"] in chosen and s["id"] not in known]
        self.staff.set_choices([(s["id"], s["name"]) for s in people + extra], chosen)

    def load(self, d: ComplaintDraft) -> None:
        self._allegation_ids = [a.get("id", "") for a in d.allegations]
        labels = self.labels
        self._fill_schools()
        if d.school_id:
            index = self.school.findData(d.school_id)
            if index < 0:
                self.school.addItem(self.ctx.school_name(d.school_id), d.school_id)
                index = self.school.count() - 1
            self.school.setCurrentIndex(index)
        self.received_date.set_value(d.received_date)
        self.channel.setCurrentIndex(max(0, self.channel.findData(d.channel)))
        self.received_by.setText(d.received_by)
        self.anonymous.setChecked(d.anonymous)
        self.complainant_name.setText(d.complainant_name)
        self.relationship.setCurrentIndex(max(0, self.relationship.findData(d.complainant_relationship)))
        self.contact_phone.setText(d.contact_phone)
        self.contact_email.setText(d.contact_email)
        self.contact_address.setPlainText(d.contact_address)
        self.language.setCurrentText(d.preferred_language)
        self.interpreter.setChecked(d.interpreter_needed)
        self._fill_staff(list(d.staff_ids))
        self.staff_description.setText(d.staff_description)
        self.incident_date.set_value(d.incident_date)
        self.incident_place.setText(d.incident_place)
        for sid in d.student_ids:
            self.students.add(sid, labels.get(sid) or "Student")
        self.allegations.setPlainText("\n".join(a.get("text", "") for a in d.allegations))
        self.narrative.setPlainText(d.narrative)
        self.referral_agency.setText(d.referral_agency)
        self.referral_date.set_value(d.referral_date)
        self.referral_case.setText(d.referral_case_number)
        self.investigator.setText(d.investigator)

    def _anonymous_changed(self, on: bool) -> None:
        """P16: an anonymous complaint keeps no contact details; clear them, do not just hide them."""
        for name in CONTACT_ROWS:
            row = self.form.rows[name]
            if on:
                control = row.control
                if isinstance(control, QPlainTextEdit | QLineEdit):
                    control.clear()
                row.set_error("")
            for w in (row.label, row.control):
                w.setVisible(not on)
            if on:
                row.error.hide()

    def draft(self) -> ComplaintDraft:
        lines = [x.strip() for x in self.allegations.toPlainText().splitlines() if x.strip()]
        allegations = [{"id": self._allegation_ids[i] if i < len(self._allegation_ids) else "",
                        "text": text} for i, text in enumerate(lines)]
        anonymous = self.anonymous.isChecked()
        return ComplaintDraft(
            received_date=self.received_date.value(),
            channel=self.channel.currentData() or "",
            received_by=self.received_by.text().strip(),
            school_id=self.school.currentData() or "",
            anonymous=anonymous,
            complainant_name="" if anonymous else self.complainant_name.text().strip(),
            complainant_relationship=self.relationship.currentData() or "",
            contact_phone="" if anonymous else self.contact_phone.text().strip(),
            contact_email="" if anonymous else self.contact_email.text().strip(),
            contact_address="" if anonymous else self.contact_address.toPlainText().strip(),
            preferred_language=self.language.currentText().strip(),
            interpreter_needed=self.interpreter.isChecked(),
            staff_ids=self.staff.values(),
            staff_description=self.staff_description.text().strip(),
            incident_date=self.incident_date.value(),
            incident_place=self.incident_place.text().strip(),
            student_ids=self.students.ids(),
            allegations=allegations,
            narrative=self.narrative.toPlainText().strip(),
            referral_agency=self.referral_agency.text().strip(),
            referral_date=self.referral_date.value(),
            referral_case_number=self.referral_case.text().strip(),
            investigator=self.investigator.text().strip(),
        )

    def draft_labels(self) -> dict[str, str]:
        return self.students.labels()

    def check_service(self) -> Any:
        return complaints.check_complaint

    def log_service(self) -> Any:
        return complaints.file_complaint

    def amend_service(self) -> Any:
        return complaints.amend_complaint

    def after_save(self, result: Any) -> None:
        if self.amending:
            return
        prompts.info(self.parentWidget(), "Complaint filed",
                     f"Confirmation number: {result.confirmation}\n\nGive this number to the family: "
                     "they quote it whenever they ask about the complaint.\n\n"
                     f"Acknowledge it by {long_day(result.acknowledge_by)}; "
                     f"respond by {long_day(result.respond_by)}.")


# ---------------------------------------------------------------------- the detail view
def load_detail(session: Any, record_id: str) -> dict[str, Any]:
    record = complaints.get_complaint(session, record_id)
    record["history"] = complaints.complaint_history(session, record_id)
    s = settings.get_settings(session)
    record["max_extension"] = s.complaint_extension_max_days
    record["response_days"] = int(record["state"].get("extension_days") or 0) or s.complaint_response_days
    return record


def make_letter(session: Any, record_id: str, signer: str, title: str, target: str) -> str:
    """On the worker: the letter's content (audited as a print) and the PDF written to ``target``."""
    # reportlab is imported when a letter is made, not at start
    from safetydesk.reports import letters

    letter = complaints.response_letter(session, record_id, signer, title)
    return str(letters.write_response_letter(letter, Path(target), templates.wording(session)))


class ComplaintDetail(RecordDetail):
    """A complaint: its details, deadlines, the next workflow step, findings, notes, letter and
    history, in the shared detail frame; the workflow is the complaint's own part."""

    NOUN = "complaint"
    FIELD_LABELS: ClassVar[dict[str, str]] = FIELD_LABELS
    SIZE = (900, 900)
    KINDS: ClassVar[tuple[str, ...]] = (COMPLAINT_RECORD_TYPE, ATTACHMENT_RECORD_TYPE)
    FIELDS_AT_TOP = False

    letter_written = Signal(str)

    def __init__(self, ctx: UiContext, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx, record_id, parent=parent)
        self.setWindowTitle("Complaint")
        self.amend_button.setText("Correct intake details…")
        self.retract_button.setToolTip("Withdraw a complaint entered in error (not one the family "
                                       "withdrew: close that one).")

    def loader(self) -> Any:
        return load_detail

    def history_names(self) -> Any:
        return self._names

    def retract_service(self) -> Any:
        return complaints.retract_complaint

    def can_amend(self, state: dict[str, Any]) -> bool:
        return self._can(Permission.FILE_COMPLAINT if state.get("status") == S.RECEIVED
                         else Permission.INVESTIGATE_COMPLAINT)

    def can_retract(self, state: dict[str, Any]) -> bool:
        return self._can(Permission.INVESTIGATE_COMPLAINT)

    def build_extra(self) -> None:
        self.banner = self.status  # the retracted or failure banner
        ctx = self.ctx
        self.status_badge = QLabel()
        self.status_badge.setObjectName("complaintStatus")
        self.status_badge.setProperty("badge", "status")
        self.deadlines = QLabel()
        self.deadlines.setObjectName("complaintDeadlines")
        self.deadlines.setWordWrap(True)
        self.deadlines.setTextFormat(Qt.TextFormat.RichText)

        # The next step
        self.step_date = day_field("stepDate", "The date the step took effect")
        self.step_date.set_value(date.today().isoformat())
        self.step_date.setAccessibleName("Date the step took effect")
        self.step_note = QPlainTextEdit()
        self.step_note.setObjectName("stepNote")
        self.step_note.setAccessibleName("Note for this step")
        self.step_note.setTabChangesFocus(True)
        self.step_note.setFixedHeight(60)
        self.step_who = hint_label("", "stepWho")
        self.step_buttons = QHBoxLayout()
        self.step_error = QLabel()
        self.step_error.setObjectName("stepError")
        self.step_error.setProperty("role", "fieldError")
        self.step_error.setWordWrap(True)
        self.step_error.hide()
        step_grid = QGridLayout()
        date_label = QLabel("Date")
        date_label.setBuddy(self.step_date)
        note_label = QLabel("Note")
        note_label.setBuddy(self.step_note)
        step_grid.addWidget(date_label, 0, 0)
        step_grid.addWidget(self.step_date, 0, 1, Qt.AlignmentFlag.AlignLeft)
        step_grid.addWidget(note_label, 1, 0, Qt.AlignmentFlag.AlignTop)
        step_grid.addWidget(self.step_note, 1, 1)
        step_grid.setColumnStretch(1, 1)
        step_box = QWidget()
        sv = QVBoxLayout(step_box)
        sv.setContentsMargins(0, 0, 0, 0)
        sv.addWidget(self.step_who)
        sv.addLayout(step_grid)
        sv.addWidget(self.step_error)
        sv.addLayout(self.step_buttons)
        self.steps_view = QLabel()
        self.steps_view.setObjectName("stepsDone")
        self.steps_view.setWordWrap(True)
        self.steps_view.setTextFormat(Qt.TextFormat.RichText)
        self.workflow_card = card(step_box, self.steps_view, name="workflowCard", title="Workflow")

        # Investigator and extension
        self.investigator_label = QLabel()
        self.investigator_label.setObjectName("investigatorName")
        self.assign_button = button("Assign investigator…", "assignInvestigator")
        inv_row = QHBoxLayout()
        inv_row.addWidget(self.investigator_label, 1)
        inv_row.addWidget(self.assign_button)
        self.extension_days = QSpinBox()
        self.extension_days.setObjectName("extensionDays")
        self.extension_days.setAccessibleName("Days after receipt the response is due")
        self.extension_days.setSuffix(" days after receipt")
        self.extension_reason = QLineEdit()
        self.extension_reason.setObjectName("extensionReason")
        self.extension_reason.setAccessibleName("Reason for the extension")
        self.extension_reason.setPlaceholderText("Why the response needs more time")
        self.extend_button = button("Extend the deadline", "extendButton",
                                    "Extend the response deadline")
        ext_row = QHBoxLayout()
        ext_row.addWidget(QLabel("Extend to"))
        ext_row.addWidget(self.extension_days)
        ext_row.addWidget(self.extension_reason, 1)
        ext_row.addWidget(self.extend_button)
        inv_box = QWidget()
        iv = QVBoxLayout(inv_box)
        iv.setContentsMargins(0, 0, 0, 0)
        iv.addLayout(inv_row)
        iv.addLayout(ext_row)
        self.extension_error = QLabel()
        self.extension_error.setObjectName("extensionError")
        self.extension_error.setProperty("role", "fieldError")
        self.extension_error.setWordWrap(True)
        self.extension_error.hide()
        iv.addWidget(self.extension_error)
        self.investigation_card = card(inv_box, name="investigationCard",
                                       title="Investigator and response deadline")

        # Details
        self.details_card = card(self.fields_box, name="complaintFields", title="The complaint")

        # Findings
        self.findings_box = QGridLayout()
        self.findings_box.setColumnStretch(0, 1)
        findings_widget = QWidget()
        findings_widget.setLayout(self.findings_box)
        self.findings_hint = hint_label("")
        self.save_findings_button = button("Save findings", "saveFindings", "Save the findings")
        self.findings_error = QLabel()
        self.findings_error.setObjectName("findingsError")
        self.findings_error.setProperty("role", "fieldError")
        self.findings_error.setWordWrap(True)
        self.findings_error.hide()
        self.findings_card = card(self.findings_hint, findings_widget, self.findings_error,
                                  self.save_findings_button, name="findingsCard", title="Findings per allegation")
        self.finding_controls: dict[str, tuple[QComboBox, QLineEdit]] = {}

        # Notes
        self.notes_view = QLabel()
        self.notes_view.setObjectName("investigationNotes")
        self.notes_view.setWordWrap(True)
        self.notes_view.setTextFormat(Qt.TextFormat.RichText)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("newNote")
        self.note_edit.setAccessibleName("New investigation note")
        self.note_edit.setPlaceholderText("Add a note to the investigation. Notes are never edited or "
                                          "removed.")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(60)
        self.add_note_button = button("Add note", "addNote", "Add the investigation note")
        self.notes_card = card(self.notes_view, self.note_edit, self.add_note_button, name="notesCard",
                               title="Investigation notes")

        # Letter
        self.signer_name = QLineEdit(ctx.actor.display_name if ctx.actor else "")
        self.signer_name.setObjectName("signerName")
        self.signer_name.setAccessibleName("Letter signed by")
        self.signer_title = QLineEdit("Principal" if ctx.actor and ctx.actor.role == "principal"
                                      else "")
        self.signer_title.setObjectName("signerTitle")
        self.signer_title.setAccessibleName("Signer's title")
        self.signer_title.setPlaceholderText("Title, for example Principal")
        self.letter_button = button("Response letter (PDF)…", "letterButton",
                                    "Save the response letter as a PDF")
        letter_row = QHBoxLayout()
        letter_row.addWidget(QLabel("Signed by"))
        letter_row.addWidget(self.signer_name, 1)
        letter_row.addWidget(self.signer_title, 1)
        letter_row.addWidget(self.letter_button)
        letter_box = QWidget()
        letter_box.setLayout(letter_row)
        self.letter_hint = hint_label("")
        self.letter_card = card(self.letter_hint, letter_box, name="letterCard", title="Response letter")

        self.badges.addWidget(self.status_badge)
        self.badges.addStretch(1)
        v = self.extra
        v.addWidget(self.deadlines)
        for w in (self.workflow_card, self.findings_card, self.investigation_card, self.notes_card,
                  self.letter_card, self.details_card):
            v.addWidget(w)
        self.history.setMinimumHeight(220)
        self.print_button = button("Print…", "printButton", "Print this complaint as a PDF",
                                   tip="Save a PDF copy for school staff, a family, or someone outside the "
                                       "school (a disclosure).")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_record)
        self.footer.addStretch(1)
        self.footer.addWidget(self.print_button)
        self.assign_button.clicked.connect(self.assign_investigator)
        self.extend_button.clicked.connect(self.extend)
        self.save_findings_button.clicked.connect(self.save_findings)
        self.add_note_button.clicked.connect(self.add_note)
        self.letter_button.clicked.connect(self.write_letter)

    def show_data(self, data: dict[str, Any]) -> None:
        st = data["state"]
        status = st.get("status", S.RECEIVED)
        school = self.ctx.school_name(st.get("school_id", ""))
        self.setWindowTitle(f"Complaint {st.get('confirmation', '')} — {school}")
        self.title.setText(f"Complaint {st.get('confirmation', '')}")
        self.status_badge.setText(S.label_of(status))
        self.status_badge.setProperty("status", status)
        repolish(self.status_badge)
        self.subtitle.setText(f"{school} · received {st.get('received_date', '')} "
                              f"({ComplaintChannel.label_of(st.get('channel'))}) by "
                              f"{st.get('received_by', '')} · version {data.get('version', 1)}")
        self.banner.setVisible(bool(st.get("retracted")))
        parts = []
        for d in data["deadlines"]:
            colour = SEVERITY_COLOURS.get(d.state, "#1e6b3a") if d.state != "ok" else "#1e6b3a"
            word = {"overdue": "OVERDUE", "due_soon": "due soon", "ok": "on time"}[d.state]
            parts.append(f"<span style='color:{colour}'><b>{d.title}</b> by {long_day(d.due)} "
                         f"({word})</span>")
        self.deadlines.setText("<br>".join(parts) if parts else
                               "<span style='color:#5f6b7a'>No deadline is open.</span>")
        self.deadlines.setAccessibleName("Deadlines: " + "; ".join(
            f"{d.title} by {d.due.isoformat()} ({d.state.replace('_', ' ')})" for d in data["deadlines"]))
        self._workflow(data, status)
        self.print_button.setEnabled(self._can(Permission.VIEW_COMPLAINTS))
        self._investigation(data, status)
        self._findings(data, status)
        self._notes(data)
        self._letter(status)
        self._fields(data)

    def _can(self, permission: Permission) -> bool:
        school = (self.data or {}).get("state", {}).get("school_id")
        return self.ctx.can(permission, school)

    def _workflow(self, data: dict[str, Any], status: str) -> None:
        while self.step_buttons.count():
            item = self.step_buttons.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.step_buttons.addStretch(1)
        nxt = data["next_steps"]
        who = self.ctx.actor.display_name if self.ctx.actor else ""
        self.step_buttons_by_status: dict[str, Any] = {}
        for to in nxt:
            text, placeholder = STEP_TEXT.get(to, (S.label_of(to), ""))
            allowed = self._can(Permission.FILE_COMPLAINT if to == S.ACKNOWLEDGED
                                else Permission.INVESTIGATE_COMPLAINT)
            b = button(text, f"step_{to}", f"{text}: move the complaint to “{S.label_of(to)}”",
                       primary=to == nxt[0])
            b.setEnabled(allowed)
            b.setToolTip(placeholder if allowed else
                         "Your account may not take this step; a principal or district administrator can.")
            b.clicked.connect(lambda _=False, to=to: self.take_step(to))
            self.step_buttons.addWidget(b)
            self.step_buttons_by_status[to] = b
        if nxt:
            placeholders = " / ".join(STEP_TEXT.get(t, ("", ""))[1] for t in nxt)
            self.step_note.setPlaceholderText(placeholders)
            self.step_who.setText(f"Next: {' or '.join(S.label_of(t) for t in nxt)}. The step is recorded "
                                  f"as taken by {who}, today, with the date it took effect and your note.")
        else:
            self.step_who.setText("This complaint is closed; its workflow is complete."
                                  if status == S.CLOSED else "No step can be taken.")
        for w in (self.step_date, self.step_note):
            w.setEnabled(bool(nxt))
        steps = data["state"].get("steps") or []
        rows = "".join(
            f"<tr><td style='padding:2px 10px 2px 0'>{s.get('date', '')}</td>"
            f"<td style='padding:2px 10px 2px 0'><b>{S.label_of(s.get('from'))} → {S.label_of(s.get('to'))}"
            f"</b></td><td style='padding:2px 10px 2px 0'>{s.get('by', '')}</td>"
            f"<td>{_esc(s.get('note', ''))}</td></tr>" for s in steps)
        self.steps_view.setText(f"<table>{rows}</table>" if rows else
                                "<span style='color:#5f6b7a'>Received; no step taken yet.</span>")

    def _investigation(self, data: dict[str, Any], status: str) -> None:
        st = data["state"]
        can = self._can(Permission.INVESTIGATE_COMPLAINT) and not st.get("retracted")
        self.investigator_label.setText(f"Investigator: {st.get('investigator') or 'not assigned yet'}")
        self.assign_button.setEnabled(can and status != S.CLOSED)
        open_response = status in (S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING, S.FINDINGS)
        self.extension_days.setRange(1, max(1, data["max_extension"]))
        self.extension_days.setValue(min(data["max_extension"], max(data["response_days"] + 15, 1)))
        for w in (self.extension_days, self.extension_reason, self.extend_button):
            w.setEnabled(can and open_response)
        if st.get("extension_reason"):
            self.extend_button.setToolTip(f"Extended to {st.get('extension_days')} days: "
                                          f"{st.get('extension_reason')}")

    def _findings(self, data: dict[str, Any], status: str) -> None:
        while self.findings_box.count():
            item = self.findings_box.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.finding_controls = {}
        editable = (status in (S.INVESTIGATING, S.FINDINGS) and self._can(Permission.INVESTIGATE_COMPLAINT)
                    and not data["state"].get("retracted"))
        for r, a in enumerate(data["state"].get("allegations") or []):
            text = QLabel(f"<b>{a['id']}</b> {_esc(a.get('text', ''))}")
            text.setWordWrap(True)
            text.setObjectName(f"allegation_{a['id']}")
            combo = QComboBox()
            combo.setObjectName(f"finding_{a['id']}")
            combo.setAccessibleName(f"Finding on allegation {a['id']}")
            combo.addItem("No finding yet", "")
            for value, label in Finding.choices():
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(a.get("finding") or "")))
            note = QLineEdit(a.get("finding_note", ""))
            note.setObjectName(f"findingNote_{a['id']}")
            note.setAccessibleName(f"Note on the finding for {a['id']}")
            note.setPlaceholderText("Note (optional)")
            for w in (combo, note):
                w.setEnabled(editable)
            self.findings_box.addWidget(text, r, 0)
            self.findings_box.addWidget(combo, r, 1)
            self.findings_box.addWidget(note, r, 2)
            self.finding_controls[a["id"]] = (combo, note)
        self.save_findings_button.setEnabled(editable)
        self.findings_error.hide()
        self.findings_hint.setText(
            "Record a finding on every allegation, save, then take the step “Findings made”."
            if status == S.INVESTIGATING else
            "Findings are recorded during the investigation." if status in (S.RECEIVED, S.ACKNOWLEDGED)
            else "")
        self.findings_hint.setVisible(bool(self.findings_hint.text()))

    def _notes(self, data: dict[str, Any]) -> None:
        st = data["state"]
        notes = st.get("notes") or []
        hidden = st.get("notes_hidden")
        can = self._can(Permission.INVESTIGATE_COMPLAINT) and not st.get("retracted")
        if hidden:
            self.notes_view.setText(f"{hidden} note(s) are kept, seen only by those who investigate.")
        elif notes:
            self.notes_view.setText("".join(
                f"<p style='margin:4px 0'><span style='color:#5f6b7a'>{n.get('at', '')[:16].replace('T', ' ')}"
                f" · {n.get('by', '')}</span><br>{_esc(n.get('text', ''))}</p>" for n in notes))
        else:
            self.notes_view.setText("<span style='color:#5f6b7a'>No notes yet.</span>")
        self.note_edit.setVisible(can)
        self.add_note_button.setVisible(can)

    def _letter(self, status: str) -> None:
        ready = status in (S.FINDINGS, S.RESPONSE_SENT, S.APPEALED, S.CLOSED)
        can = self._can(Permission.INVESTIGATE_COMPLAINT)
        self.letter_button.setEnabled(ready and can)
        self.letter_hint.setText(
            "The letter tells the family the finding on each allegation, in plain words, with their "
            "right to appeal. Saving it is recorded in the audit trail." if ready else
            "The response letter can be written once findings are made.")

    def _fields(self, data: dict[str, Any]) -> None:
        while self.fields.count():
            item = self.fields.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        st = data["state"]
        staff = ", ".join(p.get("name") or "(unknown)" for p in data.get("staff", []))
        if st.get("staff_description"):
            staff = ", ".join(x for x in (staff, st["staff_description"]) if x)
        students = ", ".join(student_label(s) for s in data.get("students", [])) or "—"
        if st.get("anonymous"):
            who = "Anonymous (no name or contact details are kept)"
        else:
            who = "\n".join(x for x in (st.get("complainant_name", ""), st.get("contact_phone", ""),
                                        st.get("contact_email", ""), st.get("contact_address", "")) if x)
        rel = dict(RELATIONSHIPS).get(st.get("complainant_relationship", ""), "")
        referral = "—"
        if st.get("referral_agency"):
            referral = st["referral_agency"] + (f", on {st['referral_date']}" if st.get("referral_date") else "")
            referral += (f" (their case number {st['referral_case_number']})"
                         if st.get("referral_case_number") else "")
        rows = [
            ("Complainant", who + (f" ({rel})" if rel else "")),
            ("Preferred language", st.get("preferred_language", "")
             + (" · interpreter needed" if st.get("interpreter_needed") else "")),
            ("Staff complained about", staff or "—"),
            ("Incident", f"{st.get('incident_date', '')}, {st.get('incident_place', '')}"),
            ("Students", students),
            ("Narrative", st.get("narrative", "")),
            ("Referred to", referral),
            ("Acknowledged", st.get("acknowledged_date") or "—"),
            ("Response sent", st.get("response_date") or "—"),
            ("Appeal", (f"{st.get('appeal_date')}" + (f"; outcome: {st.get('appeal_outcome')}"
                                                       if st.get("appeal_outcome") else ""))
             if st.get("appeal_date") else "—"),
            ("Closed", st.get("closed_date") or "—"),
        ]
        for i, (label, value) in enumerate(rows):
            name = QLabel(label)
            name.setProperty("role", "fieldLabel")
            text = QLabel(value)
            text.setObjectName("detail_" + label.lower().replace(" ", "_"))
            text.setAccessibleName(label)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            self.fields.addWidget(name, i, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            self.fields.addWidget(text, i, 1)

    def _names(self, field: str, value: Any) -> str | None:
        if field == "school_id":
            return self.ctx.school_name(value)
        if field == "status":
            return S.label_of(value)
        if field == "channel":
            return ComplaintChannel.label_of(value)
        if field == "staff_ids" and isinstance(value, list):
            return ", ".join(self.ctx.staff_name(v) or "staff member" for v in value) or "(none)"
        if field == "student_ids" and isinstance(value, list):
            return f"{len(value)} student(s)"
        if field == "steps" and isinstance(value, dict):
            return (f"{S.label_of(value.get('from'))} → {S.label_of(value.get('to'))} on "
                    f"{value.get('date', '')}" + (f": {value['note']}" if value.get("note") else ""))
        if field == "notes" and isinstance(value, dict):
            return value.get("text", "")
        if field == "allegations" and isinstance(value, dict):
            finding = Finding.label_of(value.get("finding")) or "no finding"
            return f"{value.get('id', '')} {value.get('text', '')} ({finding})"
        return None

    # ------------------------------------------------------------------ actions
    def _run(self, fn: Any, *args: Any, error_label: QLabel | None = None, done: Any = None,
             label: str = "Saving") -> None:
        def failed(exc: BaseException) -> None:
            if error_label is not None and isinstance(exc, Exception) and hasattr(exc, "errors"):
                error_label.setText(prompts.explain(exc))
                error_label.show()
            else:
                prompts.show_failure(self, exc, "Not saved")

        if error_label is not None:
            error_label.hide()
        self.ctx.worker.write(fn, self.record_id, *args, done=done, error=failed, owner=self, label=label)

    def take_step(self, to_status: str) -> None:
        if self.data is None:
            return
        expected = self.data["state"].get("status", S.RECEIVED)

        def done(_: Any) -> None:
            self.step_note.clear()
        self._run(complaints.take_step, to_status, expected,
                  self.step_date.value() or self.step_date.line.text().strip(),
                  self.step_note.toPlainText().strip(), error_label=self.step_error, done=done,
                  label="Recording the step")

    def assign_investigator(self) -> None:
        name = prompts.ask_text(self, "Assign the investigator", "Who investigates this complaint?",
                                ok="Assign", placeholder="Name and role")
        if name:
            self._run(complaints.assign_investigator, name)

    def extend(self) -> None:
        self._run(complaints.extend_response_deadline, self.extension_days.value(),
                  self.extension_reason.text().strip(), error_label=self.extension_error,
                  done=lambda _: self.extension_reason.clear())

    def findings(self) -> dict[str, dict[str, str]]:
        return {aid: {"finding": combo.currentData() or "", "note": note.text().strip()}
                for aid, (combo, note) in self.finding_controls.items() if combo.currentData()}

    def save_findings(self) -> None:
        self._run(complaints.record_findings, self.findings(), error_label=self.findings_error,
                  label="Saving the findings")

    def add_note(self) -> None:
        text = self.note_edit.toPlainText().strip()
        if not text:
            return
        self._run(complaints.add_investigation_note, text, done=lambda _: self.note_edit.clear())

    def write_letter(self) -> None:
        if self.data is None:
            return
        number = self.data["state"].get("confirmation", "complaint")
        target = choose_save_file(self, "Save the response letter", f"Response {number}.pdf",
                                  "PDF files (*.pdf)")
        if not target:
            return
        if not target.lower().endswith(".pdf"):
            target += ".pdf"
        self.ctx.worker.write(make_letter, self.record_id, self.signer_name.text().strip(),
                              self.signer_title.text().strip(), target, done=self._letter_written,
                              error=lambda exc: prompts.show_failure(self, exc, "The letter was not made"),
                              owner=self, label="Writing the response letter")

    def print_record(self) -> Any:
        """The print dialog: internal, family or outside-party copy (P24)."""
        if self.data is None or not self.print_button.isEnabled():
            return None
        from safetydesk.ui.reports.print_dialog import open_print_dialog

        students = [(s.get("student_id") or s.get("id", ""), student_label(s))
                    for s in self.data.get("students", [])]
        return open_print_dialog(self.ctx, self, "complaint", self.record_id, students, self.title.text())

    def _letter_written(self, path: str) -> None:
        self.letter_written.emit(path)
        if prompts.confirm(self, "Response letter saved",
                           f"The response letter was saved to:\n{path}\n\nOpen it now?",
                           yes="Open", no="Not now"):
            open_file_outside(path)


def long_day(d: date) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


def _esc(text: str) -> str:
    import html

    return html.escape(str(text or "")).replace("\n", "<br>")


def next_steps_of(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())
