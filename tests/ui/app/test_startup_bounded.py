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
    # the columns were still fitted to the rows that will be on screen (the date column is
    # wider than its header alone would make it)
    table = window.interactions.table
    header = table.horizontalHeader()
    assert header.sectionSize(0) >= table.sizeHintForIndex(model.index(0, 0)).width()


def test_fitting_columns_measures_a_screenful_when_shown(qtbot, ui_demo_ctx):
    window = _open(qtbot, ui_demo_ctx, list_page_size=50, list_max_pages=8)
    window.show_section(1)
    table = window.interactions.table
    rows = table.rows_on_screen()
    assert 0 < len(rows) <= table.viewport().height() // table.verticalHeader().defaultSectionSize() + 1
    table.fit_columns()
    qtbot.waitUntil(ui_demo_ctx.worker.is_idle, timeout=20_000)
    assert window.interactions.model.pages_fetched <= 2  # the rows on screen, nothing beyond
