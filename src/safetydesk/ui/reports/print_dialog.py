"""Print one record (an interaction, a request for intervention or a complaint) as a PDF, for the
school's staff, for one student's family (other students are not named), or for someone outside
the school: a disclosure (P24) that needs the recipient, their organisation and the legal basis,
and is entered in the student's record of disclosures before the file is written.

Also "Record of disclosures…" on a student (`print_disclosures`)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.disclosures import DisclosureBasis, DisclosureDraft, validate_disclosure
from safetydesk.domain.permissions import Permission
from safetydesk.domain.report_model import Audience, ReportKind
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.layout import scrolling_with_footer
from safetydesk.ui.kit.widgets import button, hint_label, repolish, title_label
from safetydesk.ui.reports.page import Produced, ReportJob, offer_to_open, start_report, with_suffix

NOUNS: dict[str, str] = {ReportKind.INTERACTION: "interaction", ReportKind.INTERVENTION: "request for intervention",
         ReportKind.COMPLAINT: "complaint"}

# What the detail line asks for, per legal basis (the field the rules require, if any).
DETAIL_LABELS = {
    DisclosureBasis.EMERGENCY.value: ("The threat to health or safety",
                                      "The articulable and significant threat that makes the release necessary"),
    DisclosureBasis.SUBPOENA.value: ("Subpoena or court order", "Court, case number and date"),
    DisclosureBasis.OTHER.value: ("The legal basis", "Describe the legal basis for this release"),
}


def _file_stem(text: str) -> str:
    keep = "".join(ch if ch.isalnum() or ch in "-_ " else "-" for ch in text).strip()
    return "-".join(keep.split()) or "record"


class PrintDialog(QDialog):
    """Audience, then "Save PDF…"."""

    def __init__(self, ctx: UiContext, kind: str, record_id: str, students: list[tuple[str, str]],
                 description: str = "", parent: QWidget | None = None, school_id: str = "") -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.record_id = record_id
        self.students = students
        self.description = description
        self.running = False
        self.touched: set[str] = set()
        self.shown_audience = ""
        self.produced: Produced | None = None
        noun = NOUNS.get(kind, "record")
        self.setObjectName("printDialog")
        self.setWindowTitle(f"Print the {noun}")
        self.setMinimumWidth(620)

        self.audiences = QButtonGroup(self)
        self.staff = QRadioButton("Internal copy, for school staff")
        self.staff.setObjectName("audienceStaff")
        self.staff.setAccessibleName("Internal copy, for school staff")
        self.family = QRadioButton("Family copy, for one student's family")
        self.family.setObjectName("audienceFamily")
        self.family.setAccessibleName("Family copy, for one student's family")
        self.outside = QRadioButton("Someone outside the school (a disclosure)")
        self.outside.setObjectName("audienceOutside")
        self.outside.setAccessibleName("Copy for someone outside the school, a disclosure")
        for i, r in enumerate((self.staff, self.family, self.outside)):
            self.audiences.addButton(r, i)
        self.staff.setChecked(True)
        # A release outside the school is its own permission (a read-only reviewer has none):
        # not offered to an account the service would refuse.
        if not ctx.can(Permission.DISCLOSE_OUTSIDE, school_id or None):
            self.outside.setEnabled(False)
            self.outside.setToolTip("Your account may not release records outside the school; ask a "
                                    "principal or a district administrator.")
            self.outside.setAccessibleDescription(self.outside.toolTip())

        self.student = QComboBox()
        self.student.setObjectName("familyStudent")
        self.student.setAccessibleName("Student whose family receives the copy")
        self.student.addItem("Choose the student…", "")
        for sid, label in students:
            self.student.addItem(label, sid)
        if len(students) == 1:
            self.student.setCurrentIndex(1)
        family_box = self._indented(
            hint_label("Other students on the record are shown as “Another student” and their names are "
                       "removed from the text."),
            self._row("Stu&dent", self.student))
        self.family_box = family_box
        if not students:
            self.family.setEnabled(False)
            self.family.setToolTip("No student is named on this record.")

        self.recipient = QLineEdit()
        self.recipient.setObjectName("disclosureRecipient")
        self.recipient.setAccessibleName("Recipient: the person who receives the copy")
        self.recipient.setPlaceholderText("For example Detective Sam Ortiz")
        self.organisation = QLineEdit()
        self.organisation.setObjectName("disclosureOrganisation")
        self.organisation.setAccessibleName("Recipient's organisation")
        self.organisation.setPlaceholderText("For example Fictional Valley Police Department")
        self.basis = QComboBox()
        self.basis.setObjectName("disclosureBasis")
        self.basis.setAccessibleName("Legal basis of the disclosure")
        self.basis.addItem("Choose the legal basis…", "")
        for value, label in DisclosureBasis.choices():
            self.basis.addItem(label, value)
        self.detail = QLineEdit()
        self.detail.setObjectName("disclosureDetail")
        self.detail.setAccessibleName("Detail of the legal basis")
        self.detail_label = QLabel("Detail")
        self.note = QLineEdit()
        self.note.setObjectName("disclosureNote")
        self.note.setAccessibleName("Note on the disclosure (optional)")
        self.note.setPlaceholderText("Optional")
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        self.field_labels: dict[str, QLabel] = {}
        for row, (key, text, w) in enumerate((
                ("recipient", "&Recipient", self.recipient), ("organisation", "&Organisation", self.organisation),
                ("legal_basis", "&Legal basis", self.basis), ("basis_detail", "", self.detail),
                ("note", "&Note", self.note))):
            caption = self.detail_label if key == "basis_detail" else QLabel(text)
            caption.setProperty("role", "fieldLabel")
            caption.setBuddy(w)
            self.field_labels[key] = caption
            grid.addWidget(caption, row, 0)
            grid.addWidget(w, row, 1)
        grid_box = QWidget()
        grid_box.setLayout(grid)
        self.outside_box = self._indented(
            hint_label("The release is entered in the student's record of disclosures (34 CFR 99.32), "
                       "with a fingerprint of the exact file, before the file is written."),
            grid_box)

        self.reason = QLabel()
        self.reason.setObjectName("printReason")
        self.reason.setProperty("role", "fieldError")
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName("Why the copy cannot be saved yet")
        self.status = hint_label("", "printStatus")
        self.status.hide()

        self.save_button = button("Save PDF…", "savePrintout", "Save the printout as a PDF", primary=True)
        self.save_button.setDefault(True)
        cancel = button("Cancel", "cancelPrint", "Close without printing")
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(24, 18, 24, 12)
        body.setSpacing(8)
        body.addWidget(title_label(f"Print the {noun}"))
        if description:
            body.addWidget(hint_label(description, "printDescription"))
        who = QLabel("Who is this copy for?")
        who.setProperty("role", "sectionTitle")
        body.addWidget(who)
        body.addWidget(self.staff)
        body.addWidget(self._indented(hint_label("Everything on the record, with its history, for use "
                                                 "inside the school.")))
        body.addWidget(self.family)
        body.addWidget(family_box)
        body.addWidget(self.outside)
        body.addWidget(self.outside_box)
        body.addWidget(self.reason)
        body.addWidget(self.status)
        body.addStretch(1)
        self.footer = scrolling_with_footer(self, self.body, None, cancel, self.save_button)

        self.audiences.idToggled.connect(lambda _i, on: on and self.validate())
        self.student.currentIndexChanged.connect(lambda _: self.validate())
        self.basis.currentIndexChanged.connect(lambda _: self._touched(self.basis))
        for edit in (self.recipient, self.organisation, self.detail, self.note):
            edit.textEdited.connect(lambda _t, e=edit: self._touched(e))
        cancel.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self.validate()

    # ------------------------------------------------------------------ layout helpers
    @staticmethod
    def _indented(*widgets: QWidget | QHBoxLayout) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(28, 0, 0, 6)
        v.setSpacing(6)
        for w in widgets:
            if isinstance(w, QWidget):
                v.addWidget(w)
            else:
                v.addLayout(w)
        return box

    @staticmethod
    def _row(text: str, w: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        label = QLabel(text)
        label.setProperty("role", "fieldLabel")
        label.setBuddy(w)
        row.addWidget(label)
        row.addWidget(w, 1)
        return row

    def _fit(self) -> None:
        """Grow or shrink to what the chosen audience shows (the detail and family boxes), up to
        the screen's height: beyond it the choices scroll and Save stays in view."""
        if self.isVisible():
            want = self.body.sizeHint().height() + self.footer.sizeHint().height()
            room = self.screen().availableGeometry().height() - 48
            self.resize(self.width(), max(self.minimumSizeHint().height(), min(want, room)))

    # ------------------------------------------------------------------ state
    def audience(self) -> str:
        return (Audience.STAFF, Audience.FAMILY, Audience.OUTSIDE)[max(0, self.audiences.checkedId())]

    def disclosure(self) -> DisclosureDraft:
        return DisclosureDraft(recipient=self.recipient.text(), organisation=self.organisation.text(),
                               legal_basis=self.basis.currentData() or "", basis_detail=self.detail.text(),
                               note=self.note.text())

    def _touched(self, edit: QWidget) -> None:
        self.touched.add(edit.objectName())
        self.validate()

    def problems(self) -> list[str]:
        """What stops the copy from being saved, in plain words (empty: it can be saved)."""
        audience = self.audience()
        if audience == Audience.FAMILY and not self.student.currentData():
            return ["Choose which student's family the copy is for."]
        if audience == Audience.OUTSIDE:
            return [e.message for e in validate_disclosure(self.disclosure())]
        return []

    def validate(self) -> list[str]:
        audience = self.audience()
        if audience != self.shown_audience:
            self.shown_audience = audience
            self.family_box.setVisible(audience == Audience.FAMILY)
            self.outside_box.setVisible(audience == Audience.OUTSIDE)
            QTimer.singleShot(0, self._fit)
        basis = self.basis.currentData() or ""
        label, placeholder = DETAIL_LABELS.get(basis, ("Detail", "Not needed for this legal basis"))
        self.detail_label.setText(label)
        self.detail.setPlaceholderText(placeholder)
        self.detail.setAccessibleName(label if basis in DETAIL_LABELS else "Detail of the legal basis")
        self.detail.setEnabled(basis in DETAIL_LABELS)
        self.field_labels["basis_detail"].setProperty("required", basis in DETAIL_LABELS)
        problems = self.problems()
        if audience == Audience.OUTSIDE:
            wrong = {e.field for e in validate_disclosure(self.disclosure())}
            widgets = {"recipient": self.recipient, "organisation": self.organisation,
                       "legal_basis": self.basis, "basis_detail": self.detail}
            for name, w in widgets.items():
                bad = name in wrong and w.objectName() in self.touched
                if w.property("invalid") != bad:
                    w.setProperty("invalid", bad)
                    repolish(w)
        self.reason.setText("\n".join(problems))
        if self.reason.isVisibleTo(self) != bool(problems):
            self.reason.setVisible(bool(problems))
            QTimer.singleShot(0, self._fit)
        self.save_button.setEnabled(not problems and not self.running)
        self.save_button.setToolTip(" ".join(problems) or "Choose where to save the PDF.")
        return problems

    # ------------------------------------------------------------------ saving
    def job(self, target: str) -> ReportJob:
        audience = self.audience()
        kwargs = {"audience": str(audience),
                  "for_student": self.student.currentData() or "" if audience == Audience.FAMILY else ""}
        return ReportJob(self.kind, (self.record_id,), "pdf", target, kwargs,
                         disclosure=self.disclosure() if audience == Audience.OUTSIDE else None)

    def suggested_name(self) -> str:
        suffix: dict[str, str] = {Audience.STAFF: "internal", Audience.FAMILY: "family", Audience.OUTSIDE: "release"}
        return f"{_file_stem(NOUNS.get(self.kind, 'record'))}-{self.record_id[-8:]}-{suffix[self.audience()]}.pdf"

    def save(self) -> None:
        if self.validate() or self.running:
            return
        target = prompts.choose_save_file(self, "Save the printout", self.suggested_name(), "PDF files (*.pdf)")
        if not target:
            return
        self.running = True
        self.save_button.setEnabled(False)
        self.status.setText("Building the PDF…")
        self.status.show()
        start_report(self.ctx, self, self.job(with_suffix(target, "pdf")),
                     f"Printing the {NOUNS.get(self.kind, 'record')}", self._saved, self._failed)

    def _saved(self, result: Produced | None) -> None:
        self.running = False
        if result is None:
            self.status.setText("Cancelled: nothing was written.")
            self.validate()
            return
        self.produced = result
        self.accept()
        offer_to_open(self.parentWidget(), result)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.status.setText("Not saved: " + prompts.explain(exc))
        self.validate()
        prompts.show_failure(self, exc, "The printout was not saved")


