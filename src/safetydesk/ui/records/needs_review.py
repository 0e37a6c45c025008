"""The "Needs review" section: what merging the workstations' histories left for a person.

Lists open conflicts (every workstation shows the same winner; a principal or
district administrator keeps it or chooses the other side), accounts that share
a user name, and entries received but held. Listed in `ui.app.sections.SECTIONS`.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from safetydesk.services import review
from safetydesk.ui.kit import formatting


def _value(v: Any) -> str:
    if v is None or v == "":
        return "(empty)"
    return v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def _field_label(record_type: str, field: str) -> str:
    """The name a person knows a field by: the label its record's detail view uses, else the
    field's name as words ("last_name": "Last name")."""
    # Imported here: the detail views are built only when a record is opened (start-up stays lean).
    from safetydesk.ui.records import agreements, complaints
    from safetydesk.ui.records.interactions import detail

    labels = {"interaction": detail.FIELD_LABELS, "complaint": complaints.FIELD_LABELS,
              "agreement": agreements.FIELD_LABELS}.get(record_type, {})
    return labels.get(field) or field.replace("_", " ").capitalize()


def _side_html(title: str, side: dict[str, Any], record_type: str) -> str:
    rows = "".join(f"<li><b>{_field_label(record_type, k)}</b>: {_value(v)}</li>"
                   for k, v in side.get("values", {}).items())
    return (f"<p><b>{title}</b> — {side.get('who') or 'unknown'}, {formatting.wall_time(side.get('when') or '')}"
            f"{' (workflow step)' if side.get('action') == 'step' else ''}</p><ul>{rows or '<li>no values</li>'}</ul>")


class NeedsReviewPage(QWidget):
    def __init__(self, ctx: Any, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[dict[str, Any]] = []
        self.setObjectName("needsReviewPage")
        heading = QLabel("Needs review")
        heading.setProperty("role", "pageTitle")
        hint = QLabel("Changes made at the same time on two workstations that disagree. Every workstation "
                      "shows the same choice until someone confirms it or keeps the other side.")
        hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("needsReviewList")
        self.list.setAccessibleName("Items that need review")
        self.detail = QTextBrowser()
        self.detail.setObjectName("needsReviewDetail")
        self.detail.setAccessibleName("Both versions of the item")
        self.keep_shown = QPushButton("Keep what is shown")
        self.keep_shown.setObjectName("keepShown")
        self.keep_shown.setAccessibleName("Keep what is shown")
        self.keep_other = QPushButton("Keep the other version")
        self.keep_other.setObjectName("keepOther")
        self.keep_other.setAccessibleName("Keep the other version")
        self.status = QLabel("")
        self.status.setObjectName("needsReviewStatus")
        self.status.setAccessibleName("Review status")
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_shown)
        buttons.addWidget(self.keep_other)
        buttons.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.list, 2)
        body.addWidget(self.detail, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.list.currentRowChanged.connect(self._show)
        self.keep_shown.clicked.connect(lambda: self._resolve("winner"))
        self.keep_other.clicked.connect(lambda: self._resolve("loser"))
        ctx.worker.records_changed.connect(lambda _what: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.signed_in:
            self.ctx.worker.read(review.needs_review, done=self._loaded, owner=self, key=f"review:{id(self)}")

    def _loaded(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.list.clear()
        for item in items:
            self.list.addItem(QListWidgetItem(item["title"]))
        self.status.setText("Nothing needs review." if not items else
                            "1 item needs review." if len(items) == 1 else f"{len(items)} items need review.")
        if items:
            self.list.setCurrentRow(0)
        else:
            self._show(-1)

    def _show(self, row: int) -> None:
        item = self.items[row] if 0 <= row < len(self.items) else None
        conflict = item is not None and item["kind"] == "conflict"
        self.keep_shown.setEnabled(conflict)
        self.keep_other.setEnabled(conflict)
        if item is None:
            self.detail.setHtml("")
        elif conflict:
            kind = item["record_type"]
            fields = ", ".join(_field_label(kind, f) for f in item["fields"])
            self.detail.setHtml(f"<p>{item['title']} ({fields})</p>"
                                + _side_html("Shown on every workstation", item["winner"], kind)
                                + _side_html("The other version", item["loser"], kind))
        else:
            self.detail.setHtml(f"<p>{item['title']}.</p><p>Neither account can sign in until a district "
                                "administrator renames or disables one of them (Settings, User accounts).</p>")

    def _resolve(self, side: str) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        reason = "Kept the version shown" if side == "winner" else "Kept the other version"
        self.ctx.worker.write(review.resolve_conflict, item["record_type"], item["record_id"],
                              item[side]["id"], reason, owner=self,
                              done=lambda _r: self.status.setText("Resolved."))

