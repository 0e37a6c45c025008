"""The schema, changed only through sqlite-utils `Migrations`.

Never edit a migration that has shipped: add a new one. A data file that has a
migration this program does not know was written by a newer SafetyDesk and is
refused untouched (see `store.open_store`).

Tables fall in three groups:

* the history (`history`): append-only, one signed hash chain per device; the record
  of what happened (see store/history.py);
* derived tables (`record_state` and the typed tables below it): the current
  state of every record, rebuilt from the history by `Store.rebuild_derived`;
* local tables (`meta`, `drafts`, `held_entries`, `clock_flags`, `imports`): this workstation's own
  bookkeeping, never part of the history.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

MIGRATION_SET = "safetydesk"


class LazyMigrations:
    """sqlite-utils' `Migrations`, made when a migration is to run, not when this module is read.

    The migrations register here (``@migrations()``) as they would there, in the same order,
    and `names` lists them without sqlite-utils. A file that is up to date is opened without
    importing sqlite-utils at all (with its click and dateutil, a tenth of a second of every
    start-up); `pending`, `apply` and everything else of sqlite-utils' `Migrations` import it
    first and act on the one real `Migrations` made from this list."""

    _OWN = frozenset({"name", "_registered", "_real"})

    def __init__(self, name: str) -> None:
        self.name = name
        self._registered: list[tuple[str, Callable[[Database], None], bool]] = []
        self._real: Migrations | None = None

    def __call__(self, *, name: str | None = None,
                 transactional: bool = True) -> Callable[[Callable[[Database], None]], Any]:
        def inner(fn: Callable[[Database], None]) -> Callable[[Database], None]:
            if self._real is not None:
                return self._real(name=name, transactional=transactional)(fn)
            migration_name = name or fn.__name__
            if any(n == migration_name for n, _, _ in self._registered):
                raise ValueError(f"Migration '{migration_name}' is already registered in set '{self.name}'")
            self._registered.append((migration_name, fn, transactional))
            return fn
        return inner

    def names(self) -> list[str]:
        """Every migration's name, in the order they run."""
        if self._real is not None:
            return [m.name for m in self._real._migrations]
        return [n for n, _, _ in self._registered]

    def real(self) -> Migrations:
        if self._real is None:
            from safetydesk.store import _import_sqlite_utils_without_numpy

            _import_sqlite_utils_without_numpy()
            from sqlite_utils import Migrations

            real = Migrations(self.name)
            for n, fn, transactional in self._registered:
                real(name=n, transactional=transactional)(fn)
            self._real = real
        assert self._real is not None
        return self._real

    @property
    def _migrations(self) -> list[Any]:
        return self.real()._migrations

    @_migrations.setter
    def _migrations(self, value: list[Any]) -> None:  # tests add a later release's migration
        self.real()._migrations = value

    def __getattr__(self, attr: str) -> Any:  # pending, apply, _Migration, ...
        if attr in LazyMigrations._OWN:
            raise AttributeError(attr)
        return getattr(self.real(), attr)


migrations = LazyMigrations(MIGRATION_SET)

# Derived tables, in the order they are cleared and compared.
DERIVED_TABLES = (
    "record_state",
    "districts",
    "schools",
    "school_years",
    "staff",
    "staff_assignments",
    "students",
    "interactions",
    "interaction_students",
    "interaction_staff",
    "users",
)
# Full-text indexes over the typed tables (external content: the text is stored once, in the table).
FTS_TABLES = ("interactions_fts", "students_fts")

DERIVED_SQL = """
CREATE TABLE {s}record_state (
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_hlc TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (record_type, record_id)
);
CREATE TABLE {s}districts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT ''
);
CREATE TABLE {s}schools (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL DEFAULT 'other',
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE {s}school_years (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL
);
CREATE TABLE {s}staff (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    commissioned INTEGER NOT NULL,
    employer_type TEXT NOT NULL,
    agency TEXT NOT NULL DEFAULT '',
    badge TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL DEFAULT '',
    end_date TEXT NOT NULL DEFAULT '',
    retracted INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE {s}staff_assignments (
    staff_id TEXT NOT NULL,
    school_id TEXT NOT NULL,
    days_per_week REAL NOT NULL,
    PRIMARY KEY (staff_id, school_id)
);
CREATE TABLE {s}students (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    local_id TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    school_id TEXT NOT NULL DEFAULT '',
    grade TEXT NOT NULL DEFAULT '',
    birth_date TEXT NOT NULL DEFAULT '',
    races TEXT NOT NULL DEFAULT '[]',
    hispanic_latino INTEGER NOT NULL DEFAULT 0,
    gender_identity TEXT NOT NULL DEFAULT 'not_provided',
    multilingual INTEGER NOT NULL DEFAULT 0,
    homeless INTEGER NOT NULL DEFAULT 0,
    low_income INTEGER NOT NULL DEFAULT 0,
    iep INTEGER NOT NULL DEFAULT 0,
    section_504 INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE {s}interactions (
    n INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    occurred_at TEXT NOT NULL,
    school_year TEXT NOT NULL,
    school_id TEXT NOT NULL,
    location TEXT NOT NULL,
    type TEXT NOT NULL,
    discipline_related INTEGER NOT NULL,
    responsible_admin TEXT NOT NULL DEFAULT '',
    narrative TEXT NOT NULL DEFAULT '',
    resulted_in_discipline INTEGER NOT NULL DEFAULT 0,
    use_of_force INTEGER NOT NULL DEFAULT 0,
    arrest INTEGER NOT NULL DEFAULT 0,
    student_count INTEGER NOT NULL DEFAULT 0,
    students_label TEXT NOT NULL DEFAULT '',
    staff_label TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL,
    rules_version TEXT NOT NULL DEFAULT '',
    created_hlc TEXT NOT NULL,
    updated_hlc TEXT NOT NULL,
    version INTEGER NOT NULL,
    retracted INTEGER NOT NULL DEFAULT 0,
    retract_reason TEXT NOT NULL DEFAULT '',
    duplicate_of TEXT NOT NULL DEFAULT ''
);
CREATE TABLE {s}interaction_students (
    interaction_id TEXT NOT NULL,
    student_id TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (interaction_id, student_id)
);
CREATE TABLE {s}interaction_staff (
    interaction_id TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (interaction_id, staff_id)
);
CREATE TABLE {s}users (
    username TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    schools TEXT NOT NULL DEFAULT '[]',
    active INTEGER NOT NULL DEFAULT 1
);
"""

