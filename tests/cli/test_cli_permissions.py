"""P23 at every command-line door: each command and option that reads or writes data, run as an
account of each role, is allowed or refused as the table says.

The table is the contract, like tests/services/test_permissions_table.py for service functions. The
click command tree is walked: a command, an option or a report name without an entry here fails
`test_every_command_and_option_has_an_entry`.

Each entry is one of
- a Permission: run the scenario as every role; a role without the permission (at the school of the
  records used, Birch High) must be refused with the permission sentence and exit 1, a role with it
  must get past the check (success, or an ordinary failure that is not a refusal);
- SAME: an option that changes nothing about who may run the command; the command's own entry (and
  a scenario that uses the option, where one is listed) covers it;
- NO_ACCOUNT: a door that needs no account, with the reason, and a scenario that shows it reads or
  writes no record data (for example it refuses an existing data file).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
import pytest

from safetydesk.app import main
from safetydesk.cli import REPORT_NAMES
from safetydesk.cli import cli as click_group
from safetydesk.domain.permissions import GRANTS
from safetydesk.domain.permissions import Permission as P
from safetydesk.domain.records import SchoolDraft, UserDraft
from safetydesk.domain.vocab import Role
from safetydesk.paths import resolve
from safetydesk.services import accounts, files, interactions, records_io
from support import count

PASSWORD = "a long enough password"
ACCOUNTS = {Role.DISTRICT_ADMIN: "it-admin", Role.PRINCIPAL: "principal", Role.FRONT_OFFICE: "office",
            Role.SAFETY_STAFF: "officer", Role.REVIEWER: "reviewer"}
REFUSALS = ("is not allowed to", "Only a district administrator", "your account may not log this record")


class Same:
    def __repr__(self) -> str:
        return "SAME"


SAME = Same()


@dataclass(frozen=True)
class NoAccount:
    reason: str


# ------------------------------------------------------------------ the contract
# Reports that count complaints (compliance, the board report, the OSPI collection) need both.
WITH_COMPLAINTS = frozenset({P.VIEW_RECORDS, P.VIEW_COMPLAINTS})
EXPECTED: dict[str, P | frozenset[P] | Same | NoAccount] = {
    # the program itself
    "--home": SAME, "--self-test": NoAccount("opens the window offscreen up to its sign-in; reads no record"),
    "--version": NoAccount("prints the version"),
    "init": NoAccount("creates a new file; refuses a folder that already holds one"),
    "init --district": SAME, "init --school": SAME, "init --admin": SAME,
    "demo": NoAccount("fills an empty folder with fictional data; refuses a folder with a data file"),
    "demo --seed": SAME, "demo --scale": SAME,
    "demo --replace": P.ADMINISTER,
    "verify": P.ADMINISTER, "verify --repair": P.ADMINISTER, "verify --against": P.ADMINISTER,
    "backup": P.ADMINISTER, "backup --out": P.ADMINISTER,
    # No person: the scheduled-task key slot, whose session may only administer (tests/cli/test_cli_task_key.py).
    "verify --task-key": NoAccount("the scheduled-task key, limited to the administer permission"),
    "backup --task-key": NoAccount("the scheduled-task key, limited to the administer permission"),
    "restore": P.ADMINISTER, "restore --yes": SAME,
    "import roster": P.IMPORT_ROSTER, "import roster --preview": P.IMPORT_ROSTER,
    "import roster --mapping": SAME, "import roster --flags": SAME, "import roster --full": P.IMPORT_ROSTER,
    "import roster --skip-problem-rows": SAME, "import roster --force": P.IMPORT_ROSTER,
    "import records": P.LOG_INTERACTION, "import records --check": P.LOG_INTERACTION,
    "import records --type": SAME,
    "export records": P.VIEW_RECORDS,
    "export records --type": P.IMPORT_ROSTER,  # --type student: the roster, for IT (roster.export_students)
    "export records --format": P.VIEW_RECORDS,
    "export records --out": SAME, "export records --school-year": SAME,
    "export records --include-retracted": P.VIEW_RECORDS,
    "report": P.VIEW_RECORDS,
    "report disaggregated": P.VIEW_RECORDS, "report ospi": WITH_COMPLAINTS, "report board": WITH_COMPLAINTS,
    "report compliance": WITH_COMPLAINTS, "report listing": P.VIEW_RECORDS,
    "report interaction": P.VIEW_RECORDS, "report intervention": P.VIEW_RECORDS,
    "report complaint": P.VIEW_COMPLAINTS, "report disclosures": P.VIEW_RECORDS,
    "report crdc": P.VIEW_RECORDS, "report crdc-district": P.EXPORT_CRDC_UNSUPPRESSED,
    "report --audience": P.DISCLOSE_OUTSIDE,  # --audience outside: a disclosure (P24)
    "report --for-student": P.VIEW_RECORDS,  # --audience family
    "report --year": SAME, "report --school": SAME, "report --id": SAME, "report --out": SAME,
    "report --recipient": P.DISCLOSE_OUTSIDE, "report --organisation": P.DISCLOSE_OUTSIDE,
    "report --legal-basis": P.DISCLOSE_OUTSIDE, "report --basis-detail": P.DISCLOSE_OUTSIDE,
    "report --logo": SAME, "report --limit": SAME, "report --language": SAME,
    "report letter": P.INVESTIGATE_COMPLAINT,  # the response letter, by confirmation number
    "report --complaint": P.VIEW_COMPLAINTS,  # a complaint named by its confirmation number
    "report --signer": SAME, "report --signer-title": SAME,
    "task-key enable": P.MANAGE_USERS, "task-key disable": P.MANAGE_USERS, "task-key status": P.ADMINISTER,
    # sync: with --user the pass runs as that account; without, with the unattended-sync keys an
    # administrator allowed (kept in the OS credential store; tests/sync/).
    "sync": NoAccount("the unattended-sync keys an administrator allowed; without them it does nothing"),
    "sync --once": SAME, "sync --every": SAME, "sync --progress": SAME,
    "sync --status": NoAccount("reads the sync state: times, file names and reasons, no record"),
    "sync --set-up": P.ADMINISTER, "sync --enrol": P.ADMINISTER, "sync --name": SAME, "sync --school": SAME,
    "sync --join": P.ADMINISTER, "sync --share": SAME, "sync --remove": P.ADMINISTER,
    "sync --allow-unattended": P.ADMINISTER, "sync --against-share": P.ADMINISTER,
}
# Options every command shares, which say who acts rather than what is done.
ACTING = {"--user", "--help"}


def _tree() -> set[str]:
    """Every command path, option and report name in the click command tree."""
    found: set[str] = set()

    def walk(command: click.Command, path: str) -> None:
        if path and not isinstance(command, click.Group):
            found.add(path)
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in ACTING:
                    found.add(f"{path} {opt}".strip())
            if path == "report" and isinstance(param, click.Argument):
                found.update(f"report {name}" for name in param.type.choices)  # type: ignore[attr-defined]
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(sub, f"{path} {name}".strip())

    walk(click_group, "")
    return found


@pytest.mark.policy("P23")
def test_every_command_and_option_has_an_entry():
    tree = _tree()
    assert tree - set(EXPECTED) == set(), "add these command-line doors to EXPECTED with their permission"
    assert set(EXPECTED) - tree == set(), "these doors no longer exist: remove them from EXPECTED"
    assert set(REPORT_NAMES) <= {k.split()[1] for k in EXPECTED if k.startswith("report ") and "--" not in k}


# ------------------------------------------------------------------ a district to knock on
@dataclass
class Setup:
    home: Path
    interaction: str
    student: str
    backup: Path
    records_file: Path
    roster_file: Path
    other: Path  # an empty folder


@pytest.fixture(scope="module")
def setup(tmp_path_factory, request) -> Setup:
    # The shared fictional world of tests/conftest.py (another folder's conftest may be "conftest" now).
    [World] = {p.World for p in request.config.pluginmanager.get_plugins() if hasattr(p, "World")}

    base = tmp_path_factory.mktemp("doors")
    paths = resolve(base / "home")
    session = files.create_data_file(paths, "Fictional Valley School District", [
        SchoolDraft(name="Alder Elementary", code="ALD", level="elementary"),
        SchoolDraft(name="Birch High School", code="BHS", level="high")], "it-admin", PASSWORD)
    try:
        world = World(session)
        for role, username in ACCOUNTS.items():
            if role != Role.DISTRICT_ADMIN:
                schools = [] if role == Role.REVIEWER else [world.high]
                accounts.create_user(session, UserDraft(username=username, display_name=username,
                                                        role=role.value, schools=schools), PASSWORD)
        rid = interactions.log_interaction(session, world.draft())
        records_file = base / "interactions.csv"
        records_io.export_records(session, "interaction", "csv", records_file)
        backup = files.backup(session, base / "district.sdbackup")
    finally:
        session.store.close()
    roster = base / "roster.csv"
    roster.write_text("student_id,first_name,last_name\nS1,Ana,Ortiz\n", encoding="utf-8")
    (base / "empty").mkdir()
    return Setup(base / "home", rid, world.students[0], backup, records_file, roster, base / "empty")


Scenario = Callable[[Setup, Path], list[str]]
DISCLOSE = ["--audience", "outside", "--recipient", "Sgt. Rae Diaz", "--organisation", "Fictional Valley PD",
            "--legal-basis", "subpoena_court_order", "--basis-detail", "Subpoena 25-1-0042"]


def _report(*args: str) -> Scenario:
    suffix = "pdf" if args[0] in ("interaction", "intervention", "complaint") else "csv"  # CSV: quicker
    return lambda s, out: ["report", *args, "--out", str(out / f"r.{suffix}")]


SCENARIOS: dict[str, Scenario] = {
    "demo --replace": lambda s, out: ["demo", "--replace", "--scale", "0"],
    "verify": lambda s, out: ["verify"],
    "verify --repair": lambda s, out: ["verify", "--repair"],
    "verify --against": lambda s, out: ["verify", "--against", str(s.roster_file)],
    "backup": lambda s, out: ["backup"],
    "backup --out": lambda s, out: ["backup", "--out", str(out / "b.sdbackup")],
    "restore": lambda s, out: ["restore", str(s.backup), "--yes"],
    "import roster": lambda s, out: ["import", "roster", str(s.roster_file), "--mapping", "sis"],
    "import roster --preview": lambda s, out: ["import", "roster", str(s.roster_file), "--preview"],
    "import roster --full": lambda s, out: ["import", "roster", str(s.roster_file), "--full"],
    "import roster --force": lambda s, out: ["import", "roster", str(s.roster_file), "--full", "--force"],
    "import records": lambda s, out: ["import", "records", str(s.records_file)],
    "import records --check": lambda s, out: ["import", "records", str(s.records_file), "--check"],
    "export records": lambda s, out: ["export", "records", "--type", "interaction", "--out", str(out / "e.csv")],
    "export records --type": lambda s, out: ["export", "records", "--type", "student", "--out", str(out / "s.csv")],
    "export records --format": lambda s, out: ["export", "records", "--type", "interaction", "--format", "jsonl",
                                               "--out", str(out / "e.jsonl")],
    "export records --include-retracted": lambda s, out: [
        "export", "records", "--type", "interaction", "--include-retracted", "--out", str(out / "e.csv")],
    "report": _report("disaggregated", "--year", "2025-26", "--school", "BHS"),
    "report disaggregated": _report("disaggregated", "--year", "2025-26"),
    "report ospi": _report("ospi", "--year", "2025-26"),
    "report board": _report("board", "--year", "2025-26"),
    "report compliance": _report("compliance", "--year", "2025-26", "--school", "BHS"),
    "report listing": _report("listing", "--year", "2025-26", "--limit", "5"),
    "report crdc": _report("crdc", "--year", "2025-26"),
    "report crdc-district": _report("crdc-district", "--year", "2025-26"),
    "report interaction": lambda s, out: _report("interaction", "--id", s.interaction)(s, out),
    "report intervention": _report("intervention", "--id", "01JC3ZZZZZZZZZZZZZZZZZZZZZ"),
    "report complaint": _report("complaint", "--id", "01JC3ZZZZZZZZZZZZZZZZZZZZZ"),
    "report disclosures": lambda s, out: _report("disclosures", "--id", s.student)(s, out),
    "report --audience": lambda s, out: _report("interaction", "--id", s.interaction, *DISCLOSE)(s, out),
    "report --for-student": lambda s, out: _report("interaction", "--id", s.interaction, "--audience", "family",
                                                   "--for-student", s.student)(s, out),
    "report letter": lambda s, out: ["report", "letter", "--complaint", "C-7K4-QMX", "--out", str(out / "l.pdf")],
    "report --complaint": _report("complaint", "--complaint", "C-7K4-QMX"),
    "task-key status": lambda s, out: ["task-key", "status"],
    "task-key enable": lambda s, out: ["task-key", "enable"],
    "task-key disable": lambda s, out: ["task-key", "disable"],
    "sync --set-up": lambda s, out: ["sync", "--set-up", str(out / "share")],
    "sync --enrol": lambda s, out: ["sync", "--enrol", str(out / "enrol.sde"), "--name", "Desk 2"],
    "sync --join": lambda s, out: ["sync", "--join", str(s.records_file), "--share", str(out / "share")],
    "sync --remove": lambda s, out: ["sync", "--remove", "01JC3ZZZZZZZZZZZZZZZZZZZZZ"],
    "sync --allow-unattended": lambda s, out: ["sync", "--allow-unattended"],
    "sync --against-share": lambda s, out: ["sync", "--against-share"],
}
for _opt in ("--recipient", "--organisation", "--legal-basis", "--basis-detail"):
    SCENARIOS[f"report {_opt}"] = SCENARIOS["report --audience"]


@pytest.mark.policy("P23")
def test_every_permission_entry_has_a_scenario():
    checked = {k for k, v in EXPECTED.items() if isinstance(v, P | frozenset)}
    missing = checked - set(SCENARIOS)
    assert missing == set(), "give each checked door a scenario that runs it"


def _run(setup: Setup, argv: list[str], username: str, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--home", str(setup.home), *argv, "--user", username])
    return code, capsys.readouterr().err


@pytest.mark.policy("P23")
@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_allowed_or_refused_at_every_door(setup, role, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAFETYDESK_PASSWORD", PASSWORD)
    monkeypatch.setenv("SAFETYDESK_ENROL_PASSPHRASE", PASSWORD)
    wrong = {}
    for door, scenario in sorted(SCENARIOS.items()):
        expected = EXPECTED[door]
        assert isinstance(expected, P | frozenset)
        needed = {expected} if isinstance(expected, P) else expected
        out = tmp_path / door.replace(" ", "_").replace("--", "opt_")  # "report --complaint" is not "report complaint"
        out.mkdir()
        code, err = _run(setup, scenario(setup, out), ACCOUNTS[role], capsys)
        assert "Traceback" not in err
        refused = code == 1 and any(r in err for r in REFUSALS)
        allowed = needed <= GRANTS[role]
        if refused == allowed or code not in (0, 1):
            wrong[door] = (code, err.strip()[:200])
    count("cli-permission-table", runs=len(SCENARIOS), wrong=len(wrong))
    assert wrong == {}, f"{role.value}: these doors did not behave as the table says: {sorted(wrong)}"


@pytest.mark.policy("P23")
def test_doors_without_an_account_touch_no_existing_data(setup, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SAFETYDESK_PASSWORD", PASSWORD)
    home = tmp_path / "copy"
    shutil.copytree(setup.home, home)
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    assert main(["--home", str(home), "init", "--district", "X", "--school", "Y", "--admin", "z"]) == 1
    assert main(["--home", str(home), "demo", "--scale", "0", "--seed", "1"]) == 1
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file()} == before
    assert main(["--version"]) == 0


@pytest.mark.policy("P23")
def test_the_refusal_is_the_permission_sentence(setup, monkeypatch, capsys):
    """The scenarios' refusals are the service's sentence, not some other failure that happens to match."""
    monkeypatch.setenv("SAFETYDESK_PASSWORD", PASSWORD)
    code, err = _run(setup, ["verify"], "reviewer", capsys)
    assert code == 1 and "Your account (Read-only reviewer) is not allowed to administer" in err
