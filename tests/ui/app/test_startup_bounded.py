"""Opening the window does bounded work, whatever the number of records (issue 14).

The interaction list is built at start-up but not shown (the dashboard is): fitting its
columns to their content once used Qt's resizeColumnsToContents, which measures every row
of a hidden table and so asked the lazy model for every page (minutes at a million records).
"""

from __future__ import annotations

from safetydesk.ui.app.main_window import MainWindow


def _open(qtbot, ctx, **options) -> MainWindow:
    window = MainWindow(ctx, **options)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: ctx.worker.is_idle() and window.interactions.model.counted,
                    timeout=20_000)
    qtbot.waitUntil(ctx.worker.is_idle, timeout=20_000)
    return window


def test_opening_the_window_fetches_one_page_of_the_list_not_every_page(qtbot, ui_demo_ctx):
    window = _open(qtbot, ui_demo_ctx, list_page_size=50, list_max_pages=8)
    model = window.interactions.model
    assert window.section_key() == "dashboard"  # the list is built but hidden
    assert model.rowCount() > 20 * model.page_size  # thousands of rows counted ...
    assert model.pages_fetched == 1  # ... and only the first page read
    assert model.cached_pages == 1
    # Nothing is measured for the hidden list at start-up; its columns are fitted when it is
    # first shown, to the screenful from the top that a fit while hidden measured (the date
    # column is wider than its header alone would make it).
    table = window.interactions.table
    header = table.horizontalHeader()
    assert not window.interactions.memory._fitted
    window.show_section(1)
    assert window.interactions.memory._fitted
    widths = [header.sectionSize(c) for c in range(header.count())]
    assert widths[0] >= table.sizeHintForIndex(model.index(0, 0)).width()
    table.fit_columns(from_top=True)
    assert [header.sectionSize(c) for c in range(header.count())] == widths
    assert model.pages_fetched == 1


def test_fitting_columns_measures_a_screenful_when_shown(qtbot, ui_demo_ctx):
    window = _open(qtbot, ui_demo_ctx, list_page_size=50, list_max_pages=8)
    window.show_section(1)
    table = window.interactions.table
    rows = table.rows_on_screen()
    assert 0 < len(rows) <= table.viewport().height() // table.verticalHeader().defaultSectionSize() + 1
    table.fit_columns()
    qtbot.waitUntil(ui_demo_ctx.worker.is_idle, timeout=20_000)
    assert window.interactions.model.pages_fetched <= 2  # the rows on screen, nothing beyond


def _look(window) -> dict[str, tuple]:
    """What the style sheet and the wheel guard decide, per named widget: size hint, font,
    colours, focus policy."""
    from PySide6.QtWidgets import QWidget

    out = {}
    for w in window.findChildren(QWidget):
        name = w.objectName()
        if not name or name.startswith("qt_"):
            continue
        pal = w.palette()
        out[f"{type(w).__name__}:{name}"] = (
            w.sizeHint().toTuple(), w.font().pointSizeF(), w.font().bold(),
            pal.color(w.backgroundRole()).name(), pal.color(w.foregroundRole()).name(),
            w.focusPolicy())
    return out


def test_the_window_built_at_start_up_is_the_same_as_one_built_under_the_wheel_guard(qtbot, ui_ctx):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication, QComboBox

    from safetydesk.ui.app import application
    from safetydesk.ui.kit import wheel

    app = QApplication.instance()
    assert application.apply_style(app)
    wheel.install(app)
    try:
        plain = MainWindow(ui_ctx)  # built under the wheel guard
        quick = application.build_main_window(app, ui_ctx)  # the guard set aside while building
        for w in (plain, quick):
            qtbot.addWidget(w)
            w.show()
            qtbot.waitExposed(w)
        qtbot.waitUntil(ui_ctx.worker.is_idle, timeout=20_000)
        assert wheel.install(app) is wheel._guard  # put back, still the one guard
        a, b = _look(plain), _look(quick)
        assert len(a) > 30 and a.keys() == b.keys()
        differ = {k: (a[k], v) for k, v in b.items() if a[k] != v}
        assert not differ, "\n".join(f"{k}: {x} != {y}" for k, (x, y) in differ.items())
        combos = quick.findChildren(QComboBox)
        assert combos and all(c.focusPolicy() == Qt.FocusPolicy.StrongFocus for c in combos)
        quick.show_section(1)  # the list's filters: a wheel turn over one never changes it
        combo = next(c for c in quick.interactions.findChildren(QComboBox) if c.count() > 1)
        combo.setCurrentIndex(0)
        quick.nav.setFocus()
        centre = QPointF(combo.rect().center())
        QApplication.sendEvent(combo, QWheelEvent(
            centre, QPointF(combo.mapToGlobal(centre.toPoint())), QPoint(0, 0), QPoint(0, -120),
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
            False))
        assert combo.currentIndex() == 0
    finally:
        app.setStyleSheet("")
