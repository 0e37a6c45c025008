"""A saved record keeps its school in the form even when the account no longer lists it."""

from types import SimpleNamespace

from PySide6.QtWidgets import QComboBox

from safetydesk.ui.kit.pickers import choose_school


def test_a_school_the_account_does_not_list_is_added_and_chosen(qtbot):
    box = QComboBox()
    qtbot.addWidget(box)
    box.addItem("Choose a school…", "")
    box.addItem("Alder Elementary", "S-ALD")
    ctx = SimpleNamespace(school_name=lambda sid: {"S-BHS": "Birch High School"}[sid])
    choose_school(box, ctx, "S-BHS")
    assert (box.currentText(), box.currentData()) == ("Birch High School", "S-BHS")
    choose_school(box, ctx, "S-ALD")
    assert box.currentData() == "S-ALD" and box.count() == 3


def test_no_school_keeps_the_current_choice(qtbot):
    box = QComboBox()
    qtbot.addWidget(box)
    box.addItem("Choose a school…", "")
    box.addItem("Alder Elementary", "S-ALD")
    box.setCurrentIndex(1)  # the account's only school, chosen for a new record
    choose_school(box, SimpleNamespace(), "")
    assert box.currentData() == "S-ALD"
