"""The main window: header band, section navigation, the section pages, a status bar."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.permissions import Permission
from safetydesk.ui import about, prompts
from safetydesk.ui.context import UiContext
from safetydesk.ui.dashboard import DashboardPage
from safetydesk.ui.detail import InteractionDetail
from safetydesk.ui.interaction_form import InteractionForm
from safetydesk.ui.interactions_list import InteractionsPage
from safetydesk.ui.lock import IdleWatcher, LockScreen, lock_minutes
from safetydesk.ui.sections import Section, extra_sections, openers, resumers
from safetydesk.ui.worker import BusyIndicator

# Sections not built yet, unless a section module provides them: what each will hold.
PLACEHOLDERS = [
    Section("staff", "Staff & training", placeholder=(
        "The registry of safety and security staff, their school assignments, and the ESD training "
        "each must complete before working with students.")),
    Section("students", "Students", placeholder=(
        "The student roster, and for each student every interaction, request and complaint that "
        "involves them.")),
    Section("requests", "Intervention requests", placeholder=(
        "Requests from staff for safety and security help, and what was done about each.")),
    Section("climate", "Climate activities", placeholder=(
        "Meetings, assemblies and relationship building by safety staff, without student names.")),
    Section("outside_requests", "Outside requests", placeholder=(
        "Requests for information from outside agencies, and how each was answered.")),
    Section("complaints", "Complaints", placeholder=(
        "Complaints about safety and security staff, from filing through investigation to the "
        "written answer.")),
    Section("start_of_year", "Start of year", placeholder=(
        "Each school's role presentations to students and families, gun safety campaign and gun "
        "safe distribution.")),
    Section("agreements", "Agreements", placeholder=(
        "Agreements with law enforcement agencies, their yearly review and the public posting.")),
    Section("reports", "Reports", placeholder=(
        "The yearly OSPI collection, the board report and printable records for families.")),
    Section("settings", "Settings", placeholder=(
        "User accounts, the inactivity lock, district choices and the audit trail.")),
]


def _sections() -> list[Section]:
    """Placeholders replaced by the real sections that exist, in placeholder order, extras after."""
    real = {s.key: s for s in extra_sections()}
    out = [real.pop(p.key, p) for p in PLACEHOLDERS]
    return out + list(real.values())


class Placeholder(QWidget):
    def __init__(self, key: str, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{key}Page")
        heading = QLabel(title)
        heading.setProperty("role", "pageTitle")
        soon = QLabel("Coming in a later release")
        soon.setObjectName("comingSoon")
        soon.setProperty("role", "comingSoon")
        what = QLabel(text)
        what.setWordWrap(True)
        what.setProperty("role", "hint")
        v = QVBoxLayout(self)
        v.setContentsMargins(24, 18, 24, 18)
        v.setSpacing(8)
        v.addWidget(heading)
        v.addWidget(soon)
        v.addWidget(what)
        v.addStretch(1)


class MainWindow(QMainWindow):
    switch_user_requested = Signal()

    def __init__(self, ctx: UiContext, *, list_page_size: int = 200, list_max_pages: int = 8,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mainWindow")
        self.setWindowTitle("SafetyDesk")
        self.resize(1320, 860)
        self.forms: list[InteractionForm] = []
        self.details: dict[str, InteractionDetail] = {}

        # Header band
        header = QFrame()
        header.setObjectName("headerBand")
        hh = QHBoxLayout(header)
        hh.setContentsMargins(20, 10, 20, 10)
        app_name = QLabel("SafetyDesk")
        app_name.setObjectName("appName")
        self.district_label = QLabel("")
        self.district_label.setObjectName("districtName")
        self.user_label = QLabel("")
        self.user_label.setObjectName("headerUser")
        self.switch_button = QPushButton("Switch user")
        self.switch_button.setObjectName("headerSwitchUser")
        self.switch_button.setProperty("role", "headerButton")
        self.switch_button.setAccessibleName("Switch user")
        self.switch_button.setAccessibleDescription(
            "Sign out so that someone else can sign in on this workstation; unsaved forms are kept "
            "as drafts.")
        self.switch_button.setToolTip("Sign out and let someone else sign in (Ctrl+L locks the window)")
        hh.addWidget(app_name)
        hh.addWidget(self.district_label)
        hh.addStretch(1)
        hh.addWidget(self.user_label)
        hh.addWidget(about.header_button(self, ctx))
        hh.addWidget(self.switch_button)

        # Navigation and pages
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Sections")
        self.nav.setAccessibleDescription("Ctrl+1 to Ctrl+9 jump to a section.")
        self.nav.setFixedWidth(210)
        self.nav.setIconSize(QSize(18, 18))
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        self.dashboard = DashboardPage(ctx)
        self.interactions = InteractionsPage(ctx, page_size=list_page_size,
                                             max_pages=list_max_pages)
        self.sections: list[tuple[str, str, QWidget]] = [
            ("dashboard", "Dashboard", self.dashboard),
            ("interactions", "Interactions", self.interactions),
        ]
        self.openers = openers()
        self.resumers = resumers()
        for section in _sections():
            if section.visible is not None and not section.visible(ctx):
                continue
            page = (section.build(ctx, self) if section.build is not None
                    else Placeholder(section.key, section.title, section.placeholder))
            self.sections.append((section.key, section.title, page))
        for i, (key, title, page) in enumerate(self.sections):
            shortcut = f"Ctrl+{i + 1}" if i < 9 else "Ctrl+0"
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(shortcut)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title} ({shortcut})")
            if isinstance(page, Placeholder):
                item.setForeground(self.palette().placeholderText())
            self.nav.addItem(item)
            self.stack.addWidget(page)
            QShortcut(QKeySequence(shortcut), self, activated=lambda i=i: self.show_section(i))
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

        body = QWidget()
        bh = QHBoxLayout(body)
        bh.setContentsMargins(0, 0, 0, 0)
        bh.setSpacing(0)
        bh.addWidget(self.nav)
        bh.addWidget(self.stack, 1)
        central = QWidget()
        central.setObjectName("central")
        cv = QVBoxLayout(central)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.setSpacing(0)
        cv.addWidget(header)
        cv.addWidget(body, 1)
        # The lock screen covers everything while the window is locked.
        self.root = QStackedWidget()
        self.root.setObjectName("root")
        self.lock_screen = LockScreen(ctx)
        self.root.addWidget(central)
        self.root.addWidget(self.lock_screen)
        self.setCentralWidget(self.root)
        self.locked = False
        self._hidden_while_locked: list[QWidget] = []
        self.lock_after_minutes = 10.0
        self.idle = IdleWatcher(int(self.lock_after_minutes * 60_000), self)
        self.idle.idle.connect(self.lock)
        self.lock_screen.unlocked.connect(self.unlock)
        self.lock_screen.switch_user.connect(self.switch_user)
        self.switch_button.clicked.connect(self.switch_user)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.lock)
        self.lock_setting_known = False
        if ctx.signed_in:
            lock_minutes(ctx, self._lock_setting_arrived)

        # Status bar
        status = self.statusBar()
        status.setObjectName("statusBar")
        self.status_user = QLabel()
        self.status_user.setObjectName("statusUser")
        self.status_file = QLabel()
        self.status_file.setObjectName("statusFile")
        self.busy = BusyIndicator(ctx.worker)
        status.addPermanentWidget(self.busy)
        status.addPermanentWidget(self.status_user)
        status.addPermanentWidget(self.status_file)

        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_interaction)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)

        self.dashboard.open_interaction.connect(self.open_interaction)
        self.dashboard.new_interaction.connect(self.new_interaction)
        self.dashboard.resume_draft.connect(self.resume_draft)
        if hasattr(self.dashboard, "open_record"):
            self.dashboard.open_record.connect(self.open_record)
        if hasattr(self.dashboard, "resume_form"):
            self.dashboard.resume_form.connect(self.resume_form)
        self.dashboard.show_list.connect(self.show_list)
        self.interactions.open_interaction.connect(self.open_interaction)
        ctx.lookups_changed.connect(self.update_identity)
        ctx.worker.records_changed.connect(self._records_changed)
        ctx.worker.default_error = lambda exc: prompts.show_failure(self, exc)
        self.update_identity()

    # ------------------------------------------------------------------ identity
    def update_identity(self) -> None:
        actor = self.ctx.actor
        district = self.ctx.district_name
        self.district_label.setText(district)
        self.setWindowTitle(f"SafetyDesk — {district}" if district else "SafetyDesk")
        if actor is None:
            self.user_label.setText("Not signed in")
            self.status_user.setText("Not signed in")
        else:
            self.user_label.setText(f"{actor.display_name} · {actor.role.label}")
            self.status_user.setText(
                f"Signed in as {actor.username} ({actor.role.label})"
                + (f" · {district}" if district else ""))
        self.status_file.setText(f"Data file: {self.ctx.paths.data_file}")
        self.status_file.setToolTip(str(self.ctx.paths.data_file))

    # ------------------------------------------------------------------ lock and switch user
    def _lock_setting_arrived(self, minutes: float) -> None:
        self.lock_setting_known = True
        self.set_lock_minutes(minutes)

    def set_lock_minutes(self, minutes: float) -> None:
        self.lock_after_minutes = minutes
        self.idle.set_interval(int(minutes * 60_000))

    def lock(self) -> None:
        """Hide every record until the signed-in account's password is given again."""
        if self.locked or not self.ctx.signed_in:
            return
        self.locked = True
        self._hidden_while_locked = [w for w in (*self.forms, *self.details.values()) if w.isVisible()]
        for w in self._hidden_while_locked:
            w.hide()
        self.root.setCurrentWidget(self.lock_screen)
        self.lock_screen.prepare(self.lock_after_minutes)
        self.idle.pause()

    def unlock(self) -> None:
        self.locked = False
        self.root.setCurrentIndex(0)
        for w in self._hidden_while_locked:
            w.show()
        self._hidden_while_locked = []
        self.idle.resume()

    def switch_user(self) -> None:
        """Keep unsaved forms as their author's drafts, close every record, ask for the next user."""
        for form in list(self.forms):
            form.keep_draft()
            form.close()
        for detail in list(self.details.values()):
            detail.close()
        self._hidden_while_locked = []
        self.idle.uninstall()
        self.switch_user_requested.emit()

    # ------------------------------------------------------------------ navigation
    def show_section(self, index: int) -> None:
        if 0 <= index < len(self.sections):
            self.nav.setCurrentRow(index)

    def section_key(self) -> str:
        return self.sections[self.stack.currentIndex()][0]

    def focus_search(self) -> None:
        self.show_section(1)
        self.interactions.focus_search()

    def show_list(self, values: dict[str, Any]) -> None:
        self.show_section(1)
        self.interactions.show_filter(**values)
        self.interactions.table.setFocus()

    # ------------------------------------------------------------------ records
    def track(self, form: Any) -> Any:
        """Own a form window: the lock hides it, Switch user keeps it as a draft and closes it."""
        return self._track(form)

    def _track(self, form: InteractionForm) -> InteractionForm:
        self.forms.append(form)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.destroyed.connect(lambda *_: self.forms.remove(form) if form in self.forms else None)
        form.saved.connect(lambda rid: self.statusBar().showMessage("Saved.", 6000))
        form.show()
        form.raise_()
        form.activateWindow()
        return form

    def new_interaction(self) -> InteractionForm | None:
        if not self.ctx.can(Permission.LOG_INTERACTION):
            prompts.info(self, "Not available",
                         "Your account cannot log interactions. Ask a district administrator if "
                         "you need to.")
            return None
        return self._track(InteractionForm(self.ctx, parent=self))

    def amend_interaction(self, record: dict[str, Any]) -> InteractionForm:
        for form in self.forms:
            if form.record_id == record["id"]:
                form.raise_()
                form.activateWindow()
                return form
        return self._track(InteractionForm(self.ctx, record=record, parent=self))

    def resume_draft(self, entry: dict[str, Any]) -> InteractionForm:
        for form in self.forms:
            if form.draft_key == entry["key"]:
                form.raise_()
                return form
        return self._track(InteractionForm(self.ctx, draft_entry=entry, parent=self))

    def open_interaction(self, record_id: str) -> InteractionDetail:
        detail = self.details.get(record_id)
        if detail is None:
            detail = InteractionDetail(self.ctx, record_id, parent=self)
            detail.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            detail.destroyed.connect(lambda *_: self.details.pop(record_id, None))
            detail.amend_requested.connect(self.amend_interaction)
            self.details[record_id] = detail
        detail.show()
        detail.raise_()
        detail.activateWindow()
        return detail

    def open_record(self, record_type: str, record_id: str) -> Any:
        """Show any record by type and id (dashboard items, links between records)."""
        if record_type == "interaction":
            return self.open_interaction(record_id)
        opener = self.openers.get(record_type)
        if opener is None:
            prompts.info(self, "Not available yet",
                         "This kind of record cannot be opened from here yet.")
            return None
        return opener(self, record_id)

    def resume_form(self, entry: dict[str, Any]) -> Any:
        """Reopen a kept draft of any form other than an interaction's."""
        resumer = self.resumers.get(entry.get("form", ""))
        if resumer is None:
            prompts.info(self, "Not available", "This kind of draft cannot be resumed here.")
            return None
        return resumer(self, entry)

    def show_section_key(self, key: str) -> QWidget | None:
        for i, (k, _title, page) in enumerate(self.sections):
            if k == key:
                self.show_section(i)
                return page
        return None

    def _records_changed(self, what: str) -> None:
        if what == "admin.save_draft":
            self.statusBar().showMessage(
                "Kept as a draft: resume it from the Dashboard.", 10000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.idle.uninstall()
        for form in list(self.forms):
            form.keep_draft()
            form.close()
        for detail in list(self.details.values()):
            detail.close()
        super().closeEvent(event)
