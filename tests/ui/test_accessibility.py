"""Every interactive control of every page, form and detail has an accessible name.

The walk is generic: every section page of the main window (whoever built it), every
dialog its buttons ending in "…" open, every record the openers show, and the interaction
form with all of its conditional sections revealed.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from safetydesk.domain.climate import ClimateDraft
from safetydesk.domain.interventions import InterventionDraft
from safetydesk.domain.outside_requests import OutsideRequestDraft
from safetydesk.services import climate, interactions, interventions, outside_requests
from safetydesk.ui.records.staff import StaffTrainingForm
from safetydesk.ui.records.students import RosterImportWizard

# Controls of screens owned elsewhere that still lack a name, reported to their owner (dashboard.py).
# The test fails once one of them is fixed, so that it is taken off this list.
KNOWN_MISSING: set[tuple[str, str]] = set()

INTERACTIVE = (QLineEdit, QComboBox, QAbstractButton, QPlainTextEdit, QTextEdit, QAbstractSpinBox,
               QAbstractItemView, QAbstractSlider)


def _is_part_of_another_control(w: QWidget, top: QWidget) -> bool:
    """Qt's own sub-widgets (a combo box's line edit, a spin box's text, a table's corner button)."""
    if w.objectName().startswith("qt_"):
        return True
    p = w.parentWidget()
    while p is not None and p is not top:
        if isinstance(p, INTERACTIVE) and not isinstance(p, QAbstractButton):
            return True
        p = p.parentWidget()
    return False


def unnamed(top: QWidget) -> list[str]:
    out = []
    for w in top.findChildren(QWidget):
        if not isinstance(w, INTERACTIVE) or (isinstance(w, QAbstractSlider) and w.parentWidget() and \
                "ScrollBar" in type(w).__name__):
            continue
        if type(w).__name__ in ("QScrollBar",):
            continue
        if _is_part_of_another_control(w, top):
            continue
        if not w.accessibleName().strip() and not _known(w):
            label = getattr(w, "text", lambda: "")()
            out.append(f"{top.objectName() or type(top).__name__}: {type(w).__name__} "
                       f"'{w.objectName()}' {label!r}")
    return out


def _known(w: QWidget) -> bool:
    p = w.parentWidget()
    while p is not None:
        if (p.objectName(), w.objectName()) in KNOWN_MISSING:
            return True
        p = p.parentWidget()
    return False


def open_tops() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_every_control_of_every_page_form_and_detail_has_an_accessible_name(
        qtbot, ui_window, ui_world, ui_prompts):
    s = ui_world.session
    # One record of each everyday kind, so every detail can be shown.
    interaction = interactions.log_interaction(s, ui_world.draft())
    request = interventions.log_request(s, InterventionDraft(
        requested_at="2025-10-03T10:00", school_id=ui_world.high, location="Room 12", requester_name="Ms. Lee",
        requester_role="teacher", ground="b_disruption", description="Shouting and throwing chairs.",
        students=[ui_world.students[0]]))
    activity = climate.log_activity(s, ClimateDraft(activity_date="2025-10-01", school_id=ui_world.high,
                                                    staff=[ui_world.sro], activity_type="assembly"))
    outside = outside_requests.log_request(s, OutsideRequestDraft(
        received_on="2025-10-02", school_id=ui_world.high, agency="A federal agency",
        document_type="administrative_warrant", routed_to="District counsel", response="pending"))
    # Pop-ups answered "no": the walk clicks buttons, and must change nothing.
    ui_prompts.answers.update({"confirm": False, "ask_text": None, "choose_file": None,
                               "choose_folder": None})
    window = ui_window()
    problems: list[str] = []
    seen: set[int] = set()

    def walk_new_windows(before: set[int]) -> None:
        for top in open_tops():
            if id(top) not in before and id(top) not in seen:
                seen.add(id(top))
                qtbot.waitUntil(window.ctx.worker.is_idle, timeout=10_000)
                problems.extend(unnamed(top))
                top.close()

    problems.extend(unnamed(window))
    for i in range(len(window.sections)):
        window.show_section(i)
        page = window.sections[i][2]  # built when first shown
        qtbot.waitUntil(window.ctx.worker.is_idle, timeout=10_000)
        problems.extend(unnamed(page))
        for button in page.findChildren(QPushButton):
            if button.text().endswith("…") and button.isVisibleTo(page) and button.isEnabled():
                before = {id(w) for w in open_tops()}
                button.click()
                walk_new_windows(before)

    records: dict[str, str] = {"interaction": interaction, "intervention_request": request,
                               "climate_activity": activity, "outside_request": outside,
                               "staff": ui_world.sro, "student": ui_world.students[0]}
    from safetydesk.services import dashboard as dashboard_service
    for item in dashboard_service.dashboard_items(s):
        records.setdefault(item.record_type, item.record_id)
    for record_type, record_id in records.items():
        if record_type != "interaction" and record_type not in window.openers:
            continue
        before = {id(w) for w in open_tops()}
        window.open_record(record_type, record_id)
        walk_new_windows(before)

    # The interaction form with every conditional section shown.
    form = window.new_interaction()
    qtbot.waitUntil(lambda: form.staff.choice.count() > 0, timeout=10_000)
    form.students.list.add(ui_world.students[0], "Quinn, Avery", "subject")
    form.type.setCurrentIndex(form.type.findData("law_enforcement"))
    form.arrest.setChecked(True)
    form.use_of_force.setChecked(True)
    form.discipline_related.setChecked(True)
    form.le_activities.add()
    block = form.le_activities.blocks[0]
    block.type.setCurrentIndex(block.type.findData("interview_interrogation"))
    block.student.setCurrentIndex(block.student.findData(ui_world.students[0]))
    form.notifications.add()
    qtbot.waitUntil(lambda: bool(form.attorney_blocks), timeout=5_000)
    problems.extend(unnamed(form))
    form.type.setCurrentIndex(form.type.findData("restraint"))
    problems.extend(unnamed(form))
    form.close()
    for extra in (StaffTrainingForm(window.ctx, ui_world.sro, "Officer Morgan Vale", None),
                  RosterImportWizard(window.ctx)):
        extra.show()
        problems.extend(unnamed(extra))
        extra.close()
        extra.deleteLater()
    qtbot.waitUntil(window.ctx.worker.is_idle, timeout=10_000)
    assert len(seen) >= 10  # forms and details really were opened and walked
    assert problems == [], "Controls without an accessible name:\n" + "\n".join(problems)
    still = {(page, name) for page, name in KNOWN_MISSING
             if (found := window.findChild(QWidget, name)) is not None and not found.accessibleName()}
    assert still == KNOWN_MISSING, f"Fixed, take off KNOWN_MISSING: {KNOWN_MISSING - still}"
