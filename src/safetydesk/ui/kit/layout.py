"""A small helper for building forms in code: label, control, hint and error per field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)


def page_frame(page: QWidget, title: QLabel, *heading: QWidget | tuple[QWidget, Qt.AlignmentFlag],
               intro: QLabel | None = None) -> QVBoxLayout:
    """A section page's frame: the title with what stands beside it (a count, a year, a "New…"
    button; a tuple gives its alignment), then the page's introduction. Returns the page's
    layout, for the page's own body."""
    head = QHBoxLayout()
    head.addWidget(title, 1)
    for item in heading:
        if isinstance(item, tuple):
            head.addWidget(item[0], 0, item[1])
        else:
            head.addWidget(item)
    v = QVBoxLayout(page)
    v.setContentsMargins(24, 18, 24, 18)
    v.setSpacing(10)
    v.addLayout(head)
    if intro is not None:
        v.addWidget(intro)
    return v


def scrolling_with_footer(dialog: QWidget, body: QWidget, *footer: QWidget | QLayout | None,
                          horizontal_scroll: bool = False) -> QFrame:
    """The kit's window frame: ``body`` scrolls, and the footer below it (``formFooter``) keeps
    the action buttons visible however small the window or large the text. In ``footer``,
    ``None`` is a stretch. Returns the footer (its layout takes more buttons)."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    if not horizontal_scroll:
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(body)
    frame = QFrame()
    frame.setObjectName("formFooter")
    fh = QHBoxLayout(frame)
    fh.setContentsMargins(24, 10, 24, 10)
    for item in footer:
        if item is None:
            fh.addStretch(1)
        elif isinstance(item, QLayout):
            fh.addLayout(item)
        else:
            fh.addWidget(item)
    outer = QVBoxLayout(dialog)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(0)
    outer.addWidget(scroll, 1)
    outer.addWidget(frame)
    return frame


class FieldRow:
    """One field of a form: its label, its control and the place its error is shown."""

    def __init__(self, name: str, label: QLabel, control: QWidget, error: QLabel) -> None:
        self.name = name
        self.label = label
        self.control = control
        self.error = error
        self._base_label = label.text()

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.control.setProperty("invalid", bool(message))
        style = self.control.style()
        style.unpolish(self.control)
        style.polish(self.control)
        description = self.control.property("baseDescription") or ""
        self.control.setAccessibleDescription(
            f"{description} Problem: {message}".strip() if message else description
        )

    def set_required(self, required: bool) -> None:
        self.label.setText(self._base_label + (" *" if required else ""))
        self.label.setProperty("required", required)


class FormBuilder:
    """Two-column grid: labels on the left, controls on the right, errors under controls.

    ``add("location", "Location", QLineEdit(), description="...")`` gives the
    control the object name ``location``, an accessible name from the label and
    a buddy so Alt+letter mnemonics reach it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        self.widget = QWidget(parent)
        self.grid = QGridLayout(self.widget)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(14)
        self.grid.setVerticalSpacing(4)
        self.grid.setColumnStretch(1, 1)
        self.rows: dict[str, FieldRow] = {}
        self._next = 0

    def add(
        self, name: str, label: str, control: QWidget, *, description: str = "",
        hint: str = "", object_name: str | None = None, top_aligned: bool = False,
    ) -> FieldRow:
        control.setObjectName(object_name or name)
        plain = label.replace("&", "")
        if not control.accessibleName():
            control.setAccessibleName(plain)
        if description:
            control.setAccessibleDescription(description)
            control.setToolTip(description)
        control.setProperty("baseDescription", description)
        label_widget = QLabel(label)
        label_widget.setObjectName(f"{name}Label")
        # A compound control (a picker, the date-time field) takes a label's Alt+letter through
        # its focus proxy: a buddy that cannot take focus itself would ignore the mnemonic.
        label_widget.setBuddy(control.focusProxy() or control)
        label_widget.setProperty("role", "fieldLabel")
        align = Qt.AlignmentFlag.AlignRight
        align |= Qt.AlignmentFlag.AlignTop if top_aligned else Qt.AlignmentFlag.AlignVCenter
        self.grid.addWidget(label_widget, self._next, 0, align)
        self.grid.addWidget(control, self._next, 1)
        self._next += 1
        if hint:
            hint_label = QLabel(hint)
            hint_label.setProperty("role", "hint")
            hint_label.setWordWrap(True)
            self.grid.addWidget(hint_label, self._next, 1)
            self._next += 1
        error = QLabel()
        error.setObjectName(f"{name}Error")
        error.setProperty("role", "fieldError")
        error.setWordWrap(True)
        error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        error.hide()
        self.grid.addWidget(error, self._next, 1)
        self._next += 1
        row = FieldRow(name, label_widget, control, error)
        self.rows[name] = row
        return row

    def add_section(self, title: str) -> QLabel:
        label = QLabel(title)
        label.setProperty("role", "sectionTitle")
        self.grid.addWidget(label, self._next, 0, 1, 2)
        self._next += 1
        return label

    def add_widget(self, widget: QWidget) -> None:
        self.grid.addWidget(widget, self._next, 1)
        self._next += 1
