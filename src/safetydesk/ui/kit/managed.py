"""Settings the district's site configuration fixes: shown as "managed by your district", read-only.

``mark_managed(form)`` is called by a form after it has been built (the district
settings; the first-run set-up, whose district name the file can preset);
``report_site_problems(parent)`` shows, once at start-up, what is wrong in the
site configuration file (file and line), while SafetyDesk goes on with its
usual values for those settings.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from safetydesk import site
from safetydesk.ui.kit import prompts
from safetydesk.ui.kit.layout import FormBuilder


def mark_managed(form: FormBuilder, config: site.SiteConfig | None = None) -> list[str]:
    """Disable every control of ``form`` whose setting the district fixes; returns their names."""
    config = config or site.active()
    marked = []
    for name, row in form.rows.items():
        if not config.is_managed(name):
            continue
        note = config.managed_note(name)
        preset = {"district": config.district, "shared_folder": config.shared_folder}.get(name)
        if preset is not None and isinstance(row.control, QLineEdit):
            row.control.setText(preset)
        row.control.setEnabled(False)
        row.control.setToolTip(note)
        row.control.setProperty("baseDescription", note)
        row.control.setAccessibleDescription(note)
        row.control.setProperty("managed", True)
        base = row.label.text().split("\n")[0]
        row.label.setText(f"{base}\n({site.MANAGED})")
        row.label.setToolTip(note)
        marked.append(name)
    return marked


def report_site_problems(parent: QWidget | None = None, config: site.SiteConfig | None = None) -> bool:
    """Tell the person what is wrong in the site configuration file. False when nothing is."""
    config = config or site.active()
    if not config.problems:
        return False
    listed = "\n".join(f"• {p}" for p in config.problems)
    prompts.error(parent, "Site configuration has problems",
                  "Your district's SafetyDesk configuration file has mistakes, so SafetyDesk uses "
                  "its usual values for these and everything else works as normal:\n\n"
                  f"{listed}\n\nPlease tell your district IT team.")
    return True