USERS_BY_NAME_SQL = """CREATE TABLE {s}users (
    username TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    schools TEXT NOT NULL DEFAULT '[]',
    active INTEGER NOT NULL DEFAULT 1
);
"""

INDEX_SQL = """
CREATE INDEX interactions_when ON interactions (occurred_at DESC, id DESC);
CREATE INDEX interactions_school_when ON interactions (school_id, occurred_at DESC, id DESC);
CREATE INDEX interactions_year ON interactions (school_year, school_id);
CREATE INDEX interaction_students_student ON interaction_students (student_id);
CREATE INDEX interaction_staff_staff ON interaction_staff (staff_id);
CREATE INDEX students_school ON students (school_id, last_name, first_name);
CREATE INDEX students_local_id ON students (local_id);
"""

FTS_SQL = """
CREATE VIRTUAL TABLE interactions_fts USING fts5(narrative, location,
    content = 'interactions', content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE students_fts USING fts5(first_name, last_name, local_id,
    content = 'students', content_rowid = 'n', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
"""


@dataclass(frozen=True)
class Area:
    """The derived tables of one group of record types, added by its own migration module.

    ``derived_sql`` creates the tables with ``{s}`` before each table name, so
    that `verify` can build a scratch copy to compare against. Full-text
    indexes listed in ``fts_tables`` must use external content.
    """

    name: str
    derived_sql: str
    derived_tables: tuple[str, ...]
    fts_tables: tuple[str, ...] = ()


# m001 keyed `users` by user name; m040 (schema_history) keys it by user id, so that two
# accounts with one name made on two workstations are two accounts (flagged), not one
# overwriting the other. DERIVED_SQL stays as m001 shipped it; the core area has today's shape.
USERS_BY_ID_SQL = """CREATE TABLE {s}users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    schools TEXT NOT NULL DEFAULT '[]',
    active INTEGER NOT NULL DEFAULT 1,
    name_clash INTEGER NOT NULL DEFAULT 0
);
"""
CORE_SQL = DERIVED_SQL.replace(USERS_BY_NAME_SQL, USERS_BY_ID_SQL)
assert CORE_SQL != DERIVED_SQL

AREAS: list[Area] = [Area("core", CORE_SQL, DERIVED_TABLES, FTS_TABLES)]


def register_area(area: Area) -> Area:
    if any(a.name == area.name for a in AREAS):
        raise ValueError(f"area {area.name} registered twice")
    AREAS.append(area)
    return area


def all_derived_tables() -> tuple[str, ...]:
    return tuple(t for a in AREAS for t in a.derived_tables)


def all_fts_tables() -> tuple[str, ...]:
    return tuple(t for a in AREAS for t in a.fts_tables)


def derived_sql(schema: str = "", areas: list[Area] | None = None) -> str:
    prefix = f"{schema}." if schema else ""
    return "\n".join(a.derived_sql.format(s=prefix) for a in (areas or AREAS))


@migrations()
def m001_history_and_first_records(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            hlc TEXT NOT NULL,
            device TEXT NOT NULL,
            user TEXT NOT NULL,
            record_type TEXT NOT NULL,
            record_id TEXT NOT NULL,
            action TEXT NOT NULL,
            changes TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            wall_time TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX history_record ON history (record_type, record_id, hlc);
        CREATE INDEX history_hlc ON history (hlc);
        -- The history is append-only. These triggers stop ordinary writes;
        -- `safetydesk verify` catches anything that goes around them.
        CREATE TRIGGER history_no_update BEFORE UPDATE ON history
        BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
        CREATE TRIGGER history_no_delete BEFORE DELETE ON history
        BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;

        CREATE TABLE drafts (
            key TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            form TEXT NOT NULL,
            record_id TEXT NOT NULL DEFAULT '',
            data TEXT NOT NULL,
            saved_at TEXT NOT NULL
        );
        """
    )
    db.executescript(DERIVED_SQL.format(s=""))
    db.executescript(INDEX_SQL)
    db.executescript(FTS_SQL)


# Each group of record types adds its tables and migrations in its own module,
# imported in this order. Never reorder or remove one that has shipped.
AREA_MODULES = ("safetydesk.store.schema_everyday", "safetydesk.store.schema_district",
                "safetydesk.store.schema_reports", "safetydesk.store.schema_history",
                "safetydesk.store.schema_speed", "safetydesk.store.schema_outcomes",
                "safetydesk.store.schema_dashboard", "safetydesk.store.schema_p20",
                "safetydesk.store.schema_search")
for _module in AREA_MODULES:
    importlib.import_module(_module)

KNOWN_MIGRATIONS = frozenset(migrations.names())
