"""Climate activities (P10): the form (no student field at all), the detail and the list."""

from __future__ import annotations

from typing import Any, ClassVar

from safetydesk.domain.climate import CLIMATE, ClimateActivityType, ClimateDraft
from safetydesk.domain.permissions import Permission
from safetydesk.services import climate
from safetydesk.ui.kit.detail import RecordDetail
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.kit.layout import FormBuilder
from safetydesk.ui.kit.listing import RecordListPage
from safetydesk.ui.kit.pickers import (
    StaffPicker,
    choose_school,
    load_school_staff,
    refill_schools,
    school_combo,
)
from safetydesk.ui.kit.widgets import (
    combo,
    date_edit,
    date_value,
    hint,
    set_combo,
    set_date,
    text_area,
)
from safetydesk.ui.kit.windows import existing_form, show_detail, track_form


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
        self.school = school_combo(self.ctx)
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
        refill_schools(self.school, self.ctx, "Choose a school…")
        self._load_staff()

    def _load_staff(self) -> None:
        load_school_staff(self, self.ctx, self.school, self.staff)

    def load(self, d: ClimateDraft) -> None:
        if d.activity_date:
            set_date(self.activity_date, d.activity_date)
        choose_school(self.school, self.ctx, d.school_id)
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

    KINDS = (CLIMATE,)

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
    KEYSET = ("activity_date", "id")  # pages by key (store.queries_paging)
    SORTS = "climate"  # sortable columns: domain.filters.LIST_SORT_FIELDS
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

    KINDS = (CLIMATE,)

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
