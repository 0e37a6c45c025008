"""The `safetydesk` command line: the same services as the window, for IT and scripts.

Without a subcommand it opens the window. Every subcommand is documented in
docs/command-line.md (a test fails when one is not).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from safetydesk import __version__, site
from safetydesk.domain.errors import DataFileError, SafetyDeskError
from safetydesk.domain.permissions import Permission
from safetydesk.domain.records import SchoolDraft
from safetydesk.domain.vocab import SchoolLevel
from safetydesk.paths import Paths, resolve
from safetydesk.services import files, review
from safetydesk.services.context import Session

OpenWindow = Callable[[Paths, bool], int]
log = logging.getLogger("safetydesk.cli")


class State:
    def __init__(self, home: str | None, open_window: OpenWindow | None) -> None:
        self.home = home
        self.open_window = open_window

    @property
    def paths(self) -> Paths:
        paths = resolve(self.home)
        site.use(paths.site)  # the district's site configuration is in force for every command
        return paths


def _password(prompt: str = "Password", confirm: bool = False) -> str:
    from_env = os.environ.get("SAFETYDESK_PASSWORD")
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        raise click.UsageError("Set SAFETYDESK_PASSWORD or run the command in a terminal to type the password.")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def sign_in(state: State, user: str | None) -> Session:
    """Unlock the data file as ``user`` (password from SAFETYDESK_PASSWORD or a prompt)."""
    if not user:
        raise click.UsageError("Say who you are with --user NAME (the data file is encrypted).")
    return files.sign_in(state.paths, user, _password(f"Password for {user}"))


USER_OPTION = click.option(
    "--user", envvar="SAFETYDESK_USER", metavar="NAME",
    help="Act as this account; the password comes from SAFETYDESK_PASSWORD or a prompt.",
)


class Progress:
    """A progress bar on the terminal for anything slow, silent when output is not a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.last = 0

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty() or total <= 0:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.length = total
        self.bar.update(max(0, done - self.last))
        self.last = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _log_to_file(paths: Paths) -> None:
    """A command's log lines go to the log folder, never to the terminal: a person reads the
    sentence the command prints ("That user name and password do not match..."), not a raw log
    line before it. Left alone when logging is already set up (the window, a test runner)."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler: logging.Handler
    try:
        paths.logs.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            paths.logs / "safetydesk.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    except OSError:
        handler = logging.NullHandler()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"safetydesk: {message}", err=True)
    sys.exit(code)


class FriendlyGroup(click.Group):
    """Turns expected failures into a sentence on stderr and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SafetyDeskError as exc:
            _fail(exc.message)
        except KeyboardInterrupt:
            _fail("stopped.", 130)
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename or ''}".strip())


@click.group(cls=FriendlyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False), envvar="SAFETYDESK_HOME",
              help="Folder for data, settings and logs (default: the platform's usual places).")
@click.option("--self-test", is_flag=True, help="Open the data file and the window offscreen; exit 0 if all is well.")
@click.version_option(__version__, prog_name="SafetyDesk")
@click.pass_context
def cli(ctx: click.Context, home: str | None, self_test: bool) -> None:
    """SafetyDesk: school safety and security records under Policy 4311.

    Run without a command to open the window.
    """
    obj = ctx.ensure_object(dict)
    state = State(home, obj.get("open_window"))
    ctx.obj = state
    if ctx.invoked_subcommand is not None:
        _log_to_file(state.paths)
    if ctx.invoked_subcommand is None:
        if state.open_window is None:
            _fail("the window is not available in this build; use a subcommand (see --help).")
            return
        sys.exit(state.open_window(state.paths, self_test))


@cli.command()
@click.option("--district", required=True, help="The district's name.")
@click.option("--school", "schools", multiple=True, required=True,
              help="A school, as NAME or NAME:LEVEL (elementary, middle, high, other). Repeat for each school.")
