"""The interaction form's detail blocks (P07-P13, force, restraint), shown only when relevant.

Each block is a small framed grid of labelled controls with ``value()`` and
``set_value()``; repeatable blocks (law enforcement activities, notification
attempts) live in a ``BlockList`` with an "Add…" button.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.law_enforcement import (
    AttorneyMode,
    ForceType,
    LeActivityType,
    LegalBasis,
    NotificationMethod,
    NotificationResult,
)
from safetydesk.ui.kit.widgets import (
    combo,
    datetime_edit,
    datetime_value,
    hint,
    set_combo,
    set_datetime,
    text_area,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


W = TypeVar("W", bound=QWidget)


def _tab_stop(w: QWidget) -> bool:
    """A control Tab stops at, counting a compound control (a spin box, an editable drop-down)
    once: its inner line edit, its focus proxy, moves with it."""
    parent = w.parentWidget()
    return bool(w.focusPolicy() & Qt.FocusPolicy.TabFocus) and not (
        parent is not None and parent.focusProxy() is w
        and bool(parent.focusPolicy() & Qt.FocusPolicy.TabFocus))


def focusable_in(container: QWidget) -> list[QWidget]:
    """The controls inside ``container`` that Tab stops at, in their focus order (as placed by
    ``tab_after``, or as Qt chained them)."""
    placed = getattr(container, "tab_stops", None)
    if placed is not None:
        return list(placed)
    out: list[QWidget] = []
    w = container.nextInFocusChain()
    while w is not None and w is not container and container.isAncestorOf(w):
        if _tab_stop(w):
            out.append(w)
        w = w.nextInFocusChain()
    return out


def tab_stop_before(widget: QWidget) -> QWidget | None:
    """The control Tab stops at just before ``widget``."""
    w = widget.previousInFocusChain()
    while w is not None and w is not widget:
        if _tab_stop(w) and not w.isAncestorOf(widget):
            return w
        w = w.previousInFocusChain()
    return None


def tab_after(anchor: QWidget, container: QWidget) -> QWidget:
    """Put a block added to the form into the Tab order right after ``anchor`` (Qt appends a
    new widget at the end of the window's chain, so Tab would jump from a new block to the top
    of the form). Returns the block's last control, the next anchor."""
    stops = focusable_in(container)
    container.tab_stops = stops  # type: ignore[attr-defined]
    last = anchor
    for w in stops:
        QWidget.setTabOrder(last, w)
        last = w
    return last


def _yes_no(value: Any) -> str:
    return "yes" if value is True else "no" if value is False else ""


def _bool(box: QComboBox) -> bool | None:
    v = box.currentData()
    return True if v == "yes" else False if v == "no" else None


