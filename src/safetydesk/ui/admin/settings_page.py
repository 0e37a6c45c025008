"""The Settings section: district settings, letter templates, user accounts, non-school days, policy training
sessions (P22), the audit trail (P25) and "my password". Each tab shows only to the roles that
may use it; everyone sees "My password"."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from safetydesk.domain.permissions import Permission
from safetydesk.ui.admin import pages as admin_pages
from safetydesk.ui.admin.templates import TemplatesTab
from safetydesk.ui.admin.training import TrainingTab
from safetydesk.ui.kit.widgets import hint_label, title_label

# key, title, permission needed (None: everyone)
TABS: list[tuple[str, str, Permission | None]] = [
    ("settings", "District settings", Permission.ADMINISTER),
    ("templates", "Letter templates", Permission.ADMINISTER),
    ("users", "User accounts", Permission.MANAGE_USERS),
    ("calendar", "Non-school days", Permission.MANAGE_REGISTRY),
    ("training", "Policy training", Permission.MANAGE_TRAINING),
    ("audit", "Audit trail", Permission.VIEW_AUDIT),
    ("password", "My password", None),
]


class SettingsPage(QWidget):
    def __init__(self, ctx: Any, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("settingsPage")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.setAccessibleName("Settings")
        self.keys: list[str] = []
        self.pages: dict[str, QWidget] = {}
        makers = {
            "settings": lambda: admin_pages.SettingsTab(ctx),
            "templates": lambda: TemplatesTab(ctx),
            "users": lambda: admin_pages.UsersTab(ctx),
            "calendar": lambda: admin_pages.CalendarTab(ctx),
            "training": lambda: TrainingTab(ctx, window),
            "audit": lambda: admin_pages.AuditTab(ctx, window),
            "password": lambda: admin_pages.PasswordTab(ctx),
        }
        for key, title, permission in TABS:
            if permission is not None and not ctx.can(permission):
                continue
            page = makers[key]()
            self.pages[key] = page
            self.keys.append(key)
            self.tabs.addTab(page, title)
        v = QVBoxLayout(self)
        v.setContentsMargins(24, 18, 24, 18)
        v.setSpacing(8)
        v.addWidget(title_label("Settings"))
        intro: QLabel = hint_label(
            "District choices, accounts, the school calendar, staff training on the policy and the audit "
            "trail." if len(self.keys) > 1 else "Change the password you sign in with.")
        v.addWidget(intro)
        v.addWidget(self.tabs, 1)

    def show_tab(self, key: str) -> QWidget | None:
        page = self.pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)
        return page