@click.option("--admin", required=True, help="User name of the first district administrator.")
@click.pass_obj
def init(state: State, district: str, schools: tuple[str, ...], admin: str) -> None:
    """Create a new data file with a district, its schools and the first administrator.

    The administrator's password comes from SAFETYDESK_PASSWORD or a prompt.
    """
    drafts = []
    for spec in schools:
        name, _, level = spec.partition(":")
        level = level.strip().lower() or "other"
        if level not in SchoolLevel._value2member_map_:
            raise click.BadParameter(f"“{level}” is not a school level; use elementary, middle, high or other.",
                                     param_hint="--school")
        drafts.append(SchoolDraft(name=name.strip(), level=level))
    password = _password(f"Choose a password for {admin}", confirm=True)
    session = files.create_data_file(state.paths, district, drafts, admin, password)
    session.store.close()
    click.echo(f"Created {state.paths.data_file} for {district} with {len(drafts)} school(s).")
    click.echo(f"Sign in as {admin}.")


DEMO_ACCOUNTS = frozenset({"admin", "principal", "office", "officer", "reviewer"})


def _holds_only_demo_data(session: Session) -> bool:
    """Whether a data file is a demo file: the demo's district, and no account but the demo's."""
    from safetydesk.demo.generator import DISTRICT_NAME
    from safetydesk.services import accounts, registry

    district = registry.district(session) or {}
    users = {u["username"] for u in accounts.list_users(session)}
    return district.get("name") == DISTRICT_NAME and users <= DEMO_ACCOUNTS


@cli.command()
@click.option("--seed", type=int, default=4311, show_default=True, help="Same seed, same data.")
@click.option("--scale", type=click.IntRange(0, 1_000_000), default=None,
              help="How many interactions to generate (default about 12,000; at most 1,000,000).")
@click.option("--replace", is_flag=True,
              help="Replace an existing demo data file (needs --user, a district administrator of it).")