class Block(QFrame):
    """A framed grid: label on the left, control on the right; every control named."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, title: str, prefix: str, removable: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "block")
        self.setObjectName(prefix)
        self.prefix = prefix
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(12, 8, 12, 10)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.heading = QLabel(title)
        self.heading.setProperty("role", "blockTitle")
        self.heading.setObjectName(f"{prefix}Title")
        self.grid.addWidget(self.heading, 0, 0, 1, 2)
        self.title = title
        self.texts: dict[str, QWidget] = {}
        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        self._n = 1
        if removable:
            self.remove_button = QPushButton("Remove")
            self.remove_button.setObjectName(f"{prefix}Remove")
            self.remove_button.setAccessibleName(f"Remove {title.lower()}")
            self.remove_button.setAutoDefault(False)
            self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
            self.grid.addWidget(self.remove_button, 0, 1, Qt.AlignmentFlag.AlignRight)

    def add(self, key: str, label: str, control: W, *, text: bool = False,
            description: str = "") -> W:
        control.setObjectName(f"{self.prefix}_{key}")
        control.setAccessibleName(f"{label} ({self.title})")
        if description:
            control.setAccessibleDescription(description)
            control.setToolTip(description)
        name = QLabel(label)
        name.setProperty("role", "fieldLabel")
        name.setBuddy(control.focusProxy() or control)
        self.grid.addWidget(name, self._n, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.grid.addWidget(control, self._n, 1)
        self._n += 1
        self._rows[key] = (name, control)
        if text:
            self.texts[key] = control
        for signal in ("textChanged", "currentIndexChanged", "toggled", "dateTimeChanged", "valueChanged",
                       "changed"):
            sig = getattr(control, signal, None)
            if sig is not None:
                sig.connect(lambda *_: self.changed.emit())
        return control

    def value(self) -> dict[str, Any]:
        raise NotImplementedError

    def set_value(self, e: dict[str, Any]) -> None:
        raise NotImplementedError

    def show_row(self, key: str, visible: bool) -> None:
        label, control = self._rows[key]
        label.setVisible(visible)
        control.setVisible(visible)

    def set_title(self, title: str) -> None:
        self.title = title
        self.heading.setText(title)


class BlockList(QWidget):
    """Repeatable blocks with an "Add…" button under them."""

    changed = Signal()

    def __init__(self, name: str, add_text: str, make: Callable[[int], Block],
                 empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.make = make
        self.blocks: list[Block] = []
        self.v = QVBoxLayout(self)
        self.v.setContentsMargins(0, 0, 0, 0)
        self.v.setSpacing(6)
        self.empty = hint(empty_text)
        self.v.addWidget(self.empty)
        self.add_button = QPushButton(add_text)
        self.add_button.setObjectName(f"{name}Add")
        self.add_button.setAccessibleName(add_text.rstrip("…"))
        self.add_button.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        self.v.addLayout(row)
        self.add_button.clicked.connect(lambda: self.add(focus=True))

    def add(self, value: dict[str, Any] | None = None, focus: bool = False) -> Block:
        block = self.make(len(self.blocks) + 1)
        if value:
            block.set_value(value)
        self.blocks.append(block)
        self.v.insertWidget(self.v.count() - 1, block)
        # Tab goes through the new block's fields, then on to "Add…" (not to the top of the form)
        before = tab_stop_before(self.add_button)
        if self.blocks[:-1]:
            previous = focusable_in(self.blocks[-2])
            before = previous[-1] if previous else before
        if before is not None:
            QWidget.setTabOrder(tab_after(before, block), self.add_button)
        block.changed.connect(self.changed)
        block.remove_requested.connect(self.remove)
        self.empty.setVisible(False)
        self.changed.emit()
        if focus:
            first = block.grid.itemAtPosition(1, 1)
            widget = first.widget() if first is not None else None
            if widget is not None:
                widget.setFocus()
        return block

    def remove(self, block: Block) -> None:
        if block in self.blocks:
            self.blocks.remove(block)
            block.setParent(None)
            block.deleteLater()
        self.empty.setVisible(not self.blocks)
        self.add_button.setFocus()
        self.changed.emit()

    def value(self) -> list[dict[str, Any]]:
        return [b.value() for b in self.blocks]

    def set_value(self, entries: list[dict[str, Any]]) -> None:
        for b in list(self.blocks):
            self.remove(b)
        for e in entries:
            self.add(e)

    def text_widget(self, index: int, key: str) -> QWidget | None:
        if 1 <= index <= len(self.blocks):
            return self.blocks[index - 1].texts.get(key)
        return None


class LeActivityBlock(Block):
    """P11: one law enforcement activity."""

    # What "Same as the activity above" copies: who acted, on what basis, who was present.
    SAME_AS_ABOVE = ("officer", "officer_staff_id", "agency", "authorised_by", "legal_basis",
                     "student_age", "administrator_present", "administrator_name")

    def __init__(self, n: int, students: Callable[[], list[tuple[str, str]]],
                 sros: Callable[[], list[tuple[str, str]]],
                 above: Callable[[], list[Block]] | None = None) -> None:
        super().__init__(f"Law enforcement activity {n}", f"leActivity{n}", removable=True)
        self._above = above
        self.same_button: QPushButton | None = None
        if n > 1 and above is not None:
            self.same_button = QPushButton("Same officer, agency and basis as the activity above")
            self.same_button.setObjectName(f"leActivity{n}SameAsAbove")
            self.same_button.setAccessibleName(
                "Same as the activity above: copy the officer, agency, authorisation, legal basis, "
                "age and administrator")
            self.same_button.setAutoDefault(False)
            self.same_button.clicked.connect(self.same_as_above)
            self.grid.addWidget(self.same_button, self._n, 1, Qt.AlignmentFlag.AlignLeft)
            self._n += 1
        self.type = self.add("type", "Type", combo("", "", LeActivityType.choices(), first="Choose…"))
        self.student = self.add("student_id", "Student", combo("", "", students(), first="Choose…"))
        self.officer_staff = self.add("officer_staff_id", "Officer", combo(
            "", "", [*sros(), ("__other", "Another officer (type the name)")], first="Choose…"),
            description="An SRO from the staff registry, or another officer by name.")
        self.officer = self.add("officer", "Officer's name", QLineEdit(), text=True)
        self.agency = self.add("agency", "Agency", QLineEdit(), text=True)
        self.authorised_by = self.add("authorised_by", "Authorized by", QLineEdit(), text=True,
                                      description="The principal or designee who authorised it on school premises.")
        self.legal_basis = self.add("legal_basis", "Legal basis", combo("", "", LegalBasis.choices(),
                                                                           first="Choose…"))
        age = QSpinBox()
        age.setRange(0, 22)
        age.setSpecialValueText("Not given")
        self.age = self.add("student_age", "Student's age", age)
        self.admin_present = self.add("administrator_present", "Administrator present",
                                      combo("", "", YES_NO, first="Choose…"))
        self.admin_name = self.add("administrator_name", "Administrator's name", QLineEdit(), text=True)
        self.removed = self.add("removed_from_school", "Removed from school",
                                QCheckBox("The student was removed from school"))
        self.removed_at = self.add("removed_at", "Removed at", datetime_edit(
            "", optional=True, what="The removal"))
        self.destination = self.add("removal_destination", "Taken to", QLineEdit(), text=True)
        self.court_order = self.add("court_order_shown", "Court order shown",
                                    combo("", "", YES_NO, first="Choose…"))
        self.changed.connect(self._visibility)
        self._students_fn, self._sros_fn = students, sros
        self._choose_only_student()
        self._visibility()

    def _choose_only_student(self) -> None:
        """With one student on the record, the activity is about that student."""
        if not self.student.currentData() and self.student.count() == 2:
            self.student.setCurrentIndex(1)

    def same_as_above(self) -> None:
        blocks = self._above() if self._above is not None else []
        earlier = blocks[:blocks.index(self)] if self in blocks else blocks
        if not earlier:
            return
        above = earlier[-1]
        previous = above.value()
        mine = self.value() | {k: previous.get(k) for k in self.SAME_AS_ABOVE}
        self.set_value(mine)
        self.type.setFocus()

    def _visibility(self) -> None:
        other = self.officer_staff.currentData() == "__other"
        self.show_row("officer", other)
        self.show_row("administrator_name", _bool(self.admin_present) is True)
        removed = self.removed.isChecked()
        for key in ("removed_at", "removal_destination", "court_order_shown"):
            self.show_row(key, removed)

    def refresh_choices(self) -> None:
        for box, choices in ((self.student, self._students_fn()),
                             (self.officer_staff, [*self._sros_fn(), ("__other", "Another officer (type the name)")])):
            current = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem("Choose…", "")
            for value, label in choices:
                box.addItem(label, value)
            set_combo(box, current)
            box.blockSignals(False)
        self._choose_only_student()

    def value(self) -> dict[str, Any]:
        officer_id = self.officer_staff.currentData() or ""
        other = officer_id == "__other"
        out: dict[str, Any] = {
            "type": self.type.currentData() or "",
            "student_id": self.student.currentData() or "",
            "officer": self.officer.text().strip() if other else (
                self.officer_staff.currentText() if officer_id else ""),
            "officer_staff_id": "" if other else officer_id,
            "agency": self.agency.text().strip(),
            "authorised_by": self.authorised_by.text().strip(),
            "legal_basis": self.legal_basis.currentData() or "",
            "student_age": self.age.value() or None,
            "administrator_present": _bool(self.admin_present),
            "administrator_name": self.admin_name.text().strip()
            if _bool(self.admin_present) else "",
            "removed_from_school": self.removed.isChecked(),
        }
        if out["removed_from_school"]:
            out |= {"removed_at": datetime_value(self.removed_at),
                    "removal_destination": self.destination.text().strip(),
                    "court_order_shown": _bool(self.court_order)}
        return out

    def set_value(self, a: dict[str, Any]) -> None:
        set_combo(self.type, a.get("type"))
        set_combo(self.student, a.get("student_id"))
        if a.get("officer_staff_id"):
            set_combo(self.officer_staff, a["officer_staff_id"])
        elif a.get("officer"):
            set_combo(self.officer_staff, "__other")
            self.officer.setText(a["officer"])
        self.agency.setText(a.get("agency", ""))
        self.authorised_by.setText(a.get("authorised_by", ""))
        set_combo(self.legal_basis, a.get("legal_basis"))
        self.age.setValue(int(a.get("student_age") or 0))
        set_combo(self.admin_present, _yes_no(a.get("administrator_present")))
        self.admin_name.setText(a.get("administrator_name", ""))
        self.removed.setChecked(bool(a.get("removed_from_school")))
        set_datetime(self.removed_at, a.get("removed_at", ""))
        self.destination.setText(a.get("removal_destination", ""))
        set_combo(self.court_order, _yes_no(a.get("court_order_shown")))
        self._visibility()


class AttorneyBlock(Block):
    """P12 (RCW 13.40.740): the three triggers for one student, and what followed."""

    def __init__(self, student_id: str, label: str, n: int) -> None:
        super().__init__(f"Access to an attorney — {label}", f"attorney{n}")
        self.student_id = self.student_label = ""
        self.student_id, self.student_label = student_id, label
        self.pre_ticked: set[str] = set()  # triggers ticked from the activities (once each)
        self.add_note = hint("Before a juvenile waives any constitutional right, law enforcement must "
                             "give access to an attorney. The consultation cannot be waived.")
        self.grid.addWidget(self.add_note, self._n, 0, 1, 2)
        self._n += 1
        # What the law's three triggers mean, in the label; the letters of RCW 13.40.740 in the tooltip.
        self.interrogation = self.add("custodial_interrogation", "Questioning",
                                      QCheckBox("Questioned in a custodial interrogation"),
                                      description="RCW 13.40.740, trigger (a): a custodial interrogation.")
        self.detention = self.add("probable_cause_detention", "Detention",
                                  QCheckBox("Detained on probable cause"),
                                  description="RCW 13.40.740, trigger (b): detained on probable cause.")
        self.consent = self.add("consent_search_request", "Search by consent",
                                QCheckBox("Asked for consent to search"),
                                description="RCW 13.40.740, trigger (c): asked for consent to search.")
        for key in ("custodial_interrogation", "probable_cause_detention", "consent_search_request"):
            name, control = self._rows[key]
            name.setToolTip(control.toolTip())
        self.access = self.add("access_given", "Attorney access",
                               QCheckBox("Had access to an attorney"))
        self.access_at = self.add("access_at", "When", datetime_edit(
            "", optional=True, what="The attorney consultation"))
        self.mode = self.add("access_mode", "How", combo("", "", AttorneyMode.choices(), first="Choose…"))
        self.provider = self.add("provider", "Attorney or service", QLineEdit(), text=True)
        self.exception = self.add("exception_claimed", "Exception",
                                  QCheckBox("An exception was claimed"))
        self.justification = self.add("exception_justification", "Justification", text_area("", height=60),
                                      text=True)
        self.waiver = self.add("waiver_after_consultation", "Waiver",
                               QCheckBox("Waived a right after consulting"))
        self.changed.connect(self._visibility)
        self._visibility()

    def trigger_box(self, key: str) -> QCheckBox:
        return {"custodial_interrogation": self.interrogation, "probable_cause_detention": self.detention,
                "consent_search_request": self.consent}[key]

    def triggered(self) -> bool:
        return any(b.isChecked() for b in (self.interrogation, self.detention, self.consent))

    def _visibility(self) -> None:
        on = self.triggered()
        access = self.access.isChecked()
        for key in ("access_given", "exception_claimed", "waiver_after_consultation"):
            self.show_row(key, on)
        for key in ("access_at", "access_mode", "provider"):
            self.show_row(key, on and access)
        self.show_row("exception_justification", on and self.exception.isChecked())

    def value(self) -> dict[str, Any]:
        on = self.triggered()
        out: dict[str, Any] = {
            "student_id": self.student_id,
            "custodial_interrogation": self.interrogation.isChecked(),
            "probable_cause_detention": self.detention.isChecked(),
            "consent_search_request": self.consent.isChecked(),
            "access_given": on and self.access.isChecked(),
            "exception_claimed": on and self.exception.isChecked(),
        }
        if out["access_given"]:
            out |= {"access_at": datetime_value(self.access_at),
                    "access_mode": self.mode.currentData() or "",
                    "provider": self.provider.text().strip()}
        if out["exception_claimed"]:
            out["exception_justification"] = self.justification.toPlainText().strip()
        if on:
            out["waiver_after_consultation"] = self.waiver.isChecked()
        return out

    def set_value(self, e: dict[str, Any]) -> None:
        self.interrogation.setChecked(bool(e.get("custodial_interrogation")))
        self.detention.setChecked(bool(e.get("probable_cause_detention")))
        self.consent.setChecked(bool(e.get("consent_search_request")))
        self.access.setChecked(bool(e.get("access_given")))
        set_datetime(self.access_at, e.get("access_at", ""))
        set_combo(self.mode, e.get("access_mode"))
        self.provider.setText(e.get("provider", ""))
        self.exception.setChecked(bool(e.get("exception_claimed")))
        self.justification.setPlainText(e.get("exception_justification", ""))
        self.waiver.setChecked(bool(e.get("waiver_after_consultation")))
        self._visibility()


class NotificationBlock(Block):
    """P13: one attempt to reach a parent or guardian."""

    def __init__(self, n: int, made_by: str = "") -> None:
        super().__init__(f"Notification attempt {n}", f"notification{n}", removable=True)
        edit = datetime_edit("")
        self.at = self.add("at", "When", edit)
        self.method = self.add("method", "How", combo("", "", NotificationMethod.choices(), first="Choose…"))
        self.by = self.add("by", "Made by", QLineEdit(made_by), text=True)  # the signed-in person
        self.contact = self.add("contact", "Who was contacted", QLineEdit(), text=True,
                                description="For example: mother, guardian, foster parent.")
        self.result = self.add("result", "Result", combo("", "", NotificationResult.choices(), first="Choose…"))

    def value(self) -> dict[str, Any]:
        return {"at": datetime_value(self.at), "method": self.method.currentData() or "",
                "by": self.by.text().strip(), "contact": self.contact.text().strip(),
                "result": self.result.currentData() or ""}

    def set_value(self, e: dict[str, Any]) -> None:
        set_datetime(self.at, e.get("at", ""))
        set_combo(self.method, e.get("method"))
        self.by.setText(e.get("by", ""))
        self.contact.setText(e.get("contact", ""))
        set_combo(self.result, e.get("result"))


class ForceBlock(Block):
    """Use of force against a student: kinds, description, injury, medical attention."""

    def __init__(self) -> None:
        super().__init__("Use of force", "force")
        types = QWidget()
        g = QGridLayout(types)
        g.setContentsMargins(0, 0, 0, 0)
        self.types: dict[str, QCheckBox] = {}
        for i, (value, label) in enumerate(ForceType.choices()):
            box = QCheckBox(label)
            box.setObjectName(f"forceType_{value}")
            box.setAccessibleName(f"Kind of force: {label}")
            box.toggled.connect(lambda *_: self.changed.emit())
            self.types[value] = box
            g.addWidget(box, i, 0)
        self.add("types", "Kinds of force", types)
        types.setAccessibleName("Kinds of force")
        self.description = self.add("description", "What and why", text_area("", "Describe the force used "
                                    "and why it was necessary.", 70), text=True)
        self.injury = self.add("injury", "Injury", QCheckBox("Someone was injured"))
        self.injury_description = self.add("injury_description", "The injury", QLineEdit(), text=True)
        self.medical = self.add("medical_attention", "Medical attention",
                                QCheckBox("Medical attention was given"))
        self.changed.connect(lambda: self.show_row("injury_description", self.injury.isChecked()))
        self.show_row("injury_description", False)
        self.hint = hint("The details may follow later; until then the yearly OSPI collection lists "
                         "the incident as incomplete.")
        self.grid.addWidget(self.hint, self._n, 0, 1, 2)

    def value(self) -> dict[str, Any]:
        types = [v for v, b in self.types.items() if b.isChecked()]
        description = self.description.toPlainText().strip()
        injury = self.injury.isChecked()
        medical = self.medical.isChecked()
        if not types and not description and not injury and not medical:
            return {}
        out: dict[str, Any] = {"types": types, "description": description, "injury": injury,
                               "medical_attention": medical}
        if injury:
            out["injury_description"] = self.injury_description.text().strip()
        return out

    def set_value(self, fd: dict[str, Any]) -> None:
        for v, b in self.types.items():
            b.setChecked(v in (fd.get("types") or []))
        self.description.setPlainText(fd.get("description", ""))
        self.injury.setChecked(bool(fd.get("injury")))
        self.injury_description.setText(fd.get("injury_description", ""))
        self.medical.setChecked(bool(fd.get("medical_attention")))


class RestraintBlock(Block):
    """Restraint or isolation: when it started and ended, what happened, to whom released."""

    def __init__(self) -> None:
        super().__init__("Restraint or isolation", "restraint")
        self.started = self.add("started_at", "Started", datetime_edit("", optional=True))
        self.ended = self.add("ended_at", "Ended", datetime_edit("", optional=True))
        self.description = self.add("description", "What and why", text_area("", "Describe it and why it "
                                    "was necessary.", 70), text=True)
        self.released_to = self.add("released_to", "Released to", QLineEdit(), text=True)

    def value(self) -> dict[str, Any]:
        out = {"started_at": datetime_value(self.started), "ended_at": datetime_value(self.ended),
               "description": self.description.toPlainText().strip(),
               "released_to": self.released_to.text().strip()}
        return out if any(out.values()) else {}

    def set_value(self, rd: dict[str, Any]) -> None:
        set_datetime(self.started, rd.get("started_at", ""))
        set_datetime(self.ended, rd.get("ended_at", ""))
        self.description.setPlainText(rd.get("description", ""))
        self.released_to.setText(rd.get("released_to", ""))


__all__ = ["AttorneyBlock", "Block", "BlockList", "ForceBlock", "LeActivityBlock", "NotificationBlock",
           "QDateTimeEdit", "QPlainTextEdit", "RestraintBlock"]
