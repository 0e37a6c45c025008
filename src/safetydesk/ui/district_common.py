"""Pieces shared by the district and administration screens: page headings, record tables that
open on Enter, a form dialog that validates on the worker as you type, a readable history, file
choosers that tests can answer (through ``prompts.hook``), and small pickers."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.validation import FieldError, school_year_of
from safetydesk.domain.vocab import AUDIT_ONLY_ACTIONS, Action
from safetydesk.services import admin, registry
from safetydesk.ui import formatting, prompts
from safetydesk.ui.context import UiContext
from safetydesk.ui.layout import FormBuilder
from safetydesk.ui.pickers import student_label

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


def repolish(w: QWidget) -> None:
    w.style().unpolish(w)
    w.style().polish(w)


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


class RecordTable(QTableWidget):
    """A read-only table of records: one row each, Enter or double-click opens ``row_id``."""

    open_row = Signal(str)

    def __init__(self, name: str, accessible: str, headers: list[str],
                 stretch: tuple[int, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setAccessibleDescription("Press Enter or double-click to open the selected row.")
        self.setHorizontalHeaderLabels(headers)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(30)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        hh = self.horizontalHeader()
        hh.setHighlightSections(False)
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
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            self._open(self.currentRow())
            return
        super().keyPressEvent(event)


class StudentIdsPicker(QWidget):
    """Students named on a record (no role): search the roster, Enter adds, Remove takes out."""

    changed = Signal()

    def __init__(self, ctx: UiContext, school_getter: Callable[[], str], name: str = "studentIds",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.school_getter = school_getter
        self.setObjectName(name)
        self.search = QLineEdit()
        self.search.setObjectName(f"{name}Search")
        self.search.setAccessibleName("Find a student to add")
        self.search.setPlaceholderText("Type a name or student id, then Enter")
        self.results = QListWidget()
        self.results.setObjectName(f"{name}Results")
        self.results.setAccessibleName("Matching students")
        self.results.setMaximumHeight(110)
        self.results.hide()
        self.chosen = QListWidget()
        self.chosen.setObjectName(f"{name}Chosen")
        self.chosen.setAccessibleName("Students on this record")
        self.chosen.setMaximumHeight(90)
        self.remove_button = QToolButton()
        self.remove_button.setText("Remove")
        self.remove_button.setObjectName(f"{name}Remove")
        self.remove_button.setAccessibleName("Remove the selected student")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.chosen, 1)
        row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addWidget(self.search)
        v.addWidget(self.results)
        v.addLayout(row)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._find)
        self.search.textChanged.connect(lambda t: self._timer.start() if t.strip() else self.results.hide())
        self.search.returnPressed.connect(self._add_current)
        self.results.itemActivated.connect(lambda _: self._add_current())
        self.remove_button.clicked.connect(self._remove)
        self._refresh_empty()

    def _find(self) -> None:
        text = self.search.text().strip()
        if text and self.ctx.signed_in:
            self.ctx.worker.read(registry.find_students, text, self.school_getter(), 12,
                                 done=self._show, key=f"students:{id(self)}", owner=self)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.results.clear()
        for s in rows:
            item = QListWidgetItem(student_label(s))
            item.setData(Qt.ItemDataRole.UserRole, s["id"])
            self.results.addItem(item)
        self.results.setVisible(bool(rows))
        if rows:
            self.results.setCurrentRow(0)

    def _add_current(self) -> None:
        item = self.results.currentItem()
        if item is not None and self.results.isVisible():
            self.add(item.data(Qt.ItemDataRole.UserRole), item.text())
            self.search.clear()
            self.results.hide()

    def add(self, student_id: str, label: str) -> None:
        if student_id in self.ids():
            return
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, student_id)
        self.chosen.addItem(item)
        self._refresh_empty()
        self.changed.emit()

    def _remove(self) -> None:
        row = self.chosen.currentRow()
        if row >= 0:
            self.chosen.takeItem(row)
            self._refresh_empty()
            self.changed.emit()

    def _refresh_empty(self) -> None:
        self.chosen.setVisible(self.chosen.count() > 0)
        self.remove_button.setVisible(self.chosen.count() > 0)

    def ids(self) -> list[str]:
        return [self.chosen.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.chosen.count())]

    def labels(self) -> dict[str, str]:
        return {self.chosen.item(i).data(Qt.ItemDataRole.UserRole): self.chosen.item(i).text()
                for i in range(self.chosen.count())}


def school_years_around(today: date | None = None, back: int = 4, ahead: int = 1) -> list[str]:
    """School year labels, newest first, around today's."""
    first = int(school_year_of(today or date.today())[:4])
    return [f"{y}-{(y + 1) % 100:02d}" for y in range(first + ahead, first - back - 1, -1)]


