"""What the everyday record screens share: a lazy list page, a form and a detail view.

Each record type (staff, intervention requests, climate activities, outside
requests) is a small subclass of these three, so that every form behaves the
same from the keyboard (Ctrl+S saves, Esc closes keeping a draft), validates
as the person types with the rule's plain-language reason beside the field,
refuses text recording immigration data with the sentence named (P14), and
every detail shows the full history (P25).
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QCloseEvent,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.immigration_guard import ImmigrationDataWarning, find_immigration_text
from safetydesk.domain.validation import FieldError
from safetydesk.domain.vocab import Action
from safetydesk.services import admin
from safetydesk.ui import formatting, prompts
from safetydesk.ui.context import UiContext
from safetydesk.ui.layout import FieldRow, FormBuilder
from safetydesk.ui.worker import DbWorker

CHECK_DELAY_MS = 300
Index = QModelIndex | QPersistentModelIndex
RED = "#a4262c"


# ---------------------------------------------------------------------- small helpers
def combo(name: str, accessible: str, choices: list[tuple[str, str]], *, first: str = "") -> QComboBox:
    """A combo box of (value, label) choices, with an optional "Choose…" first entry."""
    box = QComboBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    if first:
        box.addItem(first, "")
    for value, label in choices:
        box.addItem(label, value)
    return box


def set_combo(box: QComboBox, value: Any) -> None:
    index = box.findData(value)
    box.setCurrentIndex(max(0, index))


class FieldDateEdit(QDateEdit):
    """A date field where Tab leaves the field (arrows and Left/Right move between its parts)."""

    def focusNextPrevChild(self, next_: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_)


class FieldDateTimeEdit(QDateTimeEdit):
    """A date-and-time field where Tab leaves the field, as in every other field of the form."""

    def focusNextPrevChild(self, next_: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next_)


def date_edit(name: str, *, optional: bool = False) -> QDateEdit:
    """A date field (YYYY-MM-DD). ``optional``: the minimum date stands for "no date"."""
    edit = FieldDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if optional:
        edit.setMinimumDate(QDate(1999, 12, 31))
        edit.setSpecialValueText("No date")
        edit.setDate(edit.minimumDate())
    else:
        edit.setDate(QDate.currentDate())
    return edit


def date_value(edit: QDateEdit) -> str:
    if edit.specialValueText() and edit.date() == edit.minimumDate():
        return ""
    return edit.date().toString("yyyy-MM-dd")


def set_date(edit: QDateEdit, value: str) -> None:
    d = QDate.fromString(value or "", "yyyy-MM-dd")
    if d.isValid():
        edit.setDate(d)
    elif edit.specialValueText():
        edit.setDate(edit.minimumDate())


def datetime_edit(name: str, *, optional: bool = False) -> QDateTimeEdit:
    edit = FieldDateTimeEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    if optional:
        edit.setMinimumDateTime(QDateTime(QDate(1999, 12, 31), QTime(0, 0)))
        edit.setSpecialValueText("Not recorded")
        edit.setDateTime(edit.minimumDateTime())
    else:
        edit.setDateTime(QDateTime.currentDateTime())
    return edit


def datetime_value(edit: QDateTimeEdit) -> str:
    if edit.specialValueText() and edit.dateTime() == edit.minimumDateTime():
        return ""
    return edit.dateTime().toString("yyyy-MM-ddTHH:mm")


def set_datetime(edit: QDateTimeEdit, value: str) -> None:
    value = (value or "")[:16]
    dt = QDateTime.fromString(value, "yyyy-MM-ddTHH:mm")
    if dt.isValid():
        edit.setDateTime(dt)
    elif edit.specialValueText():
        edit.setDateTime(edit.minimumDateTime())


def text_area(name: str, placeholder: str = "", height: int = 90) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumHeight(height)
    return edit


def hint(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "hint")
    if name:
        label.setObjectName(name)
    return label


def repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def choose_path(parent: QWidget | None, title: str, *, folder: bool = False,
                filters: str = "All files (*)") -> str | None:
    """Ask for a file or folder (through `prompts`, which tests answer)."""
    if folder:
        return prompts.choose_folder(parent, title)
    return prompts.choose_open_file(parent, title, filters, kind="choose_file")


def duplicate_choice_buttons(noun: str) -> tuple[QPushButton, QPushButton, QHBoxLayout]:
    """The two answers to "this may be a duplicate": save anyway, or open the existing one."""
    save_anyway = QPushButton("Save anyway")
    save_anyway.setObjectName("saveAnyway")
    save_anyway.setAccessibleName("Save anyway: this is a different event")
    open_existing = QPushButton("Open the existing one")
    open_existing.setObjectName("openExisting")
    open_existing.setAccessibleName(f"Open the selected existing {noun} instead (this form is kept as a draft)")
    for b in (save_anyway, open_existing):
        b.setAutoDefault(False)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(open_existing)
    row.addWidget(save_anyway)
    return save_anyway, open_existing, row


def select_sentence(widget: QWidget, sentence: str) -> None:
    """Put the cursor on ``sentence`` in a text field and select it (P14 warnings)."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    if isinstance(widget, QPlainTextEdit):
        text = widget.toPlainText()
        start = text.find(sentence)
        cursor = widget.textCursor()
        if start >= 0:
            cursor.setPosition(start)
            cursor.setPosition(start + len(sentence), QTextCursor.MoveMode.KeepAnchor)
        widget.setTextCursor(cursor)
        widget.ensureCursorVisible()
    elif isinstance(widget, QLineEdit):
        start = widget.text().find(sentence)
        if start >= 0:
            widget.setSelection(start, len(sentence))


