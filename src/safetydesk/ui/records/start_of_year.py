"""The start of each school year (P03, P04, P05): every school's status at a glance for a chosen
year, and per school the checklist with what was recorded and forms to record the rest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.attachments import ATTACHMENT_RECORD_TYPE
from safetydesk.domain.changes import Changes
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RecordType
from safetydesk.domain.settings import SETTINGS_RECORD_TYPE
from safetydesk.domain.start_of_year import (
    GUN_SAFE_COUNT,
    GUN_SAFE_HOUSEHOLD,
    GUN_SAFETY_CAMPAIGN,
    ROLE_DISTRIBUTION,
    ROLE_PRESENTATION,
    CampaignAudience,
    CampaignFormat,
    DistributionMethod,
    GunSafeCountDraft,
    GunSafeHouseholdDraft,
    GunSafetyCampaignDraft,
    ItemStatus,
    PresentationAudience,
    RoleDistributionDraft,
    RolePresentationDraft,
)
from safetydesk.domain.validation import school_year_of
from safetydesk.services import settings, start_of_year
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.kit.layout import FormBuilder, page_frame, scrolling_with_footer
from safetydesk.ui.kit.list_tools import ListMemory
from safetydesk.ui.kit.listing import LocalSort, RowTable, short_list
from safetydesk.ui.kit.prompts import choose_open_file
from safetydesk.ui.kit.widgets import (
    CheckList,
    DateField,
    button,
    card,
    checkbox,
    hint_label,
    school_years_around,
    title_label,
)
from safetydesk.ui.kit.windows import open_tracked, present, track

STATUS_COLOURS = {ItemStatus.MISSING: "#a4262c", ItemStatus.PARTIAL: "#8a4b00",
                  ItemStatus.DONE: "#1e6b3a", ItemStatus.NOT_REQUIRED: "#5f6b7a"}
STATUS_WORDS = {ItemStatus.MISSING: "Missing", ItemStatus.PARTIAL: "Partly done",
                ItemStatus.DONE: "Done", ItemStatus.NOT_REQUIRED: "Not required"}
TITLES = {ROLE_PRESENTATION: "Presentation to students", ROLE_DISTRIBUTION: "Distribution to families",
          GUN_SAFETY_CAMPAIGN: "Gun safety campaign", GUN_SAFE_COUNT: "Gun safes requested and provided",
          GUN_SAFE_HOUSEHOLD: "Household on the delivery list"}


def _csv(text: str) -> list[str]:
    return [x.strip() for x in text.replace(";", ",").split(",") if x.strip()]

# The start-of-year records, and the schools they are kept for.
KINDS = (ROLE_PRESENTATION, ROLE_DISTRIBUTION, GUN_SAFETY_CAMPAIGN, GUN_SAFE_COUNT,
         GUN_SAFE_HOUSEHOLD, RecordType.SCHOOL, RecordType.DISTRICT)


STATUS_COLUMNS = [("school", "School"), ("staff", "Safety staff"), ("role", "Role information (P03)"),
                  ("campaign", "Gun safety campaign (P04)"), ("safes", "Gun safes asked / given"),
                  ("todo", "Still to record")]


# How each column sorts in the model: counts by number, safety staff yes before none, the
# rest by the text shown.
STATUS_SORTS: dict[str, LocalSort] = {
    "school": "text", "staff": lambda row: 0 if row["status"].has_safety_staff else 1,
    "role": "text", "campaign": "text",
    "safes": lambda row: (row["status"].gun_safes_requested, row["status"].gun_safes_provided),
    "todo": "text"}


def list_school_statuses(session: Any, offset: int, limit: int, school_year: str = "") -> list[dict[str, Any]]:
    """Every school's start-of-year status for the year, as list rows (on the worker)."""
    statuses = start_of_year.district_status(session, school_year)[offset:offset + limit]
    return [{"id": st.school_id, "status": st} for st in statuses]


def status_text(row: dict[str, Any], column: str) -> str:
    st = row["status"]
    if column == "school":
        return str(st.school_name)
    if column == "staff":
        return "Yes" if st.has_safety_staff else "None assigned"
    if column == "role":
        return STATUS_WORDS.get(st.role_information, st.role_information)
    if column == "campaign":
        return STATUS_WORDS.get(st.campaign, st.campaign)
    if column == "safes":
        return f"{st.gun_safes_requested} / {st.gun_safes_provided}"
    todo = list(st.role_information_missing)
    if st.campaign == ItemStatus.MISSING:
        todo.append("gun safety campaign")
    return ", ".join(todo) or "—"