# ---------------------------------------------------------------------- files (in prompts)
documents_folder = prompts.documents_folder
choose_save_file = prompts.choose_save_file
choose_open_file = prompts.choose_open_file
open_file_outside = prompts.open_file_outside


# ---------------------------------------------------------------------- history
QUIET = {"rules_version", "author", "retract_reason"}


def _describe(value: Any, names: Callable[[str, Any], str | None] | None, field: str) -> str:
    if names is not None:
        named = names(field, value)
        if named is not None:
            return named
    if value is None or value == "" or value == [] or value == {}:
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        parts = [f"{k.replace('_', ' ')}: {_describe(v, None, k)}" for k, v in value.items()
                 if v not in ("", None, [], {})]
        return "; ".join(parts) or "(empty)"
    if isinstance(value, list):
        return "; ".join(_describe(v, names, field) for v in value) or "(empty)"
    return str(value)


def history_lines(entries: list[Any], labels: dict[str, str] | None = None,
                  names: Callable[[str, Any], str | None] | None = None) -> list[dict[str, Any]]:
    """Readable entries, oldest first. A list that only grew shows what was added."""
    labels = labels or {}
    out = []
    for e in entries:
        changes = []
        if e.action not in AUDIT_ONLY_ACTIONS:
            for fname, pair in e.changes.items():
                if fname in QUIET:
                    continue
                before, after = ([*pair, None, None])[:2] if isinstance(pair, list) else (None, pair)
                if e.action == Action.CREATE and after in (None, "", False, [], {}, 0):
                    continue
                label = labels.get(fname, fname.replace("_", " ").capitalize())
                if e.action == Action.CREATE:
                    changes.append(f"{label}: {_describe(after, names, fname)}")
                elif (isinstance(before, list) and isinstance(after, list)
                      and after[:len(before)] == before and len(after) > len(before)):
                    changes.append(f"{label}, added: {_describe(after[len(before):], names, fname)}")
                else:
                    changes.append(f"{label}: {_describe(before, names, fname)} → "
                                   f"{_describe(after, names, fname)}")
        out.append({"when": formatting.wall_time(e.wall_time), "who": e.user,
                    "action": Action.label_of(e.action), "reason": e.reason, "changes": changes})
    return out


def history_html(entries: list[Any], labels: dict[str, str] | None = None,
                 names: Callable[[str, Any], str | None] | None = None) -> str:
    parts = []
    esc = html.escape
    for line in reversed(history_lines(entries, labels, names)):
        head = (f"<p style='margin:10px 0 2px 0'><b>{esc(line['action'])}</b> by <b>{esc(line['who'])}</b>"
                f" <span style='color:#5f6b7a'>· {esc(line['when'])}</span></p>")
        reason = (f"<p style='margin:0 0 2px 12px'>{esc(line['reason'])}</p>" if line["reason"] else "")
        items = "".join(f"<li>{esc(c)}</li>" for c in line["changes"])
        parts.append(head + reason + (f"<ul style='margin-top:0'>{items}</ul>" if items else ""))
    return "".join(parts) or "<p>No history.</p>"


