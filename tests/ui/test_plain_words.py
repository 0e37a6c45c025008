"""Plain words: the window never shows a policy code ("P08", "Trigger (a)") in a label, only in
its tooltip; a record's law enforcement details read as the form does, with labels and US dates."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from everyday_helpers import law_enforcement_draft
from safetydesk.services import interactions
from safetydesk.ui.kit import formatting, plain_words
from safetydesk.ui.kit.windows import find_tracked
from safetydesk.ui.records.interactions.blocks import AttorneyBlock

CODE = re.compile(r"\(P\d\d\b|\bP\d\d\)|Trigger \(")


def shown_texts(root: QWidget) -> list[str]:
    out = []
    for w in root.findChildren(QLabel) + root.findChildren(QAbstractButton):
        text = w.text()
        if text and CODE.search(text):
            out.append(text)
    return out


def test_plain_takes_the_codes_out_and_keeps_them_in_the_tooltip():
    assert formatting.plain("School consequence (P07)") == (
        "School consequence", "Policy 4311, P07: SROs stay out of school discipline")
    words, tip = formatting.plain("Access to an attorney (P12, RCW 13.40.740)")
    assert words == "Access to an attorney" and tip.startswith("Policy 4311, P12: Access to an attorney")
    assert formatting.plain("Narrative") == ("Narrative", "")


def test_the_interaction_form_shows_no_policy_code(qtbot, ui_window):
    window = ui_window()
    form = window.new_interaction()
    qtbot.waitExposed(form)
    form.type.setCurrentIndex(form.type.findData("law_enforcement"))
    assert shown_texts(form) == []  # sections, labels and the attorney triggers, before any pass
    section = next(w for w in form.findChildren(QLabel) if w.text() == "School consequence")
    assert "P07" in section.toolTip()
    block = AttorneyBlock("s1", "Avery Quinn", 1)
    qtbot.addWidget(block)
    assert shown_texts(block) == []
    trigger = next(w for w in block.findChildren(QLabel) if w.text() == "Questioning")
    assert "RCW 13.40.740, trigger (a)" in trigger.toolTip()


@pytest.mark.policy("P11")
def test_law_enforcement_details_read_as_a_form_with_us_dates(qtbot, ui_window, ui_world):
    record_id = interactions.log_interaction(ui_world.session, law_enforcement_draft(ui_world))
    window = ui_window()
    window.open_interaction(record_id)
    qtbot.waitUntil(lambda: find_tracked(window, record_id) is not None, timeout=10_000)
    detail = find_tracked(window, record_id)
    qtbot.waitUntil(lambda: detail.findChild(QLabel, "detail_law_enforcement_activity_1") is not None,
                    timeout=10_000)
    activity = detail.findChild(QLabel, "detail_law_enforcement_activity_1").text()
    for label in ("Activity", "Officer", "Agency", "Authorized by", "Legal basis", "Student's age",
                  "Administrator present"):
        assert f">{label}<" in activity, label
    assert "_" not in re.sub(r"<[^>]+>", "", activity)  # no internal key such as officer_staff_id
    assert "Dr. Lena Ortiz, principal" in activity and ">Yes<" in activity
    attorney = next(w.text() for w in detail.findChildren(QLabel)
                    if w.objectName().startswith("detail_attorney_access"))
    assert "Questioned in a custodial interrogation" not in attorney or ">No<" in attorney
    notification = detail.findChild(QLabel, "detail_notification_attempt_1").text()
    assert ">When<" in notification and "Oct 3, 2025, 10:30 AM" in notification
    assert detail.findChild(QLabel, "detail_date_and_time").text() == "Fri, Oct 3, 2025, 10:15 AM"
    assert shown_texts(detail) == []
    code_tips = [w.toolTip() for w in detail.findChildren(QLabel) if w.text() == "Alternatives considered"]
    assert code_tips and "P08" in code_tips[0]


def test_every_section_of_the_window_in_plain_words_once_shown(qtbot, ui_window):
    window = ui_window()
    for key, _title, _page in window.sections:
        window.show_section_key(key)
    plain_words.apply(window)
    assert shown_texts(window) == []
