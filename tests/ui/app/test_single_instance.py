"""One SafetyDesk per person per data file: a second start asks the first to come forward."""

from __future__ import annotations

import uuid

from safetydesk.ui.app import single_instance


def test_a_second_start_finds_the_first_and_asks_it_forward(qtbot, tmp_path):
    name = single_instance.server_name(tmp_path / f"{uuid.uuid4().hex}.db")
    assert not single_instance.ask_running(name)  # nobody runs yet: this start opens the window
    first = single_instance.SingleInstance(name)
    assert first.listen()
    try:
        with qtbot.waitSignal(first.asked, timeout=5_000):
            assert single_instance.ask_running(name)
    finally:
        first.close()
    assert not single_instance.ask_running(name)


def test_each_data_file_has_its_own_instance():
    assert single_instance.server_name("/a/safetydesk.db") != single_instance.server_name("/b/safetydesk.db")
    assert single_instance.server_name("/a/safetydesk.db") == single_instance.server_name("/a/safetydesk.db")
