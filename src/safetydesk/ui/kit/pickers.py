"""Pickers: staff with a role, students with a role, student ids, schools."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.vocab import StaffRole, StudentRole
from safetydesk.services import registry
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.widgets import (
    combo,
    set_combo,
)
from safetydesk.ui.kit.worker import DbWorker


def student_label(s: dict[str, Any]) -> str:
    name = f"{s.get('last_name', '')}, {s.get('first_name', '')}".strip(", ")
    extra = [x for x in (s.get("local_id") and f"id {s['local_id']}",
                         s.get("grade") and f"grade {s['grade']}") if x]
    return f"{name} ({', '.join(extra)})" if extra else name


def _role_combo(choices: list[tuple[str, str]], value: str, name: str, person: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for v, label in choices:
        combo.addItem(label, v)
    combo.setCurrentIndex(max(0, combo.findData(value)))
    combo.setAccessibleName(f"Role of {person}")
    return combo


class PeopleList(QWidget):
    """The people added so far, one row each: name, role, remove."""

    changed = Signal()

    def __init__(self, kind: str, roles: list[tuple[str, str]], id_key: str, empty_text: str,
                 parent: QWidget | None = None, *, with_roles: bool = True) -> None:
        super().__init__(parent)
        self.kind = kind
        self.with_roles = with_roles
        self.roles = roles
        self.id_key = id_key
        self.setObjectName(f"{kind}List")
        self._rows: list[tuple[str, str, QComboBox, QWidget]] = []  # id, label, role, row widget
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.empty = QLabel(empty_text)
        self.empty.setProperty("role", "hint")
        self._layout.addWidget(self.empty)

    def ids(self) -> list[str]:
        return [r[0] for r in self._rows]

    def labels(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self._rows}

    def value(self) -> list[dict[str, str]]:
        return [{self.id_key: rid, "role": combo.currentData()} for rid, _, combo, _ in self._rows]

    def add(self, record_id: str, label: str, role: str) -> bool:
        if record_id in self.ids():
            return False
        n = len(self._rows)
        row = QFrame()
        row.setObjectName(f"{self.kind}Row{n}")
        row.setProperty("role", "personRow")
        h = QHBoxLayout(row)
        h.setContentsMargins(8, 2, 2, 2)
        name = QLabel(label)
        name.setObjectName(f"{self.kind}Name{n}")
        name.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        combo = _role_combo(self.roles, role, f"{self.kind}Role{n}", label)
        if not self.with_roles:
            combo.hide()
        remove = QToolButton()
        remove.setText("Remove")
        remove.setObjectName(f"{self.kind}Remove{n}")
        remove.setAccessibleName(f"Remove {label}")
        remove.setToolTip(f"Remove {label} from this record")
        h.addWidget(name, 1)
        h.addWidget(combo)
        h.addWidget(remove)
        entry = (record_id, label, combo, row)
        self._rows.append(entry)
        self._layout.addWidget(row)
        combo.currentIndexChanged.connect(lambda _: self.changed.emit())
        remove.clicked.connect(lambda: self.remove(record_id))
        self.empty.setVisible(False)
        self.changed.emit()
        return True

    def remove(self, record_id: str) -> None:
        for entry in list(self._rows):
            if entry[0] == record_id:
                self._rows.remove(entry)
                entry[3].setParent(None)
                entry[3].deleteLater()
        self.empty.setVisible(not self._rows)
        self.changed.emit()

    def clear(self) -> None:
        for record_id in self.ids():
            self.remove(record_id)


class StaffPicker(QWidget):
    """Choose a staff member of the school (type to filter), a role, then Add."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, with_roles: bool = True,
                 empty_text: str = "No staff added yet. Who from safety and security took part?") -> None:
        super().__init__(parent)
        self.setObjectName("staffPicker")
        self.choice = QComboBox()
        self.choice.setObjectName("staffChoice")
        self.choice.setEditable(True)
        self.choice.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.choice.setAccessibleName("Staff member to add")
        self.choice.setAccessibleDescription("Type part of a name to filter the school's safety staff.")
        line = self.choice.lineEdit()
        assert line is not None  # an editable combo box has its line edit
        line.setPlaceholderText("Type or choose a staff member…")
        completer = self.choice.completer()
        assert completer is not None  # and its completer
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.role = _role_combo(StaffRole.choices(), StaffRole.LEAD, "staffRoleChoice", "the staff member to add")
        self.add_button = QPushButton("Add staff")
        self.add_button.setObjectName("addStaff")
        self.add_button.setAccessibleName("Add the chosen staff member")
        self.list = PeopleList("staff", StaffRole.choices(), "staff_id", empty_text,
                               with_roles=with_roles)
        if not with_roles:
            self.role.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.choice, 1)
        top.addWidget(self.role)
        top.addWidget(self.add_button)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addLayout(top)
        v.addWidget(self.list)
        self.setFocusProxy(self.choice)  # a label's mnemonic (Alt+F) lands in the search
        self.add_button.clicked.connect(self.add_current)
        line.returnPressed.connect(self.add_current)
        self.list.changed.connect(self.changed)
        self._names: dict[str, str] = {}

    def set_staff(self, staff: list[dict[str, Any]]) -> None:
        self._names = {s["id"]: s["name"] for s in staff}
        self.choice.clear()
        for s in staff:
            self.choice.addItem(s["name"], s["id"])
        self.choice.setCurrentIndex(-1)
        self.choice.clearEditText()

    def add_current(self) -> None:
        text = self.choice.currentText().strip()
        index = self.choice.findText(text, Qt.MatchFlag.MatchFixedString)
        if index < 0 and text:
            index = self.choice.findText(text, Qt.MatchFlag.MatchContains)
        if index < 0:
            return
        staff_id = self.choice.itemData(index)
        self.list.add(staff_id, self.choice.itemText(index), self.role.currentData())
        self.choice.setCurrentIndex(-1)
        self.choice.clearEditText()
        self.role.setCurrentIndex(self.role.findData(StaffRole.ASSISTING))


