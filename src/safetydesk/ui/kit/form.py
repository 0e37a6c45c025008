"""The one form base every record kind's form is built on.

Every form behaves the same from the keyboard (Ctrl+S saves, Esc closes keeping a draft),
validates as the person types with the rule's plain-language reason beside the field, refuses
text recording immigration data with the offending sentence selected (P14), offers possible
duplicates before saving, asks the reason for an amendment and refuses to save over a copy
someone else changed meanwhile."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from PySide6.QtCore import (
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QKeySequence,
    QShortcut,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.immigration_guard import ImmigrationDataWarning, find_immigration_text
from safetydesk.domain.validation import FieldError
from safetydesk.services import admin
from safetydesk.ui.kit import formatting, prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.layout import FieldRow, FormBuilder
from safetydesk.ui.kit.widgets import button, hint, hint_label, repolish, title_label

CHECK_DELAY_MS = 300


def save_and_forget_draft(session: Any, draft_key: str, save: Callable[..., Any], *args: Any) -> Any:
    """On the worker: ``save(session, *args)``, then the form's kept draft dropped, in one job, so
    that one save is one notice of what changed and one refresh of the views."""
    result = save(session, *args)
    if draft_key:
        admin.discard_draft(session, draft_key)
    return result


def duplicate_choice_buttons(noun: str) -> tuple[QPushButton, QPushButton, QHBoxLayout]:
    """The two answers to "this may be a duplicate": save anyway, or open the existing one."""
    save_anyway = QPushButton("Save anyway")
    save_anyway.setObjectName("saveAnyway")
    save_anyway.setAccessibleName("Save anyway: this is a different event")
    open_existing = QPushButton("Open the existing one")
    open_existing.setObjectName("openExisting")
    open_existing.setAccessibleName(f"Open the selected existing {noun} instead (this form is kept as a draft)")
    for b in (save_anyway, open_existing):
        b.setAutoDefault(False)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(open_existing)
    row.addWidget(save_anyway)
    return save_anyway, open_existing, row


def select_sentence(widget: QWidget, sentence: str) -> None:
    """Put the cursor on ``sentence`` in a text field and select it (P14 warnings)."""
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    if isinstance(widget, QPlainTextEdit):
        text = widget.toPlainText()
        start = text.find(sentence)
        cursor = widget.textCursor()
        if start >= 0:
            cursor.setPosition(start)
            cursor.setPosition(start + len(sentence), QTextCursor.MoveMode.KeepAnchor)
        widget.setTextCursor(cursor)
        widget.ensureCursorVisible()
    elif isinstance(widget, QLineEdit):
        start = widget.text().find(sentence)
        if start >= 0:
            widget.setSelection(start, len(sentence))


def p14_message(text: str) -> str:
    """A live warning for text that appears to record immigration data (saving will refuse it)."""
    found = find_immigration_text(text)
    if not found:
        return ""
    quoted = "; ".join(f"“{f.sentence}”" for f in found[:2])
    return (f"Remove this before saving: it {found[0].reason.replace('records', 'appears to record')}. "
            f"SafetyDesk never records immigration or citizenship status or place of birth (P14): {quoted}")


# ---------------------------------------------------------------------- form
class RecordForm(QDialog):
    """A form for one record type: build fields, give a draft, name the services.

    Subclasses set FORM, TITLES, INTRO, FIELDS (field names in display order)
    and implement ``build``, ``load``, ``draft``; and either ``check_service``
    or ``local_check``; ``log_service`` and ``amend_service``.
    """

    FORM = ""
    NOUN = "record"
    TITLE_NEW = ""
    TITLE_AMEND = ""
    INTRO = ""
    FIELDS: tuple[str, ...] = ()
    TEXT_FIELDS: tuple[str, ...] = ()  # free-text fields checked live for P14
    DRAFT_CLASS: Any = None
    FIND_DUPLICATES = False

    saved = Signal(str)

    def __init__(self, ctx: UiContext, *, record: dict[str, Any] | None = None,
                 draft_entry: dict[str, Any] | None = None, prefill: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(f"{self.FORM}Form")
        self.record_id = ""
        self.expected_version: int | None = None
        self.labels: dict[str, str] = {}
        self._initial_state: dict[str, Any] | None = None
        start = prefill if prefill is not None else self.DRAFT_CLASS()
        if draft_entry is not None:
            data = draft_entry["data"]
            self.draft_key = draft_entry["key"]
            self.record_id = draft_entry.get("record_id") or ""
            self.expected_version = data.get("version")
            start = self.DRAFT_CLASS.from_state(data.get("draft", {}))
            self.labels = dict(data.get("labels", {}))
            self._initial_state = data.get("initial")
        elif record is not None:
            self.record_id = record["id"]
            self.expected_version = record.get("version")
            self.draft_key = f"{self.FORM}:amend:{self.record_id}"
            start = record["draft"]
            self.labels = self.labels_of(record)
        else:
            self.draft_key = f"{self.FORM}:new:{new_id()}"
        self.amending = bool(self.record_id)
        self._base = start
        self.setWindowTitle(self.TITLE_AMEND if self.amending else self.TITLE_NEW)
        self._touched: set[str] = set()
        self._reveal_all = False
        self._errors: list[FieldError] = []
        self._saving = False
        self._finished = False
        self._duplicates_seen = False
        self._build_frame()
        self.load(start)
        self._initial = self._initial_state or asdict(self.draft())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.connect_fields()
        ctx.lookups_changed.connect(self.lookups_arrived)
        first = self.focus_target(self.FIELDS[0]) if self.FIELDS else None
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.check()

    # hooks ---------------------------------------------------------------
    def labels_of(self, record: dict[str, Any]) -> dict[str, str]:
        return {}

    def build(self, form: FormBuilder) -> None:
        raise NotImplementedError

    def load(self, d: Any) -> None:
        raise NotImplementedError

    def draft(self) -> Any:
        raise NotImplementedError

    def connect_fields(self) -> None:
        """Connect each control's change signal to ``self.changed(field)``."""

    def lookups_arrived(self) -> None:
        pass

    def check_service(self) -> Callable[..., list[FieldError]] | None:
        return None

    def local_check(self, draft: Any) -> list[FieldError]:
        return []

    def log_service(self) -> Callable[..., Any]:
        raise NotImplementedError

    def amend_service(self) -> Callable[..., Any]:
        raise NotImplementedError

    def log_args(self, draft: Any) -> tuple[Any, ...]:
        return (draft,)

    def amend_args(self, draft: Any, reason: str) -> tuple[Any, ...]:
        return (self.record_id, draft, reason, self.expected_version)

    def text_widget(self, path: str) -> QWidget | None:
        """The text control holding a field (for P14 warnings), by the field's path."""
        row = self.form.rows.get(path.split(".")[0].split("[")[0])
        return row.control if row is not None else None

    def focus_target(self, name: str) -> QWidget | None:
        row = self.form.rows.get(name)
        return row.control if row is not None else None

    def draft_labels(self) -> dict[str, str]:
        return {}

    def describe_duplicate(self, row: dict[str, Any]) -> str:
        return str(row.get("id"))

    def open_existing(self, record_id: str) -> None:
        pass

    # building -----------------------------------------------------------
    def _build_frame(self) -> None:
        self.resize(760, 820)
        form = FormBuilder()
        self.form = form
        title = QLabel(self.windowTitle())
        title.setProperty("role", "pageTitle")
        title.setObjectName("formTitle")
        intro = hint(self.INTRO if not self.amending else
                     "Change what was recorded wrongly. The record before and after your "
                     "correction, and your reason, are kept in its history.", "formIntro")
        self.other_errors = QLabel()
        self.other_errors.setObjectName("otherErrors")
        self.other_errors.setProperty("role", "fieldError")
        self.other_errors.setWordWrap(True)
        self.other_errors.hide()
        self.duplicates_box = self._duplicates_panel()
        self.build(form)

        body = QWidget()
        bv = QVBoxLayout(body)
        bv.setContentsMargins(24, 18, 24, 18)
        bv.setSpacing(10)
        bv.addWidget(title)
        bv.addWidget(intro)
        bv.addWidget(self.duplicates_box)
        bv.addWidget(self.other_errors)
        bv.addWidget(form.widget)
        bv.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(body)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.save_status = QLabel()
        self.save_status.setObjectName("saveStatus")
        self.save_status.setWordWrap(True)
        self.save_status.setProperty("role", "hint")
        self.cancel_button = QPushButton("Close")
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAccessibleName("Close the form (unsaved input is kept as a draft)")
        self.cancel_button.setToolTip("Esc. Anything not yet saved is kept as a draft.")
        self.save_button = QPushButton("Save correction…" if self.amending else "Save")
        self.save_button.setObjectName("saveButton")
        self.save_button.setProperty("primary", True)
        self.save_button.setAccessibleName(f"Save the {self.NOUN} (Ctrl+S)")
        for b in (self.save_button, self.cancel_button):
            b.setAutoDefault(False)
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
        outer.addWidget(self.scroll, 1)
        outer.addWidget(footer)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

    def _duplicates_panel(self) -> QFrame:
        box = QFrame()
        box.setObjectName("duplicatesPanel")
        box.setProperty("role", "card")
        box.setProperty("attention", True)
        v = QVBoxLayout(box)
        self.duplicates_text = QLabel()
        self.duplicates_text.setObjectName("duplicatesText")
        self.duplicates_text.setWordWrap(True)
        self.duplicates_list = QTableWidget(0, 1)
        self.duplicates_list.setObjectName("duplicatesList")
        self.duplicates_list.setAccessibleName("Records that may be the same as this one")
        self.duplicates_list.horizontalHeader().setVisible(False)
        self.duplicates_list.verticalHeader().setVisible(False)
        self.duplicates_list.horizontalHeader().setStretchLastSection(True)
        self.duplicates_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.duplicates_list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.duplicates_list.setMaximumHeight(120)
        self.save_anyway, self.open_existing_button, row = duplicate_choice_buttons("record")
        v.addWidget(self.duplicates_text)
        v.addWidget(self.duplicates_list)
        v.addLayout(row)
        box.hide()
        self.save_anyway.clicked.connect(self._save_anyway)
        self.open_existing_button.clicked.connect(self._open_existing)
        return box

    def section(self, form: FormBuilder, title: str) -> QLabel:
        return form.add_section(title)

    # validation -----------------------------------------------------------
    def changed(self, name: str) -> None:
        self._touched.add(name)
        if self.duplicates_box.isVisible():
            self.duplicates_box.hide()
            self._duplicates_seen = False
        self._timer.start()

    def check(self) -> None:
        self._timer.stop()
        if not self.ctx.signed_in:
            return
        service = self.check_service()
        draft = self.draft()
        if service is None:
            self.show_errors(self.local_check(draft))
        else:
            self.ctx.worker.read(service, draft, done=self.show_errors, key=f"check:{id(self)}",
                                 owner=self)

    def visible_row(self, name: str) -> bool:
        row = self.form.rows.get(name)
        return row is not None and not row.control.isHidden()

    def show_errors(self, errors: list[FieldError]) -> None:
        errors = list(errors) + self.extra_errors()
        self._errors = errors
        by_field: dict[str, list[str]] = {}
        for e in errors:
            key = e.field if self.visible_row(e.field) else ""
            by_field.setdefault(key, []).append(e.message)
        warnings = self.p14_warnings()
        for name, row in self.form.rows.items():
            shown = self._reveal_all or name in self._touched
            text = " ".join(by_field.get(name, [])) if shown else ""
            if warnings.get(name):
                text = (text + " " + warnings[name]).strip()
            row.set_error(text)
        other = by_field.get("", [])
        self.other_errors.setText("\n".join(f"• {m}" for m in other))
        self.other_errors.setVisible(bool(other) and (self._reveal_all or bool(self._touched)))
        if errors:
            more = len(errors) - 1
            self.save_status.setText(f"Not ready to save: {errors[0].message}"
                                     + (f" (and {more} more)" if more else ""))
            self.save_status.setProperty("state", "blocked")
        else:
            self.save_status.setText(self.ready_text())
            self.save_status.setProperty("state", "ready")
        repolish(self.save_status)
        self.save_button.setEnabled(not errors and not self._saving)
        self.save_button.setToolTip("" if not errors else "Fix the problems shown in the form first:\n"
                                    + "\n".join(f"• {e.message}" for e in errors))
        self.after_check(errors)

    def extra_errors(self) -> list[FieldError]:
        return []

    def after_check(self, errors: list[FieldError]) -> None:
        pass

    def ready_text(self) -> str:
        return ("Ready to save your correction. Press Ctrl+S." if self.amending
                else "Ready to save. Press Ctrl+S.")

    def p14_warnings(self) -> dict[str, str]:
        out = {}
        for name in self.TEXT_FIELDS:
            w = self.focus_target(name)
            text = w.toPlainText() if isinstance(w, QPlainTextEdit) else (
                w.text() if isinstance(w, QLineEdit) else "")
            msg = p14_message(text)
            if msg:
                out[name] = msg
        return out

    def errors_shown(self) -> dict[str, str]:
        return {n: r.error.text() for n, r in self.form.rows.items() if r.error.text()}

    def row(self, name: str) -> FieldRow:
        return self.form.rows[name]

    @property
    def dirty(self) -> bool:
        return asdict(self.draft()) != self._initial

    # saving -----------------------------------------------------------------
    def save(self) -> None:
        if self._saving:
            return
        if self._errors:
            self._reveal_all = True
            self.show_errors([e for e in self._errors if e not in self.extra_errors()])
            self.focus_first_error()
            return
        draft = self.draft()
        if self.FIND_DUPLICATES and not self.amending and not self._duplicates_seen:
            from safetydesk.services import duplicates
            self._saving = True
            self.save_status.setText("Looking for records that may be the same…")
            self.ctx.worker.read(duplicates.find_duplicates, draft, done=self._duplicates_found,
                                 error=self._save_failed, owner=self)
            return
        self._write(draft)

    def _duplicates_found(self, rows: list[dict[str, Any]]) -> None:
        self._saving = False
        self._duplicates_seen = True
        if not rows:
            self._write(self.draft())
            return
        self.duplicates_text.setText(
            f"<b>This may already be recorded.</b> {formatting.count(len(rows), 'record')} at this "
            "school name the same student within two hours. Open the existing one to add to it, or "
            "save anyway if this is a different event.")
        self.duplicates_list.setRowCount(0)
        for r, row in enumerate(rows):
            self.duplicates_list.insertRow(r)
            item = QTableWidgetItem(self.describe_duplicate(row))
            item.setData(Qt.ItemDataRole.UserRole, row["id"])
            self.duplicates_list.setItem(r, 0, item)
        self.duplicates_list.setCurrentCell(0, 0)
        self.duplicates_box.show()
        self.scroll.ensureWidgetVisible(self.duplicates_box)
        self.save_status.setText("Not saved yet: check the possible duplicates at the top.")
        self.save_anyway.setFocus()

    def _save_anyway(self) -> None:
        self.duplicates_box.hide()
        self._duplicates_seen = True
        self._write(self.draft())

    def _open_existing(self) -> None:
        item = self.duplicates_list.currentItem() or self.duplicates_list.item(0, 0)
        if item is None:
            return
        self.open_existing(str(item.data(Qt.ItemDataRole.UserRole)))
        self.reject()

    def _write(self, draft: Any) -> None:
        worker = self.ctx.worker
        if self.amending:
            reason = prompts.ask_text(
                self, "Reason for the correction",
                f"Why is this {self.NOUN} being corrected? The reason is kept with the record's history.",
                ok="Save correction", placeholder="For example: wrong date entered.")
            if reason is None:
                return
            self._saving = True
            worker.write(save_and_forget_draft, self.draft_key, self.amend_service(),
                         *self.amend_args(draft, reason), done=self._saved,
                         error=self._save_failed, owner=self, label=f"Saving the {self.NOUN}")
        else:
            self._saving = True
            worker.write(save_and_forget_draft, self.draft_key, self.log_service(),
                         *self.log_args(draft), done=self._saved,
                         error=self._save_failed, owner=self, label=f"Saving the {self.NOUN}")
        self.save_button.setEnabled(False)
        self.save_status.setText("Saving…")

    def _saved(self, result: Any) -> None:
        self._saving = False
        record_id = self.record_id or str(result)
        self._finished = True
        self.saved.emit(record_id)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(not self._errors)
        if isinstance(exc, ImmigrationDataWarning):
            self.save_status.setText("Not saved: remove the sentence shown.")
            prompts.error(self, "Remove immigration or birthplace information", exc.message)
            for path in exc.fields:
                widget = self.text_widget(path)
                if widget is not None:
                    select_sentence(widget, exc.findings[path][0].sentence)
                    break
            return
        if isinstance(exc, ValidationFailed):
            self._reveal_all = True
            self.show_errors([e if isinstance(e, FieldError) else FieldError("", str(e))
                              for e in exc.errors])
            self.focus_first_error()
            return
        self.save_status.setText(prompts.explain(exc))
        prompts.show_failure(self, exc, f"The {self.NOUN} was not saved")

    def focus_first_error(self) -> None:
        for name in self.FIELDS:
            row = self.form.rows.get(name)
            if row is not None and row.error.text():
                target = self.focus_target(name) or row.control
                self.scroll.ensureWidgetVisible(row.control)
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    # closing ----------------------------------------------------------------
    def keep_draft(self) -> bool:
        if self._finished or not self.ctx.signed_in or not self.dirty:
            return False
        data = {"mode": "amend" if self.amending else "new", "draft": self.draft().to_state(),
                "labels": self.draft_labels(), "version": self.expected_version,
                "initial": self._initial}
        self.ctx.worker.write(admin.save_draft, self.draft_key, self.FORM, self.record_id, data,
                              done=lambda _: self.ctx.draft_kept.emit())
        self._finished = True
        return True

    def reject(self) -> None:
        self.keep_draft()
        self._finished = True
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.keep_draft()
        super().closeEvent(event)


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
        self.ctx.worker.write(save_and_forget_draft, self.draft_key if self.form_name else "", fn,
                              *args, done=self._saved, error=self._save_failed, owner=self,
                              label="Saving")

    def _saved(self, result: Any) -> None:
        self._saving = False
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
        ctx = self.ctx
        ctx.worker.write(admin.save_draft, self.draft_key, self.form_name, self.record_id,
                         self.draft_data(), done=lambda _: ctx.draft_kept.emit())
        self._finished = True
        return True

    def reject(self) -> None:
        self.keep_draft()
        self._finished = True
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.keep_draft()
        super().closeEvent(event)