def p14_message(text: str) -> str:
    """A live warning for text that appears to record immigration data (saving will refuse it)."""
    found = find_immigration_text(text)
    if not found:
        return ""
    quoted = "; ".join(f"“{f.sentence}”" for f in found[:2])
    return (f"Remove this before saving: it {found[0].reason.replace('records', 'appears to record')}. "
            f"SafetyDesk never records immigration or citizenship status or place of birth (P14): {quoted}")


class EntryTable(QWidget):
    """A small editable table of repeated entries (training dates, topics) with Add and Remove."""

    changed = Signal()

    def __init__(self, name: str, accessible: str, columns: list[tuple[str, str]],
                 add_text: str = "Add", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.columns = columns
        self.table = QTableWidget(0, len(columns))
        self.table.setObjectName(f"{name}Table")
        self.table.setAccessibleName(accessible)
        self.table.setAccessibleDescription(
            "Type in each cell; Tab moves to the next cell. Dates as YYYY-MM-DD.")
        self.table.setHorizontalHeaderLabels([t for _, t in columns])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(96)
        self.table.setMaximumHeight(170)
        self.table.setColumnWidth(0, 150)
        self.add_button = QPushButton(add_text)
        self.add_button.setObjectName(f"{name}Add")
        self.add_button.setAccessibleName(f"{add_text} ({accessible})")
        self.add_button.setAutoDefault(False)
        self.remove_button = QPushButton("Remove selected")
        self.remove_button.setObjectName(f"{name}Remove")
        self.remove_button.setAccessibleName(f"Remove the selected row of {accessible}")
        self.remove_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.table)
        v.addLayout(buttons)
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        self.table.itemChanged.connect(lambda _: self.changed.emit())

    def add_row(self, values: dict[str, Any] | None = None) -> None:
        values = values if isinstance(values, dict) else {}
        r = self.table.rowCount()
        self.table.blockSignals(True)
        self.table.insertRow(r)
        for c, (key, _) in enumerate(self.columns):
            default = QDate.currentDate().toString("yyyy-MM-dd") if c == 0 and not values else ""
            self.table.setItem(r, c, QTableWidgetItem(str(values.get(key, default) or "")))
        self.table.blockSignals(False)
        self.changed.emit()
        if not values:
            self.table.setFocus()
            self.table.setCurrentCell(r, 0)

    def remove_row(self) -> None:
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)
            self.changed.emit()

    def value(self) -> list[dict[str, Any]]:
        out = []
        for r in range(self.table.rowCount()):
            entry = {}
            for c, (key, _) in enumerate(self.columns):
                item = self.table.item(r, c)
                entry[key] = item.text().strip() if item else ""
            if any(entry.values()):
                out.append(entry)
        return out

    def set_value(self, entries: list[dict[str, Any]]) -> None:
        self.table.setRowCount(0)
        for e in entries:
            self.add_row(dict(e) or {"_": ""})


