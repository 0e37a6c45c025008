"""The Reports section (P20, P21, P22): choose a report, its school year, school and format, and
save it. Every report is built on the worker with a progress bar and Cancel in the status bar,
laid out (`reports.render`) and saved (`services.reports.save`: audit entries, and for someone
outside the school the record of disclosure, before the file), like the ``report`` command.

`produce` and `start_report` are shared with the record print dialog (`print_dialog`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.disclosures import DisclosureDraft
from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.permissions import Permission
from safetydesk.domain.report_model import Audience, ReportKind
from safetydesk.domain.validation import school_year_of
from safetydesk.reports.render import render
from safetydesk.services import reports as reports_service
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.widgets import (
    button,
    card,
    hint_label,
    repolish,
    school_years_around,
    title_label,
)
from safetydesk.ui.kit.worker import Cancelled


# ---------------------------------------------------------------------- building on the worker
@dataclass(frozen=True)
class ReportJob:
    """One report to build, lay out and save: ``REPORTS[name](session, *args, **kwargs)``."""

    name: str
    args: tuple[Any, ...]
    fmt: str  # "pdf" or "csv"
    target: str  # the file the person chose; CSV parts are written beside it
    kwargs: dict[str, Any] = field(default_factory=dict)
    disclosure: DisclosureDraft | None = None
    logo_path: str = ""


@dataclass(frozen=True)
class Produced:
    title: str
    paths: list[str]
    disclosed: bool  # entered in the record of disclosures
    to_fix: tuple[tuple[str, str, str], ...] = ()  # incomplete records the report listed


def produce(session: Any, job: ReportJob, progress: Callable[[int, int], None] | None = None) -> Produced | None:
    """On the worker: compute, render and save (the CLI's three steps). ``None`` when cancelled:
    Cancel stops the work before anything is saved, so no entry and no file are written."""

    def stage(lo: int, hi: int) -> Callable[[int, int], None] | None:
        if progress is None:
            return None

        def report(done: int, total: int) -> None:
            progress(lo + (hi - lo) * min(done, total) // max(total, 1), 100)

        return report

    try:
        kwargs = dict(job.kwargs)
        if job.logo_path:
            try:
                kwargs["logo"] = Path(job.logo_path).read_bytes()
            except OSError as exc:
                raise SafetyDeskError(f"The logo image could not be read ({exc.strerror or exc}). Choose "
                                      "another image, or clear the logo.") from exc
        fn = reports_service.REPORTS[job.name]
        doc = fn(session, *job.args, **kwargs, progress=stage(0, 70))
        target = Path(job.target)
        files = render(doc, job.fmt, target.stem, progress=stage(70, 98))
        if progress is not None:
            progress(98, 100)  # the last moment Cancel can stop it: nothing is written yet
        written = reports_service.save(session, doc, [(r, target.parent / r.name) for r in files],
                                       job.disclosure)
    except (Cancelled, reports_service.ReportCancelled):
        return None
    disclosed = job.disclosure is not None and doc.names_students and doc.audience == Audience.OUTSIDE
    return Produced(doc.title, [str(p) for p in written], disclosed, doc.to_fix)


def start_report(ctx: UiContext, owner: QWidget, job: ReportJob, label: str,
                 done: Callable[[Produced | None], None], error: Callable[[BaseException], None]) -> int:
    """Run `produce` on the worker with progress and Cancel (it writes the audit trail)."""
    return ctx.worker.write(produce, job, progress=True, label=label, done=done, error=error, owner=owner)


def with_suffix(path: str, fmt: str) -> str:
    return path if path.lower().endswith("." + fmt) else f"{path}.{fmt}"


def saved_message(result: Produced) -> str:
    if len(result.paths) == 1:
        text = f"Saved “{result.title}” to:\n{result.paths[0]}"
    else:
        folder = str(Path(result.paths[0]).parent)
        names = "\n".join("  " + Path(p).name for p in result.paths)
        text = f"Saved “{result.title}” as {len(result.paths)} files in {folder}:\n{names}"
    if result.disclosed:
        text += "\n\nThe release is entered in the student's record of disclosures."
    return text


def offer_to_open(parent: QWidget | None, result: Produced) -> None:
    one = len(result.paths) == 1
    if prompts.confirm(parent, "Saved", saved_message(result) + ("\n\nOpen it now?" if one else
                                                                 "\n\nOpen the folder now?"),
                       yes="Open" if one else "Open the folder", no="Not now"):
        prompts.open_file_outside(result.paths[0] if one else str(Path(result.paths[0]).parent))


# ---------------------------------------------------------------------- the reports offered
@dataclass(frozen=True)
class ReportChoice:
    key: str
    title: str
    purpose: str  # what it is for
    receiver: str  # who receives it
    by_school: bool = False
    csv: bool = True
    logo: bool = False
    district_wide: bool = False  # made for the whole district: accounts that see every school
    needs: tuple[Permission, ...] = (Permission.VIEW_RECORDS,)


CHOICES: tuple[ReportChoice, ...] = (
    ReportChoice(
        ReportKind.DISAGGREGATED, "Law enforcement interactions by student group (P20)",
        "How many students were involved in law enforcement interactions, by race and ethnicity, gender "
        "identity, multilingual learners, homelessness, poverty, IEP and 504, beside enrolment, with "
        "small numbers hidden.",
        "For the public: counts only, it names no student.", by_school=True),
    ReportChoice(
        ReportKind.OSPI, "Yearly OSPI collection (P21)",
        "The four parts of RCW 28A.320.1241: staff per building, agencies and organisations, incidents "
        "with discipline, force or arrest, and complaints. PDF to review; CSV writes one file per part "
        "to submit.",
        "For the state (OSPI).", district_wide=True,
        needs=(Permission.VIEW_RECORDS, Permission.VIEW_COMPLAINTS)),
    ReportChoice(
        ReportKind.BOARD, "Annual report to the board (P22)",
        "The superintendent's yearly report on the program: training, start of year, agreements, OSPI "
        "figures, complaints, requests for intervention, compliance and the disaggregated data.",
        "For the school board, and public.", csv=False, logo=True, district_wide=True,
        needs=(Permission.VIEW_RECORDS, Permission.VIEW_COMPLAINTS)),
    ReportChoice(
        ReportKind.COMPLIANCE, "Compliance and complaint status",
        "Open compliance flags by kind, open and overdue complaints, start-of-year and agreement status, "
        "per school.",
        "Internal: for principals and the district office.", by_school=True,
        needs=(Permission.VIEW_RECORDS, Permission.VIEW_COMPLAINTS)),
    ReportChoice(
        ReportKind.LISTING, "Listing of interactions",
        "Every interaction of the year, oldest first, one line each with students and staff named.",
        "Internal: school staff only (it names students).", by_school=True),
    ReportChoice(
        ReportKind.CRDC, "Civil Rights Data Collection (CRDC): referrals and arrests",
        "Students in grades K-12 referred to law enforcement and with a school-related arrest, by "
        "IDEA / Section 504 only / neither, race and ethnicity, sex and English learners, per school, "
        "with small numbers hidden. CSV in the collection's shape.",
        "For the public, and to check before the federal submission.", district_wide=True),
    ReportChoice(
        ReportKind.CRDC_DISTRICT, "CRDC: the district's submission (unsuppressed)",
        "The same counts with every number shown, to enter in the federal collection.",
        "Internal: the district office only.", district_wide=True,
        needs=(Permission.VIEW_RECORDS, Permission.EXPORT_CRDC_UNSUPPRESSED)),
)


def refusal(ctx: UiContext, choice: ReportChoice) -> str:
    """Why this account cannot make this report ("" when it can)."""
    role = ctx.actor.role.label if ctx.actor else "not signed in"
    if not all(ctx.can(p) for p in choice.needs):
        return f"Your account ({role}) cannot make this report."
    if choice.district_wide and not (ctx.actor and ctx.actor.all_schools):
        return "Made for the whole district by an account that sees every school (a district administrator)."
    return ""


def _today() -> date:
    return date.today()


class ReportsPage(QWidget):
    """A list of the reports, their choices, and "Save report…"."""

    def __init__(self, ctx: UiContext, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window_ = window
        self.setObjectName("reportsPage")
        self.running = False

        # The reports, one radio button each, with what it is for and who receives it.
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.radios: dict[str, QRadioButton] = {}
        self.refusals: dict[str, QLabel] = {}
        self.cards: dict[str, QFrame] = {}
        list_box = QWidget()
        list_box.setObjectName("reportList")
        lv = QVBoxLayout(list_box)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.setSpacing(8)
        for i, choice in enumerate(CHOICES):
            radio = QRadioButton(choice.title)
            radio.setObjectName(f"report_{choice.key}")
            radio.setAccessibleName(choice.title)
            radio.setAccessibleDescription(f"{choice.purpose} {choice.receiver}")
            font = radio.font()
            font.setBold(True)
            radio.setFont(font)
            self.group.addButton(radio, i)
            self.radios[choice.key] = radio
            purpose = hint_label(choice.purpose)
            purpose.setObjectName(f"reportPurpose_{choice.key}")
            receiver = QLabel(choice.receiver)
            receiver.setObjectName(f"reportReceiver_{choice.key}")
            receiver.setProperty("role", "reportReceiver")
            receiver.setWordWrap(True)
            why = QLabel()
            why.setObjectName(f"reportRefusal_{choice.key}")
            why.setProperty("role", "reportRefusal")
            why.setWordWrap(True)
            why.hide()
            self.refusals[choice.key] = why
            frame = QFrame()
            frame.setProperty("role", "reportCard")
            frame.setObjectName(f"reportCard_{choice.key}")
            self.cards[choice.key] = frame
            fv = QVBoxLayout(frame)
            fv.setContentsMargins(12, 8, 12, 10)
            fv.setSpacing(3)
            fv.addWidget(radio)
            for w in (purpose, receiver, why):
                w.setContentsMargins(26, 0, 0, 0)
                fv.addWidget(w)
            lv.addWidget(frame)
        lv.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("reportListScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(list_box)

        # Choices for the selected report.
        self.year = QComboBox()
        self.year.setObjectName("reportYear")
        self.year.setAccessibleName("School year")
        self.school = QComboBox()
        self.school.setObjectName("reportSchool")
        self.school.setAccessibleName("School")
        self.pdf = QRadioButton("PDF, to read and print")
        self.pdf.setObjectName("formatPdf")
        self.pdf.setAccessibleName("Format: PDF")
        self.csv = QRadioButton("CSV, for a spreadsheet")
        self.csv.setObjectName("formatCsv")
        self.csv.setAccessibleName("Format: CSV")
        self.pdf.setChecked(True)
        self.formats = QButtonGroup(self)
        self.formats.addButton(self.pdf)
        self.formats.addButton(self.csv)
        fmt_box = QWidget()
        fmt_layout = QVBoxLayout(fmt_box)
        fmt_layout.setContentsMargins(0, 0, 0, 0)
        fmt_layout.setSpacing(2)
        fmt_layout.addWidget(self.pdf)
        fmt_layout.addWidget(self.csv)
        self.logo = QLineEdit()
        self.logo.setObjectName("reportLogo")
        self.logo.setAccessibleName("Logo image for the board report")
        self.logo.setPlaceholderText("No logo (optional)")
        self.logo.setReadOnly(True)
        self.logo_button = button("Choose logo…", "chooseLogo", "Choose a logo image for the board report")
        self.logo_clear = button("Clear", "clearLogo", "Remove the logo")
        logo_buttons = QHBoxLayout()
        logo_buttons.setContentsMargins(0, 0, 0, 0)
        logo_buttons.addWidget(self.logo_button)
        logo_buttons.addWidget(self.logo_clear)
        logo_buttons.addStretch(1)
        self.logo_box = QWidget()
        logo_rows = QVBoxLayout(self.logo_box)
        logo_rows.setContentsMargins(0, 0, 0, 0)
        logo_rows.setSpacing(6)
        logo_rows.addWidget(self.logo)
        logo_rows.addLayout(logo_buttons)
        logo_rows.addWidget(hint_label("A PNG or JPEG image, printed beside the district's name."))

        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(1, 1)
        self.labels: dict[str, QLabel] = {}
        for row, (key, text, widget) in enumerate((
                ("year", "School &year", self.year), ("school", "S&chool", self.school),
                ("format", "Format", fmt_box), ("logo", "Board report &logo", self.logo_box))):
            label = QLabel(text)
            label.setProperty("role", "fieldLabel")
            if key == "format":
                label.setBuddy(self.pdf)
            elif key == "logo":
                label.setBuddy(self.logo_button)
            else:
                label.setBuddy(widget)
            self.labels[key] = label
            grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(widget, row, 1)
        grid_box = QWidget()
        grid_box.setLayout(grid)

        self.chosen_title = QLabel()
        self.chosen_title.setObjectName("reportChosenTitle")
        self.chosen_title.setProperty("role", "sectionTitle")
        self.chosen_title.setWordWrap(True)
        self.note = hint_label("", "reportNote")
        self.save_button = button("Save report…", "saveReport", "Save the report", primary=True)
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.status.setProperty("role", "reportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        # Records the last report found incomplete, each opening its record to fix it (P21).
        self.fix_label = hint_label("", "reportToFixLabel")
        self.fix_label.hide()
        self.fix_list = QListWidget()
        self.fix_list.setObjectName("reportToFix")
        self.fix_list.setAccessibleName("Incomplete records to fix")
        self.fix_list.setAccessibleDescription("Press Enter or double-click to open a record and complete it.")
        self.fix_list.setMaximumHeight(160)
        self.fix_list.hide()
        self.fix_list.itemActivated.connect(self._open_to_fix)
        options = card(self.chosen_title, grid_box, self.note, self.save_button, self.status,
                       self.fix_label, self.fix_list, name="reportOptions")
        options.setMinimumWidth(380)
        options.setMaximumWidth(520)
        right = QVBoxLayout()
        right.addWidget(options)
        right.addStretch(1)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(scroll, 3)
        body.addLayout(right, 2)
        v = QVBoxLayout(self)
        v.setContentsMargins(24, 18, 24, 18)
        v.setSpacing(10)
        v.addWidget(title_label("Reports"))
        v.addWidget(hint_label(
            "Choose a report, then its school year and format, and save it. Reports are built in the "
            "background: the status bar shows how far it is and can cancel it. Every saved report is "
            "recorded in the audit trail. To print one interaction, request or complaint, or a student's "
            "record of disclosures, open the record and press Print."))
        v.addLayout(body, 1)

        self.group.idToggled.connect(lambda _i, on: self._chosen() if on else None)
        self.formats.buttonToggled.connect(lambda *_: self._update())
        self.school.currentIndexChanged.connect(lambda _: self._update())
        self.year.currentIndexChanged.connect(lambda _: self._update())
        # What the last report came to ("Saved … to", "Not saved: …") is about that report: the
        # next choice of report, year, school, format or logo clears it.
        for changed in (self.group.idToggled, self.formats.buttonToggled,
                        self.school.currentIndexChanged, self.year.currentIndexChanged, self.logo.textChanged):
            changed.connect(lambda *_: self._forget_last_result())
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_clear.clicked.connect(lambda: self.logo.clear())
        self.logo.textChanged.connect(lambda _: self._update())
        self.save_button.clicked.connect(self.save_report)
        ctx.lookups_changed.connect(self._fill)
        self._fill()

    # ------------------------------------------------------------------ state
    def choice(self) -> ReportChoice:
        return CHOICES[max(0, self.group.checkedId())]

    def choose(self, key: str) -> None:
        self.radios[key].setChecked(True)

    def _fill(self) -> None:
        year = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        years = sorted(set(school_years_around(_today())) | set(self.ctx.years), reverse=True)
        for y in years:
            self.year.addItem(y, y)
        self.year.setCurrentIndex(max(0, self.year.findData(year or school_year_of(_today()))))
        self.year.blockSignals(False)
        school = self.school.currentData()
        self.school.blockSignals(True)
        self.school.clear()
        every = bool(self.ctx.actor and self.ctx.actor.all_schools)
        self.school.addItem("All schools" if every else "All my schools", "")
        for s in sorted(self.ctx.schools, key=lambda s: s["name"]):
            if s.get("active", True) and self.ctx.can(Permission.VIEW_RECORDS, s["id"]):
                self.school.addItem(s["name"], s.get("code") or s["id"])
        self.school.setCurrentIndex(max(0, self.school.findData(school or "")))
        self.school.blockSignals(False)
        first = None
        for choice in CHOICES:
            why = refusal(self.ctx, choice)
            self.radios[choice.key].setEnabled(not why)
            self.refusals[choice.key].setText(why)
            self.refusals[choice.key].setVisible(bool(why))
            if not why and first is None:
                first = choice.key
        current = self.group.checkedButton()
        if (current is None or not current.isEnabled()) and first is not None:
            self.radios[first].setChecked(True)
        self._chosen()

    def _chosen(self) -> None:
        c = self.choice()
        self.chosen_title.setText(c.title)
        for key, frame in self.cards.items():
            if frame.property("chosen") != (key == c.key):
                frame.setProperty("chosen", key == c.key)
                repolish(frame)
        for key, shown in (("school", c.by_school), ("logo", c.logo)):
            self.labels[key].setVisible(shown)
        self.school.setVisible(c.by_school)
        self.logo_box.setVisible(c.logo)
        self.csv.setEnabled(c.csv)
        if not c.csv:
            self.pdf.setChecked(True)
        self.csv.setToolTip("One CSV file per table, beside the name you choose." if c.csv else
                            "This report is a document to read: PDF only.")
        self._update()

    def fmt(self) -> str:
        return "csv" if self.csv.isChecked() else "pdf"

    def _update(self) -> None:
        c = self.choice()
        why = refusal(self.ctx, c)
        notes = []
        if c.key == ReportKind.OSPI and self.fmt() == "csv":
            notes.append("Writes one file per part of the collection beside the name you choose (part (a) "
                         "also gives building and district totals, part (c) lists incomplete incidents).")
        elif self.fmt() == "csv" and c.key == ReportKind.COMPLIANCE:
            notes.append("Writes one file per table beside the name you choose.")
        if c.key == ReportKind.LISTING:
            notes.append("It names students: keep it inside the school.")
        if c.key == ReportKind.DISAGGREGATED:
            notes.append("Counts below the district's threshold, and counts that would reveal them, show "
                         "as *.")
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))
        self.save_button.setEnabled(not why and not self.running and self.ctx.signed_in)
        self.save_button.setToolTip(why or ("A report is being built." if self.running else
                                           "Choose where to save it; it is built in the background."))

    # ------------------------------------------------------------------ actions
    def choose_logo(self) -> None:
        path = prompts.choose_open_file(self, "Choose the district's logo", "Images (*.png *.jpg *.jpeg)")
        if path:
            self.logo.setText(path)

    def job(self, target: str) -> ReportJob:
        c = self.choice()
        year = self.year.currentData() or school_year_of(_today())
        kwargs: dict[str, Any] = {}
        if c.by_school:
            kwargs["school"] = self.school.currentData() or ""
        return ReportJob(c.key, (year,), self.fmt(), target, kwargs,
                         logo_path=self.logo.text().strip() if c.logo else "")

    def suggested_name(self) -> str:
        c = self.choice()
        parts = [c.key, self.year.currentData() or school_year_of(_today())]
        if c.by_school and self.school.currentData():
            parts.append(str(self.school.currentData()))
        return "-".join(parts) + "." + self.fmt()

    def save_report(self) -> None:
        if not self.save_button.isEnabled():
            return
        c = self.choice()
        fmt = self.fmt()
        target = prompts.choose_save_file(
            self, f"Save the {c.title}", self.suggested_name(),
            "PDF files (*.pdf)" if fmt == "pdf" else "CSV files (*.csv)")
        if not target:
            return
        job = self.job(with_suffix(target, fmt))
        self.running = True
        self._set_status("Building the report… (Cancel is in the status bar.)", "working")
        self._update()
        start_report(self.ctx, self, job, f"Building the {c.title.split(' (')[0].lower()}",
                     self._saved, self._failed)

    def _forget_last_result(self) -> None:
        if not self.running and self.status.property("state") in ("done", "cancelled", "failed"):
            self._set_status("", "")

    def _set_status(self, text: str, kind: str) -> None:
        self.status.setText(text)
        self.status.setProperty("state", kind)
        repolish(self.status)
        self.status.setVisible(bool(text))

    def _saved(self, result: Produced | None) -> None:
        self.running = False
        self._update()
        if result is None:
            self._set_status("Cancelled: nothing was written.", "cancelled")
            return
        self._set_status(saved_message(result), "done")
        self._show_to_fix(result.to_fix)
        offer_to_open(self, result)

    def _show_to_fix(self, to_fix: tuple[tuple[str, str, str], ...]) -> None:
        self.fix_list.clear()
        for record_type, record_id, missing in to_fix:
            item = QListWidgetItem(f"{record_type.replace('_', ' ').capitalize()} {record_id[-8:]}: "
                                   f"missing {missing}")
            item.setData(Qt.ItemDataRole.UserRole, (record_type, record_id))
            item.setToolTip(record_id)
            self.fix_list.addItem(item)
        self.fix_label.setText(f"{len(to_fix):,} incident(s) are incomplete and listed as such in the report. "
                               "Open each to complete it, then save the report again." if to_fix else "")
        self.fix_label.setVisible(bool(to_fix))
        self.fix_list.setVisible(bool(to_fix))

    def _open_to_fix(self, item: QListWidgetItem) -> None:
        record_type, record_id = item.data(Qt.ItemDataRole.UserRole)
        if self.window_ is not None and hasattr(self.window_, "open_record"):
            self.window_.open_record(record_type, record_id)

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self._update()
        self._set_status("Not saved: " + prompts.explain(exc), "failed")
        prompts.show_failure(self, exc, "The report was not saved")
