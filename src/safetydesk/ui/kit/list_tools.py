"""What every list page offers around its table: columns that fit their content, column widths,
sort and filters remembered per person (the settings ``geometry`` keeps), a visible date range
filter, export of the current list as CSV and printing it.

The search text is not remembered: it may hold a student's name, and the settings file is not
encrypted like the data file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDateEdit, QWidget

from safetydesk.ui.kit import geometry

if TYPE_CHECKING:
    from safetydesk.ui.kit.listing import LazyRecordModel, RecordTable

NO_DATE = QDate(2000, 1, 1)  # the date edit's "Any date"


class ListMemory(QObject):
    """Remembers one list's column widths and sort, and its filters, for the signed-in person;
    fits the columns to their content the first time (when nothing is remembered)."""

    SAVE_DELAY_MS = 400

    def __init__(self, ctx: Any, table: RecordTable, model: LazyRecordModel, name: str,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or table)
        self.ctx, self.table, self.model, self.name = ctx, table, model, name
        header = table.horizontalHeader()
        self.restored = geometry.restore_columns(ctx, header, name)
        if self.restored and model.sortable:
            model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
            table.show_sort()
        self._fitted = self.restored
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SAVE_DELAY_MS)
        self._timer.timeout.connect(self.remember_columns)
        header.sectionResized.connect(lambda *_: self._timer.start())
        header.sortIndicatorChanged.connect(lambda *_: self._timer.start())
        model.page_loaded.connect(self._first_page)
        model.count_changed.connect(lambda _n: self._first_page(0))

    def _first_page(self, _page: int) -> None:
        if self._fitted or self.model.rowCount() == 0 or self.model.row(0) is None:
            return
        self._fitted = True
        self.table.fit_columns()
        self._timer.stop()  # a fit is not the person's choice: nothing to remember yet

    def remember_columns(self) -> None:
        self._timer.stop()
        if self.ctx.signed_in:
            geometry.remember_columns(self.ctx, self.table.horizontalHeader(), self.name)

    # filters ------------------------------------------------------------------
    def filters(self) -> dict[str, Any]:
        try:
            data = json.loads(geometry.restore_value(self.ctx, self.name, "filters") or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def remember_filters(self, values: dict[str, Any]) -> None:
        if self.ctx.signed_in:
            kept = {k: v for k, v in values.items() if k != "text"}  # never the search text
            geometry.remember_value(self.ctx, self.name, "filters", json.dumps(kept, sort_keys=True))


class DateBound(QDateEdit):
    """One end of a date range filter: a date, or "Any date" (empty)."""

    def __init__(self, name: str, accessible: str, any_text: str = "Any date",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setCalendarPopup(True)
        self.setDisplayFormat("MM/dd/yyyy")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText(any_text)
        self.setDate(NO_DATE)
        self.setToolTip(f"{accessible}. Clear it with Delete for {any_text.lower()}.")

    def iso(self) -> str:
        return "" if self.date() == NO_DATE else self.date().toString("yyyy-MM-dd")

    def set_iso(self, text: str) -> None:
        date = QDate.fromString(text or "", "yyyy-MM-dd")
        self.setDate(date if date.isValid() and date > NO_DATE else NO_DATE)

    def clear_date(self) -> None:
        self.setDate(NO_DATE)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Delete:  # back to "Any date"
            self.clear_date()
            return
        super().keyPressEvent(event)


def connect_dates(dates: tuple[DateBound, DateBound], apply: Callable[[], None]) -> None:
    for d in dates:
        d.dateChanged.connect(lambda _d: apply())