# ---------------------------------------------------------------------- list page
class LazyRecordModel(QAbstractTableModel):
    """Rows of a paged service list, fetched a page at a time on the worker; bounded cache.

    ``count`` (session, **filters) -> int and ``fetch`` (session, offset, limit, **filters) -> rows.
    Without ``count``, one fetch of ``limit`` rows is all there is (students, staff).
    """

    count_changed = Signal(int)

    def __init__(self, worker: DbWorker, columns: list[tuple[str, str]],
                 fetch: Callable[..., list[dict[str, Any]]], count: Callable[..., int] | None,
                 text: Callable[[dict[str, Any], str], str], *, page_size: int = 200,
                 max_pages: int = 6, parent: Any = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.columns = columns
        self.fetch = fetch
        self.count_fn = count
        self.text = text
        self.page_size = page_size
        self.max_pages = max_pages
        self.filters: dict[str, Any] = {}
        self._count = 0
        self._generation = 0
        self._cache: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._in_flight: set[int] = set()
        self.loaded = False
        self.red: Callable[[dict[str, Any], str], bool] = lambda row, col: False

    def set_filters(self, **filters: Any) -> None:
        self.filters = filters
        self.refresh()

    def refresh(self) -> None:
        self._generation += 1
        gen = self._generation
        if self.count_fn is None:
            self.worker.read(self.fetch, 0, self.page_size, kwargs=self.filters,
                             done=partial(self._single, gen), key=f"list:{id(self)}", owner=self)
        else:
            self.worker.read(self.count_fn, kwargs=self.filters, done=partial(self._counted, gen),
                             key=f"count:{id(self)}", owner=self)

    def _single(self, gen: int, rows: list[dict[str, Any]]) -> None:
        if gen != self._generation:
            return
        self.beginResetModel()
        self._cache = OrderedDict({0: rows})
        self._count = len(rows)
        self.loaded = True
        self.endResetModel()
        self.count_changed.emit(self._count)

    def _counted(self, gen: int, n: int) -> None:
        if gen != self._generation:
            return
        self.beginResetModel()
        self._cache.clear()
        self._in_flight.clear()
        self._count = n
        self.loaded = True
        self.endResetModel()
        self.count_changed.emit(n)

    def row(self, r: int) -> dict[str, Any] | None:
        if not 0 <= r < self._count:
            return None
        page = r // self.page_size
        rows = self._cache.get(page)
        if rows is None:
            if self.count_fn is not None and page not in self._in_flight:
                self._in_flight.add(page)
                gen = self._generation
                self.worker.read(self.fetch, page * self.page_size, self.page_size, kwargs=self.filters,
                                 done=partial(self._page, gen, page), owner=self)
            return None
        self._cache.move_to_end(page)
        offset = r - page * self.page_size
        return rows[offset] if offset < len(rows) else None

    def _page(self, gen: int, page: int, rows: list[dict[str, Any]]) -> None:
        self._in_flight.discard(page)
        if gen != self._generation:
            return
        self._cache[page] = rows
        while len(self._cache) > self.max_pages:
            self._cache.popitem(last=False)
        first = page * self.page_size
        last = min(self._count, first + self.page_size) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        column = self.columns[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                    Qt.ItemDataRole.ToolTipRole):
            if row is None:
                return "…" if index.column() == 0 and role == Qt.ItemDataRole.DisplayRole else None
            return self.text(row, column)
        if row is None:
            return None
        if role == Qt.ItemDataRole.FontRole and row.get("retracted"):
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.get("retracted"):
                return QBrush(QColor("#8a8f98"))
            if self.red(row, column):
                return QBrush(QColor(RED))
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None


class RecordTable(QTableView):
    """Enter opens the current row, like a double-click."""

    open_requested = Signal(int)

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setAccessibleDescription("Press Enter or double-click to open the selected record.")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setTabKeyNavigation(False)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(30)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.doubleClicked.connect(lambda index: self.open_requested.emit(index.row()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class RecordListPage(QWidget):
    """Title, count, search, filters, a "New…" button and the lazily loaded table."""

    TITLE = ""
    NOUN = ("record", "records")
    NEW_TEXT = "New…"
    SEARCH_HINT = "Search"
    EMPTY = "Nothing matches. Clear the search or filters to see more."
    INTRO = ""
    COLUMNS: ClassVar[list[tuple[str, str]]] = []
    WIDTHS: tuple[int, ...] = ()
    SEARCH_DELAY_MS = 250

    open_record = Signal(str)

    def __init__(self, ctx: UiContext, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window_ = window
        title = QLabel(self.TITLE)
        title.setProperty("role", "pageTitle")
        self.count_label = QLabel("Loading…")
        self.count_label.setObjectName("countLabel")
        self.count_label.setProperty("role", "countLabel")
        self.new_button = QPushButton(self.NEW_TEXT)
        self.new_button.setObjectName("newButton")
        self.new_button.setProperty("primary", True)
        self.new_button.setAccessibleName(self.NEW_TEXT.rstrip("…") + " (Ctrl+Shift+N)")
        self.new_button.setToolTip("Ctrl+Shift+N")
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.count_label)
        heading.addSpacing(12)
        heading.addWidget(self.new_button)

        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(self.SEARCH_HINT)
        self.search.setAccessibleName(f"Search {self.TITLE.lower()}")
        self.search.setAccessibleDescription(self.SEARCH_HINT)
        self.search.setClearButtonEnabled(True)
        self.filters_row = QHBoxLayout()
        self.filters_row.setSpacing(8)
        self.school = combo("schoolFilter", "Filter by school", [], first="All schools")
        self.filters_row.addWidget(self.search, 1)
        self.filters_row.addWidget(self.school)

        self.model = LazyRecordModel(ctx.worker, self.COLUMNS, self.fetch_fn(), self.count_fn(),
                                     self.text, parent=self)
        self.model.red = self.red
        self.table = RecordTable(f"{self.objectName() or 'records'}Table", self.TITLE)
        self.table.setModel(self.model)
        for col, width in enumerate(self.WIDTHS):
            self.table.setColumnWidth(col, width)
        self.table.open_requested.connect(self._open_row)
        self.empty_label = hint(self.EMPTY, "emptyLabel")
        self.empty_label.hide()

        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 18, 24, 12)
        self.layout_.setSpacing(10)
        self.layout_.addLayout(heading)
        if self.INTRO:
            self.layout_.addWidget(hint(self.INTRO, "pageIntro"))
        self.layout_.addLayout(self.filters_row)
        self.add_filters()
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.empty_label)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _: self._timer.start())
        self.school.currentIndexChanged.connect(lambda _: self.apply_filter())
        self.model.count_changed.connect(self._counted)
        self.new_button.clicked.connect(self.new_record)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, activated=self.new_record,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.open_record.connect(self.open)
        ctx.lookups_changed.connect(self._fill_schools)
        ctx.worker.records_changed.connect(self._records_changed)
        self._fill_schools()
        self.new_button.setVisible(self.can_create())
        self.apply_filter()

    # subclass hooks ----------------------------------------------------
    def fetch_fn(self) -> Callable[..., list[dict[str, Any]]]:
        raise NotImplementedError

    def count_fn(self) -> Callable[..., int] | None:
        return None

    def text(self, row: dict[str, Any], column: str) -> str:
        return str(row.get(column) or "")

    def red(self, row: dict[str, Any], column: str) -> bool:
        return False

    def add_filters(self) -> None:
        """Add more filter widgets to ``self.filters_row``."""

    def filters(self) -> dict[str, Any]:
        return {"text": self.search.text().strip(), "school_id": self.school.currentData() or ""}

    def can_create(self) -> bool:
        return False

    def new_record(self) -> Any:
        return None

    def open(self, record_id: str) -> Any:
        return None

    def watches(self, what: str) -> bool:
        return True

    # ------------------------------------------------------------------
    def _fill_schools(self) -> None:
        current = self.school.currentData()
        self.school.blockSignals(True)
        self.school.clear()
        self.school.addItem("All schools", "")
        for s in self.ctx.schools:
            self.school.addItem(s["name"], s["id"])
        self.school.setCurrentIndex(max(0, self.school.findData(current)))
        self.school.blockSignals(False)
        self.new_button.setVisible(self.can_create())

    def apply_filter(self) -> None:
        self._timer.stop()
        if self.ctx.signed_in:
            self.model.set_filters(**self.filters())

    def _counted(self, n: int) -> None:
        one, many = self.NOUN
        more = " (the first ones; search to narrow)" if self.model.count_fn is None and \
            n >= self.model.page_size else ""
        self.count_label.setText(formatting.count(n, one, many) + more)
        self.empty_label.setVisible(n == 0)
        if n and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _records_changed(self, what: str) -> None:
        if self.watches(what):
            self.model.refresh()

    def _open_row(self, r: int) -> None:
        row = self.model.row(r)
        if row is not None:
            self.open_record.emit(str(row["id"]))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()


