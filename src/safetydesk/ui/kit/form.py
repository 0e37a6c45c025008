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
from typing import Any, ClassVar

from PySide6.QtCore import (
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.ids import new_id
from safetydesk.domain.immigration_guard import ImmigrationDataWarning, find_immigration_text
from safetydesk.domain.validation import FieldError
from safetydesk.services import admin, duplicates, undo
from safetydesk.ui.kit import after_save, formatting, geometry, prompts, wheel
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.layout import FieldRow, FormBuilder
from safetydesk.ui.kit.when import WhenField
from safetydesk.ui.kit.widgets import button, fit_to_screen, hint, repolish, title_label

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


# ---------------------------------------------------------------------- the one form base
class RecordForm(QDialog):
    """The form of every record kind: log one, or amend one with a reason.

    A kind's form sets the class attributes below and writes ``build(form)`` (its fields, with
    the layout helper), ``load(draft)`` and ``draft()``. It names its services with
    ``check_service`` (or ``check_call`` / ``local_check``), ``log_service`` and
    ``amend_service`` (or ``save_call`` where the call is special). Everything else is here and
    the same for every kind: live validation with the rule beside its field, the live P14 warning
    on every free-text field with the offending sentence selected when a save is refused, the
    duplicate check, drafts kept on close, the amendment reason, the version the form was opened
    on passed to the amendment (the service refuses to save over someone else's later change),
    and Save disabled while the form has a problem and re-enabled the same way after a failed
    save.

    A kind without a draft class (``DRAFT_CLASS`` None) fills its fields after this constructor
    and then calls ``start()``.
    """

    FORM = ""  # drafts are kept under this form name; "" keeps none
    NOUN = "record"
    TITLE_NEW = ""
    TITLE_AMEND = ""
    INTRO = ""
    INTRO_AMEND = ("Change what was recorded wrongly. The record before and after your correction, "
                   "and your reason, are kept in its history.")
    SAVE_TEXT = "Save"
    OBJECT_NAME = ""
    SIZE = (760, 820)
    FIELDS: tuple[str, ...] = ()  # display order, for focusing the first problem
    TEXT_FIELDS: tuple[str, ...] | None = None  # checked live for P14; None: every text field
    ALIASES: ClassVar[dict[str, str]] = {}  # a rule's field -> the row that shows it
    DRAFT_CLASS: Any = None
    FIND_DUPLICATES = False
    REASON_TITLE = "Reason for the correction"
    REASON_EXAMPLE = "For example: wrong date entered."

    saved = Signal(object)  # the record's id (or what the save returned, e.g. a complaint's receipt)

    def __init__(self, ctx: UiContext, *, record: dict[str, Any] | None = None,
                 draft_entry: dict[str, Any] | None = None, prefill: Any = None,
                 labels: dict[str, str] | None = None, parent: QWidget | None = None,
                 record_id: str = "", amending: bool | None = None) -> None:
        super().__init__(parent)
        wheel.install()  # no value changes on a wheel turn over a control not clicked into
        self.ctx = ctx
        self.record_id = record_id
        self.expected_version: int | None = None
        self.labels: dict[str, str] = dict(labels or {})
        self.track_key = ""
        self.draft_key = ""
        self._initial_state: dict[str, Any] | None = None
        start = self._opening(record, draft_entry, prefill) if self.DRAFT_CLASS is not None else None
        self.amending = bool(self.record_id) if amending is None else amending
        self._base: Any = start
        self.setObjectName(self.OBJECT_NAME or f"{self.FORM or 'record'}Form")
        self.setWindowTitle(self.title_text())
        self._touched: set[str] = set()
        self._reveal_all = False
        self._errors: list[FieldError] = []
        self._saving = False
        self._finished = False
        self._duplicates_seen = False
        self._initial: Any = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self._build_frame()
        ctx.lookups_changed.connect(self.lookups_arrived)
        if start is not None:
            self.load(start)
            self.start()

    def _opening(self, record: dict[str, Any] | None, draft_entry: dict[str, Any] | None,
                 prefill: Any) -> Any:
        """Who this form is for (new, amending ``record``, or a kept draft); the first values."""
        if draft_entry is not None:
            data = draft_entry["data"]
            self.draft_key = draft_entry["key"]
            self.record_id = draft_entry.get("record_id") or ""
            self.expected_version = data.get("version")
            self.labels = dict(data.get("labels", {}))
            self._initial_state = data.get("initial")
            return self.DRAFT_CLASS.from_state(data.get("draft", {}))
        if record is not None:
            self.record_id = record["id"]
            self.expected_version = record.get("version")
            self.draft_key = f"{self.FORM}:amend:{self.record_id}"
            self.labels = self.labels_of(record)
            return record["draft"]
        self.draft_key = f"{self.FORM}:new:{new_id()}"
        return prefill if prefill is not None else self.new_draft()

    def start(self) -> None:
        """The fields hold their first values: remember them, watch them, focus, check."""
        if self._initial_state and self.DRAFT_CLASS is not None:
            self._initial = asdict(self.DRAFT_CLASS.from_state(self._initial_state))
        else:
            self._initial = self._snapshot()
        self.connect_fields()
        first = self.focus_target(self.FIELDS[0]) if self.FIELDS else None
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.check()

    # hooks ---------------------------------------------------------------
    def title_text(self) -> str:
        return self.TITLE_AMEND if self.amending else self.TITLE_NEW

    def intro_text(self) -> str:
        return self.INTRO_AMEND if self.amending else self.INTRO

    def save_text(self) -> str:
        return "Save correction…" if self.amending else self.SAVE_TEXT

    def new_draft(self) -> Any:
        return self.DRAFT_CLASS()

    def labels_of(self, record: dict[str, Any]) -> dict[str, str]:
        return {}

    def build(self, form: FormBuilder) -> None:
        raise NotImplementedError

    def banner(self) -> QWidget | None:
        """A kind's own notice shown above the fields (the interaction's compliance flags)."""
        return None

    def load(self, d: Any) -> None:
        raise NotImplementedError

    def draft(self) -> Any:
        raise NotImplementedError

    def connect_fields(self) -> None:
        """Connect each control's change signal to ``self.changed(field)`` (every row's, here)."""
        for name, row in self.form.rows.items():
            self._watch(row.control, name)

    def lookups_arrived(self) -> None:
        pass

    def on_change(self, name: str) -> None:
        """A field changed (before the check): show or hide what depends on it."""

    def check_service(self) -> Callable[..., list[FieldError]] | None:
        return None

    def check_call(self) -> tuple[Any, ...] | None:
        service = self.check_service()
        return (service, self.draft()) if service is not None else None

    def local_check(self, draft: Any) -> list[FieldError]:
        return []

    def can_save(self) -> bool:
        """Whether this account may save at all (Save stays disabled otherwise)."""
        return True

    def confirm_save(self, draft: Any) -> bool:
        """A last question before saving (the interaction's red compliance flags)."""
        return True

    def log_service(self) -> Callable[..., Any]:
        raise NotImplementedError

    def amend_service(self) -> Callable[..., Any]:
        raise NotImplementedError

    def log_args(self, draft: Any) -> tuple[Any, ...]:
        return (draft,)

    def amend_args(self, draft: Any, reason: str) -> tuple[Any, ...]:
        # The version this form was opened on: the service refuses a copy someone changed since.
        return (self.record_id, draft, reason, self.expected_version)

    def save_call(self, draft: Any, reason: str | None) -> tuple[Any, ...] | None:
        """The service call that saves: ``(fn, *args)``; ``reason`` is given when amending."""
        if self.amending:
            return (self.amend_service(), *self.amend_args(draft, reason or ""))
        return (self.log_service(), *self.log_args(draft))

    def reason_question(self) -> str:
        return f"Why is this {self.NOUN} being corrected? The reason is kept with the record's history."

    def after_save(self, result: Any) -> None:
        """Tell the person what happened, where a kind has more to say (a confirmation number)."""

    def text_widget(self, path: str) -> QWidget | None:
        """The text control holding a field (for P14 warnings), by the field's path."""
        row = self.form.rows.get(path.split(".")[0].split("[")[0])
        return row.control if row is not None else None

    def focus_target(self, name: str) -> QWidget | None:
        row = self.form.rows.get(name)
        return row.control if row is not None else None

    def draft_labels(self) -> dict[str, str]:
        return {}

    def draft_data(self) -> dict[str, Any]:
        return {"mode": "amend" if self.amending else "new", "draft": self.draft().to_state(),
                "labels": self.draft_labels(), "version": self.expected_version,
                "initial": self._initial}

    def describe_duplicate(self, row: dict[str, Any]) -> str:
        return str(row.get("id"))

    def open_existing(self, record_id: str) -> None:
        pass

    # building -----------------------------------------------------------
    def _build_frame(self) -> None:
        self.resize(*self.SIZE)
        form = FormBuilder()
        self.form = form
        title = title_label(self.windowTitle(), "formTitle")
        self.intro = hint(self.intro_text(), "formIntro")
        self.other_errors = QLabel()
        self.other_errors.setObjectName("otherErrors")
        self.other_errors.setProperty("role", "fieldError")
        self.other_errors.setWordWrap(True)
        self.other_errors.hide()
        self.duplicates_box = self._duplicates_panel()
        body = QWidget()
        bv = QVBoxLayout(body)
        self.body_layout = bv
        bv.setContentsMargins(24, 18, 24, 18)
        bv.setSpacing(10)
        bv.addWidget(title)
        bv.addWidget(self.intro)
        bv.addWidget(self.duplicates_box)
        bv.addWidget(self.other_errors)
        self.build(form)
        extra = self.banner()
        if extra is not None:
            bv.addWidget(extra)
        bv.addWidget(form.widget)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(body)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field

        self.save_status = QLabel()
        self.save_status.setObjectName("saveStatus")
        self.save_status.setWordWrap(True)
        self.save_status.setProperty("role", "hint")
        self.cancel_button = button(
            "Close", "cancelButton",
            "Close the form" + (" (unsaved input is kept as a draft)" if self.FORM else ""),
            tip="Esc" + (". Anything not yet saved is kept as a draft." if self.FORM else ""))
        text = self.save_text()
        self.save_button = button(text, "saveButton", f"{text.rstrip('…')} (Ctrl+S)", primary=True)
        self.save_button.setEnabled(False)  # until the first check finds nothing to fix
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
        outer.addWidget(self.scroll_area, 1)
        outer.addWidget(footer)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save)
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
        self.duplicates_list = QListWidget()
        self.duplicates_list.setObjectName("duplicatesList")
        self.duplicates_list.setAccessibleName(f"Records that may be the same as this {self.NOUN}")
        self.duplicates_list.setMaximumHeight(120)
        self.save_anyway, self.open_existing_button, row = duplicate_choice_buttons(self.NOUN)
        v.addWidget(self.duplicates_text)
        v.addWidget(self.duplicates_list)
        v.addLayout(row)
        box.hide()
        self.save_anyway.clicked.connect(self._save_anyway)
        self.open_existing_button.clicked.connect(self._open_existing)
        self.duplicates_list.itemActivated.connect(lambda _: self._open_existing())
        return box

    def section(self, form: FormBuilder, title: str) -> QLabel:
        return form.add_section(title)

    def _watch(self, w: QWidget, name: str) -> None:
        hook = lambda *_: self.changed(name)  # noqa: E731
        for signal in ("textChanged", "currentIndexChanged", "toggled", "changed", "valueChanged",
                       "dateChanged", "dateTimeChanged"):
            sig = getattr(w, signal, None)
            if sig is not None and hasattr(sig, "connect"):
                with contextlib.suppress(RuntimeError, TypeError):
                    sig.connect(hook)

    # validation -----------------------------------------------------------
    def changed(self, name: str) -> None:
        self._touched.add(name)
        if self.duplicates_box.isVisible():
            self.duplicates_box.hide()
        self._duplicates_seen = False
        self.on_change(name)
        self._timer.start()

    def check(self) -> None:
        self._timer.stop()
        if not self.ctx.signed_in:
            return
        call = self.check_call()
        if call is None:
            self.show_errors(self.local_check(self.draft()))
            return
        fn, *args = call
        self.ctx.worker.read(fn, *args, done=self.show_errors, key=f"check:{id(self)}", owner=self)

    def visible_row(self, name: str) -> bool:
        row = self.form.rows.get(name)
        return row is not None and not row.control.isHidden()

    def _row_of(self, field: str) -> str:
        name = self.ALIASES.get(field, field)
        if name not in self.form.rows:
            name = name.split(".")[0].split("[")[0]
        return name if self.visible_row(name) else ""

    def show_errors(self, errors: list[FieldError]) -> None:
        errors = list(errors) + self.extra_errors()
        self._errors = errors
        by_field: dict[str, list[str]] = {}
        for e in errors:
            by_field.setdefault(self._row_of(e.field), []).append(e.message)
        warnings = self.p14_warnings()
        for name, row in self.form.rows.items():
            shown = self._reveal_all or name in self._touched
            text = " ".join(by_field.get(name, [])) if shown else ""
            if warnings.get(name):
                text = (text + " " + warnings[name]).strip()
            row.set_error(text if self.visible_row(name) else "")
        # Rules about what the form does not show (yet) are still explained, at the top.
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
        self._enable_save()
        self.save_button.setToolTip("" if not errors else "Fix the problems shown in the form first:\n"
                                    + "\n".join(f"• {e.message}" for e in errors))
        self.after_check(errors)

    def _enable_save(self) -> None:
        """The one rule for Save: enabled when the form has no problem, no save is on its way,
        and the account may save."""
        self.save_button.setEnabled(not self._errors and not self._saving and self.can_save())

    def extra_errors(self) -> list[FieldError]:
        """Rules the form checks itself: every date-time field's reason (not understood, in the
        future, before the time it must follow) refuses the save, with that sentence."""
        return [FieldError(self._when_row(w), w.problem()) for w in self.findChildren(WhenField)
                if w.isVisibleTo(self) and w.problem()]

    def _when_row(self, field: WhenField) -> str:
        for name, row in self.form.rows.items():
            if row.control is field:
                return name
        return field.objectName() or "when"

    def after_check(self, errors: list[FieldError]) -> None:
        pass

    def ready_text(self) -> str:
        return ("Ready to save your correction. Press Ctrl+S." if self.amending
                else "Ready to save. Press Ctrl+S.")

    def p14_warnings(self) -> dict[str, str]:
        """Field -> the live warning for text that appears to record immigration data (P14)."""
        names = self.TEXT_FIELDS if self.TEXT_FIELDS is not None else tuple(self.form.rows)
        out = {}
        for name in names:
            if not self.visible_row(name):
                continue
            msg = p14_message(text_of(self.focus_target(name)))
            if msg:
                out[name] = msg
        return out

    def errors_shown(self) -> dict[str, str]:
        """Field name -> the message shown beside it (for tests and accessibility checks)."""
        return {n: r.error.text() for n, r in self.form.rows.items() if r.error.text()}

    def row(self, name: str) -> FieldRow:
        return self.form.rows[name]

    def _snapshot(self) -> Any:
        try:
            return asdict(self.draft())
        except TypeError:
            return self.draft()

    @property
    def dirty(self) -> bool:
        return bool(self._snapshot() != self._initial)

    # saving -----------------------------------------------------------------
    def save(self) -> None:
        if self._saving:
            return
        if self._errors:
            self._reveal_all = True
            self.show_errors([e for e in self._errors if e not in self.extra_errors()])
            self.focus_first_error()
            self.check()  # the input may have changed since the last check
            return
        draft = self.draft()
        if self.FIND_DUPLICATES and not self.amending and not self._duplicates_seen:
            self._saving = True
            self.save_status.setText(f"Looking for {self.NOUN}s that may be the same…")
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
            f"<b>This may already be recorded.</b> {formatting.count(len(rows), self.NOUN)} at "
            "this school name the same student within two hours. Open the existing one to add to "
            "it, or save anyway if this is a different event.")
        self.duplicates_list.clear()
        for row in rows:
            item = QListWidgetItem(self.describe_duplicate(row))
            item.setData(Qt.ItemDataRole.UserRole, row["id"])
            self.duplicates_list.addItem(item)
        self.duplicates_list.setCurrentRow(0)
        self.duplicates_box.show()
        self.scroll_area.ensureWidgetVisible(self.duplicates_box)
        self.save_status.setText("Not saved yet: check the possible duplicates at the top.")
        self.save_anyway.setFocus()

    def _save_anyway(self) -> None:
        self.duplicates_box.hide()
        self._duplicates_seen = True
        self._write(self.draft())

    def _open_existing(self) -> None:
        item = self.duplicates_list.currentItem() or self.duplicates_list.item(0)
        if item is None:
            return
        record_id = str(item.data(Qt.ItemDataRole.UserRole))
        self.reject()  # what was typed is kept as a draft
        self.open_existing(record_id)

    def _write(self, draft: Any) -> None:
        if not self.confirm_save(draft):
            return
        reason: str | None = None
        if self.amending:
            reason = prompts.ask_text(self, self.REASON_TITLE, self.reason_question(),
                                      ok="Save correction", placeholder=self.REASON_EXAMPLE)
            if reason is None:
                return
        call = self.save_call(draft, reason)
        if call is None:
            return
        fn, *args = call
        self._saving = True
        self._saved_draft = draft
        self.save_button.setEnabled(False)
        self.save_status.setText("Saving…")
        # One job: the save and the kept draft dropped, so one notice and one refresh.
        self.ctx.worker.write(save_and_forget_draft, self.draft_key if self.FORM else "", fn,
                              *args, done=self._saved, error=self._save_failed, owner=self,
                              label=f"Saving the {self.NOUN}")

    def _saved(self, result: Any) -> None:
        self._saving = False
        self._finished = True
        self.saved.emit(self.record_id if self.amending else result)
        self.after_save(result)
        self.offer_after_save(result)
        self.accept()

    def offer_after_save(self, result: Any) -> None:
        """The link to the record just saved and, for a new one, Undo for a short time (in the
        main window's status bar; see ``after_save``)."""
        draft = getattr(self, "_saved_draft", None)
        try:
            record_type = undo.record_type_created_by(self.log_service(), draft)
        except NotImplementedError:
            return
        record_id = self.record_id if self.amending else (
            result if isinstance(result, str) else str(getattr(result, "id", "") or ""))
        if record_type and record_id:
            self.after_save_bar = after_save.offer_after_save(
                self, record_type, record_id, school_id=getattr(draft, "school_id", None) or None,
                amended=self.amending)

    def _save_failed(self, exc: BaseException) -> None:
        self._saving = False
        if isinstance(exc, ImmigrationDataWarning):
            self._enable_save()
            self.save_status.setText("Not saved: remove the sentence shown.")
            prompts.error(self, "Remove immigration or birthplace information", exc.message)
            for path in exc.fields:
                widget = self.text_widget(path)
                if widget is not None:
                    self.scroll_area.ensureWidgetVisible(widget)
                    select_sentence(widget, exc.findings[path][0].sentence)
                    break
            return
        if isinstance(exc, ValidationFailed):
            self._reveal_all = True
            self.show_errors([e if isinstance(e, FieldError) else FieldError("", str(e))
                              for e in exc.errors])
            self.focus_first_error()
            return
        self._enable_save()
        self.save_status.setText(prompts.explain(exc))
        prompts.show_failure(self, exc, f"The {self.NOUN} was not saved")

    def focus_first_error(self) -> None:
        for name in self.FIELDS or tuple(self.form.rows):
            row = self.form.rows.get(name)
            if row is not None and row.error.text():
                target = self.focus_target(name) or row.control
                self.scroll_area.ensureWidgetVisible(row.control)
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    # closing ----------------------------------------------------------------
    def keep_draft(self) -> bool:
        """Keep what was typed as a draft, if anything was. True when a draft was kept."""
        if not self.FORM or self._finished or not self.ctx.signed_in or not self.dirty:
            return False
        ctx = self.ctx
        ctx.worker.write(admin.save_draft, self.draft_key, self.FORM, self.record_id,
                         self.draft_data(), done=lambda _: ctx.draft_kept.emit())
        self._finished = True
        return True

    def reject(self) -> None:
        self.keep_draft()
        self._finished = True
        super().reject()

    def showEvent(self, event: QShowEvent) -> None:
        if not event.spontaneous() and not getattr(self, "_placed", False):
            self._placed = True
            if not geometry.restore(self.ctx, self, self.objectName()):
                fit_to_screen(self)
        super().showEvent(event)

    def done(self, result: int) -> None:
        geometry.remember(self.ctx, self, self.objectName())  # this person's size and place
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        geometry.remember(self.ctx, self, self.objectName())
        self.keep_draft()
        super().closeEvent(event)


def text_of(widget: QWidget | None) -> str:
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QLineEdit):
        return widget.text()
    return ""
