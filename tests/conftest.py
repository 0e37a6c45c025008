"""Shared fixtures: real (encrypted) data files in temporary folders, no mocks.

Every test gets its own SAFETYDESK_HOME, so no test touches a real data folder
or sees another test's settings.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from safetydesk.domain.records import InteractionDraft, SchoolDraft, StaffDraft, StudentDraft
from safetydesk.domain.staff_training import TrainingDraft
from safetydesk.paths import Paths, resolve
from safetydesk.services import files, registry
from safetydesk.services import staff as staff_service
from safetydesk.services.context import Session
from support import ADMIN_PASSWORD

# Tests never assert on wall-clock time: no hypothesis deadline, and no "too slow" health check,
# which a loaded 2-core CI machine trips at random. Tests that set their own settings keep these.
settings.register_profile("safetydesk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("safetydesk")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("SAFETYDESK_HOME", str(home))
    monkeypatch.delenv("SAFETYDESK_PASSWORD", raising=False)
    monkeypatch.delenv("SAFETYDESK_USER", raising=False)
    return home


@pytest.fixture(autouse=True)
def _isolated_credentials(tmp_path: Path):
    """The OS credential store (the scheduled-task key) is keyring's plaintext file backend, per test."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    previous = keyring.get_keyring()
    store = PlaintextKeyring()
    store.file_path = str(tmp_path / "credentials" / "keyring_pass.cfg")
    keyring.set_keyring(store)
    yield store
    keyring.set_keyring(previous)


@pytest.fixture
def paths(_isolated_home: Path) -> Paths:
    return resolve(_isolated_home)


@pytest.fixture
def admin(paths: Paths):
    """A new data file with a district of two schools, signed in as its administrator."""
    session = files.create_data_file(
        paths,
        "Fictional Valley School District",
        [
            SchoolDraft(name="Alder Elementary", code="ALD", level="elementary"),
            SchoolDraft(name="Birch High School", code="BHS", level="high"),
        ],
        "admin",
        ADMIN_PASSWORD,
    )
    yield session
    session.store.close()


class World:
    """A small fictional school world for service tests."""

    def __init__(self, session: Session) -> None:
        self.session = session
        schools = {s["code"]: s["id"] for s in registry.schools(session)}
        self.elementary, self.high = schools["ALD"], schools["BHS"]
        self.sro = registry.add_staff(
            session,
            StaffDraft(name="Officer Morgan Vale", category="sro", commissioned=True,
                       employer_type="law_enforcement", agency="Fictional Valley Police Department",
                       badge="FV-101", assignments=[{"school_id": self.high, "days_per_week": 5}]),
        )
        self.guard = registry.add_staff(
            session,
            StaffDraft(name="Jess Okafor", category="school_security", employer_type="district",
                       assignments=[{"school_id": self.elementary, "days_per_week": 3},
                                    {"school_id": self.high, "days_per_week": 2}]),
        )
        # P02: the district confirmed both people's ESD training documentation.
        for staff_id in (self.sro, self.guard):
            staff_service.record_training(session, TrainingDraft(
                staff_id=staff_id, esd_issuer="ESD 113", esd_date="2020-08-01",
                esd_reference=f"ESD113-{staff_id[-6:]}", esd_confirmed_by="District safety office",
                esd_confirmed_on="2020-08-15"))
        self.students = [
            registry.add_student(
                session,
                StudentDraft(local_id=f"S{n:05d}", first_name=first, last_name=last,
                             school_id=self.high, grade="10", races=races, iep=n % 2 == 0),
            )
            for n, (first, last, races) in enumerate(
                [("Avery", "Quinn", ["white"]), ("Rowan", "Tanaka", ["asian"]),
                 ("Kai", "Mbeki", ["black_african_american"])]
            )
        ]

    def draft(self, **overrides) -> InteractionDraft:
        base = dict(
            occurred_at="2025-10-03T10:15", school_id=self.high, location="Cafeteria",
            type="de_escalation", narrative="Two students argued over a seat; staff calmed them.",
            students=[{"student_id": self.students[0], "role": "subject"}],
            staff=[{"staff_id": self.sro, "role": "lead"}],
        )
        base.update(overrides)
        return InteractionDraft(**base)


@pytest.fixture
def world(admin: Session) -> World:
    return World(admin)



def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """Print each proof counter on a line of its own, after the test results."""
    from support import COUNTERS

    if COUNTERS:
        terminalreporter.section("proof counters")
        for line, figures in sorted(COUNTERS.items()):
            terminalreporter.write_line(
                f"{line}: " + " ".join(f"{name}={value}" for name, value in figures.items())
            )