# ---------------------------------------------------------------------- form
class RecordForm(QDialog):
    """A form for one record type: build fields, give a draft, name the services.

    Subclasses set FORM, TITLES, INTRO, FIELDS (field names in display order)
    and implement ``build``, ``load``, ``draft``; and either ``check_service``
    or ``local_check``; ``log_service`` and ``amend_service``.
    """

    FORM = ""
    NOUN = "record"
    TITLE_NEW = ""
    TITLE_AMEND = ""
    INTRO = ""
    FIELDS: tuple[str, ...] = ()
    TEXT_FIELDS: tuple[str, ...] = ()  # free-text fields checked live for P14
    DRAFT_CLASS: Any = None
    FIND_DUPLICATES = False

    saved = Signal(str)

    def __init__(self, ctx: UiContext, *, record: dict[str, Any] | None = None,
                 draft_entry: dict[str, Any] | None = None, prefill: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"{self.FORM}Form")
        self.record_id = ""
        self.expected_version: int | None = None
        self.labels: dict[str, str] = {}
        self._initial_state: dict[str, Any] | None = None
        start = prefill if prefill is not None else self.DRAFT_CLASS()
        if draft_entry is not None:
            data = draft_entry["data"]
            self.draft_key = draft_entry["key"]
            self.record_id = draft_entry.get("record_id") or ""
            self.expected_version = data.get("version")
            start = self.DRAFT_CLASS.from_state(data.get("draft", {}))
            self.labels = dict(data.get("labels", {}))
            self._initial_state = data.get("initial")
        elif record is not None:
            self.record_id = record["id"]
            self.expected_version = record.get("version")
            self.draft_key = f"{self.FORM}:amend:{self.record_id}"
            start = record["draft"]
            self.labels = self.labels_of(record)
        else:
            self.draft_key = f"{self.FORM}:new:{new_id()}"
        self.amending = bool(self.record_id)
        self._base = start
        self.setWindowTitle(self.TITLE_AMEND if self.amending else self.TITLE_NEW)
        self._touched: set[str] = set()
        self._reveal_all = False
        self._errors: list[FieldError] = []
        self._saving = False
        self._finished = False
        self._duplicates_seen = False
        self._build_frame()
        self.load(start)
        self._initial = self._initial_state or asdict(self.draft())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.connect_fields()
        ctx.lookups_changed.connect(self.lookups_arrived)
        first = self.focus_target(self.FIELDS[0]) if self.FIELDS else None
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.check()

    # hooks ---------------------------------------------------------------
    def labels_of(self, record: dict[str, Any]) -> dict[str, str]:
        return {}

    def build(self, form: FormBuilder) -> None:
        raise NotImplementedError

    def load(self, d: Any) -> None:
        raise NotImplementedError

    def draft(self) -> Any:
        raise NotImplementedError

    def connect_fields(self) -> None:
        """Connect each control's change signal to ``self.changed(field)``."""

    def lookups_arrived(self) -> None:
        pass

    def check_service(self) -> Callable[..., list[FieldError]] | None:
        return None

    def local_check(self, draft: Any) -> list[FieldError]:
        return []

    def log_service(self) -> Callable[..., Any]:
        raise NotImplementedError

    def amend_service(self) -> Callable[..., Any]:
        raise NotImplementedError

    def log_args(self, draft: Any) -> tuple[Any, ...]:
        return (draft,)

    def amend_args(self, draft: Any, reason: str) -> tuple[Any, ...]:
        return (self.record_id, draft, reason, self.expected_version)

    def text_widget(self, path: str) -> QWidget | None:
        """The text control holding a field (for P14 warnings), by the field's path."""
        row = self.form.rows.get(path.split(".")[0].split("[")[0])
        return row.control if row is not None else None

    def focus_target(self, name: str) -> QWidget | None:
        row = self.form.rows.get(name)
        return row.control if row is not None else None

    def draft_labels(self) -> dict[str, str]:
        return {}

    def describe_duplicate(self, row: dict[str, Any]) -> str:
        return str(row.get("id"))

    def open_existing(self, record_id: str) -> None:
        pass

    # building -----------------------------------------------------------
    def _build_frame(self) -> None:
        self.resize(760, 820)
        form = FormBuilder()
        self.form = form
        title = QLabel(self.windowTitle())
        title.setProperty("role", "pageTitle")
        title.setObjectName("formTitle")
        intro = hint(self.INTRO if not self.amending else
                     "Change what was recorded wrongly. The record before and after your "
                     "correction, and your reason, are kept in its history.", "formIntro")
        self.other_errors = QLabel()
        self.other_errors.setObjectName("otherErrors")
        self.other_errors.setProperty("role", "fieldError")
        self.other_errors.setWordWrap(True)
        self.other_errors.hide()
        self.duplicates_box = self._duplicates_panel()
        self.build(form)

        body = QWidget()
        bv = QVBoxLayout(body)
        bv.setContentsMargins(24, 18, 24, 18)
        bv.setSpacing(10)
        bv.addWidget(title)
        bv.addWidget(intro)
        bv.addWidget(self.duplicates_box)
        bv.addWidget(self.other_errors)
        bv.addWidget(form.widget)
        bv.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(body)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

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
        self.save_button.setAccessibleName(f"Save the {self.NOUN} (Ctrl+S)")
        for b in (self.save_button, self.cancel_button):
            b.setAutoDefault(False)
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
        outer.addWidget(self.scroll, 1)
        outer.addWidget(footer)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

    def _duplicates_panel(self) -> QFrame:
        box = QFrame()
        box.setObjectName("duplicatesPanel")
        box.setProperty("role", "card")
        box.setProperty("attention", True)
        v = QVBoxLayout(box)
        self.duplicates_text = QLabel()
        self.duplicates_text.setObjectName("duplicatesText")
        self.duplicates_text.setWordWrap(True)
        self.duplicates_list = QTableWidget(0, 1)
        self.duplicates_list.setObjectName("duplicatesList")
        self.duplicates_list.setAccessibleName("Records that may be the same as this one")
        self.duplicates_list.horizontalHeader().setVisible(False)
        self.duplicates_list.verticalHeader().setVisible(False)
        self.duplicates_list.horizontalHeader().setStretchLastSection(True)
        self.duplicates_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.duplicates_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.duplicates_list.setMaximumHeight(120)
        self.save_anyway, self.open_existing_button, row = duplicate_choice_buttons("record")
        v.addWidget(self.duplicates_text)
        v.addWidget(self.duplicates_list)
        v.addLayout(row)
        box.hide()
        self.save_anyway.clicked.connect(self._save_anyway)
        self.open_existing_button.clicked.connect(self._open_existing)
        return box

    def section(self, form: FormBuilder, title: str) -> QLabel:
        return form.add_section(title)

    # validation -----------------------------------------------------------
    def changed(self, name: str) -> None:
        self._touched.add(name)
        if self.duplicates_box.isVisible():
            self.duplicates_box.hide()
            self._duplicates_seen = False
        self._timer.start()

    def check(self) -> None:
        self._timer.stop()
        if not self.ctx.signed_in:
            return
        service = self.check_service()
        draft = self.draft()
        if service is None:
            self.show_errors(self.local_check(draft))
        else:
            self.ctx.worker.read(service, draft, done=self.show_errors, key=f"check:{id(self)}",
                                 owner=self)

    def visible_row(self, name: str) -> bool:
        row = self.form.rows.get(name)
        return row is not None and not row.control.isHidden()

    def show_errors(self, errors: list[FieldError]) -> None:
        errors = list(errors) + self.extra_errors()
        self._errors = errors
        by_field: dict[str, list[str]] = {}
        for e in errors:
            key = e.field if self.visible_row(e.field) else ""
            by_field.setdefault(key, []).append(e.message)
        warnings = self.p14_warnings()
        for name, row in self.form.rows.items():
            shown = self._reveal_all or name in self._touched
            text = " ".join(by_field.get(name, [])) if shown else ""
            if warnings.get(name):
                text = (text + " " + warnings[name]).strip()
            row.set_error(text)
        other = by_field.get("", [])
        self.other_errors.setText("\n".join(f"• {m}" for m in other))
        self.other_errors.setVisible(bool(other) and (self._reveal_all or bool(self._touched)))
        if errors:
            more = len(errors) - 1
            self.save_status.setText(f"Not ready to save: {errors[0].message}"
                                     + (f" (and {more} more)" if more else ""))
            self.save_status.setProperty("state", "blocked")
        else:
            self.save_status.setText(self.ready_text())
            self.save_status.setProperty("state", "ready")
        repolish(self.save_status)
        self.save_button.setEnabled(not errors and not self._saving)
        self.save_button.setToolTip("" if not errors else "Fix the problems shown in the form first:\n"
                                    + "\n".join(f"• {e.message}" for e in errors))
        self.after_check(errors)

    def extra_errors(self) -> list[FieldError]:
        return []

    def after_check(self, errors: list[FieldError]) -> None:
        pass

    def ready_text(self) -> str:
        return ("Ready to save your correction. Press Ctrl+S." if self.amending
                else "Ready to save. Press Ctrl+S.")

    def p14_warnings(self) -> dict[str, str]:
        out = {}
        for name in self.TEXT_FIELDS:
            w = self.focus_target(name)
            text = w.toPlainText() if isinstance(w, QPlainTextEdit) else (
                w.text() if isinstance(w, QLineEdit) else "")
            msg = p14_message(text)
            if msg:
                out[name] = msg
        return out

    def errors_shown(self) -> dict[str, str]:
        return {n: r.error.text() for n, r in self.form.rows.items() if r.error.text()}

    def row(self, name: str) -> FieldRow:
        return self.form.rows[name]

    @property
    def dirty(self) -> bool:
        return asdict(self.draft()) != self._initial

    # saving -----------------------------------------------------------------
    def save(self) -> None:
        if self._saving:
            return
        if self._errors:
            self._reveal_all = True
            self.show_errors([e for e in self._errors if e not in self.extra_errors()])
            self.focus_first_error()
            return
        draft = self.draft()
        if self.FIND_DUPLICATES and not self.amending and not self._duplicates_seen:
            from safetydesk.services import duplicates
            self._saving = True
            self.save_status.setText("Looking for records that may be the same…")
            self.ctx.worker.read(duplicates.find_duplicates, draft, done=self._duplicates_found,
                                 error=self._save_failed, owner=self)
            return
        self._write(draft)

    def _duplicates_found(self, rows: list[dict[str, Any]]) -> None:
        self._saving = False
        self._duplicates_seen = True
        if not rows:
            self._write(self.draft())
            return
        self.duplicates_text.setText(
            f"<b>This may already be recorded.</b> {formatting.count(len(rows), 'record')} at this "
            "school name the same student within two hours. Open the existing one to add to it, or "
            "save anyway if this is a different event.")
        self.duplicates_list.setRowCount(0)
        for r, row in enumerate(rows):
            self.duplicates_list.insertRow(r)
            item = QTableWidgetItem(self.describe_duplicate(row))
            item.setData(Qt.ItemDataRole.UserRole, row["id"])
            self.duplicates_list.setItem(r, 0, item)
        self.duplicates_list.setCurrentCell(0, 0)
        self.duplicates_box.show()
        self.scroll.ensureWidgetVisible(self.duplicates_box)
        self.save_status.setText("Not saved yet: check the possible duplicates at the top.")
        self.save_anyway.setFocus()

    def _save_anyway(self) -> None:
        self.duplicates_box.hide()
        self._duplicates_seen = True
        self._write(self.draft())

    def _open_existing(self) -> None:
        item = self.duplicates_list.currentItem() or self.duplicates_list.item(0, 0)
        if item is None:
            return
        self.open_existing(str(item.data(Qt.ItemDataRole.UserRole)))
        self.reject()

    def _write(self, draft: Any) -> None:
        worker = self.ctx.worker
        if self.amending:
            reason = prompts.ask_text(
                self, "Reason for the correction",
                f"Why is this {self.NOUN} being corrected? The reason is kept with the record's history.",
                ok="Save correction", placeholder="For example: wrong date entered.")
            if reason is None:
                return
            self._saving = True
            worker.write(self.amend_service(), *self.amend_args(draft, reason), done=self._saved,
                         error=self._save_failed, owner=self, label=f"Saving the {self.NOUN}")
        else:
            self._saving = True
            worker.write(self.log_service(), *self.log_args(draft), done=self._saved,
                         error=self._save_failed, owner=self, label=f"Saving the {self.NOUN}")
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
        self.save_button.setEnabled(not self._errors)
        if isinstance(exc, ImmigrationDataWarning):
            self.save_status.setText("Not saved: remove the sentence shown.")
            prompts.error(self, "Remove immigration or birthplace information", exc.message)
            for path in exc.fields:
                widget = self.text_widget(path)
                if widget is not None:
                    select_sentence(widget, exc.findings[path][0].sentence)
                    break
            return
        if isinstance(exc, ValidationFailed):
            self._reveal_all = True
            self.show_errors([e if isinstance(e, FieldError) else FieldError("", str(e))
                              for e in exc.errors])
            self.focus_first_error()
            return
        self.save_status.setText(prompts.explain(exc))
        prompts.show_failure(self, exc, f"The {self.NOUN} was not saved")

    def focus_first_error(self) -> None:
        for name in self.FIELDS:
            row = self.form.rows.get(name)
            if row is not None and row.error.text():
                target = self.focus_target(name) or row.control
                self.scroll.ensureWidgetVisible(row.control)
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    # closing ----------------------------------------------------------------
    def keep_draft(self) -> bool:
        if self._finished or not self.ctx.signed_in or not self.dirty:
            return False
        data = {"mode": "amend" if self.amending else "new", "draft": self.draft().to_state(),
                "labels": self.draft_labels(), "version": self.expected_version,
                "initial": self._initial}
        self.ctx.worker.write(admin.save_draft, self.draft_key, self.FORM, self.record_id, data)
        self._finished = True
        return True

    def reject(self) -> None:
        self.keep_draft()
        self._finished = True
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.keep_draft()
        super().closeEvent(event)


