"""The one history view: a record's history as people read it, newest first: who changed what,
when, and why (P25). Every detail window shows its record's history through it."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QTextBrowser, QWidget

from safetydesk.domain.vocab import AUDIT_ONLY_ACTIONS, Action
from safetydesk.ui.kit import formatting

# ---------------------------------------------------------------------- history
QUIET = {"rules_version", "author", "retract_reason"}


def _describe(value: Any, names: Callable[[str, Any], str | None] | None, field: str) -> str:
    if names is not None:
        named = names(field, value)
        if named is not None:
            return named
    if value is None or value == "" or value == [] or value == {}:
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        parts = [f"{k.replace('_', ' ')}: {_describe(v, None, k)}" for k, v in value.items()
                 if v not in ("", None, [], {})]
        return "; ".join(parts) or "(empty)"
    if isinstance(value, list):
        return "; ".join(_describe(v, names, field) for v in value) or "(empty)"
    return str(value)


Names = Callable[[str, Any], str | None]  # (field, value) -> how to show it, or None: plainly


def history_lines(entries: list[Any], labels: dict[str, str] | None = None,
                  names: Names | None = None, *, quiet: set[str] | frozenset[str] = frozenset(QUIET),
                  ordered: bool = False) -> list[dict[str, Any]]:
    """Readable entries, oldest first. A list that only grew shows what was added. ``ordered``:
    each entry's fields in the order of ``labels``."""
    labels = labels or {}
    rank = {name: i for i, name in enumerate(labels)}
    out = []
    for e in entries:
        changes = []
        if e.action not in AUDIT_ONLY_ACTIONS:
            items = list(e.changes.items())
            if ordered:
                items.sort(key=lambda kv: rank.get(kv[0], len(rank)))
            for fname, pair in items:
                if fname in quiet:
                    continue
                before, after = ([*pair, None, None])[:2] if isinstance(pair, list) else (None, pair)
                if e.action == Action.CREATE and after in (None, "", False, [], {}, 0):
                    continue
                label = labels.get(fname, fname.replace("_", " ").capitalize())
                if e.action == Action.CREATE:
                    changes.append(f"{label}: {_describe(after, names, fname)}")
                elif (isinstance(before, list) and isinstance(after, list)
                      and after[:len(before)] == before and len(after) > len(before)):
                    changes.append(f"{label}, added: {_describe(after[len(before):], names, fname)}")
                else:
                    changes.append(f"{label}: {_describe(before, names, fname)} → "
                                   f"{_describe(after, names, fname)}")
        out.append({"when": formatting.wall_time(e.wall_time), "who": e.user,
                    "action": Action.label_of(e.action), "reason": e.reason, "changes": changes})
    return out


def history_html(entries: list[Any], labels: dict[str, str] | None = None,
                 names: Names | None = None, *, quiet: set[str] | frozenset[str] = frozenset(QUIET),
                 ordered: bool = False) -> str:
    parts = []
    esc = html.escape
    for line in reversed(history_lines(entries, labels, names, quiet=quiet, ordered=ordered)):
        head = (f"<p style='margin:10px 0 2px 0'><b>{esc(line['action'])}</b> by <b>{esc(line['who'])}</b>"
                f" <span style='color:#5f6b7a'>· {esc(line['when'])}</span></p>")
        reason = (f"<p style='margin:0 0 2px 12px'>Reason: <i>{esc(line['reason'])}</i></p>"
                  if line["reason"] else "")
        items = "".join(f"<li>{esc(c)}</li>" for c in line["changes"])
        parts.append(head + reason + (f"<ul style='margin-top:0'>{items}</ul>" if items else ""))
    return "".join(parts) or "<p>No history.</p>"


class HistoryView(QTextBrowser):
    """A record's history, newest first. ``show`` it the entries of ``<kind>_history``."""

    def __init__(self, noun: str, *, labels: dict[str, str] | None = None,
                 quiet: set[str] | frozenset[str] = frozenset(QUIET), ordered: bool = False,
                 min_height: int = 200, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = labels or {}
        self.quiet = quiet
        self.ordered = ordered
        self.setObjectName("historyView")
        self.setAccessibleName(f"History of this {noun}")
        self.setOpenLinks(False)
        self.setMinimumHeight(min_height)

    def show_entries(self, entries: list[Any], names: Names | None = None) -> None:
        self.setHtml(history_html(entries, self.labels, names, quiet=self.quiet,
                                  ordered=self.ordered))