def open_print_dialog(ctx: UiContext, parent: QWidget, kind: str, record_id: str,
                      students: list[tuple[str, str]], description: str = "",
                      school_id: str = "") -> PrintDialog:
    """Show the print dialog for one record (deleted when closed)."""
    dialog = PrintDialog(ctx, kind, record_id, students, description, parent=parent, school_id=school_id)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.show()
    return dialog


class _DisclosuresRun:
    """Saving a student's record of disclosures from the student's window."""

    def __init__(self, ctx: UiContext, parent: QWidget, student_id: str, name: str) -> None:
        self.parent = parent
        stem = _file_stem(f"record of disclosures {name}")
        target = prompts.choose_save_file(parent, "Save the record of disclosures", f"{stem}.pdf",
                                          "PDF files (*.pdf)")
        self.started = bool(target)
        if target:
            start_report(ctx, parent, ReportJob(ReportKind.DISCLOSURES, (student_id,), "pdf",
                                                with_suffix(target, "pdf")),
                         "Printing the record of disclosures", self._saved, self._failed)

    def _saved(self, result: Produced | None) -> None:
        if result is not None:
            offer_to_open(self.parent, result)

    def _failed(self, exc: BaseException) -> None:
        prompts.show_failure(self.parent, exc, "The record of disclosures was not saved")


def print_disclosures(ctx: UiContext, parent: QWidget, student_id: str, name: str = "") -> bool:
    """Ask where, then save the student's record of disclosures (P24) as a PDF. False if not started."""
    return _DisclosuresRun(ctx, parent, student_id, name).started