class StudentPicker(QWidget):
    """Type part of a name or id; matching students appear below; Enter adds the highlighted one."""

    changed = Signal()
    SEARCH_DELAY_MS = 200

    def __init__(self, worker: DbWorker, school_id: Callable[[], str],
                 parent: QWidget | None = None, *, with_roles: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("studentPicker")
        self.worker = worker
        self.school_id = school_id
        self.search = QLineEdit()
        self.search.setObjectName("studentSearch")
        self.search.setPlaceholderText("Type part of a student's name or id, then Enter")
        self.search.setAccessibleName("Find a student to add")
        self.search.setAccessibleDescription(
            "Results appear below as you type. Up and Down choose, Enter adds the student.")
        self.role = _role_combo(StudentRole.choices(), StudentRole.SUBJECT, "studentRoleChoice",
                                "the student to add")
        self.results = QListWidget()
        self.results.setObjectName("studentResults")
        self.results.setAccessibleName("Matching students")
        self.results.setMaximumHeight(130)
        self.results.hide()
        self.status = QLabel()
        self.status.setProperty("role", "hint")
        self.status.setObjectName("studentSearchStatus")
        self.status.hide()
        self.list = PeopleList("student", StudentRole.choices(), "student_id",
                               "No students added yet. Add each student involved, with their role."
                               if with_roles else "No students added yet.", with_roles=with_roles)
        if not with_roles:
            self.role.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.search, 1)
        top.addWidget(self.role)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 0, 0, 0)
        v.addLayout(top)
        v.addWidget(self.results)
        v.addWidget(self.status)
        v.addWidget(self.list)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._find)
        self._add_when_found = False
        self._pending = False
        self.setFocusProxy(self.search)  # a label's mnemonic (Alt+U) lands in the search
        self.search.textChanged.connect(self._typed)
        self.search.installEventFilter(self)
        self.results.itemActivated.connect(lambda item: self._add_item(item))
        self.list.changed.connect(self.changed)

    def _typed(self, text: str) -> None:
        self._add_when_found = False
        self._pending = False
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.results.clear()
            self.results.hide()
            self.status.hide()

    def _find(self) -> None:
        text = self.search.text().strip()
        if not text:
            return
        self._pending = True
        self.worker.read(registry.find_students, text, self.school_id(), 12,
                         done=lambda rows, t=text: self._show(t, rows),
                         key=f"students:{id(self)}", owner=self)

    def _show(self, text: str, rows: list[dict[str, Any]]) -> None:
        if text != self.search.text().strip():
            return
        self._pending = False
        self.results.clear()
        for s in rows:
            item = QListWidgetItem(student_label(s))
            item.setData(Qt.ItemDataRole.UserRole, s["id"])
            self.results.addItem(item)
        self.results.setVisible(bool(rows))
        self.status.setText("" if rows else f"No student matches “{text}” at this school.")
        self.status.setVisible(not rows)
        if rows:
            self.results.setCurrentRow(0)
        if self._add_when_found:
            self._add_when_found = False
            if rows:
                self._add_item(self.results.currentItem())

    def _add_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.list.add(item.data(Qt.ItemDataRole.UserRole), item.text(), self.role.currentData())
        self.search.clear()
        self.search.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if not self.search.text().strip():
                    return False
                if self._timer.isActive():
                    self._timer.stop()
                    self._find()
                if self._pending:
                    self._add_when_found = True  # results are on their way: add the first one
                else:
                    self._add_item(self.results.currentItem())
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                row = self.results.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                self.results.setCurrentRow(max(0, min(self.results.count() - 1, row)))
                return True
        return super().eventFilter(watched, event)


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
        # Tab goes from the search to the next field: what is typed after adding a student lands
        # there, never in the list of students (Down reaches the list, Delete removes).
        self.chosen.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.search.setAccessibleDescription("Enter adds the first match; Down arrow goes to the students "
                                             "added, where Delete removes the selected one.")
        self._searched = ""
        self._add_when_found = False
        self.search.textChanged.connect(lambda t: self._timer.start() if t.strip() else self.results.hide())
        self.search.installEventFilter(self)
        self.chosen.installEventFilter(self)
        self.results.itemActivated.connect(lambda _: self._add_current())
        self.remove_button.clicked.connect(self._remove)
        self._refresh_empty()

    def _find(self) -> None:
        text = self.search.text().strip()
        if text and self.ctx.signed_in:
            self._searched = text
            self.ctx.worker.read(registry.find_students, text, self.school_getter(), 12,
                                 done=self._show, key=f"students:{id(self)}", owner=self)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        if self._searched != self.search.text().strip():
            self._add_when_found = False
            return  # an answer to an older search: the person has typed on, or moved on
        self.results.clear()
        for s in rows:
            item = QListWidgetItem(student_label(s))
            item.setData(Qt.ItemDataRole.UserRole, s["id"])
            self.results.addItem(item)
        if rows:
            self.results.setCurrentRow(0)
        if self._add_when_found:
            self._add_when_found = False
            if rows:
                self._add_current(force=True)
            return
        # Late results never open under someone who has already moved to another field.
        self.results.setVisible(bool(rows) and self.search.hasFocus())

    def _add_current(self, force: bool = False) -> None:
        item = self.results.currentItem()
        if item is not None and (force or self.results.isVisible()):
            self.add(item.data(Qt.ItemDataRole.UserRole), item.text())
            self.search.clear()
            self.results.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        assert isinstance(event, QKeyEvent)
        key = event.key()
        if watched is self.search:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if not self.search.text().strip():
                    return False
                if self._timer.isActive() or self._searched != self.search.text().strip():
                    self._timer.stop()
                    self._add_when_found = True  # the answer is on its way: add the first match
                    self._find()
                else:
                    self._add_current(force=True)
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.isVisible() and self.results.count():
                row = self.results.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
                self.results.setCurrentRow(max(0, min(self.results.count() - 1, row)))
                return True
            if key == Qt.Key.Key_Down and self.chosen.count():
                self.chosen.setFocus(Qt.FocusReason.OtherFocusReason)
                if self.chosen.currentRow() < 0:
                    self.chosen.setCurrentRow(0)
                return True
        elif watched is self.chosen:
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self._remove()
                return True
            if (key == Qt.Key.Key_Up and self.chosen.currentRow() <= 0) or key == Qt.Key.Key_Escape:
                self.search.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return super().eventFilter(watched, event)

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


