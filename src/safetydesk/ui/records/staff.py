"""Staff & training (P01, P02): the registry, a staff form, a detail with training, a training form."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.attachments import ATTACHMENT_RECORD_TYPE
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RecordType, StaffDraft
from safetydesk.domain.staff_training import (
    CHECK_INS_REQUIRED,
    ON_THE_JOB_DAYS_REQUIRED,
    TRAINING,
    TrainingDraft,
    check_ins_required,
    due_date,
    validate_training,
)
from safetydesk.domain.validation import FieldError, Known, validate_staff
from safetydesk.domain.vocab import EmployerType, StaffCategory
from safetydesk.services import registry, staff
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.detail import RecordDetail
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.kit.layout import FormBuilder
from safetydesk.ui.kit.listing import LocalSort, RecordListPage
from safetydesk.ui.kit.widgets import (
    EntryTable,
    choose_path,
    combo,
    date_edit,
    date_value,
    hint,
    read_bytes,
    set_combo,
    set_date,
)
from safetydesk.ui.kit.windows import existing_form, show_detail, track_form

RED = "#a4262c"


def list_staff(session: Any, offset: int, limit: int, **f: Any) -> list[dict[str, Any]]:
    return staff.list_staff(session, text=f.get("text", ""), school_id=f.get("school_id", ""),
                            category=f.get("category", ""), offset=offset, limit=limit,
                            sort=f.get("sort", ""), descending=f.get("descending", False))


def load_staff(session: Any, staff_id: str) -> dict[str, Any]:
    """Runs on the worker: the staff member, training, and both histories (viewing is audited)."""
    record = staff.get_staff(session, staff_id)
    staff.view_staff(session, staff_id)
    history = staff.staff_history(session, staff_id) + staff.training_history(session, staff_id)
    history.sort(key=lambda e: e.wall_time)
    return {"record": record, "history": history}


def attach_esd_file(session: Any, path: str) -> dict[str, Any]:
    name, data = read_bytes(path)
    media = "application/pdf" if name.lower().endswith(".pdf") else "application/octet-stream"
    return staff.attach_file(session, name, data, media)


def training_summary(row: dict[str, Any], today: date | None = None) -> tuple[str, bool]:
    """(text, overdue) for the list: ESD status and counts."""
    today = today or date.today()
    if not row.get("esd_confirmed_on"):
        return "ESD documentation not confirmed", True
    need_checkins = check_ins_required(row.get("category", ""))
    ojt, checks = row.get("on_the_job_count", 0), row.get("check_in_count", 0)
    complete = ojt >= ON_THE_JOB_DAYS_REQUIRED and checks >= need_checkins
    due = row.get("due_on") or ""
    overdue = not complete and bool(due) and due < today.isoformat()
    parts = [f"on the job {ojt}/{ON_THE_JOB_DAYS_REQUIRED}"]
    if need_checkins:
        parts.append(f"check-ins {checks}/{need_checkins}")
    text = "Complete" if complete else ", ".join(parts) + (f"; due {due}" if due else "")
    return ("Overdue: " + text if overdue else text), overdue


class StaffPage(RecordListPage):
    TITLE = "Staff & training"
    NOUN = ("staff member", "staff members")
    NEW_TEXT = "Add a staff member…"
    SEARCH_HINT = "Search by name, badge or agency"
    INTRO = ("Everyone whose primary duty is safety or security, employees and contractors (P01). "
             "Nobody may work with students until the district confirms their ESD training (P02).")
    EMPTY = "No staff member matches. Clear the search to see everyone."
    COLUMNS: ClassVar[list[tuple[str, str]]] = [("name", "Name"), ("category", "Category"), ("employer", "Employer"),
               ("badge", "Badge"), ("schools", "Schools (days a week)"), ("training", "Training")]
    WIDTHS = (190, 190, 200, 80, 220)
    # every column sorts in the model by the text it shows (badges by their numbers)
    LOCAL_SORTS: ClassVar[dict[str, LocalSort]] = {c: "text" for c, _ in COLUMNS}
    # with more staff than one fetch, these columns sort the whole list in the query
    QUERY_SORTS: ClassVar[tuple[str, ...]] = ("name", "category", "employer", "badge")

    def __init__(self, ctx: Any, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, window, parent)
        self.setObjectName("staffPage")
        self.table.setObjectName("staffTable")

    def add_filters(self) -> None:
        self.category = combo("categoryFilter", "Filter by category", StaffCategory.choices(),
                              first="All categories")
        self.filters_row.addWidget(self.category)
        self.category.currentIndexChanged.connect(lambda _: self.apply_filter())

    def filters(self) -> dict[str, Any]:
        return super().filters() | {"category": self.category.currentData() or ""}

    def fetch_fn(self) -> Any:
        return list_staff

    def text(self, row: dict[str, Any], column: str) -> str:
        if column == "category":
            return StaffCategory.label_of(row.get("category"))
        if column == "employer":
            kind = EmployerType.label_of(row.get("employer_type"))
            return f"{row['agency']} ({kind.lower()})" if row.get("agency") else kind
        if column == "schools":
            return ", ".join(f"{self.ctx.school_name(a['school_id'])} ({a['days_per_week']:g})"
                             for a in row.get("assignments", []))
        if column == "training":
            return training_summary(row)[0]
        if column == "name" and row.get("end_date") and row["end_date"] < date.today().isoformat():
            return f"{row['name']} (left {row['end_date']})"
        return str(row.get(column) or "")

    def red(self, row: dict[str, Any], column: str) -> bool:
        return column == "training" and training_summary(row)[1]

    KINDS = (RecordType.STAFF, TRAINING, RecordType.SCHOOL,)

    def can_create(self) -> bool:
        return self.ctx.can(Permission.MANAGE_REGISTRY)

    def new_record(self) -> Any:
        if not self.can_create():
            return None
        return track_form(self.window_, StaffForm(self.ctx, parent=self.window_))

    def open(self, record_id: str) -> Any:
        return open_staff(self.window_, record_id, self.ctx)


class AssignmentsEditor(QWidget):
    """Schools a staff member is assigned to, each with days per week."""

    changed = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("assignments")
        self.rows: list[tuple[QComboBox, QDoubleSpinBox, QWidget]] = []
        self.v = QVBoxLayout(self)
        self.v.setContentsMargins(0, 0, 0, 0)
        self.v.setSpacing(4)
        self.empty = hint("Not assigned to a school yet.")
        self.v.addWidget(self.empty)
        self.add_button = QPushButton("Add a school")
        self.add_button.setObjectName("addAssignment")
        self.add_button.setAccessibleName("Add a school assignment")
        self.add_button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        self.v.addLayout(row)
        self.add_button.clicked.connect(lambda: self.add())

    def add(self, school_id: str = "", days: float = 5.0) -> None:
        n = len(self.rows)
        frame = QFrame()
        frame.setProperty("role", "personRow")
        h = QHBoxLayout(frame)
        h.setContentsMargins(8, 2, 2, 2)
        school = combo(f"assignmentSchool{n}", f"School of assignment {n + 1}",
                       [(s["id"], s["name"]) for s in self.ctx.schools], first="Choose a school…")
        if school_id and school.findData(school_id) < 0:
            school.addItem(self.ctx.school_name(school_id), school_id)
        set_combo(school, school_id)
        spin = QDoubleSpinBox()
        spin.setObjectName(f"assignmentDays{n}")
        spin.setAccessibleName(f"Days per week at school {n + 1}")
        spin.setRange(0, 5)
        spin.setSingleStep(0.5)
        spin.setDecimals(1)
        spin.setSuffix(" days a week")
        spin.setValue(days)
        remove = QPushButton("Remove")
        remove.setObjectName(f"assignmentRemove{n}")
        remove.setAccessibleName(f"Remove assignment {n + 1}")
        remove.setAutoDefault(False)
        h.addWidget(school, 1)
        h.addWidget(spin)
        h.addWidget(remove)
        entry = (school, spin, frame)
        self.rows.append(entry)
        self.v.insertWidget(self.v.count() - 1, frame)
        school.currentIndexChanged.connect(lambda _: self.changed.emit())
        spin.valueChanged.connect(lambda _: self.changed.emit())
        remove.clicked.connect(lambda: self._remove(entry))
        self.empty.setVisible(False)
        self.changed.emit()
        if not school_id:
            school.setFocus()

    def _remove(self, entry: tuple[QComboBox, QDoubleSpinBox, QWidget]) -> None:
        self.rows.remove(entry)
        entry[2].setParent(None)
        entry[2].deleteLater()
        self.empty.setVisible(not self.rows)
        self.add_button.setFocus()
        self.changed.emit()

    def value(self) -> list[dict[str, Any]]:
        return [{"school_id": s.currentData() or "", "days_per_week": d.value()} for s, d, _ in self.rows]

    def set_value(self, assignments: list[dict[str, Any]]) -> None:
        for a in assignments:
            self.add(a.get("school_id", ""), float(a.get("days_per_week") or 0))


class StaffForm(RecordForm):
    FORM = "staff"
    NOUN = "staff member"
    TITLE_NEW = "Add a staff member"
    TITLE_AMEND = "Correct a staff member"
    INTRO = ("Safety and security staff: SROs, school and campus security officers, and any other "
             "employee or contractor whose primary duty is safety or security (RCW 28A.320.124). "
             "Fields marked * are required.")
    FIELDS = ("name", "category", "commissioned", "employer_type", "agency", "badge", "assignments",
              "start_date", "end_date")
    DRAFT_CLASS = StaffDraft

    def build(self, form: FormBuilder) -> None:
        self.resize(720, 720)
        form.add_section("Who")
        self.name = QLineEdit()
        self.name.setPlaceholderText("Full name, for example Officer Morgan Vale")
        form.add("name", "&Name *", self.name, object_name="staffName")
        self.category = combo("category", "Category", StaffCategory.choices(), first="Choose a category…")
        form.add("category", "&Category *", self.category,
                 description="SRO: a commissioned, sworn officer assigned by a police department or sheriff.")
        self.commissioned = QCheckBox("Commissioned (sworn) officer")
        form.add("commissioned", "Commissioned", self.commissioned, object_name="commissioned",
                 description="Tick for commissioned, sworn law enforcement officers.")
        form.add_section("Employer")
        self.employer_type = combo("employerType", "Employer type", EmployerType.choices(),
                                   first="Choose who employs them…")
        form.add("employer_type", "&Employer *", self.employer_type, object_name="employerType")
        self.agency = QLineEdit()
        self.agency.setPlaceholderText("Police department, sheriff's office or company")
        form.add("agency", "&Agency or company", self.agency, object_name="agency",
                 description="Required when a law enforcement agency or a contractor employs them.")
        self.badge = QLineEdit()
        form.add("badge", "&Badge or id", self.badge, object_name="badge",
                 description="Badge number or employee id; it names the person in imports and exports.")
        form.add_section("Schools")
        self.assignments = AssignmentsEditor(self.ctx)
        form.add("assignments", "Ass&ignments", self.assignments, object_name="assignments",
                 top_aligned=True, description="Each school the person works at, with days per week "
                 "(the yearly OSPI collection reports them).")
        self.start_date = date_edit("startDate", optional=True)
        form.add("start_date", "S&tart date", self.start_date, object_name="startDate",
                 description="First day in the role. Training is due within a year of it.")
        self.end_date = date_edit("endDate", optional=True)
        form.add("end_date", "En&d date", self.end_date, object_name="endDate",
                 description="Last day, for someone who left. Staff are never deleted.")

    def labels_of(self, record: dict[str, Any]) -> dict[str, str]:
        return {}

    def load(self, d: StaffDraft) -> None:
        self.name.setText(d.name)
        set_combo(self.category, d.category)
        self.commissioned.setChecked(d.commissioned)
        set_combo(self.employer_type, d.employer_type)
        self.agency.setText(d.agency)
        self.badge.setText(d.badge)
        self.assignments.set_value(d.assignments)
        set_date(self.start_date, d.start_date)
        set_date(self.end_date, d.end_date)

    def draft(self) -> StaffDraft:
        return StaffDraft(name=self.name.text().strip(), category=self.category.currentData() or "",
                          commissioned=self.commissioned.isChecked(),
                          employer_type=self.employer_type.currentData() or "",
                          agency=self.agency.text().strip(), badge=self.badge.text().strip(),
                          assignments=self.assignments.value(), start_date=date_value(self.start_date),
                          end_date=date_value(self.end_date))

    def connect_fields(self) -> None:
        self.name.textChanged.connect(lambda _: self.changed("name"))
        self.category.currentIndexChanged.connect(self._category_changed)
        self.commissioned.toggled.connect(lambda _: self.changed("commissioned"))
        self.employer_type.currentIndexChanged.connect(lambda _: self.changed("employer_type"))
        self.agency.textChanged.connect(lambda _: self.changed("agency"))
        self.badge.textChanged.connect(lambda _: self.changed("badge"))
        self.assignments.changed.connect(lambda: self.changed("assignments"))
        self.start_date.dateChanged.connect(lambda _: self.changed("start_date"))
        self.end_date.dateChanged.connect(lambda _: self.changed("end_date"))

    def _category_changed(self) -> None:
        if self.category.currentData() == StaffCategory.SRO:
            self.commissioned.setChecked(True)
            if not self.employer_type.currentData():
                set_combo(self.employer_type, EmployerType.LAW_ENFORCEMENT)
        self.changed("category")

    def local_check(self, draft: StaffDraft) -> list[FieldError]:
        known = Known(schools={s["id"]: s["name"] for s in self.ctx.schools})
        errors = validate_staff(draft, known)
        if any(not a["school_id"] for a in draft.assignments):
            errors = [e for e in errors if e.field != "assignments"]
            errors.append(FieldError("assignments", "Choose the school of each assignment, or remove it."))
        return errors

    def log_service(self) -> Any:
        return registry.add_staff

    def amend_service(self) -> Any:
        return staff.amend_staff


class StaffTrainingForm(RecordForm):
    FORM = "staff_training"
    NOUN = "training record"
    TITLE_NEW = "Record training"
    TITLE_AMEND = "Update training"
    INTRO = ("Policy 4311 clause C: before working with students, the district confirms the ESD "
             "training series documentation. Within a year: two days of on-the-job training and, "
             "except for SROs, at least six check-in trainings.")
    FIELDS = ("program_start", "esd_issuer", "esd_date", "esd_reference", "esd_file",
              "esd_confirmed_by", "esd_confirmed_on", "classroom_topics", "on_the_job_days",
              "check_ins", "note")
    TEXT_FIELDS = ("note",)
    DRAFT_CLASS = TrainingDraft

    def __init__(self, ctx: Any, staff_id: str, staff_name: str, training: TrainingDraft | None,
                 parent: QWidget | None = None, draft_entry: dict[str, Any] | None = None) -> None:
        self.staff_id = staff_id
        self.staff_name = staff_name
        self._file: dict[str, Any] = {}
        record = {"id": staff_id, "draft": training, "version": None} if training else None
        super().__init__(ctx, record=record, draft_entry=draft_entry,
                         prefill=TrainingDraft(staff_id=staff_id), parent=parent)
        self.setWindowTitle(f"{self.windowTitle()} — {staff_name}")
        title = self.findChild(QLabel, "formTitle")
        if title is not None:
            title.setText(self.windowTitle())

    def build(self, form: FormBuilder) -> None:
        self.resize(760, 880)
        form.add_section("ESD training series documentation")
        self.esd_issuer = QLineEdit()
        self.esd_issuer.setPlaceholderText("For example ESD 113")
        form.add("esd_issuer", "&Issuing ESD", self.esd_issuer, object_name="esdIssuer",
                 description="The educational service district that issued the documentation.")
        self.esd_date = date_edit("esdDate", optional=True)
        form.add("esd_date", "Document &date", self.esd_date, object_name="esdDate",
                 description="The date on the ESD documentation.")
        self.esd_reference = QLineEdit()
        form.add("esd_reference", "&Reference", self.esd_reference, object_name="esdReference",
                 description="Certificate or reference number on the documentation.")
        file_row = QWidget()
        fh = QHBoxLayout(file_row)
        fh.setContentsMargins(0, 0, 0, 0)
        self.file_label = hint("No file attached.", "esdFileName")
        self.attach_button = QPushButton("Attach the document…")
        self.attach_button.setObjectName("attachEsdFile")
        self.attach_button.setAccessibleName("Attach the ESD documentation file")
        self.attach_button.setAutoDefault(False)
        fh.addWidget(self.file_label, 1)
        fh.addWidget(self.attach_button)
        form.add("esd_file", "Document file", file_row, object_name="esdFile",
                 description="A scan or PDF of the documentation, kept inside the encrypted data file.")
        self.esd_confirmed_by = QLineEdit()
        self.esd_confirmed_by.setPlaceholderText("Who at the district checked it")
        form.add("esd_confirmed_by", "Confirmed &by", self.esd_confirmed_by, object_name="esdConfirmedBy",
                 description="The district staff member who checked the documentation.")
        self.esd_confirmed_on = date_edit("esdConfirmedOn", optional=True)
        form.add("esd_confirmed_on", "Confirmed &on", self.esd_confirmed_on, object_name="esdConfirmedOn",
                 description="Until this date is set the person may not interact with students.")
        form.add_section("Training during the first year")
        self.program_start = date_edit("programStart", optional=True)
        form.add("program_start", "Programme &start", self.program_start, object_name="programStart",
                 description="Start of the one-year window; empty means the person's start date.")
        self.classroom_topics = EntryTable("classroomTopics", "Classroom topics completed",
                                           [("completed_on", "Completed on"), ("topic", "Topic")],
                                           "Add a topic")
        form.add("classroom_topics", "Classroom topics", self.classroom_topics, top_aligned=True,
                 object_name="classroomTopics")
        self.on_the_job_days = EntryTable("onTheJobDays", "On-the-job training days",
                                          [("date", "Date"), ("note", "Note")], "Add a day")
        form.add("on_the_job_days", "On-the-job days", self.on_the_job_days, top_aligned=True,
                 object_name="onTheJobDays",
                 description=f"{ON_THE_JOB_DAYS_REQUIRED} days are due within one year.")
        self.check_ins = EntryTable("checkIns", "Check-in trainings", [("date", "Date"), ("topic", "Topic")],
                                    "Add a check-in")
        form.add("check_ins", "Check-ins", self.check_ins, top_aligned=True, object_name="checkIns",
                 description=f"At least {CHECK_INS_REQUIRED} within one year (not required for SROs).")
        self.note = QLineEdit()
        form.add("note", "No&te", self.note, object_name="trainingNote")
        self.attach_button.clicked.connect(self._attach)

    def load(self, d: TrainingDraft) -> None:
        set_date(self.program_start, d.program_start)
        self.esd_issuer.setText(d.esd_issuer)
        set_date(self.esd_date, d.esd_date)
        self.esd_reference.setText(d.esd_reference)
        self._set_file(d.esd_file)
        self.esd_confirmed_by.setText(d.esd_confirmed_by)
        set_date(self.esd_confirmed_on, d.esd_confirmed_on)
        self.classroom_topics.set_value(d.classroom_topics)
        self.on_the_job_days.set_value(d.on_the_job_days)
        self.check_ins.set_value(d.check_ins)
        self.note.setText(d.note)

    def _set_file(self, f: dict[str, Any]) -> None:
        self._file = dict(f or {})
        self.file_label.setText(f"{self._file['name']} ({self._file.get('size', 0) // 1024 + 1} KB)"
                                if self._file.get("name") else "No file attached.")

    def _attach(self) -> None:
        path = choose_path(self, "Attach the ESD documentation", filters="Documents (*.pdf *.png *.jpg);;All files (*)")
        if not path:
            return
        self.file_label.setText("Attaching…")
        self.ctx.worker.write(attach_esd_file, path, owner=self, label="Attaching the document",
                              done=self._attached, error=self._not_attached)

    def _attached(self, ref: Any) -> None:
        self._set_file(ref)
        self.changed("esd_file")

    def _not_attached(self, exc: BaseException) -> None:
        self._set_file(self._file)
        prompts.show_failure(self, exc, "Not attached")

    def draft(self) -> TrainingDraft:
        return TrainingDraft(
            staff_id=self.staff_id, program_start=date_value(self.program_start),
            esd_issuer=self.esd_issuer.text().strip(), esd_date=date_value(self.esd_date),
            esd_reference=self.esd_reference.text().strip(), esd_file=dict(self._file),
            esd_confirmed_by=self.esd_confirmed_by.text().strip(),
            esd_confirmed_on=date_value(self.esd_confirmed_on),
            classroom_topics=self.classroom_topics.value(), on_the_job_days=self.on_the_job_days.value(),
            check_ins=self.check_ins.value(), note=self.note.text().strip())

    def connect_fields(self) -> None:
        for name, w in (("esd_issuer", self.esd_issuer), ("esd_reference", self.esd_reference),
                        ("esd_confirmed_by", self.esd_confirmed_by), ("note", self.note)):
            w.textChanged.connect(lambda _, n=name: self.changed(n))
        for name, d in (("esd_date", self.esd_date), ("esd_confirmed_on", self.esd_confirmed_on),
                        ("program_start", self.program_start)):
            d.dateChanged.connect(lambda _, n=name: self.changed(n))
        for name, t in (("classroom_topics", self.classroom_topics),
                        ("on_the_job_days", self.on_the_job_days), ("check_ins", self.check_ins)):
            t.changed.connect(lambda n=name: self.changed(n))

    def local_check(self, draft: TrainingDraft) -> list[FieldError]:
        return validate_training(draft, date.today())

    def log_service(self) -> Any:
        return staff.record_training

    def amend_service(self) -> Any:
        return staff.record_training

    def amend_args(self, draft: Any, reason: str) -> tuple[Any, ...]:
        return (draft, reason, None)

    def draft_labels(self) -> dict[str, str]:
        return {self.staff_id: self.staff_name}


class StaffDetail(RecordDetail):
    NOUN = "staff member"
    FIELD_LABELS: ClassVar[dict[str, str]] = {
        "name": "Name", "category": "Category", "commissioned": "Commissioned", "employer_type": "Employer",
        "agency": "Agency or company", "badge": "Badge", "assignments": "Assignments",
        "start_date": "Start date", "end_date": "End date", "esd_issuer": "Training: issuing ESD",
        "esd_date": "Training: ESD document date", "esd_reference": "Training: ESD reference",
        "esd_file": "Training: ESD document", "esd_confirmed_by": "Training: confirmed by",
        "esd_confirmed_on": "Training: confirmed on", "classroom_topics": "Training: classroom topics",
        "on_the_job_days": "Training: on-the-job days", "check_ins": "Training: check-ins",
        "program_start": "Training: programme start", "note": "Training: note", "staff_id": "Staff member",
    }
    QUIET: ClassVar[set[str]] = {"author", "rules_version", "retract_reason", "staff_id"}

    def loader(self) -> Any:
        return load_staff

    KINDS = (RecordType.STAFF, TRAINING, RecordType.SCHOOL, ATTACHMENT_RECORD_TYPE,)

    def build_extra(self) -> None:
        title = QLabel("Training (P02)")
        title.setProperty("role", "sectionTitle")
        self.training_box = QFrame()
        self.training_box.setProperty("role", "card")
        self.training_box.setObjectName("trainingCard")
        self.training_grid = QGridLayout(self.training_box)
        self.training_grid.setHorizontalSpacing(16)
        self.training_grid.setColumnStretch(1, 1)
        self.training_button = QPushButton("Record training…")
        self.training_button.setObjectName("recordTraining")
        self.training_button.setAccessibleName("Record or update this person's training")
        self.training_button.setAutoDefault(False)
        self.training_button.clicked.connect(self.record_training)
        row = QHBoxLayout()
        row.addWidget(title)
        row.addStretch(1)
        row.addWidget(self.training_button)
        self.extra.addLayout(row)
        self.extra.addWidget(self.training_box)

    def show_data(self, data: dict[str, Any]) -> None:
        record = data["record"]
        s = record["state"]
        self.setWindowTitle(f"Staff — {s.get('name', '')}")
        self.title.setText(s.get("name", ""))
        self.subtitle.setText(f"{StaffCategory.label_of(s.get('category'))} · version "
                              f"{record.get('version', 1)}")
        items = record.get("training_items", [])
        badges = []
        if any(i.item == "esd_documentation" for i in items):
            badges.append(("ESD training not confirmed: may not work with students", "force"))
        elif any(i.overdue for i in items):
            badges.append(("Training overdue", "force"))
        elif items:
            badges.append(("Training in progress", "discipline"))
        else:
            badges.append(("Training complete", "ok"))
        if s.get("end_date") and s["end_date"] < date.today().isoformat():
            badges.append((f"Left on {s['end_date']}", "retracted"))
        self.set_badges(badges)
        self.set_rows([
            ("Category", StaffCategory.label_of(s.get("category"))),
            ("Commissioned", "Yes" if s.get("commissioned") else "No"),
            ("Employer", EmployerType.label_of(s.get("employer_type"))),
            ("Agency or company", s.get("agency", "")),
            ("Badge or id", s.get("badge", "")),
            ("Schools", "\n".join(f"{self.ctx.school_name(a.get('school_id', ''))}: "
                                  f"{float(a.get('days_per_week') or 0):g} days a week"
                                  for a in s.get("assignments") or [])),
            ("Start date", s.get("start_date", "")),
            ("End date", s.get("end_date", "")),
        ])
        self._training(record)

    def _training(self, record: dict[str, Any]) -> None:
        grid = self.training_grid
        while grid.count():
            item = grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.setParent(None)
                w.deleteLater()
        t: TrainingDraft = record.get("training") or TrainingDraft(staff_id=self.record_id)
        items = {i.item: i for i in record.get("training_items", [])}
        category = record["state"].get("category", "")
        start = t.program_start or record["state"].get("start_date", "")
        due = due_date(start)
        esd = items.get("esd_documentation")
        lines: list[tuple[str, str, bool]] = []
        if esd:
            lines.append(("ESD documentation", "Not confirmed. This person may not interact with students "
                          "until the district confirms it.", True))
        else:
            lines.append(("ESD documentation", f"{t.esd_issuer}, dated {t.esd_date}, reference "
                          f"{t.esd_reference}; confirmed by {t.esd_confirmed_by} on {t.esd_confirmed_on}",
                          False))
        if t.esd_file.get("name"):
            lines.append(("Document file", t.esd_file["name"], False))
        lines.append(("Classroom topics", "\n".join(f"{x.get('completed_on', '')}: {x.get('topic', '')}"
                                                    for x in t.classroom_topics) or "None recorded", False))
        ojt = items.get("on_the_job_days")
        lines.append(("On-the-job days",
                      f"{len(t.on_the_job_days)} of {ON_THE_JOB_DAYS_REQUIRED}"
                      + (f" — due {due}" if ojt and due else "") + (" — OVERDUE" if ojt and ojt.overdue else "")
                      + ("" if ojt else " — done"), bool(ojt and ojt.overdue)))
        need = check_ins_required(category)
        ci = items.get("check_ins")
        lines.append(("Check-ins", "Not required for SROs" if not need else
                      f"{len(t.check_ins)} of {need}" + (f" — due {due}" if ci and due else "")
                      + (" — OVERDUE" if ci and ci.overdue else "") + ("" if ci else " — done"),
                      bool(ci and ci.overdue)))
        if due:
            lines.append(("Due within the year", f"{due} (a year after {start})", False))
        for i, (label, value, red) in enumerate(lines):
            name = QLabel(label)
            name.setProperty("role", "fieldLabel")
            text = QLabel(value)
            text.setWordWrap(True)
            text.setObjectName("training_" + label.lower().replace(" ", "_").replace("-", "_"))
            text.setAccessibleName(label)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            if red:
                text.setProperty("overdue", True)
                text.setStyleSheet(f"color: {RED}; font-weight: 600;")
            grid.addWidget(name, i, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, i, 1)
        can = self.ctx.can(Permission.MANAGE_TRAINING)
        self.training_button.setEnabled(can)
        self.training_button.setText("Update training…" if record.get("training") else "Record training…")
        self.training_button.setToolTip("" if can else "Your account cannot record training.")

    def can_amend(self, state: dict[str, Any]) -> bool:
        return self.ctx.can(Permission.MANAGE_REGISTRY)

    def amend(self) -> None:
        if self.data is None or not self.amend_button.isEnabled():
            return
        record = self.data["record"]
        form = existing_form(self.window_, f"staff:amend:{self.record_id}")
        if form is None:
            track_form(self.window_, StaffForm(self.ctx, record=record, parent=self.window_ or self))

    def record_training(self) -> None:
        if self.data is None:
            return
        record = self.data["record"]
        form = existing_form(self.window_, f"staff_training:amend:{self.record_id}")
        if form is None:
            track_form(self.window_, StaffTrainingForm(self.ctx, self.record_id, record["state"].get("name", ""),
                                                  record.get("training"), parent=self.window_ or self))


def open_staff(window: Any, staff_id: str, ctx: Any = None) -> Any:
    ctx = ctx or window.ctx
    return show_detail(window, f"staff:{staff_id}",
                       lambda: StaffDetail(ctx, staff_id, window, parent=window))
