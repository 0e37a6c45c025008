"""The first-run choice: set up a district, or explore demo data."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.records import SchoolDraft
from safetydesk.domain.vocab import Role
from safetydesk.services import accounts, files
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.layout import FormBuilder
from safetydesk.ui.kit.managed import mark_managed
from safetydesk.ui.kit.password import PasswordMeter
from safetydesk.ui.kit.widgets import hint_label, title_label


def _generate_demo(paths: Any, progress: Any = None) -> Any:
    """Runs on the worker. Imported late: the demo generator is an optional part of a build."""
    from safetydesk import demo

    return demo.generate(paths, seed=4311, interactions=None, progress=progress)


class FirstRunDialog(QDialog):
    """No data file yet: set up the district, or explore with demo data."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("firstRunDialog")
        self.setWindowTitle("Welcome to SafetyDesk")
        self.resize(640, 430)  # the choice page; the set-up form and demo summary make room
        self.session: Any = None  # set when a district was created (signed in as its administrator)
        self.username = ""
        self.demo_summary: Any = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self._choice_page())
        self.pages.addWidget(self._setup_page())
        self.pages.addWidget(self._demo_page())
        v = QVBoxLayout(self)
        v.setContentsMargins(28, 24, 28, 20)
        v.addWidget(self.pages)

    # ------------------------------------------------------------------ pages
    def _choice_page(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setSpacing(14)
        v.addWidget(title_label("Welcome to SafetyDesk"))
        v.addWidget(hint_label(
            "SafetyDesk keeps your district's records of school safety and security services "
            f"under Policy 4311. There is no data file in {self.ctx.paths.data} yet."))
        setup = QPushButton("Set up my district…")
        setup.setObjectName("chooseSetup")
        setup.setProperty("primary", True)
        setup.setAccessibleDescription("Create a new data file with your district, its schools "
                                       "and the first administrator account.")
        demo = QPushButton("Explore with demo data")
        demo.setObjectName("chooseDemo")
        demo.setAccessibleDescription("Fill SafetyDesk with invented schools, staff, students and "
                                      "interactions to try it out. No real student data.")
        quit_ = QPushButton("Quit")
        quit_.setObjectName("quitButton")
        for button, text in (
            (setup, "For real use: your district, its schools and the first administrator."),
            (demo, "To try SafetyDesk: invented schools, staff, students and interactions, "
                   "with one account per role."),
        ):
            box = QFrame()
            box.setProperty("role", "card")
            bv = QVBoxLayout(box)
            bv.addWidget(button)
            bv.addWidget(hint_label(text))
            v.addWidget(box)
        v.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(quit_)
        v.addLayout(row)
        setup.clicked.connect(lambda: self._show_page(1))
        demo.clicked.connect(self.start_demo)
        quit_.clicked.connect(self.reject)
        return page

    def _setup_page(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setSpacing(10)
        v.addWidget(title_label("Set up your district"))
        form = FormBuilder()
        self.setup_form = form
        self.district = QLineEdit()
        self.district.setPlaceholderText("For example: Olympia School District")
        form.add("district", "&District name", self.district, object_name="districtName")
        mark_managed(form)  # the district's site configuration may preset the name
        self.schools = QPlainTextEdit()
        self.schools.setTabChangesFocus(True)
        self.schools.setPlaceholderText("Capital High School\nJefferson Middle School\n…")
        self.schools.setMinimumHeight(120)
        form.add("schools", "&Schools", self.schools, object_name="schoolNames", top_aligned=True,
                 hint="One school per line. You can add more later.")
        self.admin = QLineEdit()
        form.add("username", "&Administrator user name", self.admin, object_name="adminUser",
                 description="The first district administrator account; it can add the others.")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.add("password", "&Password", self.password, object_name="adminPassword",
                 description="The first administrator's password opens every school's records: "
                             f"at least {accounts.MIN_ADMIN_PASSWORD_LENGTH} characters, not a common one.")
        # Said while it is typed, by the same rules the services apply when the file is created.
        self.password_meter = PasswordMeter(self.password, username=lambda: self.admin.text().strip(),
                                            role=lambda: Role.DISTRICT_ADMIN.value,
                                            extra_words=lambda: [self.district.text().strip()],
                                            name="adminPasswordMeter")
        form.add_widget(self.password_meter)
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        form.add("password2", "Password &again", self.password2, object_name="adminPassword2")
        # The fields scroll, the buttons do not: at 150% on a 768-pixel screen the page is taller
        # than the screen, and "Create the data file" stays in view.
        scroll = QScrollArea()
        scroll.setObjectName("setupScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form.widget)
        v.addWidget(scroll, 1)
        back = QPushButton("Back")
        create = QPushButton("Create the data file")
        create.setObjectName("createButton")
        create.setProperty("primary", True)
        create.setDefault(True)
        self.create_button = create
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(create)
        v.addLayout(row)
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        create.clicked.connect(self.create_district)
        return page

    def _demo_page(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.setSpacing(12)
        v.addWidget(title_label("Demo data"))
        self.demo_text = hint_label("Generating invented schools, staff, students and interactions…")
        self.demo_text.setObjectName("demoText")
        self.demo_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_bar = QProgressBar()
        self.demo_bar.setObjectName("demoProgress")
        self.demo_bar.setAccessibleName("Progress generating demo data")
        self.demo_bar.setRange(0, 0)
        v.addWidget(self.demo_text)
        v.addWidget(self.demo_bar)
        v.addStretch(1)
        self.demo_continue = QPushButton("Continue to sign in")
        self.demo_continue.setObjectName("demoContinue")
        self.demo_continue.setProperty("primary", True)
        self.demo_continue.setEnabled(False)
        self.demo_continue.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.demo_continue)
        v.addLayout(row)
        return page

    # ------------------------------------------------------------------ actions
    def create_district(self) -> None:
        for row in self.setup_form.rows.values():
            row.set_error("")
        if self.password.text() != self.password2.text():
            self.setup_form.rows["password2"].set_error("The two passwords are not the same.")
            return
        names = [line.strip() for line in self.schools.toPlainText().splitlines() if line.strip()]
        schools = [SchoolDraft(name=n) for n in names]
        self.create_button.setEnabled(False)
        self.ctx.worker.call(files.create_data_file, self.ctx.paths, self.district.text().strip(),
                             schools, self.admin.text().strip(), self.password.text(),
                             done=self._created, error=self._create_failed, owner=self,
                             label="Creating the data file")

    def _created(self, session: Any) -> None:
        self.session = session
        self.username = self.admin.text().strip()
        self.accept()

    def _create_failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            by_row: dict[str, list[str]] = {}
            for e in exc.errors:
                name = getattr(e, "field", "")
                by_row.setdefault(name if name in self.setup_form.rows else "district", []).append(str(e))
            for name, messages in by_row.items():  # every reason, not only the last one
                self.setup_form.rows[name].set_error(" ".join(messages))
            return
        prompts.show_failure(self, exc, "The data file was not created")

    def _show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        room = screen.height() - 60 if screen is not None else 620  # the title bar and a margin
        self.resize(self.width(), min(max(self.height(), 620), room))

    def start_demo(self) -> None:
        self._show_page(2)
        self.ctx.worker.job_progress.connect(self._demo_progress)
        self.ctx.worker.call(_generate_demo, self.ctx.paths, progress=True, done=self._demo_done,
                             error=self._demo_failed, owner=self, label="Generating demo data")

    def _demo_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.demo_bar.setRange(0, total)
            self.demo_bar.setValue(min(done, total))

    def _demo_done(self, summary: Any) -> None:
        self.demo_summary = summary
        self.demo_bar.setRange(0, 1)
        self.demo_bar.setValue(1)
        counts = getattr(summary, "counts", {}) or {}
        lines = [f"{n:,} {what}" for what, n in counts.items()]
        accounts_ = getattr(summary, "accounts", []) or []
        users = [f"<b>{u}</b> — {Role.label_of(str(r))}" for u, r in accounts_]
        self.demo_text.setTextFormat(Qt.TextFormat.RichText)
        self.demo_text.setText(
            "Demo data is ready. Every name in it is invented.<br><br>"
            + ("<br>".join(lines) + "<br><br>" if lines else "")
            + "Sign in with any of these accounts; the password of each is <b>demo</b>:<br>"
            + "<br>".join(users))
        if accounts_:
            self.username = str(accounts_[0][0])
        self.demo_continue.setEnabled(True)
        self.demo_continue.setFocus()

    def _demo_failed(self, exc: BaseException) -> None:
        self.pages.setCurrentIndex(0)
        if isinstance(exc, ImportError):
            prompts.error(self, "Demo data", "Demo data is not available in this build of "
                          "SafetyDesk. Set up your district instead.")
            return
        prompts.show_failure(self, exc, "Demo data was not created")
