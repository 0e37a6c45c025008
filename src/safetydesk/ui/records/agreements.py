"""Agreements with law enforcement agencies (P17, P18, P19): the registry, the form, and the detail
with the required-contents checklist, the comment period, board approval, adoption and reviews."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from safetydesk.domain.agreements import AGREEMENT_RECORD_TYPE, AgreementDraft
from safetydesk.domain.attachments import ATTACHMENT_RECORD_TYPE
from safetydesk.domain.changes import Changes
from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.settings import SETTINGS_RECORD_TYPE
from safetydesk.services import agreements
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.detail import RecordDetail
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.kit.layout import FormBuilder, page_frame
from safetydesk.ui.kit.list_tools import ListMemory
from safetydesk.ui.kit.listing import LocalSort, short_list
from safetydesk.ui.kit.prompts import choose_open_file
from safetydesk.ui.kit.widgets import (
    SEVERITY_COLOURS,
    CheckList,
    DateField,
    button,
    card,
    hint_label,
    repolish,
    title_label,
)
from safetydesk.ui.kit.windows import open_detail, present, track

M = Permission.MANAGE_AGREEMENTS
FIELD_LABELS = {
    "agency": "Agency", "title": "Title", "school_ids": "Schools", "effective_start": "In effect from",
    "effective_end": "In effect until", "review_date": "Last annual review",
    "comment_start": "Public comment from", "comment_end": "Public comment until",
    "board_approval_date": "Board approval", "board_resolution": "Board resolution",
    "sent_to_ospi_date": "Sent to OSPI", "documents": "Documents", "contents": "Required contents",
    "adopted": "Adopted", "adopted_date": "Adopted on", "adopted_by": "Adopted by", "reviews": "Annual review",
}

# What the registry and an agreement show: agreements, and the district settings they use.
KINDS = (AGREEMENT_RECORD_TYPE, SETTINGS_RECORD_TYPE)


AGREEMENT_COLUMNS = [("agency", "Agency"), ("span", "In effect"), ("status", "Status"),
                     ("contents", "Required contents"), ("next_review_due", "Next annual review"),
                     ("reminder", "Reminder")]


# How each column sorts in the model: dates by the stored ISO date, contents by how many are
# confirmed, the rest by the text shown.
AGREEMENT_SORTS: dict[str, LocalSort] = {
    "agency": "text", "span": lambda row: row.get("effective_start") or None, "status": "text",
    "contents": lambda row: row.get("contents_confirmed") or 0,
    "next_review_due": lambda row: row.get("next_review_due") or None, "reminder": "text"}


def list_agreement_rows(session: Any, offset: int, limit: int, **filters: Any) -> list[dict[str, Any]]:
    """One page of the agreements list (on the worker)."""
    return agreements.list_agreements(session, offset=offset, limit=limit)


def agreement_text(row: dict[str, Any], column: str) -> str:
    if column == "agency":
        return str(row["agency"]) + (f" — {row['title']}" if row.get("title") else "")
    if column == "span":
        return f"{row.get('effective_start') or '?'} to {row.get('effective_end') or 'no end date'}"
    if column == "status":
        return str(row["status"]).capitalize()
    if column == "contents":
        return f"{row.get('contents_confirmed', 0)} of {row['contents_total']} confirmed"
    if column == "next_review_due":
        return row.get("next_review_due") or "—"
    return str(row.get(column) or "")


def agreement_colour(row: dict[str, Any], column: str) -> str:
    """An annual review due soon or overdue; an agreement not adopted yet."""
    reminder = row.get("reminder") or ""
    if column == "reminder" and reminder:
        return SEVERITY_COLOURS["overdue" if "overdue" in reminder else "due_soon"]
    if column == "status" and not row.get("adopted"):
        return SEVERITY_COLOURS["flag"]
    return ""


class AgreementsPage(QWidget):
    def __init__(self, ctx: UiContext, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window_ = window
        self.setObjectName("agreementsPage")
        # The kit's lazy list model: one fetch of the (few) agreements, refreshed on their kinds.
        self.model, self.table = short_list(
            ctx.worker, "agreementTable", "Agreements with law enforcement agencies", AGREEMENT_COLUMNS,
            list_agreement_rows, agreement_text, agreement_colour, parent=self, sorts=AGREEMENT_SORTS)
        self.memory = ListMemory(ctx, self.table, self.model, "AgreementsPageList", parent=self)
        self.count_label = QLabel()
        self.count_label.setObjectName("agreementCount")
        self.count_label.setProperty("role", "countLabel")
        self.new_button = button("New agreement…", "newAgreementButton", "Record a new agreement",
                                 primary=True)
        self.new_button.setVisible(ctx.can(M))
        v = page_frame(self, title_label("Agreements"), (self.count_label, Qt.AlignmentFlag.AlignBottom),
                       self.new_button, intro=hint_label(
            "Agreements with law enforcement agencies that supply safety and security staff. Each is "
            "reviewed every year and approved by the board after a public comment period of at least "
            "10 days; it is marked adopted only when every required content is confirmed. Reminders "
            "appear 60 and 30 days before the annual review."))
        v.addWidget(self.table, 1)
        self.table.open_requested.connect(self._open_row)
        self.model.count_changed.connect(self._counted)
        self.new_button.clicked.connect(self.new_agreement)
        ctx.worker.records_changed.connect(self._records_changed)
        self.refresh()

    def _records_changed(self, changes: Changes) -> None:
        if changes.touches(*KINDS):
            self.refresh()

    def refresh(self) -> None:
        if self.ctx.signed_in:
            self.model.refresh()

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [r for i in range(self.model.rowCount()) if (r := self.model.row(i)) is not None]

    def _counted(self, n: int) -> None:
        self.count_label.setText(f"{n} agreement{'s' if n != 1 else ''}")

    def _open_row(self, r: int) -> None:
        row = self.model.row(r)
        if row is not None:
            self.open_agreement(str(row["id"]))

    def _window(self) -> Any:
        return self.window_ if self.window_ is not None else self.window()

    def open_agreement(self, record_id: str) -> AgreementDetail:
        return open_agreement(self._window(), self.ctx, record_id)

    def new_agreement(self) -> AgreementForm | None:
        if not self.ctx.can(M):
            return None
        form = AgreementForm(self.ctx, parent=self._window())
        form.saved.connect(lambda rid: self.open_agreement(rid) if isinstance(rid, str) else None)
        track(self._window(), form, f"agreement-form:new:{id(form)}")
        present(form)
        return form


def open_agreement(window: Any, ctx: UiContext, record_id: str) -> Any:
    return open_detail(window, f"agreement:{record_id}", lambda: AgreementDetail(ctx, record_id, parent=window),
                       on_amend=lambda record: _amend(window, ctx, record))


def _amend(window: Any, ctx: UiContext, record: dict[str, Any]) -> AgreementForm:
    form = AgreementForm(ctx, record=record, parent=window)
    track(window, form, f"agreement-form:{record['id']}")
    present(form)
    return form


class AgreementForm(RecordForm):
    NOUN = "agreement"
    OBJECT_NAME = "agreementForm"
    TITLE_NEW = "New agreement"
    TITLE_AMEND = "Correct an agreement"
    INTRO = ("The agreement's dates as recorded. The required contents are confirmed one by one "
             "from the agreement's page once it is saved. Dates are YYYY-MM-DD.")
    INTRO_AMEND = INTRO
    DRAFT_CLASS = AgreementDraft

    def build(self, form: FormBuilder) -> None:
        self.agency = QLineEdit()
        form.add("agency", "&Agency *", self.agency, object_name="agency",
                 description="The police department or sheriff's office that supplies staff.")
        self.title_edit = QLineEdit()
        form.add("title", "&Title", self.title_edit, object_name="agreementTitle",
                 description="The agreement's name, for example “School resource officer agreement 2025-2028”.")
        self.schools = CheckList([(s["id"], s["name"]) for s in self.ctx.schools], "agreementSchools",
                                 "Schools covered")
        form.add("school_ids", "Schools covered", self.schools, object_name="agreementSchools", top_aligned=True)
        form.add_section("Dates")
        self.effective_start = DateField()
        form.add("effective_start", "In effect &from *", self.effective_start, object_name="effectiveStart")
        self.effective_end = DateField()
        form.add("effective_end", "In effect &until", self.effective_end, object_name="effectiveEnd")
        self.review_date = DateField()
        form.add("review_date", "Last annual &review", self.review_date, object_name="reviewDate",
                 description="The next review is due a year after this (else after board approval).")
        self.comment_start = DateField()
        form.add("comment_start", "Public comment from", self.comment_start, object_name="commentStart",
                 description="First day of the public comment period (at least 10 days, first and last "
                             "day included).")
        self.comment_end = DateField()
        form.add("comment_end", "Public comment until", self.comment_end, object_name="commentEnd")
        self.board_date = DateField()
        form.add("board_approval_date", "&Board approval", self.board_date, object_name="boardApprovalDate",
                 description="Must be after the public comment period closed.")
        self.board_resolution = QLineEdit()
        form.add("board_resolution", "Board resolution no.", self.board_resolution,
                 object_name="boardResolution")
        self.ospi_date = DateField()
        form.add("sent_to_ospi_date", "Sent to &OSPI", self.ospi_date, object_name="sentToOspiDate")
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        form.add("note", "&Note", self.note, object_name="note", top_aligned=True)

    def load(self, d: AgreementDraft) -> None:
        self.agency.setText(d.agency)
        self.title_edit.setText(d.title)
        self.schools.set_values(d.school_ids)
        for w, v in ((self.effective_start, d.effective_start), (self.effective_end, d.effective_end),
                     (self.review_date, d.review_date), (self.comment_start, d.comment_start),
                     (self.comment_end, d.comment_end), (self.board_date, d.board_approval_date),
                     (self.ospi_date, d.sent_to_ospi_date)):
            w.setText(v)
        self.board_resolution.setText(d.board_resolution)
        self.note.setPlainText(d.note)

    def draft(self) -> AgreementDraft:
        return AgreementDraft(
            agency=self.agency.text().strip(), title=self.title_edit.text().strip(),
            school_ids=self.schools.values(), effective_start=self.effective_start.text().strip(),
            effective_end=self.effective_end.text().strip(), review_date=self.review_date.text().strip(),
            comment_start=self.comment_start.text().strip(), comment_end=self.comment_end.text().strip(),
            board_approval_date=self.board_date.text().strip(),
            board_resolution=self.board_resolution.text().strip(),
            sent_to_ospi_date=self.ospi_date.text().strip(), documents=list(self._base.documents),
            contents=dict(self._base.contents), note=self.note.toPlainText().strip())

    def check_service(self) -> Any:
        return agreements.check_agreement

    def log_service(self) -> Any:
        return agreements.add_agreement

    def amend_service(self) -> Any:
        return agreements.amend_agreement


def load_agreement(session: Any, record_id: str) -> dict[str, Any]:
    out = agreements.get_agreement(session, record_id)
    out["history"] = agreements.agreement_history(session, record_id)
    out["reminder"] = next((r for rid, _s, r in agreements.reminders(session, session.clock().date())
                            if rid == record_id), None)
    return out


def confirm_with_document(session: Any, record_id: str, key: str, note: str, path: str) -> str:
    p = Path(path)
    doc = agreements.attach_document(session, p.name, p.read_bytes())
    agreements.confirm_content(session, record_id, key, note, doc)
    return doc


def add_document(session: Any, record_id: str, path: str) -> str:
    p = Path(path)
    return agreements.add_document(session, record_id, p.name, p.read_bytes())


class AgreementDetail(RecordDetail):
    """An agreement: adoption (P19), the required contents checklist (P18), its dates and
    documents, the annual review (P17), and its history, in the shared detail frame."""

    NOUN = "agreement"
    FIELD_LABELS: ClassVar[dict[str, str]] = FIELD_LABELS
    SIZE = (940, 900)
    KINDS: ClassVar[tuple[str, ...]] = (*KINDS, ATTACHMENT_RECORD_TYPE)
    FIELDS_AT_TOP = False

    def __init__(self, ctx: UiContext, record_id: str, parent: QWidget | None = None) -> None:
        self.can_manage = ctx.can(M)
        super().__init__(ctx, record_id, parent=parent)
        self.setWindowTitle("Agreement")

    def loader(self) -> Any:
        return load_agreement

    def can_amend(self, state: dict[str, Any]) -> bool:
        return self.can_manage

    def can_retract(self, state: dict[str, Any]) -> bool:
        return self.can_manage

    def retract_service(self) -> Any:
        return agreements.retract_agreement

    def history_names(self) -> Any:
        return self._names

    def build_extra(self) -> None:
        self.status_badge = QLabel()
        self.status_badge.setObjectName("agreementStatus")
        self.status_badge.setProperty("badge", "status")
        self.badges.addWidget(self.status_badge)
        self.badges.addStretch(1)
        self.reminder = QLabel()
        self.reminder.setObjectName("agreementReminder")
        self.reminder.setWordWrap(True)
        self.reminder.hide()
        self.fields.setHorizontalSpacing(16)

        self.checklist = QGridLayout()
        self.checklist.setColumnStretch(1, 1)
        self.checklist.setHorizontalSpacing(10)
        self.checklist.setVerticalSpacing(8)
        checklist_box = QWidget()
        checklist_box.setLayout(self.checklist)
        self.item_controls: dict[str, tuple[QLineEdit, Any, Any]] = {}
        self.checklist_error = QLabel()
        self.checklist_error.setObjectName("checklistError")
        self.checklist_error.setProperty("role", "fieldError")
        self.checklist_error.setWordWrap(True)
        self.checklist_error.hide()

        self.problems = QLabel()
        self.problems.setObjectName("adoptionProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.adopt_button = button("Mark adopted", "adoptButton", "Mark the agreement adopted", primary=True)
        self.adopt_error = QLabel()
        self.adopt_error.setObjectName("adoptError")
        self.adopt_error.setProperty("role", "fieldError")
        self.adopt_error.setWordWrap(True)
        self.adopt_error.hide()
        self.review_date = DateField(date.today().isoformat())
        self.review_date.setObjectName("annualReviewDate")
        self.review_date.setAccessibleName("Date of the annual review")
        self.review_note = QLineEdit()
        self.review_note.setObjectName("annualReviewNote")
        self.review_note.setAccessibleName("What the annual review concluded")
        self.review_note.setPlaceholderText("What the review concluded")
        self.review_button = button("Record annual review", "reviewButton", "Record the annual review")
        self.review_error = QLabel()
        self.review_error.setObjectName("reviewError")
        self.review_error.setProperty("role", "fieldError")
        self.review_error.setWordWrap(True)
        self.review_error.hide()
        review_row = QHBoxLayout()
        review_row.addWidget(QLabel("Annual review on"))
        review_row.addWidget(self.review_date)
        review_row.addWidget(self.review_note, 1)
        review_row.addWidget(self.review_button)
        review_box = QWidget()
        review_box.setLayout(review_row)
        self.documents_label = QLabel()
        self.documents_label.setObjectName("agreementDocuments")
        self.documents_label.setWordWrap(True)
        self.add_doc_button = button("Attach a document…", "addDocument",
                                     "Attach a document to the agreement")
        docs_row = QHBoxLayout()
        docs_row.addWidget(self.documents_label, 1)
        docs_row.addWidget(self.add_doc_button)
        docs_box = QWidget()
        docs_box.setLayout(docs_row)

        v = self.extra
        v.addWidget(self.reminder)
        v.addWidget(card(self.problems, self.adopt_error, self.adopt_button, name="adoptionCard",
                         title="Adoption"))
        v.addWidget(card(hint_label("Policy 4311 lists what the agreement must contain. Confirm each "
                                    "item with a note saying where the agreement says it (for example "
                                    "“Section 4.2”) or with a document."),
                         checklist_box, self.checklist_error, name="contentsCard",
                         title="Required contents (P18)"))
        v.addWidget(card(self.fields_box, docs_box, name="agreementFields", title="Dates and documents"))
        v.addWidget(card(review_box, self.review_error, name="reviewCard", title="Annual review (P17)"))
        self.adopt_button.clicked.connect(self.adopt)
        self.review_button.clicked.connect(self.record_review)
        self.add_doc_button.clicked.connect(self.add_document)
        for w in (self.adopt_button, self.review_button, self.add_doc_button, self.review_date,
                  self.review_note):
            w.setEnabled(self.can_manage)

    def show_data(self, data: dict[str, Any]) -> None:
        st = data["state"]
        self.setWindowTitle(f"Agreement — {st.get('agency', '')}")
        self.title.setText(st.get("agency", "") + (f": {st['title']}" if st.get("title") else ""))
        status = data["status"]
        self.status_badge.setText(status.capitalize())
        self.status_badge.setProperty("status", "adopted" if st.get("adopted") else "not_adopted")
        repolish(self.status_badge)
        self.subtitle.setText(f"Recorded by {st.get('author', '')} · version {data.get('version', 1)}"
                              + (f" · adopted {st.get('adopted_date')} by {st.get('adopted_by')}"
                                 if st.get("adopted") else ""))
        reminder = data.get("reminder")
        if reminder is not None:
            colour = SEVERITY_COLOURS["overdue" if reminder.state == "overdue" else "due_soon"]
            self.reminder.setText(f"<b style='color:{colour}'>{html.escape(reminder.title)}</b> "
                                  f"(due {reminder.due.isoformat()})")
            self.reminder.show()
        else:
            self.reminder.hide()
        problems = data["adoption_problems"]
        if st.get("adopted"):
            self.problems.setText(f"<span style='color:#1e6b3a'><b>Adopted</b> on {st.get('adopted_date')} "
                                  f"(board resolution {html.escape(st.get('board_resolution', ''))}).</span>")
        elif problems:
            self.problems.setText("<b>Before it can be marked adopted:</b><ul style='margin-top:2px'>" + "".join(
                f"<li>{html.escape(p.message)}</li>" for p in problems) + "</ul>")
        else:
            self.problems.setText("<span style='color:#1e6b3a'>Every condition is met: it can be marked "
                                  "adopted.</span>")
        self.problems.setAccessibleName("Adoption: " + ("adopted" if st.get("adopted") else
                                        " ".join(p.message for p in problems) or "ready to adopt"))
        self.adopt_button.setVisible(not st.get("adopted"))
        self._checklist(data)
        self._fields(data)
        self.adopt_button.setEnabled(self.can_manage and not st.get("retracted"))

    def _checklist(self, data: dict[str, Any]) -> None:
        typed = {k: c[0].text() for k, c in self.item_controls.items()}  # kept across a refresh
        while self.checklist.count():
            item = self.checklist.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.item_controls = {}
        adopted = bool(data["state"].get("adopted"))
        for r, item in enumerate(data["checklist"]):
            key = item["key"]
            mark = QLabel("✔" if item["confirmed"] else "○")
            mark.setObjectName(f"contentMark_{key}")
            mark.setProperty("confirmed", item["confirmed"])
            mark.setAccessibleName(f"{key} {'confirmed' if item['confirmed'] else 'not confirmed'}")
            text = QLabel(f"<b>{key}</b> {html.escape(item['text'])}"
                          + (f"<br><span style='color:#5f6b7a'>Confirmed by {item.get('by', '')} on "
                             f"{item.get('on', '')}" + (f": {html.escape(item.get('note', ''))}" if item.get("note") else "")
                             + (" (with a document)" if item.get("document_id") else "")
                             + "</span>" if item["confirmed"] else ""))
            text.setWordWrap(True)
            note = QLineEdit(item.get("note", "") if item["confirmed"] else typed.get(key, ""))
            note.setObjectName(f"contentNote_{key}")
            note.setAccessibleName(f"Where the agreement covers {key}")
            note.setPlaceholderText("Where it says so, e.g. Section 4.2")
            note.setMaximumWidth(240)
            confirm = button("Confirm", f"confirm_{key}", f"Confirm required content {key} with the note")
            attach = button("Document…", f"document_{key}", f"Confirm {key} with a document")
            for w in (note, confirm, attach):
                w.setEnabled(self.can_manage and not adopted)
            confirm.clicked.connect(lambda _=False, k=key: self.confirm_item(k))
            attach.clicked.connect(lambda _=False, k=key: self.confirm_item_with_document(k))
            note.returnPressed.connect(lambda k=key: self.confirm_item(k))
            self.checklist.addWidget(mark, r, 0, Qt.AlignmentFlag.AlignTop)
            self.checklist.addWidget(text, r, 1)
            self.checklist.addWidget(note, r, 2, Qt.AlignmentFlag.AlignTop)
            self.checklist.addWidget(confirm, r, 3, Qt.AlignmentFlag.AlignTop)
            self.checklist.addWidget(attach, r, 4, Qt.AlignmentFlag.AlignTop)
            self.item_controls[key] = (note, confirm, attach)

    def _fields(self, data: dict[str, Any]) -> None:
        while self.fields.count():
            item = self.fields.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        st = data["state"]
        cs, ce = st.get("comment_start", ""), st.get("comment_end", "")
        comment = "—"
        if cs and ce:
            days = (date.fromisoformat(ce) - date.fromisoformat(cs)).days + 1
            comment = f"{cs} to {ce} ({days} days)"
        schools = ", ".join(self.ctx.school_name(s) for s in st.get("school_ids") or []) or "Not stated"
        due = data.get("next_review_due")
        rows = [
            ("In effect", f"{st.get('effective_start') or '?'} to {st.get('effective_end') or 'no end date'}"),
            ("Schools covered", schools),
            ("Public comment", comment),
            ("Board approval", (st.get("board_approval_date") or "—")
             + (f", resolution {st['board_resolution']}" if st.get("board_resolution") else "")),
            ("Last annual review", st.get("review_date") or "—"),
            ("Next annual review due", due.isoformat() if due else "—"),
            ("Sent to OSPI", st.get("sent_to_ospi_date") or "—"),
            ("Note", st.get("note") or "—"),
        ]
        for i, (label, value) in enumerate(rows):
            name = QLabel(label)
            name.setProperty("role", "fieldLabel")
            text = QLabel(value)
            text.setObjectName("detail_" + label.lower().replace(" ", "_"))
            text.setAccessibleName(label)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields.addWidget(name, i, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            self.fields.addWidget(text, i, 1)
        docs = data.get("documents") or []
        self.documents_label.setText("Documents: " + (", ".join(d.get("name", "file") for d in docs)
                                                      if docs else "none attached"))

    def _names(self, field: str, value: Any) -> str | None:
        if field == "school_ids" and isinstance(value, list):
            return ", ".join(self.ctx.school_name(v) for v in value) or "(none)"
        if field == "contents" and isinstance(value, dict):
            return ", ".join(f"{k} ({v.get('note') or 'document'})" for k, v in sorted(value.items())
                             if isinstance(v, dict)) or "(none)"
        if field == "documents" and isinstance(value, list):
            return f"{len(value)} document(s)"
        return None

    # ------------------------------------------------------------------ actions
    def _failed_into(self, label: QLabel) -> Any:
        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationFailed):
                label.setText(exc.message)
                label.show()
            else:
                prompts.show_failure(self, exc, "Not saved")
        return failed

    def confirm_item(self, key: str) -> None:
        note = self.item_controls[key][0].text().strip()
        self.checklist_error.hide()
        self.ctx.worker.write(agreements.confirm_content, self.record_id, key, note, owner=self,
                              error=self._failed_into(self.checklist_error), label="Confirming")

    def confirm_item_with_document(self, key: str) -> None:
        path = choose_open_file(self, f"Document confirming {key}")
        if path:
            note = self.item_controls[key][0].text().strip()
            self.ctx.worker.write(confirm_with_document, self.record_id, key, note, path, owner=self,
                                  error=self._failed_into(self.checklist_error), label="Attaching")

    def add_document(self) -> None:
        path = choose_open_file(self, "Attach a document to the agreement")
        if path:
            self.ctx.worker.write(add_document, self.record_id, path, owner=self,
                                  error=lambda exc: prompts.show_failure(self, exc, "Not attached"),
                                  label="Attaching")

    def adopt(self) -> None:
        if self.data is None:
            return
        self.adopt_error.hide()
        self.ctx.worker.write(agreements.adopt_agreement, self.record_id, self.data.get("version"),
                              owner=self, error=self._failed_into(self.adopt_error), label="Adopting")

    def record_review(self) -> None:
        self.review_error.hide()
        self.ctx.worker.write(agreements.record_review, self.record_id, self.review_date.text().strip(),
                              self.review_note.text().strip(), owner=self,
                              done=lambda _: self.review_note.clear(),
                              error=self._failed_into(self.review_error), label="Recording the review")

