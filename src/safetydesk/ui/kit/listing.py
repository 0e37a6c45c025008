"""The list pages: a lazy table model that fetches a page of rows at a time on the worker,
the table views that open a record on Enter, and the record list page."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from functools import cmp_to_key, partial
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCollator,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.changes import Changes
from safetydesk.domain.filters import LIST_SORT_FIELDS, list_sort_key
from safetydesk.ui.kit import formatting
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.list_tools import ListMemory
from safetydesk.ui.kit.widgets import RED, combo, hint
from safetydesk.ui.kit.worker import DbWorker

Index = QModelIndex | QPersistentModelIndex


# ---------------------------------------------------------------------- the lazy list
PLACEHOLDER = "…"  # what a row shows while its page is on its way

# How a short list sorts one column in the model: "text" by the shown text (case-insensitive,
# in the person's locale, numbers inside by value), or a function row -> the stored value (an
# ISO date, a number) compared as it is, empty values first.
LocalSort = str | Callable[[dict[str, Any]], Any]


def _collator() -> QCollator:
    """The person's locale's collation; US English where the system names no language (the
    "C" locale compares code points: "Émile" would come after "Zed")."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    collator = QCollator(locale)
    collator.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    collator.setNumericMode(True)
    return collator


def sort_rows(rows: list[dict[str, Any]], how: LocalSort, text: Callable[[dict[str, Any]], str],
              descending: bool) -> list[dict[str, Any]]:
    """The rows in a stable sort by one column (see LocalSort); ties keep their order."""
    if how == "text":
        collator = _collator()
        shown = [text(r) for r in rows]

        def compare(a: int, b: int) -> int:
            return collator.compare(shown[a], shown[b])

        order = sorted(range(len(rows)), key=cmp_to_key(compare), reverse=descending)
        return [rows[i] for i in order]
    assert callable(how)

    def key(row: dict[str, Any]) -> tuple[bool, Any]:
        value = how(row)
        return (value not in (None, ""), value if value not in (None, "") else 0)
    return sorted(rows, key=key, reverse=descending)