def school_combo(ctx: Any, first: str = "Choose a school…") -> Any:
    box = combo("school", "School", [(s["id"], s["name"]) for s in ctx.schools], first=first)
    if len(ctx.schools) == 1 and first == "Choose a school…":
        box.setCurrentIndex(1)
    return box


def choose_school(box: Any, ctx: Any, school_id: str) -> None:
    """Choose ``school_id`` in ``box``, adding it first when the account no longer lists it
    (a saved record of a school the person does not serve any more keeps its school). No
    school: the box keeps its choice."""
    if not school_id:
        return
    if box.findData(school_id) < 0:
        box.addItem(ctx.school_name(school_id), school_id)
    set_combo(box, school_id)


def load_school_staff(owner: Any, ctx: Any, school: Any, picker: Any) -> None:
    """Fill ``picker`` with the staff of the school chosen in ``school`` (all staff when none)."""
    if ctx.signed_in:
        ctx.worker.read(registry.staff, school.currentData() or "", owner=owner, key=f"staff:{id(owner)}",
                        done=lambda rows: picker.set_staff(rows or ctx.staff))


def refill_schools(box: Any, ctx: Any, first: str = "Choose a school…", *,
                   pick_single: bool = False) -> None:
    """The account's schools in ``box``, keeping the choice; ``pick_single``: with one school
    and nothing chosen yet, choose it."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(first, "")
    for s in ctx.schools:
        box.addItem(s["name"], s["id"])
    if current and box.findData(current) < 0:
        box.addItem(ctx.school_name(current), current)
    if not current and pick_single and len(ctx.schools) == 1:
        current = ctx.schools[0]["id"]
    set_combo(box, current)
    box.blockSignals(False)
