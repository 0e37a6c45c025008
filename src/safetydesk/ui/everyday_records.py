"""Intervention requests (P09), climate activities (P10) and outside requests (P15): pages,
forms and detail views."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton, QWidget

from safetydesk.domain.climate import ClimateActivityType, ClimateDraft
from safetydesk.domain.interventions import (
    Ground,
    InterventionDraft,
    InterventionOutcome,
    RequesterRole,
    response_minutes,
)
from safetydesk.domain.outside_requests import DocumentType, OutsideRequestDraft, Response
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import InteractionDraft
from safetydesk.services import climate, interventions, outside_requests
from safetydesk.ui import formatting, prompts
from safetydesk.ui.everyday_base import (
    RecordDetail,
    RecordForm,
    RecordListPage,
    combo,
    date_edit,
    date_value,
    datetime_edit,
    datetime_value,
    existing_form,
    hint,
    set_combo,
    set_date,
    set_datetime,
    show_detail,
    text_area,
    track_form,
)
from safetydesk.ui.layout import FormBuilder
from safetydesk.ui.pickers import StaffPicker, StudentPicker, student_label


def _school_combo(ctx: Any, first: str = "Choose a school…") -> Any:
    box = combo("school", "School", [(s["id"], s["name"]) for s in ctx.schools], first=first)
    if len(ctx.schools) == 1 and first == "Choose a school…":
        box.setCurrentIndex(1)
    return box


def _refill_schools(box: Any, ctx: Any, first: str) -> None:
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(first, "")
    for s in ctx.schools:
        box.addItem(s["name"], s["id"])
    if current and box.findData(current) < 0:
        box.addItem(ctx.school_name(current), current)
    set_combo(box, current)
    box.blockSignals(False)


# ====================================================================== intervention requests
def load_request(session: Any, record_id: str) -> dict[str, Any]:
    return {"record": interventions.get_request(session, record_id),
            "history": interventions.request_history(session, record_id)}


class InterventionForm(RecordForm):
    FORM = "intervention_request"
    NOUN = "intervention request"
    TITLE_NEW = "Log a request for intervention"
    TITLE_AMEND = "Correct an intervention request"
    INTRO = ("Teachers and administrators may ask safety and security staff to intervene only when "
             "a student's presence poses (a) an immediate and continuing danger to others, (b) an "
             "immediate and continuing threat of material and substantial disruption of the "
             "educational process, or (c) other emergency circumstances (Policy 3432). Staff need not "
             "be asked before intervening in an emergency. Fields marked * are required.")
    FIELDS = ("requested_at", "school_id", "location", "self_initiated", "requester_name",
              "requester_role", "ground", "students", "description", "responding_staff", "response_at",
              "outcome", "outcome_note", "interaction_id")
    TEXT_FIELDS = ("description", "location", "requester_name", "outcome_note")
    DRAFT_CLASS = InterventionDraft
    FIND_DUPLICATES = True

    def labels_of(self, record: dict[str, Any]) -> dict[str, str]:
        out = {s["student_id"]: student_label(s) for s in record.get("students", [])}
        out |= {s["staff_id"]: s.get("name") or "" for s in record.get("staff", [])}
        return out

    def build(self, form: FormBuilder) -> None:
        self.resize(780, 900)
        form.add_section("When and where")
        self.requested_at = datetime_edit("requestedAt")
        form.add("requested_at", "&When asked *", self.requested_at, object_name="requestedAt",
                 description="When the request was made (or staff stepped in).")
        self.school = _school_combo(self.ctx)
        form.add("school_id", "&School *", self.school, object_name="school")
        self.location = QLineEdit()
        self.location.setPlaceholderText("Where the student was")
        form.add("location", "&Location *", self.location, object_name="location")
        form.add_section("Who asked, and why")
        self.self_initiated = QCheckBox("Self-initiated emergency: staff intervened without being asked")
        form.add("self_initiated", "Emergency", self.self_initiated, object_name="selfInitiated",
                 description="Staff need not be asked before intervening in an emergency.")
        self.requester_name = QLineEdit()
        form.add("requester_name", "&Requested by *", self.requester_name, object_name="requesterName")
        self.requester_role = combo("requesterRole", "Requester's role", RequesterRole.choices(),
                                    first="Choose the role…")
        form.add("requester_role", "Their r&ole *", self.requester_role, object_name="requesterRole",
                 description="Only teachers and administrators may ask for an intervention.")
        self.ground = combo("ground", "Ground", Ground.choices(), first="Choose the ground…")
        form.add("ground", "&Ground *", self.ground, object_name="ground",
                 description="Required. Without one of these grounds staff may not be asked to intervene.")
        form.add_section("Students and what happened")
        self.students = StudentPicker(self.ctx.worker, lambda: self.school.currentData() or "",
                                      with_roles=False)
        form.add("students", "St&udents *", self.students, object_name="studentPicker", top_aligned=True,
                 description="Type part of a name or id, then Enter.")
        self.description = text_area("description", "What was happening?")
        form.add("description", "&Description *", self.description, object_name="description",
                 top_aligned=True)
        form.add_section("Response")
        self.responding = StaffPicker(with_roles=False, empty_text="No responding staff added yet.")
        form.add("responding_staff", "Res&ponding staff", self.responding, object_name="respondingStaff",
                 top_aligned=True)
        self.response_at = datetime_edit("responseAt", optional=True)
        form.add("response_at", "Arri&ved at", self.response_at, object_name="responseAt",
                 description="When staff arrived; the response time is worked out from it.")
        self.response_time = hint("", "responseTime")
        form.add_widget(self.response_time)
        self.outcome = combo("outcome", "Outcome", InterventionOutcome.choices(), first="Not known yet")
        form.add("outcome", "O&utcome", self.outcome, object_name="outcome")
        self.outcome_note = QLineEdit()
        form.add("outcome_note", "Outcome note", self.outcome_note, object_name="outcomeNote")
        self.interaction_label = hint("No interaction linked.", "linkedInteraction")
        self.interaction_id = ""
        form.add("interaction_id", "Interaction", self.interaction_label, object_name="interactionLink")
        self.school.currentIndexChanged.connect(lambda _: self._load_staff())

    def lookups_arrived(self) -> None:
        _refill_schools(self.school, self.ctx, "Choose a school…")
        self._load_staff()

    def _load_staff(self) -> None:
        from safetydesk.services import registry
        if self.ctx.signed_in:
            self.ctx.worker.read(registry.staff, self.school.currentData() or "", owner=self,
                                 key=f"staff:{id(self)}",
                                 done=lambda rows: self.responding.set_staff(rows or self.ctx.staff))

    def load(self, d: InterventionDraft) -> None:
        if d.requested_at:
            set_datetime(self.requested_at, d.requested_at)
        if d.school_id:
            if self.school.findData(d.school_id) < 0:
                self.school.addItem(self.ctx.school_name(d.school_id), d.school_id)
            set_combo(self.school, d.school_id)
        self.location.setText(d.location)
        self.self_initiated.setChecked(d.self_initiated)
        self.requester_name.setText(d.requester_name)
        set_combo(self.requester_role, d.requester_role)
        set_combo(self.ground, d.ground)
        for sid in d.students:
            self.students.list.add(sid, self.labels.get(sid) or "Student", "subject")
        self.description.setPlainText(d.description)
        for sid in d.responding_staff:
            self.responding.list.add(sid, self.labels.get(sid) or self.ctx.staff_name(sid) or "Staff member",
                                     "lead")
        set_datetime(self.response_at, d.response_at)
        set_combo(self.outcome, d.outcome)
        self.outcome_note.setText(d.outcome_note)
        self.interaction_id = d.interaction_id
        self.interaction_label.setText("Linked to an interaction." if d.interaction_id else
                                       "No interaction linked. After saving, “Log the interaction” on "
                                       "the request starts one with these details.")
        self._requester_visibility()
        self._load_staff()

    def draft(self) -> InterventionDraft:
        own = self.self_initiated.isChecked()
        return InterventionDraft(
            requested_at=datetime_value(self.requested_at), school_id=self.school.currentData() or "",
            location=self.location.text().strip(), self_initiated=own,
            requester_name="" if own else self.requester_name.text().strip(),
            requester_role="" if own else self.requester_role.currentData() or "",
            ground=self.ground.currentData() or "", description=self.description.toPlainText().strip(),
            students=self.students.list.ids(), responding_staff=self.responding.list.ids(),
            response_at=datetime_value(self.response_at), outcome=self.outcome.currentData() or "",
            outcome_note=self.outcome_note.text().strip(), interaction_id=self.interaction_id)

    def connect_fields(self) -> None:
        self.requested_at.dateTimeChanged.connect(lambda _: self.changed("requested_at"))
        self.school.currentIndexChanged.connect(lambda _: self.changed("school_id"))
        self.location.textChanged.connect(lambda _: self.changed("location"))
        self.self_initiated.toggled.connect(lambda _: (self._requester_visibility(),
                                                       self.changed("self_initiated")))
        self.requester_name.textChanged.connect(lambda _: self.changed("requester_name"))
        self.requester_role.currentIndexChanged.connect(lambda _: self.changed("requester_role"))
        self.ground.currentIndexChanged.connect(lambda _: self.changed("ground"))
        self.students.changed.connect(lambda: self.changed("students"))
        self.description.textChanged.connect(lambda: self.changed("description"))
        self.responding.changed.connect(lambda: self.changed("responding_staff"))
        self.response_at.dateTimeChanged.connect(lambda _: self.changed("response_at"))
        self.outcome.currentIndexChanged.connect(lambda _: self.changed("outcome"))
        self.outcome_note.textChanged.connect(lambda _: self.changed("outcome_note"))

    def _requester_visibility(self) -> None:
        own = self.self_initiated.isChecked()
        for name in ("requester_name", "requester_role"):
            row = self.form.rows[name]
            row.label.setVisible(not own)
            row.control.setVisible(not own)
            if own:
                row.error.setVisible(False)

    def after_check(self, errors: list[Any]) -> None:
        minutes = response_minutes(self.draft())
        self.response_time.setText("" if minutes is None else
                                   f"Response time: {formatting.count(minutes, 'minute')}.")
        self.form.rows["outcome_note"].set_required(self.outcome.currentData() == InterventionOutcome.OTHER)

    def check_service(self) -> Any:
        return interventions.check

    def log_service(self) -> Any:
        return interventions.log_request

    def amend_service(self) -> Any:
        return interventions.amend_request

    def focus_target(self, name: str) -> Any:
        if name == "students":
            return self.students.search
        if name == "responding_staff":
            return self.responding.choice
        return super().focus_target(name)

    def draft_labels(self) -> dict[str, str]:
        return self.students.list.labels() | self.responding.list.labels()

    def describe_duplicate(self, row: dict[str, Any]) -> str:
        return (f"{formatting.short_when(row['requested_at'])} · {Ground.label_of(row.get('ground'))} · "
                f"{row.get('location') or ''} · asked by {row.get('requester_name') or 'staff (emergency)'}")

    def open_existing(self, record_id: str) -> None:
        open_request(self.parent(), record_id, self.ctx)


class InterventionDetail(RecordDetail):
    NOUN = "intervention request"
    FIELD_LABELS: ClassVar[dict[str, str]] = {
        "requested_at": "Requested at", "school_id": "School", "location": "Location",
        "self_initiated": "Self-initiated emergency", "requester_name": "Requested by",
        "requester_role": "Requester's role", "ground": "Ground", "description": "Description",
        "students": "Students", "responding_staff": "Responding staff", "response_at": "Staff arrived",
        "outcome": "Outcome", "outcome_note": "Outcome note", "interaction_id": "Resulting interaction",
        "duplicate_of": "Duplicate of",
    }

    def loader(self) -> Any:
        return load_request

    def watches(self, what: str) -> bool:
        return what.startswith(("interventions.", "duplicates."))

    def build_extra(self) -> None:
        row = QHBoxLayout()
        self.log_button = QPushButton("Log the interaction…")
        self.log_button.setObjectName("logInteraction")
        self.log_button.setAccessibleName("Log the interaction that resulted, prefilled from this request")
        self.open_button = QPushButton("Open the interaction")
        self.open_button.setObjectName("openInteraction")
        self.open_button.setAccessibleName("Open the interaction that resulted")
        for b in (self.log_button, self.open_button):
            b.setAutoDefault(False)
            b.setEnabled(False)
        row.addStretch(1)
        row.addWidget(self.open_button)
        row.addWidget(self.log_button)
        self.extra.addLayout(row)
        self.log_button.clicked.connect(self.log_interaction)
        self.open_button.clicked.connect(self.open_interaction)
        self.print_button = QPushButton("Print…")
        self.print_button.setObjectName("printButton")
        self.print_button.setAccessibleName("Print this request as a PDF")
        self.print_button.setToolTip("Save a PDF copy for school staff, a family, or someone outside the "
                                     "school (a disclosure).")
        self.print_button.setAutoDefault(False)
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_record)
        self.footer.addStretch(1)
        self.footer.addWidget(self.print_button)

    def describe(self, field: str, value: Any) -> str:
        if field == "ground" and value:
            return Ground.label_of(value)
        if field == "requester_role" and value:
            return RequesterRole.label_of(value)
        if field == "outcome" and value:
            return InterventionOutcome.label_of(value)
        if field in ("students", "responding_staff") and isinstance(value, list) and self.data:
            names = self._names()
            return ", ".join(names.get(v, "someone no longer listed") for v in value) or "(none)"
        return super().describe(field, value)

    def _names(self) -> dict[str, str]:
        rec = (self.data or {}).get("record", {})
        out = {s["student_id"]: student_label(s) for s in rec.get("students", [])}
        out |= {s["staff_id"]: s.get("name") or "" for s in rec.get("staff", [])}
        return out

    def show_data(self, data: dict[str, Any]) -> None:
        record = data["record"]
        s = record["state"]
        self.setWindowTitle(f"Intervention request — {formatting.short_when(s.get('requested_at', ''))}")
        self.title.setText(f"Request for intervention · {formatting.when(s.get('requested_at', ''))}")
        self.subtitle.setText(f"{self.ctx.school_name(s.get('school_id', ''))} · logged by "
                              f"{s.get('author', '')} · version {record.get('version', 1)}")
        badges = [(Ground.label_of(s.get("ground")).split(")")[0] + ")", "discipline")] if s.get("ground") else []
        if s.get("self_initiated"):
            badges.append(("Self-initiated emergency", "force"))
        if s.get("duplicate_of"):
            badges.append(("Duplicate", "retracted"))
        self.set_badges(badges)
        minutes = response_minutes(record["draft"])
        self.set_rows([
            ("Requested at", formatting.when(s.get("requested_at", ""))),
            ("School", self.ctx.school_name(s.get("school_id", ""))),
            ("Location", s.get("location", "")),
            ("Requested by", "Self-initiated emergency" if s.get("self_initiated") else
             f"{s.get('requester_name', '')} ({RequesterRole.label_of(s.get('requester_role'))})"),
            ("Ground", Ground.label_of(s.get("ground"))),
            ("Students", "\n".join(student_label(x) for x in record.get("students", []))),
            ("Description", s.get("description", "")),
            ("Responding staff", ", ".join(x.get("name") or "" for x in record.get("staff", []))),
            ("Staff arrived", formatting.when(s.get("response_at", "")) +
             (f" ({formatting.count(minutes, 'minute')} after the request)" if minutes is not None else "")),
            ("Outcome", InterventionOutcome.label_of(s.get("outcome")) +
             (f": {s['outcome_note']}" if s.get("outcome_note") else "")),
            ("Resulting interaction", "Linked" if s.get("interaction_id") else "None yet"),
        ])
        linked = bool(s.get("interaction_id"))
        self.open_button.setVisible(linked)
        self.open_button.setEnabled(linked)
        self.log_button.setVisible(not linked)
        self.log_button.setEnabled(self.ctx.can(Permission.LOG_INTERACTION, s.get("school_id"))
                                   and not s.get("retracted"))
        self.print_button.setEnabled(self.ctx.can(Permission.VIEW_RECORDS, s.get("school_id")))

    def print_record(self) -> Any:
        """The print dialog: internal, family or outside-party copy (P24)."""
        if self.data is None or not self.print_button.isEnabled():
            return None
        from safetydesk.ui.print_dialog import open_print_dialog

        students = [(x["student_id"], student_label(x)) for x in self.data["record"].get("students", [])]
        return open_print_dialog(self.ctx, self, "intervention", self.record_id, students, self.title.text())

    def can_amend(self, state: dict[str, Any]) -> bool:
        return self.ctx.can(Permission.LOG_INTERVENTION, state.get("school_id"))

    def can_retract(self, state: dict[str, Any]) -> bool:
        return self.ctx.can(Permission.RETRACT_INTERACTION, state.get("school_id"))

    def retract_service(self) -> Any:
        return interventions.retract_request

    def amend(self) -> None:
        if self.data is None or not self.amend_button.isEnabled():
            return
        if existing_form(self.window_, f"intervention_request:amend:{self.record_id}") is None:
            track_form(self.window_, InterventionForm(self.ctx, record=self.data["record"],
                                                      parent=self.window_ or self))

    def open_interaction(self) -> None:
        rid = (self.data or {}).get("record", {}).get("state", {}).get("interaction_id")
        if rid and self.window_ is not None:
            self.window_.open_interaction(rid)

    def log_interaction(self) -> None:
        """Start the interaction form with this request's school, place, time, students and staff;
        once it is saved, link it to the request (an amendment with its reason)."""
        if self.data is None:
            return
        from safetydesk.ui.interaction_form import InteractionForm
        record = self.data["record"]
        d: InterventionDraft = record["draft"]
        prefill = InteractionDraft(
            occurred_at=d.response_at or d.requested_at, school_id=d.school_id, location=d.location,
            students=[{"student_id": s, "role": "subject"} for s in d.students],
            staff=[{"staff_id": s, "role": "lead" if i == 0 else "assisting"}
                   for i, s in enumerate(d.responding_staff)],
            narrative=d.description)
        labels = self._names()
        form = InteractionForm(self.ctx, prefill=prefill, labels=labels, parent=self.window_ or self)
        version = record.get("version")
        form.saved.connect(lambda interaction_id: self.ctx.worker.write(
            interventions.amend_request, self.record_id, replace(d, interaction_id=interaction_id),
            "Linked the interaction that resulted from this request", version,
            error=lambda exc: prompts.show_failure(None, exc, "The request was not linked")))
        track_form(self.window_, form)


def list_requests_page(session: Any, offset: int, limit: int, **f: Any) -> list[dict[str, Any]]:
    return interventions.list_requests(session, offset, limit, **f)


class InterventionsPage(RecordListPage):
    TITLE = "Intervention requests"
    NOUN = ("request", "requests")
    NEW_TEXT = "Log a request…"
    SEARCH_HINT = "Search descriptions, locations and student names or ids"
    INTRO = ("Requests from teachers and administrators for safety and security staff to intervene, "
             "on ground (a), (b) or (c) of Policy 3432, and emergencies staff acted on themselves (P09).")
    COLUMNS: ClassVar[list[tuple[str, str]]] = [
        ("when", "When"), ("school", "School"), ("ground", "Ground"), ("requester", "Requested by"),
        ("students", "Students"), ("response", "Response"), ("outcome", "Outcome")]
    WIDTHS = (140, 160, 110, 200, 200, 90)

    def add_filters(self) -> None:
        self.ground = combo("groundFilter", "Filter by ground", Ground.choices(), first="Any ground")
        self.filters_row.addWidget(self.ground)
        self.ground.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.setObjectName("requestsPage")

    def filters(self) -> dict[str, Any]:
        return super().filters() | {"ground": self.ground.currentData() or ""}

    def fetch_fn(self) -> Any:
        return list_requests_page

    def count_fn(self) -> Any:
        return interventions.count_requests

    def text(self, row: dict[str, Any], column: str) -> str:
        if column == "when":
            return formatting.short_when(row["requested_at"])
        if column == "school":
            return row.get("school_name") or self.ctx.school_name(row["school_id"])
        if column == "ground":
            return Ground.label_of(row.get("ground")).split(")")[0] + ")" if row.get("ground") else ""
        if column == "requester":
            return "Self-initiated emergency" if row.get("self_initiated") else \
                f"{row.get('requester_name', '')} ({RequesterRole.label_of(row.get('requester_role'))})"
        if column == "students":
            return row.get("students_label") or ""
        if column == "response":
            m = row.get("response_minutes")
            return "" if m is None else f"{m} min"
        if column == "outcome":
            return InterventionOutcome.label_of(row.get("outcome"))
        return ""

    def watches(self, what: str) -> bool:
        return what.startswith(("interventions.", "duplicates."))

    def can_create(self) -> bool:
        return self.ctx.can(Permission.LOG_INTERVENTION)

    def new_record(self) -> Any:
        return track_form(self.window_, InterventionForm(self.ctx, parent=self.window_)) \
            if self.can_create() else None

    def open(self, record_id: str) -> Any:
        return open_request(self.window_, record_id, self.ctx)


def open_request(window: Any, record_id: str, ctx: Any = None) -> Any:
    ctx = ctx or window.ctx
    return show_detail(window, f"intervention_request:{record_id}",
                       lambda: InterventionDetail(ctx, record_id, window, parent=window))


# ====================================================================== climate activities
def load_activity(session: Any, record_id: str) -> dict[str, Any]:
    return {"record": climate.get_activity(session, record_id),
            "history": climate.activity_history(session, record_id)}


class ClimateForm(RecordForm):
    FORM = "climate_activity"
    NOUN = "climate activity"
    TITLE_NEW = "Record a climate activity"
    TITLE_AMEND = "Correct a climate activity"
    INTRO = ("Faculty and student meetings, assemblies, relationship building and threat assessment "
             "team participation (P10). Climate activities are recorded without students: do not "
             "name any. Threat assessment case content stays out of SafetyDesk (Policy 3225).")
    FIELDS = ("activity_date", "school_id", "staff", "activity_type", "note")
    TEXT_FIELDS = ("note",)
    DRAFT_CLASS = ClimateDraft

    def build(self, form: FormBuilder) -> None:
        self.resize(700, 620)
        self.activity_date = date_edit("activityDate")
        form.add("activity_date", "&Date *", self.activity_date, object_name="activityDate")
        self.school = _school_combo(self.ctx)
        form.add("school_id", "&School *", self.school, object_name="school")
        self.activity_type = combo("activityType", "Kind of activity", ClimateActivityType.choices(),
                                   first="Choose the kind…")
        form.add("activity_type", "&Kind *", self.activity_type, object_name="activityType")
        self.staff = StaffPicker(with_roles=False, empty_text="No staff added yet. Who took part?")
        form.add("staff", "Sta&ff *", self.staff, object_name="staffPicker", top_aligned=True)
        self.note = text_area("note", "A short note, without student names.", 80)
        form.add("note", "&Note", self.note, object_name="note", top_aligned=True,
                 description="At most 500 characters; 120 for threat assessment participation.")
        self.note_count = hint("", "noteCount")
        form.add_widget(self.note_count)
        self.school.currentIndexChanged.connect(lambda _: self._load_staff())

    def lookups_arrived(self) -> None:
        _refill_schools(self.school, self.ctx, "Choose a school…")
        self._load_staff()

    def _load_staff(self) -> None:
        from safetydesk.services import registry
        if self.ctx.signed_in:
            self.ctx.worker.read(registry.staff, self.school.currentData() or "", owner=self,
                                 key=f"staff:{id(self)}",
                                 done=lambda rows: self.staff.set_staff(rows or self.ctx.staff))

    def load(self, d: ClimateDraft) -> None:
        if d.activity_date:
            set_date(self.activity_date, d.activity_date)
        if d.school_id:
            if self.school.findData(d.school_id) < 0:
                self.school.addItem(self.ctx.school_name(d.school_id), d.school_id)
            set_combo(self.school, d.school_id)
        set_combo(self.activity_type, d.activity_type)
        for sid in d.staff:
            self.staff.list.add(sid, self.labels.get(sid) or self.ctx.staff_name(sid) or "Staff member", "lead")
        self.note.setPlainText(d.note)
        self._load_staff()

    def draft(self) -> ClimateDraft:
        return ClimateDraft(activity_date=date_value(self.activity_date),
                            school_id=self.school.currentData() or "", staff=self.staff.list.ids(),
                            activity_type=self.activity_type.currentData() or "",
                            note=self.note.toPlainText().strip())

    def connect_fields(self) -> None:
        self.activity_date.dateChanged.connect(lambda _: self.changed("activity_date"))
        self.school.currentIndexChanged.connect(lambda _: self.changed("school_id"))
        self.activity_type.currentIndexChanged.connect(lambda _: self.changed("activity_type"))
        self.staff.changed.connect(lambda: self.changed("staff"))
        self.note.textChanged.connect(lambda: self.changed("note"))

    def after_check(self, errors: list[Any]) -> None:
        limit = 120 if self.activity_type.currentData() == ClimateActivityType.THREAT_ASSESSMENT else 500
        self.note_count.setText(f"{len(self.note.toPlainText().strip())} of {limit} characters.")

    def check_service(self) -> Any:
        return climate.check

    def log_service(self) -> Any:
        return climate.log_activity

    def amend_service(self) -> Any:
        return climate.amend_activity

    def focus_target(self, name: str) -> Any:
        return self.staff.choice if name == "staff" else super().focus_target(name)

    def draft_labels(self) -> dict[str, str]:
        return self.staff.list.labels()


class ClimateDetail(RecordDetail):
    NOUN = "climate activity"
    FIELD_LABELS: ClassVar[dict[str, str]] = {
        "activity_date": "Date", "school_id": "School", "staff": "Staff", "activity_type": "Kind",
        "note": "Note"}

    def loader(self) -> Any:
        return load_activity

    def watches(self, what: str) -> bool:
        return what.startswith("climate.")

    def describe(self, field: str, value: Any) -> str:
        if field == "activity_type" and value:
            return ClimateActivityType.label_of(value)
        if field == "staff" and isinstance(value, list):
            return ", ".join(self.ctx.staff_name(v) or "a staff member" for v in value) or "(none)"
        return super().describe(field, value)

    def show_data(self, data: dict[str, Any]) -> None:
        record = data["record"]
        s = record["state"]
        kind = ClimateActivityType.label_of(s.get("activity_type"))
        self.setWindowTitle(f"Climate activity — {s.get('activity_date', '')}")
        self.title.setText(f"{kind} · {s.get('activity_date', '')}")
        self.subtitle.setText(f"{self.ctx.school_name(s.get('school_id', ''))} · logged by "
                              f"{s.get('author', '')} · version {record.get('version', 1)}")
        self.set_badges([])
        self.set_rows([
            ("Date", s.get("activity_date", "")),
            ("School", self.ctx.school_name(s.get("school_id", ""))),
            ("Kind", kind),
            ("Staff", ", ".join(self.ctx.staff_name(x) or "a staff member" for x in s.get("staff") or [])),
            ("Note", s.get("note", "")),
        ])

    def can_amend(self, state: dict[str, Any]) -> bool:
        return self.ctx.can(Permission.LOG_CLIMATE, state.get("school_id"))

    def can_retract(self, state: dict[str, Any]) -> bool:
        return self.can_amend(state)

    def retract_service(self) -> Any:
        return climate.retract_activity

    def amend(self) -> None:
        if self.data is None or not self.amend_button.isEnabled():
            return
        if existing_form(self.window_, f"climate_activity:amend:{self.record_id}") is None:
            track_form(self.window_, ClimateForm(self.ctx, record=self.data["record"],
                                                 parent=self.window_ or self))


def list_climate_page(session: Any, offset: int, limit: int, **f: Any) -> list[dict[str, Any]]:
    return climate.list_activities(session, offset, limit, **f)


class ClimatePage(RecordListPage):
    TITLE = "Climate activities"
    NOUN = ("activity", "activities")
    NEW_TEXT = "Record an activity…"
    SEARCH_HINT = "Search notes"
    INTRO = ("Meetings, assemblies, relationship building and threat assessment team participation, "
             "recorded without student names (P10).")
    COLUMNS: ClassVar[list[tuple[str, str]]] = [
        ("date", "Date"), ("school", "School"), ("kind", "Kind"), ("staff", "Staff"), ("note", "Note")]
    WIDTHS = (110, 170, 240, 220)

    def add_filters(self) -> None:
        self.kind = combo("kindFilter", "Filter by kind", ClimateActivityType.choices(), first="Any kind")
        self.filters_row.addWidget(self.kind)
        self.kind.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.setObjectName("climatePage")

    def filters(self) -> dict[str, Any]:
        return super().filters() | {"activity_type": self.kind.currentData() or ""}

    def fetch_fn(self) -> Any:
        return list_climate_page

    def count_fn(self) -> Any:
        return climate.count_activities

    def text(self, row: dict[str, Any], column: str) -> str:
        if column == "date":
            return row.get("activity_date", "")
        if column == "school":
            return row.get("school_name") or self.ctx.school_name(row["school_id"])
        if column == "kind":
            return ClimateActivityType.label_of(row.get("activity_type"))
        if column == "staff":
            return row.get("staff_label") or ""
        if column == "note":
            return (row.get("note") or "").replace("\n", " ")
        return ""

    def watches(self, what: str) -> bool:
        return what.startswith("climate.")

    def can_create(self) -> bool:
        return self.ctx.can(Permission.LOG_CLIMATE)

    def new_record(self) -> Any:
        return track_form(self.window_, ClimateForm(self.ctx, parent=self.window_)) \
            if self.can_create() else None

    def open(self, record_id: str) -> Any:
        return open_activity(self.window_, record_id, self.ctx)


def open_activity(window: Any, record_id: str, ctx: Any = None) -> Any:
    ctx = ctx or window.ctx
    return show_detail(window, f"climate_activity:{record_id}",
                       lambda: ClimateDetail(ctx, record_id, window, parent=window))


# ====================================================================== outside requests
def load_outside(session: Any, record_id: str) -> dict[str, Any]:
    return {"record": outside_requests.get_request(session, record_id),
            "history": outside_requests.request_history(session, record_id)}


class OutsideRequestForm(RecordForm):
    FORM = "outside_request"
    NOUN = "outside request"
    TITLE_NEW = "Log an outside request for information"
    TITLE_AMEND = "Correct an outside request"
    INTRO = ("Log every request for information from an outside agency (P15). No information is "
             "provided in response to requests from federal immigration authorities for civil "
             "immigration enforcement, except as required by law (Policy 4310): a release needs the "
             "legal basis that required it. Route the request; do not answer it at the desk.")
    FIELDS = ("received_on", "school_id", "agency", "document_type", "description", "routed_to",
              "response", "legal_basis", "responded_on", "note")
    TEXT_FIELDS = ("description", "note", "agency", "routed_to", "legal_basis")
    DRAFT_CLASS = OutsideRequestDraft

    def build(self, form: FormBuilder) -> None:
        self.resize(740, 820)
        form.add_section("The request")
        self.received_on = date_edit("receivedOn")
        form.add("received_on", "&Received on *", self.received_on, object_name="receivedOn")
        self.school = _school_combo(self.ctx, first="The district office")
        form.add("school_id", "Received &at", self.school, object_name="school",
                 description="The school that received it, or the district office.")
        self.agency = QLineEdit()
        self.agency.setPlaceholderText("Who asked")
        form.add("agency", "&Agency *", self.agency, object_name="agency")
        self.document_type = combo("documentType", "Kind of document", DocumentType.choices(),
                                   first="Choose the kind of document…")
        form.add("document_type", "&Document *", self.document_type, object_name="documentType",
                 description="A judicial warrant or court order is signed by a judge; an administrative "
                             "warrant, detainer or notification request is not.")
        self.description = text_area("description", "What was asked for (no more student detail than "
                                     "needed)", 70)
        form.add("description", "What was as&ked", self.description, object_name="description",
                 top_aligned=True)
        form.add_section("What was done")
        self.routed_to = QLineEdit()
        self.routed_to.setPlaceholderText("For example: superintendent's office, district counsel")
        form.add("routed_to", "Routed &to *", self.routed_to, object_name="routedTo")
        self.response = combo("response", "Response", Response.choices())
        form.add("response", "Res&ponse *", self.response, object_name="response")
        self.legal_basis = QLineEdit()
        self.legal_basis.setPlaceholderText("The law that required the release")
        form.add("legal_basis", "&Legal basis", self.legal_basis, object_name="legalBasis",
                 description="Required for a release: information may be provided only as required by "
                             "law (Policy 4310).")
        self.responded_on = date_edit("respondedOn", optional=True)
        form.add("responded_on", "Responded o&n", self.responded_on, object_name="respondedOn")
        self.note = text_area("note", "", 60)
        form.add("note", "N&ote", self.note, object_name="note", top_aligned=True)

    def lookups_arrived(self) -> None:
        _refill_schools(self.school, self.ctx, "The district office")

    def load(self, d: OutsideRequestDraft) -> None:
        if d.received_on:
            set_date(self.received_on, d.received_on)
        if d.school_id and self.school.findData(d.school_id) < 0:
            self.school.addItem(self.ctx.school_name(d.school_id), d.school_id)
        set_combo(self.school, d.school_id)
        self.agency.setText(d.agency)
        set_combo(self.document_type, d.document_type)
        self.description.setPlainText(d.description)
        self.routed_to.setText(d.routed_to)
        set_combo(self.response, d.response)
        self.legal_basis.setText(d.legal_basis)
        set_date(self.responded_on, d.responded_on)
        self.note.setPlainText(d.note)
        self._response_changed()

    def draft(self) -> OutsideRequestDraft:
        return OutsideRequestDraft(
            received_on=date_value(self.received_on), school_id=self.school.currentData() or "",
            agency=self.agency.text().strip(), document_type=self.document_type.currentData() or "",
            description=self.description.toPlainText().strip(), routed_to=self.routed_to.text().strip(),
            response=self.response.currentData() or "", legal_basis=self.legal_basis.text().strip(),
            responded_on=date_value(self.responded_on), note=self.note.toPlainText().strip())

    def connect_fields(self) -> None:
        self.received_on.dateChanged.connect(lambda _: self.changed("received_on"))
        self.school.currentIndexChanged.connect(lambda _: self.changed("school_id"))
        self.agency.textChanged.connect(lambda _: self.changed("agency"))
        self.document_type.currentIndexChanged.connect(lambda _: self.changed("document_type"))
        self.description.textChanged.connect(lambda: self.changed("description"))
        self.routed_to.textChanged.connect(lambda _: self.changed("routed_to"))
        self.response.currentIndexChanged.connect(lambda _: (self._response_changed(),
                                                             self.changed("response")))
        self.legal_basis.textChanged.connect(lambda _: self.changed("legal_basis"))
        self.responded_on.dateChanged.connect(lambda _: self.changed("responded_on"))
        self.note.textChanged.connect(lambda: self.changed("note"))

    def _response_changed(self) -> None:
        response = self.response.currentData()
        self.form.rows["legal_basis"].set_required(response == Response.PROVIDED)
        self.form.rows["responded_on"].set_required(response in (Response.DECLINED, Response.PROVIDED))
        if response == Response.PROVIDED:
            self._touched.add("legal_basis")

    def check_service(self) -> Any:
        return outside_requests.check

    def log_service(self) -> Any:
        return outside_requests.log_request

    def amend_service(self) -> Any:
        return outside_requests.amend_request


class OutsideRequestDetail(RecordDetail):
    NOUN = "outside request"
    FIELD_LABELS: ClassVar[dict[str, str]] = {
        "received_on": "Received on", "school_id": "Received at", "agency": "Agency",
        "document_type": "Document", "description": "What was asked", "routed_to": "Routed to",
        "response": "Response", "legal_basis": "Legal basis", "responded_on": "Responded on", "note": "Note"}

    def loader(self) -> Any:
        return load_outside

    def watches(self, what: str) -> bool:
        return what.startswith("outside_requests.")

    def describe(self, field: str, value: Any) -> str:
        if field == "document_type" and value:
            return DocumentType.label_of(value)
        if field == "response" and value:
            return Response.label_of(value)
        return super().describe(field, value)

    def show_data(self, data: dict[str, Any]) -> None:
        record = data["record"]
        s = record["state"]
        self.setWindowTitle(f"Outside request — {s.get('agency', '')}")
        self.title.setText(f"Request from {s.get('agency', '')} · {s.get('received_on', '')}")
        self.subtitle.setText(f"{self.ctx.school_name(s.get('school_id', '')) or 'District office'} · "
                              f"logged by {s.get('author', '')} · version {record.get('version', 1)}")
        response = s.get("response", "")
        self.set_badges([(Response.label_of(response), "force" if response == Response.PROVIDED else
                          "discipline" if response == Response.PENDING else "ok")])
        self.set_rows([
            ("Received on", s.get("received_on", "")),
            ("Received at", self.ctx.school_name(s.get("school_id", "")) or "District office"),
            ("Agency", s.get("agency", "")),
            ("Document", DocumentType.label_of(s.get("document_type"))),
            ("What was asked", s.get("description", "")),
            ("Routed to", s.get("routed_to", "")),
            ("Response", Response.label_of(response)),
            ("Legal basis", s.get("legal_basis", "")),
            ("Responded on", s.get("responded_on", "")),
            ("Note", s.get("note", "")),
        ])

    def can_amend(self, state: dict[str, Any]) -> bool:
        return self.ctx.can(Permission.LOG_OUTSIDE_REQUEST, state.get("school_id") or None)

    def can_retract(self, state: dict[str, Any]) -> bool:
        return self.can_amend(state)

    def retract_service(self) -> Any:
        return outside_requests.retract_request

    def amend(self) -> None:
        if self.data is None or not self.amend_button.isEnabled():
            return
        if existing_form(self.window_, f"outside_request:amend:{self.record_id}") is None:
            track_form(self.window_, OutsideRequestForm(self.ctx, record=self.data["record"],
                                                        parent=self.window_ or self))


def list_outside_page(session: Any, offset: int, limit: int, **f: Any) -> list[dict[str, Any]]:
    return outside_requests.list_requests(session, offset, limit, **f)


class OutsideRequestsPage(RecordListPage):
    TITLE = "Outside requests"
    NOUN = ("request", "requests")
    NEW_TEXT = "Log an outside request…"
    SEARCH_HINT = "Search agencies, descriptions and notes"
    INTRO = ("Every request for information from an outside agency, including federal immigration "
             "authorities, with where it was routed and the response (P15).")
    COLUMNS: ClassVar[list[tuple[str, str]]] = [
        ("received", "Received"), ("where", "Received at"), ("agency", "Agency"),
        ("document", "Document"), ("routed", "Routed to"), ("response", "Response")]
    WIDTHS = (100, 160, 200, 230, 180)

    def add_filters(self) -> None:
        self.response = combo("responseFilter", "Filter by response", Response.choices(),
                              first="Any response")
        self.filters_row.addWidget(self.response)
        self.response.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.setObjectName("outsideRequestsPage")

    def filters(self) -> dict[str, Any]:
        return super().filters() | {"response": self.response.currentData() or ""}

    def fetch_fn(self) -> Any:
        return list_outside_page

    def count_fn(self) -> Any:
        return outside_requests.count_requests

    def text(self, row: dict[str, Any], column: str) -> str:
        if column == "received":
            return row.get("received_on", "")
        if column == "where":
            return row.get("school_name") or "District office"
        if column == "agency":
            return row.get("agency", "")
        if column == "document":
            return DocumentType.label_of(row.get("document_type"))
        if column == "routed":
            return row.get("routed_to", "")
        if column == "response":
            return Response.label_of(row.get("response"))
        return ""

    def red(self, row: dict[str, Any], column: str) -> bool:
        return column == "response" and row.get("response") == Response.PROVIDED

    def watches(self, what: str) -> bool:
        return what.startswith("outside_requests.")

    def can_create(self) -> bool:
        return self.ctx.can(Permission.LOG_OUTSIDE_REQUEST)

    def new_record(self) -> Any:
        return track_form(self.window_, OutsideRequestForm(self.ctx, parent=self.window_)) \
            if self.can_create() else None

    def open(self, record_id: str) -> Any:
        return open_outside(self.window_, record_id, self.ctx)


def open_outside(window: Any, record_id: str, ctx: Any = None) -> Any:
    ctx = ctx or window.ctx
    return show_detail(window, f"outside_request:{record_id}",
                       lambda: OutsideRequestDetail(ctx, record_id, window, parent=window))


__all__ = ["ClimateForm", "ClimatePage", "InterventionForm", "InterventionsPage", "OutsideRequestForm",
           "OutsideRequestsPage", "QWidget", "open_activity", "open_outside", "open_request"]
