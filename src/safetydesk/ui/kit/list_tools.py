"""What every list page offers around its table: columns that fit their content, column widths,
sort and filters remembered per person (the settings ``geometry`` keeps), a visible date range
filter, export of the current list as CSV and printing it.

The search text is not remembered: it may hold a student's name, and the settings file is not
encrypted like the data file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPageLayout, QTextDocument
from PySide6.QtWidgets import QDateEdit, QPushButton, QWidget

from safetydesk.ui.kit import geometry, prompts
from safetydesk.ui.kit.widgets import button

if TYPE_CHECKING:  # Qt's printing module is loaded when a list is first printed or saved as PDF
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

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
        self._fit_when_shown = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SAVE_DELAY_MS)
        self._timer.timeout.connect(self.remember_columns)
        header.sectionResized.connect(lambda *_: self._timer.start())
        header.sortIndicatorChanged.connect(lambda *_: self._timer.start())
        model.page_loaded.connect(self._first_page)
        model.count_changed.connect(lambda _n: self._first_page(0))

    def _first_page(self, page: int) -> None:
        if self.model.rowCount() == 0 or self.model.row(0) is None:
            return
        if self._fitted:
            # New first rows (sorted another way, searched, filtered): a column their text
            # would not fit is widened to it, none is narrowed (widths chosen by hand stay).
            if page == 0 and self.table.isVisible():
                chosen = self._timer.isActive()  # a header click just now is remembered still
                self.table.fit_columns(widen_only=True)
                if not chosen:
                    self._timer.stop()
            return
        if not self.table.isVisible():
            # A list behind another page (the interactions behind the dashboard at start-up) is
            # fitted when it is first shown, to the rows it then shows: measuring every cell of
            # a screenful is a good part of a start-up's loading, for a page nobody sees yet.
            if not self._fit_when_shown:
                self._fit_when_shown = True
                self.table.installEventFilter(self)
            return
        self._fit()

    def _fit(self, from_top: bool = False) -> None:
        self._fitted = True
        self.table.fit_columns(from_top=from_top)
        self._timer.stop()  # a fit is not the person's choice: nothing to remember yet

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.table and event.type() == QEvent.Type.Show:
            self.table.removeEventFilter(self)
            self._fit_when_shown = False
            if not self._fitted and self.model.rowCount() and self.model.row(0) is not None:
                self._fit(from_top=True)  # the same screenful a fit while hidden measured
        return False

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


# ---------------------------------------------------------------------- export and print
def list_document(title: str, subtitle: str, headers: tuple[str, ...],
                  rows: tuple[tuple[str, ...], ...]) -> QTextDocument:
    """The list as a document to print: a title, what it shows, and the table."""
    from html import escape  # with html.entities, when a list is printed (start-up, issue 14)

    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setDefaultStyleSheet("th { border-bottom: 1px solid #555; padding: 2px 6px; } "
                             "td { padding: 2px 6px; } h1 { font-size: 14pt; }")
    doc.setHtml(f"<h1>{escape(title)}</h1><p>{escape(subtitle)}</p>"
                f"<table cellspacing='0' width='100%'><thead><tr>{head}</tr></thead>"
                f"<tbody>{body}</tbody></table>")
    return doc


def landscape_printer(printer: QPrinter | None = None) -> QPrinter:
    from PySide6.QtPrintSupport import QPrinter

    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    return printer


class ListOutputs(QObject):
    """"Export CSV…", "Print…" and "Save PDF…" for the list a page shows.

    ``export_call(path)`` and ``print_call()`` give the service call, ``(fn, *args)``, that
    writes the CSV or returns the rows to print (an object with ``headers`` and ``rows``); both
    run on the worker and are permission-checked there. Save dialogs open in the person's
    Documents folder; "Print…" opens Qt's print dialog.
    """

    finished = Signal(str)  # what happened, in a sentence

    def __init__(self, ctx: Any, parent: QWidget, title: str, file_stem: str,
                 export_call: Callable[[Path], tuple[Any, ...]],
                 print_call: Callable[[], tuple[Any, ...]], subtitle: Callable[[], str]) -> None:
        super().__init__(parent)
        self.ctx, self.page, self.title, self.file_stem = ctx, parent, title, file_stem
        self.export_call, self.print_call, self.subtitle = export_call, print_call, subtitle
        self.export_button = button("Export CSV…", "exportListButton",
                                    "Export the list as shown to a CSV file")
        self.print_button = button("Print…", "printListButton", "Print the list as shown")
        self.pdf_button = button("Save PDF…", "pdfListButton", "Save the list as shown as a PDF")
        self.export_button.clicked.connect(self.export_csv)
        self.print_button.clicked.connect(self.print_list)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.print_dialog: QPrintDialog | None = None
        self.printer: QPrinter | None = None
        self.last_pdf = ""

    def buttons(self) -> tuple[QPushButton, ...]:
        return (self.export_button, self.print_button, self.pdf_button)

    def export_csv(self) -> None:
        path = prompts.choose_save_file(self.page, f"Export the {self.title.lower()} list",
                                        f"{self.file_stem}.csv", "CSV files (*.csv)")
        if not path:
            return
        fn, *args = self.export_call(Path(path))
        self.ctx.worker.write(fn, *args, done=lambda result: self._said(
            f"Exported {getattr(result, 'rows', 0):,} rows to {Path(path).name}."),
            error=lambda exc: prompts.show_failure(self.page, exc, "The list was not exported"),
            owner=self, label="Exporting the list")

    def _rows_then(self, then: Callable[[Any], None]) -> None:
        fn, *args = self.print_call()
        self.ctx.worker.write(fn, *args, done=then, owner=self, label="Preparing the list",
                              error=lambda exc: prompts.show_failure(self.page, exc,
                                                                     "The list was not printed"))

    def document(self, table: Any) -> QTextDocument:
        return list_document(self.title, self.subtitle(), tuple(table.headers), tuple(table.rows))

    def print_list(self) -> None:
        """Qt's print dialog, then the list to the printer chosen."""
        self._rows_then(self._choose_printer)

    def _choose_printer(self, table: Any) -> None:
        from PySide6.QtPrintSupport import QPrintDialog

        printer = landscape_printer()
        self.printer = printer  # the dialog does not own it: kept alive while the dialog is open
        dialog = QPrintDialog(printer, self.page)
        dialog.setObjectName("listPrintDialog")
        dialog.setWindowTitle(f"Print the {self.title.lower()} list")
        self.print_dialog = dialog
        dialog.accepted.connect(lambda: self._print(table, printer))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()  # window-modal, not a nested event loop: the window goes on drawing

    def _print(self, table: Any, printer: QPrinter) -> None:
        self.document(table).print_(printer)
        self._said(f"Sent {len(table.rows):,} rows to the printer.")

    def save_pdf(self) -> None:
        path = prompts.choose_save_file(self.page, f"Save the {self.title.lower()} list as PDF",
                                        f"{self.file_stem}.pdf", "PDF files (*.pdf)")
        if path:
            self._rows_then(lambda table: self._pdf(table, path))

    def _pdf(self, table: Any, path: str) -> None:
        from PySide6.QtPrintSupport import QPrinter

        printer = landscape_printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(path)
        self.document(table).print_(printer)
        self.last_pdf = path
        self._said(f"Saved {len(table.rows):,} rows to {Path(path).name}.")

    def _said(self, text: str) -> None:
        self.finished.emit(text)
