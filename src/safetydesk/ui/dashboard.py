"""The dashboard: this school year's figures, recent interactions, saved drafts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
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

from safetydesk.domain.filters import InteractionFilter
from safetydesk.domain.validation import school_year_of
from safetydesk.domain.vocab import InteractionType
from safetydesk.services import admin, interactions
from safetydesk.ui import formatting, prompts
from safetydesk.ui.context import UiContext

STATS = [
    ("interactions", "Interactions", {}),
    ("discipline", "Discipline-related", {"discipline_only": True}),
    ("force", "Use of force", {"outcome": "use_of_force"}),
    ("arrests", "Arrests", {"outcome": "arrest"}),
]


RECENT = 12


def load_dashboard(session: Any, today: date | None = None) -> dict[str, Any]:
    """Runs on the worker: everything the dashboard shows, in one trip."""
    year = school_year_of(today or date.today())
    base = InteractionFilter(school_year=year)
    data = interactions.dashboard(session)
    data["recent"] = interactions.list_interactions(session, InteractionFilter(), 0, RECENT)
    data["school_year"] = year
    data["this_year"] = {key: interactions.count_interactions(session, replace(base, **kw))
                         for key, _, kw in STATS}
    data["drafts"] = admin.drafts(session)
    return data


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


class DashboardPage(QWidget):
    open_interaction = Signal(str)
    new_interaction = Signal()
    resume_draft = Signal(dict)
    show_list = Signal(dict)  # filter values for the interactions list

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("dashboardPage")
        self.data: dict[str, Any] | None = None

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
        head = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.greeting)
        titles.addWidget(self.today)
        head.addLayout(titles, 1)
        head.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.cards: dict[str, StatCard] = {}
        stats = QHBoxLayout()
        stats.setSpacing(14)
        for key, label, kw in STATS:
            card = StatCard(key, label)
            card.activated.connect(lambda kw=kw: self._show_stat(kw))
            self.cards[key] = card
            stats.addWidget(card)

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
        fit = QHeaderView.ResizeMode.ResizeToContents
        for col, mode in enumerate((fit, QHeaderView.ResizeMode.Stretch, fit,
                                    QHeaderView.ResizeMode.Stretch, fit)):
            hh.setSectionResizeMode(col, mode)
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.recent.setMinimumHeight(200)
        self.recent.doubleClicked.connect(lambda i: self._open_recent(i.row()))
        self.recent.installEventFilter(self)
        see_all = QPushButton("See all interactions")
        see_all.setObjectName("seeAllButton")
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
        self.resume_button.setProperty("primary", True)
        self.discard_button = QPushButton("Discard")
        self.discard_button.setObjectName("discardDraft")
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
        years_card.layout().addWidget(self.scope_note)

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

        body = QWidget()
        body.setObjectName("dashboardBody")
        v = QVBoxLayout(body)
        v.setContentsMargins(24, 18, 24, 18)
        v.setSpacing(16)
        v.addLayout(head)
        v.addLayout(stats)
        v.addLayout(grid, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._show_drafts([])
        ctx.worker.records_changed.connect(lambda _: self.refresh())
        ctx.lookups_changed.connect(self._render)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.signed_in:
            self.ctx.worker.read(load_dashboard, done=self._loaded, key=f"dashboard:{id(self)}",
                                 owner=self, label="Loading the dashboard")

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
        self.today.setText(f"{now:%A} {now.day} {now:%B %Y} · {year} school year")
        for key, card in self.cards.items():
            card.set_value(self.data["this_year"][key], f"this school year ({year})")
        self._show_recent(self.data["recent"])
        self._show_drafts(self.data["drafts"])
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
            what = "Correction of an interaction" if data.get("mode") == "amend" else "New interaction"
            when = formatting.short_when(draft.get("occurred_at", ""))
            place = draft.get("location") or "no location yet"
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
        if d is not None:
            self.resume_draft.emit(d)

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
        if (watched is self.recent and isinstance(event, QKeyEvent)
                and event.type() == event.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and self.recent.currentRow() >= 0):
            self._open_recent(self.recent.currentRow())
            return True
        return super().eventFilter(watched, event)
