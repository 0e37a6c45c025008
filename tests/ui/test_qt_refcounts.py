"""Guard against the PySide6 6.12.0 bug that aborts a window after a few minutes of use.

On Python 3.11, PySide6 6.12.0's Signal.emit() and connect() returned True
without a reference, so each call dropped one from the True singleton until
Python aborted ("bool_dealloc"). pyproject.toml excludes that release; this
test fails on any PySide6 that does it again.
"""

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal(int)


def test_emitting_and_connecting_signals_keeps_true_alive(qapp):
    a, b = _Emitter(), _Emitter()
    a.changed.connect(lambda v: None)
    before = sys.getrefcount(True)
    for _ in range(500):
        a.changed.emit(1)
        a.changed.connect(b.deleteLater)
        a.changed.disconnect(b.deleteLater)
    assert sys.getrefcount(True) >= before - 5
