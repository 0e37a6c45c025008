"""The main window: header band, section navigation, the section pages, a status bar."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.permissions import Permission
from safetydesk.services import sync as sync_service
from safetydesk.ui.app import about, shortcuts
from safetydesk.ui.app.lock import IdleWatcher, LockScreen, lock_minutes
from safetydesk.ui.app.sections import OPENERS, RESUMERS, SECTIONS
from safetydesk.ui.dashboard import DashboardPage
from safetydesk.ui.kit import geometry, prompts, wheel
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.widgets import fit_to_screen
from safetydesk.ui.kit.windows import open_tracked, track_form
from safetydesk.ui.kit.worker import BusyIndicator
from safetydesk.ui.records.interactions.listing import InteractionsPage
from safetydesk.ui.sync_status import SyncStatusIndicator

if TYPE_CHECKING:  # imported when the first form or record window opens, not at start-up
    from safetydesk.ui.records.interactions.detail import InteractionDetail
    from safetydesk.ui.records.interactions.form import InteractionForm

SYNC_EVERY_MS = 5 * 60 * 1000   # background sync (docs/sync.md); `safetydesk sync --every` alike
WATCH_INPUT_AT_LATEST_MS = 2000  # the idle watcher and wheel guard, if the first data is slow


class LazyPage(QWidget):
    """Stands in the page stack for a section page not built yet; replaced by it when first shown."""

    def __init__(self, key: str, build: Callable[[], QWidget]) -> None:
        super().__init__()
        self.setObjectName(f"lazy_{key}")
        self.build = build


class ElidedLabel(QLabel):
    """A one-line label that gives up width before anything else in its row: the text ends in
    "…" when it does not fit (the whole text is in the tooltip), so a long district name, person
    or file path never pushes the header's buttons off a small or scaled screen."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        # its full width when there is room, down to a few letters when there is not
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("MMMM…"))

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)
        self.updateGeometry()

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment() | Qt.AlignmentFlag.AlignVCenter), shown)


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

        # Built from the outside in, each widget made inside its parent: a widget tree put into
        # a parent later is styled again, whole, under the application's style sheet (each level
        # of the window did that to the pages below it: most of the window's build time).
        self.root = QStackedWidget(self)
        self.root.setObjectName("root")
        self.setCentralWidget(self.root)
        # The header stays above what scrolls, so Lock and Switch user are always in sight.
        framed = QWidget(self.root)
        framed.setObjectName("framed")
        self.root.addWidget(framed)
        fv = QVBoxLayout(framed)
        fv.setContentsMargins(0, 0, 0, 0)
        fv.setSpacing(0)

        # Header band
        header = self.header = QFrame(framed)
        header.setObjectName("headerBand")
        fv.addWidget(header)
        hh = QHBoxLayout(header)
        hh.setContentsMargins(20, 10, 20, 10)
        app_name = QLabel("SafetyDesk", header)
        app_name.setObjectName("appName")
        self.district_label = ElidedLabel("", header)
        self.district_label.setObjectName("districtName")
        self.user_label = ElidedLabel("", header)
        self.user_label.setObjectName("headerUser")
        self.switch_button = QPushButton("Switch user", header)
        self.switch_button.setObjectName("headerSwitchUser")
        self.switch_button.setProperty("role", "headerButton")
        self.switch_button.setAccessibleName("Switch user")
        self.switch_button.setAccessibleDescription(
            "Sign out so that someone else can sign in on this workstation; unsaved forms are kept "
            "as drafts.")
        self.switch_button.setToolTip("Sign out and let someone else sign in (Ctrl+L locks the window)")
        self.lock_button = QPushButton("Lock", header)
        self.lock_button.setObjectName("headerLock")
        self.lock_button.setProperty("role", "headerButton")
        self.lock_button.setAccessibleName("Lock the window")
        self.lock_button.setAccessibleDescription("Hide every record until your password is given again "
                                                  "(Ctrl+L). Open forms are kept.")
        self.lock_button.setToolTip("Lock the window while you step away (Ctrl+L)")
        self.lock_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        hh.addWidget(app_name)
        # The names give up width (and end in "…") before any button does; the buttons never shrink.
        hh.addWidget(self.district_label)
        hh.addStretch(1)
        hh.addWidget(self.user_label)
        hh.addWidget(shortcuts.header_button(self, header))
        hh.addWidget(about.header_button(self, ctx, header))
        hh.addWidget(self.lock_button)
        hh.addWidget(self.switch_button)

        # On a small or scaled screen (1366x768 at 150%) the window still fits: what does not
        # fit scrolls inside it, instead of the window running off the screen.
        self.fit_area = QScrollArea(framed)
        self.fit_area.setObjectName("fitArea")
        self.fit_area.setWidgetResizable(True)
        self.fit_area.setFrameShape(QFrame.Shape.NoFrame)
        self.fit_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        fv.addWidget(self.fit_area, 1)
        body = QWidget()
        body.setObjectName("central")
        self.fit_area.setWidget(body)  # (empty yet: nothing to style again)
        bh = QHBoxLayout(body)
        bh.setContentsMargins(0, 0, 0, 0)
        bh.setSpacing(0)

        # Navigation and pages
        self.nav = QListWidget(body)
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Sections")
        self.nav.setAccessibleDescription("Ctrl+1 to Ctrl+9 jump to a section.")
        self.nav.setFixedWidth(210)
        self.nav.setIconSize(QSize(18, 18))
        self.stack = QStackedWidget(body)
        self.stack.setObjectName("pages")
        bh.addWidget(self.nav)
        bh.addWidget(self.stack, 1)
        self.dashboard = DashboardPage(ctx, parent=self.stack)
        self.interactions = InteractionsPage(ctx, page_size=list_page_size,
                                             max_pages=list_max_pages, parent=self.stack)
        self.sections: list[tuple[str, str, QWidget]] = [
            ("dashboard", "Dashboard", self.dashboard),
            ("interactions", "Interactions", self.interactions),
        ]
        self.openers = dict(OPENERS)
        self.resumers = dict(RESUMERS)
        for section in SECTIONS:
            if section.visible is not None and not section.visible(ctx):
                continue
            # built the first time it is shown (start-up builds only the two pages above)
            self.sections.append((section.key, section.title,
                                  LazyPage(section.key, partial(section.build, ctx, self))))
        for i, (key, title, page) in enumerate(self.sections):
            # Ctrl+1..Ctrl+9 then Ctrl+0: ten sections; later ones are reached from the list.
            shortcut = f"Ctrl+{(i + 1) % 10}" if i < 10 else ""
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(shortcut)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title} ({shortcut})" if shortcut else title)
            self.nav.addItem(item)
            self.stack.addWidget(page)
            if shortcut:
                shortcuts.bind(self, shortcut, f"Show {title}", partial(self.show_section, i))
        self.nav.currentRowChanged.connect(self._show_index)
        self.nav.setCurrentRow(0)

        # The lock screen covers everything while the window is locked (built when first locked).
        self._lock_screen: LockScreen | None = None
        self.locked = False
        self._hidden_while_locked: list[QWidget] = []
        self.lock_after_minutes = 10.0
        # The application's event filters in Python (the idle watcher's; the wheel guard's, which
        # `application.build_main_window` sets aside) are put on when the window has shown its
        # first data, or before another section or a form is shown: each is called for every
        # event of every widget, thousands while the window first lays out and fills itself,
        # and the dashboard has no control a wheel turn could change (`watch_input`).
        self.idle = IdleWatcher(int(self.lock_after_minutes * 60_000), self, watch=False)
        self.idle.idle.connect(lambda: self.lock(False))
        self._input_watched = False
        self._watch_at_latest = QTimer(self)
        self._watch_at_latest.setSingleShot(True)
        self._watch_at_latest.timeout.connect(self.watch_input)
        self._watch_at_latest.start(WATCH_INPUT_AT_LATEST_MS)
        ctx.worker.busy_changed.connect(self._first_data_shown)
        self.switch_button.clicked.connect(self.switch_user)
        self.lock_button.clicked.connect(lambda: self.lock(True))
        shortcuts.bind(self, "Ctrl+L", "Lock the window", partial(self.lock, True))
        self.lock_setting_known = False
        if ctx.signed_in:
            lock_minutes(ctx, self._lock_setting_arrived)

        # Status bar
        status = self.statusBar()
        status.setObjectName("statusBar")
        self.status_user = ElidedLabel("", status)
        self.status_user.setObjectName("statusUser")
        self.status_file = ElidedLabel("", status)
        self.status_file.setObjectName("statusFile")
        self.busy = BusyIndicator(ctx.worker, status)
        status.addPermanentWidget(self.busy)
        status.addPermanentWidget(self.status_user)
        status.addPermanentWidget(self.status_file)
        self.sync_indicator = SyncStatusIndicator(lambda: sync_service.status(ctx.paths), status)
        status.addPermanentWidget(self.sync_indicator)
        if ctx.signed_in:  # sync in the background every few minutes, through the worker
            self.sync_indicator.attach_sync(
                ctx.worker, partial(sync_service.sync_now, paths=ctx.paths), SYNC_EVERY_MS)
        about.last_sync_provider = lambda c: sync_service.last_sync(c.paths)

        if ctx.can(Permission.LOG_INTERACTION):  # not offered to an account that cannot
            shortcuts.bind(self, QKeySequence.StandardKey.New, "Log a new interaction", self.new_interaction)
        shortcuts.bind(self, QKeySequence.StandardKey.Find, "Search the list shown", self.focus_search)

        self.dashboard.open_interaction.connect(self.open_interaction)
        self.dashboard.new_interaction.connect(self.new_interaction)
        self.dashboard.resume_draft.connect(self.resume_draft)
        if hasattr(self.dashboard, "open_record"):
            self.dashboard.open_record.connect(self.open_record)
        if hasattr(self.dashboard, "resume_form"):
            self.dashboard.resume_form.connect(self.resume_form)
        self.dashboard.show_list.connect(self.show_list)
        self.dashboard.open_section.connect(self._first_step)
        self.interactions.open_interaction.connect(self.open_interaction)
        ctx.lookups_changed.connect(self.update_identity)
        ctx.draft_kept.connect(self._draft_kept)
        ctx.worker.default_error = lambda exc: prompts.show_failure(self, exc)
        self.update_identity()
        # The first key press goes to the sections, not to the first header button (Shortcuts).
        self.nav.setFocus(Qt.FocusReason.OtherFocusReason)

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
    @property
    def lock_screen(self) -> LockScreen:
        """The page that covers the window while it is locked (made the first time it is needed)."""
        if self._lock_screen is None:
            screen = self._lock_screen = LockScreen(self.ctx, parent=self.root)
            self.root.addWidget(screen)
            screen.unlocked.connect(self.unlock)
            screen.switch_user.connect(self.switch_user)
        return self._lock_screen

    def _lock_setting_arrived(self, minutes: float) -> None:
        self.lock_setting_known = True
        self.set_lock_minutes(minutes)

    def set_lock_minutes(self, minutes: float) -> None:
        self.lock_after_minutes = minutes
        self.idle.set_interval(int(minutes * 60_000))

    def lock(self, by_hand: bool = False) -> None:
        """Hide every record until the signed-in account's password is given again."""
        if self.locked or not self.ctx.signed_in:
            return
        self.locked = True
        self._hidden_while_locked = [w for w in (*self.forms, *self.details.values()) if w.isVisible()]
        for w in self._hidden_while_locked:
            w.hide()
        self.root.setCurrentWidget(self.lock_screen)
        self.lock_screen.prepare(self.lock_after_minutes, by_hand=by_hand)
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

    def _first_data_shown(self, busy: bool) -> None:
        if not busy:  # after the slots that show what the worker loaded have run
            QTimer.singleShot(0, self.watch_input)

    def watch_input(self) -> None:
        """Put the idle watcher and the wheel guard on the application (once)."""
        if self._input_watched:
            return
        self._input_watched = True
        self._watch_at_latest.stop()
        with contextlib.suppress(RuntimeError, TypeError):
            self.ctx.worker.busy_changed.disconnect(self._first_data_shown)
        self.idle.watch()
        wheel.resume()

    def _show_index(self, index: int) -> None:
        if self.isVisible():
            self.watch_input()  # before a page with controls is shown
        if 0 <= index < len(self.sections):
            self._built(index)
        self.stack.setCurrentIndex(index)

    def _built(self, index: int) -> QWidget:
        """The page at ``index``, built and put in its place in the stack if it was not yet."""
        key, title, page = self.sections[index]
        if isinstance(page, LazyPage):
            holder, page = page, page.build()
            self.sections[index] = (key, title, page)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(holder)
            holder.deleteLater()
        return page

    def section_page(self, key: str) -> QWidget | None:
        """The page of section ``key`` (built now if it was not yet), or None."""
        for i, (k, _title, _page) in enumerate(self.sections):
            if k == key:
                return self._built(i)
        return None

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
        return track_form(self, form)

    _track = track

    def new_interaction(self) -> InteractionForm | None:
        from safetydesk.ui.records.interactions.form import InteractionForm

        if not self.ctx.can(Permission.LOG_INTERACTION):
            prompts.info(self, "Not available",
                         "Your account cannot log interactions. Ask a district administrator if "
                         "you need to.")
            return None
        return self._track(InteractionForm(self.ctx, parent=self))

    def amend_interaction(self, record: dict[str, Any]) -> InteractionForm:
        from safetydesk.ui.records.interactions.form import InteractionForm

        for form in self.forms:
            if form.record_id == record["id"]:
                form.raise_()
                form.activateWindow()
                return form
        return self._track(InteractionForm(self.ctx, record=record, parent=self))

    def resume_draft(self, entry: dict[str, Any]) -> InteractionForm:
        from safetydesk.ui.records.interactions.form import InteractionForm

        for form in self.forms:
            if form.draft_key == entry["key"]:
                form.raise_()
                return form
        return self._track(InteractionForm(self.ctx, draft_entry=entry, parent=self))

    def open_interaction(self, record_id: str) -> Any:
        from safetydesk.ui.records.interactions.detail import InteractionDetail

        def make() -> InteractionDetail:
            detail = InteractionDetail(self.ctx, record_id, parent=self)
            detail.amend_requested.connect(self.amend_interaction)
            return detail

        return open_tracked(self, record_id, make)

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

    def _first_step(self, key: str) -> None:
        """A first step on the dashboard: the page that does it (the first interaction: its form)."""
        if key == "interactions":
            self.new_interaction()
        else:
            self.show_section_key(key)

    def show_section_key(self, key: str) -> QWidget | None:
        for i, (k, _title, _page) in enumerate(self.sections):
            if k == key:
                self.show_section(i)
                return self.section_page(key)
        return None

    def _draft_kept(self) -> None:
        self.statusBar().showMessage("Kept as a draft: resume it from the Dashboard.", 10000)

    def showEvent(self, event: QShowEvent) -> None:
        if not event.spontaneous() and not getattr(self, "_placed", False):
            self._placed = True
            if not geometry.restore(self.ctx, self, "mainWindow"):
                fit_to_screen(self)
        super().showEvent(event)

    def remember_layout(self) -> None:
        """This person's window size and place, kept for the next start (and switch user)."""
        geometry.remember(self.ctx, self, "mainWindow")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.remember_layout()
        self.idle.uninstall()
        for form in list(self.forms):
            form.keep_draft()
            form.close()
        for detail in list(self.details.values()):
            detail.close()
        super().closeEvent(event)
