"""Settings, "Letter templates": a district administrator rewords and approves the response
letter and the family copy in each language.

Pick a template and a language; each sentence is a row with the placeholders it may use and
the English beside it; the wording is checked as it is typed (a placeholder the letter does
not fill in, or one the English sentence has and the wording leaves out, is refused with a
sentence); "Preview…" prints fictional sample content with the wording to a PDF; "Save
wording…" keeps it (with a reason) as a district-wide record that reaches every workstation;
"Approve…" marks the language reviewed, so its prints no longer say "draft translation".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.validation import FieldError
from safetydesk.reports import templates as tpl
from safetydesk.services import templates as templates_service
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.widgets import button, hint_label

COLUMNS = ("Sentence", "Placeholders", "English", "Wording")
WORDING = 3
ERROR_BACKGROUND = QColor("#fde8e8")


class TemplatesTab(QWidget):
    """The template editor (district administrators only: the services refuse anyone else)."""

    loaded = Signal()
    saved = Signal()
    preview_written = Signal(str)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("letterTemplatesTab")
        self.data: dict[str, Any] = {}
        self.keys: list[str] = []
        self.errors: list[FieldError] = []
        self._filling = False
        self.template = QComboBox()
        self.template.setObjectName("templateName")
        self.template.setAccessibleName("Template")
        for name, title in tpl.NAMES.items():
            self.template.addItem(title, name)
        self.language = QComboBox()
        self.language.setObjectName("templateLanguage")
        self.language.setAccessibleName("Language")
        for code in tpl.shipped("response_letter"):
            self.language.addItem(tpl.template("response_letter", code).language, code)
        self.standing = hint_label("", "templateStanding")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("templateSentences")
        self.table.setAccessibleName("Sentences of the template")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.problems = QLabel()
        self.problems.setObjectName("templateErrors")
        self.problems.setProperty("role", "fieldError")
        self.problems.setWordWrap(True)
        self.problems.hide()
        self.status = hint_label("", "templateStatus")
        self.preview_button = button("Preview…", "previewTemplate", "Print sample content with this wording")
        self.revert_button = button("Undo my changes", "revertTemplate", "Undo unsaved changes to the wording")
        self.save_button = button("Save wording…", "saveTemplate", "Save the wording of this template",
                                  primary=True)
        self.approve_button = button("Approve…", "approveTemplate",
                                     "Mark this language's template reviewed and approved")
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Template"))
        pick.addWidget(self.template)
        pick.addSpacing(12)
        pick.addWidget(QLabel("Language"))
        pick.addWidget(self.language)
        pick.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        for b in (self.preview_button, self.revert_button, self.save_button, self.approve_button):
            row.addWidget(b)
        v = QVBoxLayout(self)
        v.setContentsMargins(16, 14, 16, 14)
        v.addWidget(hint_label(
            "The wording of the response letter and the family copy in each language. Keep every "
            "{placeholder} the English sentence has: it is filled in from the record. The shipped "
            "translations are drafts until a district administrator approves them; until then their "
            "prints say so."))
        v.addLayout(pick)
        v.addWidget(self.standing)
        v.addWidget(self.table, 1)
        v.addWidget(self.problems)
        v.addLayout(row)
        self.template.currentIndexChanged.connect(lambda _: self.refresh())
        self.language.currentIndexChanged.connect(lambda _: self.refresh())
        self.table.itemChanged.connect(self._edited)
        self.preview_button.clicked.connect(self.preview)
        self.revert_button.clicked.connect(lambda: self._fill(self.data))
        self.save_button.clicked.connect(self.save)
        self.approve_button.clicked.connect(self.approve)
        ctx.worker.records_changed.connect(
            lambda changes: self.refresh() if changes.touches(templates_service.TEMPLATE_RECORD_TYPE) else None)
        self.refresh()

    # ------------------------------------------------------------------ what is shown
    @property
    def name(self) -> str:
        return str(self.template.currentData())

    @property
    def code(self) -> str:
        return str(self.language.currentData())

    def choose(self, name: str, code: str) -> None:
        self.template.setCurrentIndex(self.template.findData(name))
        self.language.setCurrentIndex(self.language.findData(code))

    def refresh(self) -> None:
        if self.ctx.signed_in:
            self.ctx.worker.read(templates_service.template_for_editing, self.name, self.code, done=self._loaded,
                                 error=self._failed, owner=self, key=f"templates:{id(self)}")

    def _loaded(self, data: dict[str, Any]) -> None:
        if (data["name"], data["language"]) != (self.name, self.code):
            return  # the person chose another template meanwhile
        self.data = data
        self._fill(data)
        self.loaded.emit()

    def _fill(self, data: dict[str, Any]) -> None:
        if not data:
            return
        self._filling = True
        try:
            self.keys = list(data["english"])
            self.table.setRowCount(len(self.keys))
            for r, key in enumerate(self.keys):
                section, _, sentence = key.partition(".")
                cells = (sentence if section == "text" else f"{section}: {sentence}",
                         " ".join("{" + p + "}" for p in data["placeholders"].get(key, [])),
                         data["english"][key], data["sentences"].get(key, ""))
                for c, value in enumerate(cells):
                    item = QTableWidgetItem(value)
                    if c != WORDING:
                        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    self.table.setItem(r, c, item)
            self.table.resizeRowsToContents()
        finally:
            self._filling = False
        self.standing.setText(f"{data['language_name']}, {tpl.NAMES[data['name']].lower()}: {data['standing']}")
        self._check()
        self.status.setText("")

    # ------------------------------------------------------------------ editing
    def set_sentence(self, key: str, text: str) -> None:
        """Type ``text`` as the wording of sentence ``key`` (tests and the keyboard alike)."""
        item = self.table.item(self.keys.index(key), WORDING)
        if item is not None:
            item.setText(text)

    def sentences(self) -> dict[str, str]:
        out = {}
        for r, key in enumerate(self.keys):
            item = self.table.item(r, WORDING)
            out[key] = item.text() if item is not None else ""
        return out

    def changed(self) -> bool:
        return bool(self.data) and self.sentences() != self.data["sentences"]

    def _edited(self, item: QTableWidgetItem) -> None:
        if not self._filling and item.column() == WORDING:
            self._check()

    def _check(self) -> None:
        self.errors = tpl.check_sentences(self.name, self.code, self.sentences()) if self.keys else []
        self._show(self.errors)

    def _show(self, errors: list[FieldError]) -> None:
        bad = {e.field for e in errors}
        self._filling = True
        try:
            for r, key in enumerate(self.keys):
                item = self.table.item(r, WORDING)
                if item is not None:
                    item.setBackground(ERROR_BACKGROUND if key in bad else QColor(Qt.GlobalColor.transparent))
                    item.setToolTip("\n".join(e.message for e in errors if e.field == key))
        finally:
            self._filling = False
        self.problems.setText("\n".join(e.message for e in errors))
        self.problems.setVisible(bool(errors))
        edited = self.changed()
        self.save_button.setEnabled(edited and not errors)
        self.revert_button.setEnabled(edited)
        self.preview_button.setEnabled(not errors)
        self.approve_button.setEnabled(not errors and bool(self.data) and not edited
                                       and not self.data.get("approved"))

    # ------------------------------------------------------------------ actions
    def preview(self) -> None:
        if self.errors:
            self.status.setText("No preview: correct the sentences marked in red.")
            return
        target = prompts.choose_save_file(self, "Save the preview", f"preview-{self.name}-{self.code}.pdf",
                                          "PDF (*.pdf)")
        if not target:
            return
        self.ctx.worker.read(templates_service.preview_template, self.name, self.code, self.sentences(),
                             owner=self, done=lambda pdf: self._previewed(target, pdf), error=self._failed,
                             label="Printing a preview")

    def _previewed(self, target: str, pdf: bytes) -> None:
        Path(target).write_bytes(pdf)
        self.status.setText("Preview saved: sample content, not a real letter.")
        self.preview_written.emit(target)
        if prompts.confirm(self, "Preview saved", f"The preview was saved to:\n{target}\n\nOpen it now?",
                           yes="Open", no="Not now"):
            prompts.open_file_outside(target)

    def save(self) -> None:
        self._check()
        if self.errors:
            self.status.setText("Not saved: correct the sentences marked in red.")
            return
        if not self.changed():
            self.status.setText("Nothing has changed.")
            return
        reason = prompts.ask_text(self, "Reason for the change", "Why is the wording changing? The reason is "
                                  "kept with the change.", ok="Save wording",
                                  placeholder="For example: reviewed by the district's interpreter")
        if reason is None:
            return
        self.ctx.worker.write(templates_service.save_template, self.name, self.code, self.sentences(), reason,
                              self.data.get("version"), owner=self, done=self._saved, error=self._failed,
                              label="Saving the wording")

    def _saved(self, changed: list[str]) -> None:
        self.status.setText(f"Saved ({len(changed)} sentence{'s' if len(changed) != 1 else ''} changed). "
                            "Approve it when it has been reviewed.")
        self.saved.emit()
        self.refresh()

    def approve(self) -> None:
        if self.changed():
            self.status.setText("Save the wording before approving it.")
            return
        language = self.data.get("language_name", self.code)
        if not prompts.confirm(self, "Approve the template",
                               f"Approve the {language} {tpl.NAMES[self.name].lower()} as reviewed? Its prints "
                               "will no longer say “draft translation”.", yes="Approve", no="Cancel"):
            return
        self.ctx.worker.write(templates_service.approve_template, self.name, self.code, owner=self,
                              done=lambda _: self._approved(), error=self._failed, label="Approving the template")

    def _approved(self) -> None:
        self.status.setText("Approved: its prints no longer carry the draft mark.")
        self.saved.emit()
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationFailed):
            self._show(list(exc.errors))
            self.status.setText(exc.message)
        else:
            prompts.show_failure(self, exc, "Letter templates")