# ---------------------------------------------------------------------- window bookkeeping
def track(window: Any, dialog: QWidget, key: str) -> None:
    """Let the main window hide this dialog when it locks and close it on switch user.

    The window hides and closes what is in ``window.forms`` (with ``keep_draft``) and
    ``window.details``; district dialogs join those under a typed key.
    """
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if hasattr(dialog, "keep_draft"):
        dialog.track_key = key
        forms = getattr(window, "forms", None)
        if isinstance(forms, list):
            forms.append(dialog)
            dialog.destroyed.connect(lambda *_: forms.remove(dialog) if dialog in forms else None)
            return
    details = getattr(window, "details", None)
    if isinstance(details, dict):
        details[key] = dialog
        dialog.destroyed.connect(lambda *_: details.pop(key, None) if details.get(key) is dialog else None)


def find_tracked(window: Any, key: str) -> QWidget | None:
    for w in getattr(window, "forms", []) or []:
        if getattr(w, "track_key", "") == key:
            return w
    return (getattr(window, "details", {}) or {}).get(key)


def present(dialog: QWidget) -> QWidget:
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def page_of(window: Any, key: str) -> QWidget | None:
    for k, _title, page in getattr(window, "sections", []):
        if k == key:
            return page
    return None


# ---------------------------------------------------------------------- a form dialog
class FormDialog(QDialog):
    """A form built with `FormBuilder`, checked on the worker as the person types.

    Subclasses build their fields in ``build(form)``, return the draft from ``draft()``,
    and name the service calls in ``check_call()`` and ``save_call()`` (``(fn, *args)``).
    Problems show beside their fields (only fields touched, until Save is pressed).
    Ctrl+S saves, Esc closes. ``form_name`` set: unsaved input is kept as a draft.
    """

    saved = Signal(object)
    form_name = ""  # drafts are kept under this form name when set
    CHECK_DELAY_MS = 300

    def __init__(self, ctx: UiContext, title: str, intro: str, *, save_text: str = "Save",
                 parent: QWidget | None = None, object_name: str = "recordForm",
                 draft_key: str = "", record_id: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.draft_key = draft_key
        self.record_id = record_id
        self.track_key = ""
        self._touched: set[str] = set()
        self._reveal = False
        self._errors: list[FieldError] = []
        self._saving = False
        self._finished = False
        self.resize(760, 760)
        self.form = FormBuilder()
        heading = title_label(title, "formTitle")
        self.intro = hint_label(intro)
        self.other_errors = QLabel()
        self.other_errors.setObjectName("otherErrors")
        self.other_errors.setProperty("role", "fieldError")
        self.other_errors.setWordWrap(True)
        self.other_errors.hide()
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(24, 18, 24, 18)
        self.body_layout.setSpacing(10)
        self.body_layout.addWidget(heading)
        self.body_layout.addWidget(self.intro)
        self.body_layout.addWidget(self.other_errors)
        self.body_layout.addWidget(self.form.widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.save_status = QLabel()
        self.save_status.setObjectName("saveStatus")
        self.save_status.setWordWrap(True)
        self.save_status.setProperty("role", "hint")
        self.cancel_button = button("Close", "cancelButton", "Close the form",
                                    tip="Esc" + (". Anything not yet saved is kept as a draft."
                                                 if self.form_name else ""))
        self.save_button = button(save_text, "saveButton", f"{save_text.rstrip('…')} (Ctrl+S)", primary=True)
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
        outer.addWidget(scroll, 1)
        outer.addWidget(footer)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.build(self.form)
        self.body_layout.addStretch(1)

    # ------------------------------------------------------------------ for subclasses
    def build(self, form: FormBuilder) -> None:
        raise NotImplementedError

    def draft(self) -> Any:
        raise NotImplementedError

    def check_call(self) -> tuple[Any, ...] | None:
        return None

    def save_call(self) -> tuple[Any, ...] | None:
        raise NotImplementedError

    def draft_data(self) -> dict[str, Any]:
        return {"draft": self.draft().to_state()}

    # ------------------------------------------------------------------ wiring
    def start(self) -> None:
        """Call once the fields hold their first values: remembers them and checks."""
        self._initial = self._snapshot()
        for name, row in self.form.rows.items():
            self._watch(row.control, name)
        self.check()

    def _snapshot(self) -> Any:
        try:
            return asdict(self.draft())
        except TypeError:
            return self.draft()

    def _watch(self, w: QWidget, name: str) -> None:
        hook = lambda *_: self.changed(name)  # noqa: E731
        for signal in ("textChanged", "currentIndexChanged", "toggled", "changed", "valueChanged"):
            sig = getattr(w, signal, None)
            if sig is not None and hasattr(sig, "connect"):
                with contextlib.suppress(RuntimeError, TypeError):
                    sig.connect(hook)

    def changed(self, name: str) -> None:
        self._touched.add(name)
        self._timer.start()

    @property
    def dirty(self) -> bool:
        return self._snapshot() != getattr(self, "_initial", None)

    def check(self) -> None:
        self._timer.stop()
        call = self.check_call()
        if call is None or not self.ctx.signed_in:
            self.show_errors([])
            return
        fn, *args = call
        self.ctx.worker.read(fn, *args, done=self.show_errors, key=f"check:{id(self)}", owner=self)

    def show_errors(self, errors: list[FieldError]) -> None:
        self._errors = list(errors)
        by_field: dict[str, list[str]] = {}
        for e in errors:
            field = e.field.split(".")[0]
            by_field.setdefault(field if field in self.form.rows else "", []).append(e.message)
        for name, row in self.form.rows.items():
            visible = self._reveal or name in self._touched
            row.set_error(" ".join(by_field.get(name, [])) if visible else "")
        other = by_field.get("", []) if self._reveal else []
        self.other_errors.setText("\n".join(f"• {m}" for m in other))
        self.other_errors.setVisible(bool(other))
        if errors:
            more = len(errors) - 1
            self.save_status.setText(f"Not ready to save: {errors[0].message}"
                                     + (f" (and {more} more)" if more else ""))
            self.save_status.setProperty("state", "blocked")
        else:
            self.save_status.setText("Ready to save. Press Ctrl+S.")
            self.save_status.setProperty("state", "ready")
        repolish(self.save_status)

    def errors_shown(self) -> dict[str, str]:
        return {n: r.error.text() for n, r in self.form.rows.items() if r.error.text()}

    # ------------------------------------------------------------------ saving
    def save(self) -> None:
        if self._saving:
            return
        if self._errors and self.check_call() is not None:
            self._reveal = True
            self.show_errors(self._errors)
            self._focus_first_error()
            self.check()  # the input may have changed since the last check
            return
        call = self.save_call()
        if call is None:
            return
        fn, *args = call
        self._saving = True
        self.save_button.setEnabled(False)
        self.save_status.setText("Saving…")
        self.ctx.worker.write(fn, *args, done=self._saved, error=self._save_failed, owner=self,
                              label="Saving")

    def _saved(self, result: Any) -> None:
        self._saving = False
        if self.form_name and self.draft_key:
            self.ctx.worker.write(admin.discard_draft, self.draft_key)
        self._finished = True
        self.saved.emit(result)
        self.after_save(result)
        self.accept()

    def after_save(self, result: Any) -> None:
        """Subclasses tell the person what happened (a confirmation number, ...)."""

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self._reveal = True
            self.show_errors([e if isinstance(e, FieldError) else FieldError("", str(e)) for e in exc.errors])
            self._focus_first_error()
            return
        self.save_status.setText(prompts.explain(exc))
        prompts.show_failure(self, exc, "Not saved")

    def _focus_first_error(self) -> None:
        for row in self.form.rows.values():
            if row.error.text():
                row.control.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    # ------------------------------------------------------------------ closing
    def keep_draft(self) -> bool:
        if not self.form_name or self._finished or not self.dirty or not self.ctx.signed_in:
            return False
        self.ctx.worker.write(admin.save_draft, self.draft_key, self.form_name, self.record_id, self.draft_data())
        self._finished = True
        return True

    def reject(self) -> None:
        self.keep_draft()
        self._finished = True
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.keep_draft()
        super().closeEvent(event)


def checkbox(text: str, name: str) -> QCheckBox:
    box = QCheckBox(text)
    box.setObjectName(name)
    box.setAccessibleName(text)
    return box
