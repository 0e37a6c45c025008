"""The list of interactions: a lazily fetched table model and the page around it.

The model knows how many rows the filter matches (``count_interactions``) and
fetches rows a page at a time, on the worker thread, only when the view asks
for them. Pages live in a small LRU cache, so a million interactions never
sit in memory; rows whose page is still on its way show "…".
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.changes import Changes
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.records import RecordType
from safetydesk.domain.vocab import InteractionType
from safetydesk.services import interactions
from safetydesk.ui.kit import formatting
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.worker import DbWorker

PLACEHOLDER = "…"
Index = QModelIndex | QPersistentModelIndex

COLUMNS: list[tuple[str, str]] = [
    ("when", "When"),
    ("school", "School"),
    ("type", "Type"),
    ("students", "Students"),
    ("staff", "Staff"),
    ("location", "Location"),
    ("discipline", "Discipline"),
    ("outcomes", "Outcomes"),
    ("status", "Status"),
]
OUTCOME_CHOICES = [
    ("", "Any outcome"),
    ("resulted_in_discipline", "Resulted in discipline"),
    ("use_of_force", "Use of force"),
    ("arrest", "Arrest"),
]


class InteractionTableModel(QAbstractTableModel):
    """Rows of ``list_interactions``, fetched page by page and kept in a bounded LRU cache."""

    count_changed = Signal(int)
    page_loaded = Signal(int)

    def __init__(self, worker: DbWorker, *, page_size: int = 200, max_pages: int = 8,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.page_size = page_size
        self.max_pages = max(2, max_pages)
        self.filter = InteractionFilter()
        self._count = 0
        self._counted = False
        self._generation = 0
        self._cache: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._in_flight: int | None = None
        self.pages_fetched = 0  # for tests and benchmarks
        self.peak_cached_pages = 0
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self._fetch_next)
        self._school_names: dict[str, str] = {}

    # ------------------------------------------------------------------ filter and refresh
    def set_filter(self, f: InteractionFilter) -> None:
        self.filter = f
        self.refresh()

    def refresh(self) -> None:
        """Count again and drop cached pages (after a filter change or a write)."""
        self._generation += 1
        gen = self._generation
        self.worker.read(interactions.count_interactions, self.filter,
                         done=partial(self._counted_rows, gen), key=f"count:{id(self)}", owner=self)

    def _counted_rows(self, generation: int, n: int) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._cache.clear()
        self._wanted.clear()
        self._count = n
        self._counted = True
        self.endResetModel()
        self.count_changed.emit(n)

    @property
    def counted(self) -> bool:
        return self._counted

    @property
    def cached_rows(self) -> int:
        return sum(len(p) for p in self._cache.values())

    @property
    def cached_pages(self) -> int:
        return len(self._cache)

    # ------------------------------------------------------------------ paging
    def row(self, r: int) -> dict[str, Any] | None:
        """The row's data if its page is here; otherwise ask for the page and return None."""
        if not 0 <= r < self._count:
            return None
        page = r // self.page_size
        rows = self._cache.get(page)
        if rows is None:
            self._want(page)
            return None
        self._cache.move_to_end(page)
        offset = r - page * self.page_size
        return rows[offset] if offset < len(rows) else None

    def record_id(self, r: int) -> str | None:
        row = self.row(r)
        return row["id"] if row else None

    def _want(self, page: int) -> None:
        self._wanted[page] = None
        self._wanted.move_to_end(page)
        while len(self._wanted) > self.max_pages:  # scrolled past long ago: no longer wanted
            self._wanted.popitem(last=False)
        if self._in_flight is None and not self._fetch_timer.isActive():
            self._fetch_timer.start()

    def _fetch_next(self) -> None:
        if self._in_flight is not None:
            return
        while self._wanted:
            page, _ = self._wanted.popitem(last=True)  # the page looked at most recently first
            if page not in self._cache:
                break
        else:
            return
        self._in_flight = page
        gen = self._generation
        self.worker.read(
            interactions.list_interactions, self.filter, page * self.page_size, self.page_size,
            done=partial(self._page_arrived, gen, page), error=partial(self._page_failed, gen),
            owner=self,
        )

    def _page_arrived(self, generation: int, page: int, rows: list[dict[str, Any]]) -> None:
        self._in_flight = None
        self.pages_fetched += 1
        if generation == self._generation:
            self._cache[page] = rows
            self._cache.move_to_end(page)
            while len(self._cache) > self.max_pages:
                self._cache.popitem(last=False)
            self.peak_cached_pages = max(self.peak_cached_pages, len(self._cache))
            first = page * self.page_size
            last = min(self._count, first + self.page_size) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))
            self.page_loaded.emit(page)
        if self._wanted:
            self._fetch_timer.start()

    def _page_failed(self, generation: int, exc: BaseException) -> None:
        self._in_flight = None
        if self.worker.default_error is not None:
            self.worker.default_error(exc)

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][1]
        return None

    def set_school_names(self, names: dict[str, str]) -> None:
        self._school_names = names

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        column = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if row is None:
                return PLACEHOLDER if index.column() == 0 else ""
            return self.text(row, column)
        if row is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column in ("students", "staff", "location"):
            return self.text(row, column)
        if role == Qt.ItemDataRole.FontRole and row.get("retracted"):
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.get("retracted"):
                return QBrush(QColor("#8a8f98"))
            if column == "outcomes" and (row.get("use_of_force") or row.get("arrest")):
                return QBrush(QColor("#a4262c"))
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def text(self, row: dict[str, Any], column: str) -> str:
        if column == "when":
            return formatting.short_when(row["occurred_at"])
        if column == "school":
            return row.get("school_name") or self._school_names.get(row["school_id"], "")
        if column == "type":
            return InteractionType.label_of(row["type"])
        if column == "students":
            return row.get("students_label") or ""
        if column == "staff":
            return row.get("staff_label") or ""
        if column == "location":
            return row.get("location") or ""
        if column == "discipline":
            return "Yes" if row.get("discipline_related") else "No"
        if column == "outcomes":
            return " · ".join(formatting.outcomes(row)) or "—"
        if column == "status":
            return "Retracted" if row.get("retracted") else ("Amended" if row.get("version", 1) > 1
                                                             else "")
        return ""