class LazyRecordModel(QAbstractTableModel):
    """The one lazy list model: rows of a paged service list, fetched a page at a time on the
    worker, held in a bounded LRU cache, so a million records never sit in memory.

    ``count`` (session, **filters) -> int and ``fetch`` (session, offset, limit, **filters) -> rows.
    Without ``count``, one fetch of ``page_size`` rows is all there is (students, staff). One page
    is in flight at a time, the one looked at most recently first; pages scrolled past long ago
    are no longer wanted.
    """

    count_changed = Signal(int)  # the exact number of rows is known (and is the row count)
    page_loaded = Signal(int)
    # The first page is shown while the count is on its way: the number of rows shown (a page
    # fuller than this means more may follow; "200+"). The row count is those rows until then.
    first_rows = Signal(int)
    sort_reset = Signal()  # the model changed its own sort (the view shows the new indicator)

    def __init__(self, worker: DbWorker, columns: list[tuple[str, str]],
                 fetch: Callable[..., list[dict[str, Any]]], count: Callable[..., int] | None,
                 text: Callable[[dict[str, Any], str], str] | None = None, *, page_size: int = 200,
                 max_pages: int = 6, parent: Any = None,
                 keyset: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None,
                 sortable: tuple[str, ...] = (), sort: tuple[str, bool] | None = None,
                 local_sort: dict[str, LocalSort] | None = None,
                 query_sorts: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.worker = worker
        self.columns = columns
        self.fetch = fetch
        self.keyset = keyset  # row -> its sort key: fetch then takes after=/before=/from_end=
        # A short list (one fetch, every row here) sorts in the model, by these columns.
        self.local_sort = dict(local_sort or {})
        self._fetched: list[dict[str, Any]] = []  # a short list's rows in the service's order
        # A short list's columns its fetch can sort (sort=, descending=) over the whole list: when
        # one fetch does not hold every row (``truncated``), a header click fetches again sorted
        # by the query (and only these columns sort), so the rows shown are the top of the whole
        # list in that order, not the fetched rows rearranged.
        self.query_sorts = tuple(query_sorts)
        self.truncated = False
        if self.local_sort and count is not None:
            raise ValueError("A paged list sorts in its query, not in the model.")
        if self.local_sort:
            sortable = tuple(c for c, _ in columns if c in self.local_sort)
        # Columns the query can sort by (fetch then takes sort=, descending=); the current sort.
        self.sortable = sortable
        self.sort_by, self.descending = sort or ((sortable[0], False) if sortable else ("", False))
        self.count_fn = count
        self._text = text
        self.page_size = page_size
        self.max_pages = max(2, max_pages)
        self.filters: dict[str, Any] = {}
        self._count = 0
        self._generation = 0
        self._cache: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self._wanted: OrderedDict[int, None] = OrderedDict()
        self._in_flight: int | None = None
        self.loaded = False  # the exact count is known
        self.counting = False  # asked for the count, not answered yet
        self._first_shown = 0  # the generation whose first page is the one shown
        self.pages_fetched = 0  # for tests and benchmarks
        self.peak_cached_pages = 0
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self._fetch_next)
        self.red: Callable[[dict[str, Any], str], bool] = lambda row, col: False
        # A cell's own colour ("#rrggbb", shown bold) for a list that marks more than one state
        # (agreements due or overdue, start-of-year items missing or partly done); "" for none.
        self.colour: Callable[[dict[str, Any], str], str] = lambda row, col: ""

    def text(self, row: dict[str, Any], column: str) -> str:
        return self._text(row, column) if self._text is not None else ""

    # ------------------------------------------------------------------ filter and refresh
    def set_filters(self, **filters: Any) -> None:
        self.filters = filters
        self.refresh()

    def refresh(self) -> None:
        """Fetch the first page, then count again, and drop cached pages (after a filter change or
        a write). The first page is shown as soon as it is here, with only its rows in the model;
        the other rows are added when the count arrives (a common word's count can take seconds
        at a million records, its first page milliseconds)."""
        self._generation += 1
        gen = self._generation
        if self.count_fn is None:
            self.worker.read(self.fetch, 0, self.page_size, kwargs={**self.filters, **self.sort_args()},
                             done=partial(self._single, gen), key=f"list:{id(self)}", owner=self)
        else:
            self.counting = True
            # the worker runs jobs in order: the first page is answered before the count
            self.worker.read(self.fetch, 0, self.page_size, kwargs={**self.filters, **self.sort_args()},
                             done=partial(self._first_page, gen), error=self._first_failed,
                             key=f"first:{id(self)}", owner=self)
            self.worker.read(self.count_fn, kwargs=self.filters, done=partial(self._counted, gen),
                             key=f"count:{id(self)}", owner=self)

    def sort_args(self) -> dict[str, Any]:
        if self.local_sort:
            if self.sort_by in self.query_sorts:
                return {"sort": self.sort_by, "descending": self.descending}
            return {}
        return {"sort": self.sort_by, "descending": self.descending} if self.sortable else {}

    def _sorted(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The fetched rows in the model's sort; ties in the first column's order (A to Z),
        then the service's, whatever was clicked before (so a restored sort shows the same)."""
        how = self.local_sort.get(self.sort_by)
        if how is None:
            return rows
        first = self.columns[0][0]
        if first in self.local_sort and first != self.sort_by:
            rows = sort_rows(rows, self.local_sort[first], lambda r: self.text(r, first), False)
        return sort_rows(rows, how, lambda r: self.text(r, self.sort_by), self.descending)

    def can_sort(self, column: int) -> bool:
        if not 0 <= column < len(self.columns) or self.columns[column][0] not in self.sortable:
            return False
        # a short list held in part sorts only by what its query can sort (the whole list)
        return not (self.truncated and self.query_sorts) or self.columns[column][0] in self.query_sorts

    def sort_column(self) -> int:
        names = [c[0] for c in self.columns]
        return names.index(self.sort_by) if self.sort_by in names else -1

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sorted in the query (a header click): the pages are fetched again in the new order;
        keyset paging goes on by (the sort column's value, id)."""
        if not self.can_sort(column):
            return
        name, descending = self.columns[column][0], order == Qt.SortOrder.DescendingOrder
        if (name, descending) == (self.sort_by, self.descending):
            return
        self.sort_by, self.descending = name, descending
        if self.counting and self.count_fn is not None:  # the first page on its way is in the old order
            self.refresh()
            return
        if not self.loaded:
            return
        if self.local_sort and not self.truncated:  # every row is here: sorted in place, nothing fetched
            self.layoutAboutToBeChanged.emit()
            old = self._cache.get(0, [])
            rows = self._sorted(self._fetched)
            self._cache[0] = rows
            now = {id(r): i for i, r in enumerate(rows)}
            persistent = self.persistentIndexList()  # the selection follows its row
            self.changePersistentIndexList(persistent, [
                self.index(now[id(old[i.row()])], i.column()) if 0 <= i.row() < len(old) else i
                for i in persistent])
            self.layoutChanged.emit()
            return
        if self.count_fn is None:
            self.refresh()
            return
        self._generation += 1
        self.beginResetModel()
        self._cache.clear()
        self._wanted.clear()
        self.endResetModel()

    def _single(self, gen: int, rows: list[dict[str, Any]]) -> None:
        if gen != self._generation:
            return
        first = self.columns[0][0] if self.columns else ""
        if len(rows) >= self.page_size and self.query_sorts and self.sort_by not in self.query_sorts \
                and first in self.query_sorts:
            # held in part, in a sort its query cannot make over the whole list (one chosen, or
            # restored, while every row was here): back to the first column, fetched again
            self.sort_by, self.descending = first, False
            self.sort_reset.emit()
            self.refresh()
            return
        self.beginResetModel()
        self._fetched = rows
        self.truncated = len(rows) >= self.page_size  # more may match than one fetch holds
        self._cache = OrderedDict({0: self._sorted(rows)})
        self._wanted.clear()
        self._count = len(rows)
        self.loaded = True
        self.endResetModel()
        self.count_changed.emit(self._count)

    def _first_page(self, gen: int, rows: list[dict[str, Any]]) -> None:
        """The first page, before the count: the model holds just these rows (never a row that
        is not there, never a total that is not known)."""
        self.pages_fetched += 1
        if gen != self._generation or not self.counting:
            return
        self.beginResetModel()
        self._cache = OrderedDict({0: rows})
        self._wanted.clear()
        self._count = len(rows)
        self._first_shown = gen
        self.endResetModel()
        self.first_rows.emit(len(rows))
        self.page_loaded.emit(0)

    def _counted(self, gen: int, n: int) -> None:
        if gen != self._generation:
            return
        self.counting = False
        first = self._cache.get(0) if self._first_shown == gen else None
        if first is not None and self._count == len(first) and n >= len(first) and \
                (n == len(first) or len(first) == self.page_size):
            # the first page is shown: the rest of the rows follow it (the scroll bar settles)
            if n > self._count:
                self.beginInsertRows(QModelIndex(), self._count, n - 1)
                self._count = n
                self.endInsertRows()
        else:  # no first page here, or a write came between the page and the count
            self.beginResetModel()
            self._cache.clear()
            self._wanted.clear()
            self._count = n
            self.endResetModel()
        self.loaded = True
        self.count_changed.emit(n)

    @property
    def counted(self) -> bool:
        """The exact count of the current filter is known (and is the row count)."""
        return self.loaded and not self.counting

    def count_text(self, one: str, many: str | None = None) -> str:
        """The count as a label: exact once counted; "200+ interactions, counting…" while the
        first page alone is here (a page less than full is the whole list: exact)."""
        if self.counting and self._count >= self.page_size:
            return f"{self._count:,}+ {many or one + 's'}, counting…"
        return formatting.count(self._count, one, many)

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
            if self.count_fn is not None:
                self._want(page)
            return None
        self._cache.move_to_end(page)
        offset = r - page * self.page_size
        return rows[offset] if offset < len(rows) else None

    def record_id(self, r: int) -> str | None:
        row = self.row(r)
        return str(row["id"]) if row else None

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
        offset, limit, key = self._page_args(page)
        self.worker.read(self.fetch, offset, limit, kwargs={**self.filters, **self.sort_args(), **key},
                         done=partial(self._page, gen, page), error=self._page_failed, owner=self)

    def _page_args(self, page: int) -> tuple[int, int, dict[str, Any]]:
        """Offset, limit and key arguments of one page's fetch: by key from a neighbouring page
        that is here, from the nearer end otherwise, so no fetch reads past rows it skips."""
        size = self.page_size
        if self.keyset is None:
            return page * size, size, {}
        above, below = self._cache.get(page - 1), self._cache.get(page + 1)
        if above and len(above) == size:
            return 0, size, {"after": self.keyset(above[-1])}
        if below:
            return 0, size, {"before": self.keyset(below[0])}
        end = min(self._count, (page + 1) * size)
        if page * size > self._count - end:  # nearer the end: count back from the oldest row
            return self._count - end, end - page * size, {"from_end": True}
        return page * size, size, {}

    def _page(self, gen: int, page: int, rows: list[dict[str, Any]]) -> None:
        self._in_flight = None
        self.pages_fetched += 1
        if gen == self._generation:
            self._cache[page] = rows
            self._cache.move_to_end(page)
            while len(self._cache) > self.max_pages:
                self._cache.popitem(last=False)
            self.peak_cached_pages = max(self.peak_cached_pages, len(self._cache))
            first = page * self.page_size
            last = min(self._count, first + self.page_size) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))
            self.page_loaded.emit(page)
        if self._wanted:
            self._fetch_timer.start()

    def _first_failed(self, exc: BaseException) -> None:
        if self.worker.default_error is not None:
            self.worker.default_error(exc)

    def _page_failed(self, exc: BaseException) -> None:
        self._in_flight = None
        if self.worker.default_error is not None:
            self.worker.default_error(exc)

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole \
                and self.can_sort(section):
            return f"Click to sort by {self.columns[section][1].lower()}; click again to reverse."
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        column = self.columns[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if row is None:
                return PLACEHOLDER if index.column() == 0 else ""
            return self.text(row, column)
        if row is None:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.FontRole and row.get("retracted"):
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.FontRole and self.colour(row, column):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.get("retracted"):
                return QBrush(QColor("#8a8f98"))
            if self.red(row, column):
                return QBrush(QColor(RED))
            if colour := self.colour(row, column):
                return QBrush(QColor(colour))
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None


def record_table_look(view: QTableView, name: str, accessible: str) -> None:
    """How every table of records looks and moves: whole rows, one at a time, fixed row height
    (never measure a million rows), Tab leaves the table, Enter or double-click opens."""
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setAccessibleDescription("Press Enter or double-click to open the selected record.")
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.setTabKeyNavigation(False)
    vh = view.verticalHeader()
    vh.setVisible(False)
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(30)
    view.horizontalHeader().setHighlightSections(False)


def _enter_pressed(view: QTableView, event: QKeyEvent) -> bool:
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and view.currentIndex().isValid()


class RecordTable(QTableView):
    """The table of a lazy list (a model): Enter opens the current row, like a double-click. A
    header click sorts by a column the model's query can sort by (and by no other)."""

    open_requested = Signal(int)

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        record_table_look(self, name, accessible)
        self.horizontalHeader().setStretchLastSection(True)
        # Fitting columns to their content measures the rows on screen only: never ask a lazy
        # model for every page.
        self.horizontalHeader().setResizeContentsPrecision(0)
        self._lazy: LazyRecordModel | None = None
        self.doubleClicked.connect(lambda index: self.open_requested.emit(index.row()))

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        self._lazy = model if isinstance(model, LazyRecordModel) else None
        if isinstance(model, LazyRecordModel) and model.sortable:
            header = self.horizontalHeader()
            header.setSectionsClickable(True)
            header.setSortIndicatorShown(True)
            self.show_sort()
            self.setSortingEnabled(True)
            header.sortIndicatorChanged.connect(self._sort_clicked)
            model.sort_reset.connect(self.show_sort)

    def show_sort(self) -> None:
        model = self._lazy
        if model is None:
            return
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(model.sort_column(), Qt.SortOrder.DescendingOrder
                                if model.descending else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def _sort_clicked(self, column: int, _order: Qt.SortOrder) -> None:
        if self._lazy is not None and not self._lazy.can_sort(column):  # the indicator goes back to the real sort
            self.show_sort()

    def rows_on_screen(self, from_top: bool = False) -> range:
        """The rows the table shows (or, while it is hidden or with ``from_top``, would show from
        the top): at most a screenful, whatever the number of rows."""
        model = self.model()
        count = model.rowCount() if model is not None else 0
        shown = self.isVisible() and not from_top
        # a hidden table's viewport has no real size yet: measure as for a tall window
        height = self.viewport().height() if shown else max(self.viewport().height(), 1200)
        rows = height // max(self.verticalHeader().defaultSectionSize(), 1) + 1
        first = max(self.rowAt(0), 0) if shown else 0
        return range(first, min(count, first + rows))

    def fit_columns(self, most: int = 320, from_top: bool = False, widen_only: bool = False) -> None:
        """Columns as wide as their content on screen (and header), none wider than ``most``.

        Only the rows on screen are measured (Qt's own resizeColumnsToContents measures every
        row of a hidden table, which asks a lazy model for every page: minutes at a million);
        ``from_top``: a screenful from the first row, as for a table not shown yet;
        ``widen_only``: no column is made narrower than it is (a width the person chose stays)."""
        model = self.model()
        if model is None:
            return
        header = self.horizontalHeader()
        rows = self.rows_on_screen(from_top)
        last = header.count() - 1
        for col in range(header.count()):
            if header.isSectionHidden(col):
                continue
            width = header.sectionSizeHint(col)
            for r in rows:
                width = max(width, self.sizeHintForIndex(model.index(r, col)).width()
                            + (1 if self.showGrid() else 0))
            width = width if col == last else min(width, most)
            if widen_only and width <= header.sectionSize(col):
                continue
            header.resizeSection(col, width)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _enter_pressed(self, event):
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
    # The row fields of the list's sort key (date, id): its pages are then fetched by key, not OFFSET.
    KEYSET: ClassVar[tuple[str, ...]] = ()
    # The list's name in domain.filters.LIST_SORT_FIELDS: its columns there sort in the query (a
    # header click), newest first by default, and its pages go on by (the sort value, id).
    SORTS: ClassVar[str] = ""
    # A list of one fetch (no count): its columns here sort in the model (see LocalSort),
    # by the first one, A to Z, by default.
    LOCAL_SORTS: ClassVar[dict[str, LocalSort]] = {}
    # Of those, the columns the list's fetch sorts over the whole list (sort=, descending=): with
    # more rows than one fetch, a header click sorts in the query, and only these columns sort.
    QUERY_SORTS: ClassVar[tuple[str, ...]] = ()
    model: LazyRecordModel
    WIDTHS: tuple[int, ...] = ()
    SEARCH_DELAY_MS = 250

    open_record = Signal(str)

    # the record kinds this view shows: it refreshes when a write changes one (none: any)
    KINDS: ClassVar[tuple[str, ...]] = ()

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

        fields, sorts = self.KEYSET, self.SORTS
        keyset: Callable[[dict[str, Any]], tuple[Any, ...]] | None = None
        if sorts:
            keyset = lambda row: list_sort_key(sorts, row, self.model.sort_by)  # noqa: E731
        elif fields:
            keyset = lambda row: tuple(row[f] for f in fields)  # noqa: E731
        sortable = tuple(LIST_SORT_FIELDS[sorts]) if sorts else ()
        self.model = LazyRecordModel(ctx.worker, self.COLUMNS, self.fetch_fn(), self.count_fn(),
                                     self.text, parent=self, keyset=keyset, sortable=sortable,
                                     sort=(sortable[0], True) if sortable else
                                     (self.COLUMNS[0][0], False) if self.LOCAL_SORTS else None,
                                     local_sort=self.LOCAL_SORTS, query_sorts=self.QUERY_SORTS)
        self.model.red = self.red
        self.table = RecordTable(f"{self.objectName() or 'records'}Table", self.TITLE)
        self.table.setModel(self.model)
        for col, width in enumerate(self.WIDTHS):
            self.table.setColumnWidth(col, width)
        self.table.open_requested.connect(self._open_row)
        # this person's column widths and school filter (fitted to the content the first time)
        self.memory = ListMemory(ctx, self.table, self.model, f"{type(self).__name__}List", parent=self)
        self._remembered_school = str(self.memory.filters().get("school_id", ""))
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
        self.model.first_rows.connect(self._first_rows)
        self.new_button.clicked.connect(self.new_record)
        QShortcut(QKeySequence("Ctrl+Shift+N"), self, self.new_record,
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


    # ------------------------------------------------------------------
    def _fill_schools(self) -> None:
        remembered = getattr(self, "_remembered_school", "")
        current = self.school.currentData() or remembered
        self.school.blockSignals(True)
        self.school.clear()
        self.school.addItem("All schools", "")
        for s in self.ctx.schools:
            self.school.addItem(s["name"], s["id"])
        self.school.setCurrentIndex(max(0, self.school.findData(current)))
        self.school.blockSignals(False)
        self.new_button.setVisible(self.can_create())
        if remembered and self.ctx.lookups_loaded:  # the school this person left the list on
            self._remembered_school = ""
            if self.school.currentData() == remembered and hasattr(self, "model"):
                self.apply_filter()

    def apply_filter(self) -> None:
        self._timer.stop()
        if self.ctx.signed_in:
            filters = self.filters()
            if self.ctx.lookups_loaded:
                self.memory.remember_filters({"school_id": filters.get("school_id", "")})
            self.model.set_filters(**filters)

    def _counted(self, n: int) -> None:
        one, many = self.NOUN
        more = " (the first ones; search to narrow)" if self.model.count_fn is None and \
            n >= self.model.page_size else ""
        self.count_label.setText(formatting.count(n, one, many) + more)
        self.empty_label.setVisible(n == 0)
        if n and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _first_rows(self, n: int) -> None:
        one, many = self.NOUN
        self.count_label.setText(self.model.count_text(one, many))
        self.empty_label.setVisible(n == 0)
        if n and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _records_changed(self, changes: Changes) -> None:
        if changes.touches(*self.KINDS):
            self.model.refresh()

    def _open_row(self, r: int) -> None:
        row = self.model.row(r)
        if row is not None:
            self.open_record.emit(str(row["id"]))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()


def short_list(worker: DbWorker, name: str, accessible: str, columns: list[tuple[str, str]],
               fetch: Callable[..., list[dict[str, Any]]], text: Callable[[dict[str, Any], str], str],
               colour: Callable[[dict[str, Any], str], str] | None = None,
               parent: QWidget | None = None,
               sorts: dict[str, LocalSort] | None = None) -> tuple[LazyRecordModel, RecordTable]:
    """A short list (agreements, schools at the start of the year) on the lazy list model: one
    fetch (no count), columns as wide as their contents, the last one taking the rest; the
    columns in ``sorts`` sort in the model (a header click, see LocalSort)."""
    model = LazyRecordModel(worker, columns, fetch, None, text, parent=parent, local_sort=sorts,
                            sort=(columns[0][0], False) if sorts else None)
    if colour is not None:
        model.colour = colour
    table = RecordTable(name, accessible)
    table.setModel(model)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return model, table


class RowTable(QTableWidget):
    """The table of a short list filled at once (agreements, training sessions, accounts, the
    audit trail, schools at the start of the year): the same look and keys as RecordTable; one
    row per record, Enter or double-click opens its id."""

    open_row = Signal(str)

    def __init__(self, name: str, accessible: str, headers: list[str],
                 stretch: tuple[int, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        record_table_look(self, name, accessible)
        self.setHorizontalHeaderLabels(headers)
        hh = self.horizontalHeader()
        for col in range(len(headers)):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col in stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
        if not stretch:
            hh.setStretchLastSection(True)
        self.doubleClicked.connect(lambda index: self._open(index.row()))

    def set_rows(self, rows: list[tuple[str, list[str]]],
                 colours: dict[int, dict[int, str]] | None = None) -> None:
        """``rows``: (record id, cell texts). ``colours``: row -> column -> text colour."""
        current = self.current_id()
        self.setRowCount(len(rows))
        for r, (rid, cells) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, rid)
                item.setToolTip(text)
                colour = (colours or {}).get(r, {}).get(c)
                if colour:
                    item.setForeground(QColor(colour))
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.setItem(r, c, item)
        if current:
            self.select_id(current)

    def current_id(self) -> str:
        item = self.item(self.currentRow(), 0) if self.currentRow() >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item else ""

    def select_id(self, rid: str) -> bool:
        for r in range(self.rowCount()):
            item = self.item(r, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == rid:
                self.setCurrentCell(r, 0)
                return True
        return False

    def _open(self, row: int) -> None:
        item = self.item(row, 0)
        if item is not None:
            self.open_row.emit(item.data(Qt.ItemDataRole.UserRole))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _enter_pressed(self, event):
            self._open(self.currentRow())
            return
        super().keyPressEvent(event)