@USER_OPTION
@click.pass_obj
def demo(state: State, seed: int, scale: int | None, replace: bool, user: str | None) -> None:
    """Fill a data folder with realistic fictional data, with one account per role.

    The accounts are admin, principal, office, officer and reviewer, each with
    the password "demo". All names are invented; no real student data is used.
    A data file that holds real (non-demo) data is never replaced.
    """
    from safetydesk import demo as demo_service

    paths = state.paths
    if files.data_file_exists(paths):
        if not replace:
            _fail(f"there is already a data file in {paths.data}; add --replace --user NAME to replace a demo "
                  "file, or choose another folder with --home.")
        if not user:
            raise click.UsageError("Replacing a data file needs an account: add --user NAME (a district "
                                   "administrator of that file).")
        try:
            session = sign_in(state, user)
        except DataFileError as exc:
            _fail(f"{exc.message} Since it cannot be read, SafetyDesk cannot tell whether it holds real "
                  "data, and does not replace it.")
        try:
            session.require(Permission.ADMINISTER)
            only_demo = _holds_only_demo_data(session)
        finally:
            session.store.close()
        if not only_demo:
            _fail(f"the data file in {paths.data} holds real (non-demo) data; demo never replaces it. "
                  "Choose another folder with --home.")
        for suffix in ("", "-wal", "-shm", ".keys"):
            Path(str(paths.data_file) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    progress = Progress("Generating demo data")
    try:
        summary = demo_service.generate(paths, seed=seed, interactions=scale, progress=progress)
    finally:
        progress.close()
    elapsed = time.perf_counter() - started
    click.echo(f"Demo data written to {paths.data_file} in {elapsed:.1f} s:")
    for key, value in summary.counts.items():
        click.echo(f"  {value:>9,} {key}")
    click.echo("Accounts (password for each: demo):")
    for username, role in summary.accounts:
        click.echo(f"  {username:<10} {role}")


TASK_KEY_OPTION = click.option(
    "--task-key", is_flag=True,
    help="Open the file with the scheduled-task key held by this computer's credential store, not a "
         "person's password (see `safetydesk task-key`).",
)


def _file_session(state: State, user: str | None, task_key: bool) -> Session:
    """A session for the commands that act on the file as a whole: an account, or the task key."""
    if task_key:
        if user:
            raise click.UsageError("Use either --user NAME or --task-key, not both.")
        from safetydesk.services import task_key as task_key_service

        return task_key_service.open_as_task(state.paths)
    if not user:
        raise click.UsageError("Say who you are with --user NAME (the data file is encrypted), or use "
                               "--task-key from a scheduled task.")
    return sign_in(state, user)


@cli.command()
@click.option("--repair", is_flag=True, help="Rebuild derived tables from the history when only they differ.")
@click.option("--against", "against", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Also check against published history anchors (the CSV or lines of a board report or "
                   "OSPI collection: workstation, entry, hash).")
@USER_OPTION
@TASK_KEY_OPTION
@click.pass_obj
def verify(state: State, repair: bool, against: str | None, user: str | None, task_key: bool) -> None:
    """Check the data file: SQLite integrity, every workstation's signed history chain, derived tables.

    Exits 0 when everything is in order, 1 with a list of problems otherwise.
    """
    session = _file_session(state, user, task_key)
    progress = Progress("Verifying")
    try:
        found = problems = files.verify(session, progress)
        if repair and files.only_derived_tables_differ(found):
            problems = files.verify(session, progress, repair=True)
        if against:
            problems = problems + review.verify_against(session, Path(against).read_text("utf-8"))
    finally:
        progress.close()
        session.store.close()
    if repair and found and not problems:
        click.echo(f"Repaired: {len(found)} derived table(s) rebuilt from the history.")
    if problems:
        click.echo(f"{state.paths.data_file}: {len(problems)} problem(s) found:", err=True)
        for p in problems:
            click.echo(f"  - {p}", err=True)
        if repair and not files.only_derived_tables_differ(problems):
            click.echo("The history itself is damaged, so nothing was repaired: restore a backup "
                       "(safetydesk restore).", err=True)
        sys.exit(1)
    click.echo(f"{state.paths.data_file}: OK — integrity, history chain and derived tables check out.")


@cli.command()
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="Backup file to write (default: a dated file in the data folder's backups/).")
@USER_OPTION
@TASK_KEY_OPTION
@click.pass_obj
def backup(state: State, out: str | None, user: str | None, task_key: bool) -> None:
    """Write an encrypted, consistent copy of the data file (safe while SafetyDesk is open)."""
    session = _file_session(state, user, task_key)
    progress = Progress("Backing up")
    try:
        target = files.backup(session, Path(out) if out else None, progress)
    finally:
        progress.close()
        session.store.close()
    click.echo(f"Backup written to {target}.")


@cli.group("task-key")
def task_key_group() -> None:
    """The scheduled-task key: backup and verify from a scheduled task without a person's password."""


@task_key_group.command("enable")
@USER_OPTION
@click.pass_obj
def task_key_enable(state: State, user: str | None) -> None:
    """Create (or renew) the scheduled-task key; its secret is kept in this computer's credential store.

    Run it as the operating-system account the scheduled task runs as. Needs a district administrator.
    """
    from safetydesk.services import task_key as task_key_service

    session = sign_in(state, user)
    try:
        task_key_service.enable_task_key(session)
    finally:
        session.store.close()
    click.echo("The scheduled-task key is enabled for this data file and this computer account. "
               "It opens the file only for `backup --task-key` and `verify --task-key`.")


@task_key_group.command("disable")
@USER_OPTION
@click.pass_obj
def task_key_disable(state: State, user: str | None) -> None:
    """Remove the scheduled-task key from the data file and from the credential store."""
    from safetydesk.services import task_key as task_key_service

    session = sign_in(state, user)
    try:
        had = task_key_service.disable_task_key(session)
    finally:
        session.store.close()
    click.echo("The scheduled-task key was removed." if had else "There was no scheduled-task key.")


@task_key_group.command("status")
@USER_OPTION
@click.pass_obj
def task_key_status(state: State, user: str | None) -> None:
    """Whether the data file has a scheduled-task key, and whether this computer account holds its secret."""
    from safetydesk.services import task_key as task_key_service

    session = sign_in(state, user)
    try:
        status = task_key_service.task_key_status(session)
    finally:
        session.store.close()
    click.echo(f"Scheduled-task key: {'enabled' if status.enabled else 'not enabled'}; "
               f"secret in this computer account's credential store: {'yes' if status.in_credential_store else 'no'}.")


@cli.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@USER_OPTION
@click.pass_obj
def restore(state: State, backup_file: str, yes: bool, user: str | None) -> None:
    """Replace the data file with BACKUP_FILE. The current file is kept beside it, renamed.

    The backup must open with --user's password before anything is replaced.
    """
    if not user:
        raise click.UsageError("Say who you are with --user NAME: the backup opens with that account's password.")
    if not yes and sys.stdin.isatty():
        click.confirm(f"Replace {state.paths.data_file} with {backup_file}?", abort=True)
    kept = files.restore(state.paths, Path(backup_file), user, _password(f"Password for {user}"))
    click.echo(f"Restored {backup_file} to {state.paths.data_file}.")
    if kept:
        click.echo(f"The previous data file was kept as {kept}.")


@cli.group("import")
def import_group() -> None:
    """Bring students and records in from other systems."""


@import_group.command("roster")
@click.argument("path", type=click.Path(exists=True))
@click.option("--mapping", default="", metavar="NAME",
              help="Saved column mapping for a plain CSV roster (not needed for OneRoster).")
@click.option("--flags", "flags_path", type=click.Path(exists=True), default=None,
              help="Supplementary CSV with program flags (multilingual, homeless, low income, IEP, 504).")
@click.option("--full", is_flag=True,
              help="The file is the whole roster: students missing from it are marked inactive "
                   "(never for a OneRoster delta).")
@click.option("--preview", is_flag=True,
              help="Show what would change, per school, and the first rows of each problem; write nothing.")
@click.option("--skip-problem-rows", is_flag=True, help="Import the valid rows and leave out rows with problems.")
@click.option("--force", is_flag=True,
              help="Import even if it reads no students (with --full) or makes more than the district's "
                   "share (default 20%) of a school's active students inactive.")
@USER_OPTION
@click.pass_obj
def import_roster(state: State, path: str, mapping: str, flags_path: str | None, full: bool, preview: bool,
                  skip_problem_rows: bool, force: bool, user: str | None) -> None:
    """Import students from a OneRoster 1.0, 1.1 or 1.2 folder or zip, or a plain CSV with a saved mapping.

    Place-of-birth, citizenship, immigration and visa columns are skipped without
    keeping their values, and the summary names each one. An import that would
    make too many of a school's students inactive stops with the numbers unless
    --force is given.
    """
    from safetydesk.services import roster

    session = sign_in(state, user)
    try:
        flags = Path(flags_path) if flags_path else None
        found = roster.preview_roster(session, Path(path), mapping=mapping, flags=flags, full=full)
        if preview:
            click.echo("Preview (nothing was written):")
            for line in roster.describe_preview(found):
                click.echo(line)
            return
        summary = roster.apply_roster(session, found, full=full, skip_problem_rows=skip_problem_rows,
                                      force=force)
    finally:
        session.store.close()
    for line in summary.lines():
        click.echo(line)


@import_group.command("records")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--type", "record_type", default="", metavar="TYPE",
              help="Record type of rows without a record_type column (see docs/records.md).")
