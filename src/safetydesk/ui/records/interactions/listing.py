"""The list of interactions: a lazily fetched table model and the page around it.

The model shows the first page as soon as it is here, then learns how many rows the
filter matches (``count_interactions``), and fetches the other rows a page at a time, on the worker thread, only when the view asks
for them. Pages live in a small LRU cache, so a million interactions never
sit in memory; rows whose page is still on its way show "…".
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.changes import Changes
from safetydesk.domain.filters import (
    INTERACTION_SORT_FIELDS,
    InteractionFilter,
    interaction_sort_key,
)
from safetydesk.domain.records import RecordType
from safetydesk.domain.vocab import InteractionType
from safetydesk.services import interactions
from safetydesk.ui.kit import formatting
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.list_tools import DateBound, ListMemory, ListOutputs
from safetydesk.ui.kit.listing import LazyRecordModel, RecordTable
from safetydesk.ui.kit.worker import DbWorker

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


def _page_of(session: Any, offset: int, limit: int, f: InteractionFilter, **key: Any) -> list[dict[str, Any]]:
    return interactions.list_interactions(session, f, offset, limit, **key)


def _count_of(session: Any, f: InteractionFilter) -> int:
    return interactions.count_interactions(session, f)


class InteractionTableModel(LazyRecordModel):
    """The lazy list model on ``list_interactions``: only the columns and the filter are its own."""

    def __init__(self, worker: DbWorker, *, page_size: int = 200, max_pages: int = 8,
                 parent: Any = None) -> None:
        super().__init__(worker, COLUMNS, _page_of, _count_of, page_size=page_size,
                         max_pages=max_pages, parent=parent,
                         keyset=lambda row: interaction_sort_key(row, self.sort_by),
                         sortable=tuple(INTERACTION_SORT_FIELDS), sort=("when", True))
        self.filter = InteractionFilter()
        self.filters = {"f": self.filter}
        self._school_names: dict[str, str] = {}
        self.red = lambda row, column: column == "outcomes" and bool(
            row.get("use_of_force") or row.get("arrest"))

    def set_filter(self, f: InteractionFilter) -> None:
        self.filter = f
        self.set_filters(f=f)

    def set_school_names(self, names: dict[str, str]) -> None:
        self._school_names = names

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


def _combo(name: str, accessible: str, choices: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    # Long school names must not widen the whole window: the closed box shows about
    # 8 characters at least and grows with the window (the full name is in the drop-down and the
    # tooltip), so the four filters fit a 1280x720 screen at 150%.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    combo.currentTextChanged.connect(combo.setToolTip)
    for value, label in choices:
        combo.addItem(label, value)
    return combo


def _list_export() -> Any:
    """The list's export and print service, imported when first used (it brings the PDF side)."""
    from safetydesk.services import list_export

    return list_export


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
        self.outputs = ListOutputs(
            ctx, self, "Interactions", "interactions",
            export_call=lambda path: (_list_export().export_interaction_list, self.model.filter, path,
                                      self.model.sort_by, self.model.descending),
            print_call=lambda: (_list_export().interaction_list_for_print, self.model.filter,
                                self.model.sort_by, self.model.descending),
            subtitle=self.describe)
        self.output_status = QLabel()
        self.output_status.setObjectName("listOutputStatus")
        self.output_status.setProperty("role", "hint")
        self.outputs.finished.connect(self.output_status.setText)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.output_status)
        heading.addWidget(self.count_label)
        for b in self.outputs.buttons():
            heading.addWidget(b)

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

        self.date_from = DateBound("dateFromFilter", "From date (the first day shown)")
        self.date_to = DateBound("dateToFilter", "To date (the last day shown)")
        search_row = QHBoxLayout()
        search_row.setSpacing(8)
        search_row.addWidget(self.search, 1)
        dates_label = QLabel("From")
        dates_label.setBuddy(self.date_from)
        to_label = QLabel("to")
        to_label.setBuddy(self.date_to)
        for part in (dates_label, self.date_from, to_label, self.date_to):
            search_row.addWidget(part)

        filters = QHBoxLayout()
        filters.setSpacing(8)
        for w in (self.school, self.type, self.year, self.outcome):
            filters.addWidget(w, 1)
        ticks = QVBoxLayout()  # stacked beside the search, so the rows fit 1280x720 at 150%
        ticks.setSpacing(0)
        ticks.addWidget(self.discipline)
        ticks.addWidget(self.retracted)
        search_row.addLayout(ticks)

        self.table = RecordTable("interactionsTable", "Interactions")
        self.table.setAccessibleDescription("Press Enter or double-click to open an interaction.")
        self.table.setModel(self.model)
        for col, width in enumerate((160, 160, 128, 170, 150, 118, 88, 110, 80)):
            self.table.setColumnWidth(col, width)
        self.table.open_requested.connect(self._open_row)
        # this person's column widths, sort and filters (the search text is never kept)
        self.memory = ListMemory(ctx, self.table, self.model, "interactionsList", parent=self)
        self._remembered = self.memory.filters()
        self._show_remembered()

        self.empty_label = QLabel("No interactions match. Clear the search or filters to see more.")
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setWordWrap(True)
        self.empty_label.setProperty("role", "hint")
        self.empty_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.setSpacing(10)
        layout.addLayout(heading)
        layout.addLayout(search_row)
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
        for date in (self.date_from, self.date_to):
            date.dateChanged.connect(lambda _: self.apply_filter())
        self.model.count_changed.connect(self._show_count)
        self.model.first_rows.connect(self._show_first_rows)
        ctx.lookups_changed.connect(self._fill_lookups)
        ctx.worker.records_changed.connect(self._records_changed)
        self._applied = False
        if ctx.lookups_loaded:
            self._fill_lookups()
        if ctx.signed_in and not self._applied:
            self.apply_filter()

    def _show_remembered(self) -> None:
        """The filters this person left the list with (school and year once their lists are here)."""
        values = self._remembered
        for combo, key in ((self.type, "type"), (self.outcome, "outcome"),
                           (self.school, "school_id"), (self.year, "school_year")):
            found = combo.findData(values.get(key, ""))
            if found >= 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(found)
                combo.blockSignals(False)
        for box, key in ((self.discipline, "discipline_only"), (self.retracted, "include_retracted")):
            box.blockSignals(True)
            box.setChecked(bool(values.get(key, box.isChecked())))
            box.blockSignals(False)
        for date, key in ((self.date_from, "date_from"), (self.date_to, "date_to")):
            date.blockSignals(True)
            date.set_iso(str(values.get(key, "")))
            date.blockSignals(False)

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
        if self._remembered:
            self._show_remembered()
            self._remembered = {}
            self.apply_filter()

    def current_filter(self) -> InteractionFilter:
        return InteractionFilter(
            text=self.search.text().strip(),
            school_id=self.school.currentData() or "",
            type=self.type.currentData() or "",
            school_year=self.year.currentData() or "",
            discipline_only=self.discipline.isChecked(),
            outcome=self.outcome.currentData() or "",
            include_retracted=self.retracted.isChecked(),
            date_from=self.date_from.iso(),
            date_to=self.date_to.iso(),
        )

    def apply_filter(self) -> None:
        self._search_timer.stop()
        self._applied = True
        f = self.current_filter()
        if self.ctx.signed_in and self.ctx.lookups_loaded:
            self.memory.remember_filters({k: v for k, v in vars(f).items() if k != "scope"})
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
        for date, key in ((self.date_from, "date_from"), (self.date_to, "date_to")):
            date.blockSignals(True)
            date.set_iso(str(values.get(key, "")))
            date.blockSignals(False)
        self.apply_filter()

    def describe(self) -> str:
        """What the list shows, in words (the printed list's second line)."""
        f = self.model.filter
        # Paper keeps no "counting…": the count goes on the page once it is exact, and until then
        # the printed table's own rows say how many there are.
        parts = [self.model.count_text("interaction")] if not self.model.counting else []
        for combo in (self.school, self.type, self.year, self.outcome):
            if combo.currentIndex() > 0:
                parts.append(combo.currentText())
        if f.date_from or f.date_to:
            parts.append(f"{f.date_from or 'the first'} to {f.date_to or 'the last'}")
        if f.discipline_only:
            parts.append("discipline-related only")
        if f.include_retracted:
            parts.append("retracted included")
        if f.text:
            parts.append("matching the search")
        column = dict(COLUMNS).get(self.model.sort_by, "")
        parts.append(f"sorted by {column.lower()}, {'descending' if self.model.descending else 'ascending'}")
        return " · ".join(parts)

    def _show_count(self, n: int) -> None:
        self.count_label.setText(formatting.count(n, "interaction"))
        self.empty_label.setVisible(n == 0)

    def _show_first_rows(self, n: int) -> None:
        """The first page is here, the count not yet: "200+ interactions, counting…"."""
        self.count_label.setText(self.model.count_text("interaction"))
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
