"""The interaction form's per-student outcomes: under each ticked outcome, a tick per student.

A subject is ticked by default when the outcome is first ticked; a victim, witness
or reporter only when the person ticks them (domain/outcomes.py).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from safetydesk.domain.outcomes import OUTCOME_FIELDS, OUTCOME_QUESTIONS
from safetydesk.domain.vocab import StudentRole


class OutcomeStudents(QWidget):
    """Which students each ticked outcome applies to; ``value()`` is the draft's ``outcome_students``."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outcomeStudents")
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._chosen: dict[str, list[str]] = {}
        self._ticked: dict[str, bool] = {}
        self._students: list[tuple[str, str, str]] = []  # (id, label, role)
        self._only_subject = False  # just loaded: pre-tick only a record's only subject
        self.boxes: dict[str, dict[str, QCheckBox]] = {}

    def set_value(self, value: dict[str, list[str]], ticked: dict[str, bool]) -> None:
        """A saved record's choices: its outcomes are not pre-ticked again for its subjects."""
        self._chosen = {k: list(v) for k, v in (value or {}).items() if k in OUTCOME_FIELDS}
        # A ticked outcome the record gives no students (an older record, a prefilled draft) is
        # answered for the only subject, as a save would; with several subjects a person ticks.
        self._ticked = {f: on for f, on in ticked.items() if f in self._chosen}
        self._only_subject = True
        self._students = []

    def value(self) -> dict[str, list[str]]:
        on_record = {sid for sid, _, _ in self._students}
        return {f: [s for s in self._chosen.get(f, []) if s in on_record]
                for f in OUTCOME_FIELDS if self._ticked.get(f)}

    def refresh(self, students: list[tuple[str, str, str]], ticked: dict[str, bool]) -> None:
        """Rebuild the tick lists for the record's students and ticked outcomes, keeping choices."""
        subjects = [sid for sid, _, role in students if role == StudentRole.SUBJECT]
        for f in OUTCOME_FIELDS:
            if ticked.get(f) and not self._ticked.get(f) and not self._chosen.get(f):
                if self._only_subject and len(subjects) != 1:
                    continue  # loaded without an answer: a person chooses among several subjects
                self._chosen[f] = subjects
        self._only_subject = False
        if students == self._students and ticked == self._ticked:
            return
        self._students, self._ticked = list(students), dict(ticked)
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.boxes = {}
        for f in OUTCOME_FIELDS:
            if not ticked.get(f):
                continue
            self._layout.addWidget(QLabel(OUTCOME_QUESTIONS[f]))
            line = QWidget()
            row = QHBoxLayout(line)
            row.setContentsMargins(12, 0, 0, 0)
            self.boxes[f] = {}
            for sid, label, role in students:
                box = QCheckBox(f"{label} ({StudentRole.label_of(role).lower() or 'student'})")
                box.setAccessibleName(f"{OUTCOME_QUESTIONS[f]} {label}")
                box.setChecked(sid in self._chosen.get(f, []))
                box.toggled.connect(lambda on, f=f, sid=sid: self._toggle(f, sid, on))
                row.addWidget(box)
                self.boxes[f][sid] = box
            if not students:
                row.addWidget(QLabel("Add the students first."))
            row.addStretch(1)
            self._layout.addWidget(line)
        self.setVisible(bool(self.boxes))

    def _toggle(self, outcome: str, student_id: str, on: bool) -> None:
        ids = [s for s in self._chosen.get(outcome, []) if s != student_id]
        self._chosen[outcome] = [*ids, student_id] if on else ids
        self.changed.emit()