@click.option("--check", is_flag=True, help="Check every row and report problems; write nothing.")
@USER_OPTION
@click.pass_obj
def import_records(state: State, file: str, record_type: str, check: bool, user: str | None) -> None:
    """Import records from a CSV or JSON Lines FILE in the vocabulary of docs/records.md.

    Every row is checked first; if any row has a problem, all problems are listed
    with their row numbers and nothing is written.
    """
    from safetydesk.services import records_io

    session = sign_in(state, user)
    try:
        result = records_io.import_records(session, Path(file), record_type, dry_run=check)
    except records_io.ImportRefused as exc:
        click.echo(f"safetydesk: nothing was imported from {file}; {len(exc.problems)} problem(s):", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    finally:
        session.store.close()
    if result.encoding not in ("utf-8", "ascii"):
        click.echo(f"Read {file} as {result.encoding} text.")
    if result.already_imported:
        click.echo(f"Already imported, left out: row(s) {records_io.row_ranges(result.already_imported)} "
                   f"({len(result.already_imported)} record(s) this file, or these rows, created before).")
    verb = "All rows are valid; would import" if check else "Imported"
    total = sum(result.created.values())
    if not total and result.already_imported:
        click.echo("Nothing new to import: this file was already imported.")
        return
    click.echo(f"{verb} {total} record(s): " + ", ".join(f"{n} {t}" for t, n in sorted(result.created.items())))


@cli.group("export")
def export_group() -> None:
    """Write records to files for other systems."""


@export_group.command("records")
@click.option("--type", "record_type", required=True, metavar="TYPE",
              help="interaction, intervention_request, climate_activity, outside_request or student "
                   "(the roster as SafetyDesk holds it).")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True,
              help="CSV (nested details as JSON in a cell) or JSON Lines.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="File to write.")
@click.option("--school-year", default="", metavar="YYYY-YY", help="Only this school year, for example 2025-26.")
@click.option("--include-retracted", is_flag=True, help="Also export retracted records and duplicates.")
@USER_OPTION
@click.pass_obj
def export_records(state: State, record_type: str, fmt: str, out: str, school_year: str,
                   include_retracted: bool, user: str | None) -> None:
    """Export the records your account may see, in the vocabulary of docs/records.md."""
    from safetydesk.services import records_io

    session = sign_in(state, user)
    if record_type == "student":
        from safetydesk.services import roster

        try:
            n = roster.export_students(session, Path(out), fmt)
        finally:
            session.store.close()
        click.echo(f"Wrote {n} student(s) to {out}.")
        return
    try:
        result = records_io.export_records(session, record_type, fmt, Path(out), school_year=school_year,
                                           include_retracted=include_retracted)
    finally:
        session.store.close()
    click.echo(f"Wrote {result.rows} {record_type} record(s) to {result.path}.")


REPORT_NAMES = ("disaggregated", "ospi", "board", "compliance", "interaction", "intervention", "complaint",
                "disclosures", "listing", "letter", "crdc", "crdc-district")
RECORD_REPORTS = ("interaction", "intervention", "complaint", "disclosures")
BASES = ("consent", "school_official", "health_safety_emergency", "subpoena_court_order", "other")


@cli.command()
@click.argument("name", type=click.Choice(REPORT_NAMES))
@click.option("--year", "school_year", default="", metavar="YYYY-YY", help="School year, for example 2025-26.")
@click.option("--school", default="", metavar="CODE", help="Only this school (its code, for example BHS).")
@click.option("--id", "record_id", default="", metavar="ID",
              help="The record to print (interaction, intervention, complaint) or the student (disclosures).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="FILE.pdf, or FILE.csv (reports with several tables write FILE-PART.csv beside it).")
@click.option("--audience", type=click.Choice(["staff", "family", "outside"]), default="staff", show_default=True,
              help="Who a record printout is for: family copies hide other students; outside is a disclosure.")
@click.option("--for-student", default="", metavar="ID", help="Family copy: the student whose family receives it.")
@click.option("--recipient", default="", help="Disclosure (P24): the person who receives the file.")
@click.option("--organisation", default="", help="Disclosure: the recipient's organisation.")
@click.option("--legal-basis", type=click.Choice(BASES), default=None, help="Disclosure: the legal basis.")
@click.option("--basis-detail", default="",
              help="Disclosure: the threat (emergency), the subpoena or order, or the other basis.")
@click.option("--logo", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Board report: the district's logo (PNG or JPEG) beside the letterhead.")
@click.option("--limit", type=int, default=0, help="Listing: at most this many records (0: all).")
@click.option("--language", default="", help="Family copy: the family's language (for example Spanish).")
@click.option("--complaint", default="", metavar="C-XXX-XXX",
              help="letter, complaint: the complaint, by the confirmation number the family was given.")
@click.option("--signer", default="", help="letter: who signs it (default: your name as the window shows it).")
@click.option("--signer-title", default="", help="letter: the signer's title, for example Principal.")
@USER_OPTION
@click.pass_obj
def report(state: State, name: str, school_year: str, school: str, record_id: str, out: str, audience: str,
           for_student: str, recipient: str, organisation: str, legal_basis: str | None, basis_detail: str,
           logo: str | None, limit: int, language: str, complaint: str, signer: str, signer_title: str,
           user: str | None) -> None:
    """Write a report as PDF or CSV: disaggregated (P20), ospi (P21), board (P22), compliance,
    a record printout (interaction, intervention, complaint, with --id), a student's record of
    disclosures (disclosures --id STUDENT), a listing of interactions, or the response letter to a
    complaint (letter --complaint C-XXX-XXX, PDF) in the family's language with the English copy.

    A complaint is named by its confirmation number (--complaint, or --id) or its internal id; a
    student (--for-student, disclosures --id) by the SIS id exports and the window show, or the
    internal id. A school year with nothing recorded is refused, not written as an empty report.

    A printout for someone outside the school (--audience outside) is a disclosure: it needs
    --recipient, --organisation and --legal-basis, and is entered in the student's record of
    disclosures before the file is written.
    """
    from safetydesk.domain.disclosures import DisclosureDraft
    from safetydesk.reports.produce import produce

    target = Path(out)
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "csv") and not (fmt == "zip" and name == "ospi"):
        raise click.BadParameter("the file must end in .pdf or .csv (or .zip for ospi: the collection with "
                                 "its agreements).", param_hint="--out")
    if name == "letter":
        if fmt != "pdf":
            raise click.BadParameter("a letter is a PDF: end the file name in .pdf.", param_hint="--out")
        if not (complaint or record_id):
            raise click.UsageError("Say which complaint with --complaint and its confirmation number, "
                                   "for example --complaint C-7K4-QMX.")
        _write_letter(state, complaint or record_id, target, signer, signer_title, user)
        return
    if complaint and name != "complaint":
        raise click.UsageError("--complaint names the complaint of the complaint report or the letter.")
    record_id = record_id or complaint
    if school_year and not _is_school_year(school_year):
        raise click.BadParameter(f"“{school_year}” is not a school year: write it as 2025-26.", param_hint="--year")
    if name in RECORD_REPORTS and not record_id:
        raise click.UsageError(f"Say which record to print with --id (the {name} report is about one record).")
    if name not in RECORD_REPORTS and not school_year:
        raise click.UsageError("Say which school year with --year, for example --year 2025-26.")
    disclosure = None
    if audience == "outside":
        disclosure = DisclosureDraft(recipient=recipient, organisation=organisation, legal_basis=legal_basis or "",
                                     basis_detail=basis_detail)
    session = sign_in(state, user)
    progress = Progress(f"Building the {name} report")
    try:
        record_id, for_student = _named_records(session, name, record_id, for_student)
        if name not in RECORD_REPORTS:
            _refuse_an_empty_year(session, school_year)
        produced = produce(session, name, school_year, target, progress, school=school, record_id=record_id,
                           audience=audience, for_student=for_student, disclosure=disclosure,
                           logo=Path(logo).read_bytes() if logo else None, limit=limit, language=language)
    finally:
        progress.close()
        session.store.close()
    doc, written = produced.document, produced.written
    for path in written:
        click.echo(f"Wrote {path}.")
    if disclosure is not None and doc.names_students:
        click.echo("Entered in the record of disclosures.")


def _is_school_year(text: str) -> bool:
    first, _, second = text.partition("-")
    return (len(first) == 4 and len(second) == 2 and first.isdigit() and second.isdigit()
            and (int(first) + 1) % 100 == int(second))


def _named_records(session: Session, name: str, record_id: str, for_student: str) -> tuple[str, str]:
    """The internal ids of the complaint (by confirmation number) and the student (by SIS id) named."""
    from safetydesk.domain.complaints import normalise_confirmation
    from safetydesk.services import complaints, registry

    if name == "complaint" and normalise_confirmation(record_id):
        record_id = complaints.find_by_confirmation(session, record_id)
    if name == "disclosures":
        record_id = registry.student_id_for(session, record_id)
    if for_student:
        for_student = registry.student_id_for(session, for_student)
    return record_id, for_student


def _refuse_an_empty_year(session: Session, school_year: str) -> None:
    """A report about a school year in which nothing is recorded is refused (exit 1), never written
    empty: a mistyped year should not look like a year without incidents."""
    from safetydesk.domain.errors import PermissionDenied
    from safetydesk.services import complaints, dashboard

    years = dashboard.school_years(session)
    if school_year in years:
        return
    try:
        if complaints.complaint_counts(session, school_year):
            return
    except PermissionDenied:  # the report itself says who may see complaints
        pass
    shown = ", ".join(years[:6]) if years else "none yet"
    raise SafetyDeskError(f"Nothing is recorded for the {school_year} school year at the schools you can see "
                          f"(no interactions and no complaints), so no report was made. School years with "
                          f"interactions: {shown}.")


def _write_letter(state: State, complaint: str, target: Path, signer: str, signer_title: str,
                  user: str | None) -> None:
    """The response letter to a complaint, named by its confirmation number (or internal id)."""
    from safetydesk.domain.complaints import normalise_confirmation
    from safetydesk.reports.letters import write_response_letter
    from safetydesk.services import complaints, templates

    session = sign_in(state, user)
    try:
        session.require(Permission.INVESTIGATE_COMPLAINT)
        record_id = complaints.find_by_confirmation(session, complaint) if normalise_confirmation(complaint) \
            else complaint
        letter = complaints.response_letter(session, record_id, signer or session.actor.display_name,
                                            signer_title)
        path = write_response_letter(letter, target, templates.wording(session))
    finally:
        session.store.close()
    click.echo(f"Wrote {path}.")
    click.echo(f"The letter to the family of complaint {letter.confirmation} is entered in the audit trail.")


def _file_lines(done: int, total: int) -> None:
    """`sync --progress`: a line per call of the pass's progress, which spaces them to about one
    per percent (a snapshot's file walked, a file checked, a file applied), one after each run of
    entries applied, and one at the end; the first comes before anything is read."""
    click.echo(f"synced {done} of {total} step(s): each new file is read, then applied", err=True)


@cli.command("sync")
@click.option("--once", is_flag=True, help="One pass, then exit with a code for a scheduled task.")
@click.option("--every", type=click.IntRange(1, 1440), default=5, show_default=True, metavar="MINUTES",
              help="Without --once: minutes between passes.")
@click.option("--status", "show_status", is_flag=True, help="Say how sync stands and list held files.")
@click.option("--set-up", "set_up", type=click.Path(file_okay=False), default=None, metavar="SHARE",
              help="Create the district folder in SHARE (district administrator).")
@click.option("--enrol", "enrol_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write an enrolment file for a new workstation (with --name, --school).")
@click.option("--name", default="", help="With --enrol: the new workstation's name.")
@click.option("--school", "schools", multiple=True, metavar="ID",
              help="With --enrol: a school the new workstation serves (repeat; none: the district office).")
@click.option("--join", "join_file", type=click.Path(dir_okay=False, exists=True), default=None,
              metavar="FILE", help="Join the district folder with an enrolment file (with --share).")
@click.option("--share", "share_root", type=click.Path(file_okay=False), default=None,
              help="With --join: the shared folder.")
@click.option("--remove", "remove_device", default=None, metavar="DEVICE",
              help="Remove a workstation from the district folder.")
@click.option("--allow-unattended", is_flag=True,
              help="Keep this data file's key in the credential store so a scheduled task can sync.")
@click.option("--against-share", is_flag=True,
              help="Compare the local history with the signed files on the share (tamper evidence).")
@click.option("--progress", "show_progress", is_flag=True,
              help="Print a line on stderr every 500 new files read (long imports, a new workstation).")
@USER_OPTION
@click.pass_obj
def sync_command(state: State, once: bool, every: int, show_status: bool, set_up: str | None,
                 enrol_file: str | None, name: str, schools: tuple[str, ...], join_file: str | None,
                 share_root: str | None, remove_device: str | None, allow_unattended: bool,
                 against_share: bool, show_progress: bool, user: str | None) -> None:
    """Exchange changes with the district's other workstations through the shared folder.

    With --once (a scheduled task): one pass and one line; exit 0 synced,
    2 offline, 3 stopped (not the right folder), 4 synced with files held, 1 other
    problem. Without --user it uses the keys kept in the credential store.
    """
    from safetydesk.services import sync as sync_service

    paths = state.paths
    progress = _file_lines if show_progress else None
    if show_status:
        st = sync_service.status(paths)
        click.echo(st.text)
        if st.stopped:
            click.echo(f"  {st.stopped}")
        for path, reason in st.held:
            click.echo(f"  held: {path}: {reason}")
        if st.waiting:
            click.echo(f"  {st.waiting} entries wait for earlier files from their workstation.")
        for sentence in st.files:
            click.echo(f"  attached file not arrived: {sentence}")
        return
    if join_file and not user:
        # An empty data folder: the enrolment file and its passphrase are the authority.
        if not share_root:
            raise click.UsageError("Say where the shared folder is with --share.")
        phrase = os.environ.get("SAFETYDESK_ENROL_PASSPHRASE") or click.prompt(
            "Passphrase of the enrolment file", hide_input=True)
        result = sync_service.join_as_new_workstation(paths, Path(share_root), Path(join_file), phrase,
                                                      progress)
        click.echo("Joined the district folder as a new workstation. "
                   + result.line(sync_service.engine_state(paths)))
        click.echo("People sign in here with the password they use on the district's other "
                   "workstations once their account has arrived.")
        return
    admin_action = set_up or enrol_file or join_file or remove_device or allow_unattended or against_share
    if admin_action or user:
        session = sign_in(state, user)
        try:
            if set_up:
                district = sync_service.set_up_district_folder(session, paths, Path(set_up))
                click.echo(f"Set up the district folder {district} in {set_up}.")
            elif enrol_file:
                phrase = os.environ.get("SAFETYDESK_ENROL_PASSPHRASE") or click.prompt(
                    "Passphrase for the enrolment file", hide_input=True, confirmation_prompt=True)
                sync_service.make_enrolment_file(session, paths, Path(enrol_file), phrase,
                                                 name or "New workstation", list(schools) or None)
                click.echo(f"Wrote {enrol_file}. Give it and its passphrase to the new workstation "
                           "separately.")
            elif join_file:
                if not share_root:
                    raise click.UsageError("Say where the shared folder is with --share.")
                phrase = os.environ.get("SAFETYDESK_ENROL_PASSPHRASE") or click.prompt(
                    "Passphrase of the enrolment file", hide_input=True)
                sync_service.join_district_folder(session, paths, Path(share_root), Path(join_file), phrase)
                click.echo("Joined the district folder; an administrator's workstation approves it at "
                           "its next sync.")
            elif remove_device:
                after = sync_service.remove_workstation(session, paths, remove_device)
                click.echo(f"Removed {remove_device}; its entries after number {after} are refused.")
            elif allow_unattended:
                sync_service.allow_unattended_sync(session, paths)
                click.echo("Unattended sync allowed: schedule `safetydesk sync --once`.")
            elif against_share:
                problems = sync_service.compare_with_share(session, paths)
                for problem in problems:
                    click.echo(f"  - {problem}", err=True)
                if problems:
                    sys.exit(1)
                click.echo("The local history matches every signed file on the share.")
            else:
                click.echo(sync_service.sync_now(session, paths, progress=progress)
                           .line(sync_service.engine_state(paths)))
        finally:
            session.store.close()
        return
    while True:
        code, line = sync_service.run_unattended(paths, progress)
        click.echo(line, err=code in (sync_service.EXIT_ERROR, sync_service.EXIT_STOPPED))
        if once:
            sys.exit(code)
        time.sleep(every * 60)


def main(argv: list[str] | None = None, open_window: OpenWindow | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="safetydesk", obj={"open_window": open_window}, standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return 0
