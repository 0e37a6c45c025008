"""Intervention requests (P09): the form (ground (a), (b) or (c), requester a teacher or an
administrator), the detail and the list."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QPushButton

from safetydesk.domain.interventions import (
    INTERVENTION,
    Ground,
    InterventionDraft,
    InterventionOutcome,
    RequesterRole,
    response_minutes,
)
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import InteractionDraft
from safetydesk.services import interventions
from safetydesk.ui.kit import formatting, prompts
from safetydesk.ui.kit.detail import RecordDetail
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.kit.layout import FormBuilder
from safetydesk.ui.kit.listing import RecordListPage
from safetydesk.ui.kit.pickers import (
    StaffPicker,
    StudentPicker,
    choose_school,
    load_school_staff,
    refill_schools,
    school_combo,
    student_label,
)
from safetydesk.ui.kit.widgets import (
    combo,
    datetime_edit,
    datetime_value,
    hint,
    set_combo,
    set_datetime,
    text_area,
)
from safetydesk.ui.kit.windows import existing_form, show_detail, track_form


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
        self.school = school_combo(self.ctx)
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
        refill_schools(self.school, self.ctx, "Choose a school…")
        self._load_staff()

    def _load_staff(self) -> None:
        load_school_staff(self, self.ctx, self.school, self.responding)

    def load(self, d: InterventionDraft) -> None:
        if d.requested_at:
            set_datetime(self.requested_at, d.requested_at)
        choose_school(self.school, self.ctx, d.school_id)
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
        self.requested_at.changed.connect(lambda: self.changed("requested_at"))
        self.school.currentIndexChanged.connect(lambda _: self.changed("school_id"))
        self.location.textChanged.connect(lambda _: self.changed("location"))
        self.self_initiated.toggled.connect(self._self_initiated_toggled)
        self.requester_name.textChanged.connect(lambda _: self.changed("requester_name"))
        self.requester_role.currentIndexChanged.connect(lambda _: self.changed("requester_role"))
        self.ground.currentIndexChanged.connect(lambda _: self.changed("ground"))
        self.students.changed.connect(lambda: self.changed("students"))
        self.description.textChanged.connect(lambda: self.changed("description"))
        self.responding.changed.connect(lambda: self.changed("responding_staff"))
        self.response_at.changed.connect(lambda: self.changed("response_at"))
        self.outcome.currentIndexChanged.connect(lambda _: self.changed("outcome"))
        self.outcome_note.textChanged.connect(lambda _: self.changed("outcome_note"))

    def _self_initiated_toggled(self, _checked: bool = False) -> None:
        self._requester_visibility()
        self.changed("self_initiated")

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

    KINDS = (INTERVENTION,)

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
        self.print_button = self.add_footer_button(
            "Print…", "printButton", "Print this request as a PDF",
            "Save a PDF copy for school staff, a family, or someone outside the "
            "school (a disclosure).", self.print_record)

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
        from safetydesk.ui.reports.print_dialog import open_print_dialog

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
        from safetydesk.ui.records.interactions.form import InteractionForm
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
    KEYSET = ("requested_at", "id")  # pages by key (store.queries_paging)
    SORTS = "interventions"  # sortable columns: domain.filters.LIST_SORT_FIELDS
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

    KINDS = (INTERVENTION,)

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
