"""The district's site configuration: one file that presets every workstation of a district.

District IT places ``site.toml`` in the machine-wide configuration folder
(``Paths.site``: ``C:\\ProgramData\\SafetyDesk`` on Windows, ``/etc/xdg/SafetyDesk``
on Linux, ``/Library/Application Support/SafetyDesk`` on macOS; ``<home>/site``
with ``--home``)::

    district = "Olympia School District"
    shared_folder = '\\\\fileserver\\safetydesk'

    [settings]
    lock_after_minutes = 5
    untrained_staff = "flag"

Every setting it names is *managed*: it is in force for every user of the
machine, whatever the data file says, and the window shows it as "managed by
your district" and does not let anyone change it. A value that is not valid is
reported with the file and the line, and that setting keeps its usual value;
the rest of the file still applies. A file that cannot be read at all is
reported the same way and SafetyDesk starts with its defaults.

No Qt, no SQL: the window, the command line and the services all read it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from safetydesk.domain.settings import DistrictSettings, validate_settings

log = logging.getLogger(__name__)

SITE_FILE = "site.toml"
TOP_LEVEL = ("district", "shared_folder")
MANAGED = "managed by your district"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the site configuration, with where it is."""

    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else str(self.file)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SiteConfig:
    """What the district's site configuration fixes on this machine (nothing when there is no file)."""

    file: Path | None = None
    district: str | None = None
    shared_folder: str | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def managed(self) -> frozenset[str]:
        """Names fixed by the district: settings of DistrictSettings, ``district``, ``shared_folder``."""
        names = set(self.settings)
        if self.district is not None:
            names.add("district")
        if self.shared_folder is not None:
            names.add("shared_folder")
        return frozenset(names)

    def is_managed(self, name: str) -> bool:
        return name in self.managed

    def apply(self, current: DistrictSettings) -> DistrictSettings:
        """``current`` with every setting the district fixes replaced by its value."""
        return replace(current, **dict(self.settings)) if self.settings else current

    def managed_note(self, name: str) -> str:
        """The sentence shown beside a managed setting."""
        return (f"This setting is {MANAGED} (in {self.file}). Ask your district IT team if it "
                "needs to change.")


NOTHING = SiteConfig()


def _kind(default: Any) -> type:
    return tuple if isinstance(default, tuple) else type(default)


def _describe(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", str: "text in quotes",
            tuple: "a list of whole numbers, for example [60, 30]"}[kind]


class _Lines:
    """Finds the line a key is written on, inside its [table], for messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def of(self, key: str, table: str | None = None) -> int | None:
        current: str | None = None
        pattern = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
        for number, line in enumerate(self.lines, start=1):
            header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
            if header:
                current = header.group(1).strip("\"' ")
                continue
            if current == table and pattern.match(line):
                return number
        return None


def parse(text: str, file: Path) -> SiteConfig:
    """The site configuration written in ``text`` (the contents of ``file``)."""
    import tomllib  # only when a district has placed a site file (most starts have none)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        problem = Problem(file, int(match.group(1)) if match else None,
                          f"this file cannot be read ({reason}); SafetyDesk uses its usual settings "
                          "until it is fixed")
        return SiteConfig(file=file, problems=(problem,))
    lines = _Lines(text)
    problems: list[Problem] = []
    top: dict[str, str] = {}
    for key in TOP_LEVEL:
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(file, lines.of(key), f"{key} must be text in quotes, for example "
                                    f"{key} = \"...\"; it is ignored"))
        else:
            top[key] = value.strip()
    table = data.get("settings", {})
    if not isinstance(table, dict):
        problems.append(Problem(file, lines.of("settings"), "settings must be a [settings] section; "
                                "it is ignored"))
        table = {}
    known = {f.name: f for f in fields(DistrictSettings)}
    for key in data:
        if key not in (*TOP_LEVEL, "settings"):
            problems.append(Problem(file, lines.of(key) or _table_line(lines, key),
                                    f"“{key}” is not something the site configuration can set "
                                    f"(it can set {', '.join(TOP_LEVEL)} and a [settings] section); "
                                    "it is ignored"))
    defaults = DistrictSettings()
    accepted: dict[str, Any] = {}
    for key, value in table.items():
        line = lines.of(key, "settings")
        if key not in known:
            problems.append(Problem(file, line, f"“{key}” is not a SafetyDesk setting (settings are: "
                                    f"{', '.join(known)}); it is ignored"))
            continue
        kind = _kind(getattr(defaults, key))
        converted = _convert(value, kind)
        if converted is None:
            problems.append(Problem(file, line, f"{key} must be {_describe(kind)}, not {value!r}; the "
                                    f"usual value ({_show(getattr(defaults, key))}) is used"))
            continue
        errors = [e for e in validate_settings(replace(defaults, **{**accepted, key: converted}))
                  if e.field == key]
        if errors:
            problems.append(Problem(file, line, f"{key} = {_show(converted)} is not allowed: "
                                    f"{errors[0].message} The usual value "
                                    f"({_show(getattr(defaults, key))}) is used"))
            continue
        accepted[key] = converted
    return SiteConfig(file=file, district=top.get("district"), shared_folder=top.get("shared_folder"),
                      settings=accepted, problems=tuple(problems))


def _table_line(lines: _Lines, name: str) -> int | None:
    for number, line in enumerate(lines.lines, start=1):
        if re.match(rf"^\s*\[\s*{re.escape(name)}\s*\]", line):
            return number
    return None


def _convert(value: Any, kind: type) -> Any:
    if kind is bool:
        return value if isinstance(value, bool) else None
    if kind is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if kind is str:
        return value if isinstance(value, str) else None
    if kind is tuple:
        ok = isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        return tuple(value) if ok else None
    return None


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def load(folder: Path) -> SiteConfig:
    """The site configuration in ``folder`` (``NOTHING`` when there is no file)."""
    file = folder / SITE_FILE
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return NOTHING
    except OSError as exc:
        return SiteConfig(file=file, problems=(Problem(file, None, f"this file cannot be opened "
                                                       f"({exc.strerror or exc}); SafetyDesk uses "
                                                       "its usual settings"),))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return SiteConfig(file=file, problems=(Problem(file, None, "this file is not UTF-8 text; save "
                                                       "it as UTF-8. SafetyDesk uses its usual "
                                                       "settings until then"),))
    config = parse(text, file)
    for problem in config.problems:
        log.warning("Site configuration: %s", problem)
    if config.managed:
        log.info("Site configuration %s manages: %s", file, ", ".join(sorted(config.managed)))
    return config


# ------------------------------------------------------------------ the configuration in force
_active: SiteConfig = NOTHING
_loaded_from: Path | None = None


def active() -> SiteConfig:
    """The site configuration in force in this program (``NOTHING`` until ``use`` is called)."""
    return _active


def use(folder: Path | None) -> SiteConfig:
    """Read the site configuration of ``folder`` (once per folder) and put it in force."""
    global _active, _loaded_from
    if folder is None:
        _active, _loaded_from = NOTHING, None
    elif folder != _loaded_from:
        _active, _loaded_from = load(folder), folder
    return _active


def activate(config: SiteConfig) -> None:
    """Put ``config`` in force (tests; ``use`` for a folder)."""
    global _active, _loaded_from
    _active, _loaded_from = config, None
