"""What the window offers just after a form saves: a link to the record just saved (it opens
the record by its id, so it works even when the list's filters hide it) and, for a short time,
"Undo", which retracts a new record with the reason "entered in error" (the history keeps it,
P25).

The bar is not modal: it sits in the main window's status bar, the person carries on working,
and it goes away by itself after ``UNDO_SECONDS`` (a Qt timer; tests fire it). Undo is offered
only to a person who may retract that record at its school; the service checks again.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from safetydesk.services import undo
from safetydesk.ui.kit import prompts

UNDO_SECONDS = 15


class AfterSaveBar(QFrame):
    """ "Interaction saved. [Open it] [Undo]" for ``UNDO_SECONDS``."""

    undone = Signal(str)  # the record id, once its retraction is written

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("afterSaveBar")
        self.setAccessibleName("The record just saved")
        self.ctx: Any = None
        self.host: Any = None
        self.record_type = ""
        self.record_id = ""
        self.noun = "record"
        self.text = QLabel()
        self.text.setObjectName("afterSaveText")
        self.open_button = QPushButton("Open it")
        self.open_button.setObjectName("afterSaveOpen")
        self.open_button.setFlat(True)
        self.open_button.setProperty("role", "link")
        self.undo_button = QPushButton("Undo")
        self.undo_button.setObjectName("afterSaveUndo")
        for b in (self.open_button, self.undo_button):
            b.setAutoDefault(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 8, 0)
        row.setSpacing(6)
        row.addWidget(self.text)
        row.addWidget(self.open_button)
        row.addWidget(self.undo_button)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(UNDO_SECONDS * 1000)
        self.timer.timeout.connect(self.expire)
        self.open_button.clicked.connect(self.open_record)
        self.undo_button.clicked.connect(self.undo)
        self.hide()

    def offer(self, ctx: Any, host: Any, record_type: str, record_id: str, noun: str, *,
              school_id: str | None, amended: bool = False) -> None:
        """Show the bar for this record: the link always, Undo for a new record the person may
        retract."""
        self.ctx, self.host = ctx, host
        self.record_type, self.record_id, self.noun = record_type, record_id, noun
        word = noun[:1].upper() + noun[1:]
        self.text.setText(f"{word} {'corrected' if amended else 'saved'}.")
        self.open_button.setText(f"Open the {noun}")
        self.open_button.setAccessibleName(f"Open the {noun} just saved")
        self.open_button.setVisible(hasattr(host, "open_record"))
        self.undo_button.setVisible(not amended and can_undo(ctx, record_type, school_id))
        self.undo_button.setEnabled(True)
        self.undo_button.setAccessibleName(
            f"Undo: retract the {noun} just saved as entered in error (for {UNDO_SECONDS} seconds)")
        self.undo_button.setToolTip(f"Retracts it with the reason “{undo.UNDO_REASON}”; its history "
                                    f"keeps it. Offered for {UNDO_SECONDS} seconds.")
        self.show()
        self.timer.start()

    def open_record(self) -> None:
        if self.host is not None and self.record_id:
            self.host.open_record(self.record_type, self.record_id)

    def undo(self) -> None:
        if not self.undo_button.isVisible() or not self.undo_button.isEnabled():
            return
        self.timer.stop()
        self.undo_button.setEnabled(False)
        record_id = self.record_id
        self.ctx.worker.write(undo.undo_save, self.record_type, record_id,
                              done=lambda _: self._undone(record_id), error=self._failed, owner=self,
                              label=f"Undoing the {self.noun}")

    def _undone(self, record_id: str) -> None:
        self.undo_button.hide()
        self.text.setText(f"Undone: the {self.noun} is retracted as entered in error "
                          "(its history keeps it).")
        self.timer.start()  # the link stays for a while: the retracted record can still be opened
        self.undone.emit(record_id)

    def _failed(self, exc: BaseException) -> None:
        self.undo_button.hide()
        self.text.setText(f"Not undone: {prompts.explain(exc)}")
        prompts.show_failure(self, exc, f"The {self.noun} was not undone")

    def expire(self) -> None:
        self.timer.stop()
        self.undo_button.hide()
        self.hide()


def can_undo(ctx: Any, record_type: str, school_id: str | None) -> bool:
    """Whether this person may retract the record (no Undo button otherwise)."""
    needed = undo.undo_permission(record_type, school_id)
    return needed is not None and bool(ctx.can(needed[0], needed[1]))


def host_of(widget: QWidget) -> Any:
    """The main window a form belongs to (it has the status bar and opens records), or None."""
    parent = widget.parentWidget()
    while parent is not None:
        if hasattr(parent, "statusBar") and hasattr(parent, "open_record"):
            return parent
        parent = parent.parentWidget()
    return None


def bar_of(host: Any) -> AfterSaveBar | None:
    """The host's one after-save bar, put in its status bar the first time."""
    if host is None or not hasattr(host, "statusBar"):
        return None
    found = host.findChild(AfterSaveBar, "afterSaveBar")
    if found is None:
        found = AfterSaveBar()
        host.statusBar().insertPermanentWidget(0, found, 1)
    return found


def offer_after_save(form: Any, record_type: str, record_id: str, *, school_id: str | None,
                     amended: bool) -> AfterSaveBar | None:
    """Show the after-save bar in the main window the form belongs to."""
    host = host_of(form)
    bar = bar_of(host)
    if bar is None or not record_id:
        return None
    bar.offer(form.ctx, host, record_type, record_id, form.NOUN, school_id=school_id, amended=amended)
    return bar
