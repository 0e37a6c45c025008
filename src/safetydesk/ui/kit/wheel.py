"""The mouse wheel never changes a value by accident.

One event filter, installed once on the application (``install``), applies to every combo box,
spin box and date or time field: a wheel turn over one that has not been clicked or tabbed into
scrolls the form around it instead of changing the value. Each such control is also given
``StrongFocus``, so a wheel turn does not give it focus either (Qt's default for these controls
is "wheel focus")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

GUARDED = (QComboBox, QAbstractSpinBox)


def _guarded(obj: QObject) -> QWidget | None:
    """The combo box or spin box ``obj`` is (or is part of: a combo's line edit), if any."""
    w = obj if isinstance(obj, QWidget) else None
    for _ in range(2):
        if w is None:
            return None
        if isinstance(w, GUARDED):
            return w
        w = w.parentWidget()
    return None


_POLISH, _WHEEL = QEvent.Type.Polish, QEvent.Type.Wheel  # (looked up once: the filter sees every event)


class WheelGuard(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind is _POLISH:
            if isinstance(obj, GUARDED):
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind is _WHEEL:
            control = _guarded(obj)
            proxy = control.focusProxy() if control is not None else None
            if control is not None and not control.hasFocus() and not (
                    proxy is not None and proxy.hasFocus()):
                scroll_outer(control, event)
                return True
        return False


def scroll_outer(control: QWidget, event: QEvent) -> None:
    """Give the wheel turn to the scroll area around ``control`` (the form scrolls)."""
    w = control.parentWidget()
    while w is not None and not isinstance(w, QAbstractScrollArea):
        w = w.parentWidget()
    if isinstance(w, QAbstractScrollArea):
        bar = w.verticalScrollBar()
        if bar is not None and bar.isVisible():
            QApplication.sendEvent(bar, event)


_guard: WheelGuard | None = None
_held = False  # set aside by `hold` until `resume`


def hold(app: QApplication) -> None:
    """Leave the guard out (it would look at each of the thousands of events that building and
    first showing a large window make) until `resume`, or until `install` is asked for it."""
    global _held
    if _guard is not None and _guard.parent() is app and not _held:
        app.removeEventFilter(_guard)
        _held = True


def resume(app: QApplication | None = None) -> None:
    """Put a guard left out by `hold` back, and guard the controls made meanwhile, as `install`
    does (nothing when it was not left out)."""
    global _held
    app = app or QApplication.instance()  # type: ignore[assignment]
    if not _held or _guard is None or app is None or _guard.parent() is not app:
        return
    _held = False
    app.installEventFilter(_guard)
    for w in _controls(app):
        w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


@contextmanager
def paused(app: QApplication) -> Iterator[None]:
    """The guard left out while a large window is built, then put back (`hold`, `resume`)."""
    held = not _held
    hold(app)
    try:
        yield
    finally:
        if held:
            resume(app)


def _controls(app: QApplication) -> Iterator[QWidget]:
    """Every combo box and spin box of the application (found by Qt, not by looking at each of
    its widgets in Python)."""
    for top in app.topLevelWidgets():
        for kind in GUARDED:
            if isinstance(top, kind):
                yield top
            yield from top.findChildren(kind)


def install(app: QApplication | None = None) -> WheelGuard | None:
    """Install the guard on the application, once (later calls do nothing)."""
    global _guard
    app = app or QApplication.instance()  # type: ignore[assignment]
    if app is None:
        return None
    if _held and _guard is not None and _guard.parent() is app:
        resume(app)  # a form or window asks for it before the main window put it back
    if _guard is None or _guard.parent() is not app:
        _guard = WheelGuard(app)
        app.installEventFilter(_guard)
        for w in app.allWidgets():  # controls made before the guard was installed
            if isinstance(w, GUARDED):
                w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return _guard