# ---------------------------------------------------------------------- detail
class RecordDetail(QDialog):
    """One record in full: title, badges, its fields, extra panels, and the whole history."""

    NOUN = "record"
    FIELD_LABELS: ClassVar[dict[str, str]] = {}
    QUIET: ClassVar[set[str]] = {"author", "rules_version", "retract_reason"}

    amend_requested = Signal(dict)

    def __init__(self, ctx: UiContext, record_id: str, window: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window_ = window
        self.record_id = record_id
        self.data: dict[str, Any] | None = None
        self.setObjectName(f"{self.NOUN.replace(' ', '_')}Detail")
        self.resize(800, 820)
        self.title = QLabel("Loading…")
        self.title.setObjectName("detailTitle")
        self.title.setProperty("role", "pageTitle")
        self.title.setWordWrap(True)
        self.subtitle = hint("", "detailSubtitle")
        self.badges = QHBoxLayout()
        self.badges.setSpacing(6)
        self.status = QLabel()
        self.status.setObjectName("detailStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        self.fields = QGridLayout()
        self.fields.setHorizontalSpacing(16)
        self.fields.setVerticalSpacing(6)
        self.fields.setColumnStretch(1, 1)
        fields_box = QFrame()
        fields_box.setProperty("role", "card")
        fields_box.setLayout(self.fields)
        self.extra = QVBoxLayout()
        self.extra.setSpacing(8)
        history_title = QLabel("History")
        history_title.setProperty("role", "sectionTitle")
        self.history = QTextBrowser()
        self.history.setObjectName("historyView")
        self.history.setAccessibleName(f"History of this {self.NOUN}")
        self.history.setOpenLinks(False)
        self.history.setMinimumHeight(200)
        body = QWidget()
        v = QVBoxLayout(body)
        v.setContentsMargins(24, 18, 24, 18)
        v.setSpacing(10)
        v.addWidget(self.title)
        v.addWidget(self.subtitle)
        v.addLayout(self.badges)
        v.addWidget(self.status)
        v.addWidget(fields_box)
        v.addLayout(self.extra)
        v.addWidget(history_title)
        v.addWidget(self.history, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.footer = QHBoxLayout()
        self.amend_button = QPushButton("Correct (amend)…")
        self.amend_button.setObjectName("amendButton")
        self.amend_button.setAccessibleName(f"Correct this {self.NOUN} (Ctrl+E)")
        self.retract_button = QPushButton("Retract…")
        self.retract_button.setObjectName("retractButton")
        self.retract_button.setAccessibleName(f"Retract this {self.NOUN}")
        self.retract_button.setProperty("danger", True)
        close = QPushButton("Close")
        close.setObjectName("closeButton")
        close.setAccessibleName("Close")
        footer = QFrame()
        footer.setObjectName("formFooter")
        fh = QHBoxLayout(footer)
        fh.setContentsMargins(24, 10, 24, 10)
        fh.addWidget(self.retract_button)
        fh.addLayout(self.footer)
        fh.addStretch(1)
        fh.addWidget(close)
        fh.addWidget(self.amend_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(scroll, 1)
        outer.addWidget(footer)
        for b in (self.amend_button, self.retract_button, close):
            b.setAutoDefault(False)
        self.amend_button.setEnabled(False)
        self.retract_button.setEnabled(False)
        close.clicked.connect(self.accept)
        self.amend_button.clicked.connect(self.amend)
        self.retract_button.clicked.connect(self.retract)
        QShortcut(QKeySequence("Ctrl+E"), self, activated=self.amend)
        self.build_extra()
        ctx.worker.records_changed.connect(self._records_changed)
        self.refresh()

    # hooks ----------------------------------------------------------------
    def loader(self) -> Callable[..., dict[str, Any]]:
        raise NotImplementedError

    def build_extra(self) -> None:
        pass

    def watches(self, what: str) -> bool:
        return True

    def show_data(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def can_amend(self, state: dict[str, Any]) -> bool:
        return False

    def can_retract(self, state: dict[str, Any]) -> bool:
        return False

    def retract_service(self) -> Callable[..., Any] | None:
        return None

    def describe(self, field: str, value: Any) -> str:
        if value is None or value == "":
            return "(empty)"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if field == "school_id":
            return self.ctx.school_name(value) or "District office"
        if isinstance(value, dict):
            return "; ".join(f"{k.replace('_', ' ')}: {self.describe(k, v)}" for k, v in value.items()
                             if k != "sha256") or "(none)"
        if isinstance(value, list):
            return "; ".join(self.describe(field, v) for v in value) or "(none)"
        return str(value)

    # ------------------------------------------------------------------------
    def refresh(self) -> None:
        self.ctx.worker.read(self.loader(), self.record_id, done=self._show, error=self._failed,
                             key=f"detail:{id(self)}", owner=self)

    def _records_changed(self, what: str) -> None:
        if self.watches(what):
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.title.setText(f"This {self.NOUN} cannot be shown")
        self.status.setText(prompts.explain(exc))
        self.status.show()

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        self.show_data(data)
        state = data.get("record", {}).get("state", {})
        retracted = bool(state.get("retracted"))
        if retracted:
            self.status.setText(f"Retracted. Reason: {state.get('retract_reason') or '(none given)'}")
            self.status.setProperty("role", "retractedBanner")
            repolish(self.status)
            self.status.show()
        self.amend_button.setEnabled(self.can_amend(state) and not retracted)
        self.retract_button.setEnabled(self.can_retract(state) and not retracted)
        role = self.ctx.actor.role.label if self.ctx.actor else "not signed in"
        self.amend_button.setToolTip(
            "A retracted record cannot be corrected." if retracted else
            "Correct what was recorded wrongly (Ctrl+E)." if self.amend_button.isEnabled() else
            f"Your account ({role}) cannot correct this {self.NOUN}.")
        self.retract_button.setVisible(self.retract_service() is not None)
        self.history.setHtml(self.history_html(data.get("history", [])))

    def set_badges(self, badges: list[tuple[str, str]]) -> None:
        while self.badges.count():
            item = self.badges.takeAt(0)
            w = item.widget()
            if w is not None:
                w.setParent(None)
                w.deleteLater()
        for text, kind in badges:
            badge = QLabel(text)
            badge.setProperty("badge", kind)
            badge.setObjectName(f"badge_{kind}")
            badge.setAccessibleName(text)
            self.badges.addWidget(badge)
        self.badges.addStretch(1)

    def set_rows(self, rows: list[tuple[str, str]], grid: QGridLayout | None = None) -> None:
        grid = grid or self.fields
        while grid.count():
            item = grid.takeAt(0)
            w = item.widget()
            if w is not None:
                w.setParent(None)
                w.deleteLater()
        for i, (label, value) in enumerate(rows):
            name = QLabel(label)
            name.setProperty("role", "fieldLabel")
            text = QLabel(value or "—")
            text.setObjectName("detail_" + re.sub(r"\W+", "_", label.lower()).strip("_"))
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            text.setAccessibleName(label)
            grid.addWidget(name, i, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, i, 1)

    def history_html(self, history: list[Any]) -> str:
        parts = []
        e = html.escape
        for entry in reversed(history):
            changes = []
            for field, (before, after) in entry.changes.items():
                if field in self.QUIET:
                    continue
                if entry.action == Action.CREATE and after in (None, "", False, [], {}):
                    continue
                label = self.FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
                if entry.action == Action.CREATE:
                    changes.append(f"{label}: {self.describe(field, after)}")
                else:
                    changes.append(f"{label}: {self.describe(field, before)} → {self.describe(field, after)}")
            head = (f"<p style='margin:10px 0 2px 0'><b>{e(Action.label_of(entry.action))}</b> by "
                    f"<b>{e(entry.user)}</b> <span style='color:#5f6b7a'>· "
                    f"{e(formatting.wall_time(entry.wall_time))}</span></p>")
            reason = (f"<p style='margin:0 0 2px 12px'>Reason: <i>{e(entry.reason)}</i></p>"
                      if entry.reason else "")
            items = "".join(f"<li>{e(c)}</li>" for c in changes)
            parts.append(head + reason + (f"<ul style='margin-top:0'>{items}</ul>" if items else ""))
        return "".join(parts) or "<p>No history.</p>"

    def amend(self) -> None:
        if self.data is None or not self.amend_button.isEnabled():
            return
        self.amend_requested.emit(self.data["record"])

    def retract(self) -> None:
        service = self.retract_service()
        if self.data is None or service is None or not self.retract_button.isEnabled():
            return
        reason = prompts.ask_text(
            self, f"Retract this {self.NOUN}",
            f"Retracting withdraws a {self.NOUN} recorded in error. It stays in the history, marked "
            "retracted, with your reason. Why is it being retracted?", ok="Retract")
        if reason is None:
            return
        self.ctx.worker.write(service, self.record_id, reason, owner=self, label="Retracting",
                              error=lambda exc: prompts.show_failure(self, exc, "Not retracted"))


# ---------------------------------------------------------------------- window glue
def track_form(window: Any, form: QDialog) -> QDialog:
    """Show a form the way the main window shows its own (kept as a draft on lock or switch)."""
    if window is not None and hasattr(window, "_track"):
        return window.track(form)
    form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    form.show()
    return form


def show_detail(window: Any, key: str, make: Callable[[], QDialog]) -> QDialog:
    """Open (or raise) a detail window, known to the main window so locking hides it."""
    details = getattr(window, "details", None)
    detail = details.get(key) if isinstance(details, dict) else None
    if detail is None:
        detail = make()
        detail.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if isinstance(details, dict):
            details[key] = detail
            detail.destroyed.connect(lambda *_: details.pop(key, None))
    detail.show()
    detail.raise_()
    detail.activateWindow()
    return detail


def existing_form(window: Any, key: str) -> QDialog | None:
    for form in getattr(window, "forms", []):
        if getattr(form, "draft_key", None) == key:
            form.raise_()
            form.activateWindow()
            return form
    return None


def read_bytes(path: str) -> tuple[str, bytes]:
    p = Path(path)
    return p.name, p.read_bytes()


__all__ = [
    "CHECK_DELAY_MS",
    "EntryTable",
    "LazyRecordModel",
    "QCheckBox",
    "RecordDetail",
    "RecordForm",
    "RecordListPage",
    "RecordTable",
    "choose_path",
    "combo",
    "date_edit",
    "date_value",
    "datetime_edit",
    "datetime_value",
    "hint",
    "p14_message",
    "select_sentence",
    "set_combo",
    "set_date",
    "set_datetime",
    "show_detail",
    "text_area",
    "track_form",
]
