"""Small widgets every screen uses: headings, hints, buttons, cards, combo boxes, date
fields, text areas, check lists and the entry table."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QKeyEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.validation import school_year_of
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.when import WhenField

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


def datetime_edit(name: str, *, optional: bool = False, what: str = "This time") -> WhenField:
    """The one date-and-time field (see `when`): typed as people type it, a Now button, an empty
    state that is visibly empty. Not ``optional``: it starts at the present."""
    edit = WhenField(name, optional=optional, what=what)
    if not optional:
        edit.set_now()
    return edit


def datetime_value(edit: WhenField) -> str:
    return edit.value()


def set_datetime(edit: WhenField, value: str) -> None:
    edit.set_value(value)


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


def read_bytes(path: str) -> tuple[str, bytes]:
    p = Path(path)
    return p.name, p.read_bytes()


SEVERITY_COLOURS = {"overdue": "#a4262c", "flag": "#8a4b00", "due_soon": "#1f5f8b", "info": "#5f6b7a"}


SEVERITY_LABELS = {"overdue": "Overdue", "flag": "Flagged", "due_soon": "Due soon", "info": "For information"}


# ---------------------------------------------------------------------- small widgets
def title_label(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "pageTitle")
    if name:
        label.setObjectName(name)
    return label


def hint_label(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def section_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "sectionTitle")
    return label


def button(text: str, name: str, accessible: str = "", *, primary: bool = False,
           danger: bool = False, tip: str = "") -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.setAccessibleName(accessible or text.replace("&", "").rstrip("…"))
    if primary:
        b.setProperty("primary", True)
    if danger:
        b.setProperty("danger", True)
    if tip:
        b.setToolTip(tip)
    b.setAutoDefault(False)
    return b


def card(*widgets: QWidget, name: str = "", title: str = "") -> QFrame:
    frame = QFrame()
    frame.setProperty("role", "card")
    if name:
        frame.setObjectName(name)
    v = QVBoxLayout(frame)
    v.setContentsMargins(16, 12, 16, 12)
    v.setSpacing(8)
    if title:
        v.addWidget(section_label(title))
    for w in widgets:
        if isinstance(w, QPushButton):  # buttons sit at the right, at their own width
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(w)
            v.addLayout(row)
        else:
            v.addWidget(w)
    return frame


class DateField(QLineEdit):
    """A date typed as YYYY-MM-DD (empty allowed where the record allows it). Ctrl+T: today."""

    def __init__(self, value: str = "", parent: QWidget | None = None) -> None:
        super().__init__(value, parent)
        self.setPlaceholderText("YYYY-MM-DD")
        self.setMaxLength(10)
        self.setMaximumWidth(150)
        self.setToolTip("Type the date as YYYY-MM-DD; Ctrl+T fills in today.")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_T and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.setText(date.today().isoformat())
            return
        super().keyPressEvent(event)


class CheckList(QListWidget):
    """Checkable choices (space toggles); ``values()`` are the checked data values."""

    changed = Signal()

    def __init__(self, choices: list[tuple[str, str]], name: str, accessible: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.set_choices(choices)
        self.itemChanged.connect(lambda _: self.changed.emit())

    def set_choices(self, choices: list[tuple[str, str]], checked: list[str] | None = None) -> None:
        keep = set(checked if checked is not None else self.values())
        self.blockSignals(True)
        self.clear()
        for value, label in choices:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in keep else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(False)
        rows = max(1, min(len(choices), 6))
        self.setFixedHeight(rows * 26 + 8)

    def values(self) -> list[str]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]

    def set_values(self, values: list[str]) -> None:
        for i in range(self.count()):
            item = self.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in values
                               else Qt.CheckState.Unchecked)


def school_years_around(today: date | None = None, back: int = 4, ahead: int = 1) -> list[str]:
    """School year labels, newest first, around today's."""
    first = int(school_year_of(today or date.today())[:4])
    return [f"{y}-{(y + 1) % 100:02d}" for y in range(first + ahead, first - back - 1, -1)]


def checkbox(text: str, name: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setAccessibleName(text)
    return box


def fit_to_screen(widget: QWidget, margin: int = 48) -> None:
    """Shrink a window that would not fit its screen (title bar and task bar included), so that
    its buttons stay visible on a 1280x720 display; its contents scroll instead."""
    screen = widget.screen()
    if screen is None:
        return
    area = screen.availableGeometry()
    width = min(widget.width(), area.width() - margin)
    height = min(widget.height(), area.height() - margin)
    if (width, height) != (widget.width(), widget.height()):
        widget.resize(width, height)
        widget.move(max(area.left(), widget.x()), max(area.top(), min(widget.y(), area.bottom() - height)))
