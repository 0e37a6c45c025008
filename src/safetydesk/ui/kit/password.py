"""A password's strength, shown while it is typed (the first-run set-up and the account dialogs).

The rules are the services' (``accounts.password_strength``: length, the lists of passwords
attackers try first, zxcvbn's estimate, more for an administrator), so what the meter says is
what saving will say. The estimate is pure and takes a few milliseconds: it runs as the person types.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QLabel, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from safetydesk.services import accounts

LEVELS = ("weak", "weak", "fair", "strong", "strong")


class PasswordMeter(QWidget):
    """A bar (0 to 4) and one sentence: why the password would be refused, or how strong it is."""

    def __init__(self, field: QLineEdit, *, username: Callable[[], str] = lambda: "",
                 role: Callable[[], str | None] = lambda: None,
                 extra_words: Callable[[], Sequence[str]] = lambda: (), name: str = "passwordMeter",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.field = field
        self.username = username
        self.role = role
        self.extra_words = extra_words
        self.bar = QProgressBar()
        self.bar.setObjectName(f"{name}Bar")
        self.bar.setRange(0, 4)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(6)
        self.bar.setProperty("role", "meter")
        self.bar.setAccessibleName("Password strength")
        self.text = QLabel()
        self.text.setObjectName(f"{name}Text")
        self.text.setProperty("role", "hint")
        self.text.setWordWrap(True)
        v = QVBoxLayout(self)
        v.setContentsMargins(0, 2, 0, 0)
        v.setSpacing(3)
        v.addWidget(self.bar)
        v.addWidget(self.text)
        if field.maximumWidth() < 10_000:  # as wide as the field it measures
            self.setMaximumWidth(max(field.maximumWidth(), 360))
        field.textChanged.connect(lambda _: self.refresh())
        self.refresh()

    def refresh(self) -> accounts.PasswordStrength | None:
        password = self.field.text()
        role = self.role()
        if not password:
            minimum = (accounts.MIN_ADMIN_PASSWORD_LENGTH if accounts.is_admin_role(role)
                       else accounts.MIN_PASSWORD_LENGTH)
            self.bar.setValue(0)
            self.bar.setProperty("level", "")
            self.text.setText(f"At least {minimum} characters. {accounts.ADVICE}")
            self._repolish()
            return None
        strength = accounts.password_strength(password, self.username(), role, self.extra_words())
        self.bar.setValue(max(1, strength.score))
        self.bar.setProperty("level", "weak" if strength.problems else LEVELS[strength.score])
        label = "Refused" if strength.problems else strength.label
        self.text.setText(f"{label}: {strength.sentence()}" if strength.problems else strength.sentence())
        self.text.setAccessibleName(f"Password strength: {label}")
        self._repolish()
        return strength

    def _repolish(self) -> None:
        for w in (self.bar, self.text):
            w.style().unpolish(w)
            w.style().polish(w)
