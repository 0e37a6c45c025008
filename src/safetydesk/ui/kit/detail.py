"""The detail window every record kind shares: the record, its history (P25), and the
actions the account may take on it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QHideEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.changes import Changes
from safetydesk.ui.kit import geometry, prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.history import HistoryView
from safetydesk.ui.kit.layout import scrolling_with_footer
from safetydesk.ui.kit.widgets import button, fit_to_screen, hint, repolish


# ---------------------------------------------------------------------- detail
class RecordDetail(QDialog):
    """One record in full: title, badges, its fields, extra panels, and the whole history."""

    NOUN = "record"
    FIELD_LABELS: ClassVar[dict[str, str]] = {}
    QUIET: ClassVar[set[str]] = {"author", "rules_version", "retract_reason"}
    HISTORY_ORDERED = False  # each history entry's fields in the order of FIELD_LABELS
    SIZE = (800, 820)
    RETRACT_EXAMPLE = ""
    FIELDS_AT_TOP = True  # False: the kind places ``fields_box`` among its own panels

    amend_requested = Signal(dict)

    # the record kinds this view shows: it refreshes when a write changes one (none: any)
    KINDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ctx: UiContext, record_id: str, window: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window_ = window
        self.record_id = record_id
        self.data: dict[str, Any] | None = None
        self.setObjectName(f"{self.NOUN.replace(' ', '_')}Detail")
        self.resize(*self.SIZE)
        self.title = QLabel("Loading…")
        self.title.setObjectName("detailTitle")
        self.title.setProperty("role", "pageTitle")
        self.title.setWordWrap(True)
        self.subtitle = hint("", "detailSubtitle")
        self.badges = QHBoxLayout()
        self.badges.setSpacing(6)
        self.status = QLabel()
        self.status.setObjectName("detailStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        self.fields = QGridLayout()
        self.fields.setHorizontalSpacing(16)
        self.fields.setVerticalSpacing(6)
        self.fields.setColumnStretch(1, 1)
        self.fields_box = QFrame()
        self.fields_box.setLayout(self.fields)
        self.extra = QVBoxLayout()
        self.extra.setSpacing(8)
        history_title = QLabel("History")
        history_title.setProperty("role", "sectionTitle")
        self.history = HistoryView(self.NOUN, labels=self.FIELD_LABELS, quiet=self.QUIET,
                                   ordered=self.HISTORY_ORDERED)
        body = QWidget()
        v = QVBoxLayout(body)
        v.setContentsMargins(24, 18, 24, 18)
        v.setSpacing(10)
        v.addWidget(self.title)
        v.addWidget(self.subtitle)
        v.addLayout(self.badges)
        v.addWidget(self.status)
        if self.FIELDS_AT_TOP:
            self.fields_box.setProperty("role", "card")
            v.addWidget(self.fields_box)
        v.addLayout(self.extra)
        v.addWidget(history_title)
        v.addWidget(self.history, 1)
        self.footer = QHBoxLayout()
        self.amend_button = QPushButton("Correct (amend)…")
        self.amend_button.setObjectName("amendButton")
        self.amend_button.setAccessibleName(f"Correct this {self.NOUN} (Ctrl+E)")
        self.retract_button = QPushButton("Retract…")
        self.retract_button.setObjectName("retractButton")
        self.retract_button.setAccessibleName(f"Retract this {self.NOUN}")
        self.retract_button.setProperty("danger", True)
        close = QPushButton("Close")
        close.setObjectName("closeButton")
        close.setAccessibleName("Close")
        scrolling_with_footer(self, body, self.retract_button, self.footer, None, close, self.amend_button)
        for b in (self.amend_button, self.retract_button, close):
            b.setAutoDefault(False)
        self.amend_button.setEnabled(False)
        self.retract_button.setEnabled(False)
        close.clicked.connect(self.accept)
        self.amend_button.clicked.connect(self.amend)
        self.retract_button.clicked.connect(self.retract)
        QShortcut(QKeySequence("Ctrl+E"), self, self.amend)
        self.build_extra()
        ctx.worker.records_changed.connect(self._records_changed)
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        if not event.spontaneous() and not getattr(self, "_placed", False):
            self._placed = True
            if not geometry.restore(self.ctx, self, self.objectName()):
                fit_to_screen(self)
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        if not event.spontaneous():
            geometry.remember(self.ctx, self, self.objectName())  # this person's size and place
        super().hideEvent(event)

    # hooks ----------------------------------------------------------------
    def loader(self) -> Callable[..., dict[str, Any]]:
        raise NotImplementedError

    def build_extra(self) -> None:
        pass

    def add_footer_button(self, text: str, name: str, accessible: str, tip: str,
                          slot: Callable[[], object]) -> QPushButton:
        """A button of the screen's own in the footer, beside the kit's (Print…); disabled
        until the screen enables it for the record shown."""
        b = button(text, name, accessible, tip=tip)
        b.setEnabled(False)
        b.clicked.connect(slot)
        self.footer.addStretch(1)
        self.footer.addWidget(b)
        return b


    def show_data(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def record_of(self, data: dict[str, Any]) -> dict[str, Any]:
        """The record in what ``loader`` returned (what an amendment's form opens on)."""
        record = data.get("record", data)
        return record if isinstance(record, dict) else data

    def history_names(self) -> Callable[[str, Any], str | None]:
        """How the history names a field's value (None: plainly)."""
        return self.describe

    def can_amend(self, state: dict[str, Any]) -> bool:
        return False

    def can_retract(self, state: dict[str, Any]) -> bool:
        return False

    def retract_service(self) -> Callable[..., Any] | None:
        return None

    def describe(self, field: str, value: Any) -> str:
        if value is None or value == "":
            return "(empty)"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if field == "school_id":
            return self.ctx.school_name(value) or "District office"
        if isinstance(value, dict):
            return "; ".join(f"{k.replace('_', ' ')}: {self.describe(k, v)}" for k, v in value.items()
                             if k != "sha256") or "(none)"
        if isinstance(value, list):
            return "; ".join(self.describe(field, v) for v in value) or "(none)"
        return str(value)

    # ------------------------------------------------------------------------
    def refresh(self) -> None:
        self.ctx.worker.read(self.loader(), self.record_id, done=self._show, error=self._failed,
                             key=f"detail:{id(self)}", owner=self)

    def _records_changed(self, changes: Changes) -> None:
        if changes.touches(*self.KINDS):
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self.title.setText(f"This {self.NOUN} cannot be shown")
        self.status.setText(prompts.explain(exc))
        self.status.show()

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        self.show_data(data)
        state = self.record_of(data).get("state", {})
        retracted = bool(state.get("retracted"))
        if retracted:
            self.status.setText(f"Retracted. Reason: {state.get('retract_reason') or '(none given)'}")
            self.status.setProperty("role", "retractedBanner")
            repolish(self.status)
            self.status.show()
        self.amend_button.setEnabled(self.can_amend(state) and not retracted)
        self.retract_button.setEnabled(self.can_retract(state) and not retracted)
        role = self.ctx.actor.role.label if self.ctx.actor else "not signed in"
        self.amend_button.setToolTip(
            "A retracted record cannot be corrected." if retracted else
            "Correct what was recorded wrongly (Ctrl+E)." if self.amend_button.isEnabled() else
            f"Your account ({role}) cannot correct this {self.NOUN}.")
        self.retract_button.setVisible(self.retract_service() is not None)
        self.history.show_entries(data.get("history", []), self.history_names())

    def set_badges(self, badges: list[tuple[str, str]]) -> None:
        while self.badges.count():
            item = self.badges.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.setParent(None)
                w.deleteLater()
        for text, kind in badges:
            badge = QLabel(text)
            badge.setProperty("badge", kind)
            badge.setObjectName(f"badge_{kind}")
            badge.setAccessibleName(text)
            self.badges.addWidget(badge)
        self.badges.addStretch(1)

    def set_rows(self, rows: list[tuple[str, str]], grid: QGridLayout | None = None) -> None:
        grid = grid or self.fields
        while grid.count():
            item = grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.setParent(None)
                w.deleteLater()
        for i, (label, value) in enumerate(rows):
            name = QLabel(label)
            name.setProperty("role", "fieldLabel")
            text = QLabel(value or "—")
            text.setObjectName("detail_" + re.sub(r"\W+", "_", label.lower()).strip("_"))
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                         | Qt.TextInteractionFlag.TextSelectableByKeyboard)
            text.setAccessibleName(label)
            grid.addWidget(name, i, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, i, 1)

    def amend(self) -> None:
        if self.data is None or not self.amend_button.isEnabled():
            return
        self.amend_requested.emit(self.record_of(self.data))

    def retract(self) -> None:
        service = self.retract_service()
        if self.data is None or service is None or not self.retract_button.isEnabled():
            return
        article = "an" if self.NOUN[:1] in "aeiou" else "a"
        reason = prompts.ask_text(
            self, f"Retract this {self.NOUN}",
            f"Retracting withdraws {article} {self.NOUN} recorded in error. It stays in the history, "
            "marked retracted, with your reason. Why is it being retracted?", ok="Retract",
            placeholder=self.RETRACT_EXAMPLE)
        if reason is None:
            return
        self.ctx.worker.write(service, self.record_id, reason, owner=self, label="Retracting",
                              error=lambda exc: prompts.show_failure(self, exc, "Not retracted"))
