"""The roster import window: the preview in numbers before anything is written, and a
confirmation naming the numbers before an import makes many students inactive."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "roster"))

from roster_sets import kids, write_set

from safetydesk.services import roster


def _active(session) -> int:
    return len(roster.qe.active_students_with_local_id(session.store, None))


def test_the_window_previews_numbers_and_confirms_before_making_students_inactive(
        qtbot, ui_window, ui_world, ui_prompts, tmp_path):
    s = ui_world.session
    people = kids(10)
    roster.import_roster(s, write_set(tmp_path / "one", people), today=date(2026, 9, 1), force=True, full=True)
    assert _active(s) == 10
    window = ui_window()
    page = window.show_section_key("students")
    wizard = page.new_record()
    qtbot.waitExposed(wizard)
    wizard.path.setText(str(write_set(tmp_path / "two", people[5:])))
    wizard.full.setChecked(True)
    wizard.preview_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 1, timeout=10_000)
    text = wizard.preview_status.text()
    assert "0 new, 0 updated, 5 unchanged, 5 made inactive" in text
    assert "Birch High School: 0 new, 0 updated, 5 unchanged, 5 made inactive (of 10 active)" in text
    assert "program flags file" in text  # what is missing, said before anything is written
    # First answer Cancel: nothing written.
    ui_prompts.answers["confirm"] = False
    wizard.apply_button.click()
    qtbot.waitUntil(lambda: "confirm" in ui_prompts.kinds(), timeout=10_000)
    qtbot.waitUntil(window.ctx.worker.is_idle, timeout=10_000)
    _kind, _title, said = next(x for x in ui_prompts.shown if x[0] == "confirm")
    assert "Birch High School: 5 of 10 active students (50%)" in said and "--force" not in said
    assert _active(s) == 10 and wizard.pages.currentIndex() == 1
    # Then confirm: imported.
    ui_prompts.answers["confirm"] = True
    wizard.apply_button.click()
    qtbot.waitUntil(lambda: wizard.pages.currentIndex() == 2, timeout=10_000)
    assert _active(s) == 5 and "5 marked inactive" in wizard.done_text.text()