def status_colour(row: dict[str, Any], column: str) -> str:
    st = row["status"]
    if column == "role":
        return STATUS_COLOURS.get(st.role_information, "")
    if column == "campaign":
        return STATUS_COLOURS.get(st.campaign, "")
    return ""


def schools_complete(done: int, total: int, year: str) -> str:
    """"2 of 3 schools complete for 2026-27"; with one school, what it means ("1 of 1 schools" was read aloud)."""
    if total == 1:
        return f"The checklist for {year} is {'complete' if done else 'not complete yet'}."
    if total == 0:
        return f"No school has a checklist for {year}."
    if done == total:
        return f"All {total} schools complete for {year}."
    return f"{done} of {total} schools complete for {year}."


class StartOfYearPage(QWidget):
    """The district view: every school's start-of-year status for the chosen year."""

    def __init__(self, ctx: UiContext, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window_ = window
        self.setObjectName("startOfYearPage")
        self.statuses: list[Any] = []
        self.year = QComboBox()
        self.year.setObjectName("startOfYearYear")
        self.year.setAccessibleName("School year")
        for y in school_years_around():
            self.year.addItem(y, y)
        self.year.setCurrentIndex(max(0, self.year.findData(school_year_of(_today()))))
        self.summary = QLabel()
        self.summary.setObjectName("startOfYearSummary")
        self.summary.setProperty("role", "countLabel")
        # The kit's lazy list model: one fetch of every school's status for the year.
        self.model, self.table = short_list(
            ctx.worker, "startOfYearTable", "Start-of-year status of every school", STATUS_COLUMNS,
            list_school_statuses, status_text, status_colour, parent=self, sorts=STATUS_SORTS)
        self.memory = ListMemory(ctx, self.table, self.model, "StartOfYearPageList", parent=self)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        year_label = QLabel("&School year")
        year_label.setBuddy(self.year)
        v = page_frame(self, title_label("Start of the school year"), year_label, self.year, intro=hint_label(
            "Where a school has safety and security staff, it presents their role to students and "
            "sends the information to families at the start of each year: role information is "
            "“Missing” until both are recorded. Every school runs a gun safety campaign for students "
            "and staff and records gun safes as counts. Press Enter on a school to open its checklist."))
        v.addWidget(self.summary)
        v.addWidget(self.table, 1)
        self.year.currentIndexChanged.connect(lambda _: self.refresh())
        self.table.open_requested.connect(self._open_row)
        self.model.count_changed.connect(self._loaded)
        ctx.worker.records_changed.connect(self._records_changed)
        self.refresh()

    def school_year(self) -> str:
        return self.year.currentData() or school_year_of(_today())

    def set_year(self, year: str) -> None:
        index = self.year.findData(year)
        if index < 0:
            self.year.addItem(year, year)
            index = self.year.count() - 1
        self.year.setCurrentIndex(index)

    def _records_changed(self, changes: Changes) -> None:
        if changes.touches(*KINDS):
            self.refresh()

    def refresh(self) -> None:
        if self.ctx.signed_in:
            self.model.set_filters(school_year=self.school_year())

    def _loaded(self, n: int) -> None:
        self.statuses = [row["status"] for i in range(n) if (row := self.model.row(i)) is not None]
        done = sum(1 for s in self.statuses if s.complete)
        self.summary.setText(schools_complete(done, len(self.statuses), self.school_year()))

    def current_id(self) -> str:
        row = self.model.row(self.table.currentIndex().row()) if self.table.currentIndex().isValid() else None
        return str(row["id"]) if row is not None else ""

    def _open_row(self, r: int) -> None:
        row = self.model.row(r)
        if row is not None:
            self.open_school(str(row["id"]))

    def status_of(self, school_id: str) -> Any:
        return next((s for s in self.statuses if s.school_id == school_id), None)

    def open_school(self, school_id: str) -> SchoolChecklist:
        window = self.window_ if self.window_ is not None else self.window()
        return open_checklist(window, self.ctx, school_id, self.school_year())


def _today() -> Any:
    from datetime import date

    return date.today()


def open_checklist(window: Any, ctx: UiContext, school_id: str, year: str) -> Any:
    def make() -> SchoolChecklist:
        dialog = SchoolChecklist(ctx, school_id, year, parent=window)
        return dialog

    return open_tracked(window, f"start_of_year:{school_id}:{year}", make)


def load_checklist(session: Any, school_id: str, year: str) -> dict[str, Any]:
    checklist = start_of_year.school_checklist(session, school_id, year)
    s = settings.get_settings(session)
    households: list[dict[str, Any]] = []
    if s.gun_safe_household_list and session.actor.can(start_of_year.HOUSEHOLD_PERMISSION):
        households = start_of_year.household_list(session, year, school_id)
    return {"checklist": checklist, "household_list": s.gun_safe_household_list, "households": households}


class SchoolChecklist(QDialog):
    """One school's checklist for a year, with the records behind each item."""

    def __init__(self, ctx: UiContext, school_id: str, year: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.school_id = school_id
        self.year = year
        self.record_id = f"{school_id}:{year}"
        self.data: dict[str, Any] | None = None
        self.setObjectName("schoolChecklist")
        name = ctx.school_name(school_id)
        self.setWindowTitle(f"Start of year {year} — {name}")
        self.resize(900, 820)
        self.title = title_label(f"{name}: start of {year}", "checklistTitle")
        self.status_label = QLabel()
        self.status_label.setObjectName("checklistStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        can = ctx.can(Permission.MANAGE_START_OF_YEAR, school_id)
        self.tables: dict[str, RowTable] = {}
        self.add_buttons: dict[str, Any] = {}
        specs = [
            (ROLE_PRESENTATION, ["Dates", "Audience", "Presenter", "Materials"]),
            (ROLE_DISTRIBUTION, ["Date", "Method", "Languages"]),
            (GUN_SAFETY_CAMPAIGN, ["First day", "Last day", "Formats", "Audiences"]),
            (GUN_SAFE_COUNT, ["Date", "Requested", "Provided"]),
            (GUN_SAFE_HOUSEHOLD, ["Date", "Household", "Delivered"]),
        ]
        body = QWidget()
        v = QVBoxLayout(body)
        v.setContentsMargins(24, 18, 24, 18)
        v.setSpacing(10)
        v.addWidget(self.title)
        v.addWidget(self.status_label)
        self.cards: dict[str, QFrame] = {}
        for record_type, headers in specs:
            table = RowTable(f"table_{record_type}", TITLES[record_type], headers, stretch=(len(headers) - 1,))
            table.setMinimumHeight(96)
            table.setMaximumHeight(170)
            table.open_row.connect(lambda rid, t=record_type: self.open_record(t, rid))
            add = button(f"Add {TITLES[record_type].lower()}…", f"add_{record_type}",
                         f"Record a {TITLES[record_type].lower()}")
            add.setEnabled(can if record_type != GUN_SAFE_HOUSEHOLD
                           else ctx.can(start_of_year.HOUSEHOLD_PERMISSION))
            add.clicked.connect(lambda _=False, t=record_type: self.add_record(t))
            self.tables[record_type] = table
            self.add_buttons[record_type] = add
            extra = []
            if record_type == GUN_SAFE_HOUSEHOLD:
                extra.append(hint_label("The district keeps this delivery list separately; it is never "
                                        "part of a report. Only those separately permitted see it."))
            self.cards[record_type] = card(*extra, table, add, name=f"card_{record_type}",
                                           title=TITLES[record_type])
            v.addWidget(self.cards[record_type])
        self.cards[GUN_SAFE_HOUSEHOLD].hide()
        v.addStretch(1)
        close = button("Close", "closeButton", "Close")
        close.clicked.connect(self.accept)
        scrolling_with_footer(self, body, hint_label("Press Enter on a record to correct it."), None, close,
                              horizontal_scroll=True)
        ctx.worker.records_changed.connect(self._records_changed)
        self.refresh()

    def _records_changed(self, changes: Changes) -> None:
        if changes.touches(*KINDS, SETTINGS_RECORD_TYPE, ATTACHMENT_RECORD_TYPE):
            self.refresh()

    def refresh(self) -> None:
        self.ctx.worker.read(load_checklist, self.school_id, self.year, done=self._show, owner=self,
                             key=f"checklist:{id(self)}",
                             error=lambda exc: self.status_label.setText(prompts.explain(exc)))

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        c = data["checklist"]
        st = c.status
        role_colour = STATUS_COLOURS.get(st.role_information, "")
        role = STATUS_WORDS.get(st.role_information, st.role_information)
        missing = (" (still to record: " + ", ".join(st.role_information_missing) + ")"
                   if st.role_information_missing else "")
        staff = ("Safety and security staff are assigned to this school this year."
                 if st.has_safety_staff else "No safety and security staff are assigned this year.")
        self.status_label.setText(
            f"{staff}<br>Role information (P03): <b style='color:{role_colour}'>{role}</b>{missing}<br>"
            f"Gun safety campaign (P04): <b style='color:{STATUS_COLOURS.get(st.campaign, '')}'>"
            f"{STATUS_WORDS.get(st.campaign, st.campaign)}</b><br>"
            f"Gun safes (P05): {st.gun_safes_requested} requested, {st.gun_safes_provided} provided")
        self.status_label.setAccessibleName(
            f"Role information {role}{missing}. Gun safety campaign "
            f"{STATUS_WORDS.get(st.campaign, st.campaign)}.")
        self.tables[ROLE_PRESENTATION].set_rows([(r["id"], [
            ", ".join(r.get("dates") or []), PresentationAudience.label_of(r.get("audience")),
            r.get("presenter", ""), str(r.get("material_count") or 0)]) for r in c.presentations])
        self.tables[ROLE_DISTRIBUTION].set_rows([(r["id"], [
            r.get("date", ""), DistributionMethod.label_of(r.get("method")),
            ", ".join(r.get("languages") or [])]) for r in c.distributions])
        self.tables[GUN_SAFETY_CAMPAIGN].set_rows([(r["id"], [
            r.get("start_date", ""), r.get("end_date", ""),
            ", ".join(CampaignFormat.label_of(x) for x in r.get("formats") or []),
            ", ".join(CampaignAudience.label_of(x) for x in r.get("audiences") or [])])
            for r in c.campaigns])
        self.tables[GUN_SAFE_COUNT].set_rows([(r["id"], [
            r.get("date", ""), str(r.get("requested", 0)), str(r.get("provided", 0))])
            for r in c.gun_safe_counts])
        show_households = bool(data["household_list"]) and self.ctx.can(start_of_year.HOUSEHOLD_PERMISSION)
        self.cards[GUN_SAFE_HOUSEHOLD].setVisible(show_households)
        self.tables[GUN_SAFE_HOUSEHOLD].set_rows([(r["id"], [
            r.get("date", ""), r.get("household_name", ""), "Yes" if r.get("delivered") else "No"])
            for r in data["households"]])

    # ------------------------------------------------------------------ records
    def _window(self) -> Any:
        return self.parentWidget() or self

    def add_record(self, record_type: str) -> SoyForm:
        form = SoyForm(self.ctx, record_type, self.school_id, self.year, parent=self._window())
        track(self._window(), form, f"soy-form:{record_type}:new:{id(form)}")
        present(form)
        return form

    def open_record(self, record_type: str, record_id: str) -> None:
        def got(record: dict[str, Any]) -> None:
            form = SoyForm(self.ctx, record_type, self.school_id, self.year, record=record,
                           parent=self._window())
            track(self._window(), form, f"soy-form:{record_type}:{record_id}")
            present(form)
        self.ctx.worker.read(start_of_year.get, record_type, record_id, done=got, owner=self,
                              error=lambda exc: prompts.show_failure(self, exc))


def _attach(session: Any, school_id: str, path: str) -> tuple[str, str]:
    """On the worker: store a file in the data file; (id, name)."""
    p = Path(path)
    return start_of_year.attach_material(session, school_id, p.name, p.read_bytes()), p.name


class SoyForm(RecordForm):
    """Record (or correct) one start-of-year record: presentation, distribution, campaign,
    gun safe count or household."""

    def __init__(self, ctx: UiContext, record_type: str, school_id: str, year: str, *,
                 record: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        self.record_type = record_type
        self.school_id = school_id
        self.year = year
        self.materials: list[str] = []
        self.material_names: dict[str, str] = {}
        self.OBJECT_NAME = f"form_{record_type}"
        self.NOUN = TITLES[record_type].lower()
        super().__init__(ctx, parent=parent, record_id=record["id"] if record else "")
        self.expected_version = record.get("version") if record else None
        if record is not None:
            self.load(record["draft"])
            for a in record.get("materials", []) or []:
                self.material_names[a["id"]] = a.get("name", "file")
            self._show_materials()
        self.start()

    def title_text(self) -> str:
        return ("Correct: " if self.amending else "") + TITLES[self.record_type]

    def intro_text(self) -> str:
        intro = (f"{self.ctx.school_name(self.school_id)}, school year {self.year}. Fields marked * "
                 "are required." + (" Your correction and its reason stay in the record's history."
                                    if self.amending else ""))
        if self.record_type == GUN_SAFE_COUNT:
            intro += " Gun safes are recorded as counts only: no household's name."
        return intro

    def build(self, form: FormBuilder) -> None:
        t = self.record_type
        if t == ROLE_PRESENTATION:
            self.dates = QLineEdit()
            self.dates.setPlaceholderText("YYYY-MM-DD, several separated by commas")
            form.add("dates", "&Date(s) *", self.dates, object_name="dates",
                     description="Each date the role of safety staff was presented to students.")
            self.audience = QComboBox()
            self.audience.addItem("Choose…", "")
            for value, label in PresentationAudience.choices():
                self.audience.addItem(label, value)
            form.add("audience", "&Audience *", self.audience, object_name="audience")
            self.audience_detail = QLineEdit()
            self.audience_detail.setPlaceholderText("For example: grades 9 and 10")
            form.add("audience_detail", "Which students", self.audience_detail, object_name="audienceDetail")
            self.presenter = QLineEdit()
            form.add("presenter", "&Presenter *", self.presenter, object_name="presenter",
                     description="Who presented (name and role).")
        elif t == ROLE_DISTRIBUTION:
            self.date = DateField()
            form.add("date", "&Date *", self.date, object_name="date",
                     description="When the information went to families.")
            self.method = QComboBox()
            self.method.addItem("Choose…", "")
            for value, label in DistributionMethod.choices():
                self.method.addItem(label, value)
            form.add("method", "&Method *", self.method, object_name="method")
            self.languages = QLineEdit("English")
            form.add("languages", "&Languages *", self.languages, object_name="languages",
                     description="Each language the information was sent in, separated by commas.")
        elif t == GUN_SAFETY_CAMPAIGN:
            self.start_date = DateField()
            form.add("start_date", "&First day *", self.start_date, object_name="startDate")
            self.end_date = DateField()
            form.add("end_date", "&Last day", self.end_date, object_name="endDate")
            self.formats = CheckList(CampaignFormat.choices(), "formats", "Formats")
            form.add("formats", "Formats *", self.formats, object_name="formats", top_aligned=True)
            self.audiences = CheckList(CampaignAudience.choices(), "audiences", "Audiences")
            self.audiences.set_values([CampaignAudience.STUDENTS, CampaignAudience.STAFF])
            form.add("audiences", "Audiences *", self.audiences, object_name="audiences", top_aligned=True,
                     description="Policy 4311 asks for students and staff; families may be added.")
        elif t == GUN_SAFE_COUNT:
            self.date = DateField()
            form.add("date", "&Date *", self.date, object_name="date")
            self.requested = QSpinBox()
            self.requested.setRange(0, 100000)
            form.add("requested", "&Requested", self.requested, object_name="requested",
                     description="How many gun safes families asked for.")
            self.provided = QSpinBox()
            self.provided.setRange(0, 100000)
            form.add("provided", "&Provided", self.provided, object_name="provided",
                     description="How many gun safes were handed out.")
        elif t == GUN_SAFE_HOUSEHOLD:
            self.date = DateField()
            form.add("date", "&Date of the request *", self.date, object_name="date")
            self.household_name = QLineEdit()
            form.add("household_name", "&Household *", self.household_name, object_name="householdName")
            self.address = QLineEdit()
            form.add("address", "&Address", self.address, object_name="address")
            self.phone = QLineEdit()
            form.add("phone", "&Telephone", self.phone, object_name="phone")
            self.delivered = checkbox("Delivered", "delivered")
            form.add("delivered", "Delivery", self.delivered)
            self.delivered_date = DateField()
            form.add("delivered_date", "Delivered on", self.delivered_date, object_name="deliveredDate")
        if t in (ROLE_PRESENTATION, ROLE_DISTRIBUTION, GUN_SAFETY_CAMPAIGN):
            materials = QWidget()
            mh = QHBoxLayout(materials)
            mh.setContentsMargins(0, 0, 0, 0)
            self.materials_label = QLabel("No file attached.")
            self.materials_label.setObjectName("materialsList")
            self.materials_label.setWordWrap(True)
            self.attach_button = button("Attach a file…", "attachMaterial",
                                        "Attach materials (a handout or slides)")
            self.attach_button.clicked.connect(self.attach)
            mh.addWidget(self.materials_label, 1)
            mh.addWidget(self.attach_button)
            form.add("materials", "Materials", materials, object_name="materials",
                     description="The handout, letter or slides used; stored encrypted in the data file.")
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        form.add("note", "&Note", self.note, object_name="note", top_aligned=True)

    def load(self, d: Any) -> None:
        t = self.record_type
        if t == ROLE_PRESENTATION:
            self.dates.setText(", ".join(d.dates))
            self.audience.setCurrentIndex(max(0, self.audience.findData(d.audience)))
            self.audience_detail.setText(d.audience_detail)
            self.presenter.setText(d.presenter)
        elif t == ROLE_DISTRIBUTION:
            self.date.setText(d.date)
            self.method.setCurrentIndex(max(0, self.method.findData(d.method)))
            self.languages.setText(", ".join(d.languages))
        elif t == GUN_SAFETY_CAMPAIGN:
            self.start_date.setText(d.start_date)
            self.end_date.setText(d.end_date)
            self.formats.set_values(d.formats)
            self.audiences.set_values(d.audiences)
        elif t == GUN_SAFE_COUNT:
            self.date.setText(d.date)
            self.requested.setValue(int(d.requested))
            self.provided.setValue(int(d.provided))
        elif t == GUN_SAFE_HOUSEHOLD:
            self.date.setText(d.date)
            self.household_name.setText(d.household_name)
            self.address.setText(d.address)
            self.phone.setText(d.phone)
            self.delivered.setChecked(d.delivered)
            self.delivered_date.setText(d.delivered_date)
        self.materials = list(getattr(d, "materials", []) or [])
        self.note.setPlainText(d.note)

    def draft(self) -> Any:
        t, school, year, note = self.record_type, self.school_id, self.year, self.note.toPlainText().strip()
        if t == ROLE_PRESENTATION:
            return RolePresentationDraft(school_id=school, school_year=year, dates=_csv(self.dates.text()),
                                         audience=self.audience.currentData() or "",
                                         audience_detail=self.audience_detail.text().strip(),
                                         presenter=self.presenter.text().strip(),
                                         materials=list(self.materials), note=note)
        if t == ROLE_DISTRIBUTION:
            return RoleDistributionDraft(school_id=school, school_year=year, date=self.date.text().strip(),
                                         method=self.method.currentData() or "",
                                         languages=_csv(self.languages.text()),
                                         materials=list(self.materials), note=note)
        if t == GUN_SAFETY_CAMPAIGN:
            return GunSafetyCampaignDraft(school_id=school, school_year=year,
                                          start_date=self.start_date.text().strip(),
                                          end_date=self.end_date.text().strip(),
                                          formats=self.formats.values(), audiences=self.audiences.values(),
                                          materials=list(self.materials), note=note)
        if t == GUN_SAFE_COUNT:
            return GunSafeCountDraft(school_id=school, date=self.date.text().strip(),
                                     requested=self.requested.value(), provided=self.provided.value(),
                                     note=note)
        return GunSafeHouseholdDraft(school_id=school, date=self.date.text().strip(),
                                     household_name=self.household_name.text().strip(),
                                     address=self.address.text().strip(), phone=self.phone.text().strip(),
                                     delivered=self.delivered.isChecked(),
                                     delivered_date=self.delivered_date.text().strip(), note=note)

    def check_service(self) -> Any:
        return start_of_year.check

    def log_service(self) -> Any:
        return start_of_year.record

    def amend_service(self) -> Any:
        return start_of_year.amend

    def amend_args(self, draft: Any, reason: str) -> tuple[Any, ...]:
        return (self.record_type, *super().amend_args(draft, reason))

    # ------------------------------------------------------------------ materials
    def attach(self) -> None:
        path = choose_open_file(self, "Attach materials",
                                "Documents (*.pdf *.docx *.doc *.pptx *.odt *.png *.jpg);;All files (*)")
        if not path:
            return
        self.ctx.worker.write(_attach, self.school_id, path, done=self._attached, owner=self,
                              error=lambda exc: prompts.show_failure(self, exc, "Not attached"),
                              label="Attaching the file")

    def _attached(self, result: tuple[str, str]) -> None:
        attachment_id, name = result
        self.materials.append(attachment_id)
        self.material_names[attachment_id] = name
        self._show_materials()
        self.changed("materials")

    def _show_materials(self) -> None:
        if hasattr(self, "materials_label"):
            names = [self.material_names.get(m, "file") for m in self.materials]
            self.materials_label.setText(", ".join(names) if names else "No file attached.")
