"""The Settings section's tabs: district settings, user accounts, non-school days, the audit trail
browser and "my password" (policy training sessions are in `admin.training`)."""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import RecordType, UserDraft
from safetydesk.domain.school_calendar import SchoolCalendarDraft
from safetydesk.domain.settings import SETTINGS_RECORD_TYPE, DistrictSettings, validate_settings
from safetydesk.domain.validation import FieldError, school_year_of
from safetydesk.domain.vocab import Action, Role
from safetydesk.services import accounts, audit, calendar, settings
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.context import UiContext
from safetydesk.ui.kit.form import RecordForm
from safetydesk.ui.kit.layout import FormBuilder
from safetydesk.ui.kit.listing import RowTable
from safetydesk.ui.kit.managed import mark_managed
from safetydesk.ui.kit.password import PasswordMeter
from safetydesk.ui.kit.widgets import (
    CheckList,
    DateField,
    button,
    checkbox,
    hint_label,
    school_years_around,
    section_label,
)
from safetydesk.ui.kit.windows import present


def _scrolling(inner: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(inner)
    return scroll


def _show_errors(form: FormBuilder, errors: list[FieldError], other: QLabel | None = None) -> None:
    by: dict[str, list[str]] = {}
    for e in errors:
        by.setdefault(e.field if e.field in form.rows else "", []).append(e.message)
    for name, row in form.rows.items():
        row.set_error(" ".join(by.get(name, [])))
    if other is not None:
        other.setText("\n".join(by.get("", [])))
        other.setVisible(bool(by.get("")))


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setProperty("role", "fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def ask_password(parent: QWidget | None, title: str, text: str) -> str | None:
    """A new password typed twice (hidden). Tests answer ``("ask_password", title, text)``."""
    if prompts.hook is not None:
        answer = prompts.hook("ask_password", title, text)
        return None if answer is None else str(answer)
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setObjectName("passwordDialog")
    v = QVBoxLayout(dialog)
    intro = QLabel(text)
    intro.setWordWrap(True)
    form = FormBuilder()
    first, second = QLineEdit(), QLineEdit()
    for w in (first, second):
        w.setEchoMode(QLineEdit.EchoMode.Password)
        w.setMinimumWidth(280)
    form.add("password", "&New password", first, object_name="newPassword")
    form.add("again", "&Repeat it", second, object_name="repeatPassword")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)

    def accept() -> None:
        if first.text() != second.text():
            form.rows["again"].set_error("The two passwords are not the same.")
            return
        dialog.accept()
    buttons.accepted.connect(accept)
    buttons.rejected.connect(dialog.reject)
    v.addWidget(intro)
    v.addWidget(form.widget)
    v.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return first.text()


# ---------------------------------------------------------------------- district settings
SETTING_HELP = {
    "untrained_staff": "When someone logs an interaction for staff whose ESD training is not confirmed "
                       "(P02): refuse it, or save it with a red “untrained staff” flag.",
    "complaint_ack_school_days": "A complaint must be acknowledged within this many school days "
                                 "(weekends and entered non-school days do not count).",
    "complaint_response_days": "The family receives the response within this many calendar days of receipt.",
    "complaint_extension_max_days": "The longest the response may be extended to, with a recorded reason.",
    "agreement_reminder_days": "Reminders appear this many days before an agreement's annual review "
                               "(for example 60, 30).",
    "public_comment_min_days": "An agreement's public comment period must last at least this many days "
                               "(Policy 4311: 10 or more).",
    "suppression_threshold": "Public tables hide any cell describing fewer students than this (10 or more).",
    "gun_safe_household_list": "Allow a separately permitted list of households for gun safe delivery. "
                               "Off: only counts are kept (P05).",
    "lock_after_minutes": "The window locks itself after this many minutes without use.",
    "letterhead_name": "The name printed at the top of letters and reports (empty: the district's name).",
    "letterhead_address": "The address printed under it, one line per line.",
}


class SettingsTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("districtSettingsTab")
        self.current = DistrictSettings()
        form = FormBuilder()
        self.form = form

        def add(name: str, label: str, control: QWidget) -> None:
            if isinstance(control, QSpinBox | QComboBox | QLineEdit):
                control.setMaximumWidth(320)
            form.add(name, label, control, description=SETTING_HELP[name], hint=SETTING_HELP[name])

        form.add_section("Staff and interactions")
        self.untrained = QComboBox()
        self.untrained.addItem("Refuse the interaction", "refuse")
        self.untrained.addItem("Save it with a compliance flag", "flag")
        add("untrained_staff", "Untrained staff", self.untrained)
        form.add_section("Complaints")
        self.ack = QSpinBox()
        self.ack.setRange(1, 30)
        self.ack.setSuffix(" school days")
        add("complaint_ack_school_days", "Acknowledge within", self.ack)
        self.respond = QSpinBox()
        self.respond.setRange(1, 365)
        self.respond.setSuffix(" days")
        add("complaint_response_days", "Respond within", self.respond)
        self.extension = QSpinBox()
        self.extension.setRange(1, 365)
        self.extension.setSuffix(" days")
        add("complaint_extension_max_days", "Extension up to", self.extension)
        form.add_section("Agreements")
        self.reminders = QLineEdit()
        add("agreement_reminder_days", "Review reminders (days before)", self.reminders)
        self.comment = QSpinBox()
        self.comment.setRange(1, 365)
        self.comment.setSuffix(" days")
        add("public_comment_min_days", "Public comment at least", self.comment)
        form.add_section("Reports and privacy")
        self.suppression = QSpinBox()
        self.suppression.setRange(1, 1000)
        self.suppression.setSuffix(" students")
        add("suppression_threshold", "Suppress cells under", self.suppression)
        self.households = checkbox("Keep a household list for gun safe delivery", "householdList")
        add("gun_safe_household_list", "Gun safe households", self.households)
        self.lock = QSpinBox()
        self.lock.setRange(1, 120)
        self.lock.setSuffix(" minutes")
        add("lock_after_minutes", "Lock the window after", self.lock)
        form.add_section("Letterhead")
        self.letterhead_name = QLineEdit()
        add("letterhead_name", "Name on letters", self.letterhead_name)
        self.letterhead_address = QPlainTextEdit()
        self.letterhead_address.setTabChangesFocus(True)
        self.letterhead_address.setFixedHeight(70)
        add("letterhead_address", "Address on letters", self.letterhead_address)
        self.other = _error_label("settingsErrors")
        self.status = hint_label("", "settingsStatus")
        self.save_button = button("Save settings…", "saveSettings", "Save the district settings",
                                  primary=True)
        self.revert_button = button("Undo my changes", "revertSettings", "Undo unsaved changes")
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        inner = QWidget()
        v = QVBoxLayout(inner)
        v.setContentsMargins(16, 14, 16, 14)
        v.addWidget(hint_label("The choices Policy 4311 leaves to the district. Each change is kept in "
                               "the history with who made it and why."))
        v.addWidget(self.other)
        v.addWidget(form.widget)
        v.addLayout(row)
        v.addStretch(1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(_scrolling(inner))
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(lambda: self._load(self.current))
        mark_managed(form)  # settings the district's site configuration fixes are read-only
        ctx.worker.records_changed.connect(
            lambda changes: self.refresh() if changes.touches(SETTINGS_RECORD_TYPE) else None)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.signed_in:
            self.ctx.worker.read(settings.get_settings, done=self._loaded, owner=self, key=f"settings:{id(self)}")

    def _loaded(self, s: DistrictSettings) -> None:
        self.current = s
        self._load(s)

    def _load(self, s: DistrictSettings) -> None:
        self.untrained.setCurrentIndex(max(0, self.untrained.findData(s.untrained_staff)))
        self.ack.setValue(s.complaint_ack_school_days)
        self.respond.setValue(s.complaint_response_days)
        self.extension.setValue(s.complaint_extension_max_days)
        self.reminders.setText(", ".join(str(d) for d in s.agreement_reminder_days))
        self.comment.setValue(s.public_comment_min_days)
        self.suppression.setValue(s.suppression_threshold)
        self.households.setChecked(s.gun_safe_household_list)
        self.lock.setValue(s.lock_after_minutes)
        self.letterhead_name.setText(s.letterhead_name)
        self.letterhead_address.setPlainText(s.letterhead_address)
        _show_errors(self.form, [], self.other)

    def values(self) -> tuple[DistrictSettings, list[FieldError]]:
        errors: list[FieldError] = []
        try:
            days = tuple(int(x) for x in self.reminders.text().replace(";", ",").split(",") if x.strip())
        except ValueError:
            days = self.current.agreement_reminder_days
            errors.append(FieldError("agreement_reminder_days", "Write whole numbers of days separated by "
                                                                "commas, for example 60, 30."))
        new = replace(self.current, untrained_staff=self.untrained.currentData(),
                      complaint_ack_school_days=self.ack.value(), complaint_response_days=self.respond.value(),
                      complaint_extension_max_days=self.extension.value(),
                      agreement_reminder_days=tuple(sorted(days, reverse=True)),
                      public_comment_min_days=self.comment.value(),
                      suppression_threshold=self.suppression.value(),
                      gun_safe_household_list=self.households.isChecked(), lock_after_minutes=self.lock.value(),
                      letterhead_name=self.letterhead_name.text().strip(),
                      letterhead_address=self.letterhead_address.toPlainText().strip())
        return new, errors + validate_settings(new)

    def save(self) -> None:
        new, errors = self.values()
        _show_errors(self.form, errors, self.other)
        if errors:
            self.status.setText("Not saved: fix the settings marked in red.")
            return
        if new == self.current:
            self.status.setText("Nothing has changed.")
            return
        reason = prompts.ask_text(self, "Reason for the change", "Why are the settings changing? The "
                                  "reason is kept with the change.", ok="Save settings",
                                  placeholder="For example: board decision of 14 October")
        if reason is None:
            return
        self.ctx.worker.write(settings.update_settings, new, reason, owner=self, done=self._saved,
                              error=self._failed, label="Saving the settings")

    def _saved(self, changed: list[str]) -> None:
        self.status.setText(f"Saved ({len(changed)} setting{'s' if len(changed) != 1 else ''} changed).")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationFailed):
            _show_errors(self.form, list(exc.errors), self.other)
            self.status.setText(exc.message)
        else:
            prompts.show_failure(self, exc, "Settings not saved")


# ---------------------------------------------------------------------- user accounts
def _role_label(role: str) -> str:
    return Role.label_of(role)


class UsersTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("usersTab")
        self.users: list[dict[str, Any]] = []
        self.table = RowTable("userTable", "User accounts",
                                 ["User name", "Name shown", "Role", "Schools", "Status"], stretch=(3,))
        self.add_button = button("Add a user…", "addUser", "Add a user account", primary=True)
        self.change_button = button("Change role or schools…", "changeUser", "Change the selected account")
        self.reset_button = button("Reset password…", "resetPassword", "Reset the selected account's password")
        self.disable_button = button("Disable…", "disableUser", "Disable the selected account", danger=True)
        self.enable_button = button("Enable…", "enableUser", "Enable the selected account with a new password")
        row = QHBoxLayout()
        for b in (self.add_button, self.change_button, self.reset_button, self.enable_button,
                  self.disable_button):
            row.addWidget(b)
        row.addStretch(1)
        self.status = hint_label("", "usersStatus")
        v = QVBoxLayout(self)
        v.setContentsMargins(16, 14, 16, 14)
        v.addWidget(hint_label("Each account has a role and the schools it works at. Disabling an account "
                               "removes its copy of the data file's key, so it can no longer sign in; "
                               "its history stays."))
        v.addLayout(row)
        v.addWidget(self.table, 1)
        v.addWidget(self.status)
        self.add_button.clicked.connect(self.add_user)
        self.change_button.clicked.connect(self.change_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.disable_button.clicked.connect(lambda: self.set_active(False))
        self.enable_button.clicked.connect(lambda: self.set_active(True))
        self.table.open_row.connect(lambda _: self.change_selected())
        self.table.itemSelectionChanged.connect(self._selection)
        ctx.worker.records_changed.connect(
            lambda changes: self.refresh() if changes.touches(RecordType.USER) else None)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.signed_in:
            self.ctx.worker.read(accounts.list_users, done=self._loaded, owner=self, key=f"users:{id(self)}")

    def _loaded(self, users: list[dict[str, Any]]) -> None:
        self.users = users
        colours = {r: {4: "#a4262c"} for r, u in enumerate(users) if not u["active"]}
        self.table.set_rows([(u["username"], [
            u["username"], u["display_name"], _role_label(u["role"]),
            ", ".join(self.ctx.school_name(s) for s in u["schools"]) or "Every school",
            "Active" if u["active"] else "Disabled"]) for u in users], colours)
        self._selection()

    def selected(self) -> dict[str, Any] | None:
        name = self.table.current_id()
        return next((u for u in self.users if u["username"] == name), None)

    def _selection(self) -> None:
        u = self.selected()
        me = self.ctx.actor.username if self.ctx.actor else ""
        self.change_button.setEnabled(u is not None)
        self.reset_button.setEnabled(bool(u and u["active"]))
        self.disable_button.setEnabled(bool(u and u["active"] and u["username"] != me))
        self.enable_button.setEnabled(bool(u and not u["active"]))

    def select(self, username: str) -> bool:
        return self.table.select_id(username)

    def _done(self, message: str) -> Any:
        return lambda _=None: self.status.setText(message)

    def _error(self, title: str) -> Any:
        return lambda exc: prompts.show_failure(self, exc, title)

    def add_user(self) -> UserForm:
        form = UserForm(self.ctx, parent=self)
        form.saved.connect(lambda _: self.status.setText("Account created."))
        present(form)
        return form

    def change_selected(self) -> UserForm | None:
        u = self.selected()
        if u is None:
            return None
        form = UserForm(self.ctx, user=u, parent=self)
        present(form)
        return form

    def reset_selected(self) -> None:
        u = self.selected()
        if u is None:
            return
        password = ask_password(self, "Reset the password",
                                f"A new password for {u['display_name']} ({u['username']}). Tell it to them in "
                                "person; they can change it under Settings → My password.")
        if password:
            self.ctx.worker.write(accounts.reset_password, u["username"], password, owner=self,
                                  done=self._done(f"The password of {u['username']} was reset."),
                                  error=self._error("Password not reset"))

    def set_active(self, active: bool) -> None:
        u = self.selected()
        if u is None:
            return
        verb = "enabled" if active else "disabled"
        reason = prompts.ask_text(self, "Enable the account" if active else "Disable the account",
                                  f"Why is the account of {u['display_name']} ({u['username']}) being {verb}?",
                                  ok="Enable" if active else "Disable",
                                  placeholder="For example: left the district on 30 June")
        if not reason:
            return
        password = ""
        if active:
            password = ask_password(self, "A new password", "Enabling an account needs a new password "
                                    "for it.") or ""
            if not password:
                return
        self.ctx.worker.write(accounts.set_user_active, u["username"], active, reason, password, owner=self,
                              done=self._done(f"The account {u['username']} was {verb}."),
                              error=self._error("Account not changed"))


class UserForm(RecordForm):
    """Add an account (with its first password) or change one's name shown, role and schools."""

    NOUN = "account"
    OBJECT_NAME = "userForm"
    TITLE_NEW = "Add a user account"
    TITLE_AMEND = "Change an account"
    INTRO = ("Choose the role and the schools this person works at. A district administrator "
             "and a reviewer see every school.")
    INTRO_AMEND = "Change the name shown, the role or the schools. The change is kept in the history."
    SAVE_TEXT = "Add the account"
    TEXT_FIELDS = ("display_name",)  # never the passwords: a warning would show what was typed
    REASON_TITLE = "Reason for the change"

    def __init__(self, ctx: UiContext, *, user: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        self.user = user
        super().__init__(ctx, parent=parent, amending=user is not None)
        self.resize(640, 640)
        if user:
            self.username.setText(user["username"])
            self.username.setEnabled(False)
            self.display_name.setText(user["display_name"])
            self.role.setCurrentIndex(max(0, self.role.findData(user["role"])))
            self.schools.set_values(user["schools"])
            for name in ("password", "again"):
                row = self.form.rows[name]
                for w in (row.label, row.control):
                    w.hide()
            self.password_meter.hide()
        self.start()

    def build(self, form: FormBuilder) -> None:
        self.username = QLineEdit()
        form.add("username", "&User name *", self.username, object_name="username",
                 description="Letters and digits (dots and dashes allowed); used to sign in.")
        self.display_name = QLineEdit()
        form.add("display_name", "Name &shown", self.display_name, object_name="displayName")
        self.role = QComboBox()
        self.role.addItem("Choose a role…", "")
        for value, label in Role.choices():
            self.role.addItem(label, value)
        form.add("role", "&Role *", self.role, object_name="role")
        self.schools = CheckList([(s["id"], s["name"]) for s in self.ctx.schools], "userSchools", "Schools")
        form.add("schools", "Schools", self.schools, object_name="userSchools", top_aligned=True,
                 description="The schools this account works at (not needed for district administrators "
                             "and reviewers).")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.add("password", "&Password *", self.password, object_name="password",
                 description="At least 10 characters (12 for a district administrator), not a common "
                             "one; a few words together are easy to remember.")
        self.password_meter = PasswordMeter(self.password, username=lambda: self.username.text().strip(),
                                            role=lambda: self.role.currentData() or None)
        self.role.currentIndexChanged.connect(lambda _: self.password_meter.refresh())
        form.add_widget(self.password_meter)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form.add("again", "Repeat the password *", self.again, object_name="passwordAgain")

    def draft(self) -> UserDraft:
        return UserDraft(username=self.username.text().strip(), display_name=self.display_name.text().strip(),
                         role=self.role.currentData() or "", schools=self.schools.values())

    def check_call(self) -> tuple[Any, ...]:
        return (check_user, self.draft(), "" if self.user else self.password.text(),
                "" if self.user else self.again.text(), self.user is None)

    def save_text(self) -> str:
        return "Save changes…" if self.amending else self.SAVE_TEXT

    def reason_question(self) -> str:
        return f"Why is the account {self.user['username'] if self.user else ''} changing?"

    def save_call(self, draft: UserDraft, reason: str | None) -> tuple[Any, ...] | None:
        if draft.display_name == "":
            draft.display_name = draft.username
        if self.user is None:
            return (accounts.create_user, draft, self.password.text())
        return (accounts.change_user, self.user["username"], draft, reason or "")


def check_user(session: Any, draft: UserDraft, password: str, again: str, new: bool) -> list[FieldError]:
    """On the worker: what stops the account being saved (the services check again on saving)."""
    from safetydesk.services import registry

    schools = {s["id"] for s in registry.schools(session)}
    errors = accounts.validate_user(draft, schools)
    if new:
        errors += accounts.check_password_rules(password, draft.username, draft.role)
        if password != again:
            errors.append(FieldError("again", "The two passwords are not the same."))
        if any(u["username"] == draft.username for u in accounts.list_users(session)):
            errors.append(FieldError("username", f"There is already an account called “{draft.username}”."))
    return errors


# ---------------------------------------------------------------------- non-school days
class CalendarTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("calendarTab")
        self.version: int | None = None
        self.year = QComboBox()
        self.year.setObjectName("calendarYear")
        self.year.setAccessibleName("School year")
        for y in school_years_around(ahead=1):
            self.year.addItem(y, y)
        from datetime import date

        self.year.setCurrentIndex(max(0, self.year.findData(school_year_of(date.today()))))
        self.days = QPlainTextEdit()
        self.days.setObjectName("nonSchoolDays")
        self.days.setAccessibleName("Non-school days, one per line")
        self.days.setPlaceholderText("One day per line: the date, then what it is\n2025-11-11 Veterans Day\n"
                                     "2025-11-27 Thanksgiving")
        self.days.setTabChangesFocus(True)
        self.error = _error_label("calendarError")
        self.status = hint_label("", "calendarStatus")
        self.save_button = button("Save the calendar…", "saveCalendar", "Save the non-school days", primary=True)
        self.save_button.setEnabled(ctx.can(Permission.MANAGE_REGISTRY))
        top = QHBoxLayout()
        year_label = QLabel("School &year")
        year_label.setBuddy(self.year)
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_button)
        v = QVBoxLayout(self)
        v.setContentsMargins(16, 14, 16, 14)
        v.addWidget(hint_label("Holidays, breaks and staff days when schools are closed. Complaint "
                               "acknowledgement deadlines count school days: weekends and these days are "
                               "skipped."))
        v.addLayout(top)
        v.addWidget(self.days, 1)
        v.addWidget(self.error)
        v.addLayout(bottom)
        self.year.currentIndexChanged.connect(lambda _: self.refresh())
        self.save_button.clicked.connect(self.save)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.signed_in:
            self.ctx.worker.read(calendar.calendar_draft, self.year.currentData(), done=self._loaded, owner=self,
                                 key=f"calendar:{id(self)}")

    def _loaded(self, result: tuple[SchoolCalendarDraft, int | None]) -> None:
        draft, self.version = result
        self.days.setPlainText("\n".join(f"{d['date']} {d.get('note', '')}".strip()
                                          for d in draft.non_school_days))
        self.error.hide()
        n = len(draft.non_school_days)
        self.status.setText(f"{n} non-school day{'s' if n != 1 else ''} entered for {self.year.currentData()}."
                            if self.version else "Nothing entered for this year yet.")

    def draft(self) -> SchoolCalendarDraft:
        days = []
        for line in self.days.toPlainText().splitlines():
            if not line.strip():
                continue
            day, _, note = line.strip().partition(" ")
            days.append({"date": day.strip(), "note": note.strip()})
        return SchoolCalendarDraft(school_year=self.year.currentData(), non_school_days=days)

    def save(self) -> None:
        reason = ""
        if self.version is not None:
            reason = prompts.ask_text(self, "Reason for the change", "Why is this year's calendar changing?",
                                      ok="Save") or ""
            if not reason:
                return
        self.error.hide()
        self.ctx.worker.write(calendar.save_calendar, self.draft(), reason, self.version, owner=self,
                              done=lambda _: self.refresh(), error=self._failed, label="Saving the calendar")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationFailed):
            self.error.setText("\n".join(e.message for e in exc.errors))
            self.error.show()
        else:
            prompts.show_failure(self, exc, "Calendar not saved")


# ---------------------------------------------------------------------- audit trail
AUDIT_PAGE = 100
RECORD_TYPES = [("", "Any record"), ("interaction", "Interactions"), ("student", "Students"),
                ("complaint", "Complaints"), ("agreement", "Agreements"), ("staff", "Staff"),
                ("role_presentation", "Role presentations"), ("role_distribution", "Role distributions"),
                ("gun_safety_campaign", "Gun safety campaigns"), ("gun_safe_count", "Gun safe counts"),
                ("policy_training", "Policy training"), ("attachment", "Attached files"),
                ("school_calendar", "School calendar"), ("settings", "Settings"), ("user", "User accounts")]


class AuditTab(QWidget):
    """The audit trail (P25): every view, change, print and export, newest first, filtered and paged."""

    def __init__(self, ctx: UiContext, window: Any = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.window_ = window
        self.setObjectName("auditTab")
        self.offset = 0
        self.entries: list[Any] = []
        self.user = QLineEdit()
        self.user.setObjectName("auditUser")
        self.user.setAccessibleName("User name")
        self.user.setPlaceholderText("User name")
        self.record_type = QComboBox()
        self.record_type.setObjectName("auditRecordType")
        self.record_type.setAccessibleName("Record type")
        for value, label in RECORD_TYPES:
            self.record_type.addItem(label, value)
        self.action = QComboBox()
        self.action.setObjectName("auditAction")
        self.action.setAccessibleName("Action")
        self.action.addItem("Any action", "")
        for value, label in Action.choices():
            self.action.addItem(label, value)
        self.since = DateField()
        self.since.setObjectName("auditSince")
        self.since.setAccessibleName("From date")
        self.until = DateField()
        self.until.setObjectName("auditUntil")
        self.until.setAccessibleName("Until date")
        self.table = RowTable("auditTable", "Audit trail",
                                 ["When", "User", "Action", "Record type", "Record", "Reason or note"],
                                 stretch=(5,))
        self.page_label = QLabel()
        self.page_label.setObjectName("auditPage")
        self.prev_button = button("◀ Newer", "auditPrevious", "Show newer entries")
        self.next_button = button("Older ▶", "auditNext", "Show older entries")
        self.details = QLabel()
        self.details.setObjectName("auditDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        filters = QHBoxLayout()
        for w in (self.user, self.record_type, self.action):
            filters.addWidget(w)
        filters.addWidget(QLabel("from"))
        filters.addWidget(self.since)
        filters.addWidget(QLabel("until"))
        filters.addWidget(self.until)
        filters.addStretch(1)
        paging = QHBoxLayout()
        paging.addWidget(self.page_label, 1)
        paging.addWidget(self.prev_button)
        paging.addWidget(self.next_button)
        v = QVBoxLayout(self)
        v.setContentsMargins(16, 14, 16, 14)
        v.addWidget(hint_label("Every view of a student's record, every change, print and export, newest "
                               "first. Filter by user, record type, action and dates. Enter opens the record "
                               "where SafetyDesk can show it."))
        v.addLayout(filters)
        v.addWidget(self.table, 1)
        v.addWidget(self.details)
        v.addLayout(paging)
        for w in (self.user, self.since, self.until):
            w.textChanged.connect(lambda _: self.refresh(reset=True))
        for c in (self.record_type, self.action):
            c.currentIndexChanged.connect(lambda _: self.refresh(reset=True))
        self.prev_button.clicked.connect(lambda: self._page(-1))
        self.next_button.clicked.connect(lambda: self._page(1))
        self.table.itemSelectionChanged.connect(self._selected)
        self.table.open_row.connect(self._open)
        self.refresh()

    def filters(self) -> dict[str, Any]:
        out = {"user": self.user.text().strip(), "record_type": self.record_type.currentData() or "",
               "action": self.action.currentData() or "", "since": "", "until": ""}
        for key, field in (("since", self.since), ("until", self.until)):
            text = field.text().strip()
            if len(text) == 10:
                out[key] = text
        return out

    def refresh(self, reset: bool = False) -> None:
        if reset:
            self.offset = 0
        if self.ctx.signed_in:
            self.ctx.worker.read(audit.audit_trail, kwargs={**self.filters(), "offset": self.offset,
                                                            "limit": AUDIT_PAGE + 1},
                                 done=self._loaded, owner=self, key=f"audit:{id(self)}",
                                 error=lambda exc: self.page_label.setText(prompts.explain(exc)))

    def _page(self, step: int) -> None:
        self.offset = max(0, self.offset + step * AUDIT_PAGE)
        self.refresh()

    def _loaded(self, entries: list[Any]) -> None:
        more = len(entries) > AUDIT_PAGE
        self.entries = entries[:AUDIT_PAGE]
        from safetydesk.ui.kit import formatting

        self.table.set_rows([(str(i), [
            formatting.wall_time(e.wall_time), e.user, Action.label_of(e.action),
            dict(RECORD_TYPES).get(e.record_type, e.record_type.replace("_", " ")), e.record_id[-12:],
            e.reason]) for i, e in enumerate(self.entries)])
        first = self.offset + 1 if self.entries else 0
        self.page_label.setText(f"Entries {first:,}–{self.offset + len(self.entries):,}"
                                + (" (more are older)" if more else ""))
        self.prev_button.setEnabled(self.offset > 0)
        self.next_button.setEnabled(more)

    def _selected(self) -> None:
        rid = self.table.current_id()
        if not rid:
            self.details.clear()
            return
        e = self.entries[int(rid)]
        changes = "".join(f"<li>{html.escape(k)}: {html.escape(str(v[0] if isinstance(v, list) else ''))[:80]}"
                          f" → {html.escape(str(v[-1] if isinstance(v, list) else v))[:120]}</li>"
                          for k, v in list(e.changes.items())[:12])
        self.details.setText(f"<b>{html.escape(Action.label_of(e.action))}</b> of {html.escape(e.record_type)} "
                             f"{html.escape(e.record_id)} by {html.escape(e.user)} from workstation "
                             f"{html.escape(e.device[:8])} · entry hash {e.hash[:12]}…"
                             + (f"<ul style='margin:2px'>{changes}</ul>" if changes else ""))

    def _open(self, rid: str) -> None:
        e = self.entries[int(rid)]
        window = self.window_ if self.window_ is not None else self.window()
        if hasattr(window, "open_record") and e.record_type not in ("settings", "user", "attachment",
                                                                     "school_calendar"):
            window.open_record(e.record_type, e.record_id)


# ---------------------------------------------------------------------- my password
class PasswordTab(QWidget):
    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("passwordTab")
        form = FormBuilder()
        self.form = form
        self.old = QLineEdit()
        self.new = QLineEdit()
        self.again = QLineEdit()
        for w in (self.old, self.new, self.again):
            w.setEchoMode(QLineEdit.EchoMode.Password)
            w.setMaximumWidth(360)
        form.add("old", "&Current password", self.old, object_name="currentPassword")
        form.add("password", "&New password", self.new, object_name="newPassword",
                 description="Not a common password and not containing your user name; the line "
                             "below says, as you type, whether it will be accepted.")
        who_role = ctx.actor.role.value if ctx.actor else None
        self.password_meter = PasswordMeter(self.new, username=lambda: ctx.actor.username if ctx.actor else "",
                                            role=lambda: who_role, name="newPasswordMeter")
        form.add_widget(self.password_meter)
        form.add("again", "&Repeat the new password", self.again, object_name="repeatPassword")
        self.status = hint_label("", "passwordStatus")
        self.save_button = button("Change my password", "changePassword", "Change my password", primary=True)
        who = ctx.actor
        v = QVBoxLayout(self)
        v.setContentsMargins(16, 14, 16, 14)
        v.addWidget(section_label(f"Password of {who.display_name} ({who.username})" if who else "Password"))
        v.addWidget(form.widget)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.save_button)
        v.addLayout(row)
        v.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.again.returnPressed.connect(self.save)

    def save(self) -> None:
        errors = []
        if not self.old.text():
            errors.append(FieldError("old", "Enter your current password."))
        if self.new.text() != self.again.text():
            errors.append(FieldError("again", "The two new passwords are not the same."))
        actor = self.ctx.actor
        errors += accounts.check_password_rules(self.new.text(), actor.username if actor else "",
                                                actor.role.value if actor else None)
        _show_errors(self.form, errors)
        if errors:
            return
        self.save_button.setEnabled(False)
        self.ctx.worker.write(accounts.change_own_password, self.old.text(), self.new.text(), owner=self,
                              done=self._done, error=self._failed, label="Changing the password")

    def _done(self, _: Any) -> None:
        self.save_button.setEnabled(True)
        for w in (self.old, self.new, self.again):
            w.clear()
        self.status.setText("Your password was changed. Use the new one next time you sign in.")

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            _show_errors(self.form, list(exc.errors))
        else:
            _show_errors(self.form, [FieldError("old", prompts.explain(exc))])
