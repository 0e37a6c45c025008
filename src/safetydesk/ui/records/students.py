"""Students: the roster search, a student's detail with the records naming them, and the
roster import wizard (preview before anything is written; P14 skipped columns named).

P14: there is no field here, and never will be, for immigration or citizenship status or
place of birth.
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.interventions import INTERVENTION, Ground
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RecordType
from safetydesk.domain.roster import (
    MAPPABLE,
    ROSTER_MAPPING,
    RosterMappingDraft,
    is_forbidden_column,
)
from safetydesk.domain.roster_text import decode
from safetydesk.domain.vocab import GenderIdentity, InteractionType, Race
from safetydesk.services import interactions, interventions, registry, roster
from safetydesk.ui.kit import formatting, prompts
from safetydesk.ui.kit.detail import RecordDetail
from safetydesk.ui.kit.layout import scrolling_with_footer
from safetydesk.ui.kit.listing import LocalSort, RecordListPage, RecordTable
from safetydesk.ui.kit.widgets import button, choose_path, combo, hint
from safetydesk.ui.kit.windows import open_tracked, show_detail

PROGRAMS = (("multilingual", "Multilingual learner"), ("homeless", "Experiencing homelessness"),
            ("low_income", "Low income"), ("iep", "IEP"), ("section_504", "504 plan"))
FIELD_NAMES = {
    "local_id": "SIS id *", "first_name": "First name", "last_name": "Last name", "school": "School *",
    "grade": "Grade", "birth_date": "Birth date", "races": "Races", "hispanic_latino": "Hispanic or Latino",
    "gender_identity": "Gender identity", "multilingual": "Multilingual learner",
    "homeless": "Homeless", "low_income": "Low income", "iep": "IEP", "section_504": "504 plan",
}


def list_students(session: Any, offset: int, limit: int, **f: Any) -> list[dict[str, Any]]:
    return registry.find_students(session, f.get("text", ""), f.get("school_id", ""), limit,
                                  sort=f.get("sort", ""), descending=f.get("descending", False))


def student_name(s: dict[str, Any]) -> str:
    return f"{s.get('last_name', '')}, {s.get('first_name', '')}".strip(", ")


def grade_order(grade: Any) -> tuple[int, str] | None:
    """A grade's place in school order: pre-kindergarten, kindergarten, 1 to 12, then others."""
    text = str(grade or "").strip().upper()
    if not text:
        return None
    if text in ("PK", "PRE-K", "PREK"):
        return (-1, text)
    if text in ("K", "KG", "KINDERGARTEN"):
        return (0, text)
    return (int(text), "") if text.isdecimal() else (100, text)


class StudentsPage(RecordListPage):
    TITLE = "Students"
    NOUN = ("student", "students")
    NEW_TEXT = "Import a roster…"
    SEARCH_HINT = "Type any part of a student's name or SIS id"
    INTRO = ("The roster comes from the district's student information system; nobody retypes it. "
             "Open a student to see every interaction and request that names them.")
    EMPTY = "No student matches. Check the spelling, or search by the SIS id."
    COLUMNS: ClassVar[list[tuple[str, str]]] = [
        ("name", "Name"), ("local_id", "SIS id"), ("school", "School"), ("grade", "Grade"),
        ("programs", "Programs")]
    WIDTHS = (240, 110, 200, 70)
    # names, ids, schools and programs by the text shown; grades in school order (PK, K, 1..12)
    LOCAL_SORTS: ClassVar[dict[str, LocalSort]] = {
        "name": "text", "local_id": "text", "school": "text",
        "grade": lambda row: grade_order(row.get("grade")), "programs": "text"}
    # with more students than one fetch, these columns sort the whole roster in the query
    QUERY_SORTS: ClassVar[tuple[str, ...]] = ("name", "local_id", "school", "grade")

    def add_filters(self) -> None:
        self.setObjectName("studentsPage")
        self.new_button.setToolTip("Import or update students from OneRoster files or a CSV export.")

    def fetch_fn(self) -> Any:
        return list_students

    def text(self, row: dict[str, Any], column: str) -> str:
        if column == "name":
            return student_name(row)
        if column == "school":
            return self.ctx.school_name(row.get("school_id", ""))
        if column == "programs":
            return ", ".join(label for key, label in PROGRAMS if row.get(key))
        return str(row.get(column) or "")

    KINDS = (RecordType.STUDENT, ROSTER_MAPPING, RecordType.SCHOOL,)

    def can_create(self) -> bool:
        return self.ctx.can(Permission.IMPORT_ROSTER)

    def new_record(self) -> Any:
        if not self.can_create():
            return None
        # One wizard at a time, owned by the window tracker (asked again, the open one comes to
        # the front; the lock hides it).
        return open_tracked(self.window_, "roster_import",
                            lambda: RosterImportWizard(self.ctx, parent=self.window_ or self))

    def open(self, record_id: str) -> Any:
        return open_student(self.window_, record_id, self.ctx)


