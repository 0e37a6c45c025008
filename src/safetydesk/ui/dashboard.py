"""The dashboard: what needs attention (overdue, flagged, due soon), this school year's figures,
recent interactions, saved drafts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import SafetyDeskError
from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.permissions import Permission
from safetydesk.domain.validation import school_year_of
from safetydesk.domain.vocab import InteractionType
from safetydesk.services import admin, interactions
from safetydesk.services import dashboard as dashboard_service
from safetydesk.ui.kit import formatting, prompts
from safetydesk.ui.kit.context import UiContext

STATS: list[tuple[str, str, dict[str, Any]]] = [
    ("interactions", "Interactions", {}),
    ("discipline", "Discipline-related", {"discipline_only": True}),
    ("force", "Use of force", {"outcome": "use_of_force"}),
    ("arrests", "Arrests", {"outcome": "arrest"}),
]


RECENT = 12


def load_dashboard(session: Any, today: date | None = None, view: str = "mine") -> dict[str, Any]:
    """Runs on the worker: everything the dashboard shows, in one trip. ``view`` "mine" is what
    the person can act on; "district" is every item the person may see, old ones too."""
    today = today or session.clock().date()  # the session's clock: tests and the demo set it
    year = school_year_of(today)
    data: dict[str, Any] = {"years": dashboard_service.interactions_per_year(session), "today": today,
                            "view": view}
    data["recent"] = interactions.list_interactions(session, InteractionFilter(), 0, RECENT)
    data["school_year"] = year
    data["this_year"] = dashboard_service.year_figures(session, year)
    data["drafts"] = admin.drafts(session)
    try:
        every = dashboard_service.dashboard_items(session, today, view="district")
    except SafetyDeskError:  # an account that may see none of the sources
        every = []
    mine = [i for i in every if dashboard_service.can_act_on(session.actor, i)
            and not dashboard_service.is_old(i, today)]
    data["attention"] = every if view == "district" else mine
    data["elsewhere"] = len(every) - len(mine)  # in the district view only
    try:
        data["first_steps"] = dashboard_service.first_steps(session, today)
    except SafetyDeskError:
        data["first_steps"] = []
    return data


SEVERITY_COLOURS = {"overdue": "#a4262c", "flag": "#8a4b00", "due_soon": "#1f5f8b", "info": "#5f6b7a"}
SEVERITY_LABELS = {"overdue": "Overdue", "flag": "Flagged", "due_soon": "Due soon", "info": "To do"}
# Record kinds the first steps count (not shown elsewhere on the dashboard).
FIRST_STEP_KINDS = frozenset({"student", "user"})
ATTENTION_ROWS = 60  # more than this and the panel says how many more there are
DRAFT_TITLES = {
    "complaint": "New complaint", "interaction": "New interaction", "staff": "New staff member",
    "staff_training": "Staff training record", "intervention_request": "New intervention request",
    "climate_activity": "New climate activity", "outside_request": "New outside information request",
}


class StatCard(QFrame):
    """A figure with its label; click or Enter shows those interactions in the list."""

    activated = Signal()

    def __init__(self, key: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"stat_{key}")
        self.setProperty("role", "statCard")
        self.setProperty("stat", key)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.number = QLabel("–")
        self.number.setObjectName(f"stat_{key}_value")
        self.number.setProperty("role", "statNumber")
        self.caption = QLabel(label)
        self.caption.setProperty("role", "statLabel")
        self.sub = QLabel()
        self.sub.setProperty("role", "hint")
        v = QVBoxLayout(self)
        v.setContentsMargins(18, 14, 18, 14)
        v.setSpacing(2)
        v.addWidget(self.caption)
        v.addWidget(self.number)
        v.addWidget(self.sub)
        self.label = label

    def set_value(self, n: int, sub: str) -> None:
        self.number.setText(f"{n:,}")
        self.sub.setText(sub)
        self.setAccessibleName(f"{self.label}: {n:,} {sub}. Press Enter to list them.")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.activated.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activated.emit()
            return
        super().keyPressEvent(event)


class YearBars(QWidget):
    """Interactions per school year as quiet horizontal bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("yearBars")
        self.years: list[tuple[str, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_years(self, years: list[tuple[str, int]]) -> None:
        self.years = list(years)[:8]
        self.setFixedHeight(max(30, 28 * len(self.years) + 4))
        self.setAccessibleName("Interactions per school year: " + "; ".join(
            f"{y}: {n:,}" for y, n in self.years))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if not self.years:
            p.setPen(QColor("#5f6b7a"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       "No interactions recorded yet.")
            return
        top = max(n for _, n in self.years) or 1
        label_w, number_w = 64, 64
        bar_w = max(10, self.width() - label_w - number_w - 8)
        font = QFont(self.font())
        p.setFont(font)
        for i, (year, n) in enumerate(self.years):
            y = 4 + i * 28
            p.setPen(QColor("#27313d"))
            p.drawText(QRectF(0, y, label_w, 20), Qt.AlignmentFlag.AlignVCenter, year or "—")
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#e6eaef"))
            p.drawRoundedRect(QRectF(label_w, y + 4, bar_w, 12), 6, 6)
            p.setBrush(QColor("#2f6f9f" if i == 0 else "#8fb3cf"))
            p.drawRoundedRect(QRectF(label_w, y + 4, max(12, bar_w * n / top), 12), 6, 6)
            p.setPen(QColor("#27313d"))
            p.drawText(QRectF(label_w + bar_w + 8, y, number_w, 20),
                       Qt.AlignmentFlag.AlignVCenter, f"{n:,}")


def _card(title: str, *widgets: QWidget, name: str = "") -> QFrame:
    frame = QFrame()
    frame.setProperty("role", "card")
    if name:
        frame.setObjectName(name)
    v = QVBoxLayout(frame)
    v.setContentsMargins(18, 14, 18, 14)
    v.setSpacing(8)
    heading = QLabel(title)
    heading.setProperty("role", "sectionTitle")
    v.addWidget(heading)
    for w in widgets:
        v.addWidget(w)
    return frame


class FirstSteps(QFrame):
    """A new district's first steps, each with the section that does it; done ones ticked."""

    open_section = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstStepsCard")
        self.setProperty("role", "card")
        self.v = QVBoxLayout(self)
        self.v.setContentsMargins(18, 14, 18, 14)
        self.v.setSpacing(6)
        heading = QLabel("First steps")
        heading.setProperty("role", "sectionTitle")
        self.intro = QLabel("SafetyDesk is set up. These steps get your district ready; each "
                            "button opens the page that does it.")
        self.intro.setProperty("role", "hint")
        self.intro.setWordWrap(True)
        self.v.addWidget(heading)
        self.v.addWidget(self.intro)
        self.rows: list[QWidget] = []
        self.buttons: dict[str, QPushButton] = {}

    def set_steps(self, steps: list[Any]) -> None:
        for w in self.rows:
            w.deleteLater()
        self.rows, self.buttons = [], {}
        for step in steps:
            row = QWidget()
            h = QHBoxLayout(row)
            h.setContentsMargins(0, 0, 0, 0)
            mark = QLabel("✓" if step.done else "○")
            mark.setFixedWidth(18)
            mark.setAccessibleName("Done" if step.done else "Not done yet")
            title = QPushButton(step.title)
            title.setObjectName(f"firstStep_{step.key}")
            title.setProperty("flat", True)
            title.setToolTip(step.detail)
            title.setAccessibleName(f"{step.title} ({'done' if step.done else 'not done yet'})")
            title.setAccessibleDescription(step.detail)
            title.clicked.connect(lambda _=False, section=step.section: self.open_section.emit(section))
            detail = QLabel(("Done. " if step.done else "") + step.detail)
            detail.setProperty("role", "hint")
            detail.setWordWrap(True)
            h.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
            col = QVBoxLayout()
            col.setSpacing(0)
            col.addWidget(title, 0, Qt.AlignmentFlag.AlignLeft)
            col.addWidget(detail)
            h.addLayout(col, 1)
            self.v.addWidget(row)
            self.rows.append(row)
            self.buttons[step.key] = title


class DashboardPage(QWidget):
    open_interaction = Signal(str)
    new_interaction = Signal()
    resume_draft = Signal(dict)
    show_list = Signal(dict)  # filter values for the interactions list
    open_record = Signal(str, str)  # record type, record id: an item that needs attention
    resume_form = Signal(dict)  # a draft of a form other than the interaction form
    open_section = Signal(str)  # a first step: the section that does it

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dashboardPage")
        self.data: dict[str, Any] | None = None
        self.view = "mine"
        # Built from the outside in: the scroll area and its body are in the page (and so in the
        # window) before the rest is made, so each part is styled once, as it is put in; a tree
        # built apart and then put into the window is styled again, whole (issue 14).
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        body.setObjectName("dashboardBody")
        scroll.setWidget(body)
        v = QVBoxLayout(body)
        v.setContentsMargins(24, 18, 24, 18)
        v.setSpacing(16)

        self.greeting = QLabel("Welcome")
        self.greeting.setObjectName("greeting")
        self.greeting.setProperty("role", "pageTitle")
        self.today = QLabel()
        self.today.setProperty("role", "hint")
        self.new_button = QPushButton("Log an interaction")
        self.new_button.setObjectName("newInteractionButton")
        self.new_button.setProperty("primary", True)
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.setAccessibleName("Log a new interaction (Ctrl+N)")
        self.new_button.clicked.connect(self.new_interaction)
        # Only what the person can do: a read-only reviewer has no "Log an interaction". (Hidden
        # here, not shown: showing a widget that has no parent yet makes it a window of its own.)
        if not ctx.can(Permission.LOG_INTERACTION):
            self.new_button.hide()
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.greeting)
        titles.addWidget(self.today)
        head.addLayout(titles, 1)
        head.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignBottom)

        fit = QHeaderView.ResizeMode.ResizeToContents
        self.cards: dict[str, StatCard] = {}
        # four in a row, or two rows of two when the page is narrow (1366x768 at 150%): see resizeEvent
        stats = self.stats_grid = QGridLayout()
        stats.setSpacing(14)
        for i, (key, label, kw) in enumerate(STATS):
            card = StatCard(key, label)
            card.activated.connect(lambda kw=kw: self._show_stat(kw))
            self.cards[key] = card
            stats.addWidget(card, 0, i)
        self.stats_columns = len(STATS)

        self.attention = QTableWidget(0, 4)
        self.attention.setObjectName("attentionTable")
        self.attention.setAccessibleName("Needs attention")
        self.attention.setAccessibleDescription(
            "Overdue, flagged and soon-due items for your schools. Press Enter or double-click to open one.")
        self.attention.setHorizontalHeaderLabels(["", "What needs attention", "School", "Due"])
        self.attention.verticalHeader().setVisible(False)
        self.attention.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attention.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attention.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.attention.setShowGrid(False)
        self.attention.setWordWrap(False)
        self.attention.setTabKeyNavigation(False)
        self.attention.verticalHeader().setDefaultSectionSize(30)
        ah = self.attention.horizontalHeader()
        ah.setHighlightSections(False)
        for col, mode in enumerate((fit, QHeaderView.ResizeMode.Stretch, fit, fit)):
            ah.setSectionResizeMode(col, mode)
        self.attention.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.attention.setMinimumHeight(150)
        self.attention.setMaximumHeight(260)
        self.attention.doubleClicked.connect(lambda i: self._open_attention(i.row()))
        self.attention.installEventFilter(self)
        self.attention_items: list[Any] = []
        self.attention_summary = QLabel()
        self.attention_summary.setObjectName("attentionSummary")
        self.attention_summary.setTextFormat(Qt.TextFormat.RichText)
        self.attention_summary.setWordWrap(True)
        self.attention_empty = QLabel("Nothing is overdue, flagged or due soon at your schools.")
        self.attention_empty.setObjectName("attentionEmpty")
        self.attention_empty.setProperty("role", "hint")
        self.attention_empty.setWordWrap(True)
        # Old items and those others act on are in the district view, for accounts that see it.
        self.view_button = QPushButton()
        self.view_button.setObjectName("attentionViewButton")
        self.view_button.setProperty("flat", True)
        self.view_button.setAccessibleName("Switch between what you can act on and the district view")
        self.view_button.clicked.connect(self._toggle_view)
        self.attention_card = _card("Needs attention", self.attention_summary, self.attention,
                                    self.attention_empty, self.view_button, name="attentionCard")
        self.first_steps = FirstSteps()
        self.first_steps.open_section.connect(self.open_section)
        self.first_steps.hide()

        self.recent = QTableWidget(0, 5)
        self.recent.setObjectName("recentTable")
        self.recent.setAccessibleName("Recent interactions")
        self.recent.setAccessibleDescription("Press Enter or double-click to open one.")
        self.recent.setHorizontalHeaderLabels(["When", "School", "Type", "Students", "Flags"])
        self.recent.verticalHeader().setVisible(False)
        self.recent.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recent.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recent.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.recent.setShowGrid(False)
        self.recent.setWordWrap(False)
        self.recent.setTabKeyNavigation(False)
        self.recent.verticalHeader().setDefaultSectionSize(30)
        hh = self.recent.horizontalHeader()
        hh.setStretchLastSection(True)
        hh.setHighlightSections(False)
        for col, mode in enumerate((fit, QHeaderView.ResizeMode.Stretch, fit,
                                    QHeaderView.ResizeMode.Stretch, fit)):
            hh.setSectionResizeMode(col, mode)
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent.setMinimumHeight(200)
        self.recent.doubleClicked.connect(lambda i: self._open_recent(i.row()))
        self.recent.installEventFilter(self)
        see_all = QPushButton("See all interactions")
        see_all.setObjectName("seeAllButton")
        see_all.setAccessibleName("See all interactions")
        see_all.setProperty("flat", True)
        see_all.clicked.connect(lambda: self.show_list.emit({}))

        self.drafts = QListWidget()
        self.drafts.setObjectName("draftList")
        self.drafts.setAccessibleName("Your saved drafts")
        self.drafts.setMaximumHeight(150)
        self.drafts.setWordWrap(True)
        self.drafts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.drafts.itemActivated.connect(lambda _: self._resume())
        self.no_drafts = QLabel("No unfinished forms. Anything you close before saving waits here.")
        self.no_drafts.setObjectName("noDrafts")
        self.no_drafts.setProperty("role", "hint")
        self.no_drafts.setWordWrap(True)
        self.resume_button = QPushButton("Resume draft")
        self.resume_button.setObjectName("resumeDraft")
        self.resume_button.setAccessibleName("Resume draft")
        self.resume_button.setAccessibleDescription("Reopen the selected unfinished form where you left it.")
        self.resume_button.setProperty("primary", True)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setObjectName("discardDraft")
        self.discard_button.setAccessibleName("Discard draft")
        self.discard_button.setAccessibleDescription("Delete the selected unfinished form for good.")
        self.resume_button.clicked.connect(self._resume)
        self.discard_button.clicked.connect(self._discard)
        draft_buttons = QWidget()
        dh = QHBoxLayout(draft_buttons)
        dh.setContentsMargins(0, 0, 0, 0)
        dh.addStretch(1)
        dh.addWidget(self.discard_button)
        dh.addWidget(self.resume_button)
        self.draft_buttons = draft_buttons
        self.drafts_card = _card("Your unfinished forms", self.no_drafts, self.drafts, draft_buttons,
                                 name="draftsCard")

        self.years = YearBars()
        years_card = _card("Interactions per school year", self.years)
        self.scope_note = QLabel()
        self.scope_note.setProperty("role", "hint")
        self.scope_note.setWordWrap(True)
        years_layout = years_card.layout()
        if years_layout is not None:
            years_layout.addWidget(self.scope_note)

        recent_card = _card("Recent interactions", self.recent, see_all, name="recentCard")
        side = QVBoxLayout()
        side.setSpacing(14)
        side.addWidget(self.drafts_card)
        side.addWidget(years_card)
        side.addStretch(1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.addWidget(recent_card, 0, 0)
        grid.addLayout(side, 0, 1)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 2)
        side_widget_width = 360
        self.drafts_card.setMinimumWidth(side_widget_width)

        v.addLayout(head)
        v.addWidget(self.first_steps)
        v.addWidget(self.attention_card)
        v.addLayout(stats)
        v.addLayout(grid, 1)
        self._show_drafts([])
        ctx.worker.records_changed.connect(self._records_changed)
        ctx.lookups_changed.connect(self._render)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.signed_in:
            self.ctx.worker.read(load_dashboard, None, self.view, done=self._loaded,
                                 key=f"dashboard:{id(self)}", owner=self, label="Loading the dashboard")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange_stats()

    def _arrange_stats(self) -> None:
        """Two rows of two figures when four in a row would not fit, so the page never scrolls
        sideways (1280x720 and 1366x768 at 150%); again when the figures arrive (they widen)."""
        cards = list(self.cards.values())
        across = sum(c.minimumSizeHint().width() for c in cards) + 14 * (len(cards) - 1) + 48 + 20
        columns = len(cards) if self.width() >= across else 2
        if columns != self.stats_columns:
            self.stats_columns = columns
            for card in cards:
                self.stats_grid.removeWidget(card)
            for i, card in enumerate(cards):
                self.stats_grid.addWidget(card, i // columns, i % columns)

    def _records_changed(self, changes: Any) -> None:
        # A write it shows nothing of: no reload (while the first steps show, they count students
        # and accounts too).
        if dashboard_service.shows(changes.kinds) or (
                not self.first_steps.isHidden() and changes.kinds & FIRST_STEP_KINDS):
            self.refresh()

    def can_see_district_view(self) -> bool:
        """The toggle is there when the district view holds more (older items, others' work)."""
        return self.view == "district" or bool(self.data and self.data.get("elsewhere"))

    def _toggle_view(self) -> None:
        self.view = "district" if self.view == "mine" else "mine"
        self.refresh()

    def _loaded(self, data: dict[str, Any]) -> None:
        self.data = data
        self._render()

    def _render(self) -> None:
        now = datetime.now()
        part = "morning" if now.hour < 12 else "afternoon" if now.hour < 17 else "evening"
        name = self.ctx.actor.display_name if self.ctx.actor else ""
        self.greeting.setText(f"Good {part}, {name}" if name else f"Good {part}")
        if self.data is None:
            return
        year = self.data["school_year"]
        today = self.data.get("today") or now.date()
        self.today.setText(f"{formatting.long_day(today)} · {year} school year")
        self.new_button.setVisible(self.ctx.can(Permission.LOG_INTERACTION))
        steps = self.data.get("first_steps") or []
        self.first_steps.set_steps(steps)
        self.first_steps.setVisible(any(not s.done for s in steps))
        for key, card in self.cards.items():
            card.set_value(self.data["this_year"][key], f"this school year ({year})")
        self._arrange_stats()
        self._show_recent(self.data["recent"])
        self._show_drafts(self.data["drafts"])
        self._show_attention(self.data.get("attention", []))
        self.years.set_years(self.data["years"])
        actor = self.ctx.actor
        self.scope_note.setText(
            "Counts cover every school in the district." if actor is None or actor.all_schools
            else "Counts cover the schools your account may see.")

    def _show_recent(self, rows: list[dict[str, Any]]) -> None:
        self.recent.setRowCount(len(rows))
        for r, row in enumerate(rows):
            flags = ["Discipline-related"] if row.get("discipline_related") else []
            flags += ["Resulted in discipline" if f == "Discipline" else f
                      for f in formatting.outcomes(row)]
            values = [
                formatting.short_when(row["occurred_at"]),
                row.get("school_name") or self.ctx.school_name(row["school_id"]),
                InteractionType.label_of(row["type"]),
                row.get("students_label") or "",
                " · ".join(flags),
            ]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row["id"])
                if c == 4 and (row.get("use_of_force") or row.get("arrest")):
                    item.setForeground(QColor("#a4262c"))
                self.recent.setItem(r, c, item)

    def _show_drafts(self, drafts: list[dict[str, Any]]) -> None:
        self.drafts.clear()
        for d in drafts:
            data = d.get("data", {})
            draft = data.get("draft", {})
            form = d.get("form") or "interaction"
            if form == "interaction":
                what = "Correction of an interaction" if data.get("mode") == "amend" else "New interaction"
                when = formatting.short_when(draft.get("occurred_at", ""))
                place = draft.get("location") or "no location yet"
            else:
                noun = DRAFT_TITLES.get(form, form.replace("_", " ").capitalize())
                what = f"Correction: {noun.lower().replace('new ', '')}" if d.get("record_id") else noun
                when = (draft.get("received_date") or draft.get("date") or draft.get("requested_at")
                        or draft.get("activity_date") or draft.get("received_on") or "")
                place = (draft.get("incident_place") or draft.get("complainant_name") or draft.get("name")
                         or draft.get("location") or draft.get("agency")
                         or ("anonymous" if draft.get("anonymous") else "") or "details not filled in yet")
            saved = formatting.wall_time(d.get("saved_at", ""))
            item = QListWidgetItem(f"{what} · {place}\n{when} · saved {saved}")
            item.setToolTip(f"{what}, {when}, {place}; saved {saved}")
            item.setData(Qt.ItemDataRole.UserRole, d)
            self.drafts.addItem(item)
        has = bool(drafts)
        self.drafts.setVisible(has)
        self.draft_buttons.setVisible(has)
        self.no_drafts.setVisible(not has)
        self.drafts_card.setProperty("attention", has)
        self.drafts_card.style().unpolish(self.drafts_card)
        self.drafts_card.style().polish(self.drafts_card)
        if has:
            self.drafts.setCurrentRow(0)

    def _current_draft(self) -> dict[str, Any] | None:
        item = self.drafts.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _resume(self) -> None:
        d = self._current_draft()
        if d is None:
            return
        if (d.get("form") or "interaction") == "interaction":
            self.resume_draft.emit(d)
        else:
            self.resume_form.emit(d)

    # ------------------------------------------------------------------ needs attention
    def _show_attention(self, items: list[Any]) -> None:
        self.attention_items = list(items)
        counts = {k: 0 for k in SEVERITY_LABELS}
        for item in items:
            counts[item.severity] = counts.get(item.severity, 0) + 1
        shown = items[:ATTENTION_ROWS]
        self.attention.setRowCount(len(shown))
        for r, item in enumerate(shown):
            colour = QColor(SEVERITY_COLOURS.get(item.severity, "#5f6b7a"))
            due = formatting.day(item.due) if item.due else ""
            values = [SEVERITY_LABELS.get(item.severity, item.severity), item.title,
                      item.school_name or ("District" if item.category == "agreement" else "—"), due]
            for c, text in enumerate(values):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, r)
                tip = item.title + (f"\n{item.detail}" if item.detail else "")
                cell.setToolTip(tip)
                if c in (0, 3):
                    cell.setForeground(colour)
                if c == 0:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                    cell.setData(Qt.ItemDataRole.AccessibleTextRole,
                                 f"{values[0]}: {item.title}. {item.detail}")
                self.attention.setItem(r, c, cell)
        parts = [f"<b style='color:{SEVERITY_COLOURS[k]}'>{counts[k]} {SEVERITY_LABELS[k].lower()}</b>"
                 for k in ("overdue", "flag", "due_soon") if counts.get(k)]
        more = len(items) - len(shown)
        self.attention_summary.setText(" · ".join(parts) + (f" · {more} more not listed" if more > 0 else ""))
        self.attention_summary.setAccessibleName("Needs attention: " + ", ".join(
            f"{counts[k]} {SEVERITY_LABELS[k].lower()}" for k in ("overdue", "flag", "due_soon")))
        has = bool(items)
        self.attention.setVisible(has)
        self.attention_summary.setVisible(has)
        self.attention_empty.setVisible(not has)
        district = self.view == "district"
        self.attention_empty.setText(
            "Nothing is overdue, flagged or due soon." if district else
            "Nothing you can act on is overdue, flagged or due soon at your schools.")
        elsewhere = (self.data or {}).get("elsewhere", 0)
        self.view_button.setText("Show only what I can act on" if district else
                                 f"District view: {formatting.count(elsewhere, 'more item')}, older ones "
                                 "and those others act on")
        self.view_button.setVisible(self.can_see_district_view())
        # A new district with nothing pressing shows its first steps, not an empty panel.
        self.attention_card.setVisible(has or self.first_steps.isHidden() or district)
        self.attention_card.setProperty("attention", counts.get("overdue", 0) > 0)
        self.attention_card.style().unpolish(self.attention_card)
        self.attention_card.style().polish(self.attention_card)

    def _open_attention(self, row: int) -> None:
        if 0 <= row < len(self.attention_items):
            item = self.attention_items[row]
            self.open_record.emit(item.record_type, item.record_id)

    def _discard(self) -> None:
        d = self._current_draft()
        if d is None:
            return
        if prompts.confirm(self, "Discard draft", "Throw away this unfinished form? "
                           "What was typed in it cannot be recovered.", yes="Discard"):
            self.ctx.worker.write(admin.discard_draft, d["key"])

    def _open_recent(self, row: int) -> None:
        item = self.recent.item(row, 0)
        if item is not None:
            self.open_interaction.emit(item.data(Qt.ItemDataRole.UserRole))

    def _show_stat(self, kw: dict[str, Any]) -> None:
        year = self.data["school_year"] if self.data else ""
        self.show_list.emit({"school_year": year, **kw})

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if (watched is getattr(self, "attention", None) and isinstance(event, QKeyEvent)
                and event.type() == event.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.attention.currentRow() >= 0):
            self._open_attention(self.attention.currentRow())
            return True
        if (watched is getattr(self, "recent", None) and isinstance(event, QKeyEvent)
                and event.type() == event.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.recent.currentRow() >= 0):
            self._open_recent(self.recent.currentRow())
            return True
        return super().eventFilter(watched, event)