class InteractionsTable(QTableView):
    """A table view where Enter opens the current row, like a double-click."""

    open_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


def _combo(name: str, accessible: str, choices: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    # Long school names must not widen the whole window: the closed box shows about
    # 22 characters (the full name is in the drop-down and the tooltip).
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    combo.currentTextChanged.connect(combo.setToolTip)
    for value, label in choices:
        combo.addItem(label, value)
    return combo


class InteractionsPage(QWidget):
    """Search, filters, a count and the lazily loaded table."""

    open_interaction = Signal(str)
    SEARCH_DELAY_MS = 250

    def __init__(self, ctx: UiContext, *, page_size: int = 200, max_pages: int = 8,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("interactionsPage")
        self.model = InteractionTableModel(ctx.worker, page_size=page_size, max_pages=max_pages,
                                           parent=self)

        title = QLabel("Interactions")
        title.setProperty("role", "pageTitle")
        self.count_label = QLabel("Counting…")
        self.count_label.setObjectName("countLabel")
        self.count_label.setProperty("role", "countLabel")
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.count_label)

        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Search narratives, locations and student names or ids  (Ctrl+F)")
        self.search.setAccessibleName("Search interactions")
        self.search.setAccessibleDescription(
            "Finds interactions whose narrative or location contains the words, or that involve a "
            "student with that name or id.")
        self.search.setClearButtonEnabled(True)

        self.school = _combo("schoolFilter", "Filter by school", [("", "All schools")])
        self.type = _combo("typeFilter", "Filter by type",
                           [("", "All types"), *InteractionType.choices()])
        self.year = _combo("yearFilter", "Filter by school year", [("", "All school years")])
        self.outcome = _combo("outcomeFilter", "Filter by outcome", OUTCOME_CHOICES)
        self.discipline = QCheckBox("Discipline-related only")
        self.discipline.setObjectName("disciplineFilter")
        self.discipline.setAccessibleName("Show only discipline-related interactions")
        self.retracted = QCheckBox("Include retracted")
        self.retracted.setObjectName("retractedFilter")
        self.retracted.setAccessibleName("Include retracted interactions")

        filters = QHBoxLayout()
        filters.setSpacing(8)
        for w in (self.school, self.type, self.year, self.outcome):
            filters.addWidget(w, 1)
        ticks = QVBoxLayout()  # stacked, so the filter row fits a 1280-pixel screen
        ticks.setSpacing(0)
        ticks.addWidget(self.discipline)
        ticks.addWidget(self.retracted)
        filters.addLayout(ticks)

        self.table = InteractionsTable()
        self.table.setObjectName("interactionsTable")
        self.table.setAccessibleName("Interactions")
        self.table.setAccessibleDescription("Press Enter or double-click to open an interaction.")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setTabKeyNavigation(False)
        vh = self.table.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measure a million rows
        vh.setDefaultSectionSize(30)
        hh = self.table.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setStretchLastSection(True)
        for col, width in enumerate((160, 160, 128, 170, 150, 118, 88, 110, 80)):
            self.table.setColumnWidth(col, width)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.open_requested.connect(self._open_row)

        self.empty_label = QLabel("No interactions match. Clear the search or filters to see more.")
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setProperty("role", "hint")
        self.empty_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        layout.addLayout(heading)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(self.SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        for combo in (self.school, self.type, self.year, self.outcome):
            combo.currentIndexChanged.connect(lambda _: self.apply_filter())
        for box in (self.discipline, self.retracted):
            box.toggled.connect(lambda _: self.apply_filter())
        self.model.count_changed.connect(self._show_count)
        ctx.lookups_changed.connect(self._fill_lookups)
        ctx.worker.records_changed.connect(self._records_changed)
        if ctx.lookups_loaded:
            self._fill_lookups()
        if ctx.signed_in:
            self.model.refresh()

    def _fill_lookups(self) -> None:
        self.model.set_school_names({s["id"]: s["name"] for s in self.ctx.schools})
        for combo, items in ((self.school, [(s["id"], s["name"]) for s in self.ctx.schools]),
                             (self.year, [(y, y) for y in self.ctx.years])):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value, label in items:
                combo.addItem(label, value)
            found = combo.findData(current)
            combo.setCurrentIndex(max(0, found))
            combo.blockSignals(False)

    def current_filter(self) -> InteractionFilter:
        return InteractionFilter(
            text=self.search.text().strip(),
            school_id=self.school.currentData() or "",
            type=self.type.currentData() or "",
            school_year=self.year.currentData() or "",
            discipline_only=self.discipline.isChecked(),
            outcome=self.outcome.currentData() or "",
            include_retracted=self.retracted.isChecked(),
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        f = self.current_filter()
        if f != self.model.filter or not self.model.counted:
            self.count_label.setText("Counting…")
            self.model.set_filter(replace(f))

    def show_filter(self, **values: Any) -> None:
        """Set filters from elsewhere (for example a dashboard figure) and apply them."""
        self.search.blockSignals(True)
        self.search.setText(values.get("text", ""))
        self.search.blockSignals(False)
        for combo, key in ((self.school, "school_id"), (self.type, "type"),
                           (self.year, "school_year"), (self.outcome, "outcome")):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(values.get(key, ""))))
            combo.blockSignals(False)
        for box, key in ((self.discipline, "discipline_only"), (self.retracted, "include_retracted")):
            box.blockSignals(True)
            box.setChecked(bool(values.get(key, False)))
            box.blockSignals(False)
        self.apply_filter()

    def _show_count(self, n: int) -> None:
        self.count_label.setText(formatting.count(n, "interaction"))
        self.empty_label.setVisible(n == 0)

    def _records_changed(self, changes: Changes) -> None:
        if changes.touches(RecordType.INTERACTION):
            self.model.refresh()

    def _open_row(self, row: int) -> None:
        record_id = self.model.record_id(row)
        if record_id:
            self.open_interaction.emit(record_id)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