def load_student(session: Any, student_id: str) -> dict[str, Any]:
    """Runs on the worker: the student (viewing is audited) and the records naming them."""
    student = registry.student(session, student_id)
    f = InteractionFilter(student_id=student_id, include_retracted=True)
    return {
        "record": {"id": student_id, "state": student, "version": 1},
        "history": registry.student_history(session, student_id),
        "interactions": interactions.list_interactions(session, f, 0, 200),
        "interaction_count": interactions.count_interactions(session, f),
        "requests": interventions.list_requests(session, 0, 200, student_id=student_id),
    }


class StudentDetail(RecordDetail):
    NOUN = "student"

    def loader(self) -> Any:
        return load_student

    KINDS = (RecordType.STUDENT, RecordType.INTERACTION, INTERVENTION,)

    def build_extra(self) -> None:
        self.amend_button.hide()
        self.retract_button.hide()
        self.disclosures_button = self.add_footer_button(
            "Record of disclosures…", "disclosuresButton", "Print this student's record of disclosures",
            "Save as a PDF every release of this student's records outside the school: to whom, "
            "on what legal basis, and which file.", self.print_disclosures)
        self.interactions_table: QTableWidget
        self.requests_table: QTableWidget
        for attr, title, cols in (
            ("interactions_table", "Interactions naming this student",
             ["When", "Type", "Location", "Role of staff", "Outcomes"]),
            ("requests_table", "Intervention requests naming this student",
             ["When", "Ground", "Requested by", "Outcome"]),
        ):
            label = QLabel(title)
            label.setProperty("role", "sectionTitle")
            label.setObjectName(attr + "Title")
            table = QTableWidget(0, len(cols))
            table.setObjectName(attr)
            table.setAccessibleName(title)
            table.setAccessibleDescription("Press Enter or double-click to open the record.")
            table.setHorizontalHeaderLabels(cols)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setStretchLastSection(True)
            table.setMinimumHeight(150)
            table.setTabKeyNavigation(False)
            table.setColumnWidth(0, 130)
            table.setColumnWidth(1, 150)
            table.setColumnWidth(2, 170)
            table.cellActivated.connect(lambda r, _c, t=table: self._open(t, r))
            table.cellDoubleClicked.connect(lambda r, _c, t=table: self._open(t, r))
            setattr(self, attr, table)
            self.extra.addWidget(label)
            self.extra.addWidget(table)

    def show_data(self, data: dict[str, Any]) -> None:
        s = data["record"]["state"]
        self.setWindowTitle(f"Student — {student_name(s)}")
        self.title.setText(f"{s.get('first_name', '')} {s.get('last_name', '')}".strip())
        self.subtitle.setText(f"SIS id {s.get('local_id', '')} · {self.ctx.school_name(s.get('school_id', ''))}"
                              + (f" · grade {s['grade']}" if s.get("grade") else ""))
        badges = [(label, "discipline") for key, label in PROGRAMS if s.get(key)]
        if not s.get("active", True):
            badges.append(("No longer on the roster", "retracted"))
        self.set_badges(badges)
        self.set_rows([
            ("SIS id", s.get("local_id", "")),
            ("School", self.ctx.school_name(s.get("school_id", ""))),
            ("Grade", s.get("grade", "")),
            ("Birth date", s.get("birth_date", "")),
            ("Race", ", ".join(Race.label_of(r) for r in s.get("races") or []) or "Not provided"),
            ("Hispanic or Latino", "Yes" if s.get("hispanic_latino") else "No"),
            ("Gender identity", GenderIdentity.label_of(s.get("gender_identity"))),
            ("Programs", ", ".join(label for key, label in PROGRAMS if s.get(key)) or "None"),
            ("On the roster", "Yes" if s.get("active", True) else "No (left; kept, never deleted)"),
        ])
        self._fill(self.interactions_table, [
            (r["id"], "interaction", [formatting.short_when(r["occurred_at"]), InteractionType.label_of(r["type"]),
                                      r.get("location") or "", r.get("staff_label") or "",
                                      " · ".join(formatting.outcomes(r)) or ("Retracted" if r.get("retracted") else "—")])
            for r in data["interactions"]])
        self._fill(self.requests_table, [
            (r["id"], "intervention_request", [
                formatting.short_when(r["requested_at"]),
                Ground.label_of(r.get("ground")).split(")")[0] + ")" if r.get("ground") else "",
                "Self-initiated emergency" if r.get("self_initiated") else r.get("requester_name") or "",
                r.get("outcome") or ""]) for r in data["requests"]])
        self.disclosures_button.setEnabled(self.ctx.can(Permission.VIEW_RECORDS, s.get("school_id") or None))
        count = data.get("interaction_count", 0)
        heading = self.findChild(QLabel, "interactions_tableTitle")
        if heading is not None:
            heading.setText(f"Interactions naming this student ({count})"
                            + (" — the latest 200" if count > 200 else ""))

    def print_disclosures(self) -> bool:
        """Save this student's record of disclosures (P24) as a PDF."""
        if self.data is None or not self.disclosures_button.isEnabled():
            return False
        from safetydesk.ui.reports.print_dialog import print_disclosures

        return print_disclosures(self.ctx, self, self.record_id, self.title.text())

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[str, str, list[str]]]) -> None:
        table.setRowCount(0)
        for r, (rid, kind, values) in enumerate(rows):
            table.insertRow(r)
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, (kind, rid))
                table.setItem(r, c, item)

    def _open(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is None or self.window_ is None:
            return
        kind, rid = item.data(Qt.ItemDataRole.UserRole)
        self.window_.open_record(kind, rid)


def open_student(window: Any, student_id: str, ctx: Any = None) -> Any:
    ctx = ctx or window.ctx
    return show_detail(window, f"student:{student_id}",
                       lambda: StudentDetail(ctx, student_id, window, parent=window))


# ====================================================================== roster import wizard
def read_header(path: str) -> list[str]:
    """The column names of a CSV file (runs on the worker). Values are never read here."""
    text, _encoding = decode(Path(path).name, Path(path).read_bytes())  # UTF-8, UTF-16, Windows-1252
    first = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    return next(csv.reader(io.StringIO(first)), [])


def preview(session: Any, path: str, mapping: str, flags: str, full: bool = False) -> Any:
    return roster.preview_roster(session, Path(path), mapping=mapping, flags=Path(flags) if flags else None,
                                 full=full)


def _page_body() -> tuple[QWidget, QVBoxLayout]:
    """The scrolling part of one page of the roster wizard (its buttons stay in the footer)."""
    body = QWidget()
    v = QVBoxLayout(body)
    v.setContentsMargins(24, 18, 24, 12)
    return body, v


def _file_row(grid: QGridLayout, row: int, label: str, name: str, accessible: str, placeholder: str,
              browse_name: str, browse_accessible: str) -> tuple[QLineEdit, QPushButton]:
    """A labelled path field with its Browse… button, as one row of ``grid``."""
    field = QLineEdit()
    field.setObjectName(name)
    field.setAccessibleName(accessible)
    field.setPlaceholderText(placeholder)
    browse = button("Browse…", browse_name, browse_accessible)
    caption = QLabel(label)
    caption.setBuddy(field)
    grid.addWidget(caption, row, 0)
    grid.addWidget(field, row, 1)
    grid.addWidget(browse, row, 2)
    return field, browse


class RosterImportWizard(QDialog):
    """Choose the files, preview every problem and skipped column, then import off the UI thread."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("rosterImportWizard")
        self.setWindowTitle("Import the student roster")
        self.resize(820, 720)
        self.preview_result: Any = None
        self.summary: Any = None
        self.headers: list[str] = []
        self.pages = QStackedWidget()
        self.pages.addWidget(self._source_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._done_page())
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.pages)
        self._load_mappings()

    # ------------------------------------------------------------------ page 1
    def _source_page(self) -> QWidget:
        body, v = _page_body()
        v.setSpacing(10)
        title = QLabel("Import the student roster — 1. Choose the files")
        title.setProperty("role", "pageTitle")
        title.setWordWrap(True)
        v.addWidget(title)
        v.addWidget(hint(
            "Nothing is written until you have seen the preview. Re-importing updates students in "
            "place by their SIS id; it never duplicates them. Columns for place of birth, citizenship, "
            "immigration or visa are skipped as the file is read and their values are kept nowhere (P14)."))
        self.kind_group = QButtonGroup(self)
        kinds = QHBoxLayout()
        for i, (name, text) in enumerate((("oneRosterFolder", "OneRoster folder"),
                                           ("oneRosterZip", "OneRoster zip file"),
                                           ("plainCsv", "A CSV export with a column mapping"))):
            radio = QRadioButton(text)
            radio.setObjectName(name)
            radio.setAccessibleName(f"Roster format: {text}")
            self.kind_group.addButton(radio, i)
            kinds.addWidget(radio)
        kinds.addStretch(1)
        self.kind_group.button(0).setChecked(True)
        v.addLayout(kinds)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.path, browse = _file_row(grid, 0, "&Roster", "rosterPath", "Roster file or folder",
                                      "The folder, zip or CSV file", "browseRoster",
                                      "Choose the roster file or folder")
        self.flags, browse_flags = _file_row(
            grid, 1, "Program &flags", "flagsPath", "Program flags file (optional)",
            "Optional: a CSV of program flags (multilingual, homeless, low income, IEP, 504)",
            "browseFlags", "Choose the program flags file")
        self.flags.setAccessibleDescription("A CSV with student_id, multilingual, homeless, low_income, iep, 504.")
        v.addLayout(grid)

        self.mapping_box = QFrame()
        self.mapping_box.setProperty("role", "card")
        mv = QVBoxLayout(self.mapping_box)
        mrow = QHBoxLayout()
        self.mapping = combo("mappingChoice", "Saved column mapping", [], first="A new mapping…")
        mapping_label = QLabel("Column &mapping")
        mapping_label.setBuddy(self.mapping)
        self.mapping_name = QLineEdit()
        self.mapping_name.setObjectName("mappingName")
        self.mapping_name.setAccessibleName("Name of the new mapping")
        self.mapping_name.setPlaceholderText("Name it, for example: Skyward export")
        mrow.addWidget(mapping_label)
        mrow.addWidget(self.mapping, 1)
        mrow.addWidget(self.mapping_name, 1)
        mv.addLayout(mrow)
        self.columns_grid = QGridLayout()
        self.columns_grid.setColumnStretch(1, 1)
        self.columns_grid.setColumnStretch(3, 1)
        self.column_choices: dict[str, QComboBox] = {}
        for i, name in enumerate(MAPPABLE):
            label = QLabel(FIELD_NAMES.get(name, name))
            box = combo(f"map_{name}", f"Column for {FIELD_NAMES.get(name, name).rstrip(' *')}", [],
                        first="(not in the file)")
            label.setBuddy(box)
            self.column_choices[name] = box
            self.columns_grid.addWidget(label, i // 2, (i % 2) * 2, Qt.AlignmentFlag.AlignRight)
            self.columns_grid.addWidget(box, i // 2, (i % 2) * 2 + 1)
        mv.addLayout(self.columns_grid)
        self.forbidden_note = hint("", "forbiddenColumns")
        mv.addWidget(self.forbidden_note)
        v.addWidget(self.mapping_box)
        self.full = QCheckBox("Full roster: mark students missing from the file as no longer enrolled "
                              "(they are kept, never deleted)")
        self.full.setObjectName("fullImport")
        self.full.setAccessibleName("Full roster import")
        v.addWidget(self.full)
        self.source_error = QLabel()
        self.source_error.setObjectName("sourceError")
        self.source_error.setProperty("role", "fieldError")
        self.source_error.setWordWrap(True)
        self.source_error.hide()
        v.addWidget(self.source_error)
        v.addStretch(1)
        cancel = button("Close", "closeButton", "Close without importing")
        self.preview_button = button("Preview…", "previewButton", "Preview the import; nothing is written yet",
                                     primary=True)
        page = QWidget()
        scrolling_with_footer(page, body, None, cancel, self.preview_button)
        browse.clicked.connect(self._browse)
        browse_flags.clicked.connect(lambda: self._browse(flags=True))
        cancel.clicked.connect(self.reject)
        self.preview_button.clicked.connect(self.run_preview)
        self.kind_group.idClicked.connect(lambda _: self._kind_changed())
        self.path.editingFinished.connect(self._path_changed)
        self.mapping.currentIndexChanged.connect(lambda _: self._mapping_chosen())
        self._kind_changed()
        return page

    def _kind_changed(self) -> None:
        self.mapping_box.setVisible(self.kind_group.checkedId() == 2)

    def _browse(self, flags: bool = False) -> None:
        folder = not flags and self.kind_group.checkedId() == 0
        filters = "Zip files (*.zip)" if self.kind_group.checkedId() == 1 and not flags else "CSV files (*.csv)"
        path = choose_path(self, "Choose the program flags file" if flags else "Choose the roster",
                           folder=folder, filters=filters)
        if path:
            (self.flags if flags else self.path).setText(path)
            if not flags:
                self._path_changed()

    def _path_changed(self) -> None:
        path = self.path.text().strip()
        if self.kind_group.checkedId() == 2 and path and Path(path).is_file():
            self.ctx.worker.call(read_header, path, done=self._headers, owner=self,
                                 error=lambda exc: self._source_failed(exc))

    def _headers(self, headers: list[str]) -> None:
        self.headers = headers
        usable = [h for h in headers if not is_forbidden_column(h)]
        skipped = [h for h in headers if is_forbidden_column(h)]
        for name, box in self.column_choices.items():
            current = box.currentData()
            box.clear()
            box.addItem("(not in the file)", "")
            for h in usable:
                box.addItem(h, h)
            guess = next((h for h in usable if h.lower().replace(" ", "_") == name), current)
            box.setCurrentIndex(max(0, box.findData(guess)))
        self.forbidden_note.setText(
            "These columns will be skipped and cannot be mapped: " + ", ".join(skipped)
            + ". They name place of birth, citizenship, immigration or visa data, which SafetyDesk "
            "never reads (P14)." if skipped else "")

    def _load_mappings(self) -> None:
        if self.ctx.can(Permission.IMPORT_ROSTER):
            self.ctx.worker.read(roster.mappings, done=self._mappings, owner=self)

    def _mappings(self, mappings: list[RosterMappingDraft]) -> None:
        self._saved_mappings = {m.name.strip().lower(): m for m in mappings}
        for m in mappings:
            self.mapping.addItem(m.name, m.name.strip().lower())

    def _mapping_chosen(self) -> None:
        key = self.mapping.currentData()
        self.mapping_name.setVisible(not key)
        m = getattr(self, "_saved_mappings", {}).get(key)
        if m is None:
            return
        for name, box in self.column_choices.items():
            column = m.columns.get(name, "")
            if column and box.findData(column) < 0:
                box.addItem(column, column)
            box.setCurrentIndex(max(0, box.findData(column)))

    def _source_failed(self, exc: BaseException) -> None:
        self.preview_button.setEnabled(True)
        self.source_error.setText(prompts.explain(exc))
        self.source_error.show()

    def run_preview(self) -> None:
        path = self.path.text().strip()
        if not path:
            self._source_failed(Exception())
            self.source_error.setText("Choose the roster folder, zip or CSV file first.")
            return
        self.source_error.hide()
        self.preview_button.setEnabled(False)
        mapping = ""
        if self.kind_group.checkedId() == 2:
            mapping = self.mapping.currentData() or ""
            if not mapping:
                draft = RosterMappingDraft(name=self.mapping_name.text().strip(), columns={
                    name: box.currentData() for name, box in self.column_choices.items() if box.currentData()})
                self.ctx.worker.write(roster.save_mapping, draft, owner=self, error=self._source_failed,
                                      done=lambda key: self._preview(path, key))
                return
        self._preview(path, mapping)

    def _preview(self, path: str, mapping: str) -> None:
        self.preview_status.setText("Reading the roster…")
        self.ctx.worker.read(preview, path, mapping, self.flags.text().strip(), self.full.isChecked(),
                             done=self._show_preview,
                             error=self._source_failed, owner=self, label="Reading the roster")

    # ------------------------------------------------------------------ page 2
    def _preview_page(self) -> QWidget:
        body, v = _page_body()
        title = QLabel("2. Preview — nothing has been written yet")
        title.setProperty("role", "pageTitle")
        v.addWidget(title)
        self.preview_status = QLabel()
        self.preview_status.setObjectName("previewSummary")
        self.preview_status.setWordWrap(True)
        v.addWidget(self.preview_status)
        skipped_title = QLabel("Columns skipped, and why")
        skipped_title.setProperty("role", "sectionTitle")
        v.addWidget(skipped_title)
        self.skipped = self._table("skippedColumns", "Columns skipped and why", ["File", "Column", "Why"])
        v.addWidget(self.skipped)
        problems_title = QLabel("Row problems")
        problems_title.setProperty("role", "sectionTitle")
        v.addWidget(problems_title)
        self.problems = self._table("rowProblems", "Problems by row", ["File", "Row", "Problem"])
        v.addWidget(self.problems, 1)
        self.skip_problems = QCheckBox("Import the other rows and leave out the rows with problems")
        self.skip_problems.setObjectName("skipProblemRows")
        self.skip_problems.setAccessibleName("Leave out the rows with problems")
        v.addWidget(self.skip_problems)
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.setAccessibleName("Progress of the import")
        self.progress.setRange(0, 0)
        self.progress.hide()
        v.addWidget(self.progress)
        back = button("Back", "backButton", "Back to choosing the files")
        self.apply_button = button("Import", "applyButton", "Import the students shown in the preview",
                                   primary=True)
        page = QWidget()
        scrolling_with_footer(page, body, back, None, self.apply_button)
        back.clicked.connect(self._back_to_choice)
        self.apply_button.clicked.connect(self.apply)
        self.skip_problems.toggled.connect(lambda _: self._update_apply())
        return page

    def _back_to_choice(self) -> None:
        self.pages.setCurrentIndex(0)
        self.preview_button.setEnabled(True)

    @staticmethod
    def _table(name: str, accessible: str, cols: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(cols))
        t.setObjectName(name)
        t.setAccessibleName(accessible)
        t.setHorizontalHeaderLabels(cols)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setStretchLastSection(True)
        t.setColumnWidth(0, 140)
        t.setColumnWidth(1, 170)
        t.setMinimumHeight(110)
        t.setWordWrap(True)
        return t

    def _show_preview(self, result: Any) -> None:
        self.preview_result = result
        self.preview_button.setEnabled(True)
        n = len(result.students)
        lines = [f"<b>{formatting.count(n, 'student')}</b> read "
                 f"({'OneRoster' if result.source == 'oneroster' else 'CSV with a column mapping'})."]
        if result.flag_rows:
            lines.append(f"Program flags for {formatting.count(result.flag_rows, 'student')}.")
        if result.unmatched_schools:
            lines.append("Organisations not matched to a school: " + ", ".join(result.unmatched_schools) + ".")
        lines.append(f"{formatting.count(len(result.problems), 'row problem')}; "
                     f"{formatting.count(len(result.skipped_columns), 'column')} skipped.")
        # What would happen, per school, and what is missing, before anything is written.
        said = [line for line in roster.describe_preview(result)
                if not line.startswith(("Problem", "Warning", "  - ", "Skipped column", "Org not matched"))]
        self.preview_status.setText(" ".join(lines) + "<br>" + "<br>".join(html.escape(x) for x in said))
        self.skipped.setRowCount(0)
        for r, s in enumerate(result.skipped_columns):
            self.skipped.insertRow(r)
            for c, v in enumerate((s.file, s.column, s.reason)):
                self.skipped.setItem(r, c, QTableWidgetItem(v))
        self.problems.setRowCount(0)
        for r, (p, warning) in enumerate([(p, False) for p in result.problems]
                                         + [(w, True) for w in result.warnings]):
            self.problems.insertRow(r)
            message = f"Warning: {p.message}" if warning else p.message
            for c, v in enumerate((p.file, str(p.row) if p.row else "", message)):
                self.problems.setItem(r, c, QTableWidgetItem(v))
        self.skip_problems.setVisible(bool(result.problems))
        self.skip_problems.setChecked(False)
        self._update_apply()
        self.pages.setCurrentIndex(1)
        self.apply_button.setFocus()

    def _update_apply(self) -> None:
        result = self.preview_result
        if result is None:
            return
        bad = {p.local_id for p in result.problems if p.local_id}
        ok = len([s for s in result.students if s.local_id not in bad])
        blocked = bool(result.problems) and not self.skip_problems.isChecked()
        self.apply_button.setEnabled(not blocked and ok > 0)
        self.apply_button.setText(f"Import {formatting.count(ok, 'student')}")
        self.apply_button.setToolTip("Fix the rows listed, or leave them out, first." if blocked else "")

    def apply(self, force: bool = False) -> None:
        if self.preview_result is None:
            return
        self.apply_button.setEnabled(False)
        self.progress.show()
        self.ctx.worker.write(roster.apply_roster, self.preview_result, owner=self, label="Importing the roster",
                              progress=True, kwargs={"full": self.full.isChecked(),
                                      "skip_problem_rows": self.skip_problems.isChecked(), "force": force},
                              done=self._applied, error=self._apply_failed)

    def _apply_failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self._update_apply()
        if isinstance(exc, roster.RosterGuardError):
            # Never destroy by accident: the numbers, then the person decides.
            numbers = exc.message.split(" Nothing was imported.")[0]
            if prompts.confirm(self, "Make these students inactive?",
                               f"{numbers} Nothing has been written yet. Import anyway?",
                               yes="Import and make them inactive", no="Cancel"):
                self.apply(force=True)
            return
        prompts.show_failure(self, exc, "The roster was not imported")

    # ------------------------------------------------------------------ page 3
    def _done_page(self) -> QWidget:
        body, v = _page_body()
        title = QLabel("3. Imported")
        title.setProperty("role", "pageTitle")
        v.addWidget(title)
        self.done_text = QLabel()
        self.done_text.setObjectName("importSummary")
        self.done_text.setWordWrap(True)
        self.done_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        v.addWidget(self.done_text)
        v.addStretch(1)
        close = button("Close", "doneButton", "Close the import", primary=True)
        page = QWidget()
        scrolling_with_footer(page, body, None, close)
        close.clicked.connect(self.accept)
        return page

    def _applied(self, summary: Any) -> None:
        self.summary = summary
        self.progress.hide()
        self.done_text.setText("\n".join(summary.lines()))
        self.pages.setCurrentIndex(2)


__all__ = ["RecordTable", "RosterImportWizard", "StudentDetail", "StudentsPage", "open_student"]
