"""District settings: the choices obligations.md leaves to the district, with its defaults.

Settings are a record like any other (record type ``settings``, id ``district``):
each change is in the history with who, when and why, and every saved record
keeps the rules version it was checked against.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from safetydesk.domain.validation import FieldError

SETTINGS_RECORD_TYPE = "settings"
SETTINGS_ID = "district"


@dataclass
class DistrictSettings:
    # P02: what happens when someone logs an interaction for staff without confirmed ESD documentation.
    untrained_staff: str = "refuse"  # "refuse" or "flag"
    # P16: complaint deadlines.
    complaint_ack_school_days: int = 5
    complaint_response_days: int = 45
    complaint_extension_max_days: int = 90
    # P17: reminders before an agreement's annual review is due.
    agreement_reminder_days: tuple[int, ...] = (60, 30)
    # P19: minimum public comment period.
    public_comment_min_days: int = 10
    # P20: small-number suppression threshold.
    suppression_threshold: int = 10
    # P05: whether a household list for gun safe delivery may be kept at all.
    gun_safe_household_list: bool = False
    # Security: lock the window after this many idle minutes.
    lock_after_minutes: int = 10
    # Roster imports: the largest share (percent) of a school's active students one import may make
    # inactive without --force (or, in the window, a confirmation naming the numbers).
    roster_max_inactive_percent: int = 20
    # Letterhead for PDFs.
    letterhead_name: str = ""
    letterhead_address: str = ""

    def to_state(self) -> dict[str, Any]:
        d = asdict(self)
        d["agreement_reminder_days"] = list(self.agreement_reminder_days)
        return d

    @classmethod
    def from_state(cls, state: dict[str, Any] | None) -> DistrictSettings:
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in (state or {}).items() if k in names}
        if "agreement_reminder_days" in values:
            values["agreement_reminder_days"] = tuple(values["agreement_reminder_days"])
        return cls(**values)


def validate_settings(s: DistrictSettings) -> list[FieldError]:
    errors = []
    if s.untrained_staff not in ("refuse", "flag"):
        errors.append(FieldError("untrained_staff", "Choose whether to refuse or to flag interactions by untrained staff."))
    if not 1 <= s.complaint_ack_school_days <= 30:
        errors.append(FieldError("complaint_ack_school_days", "Acknowledge complaints within 1 to 30 school days."))
    if not 1 <= s.complaint_response_days <= s.complaint_extension_max_days:
        errors.append(FieldError("complaint_response_days",
                                 "The response deadline must be at least 1 day and not beyond the extension limit."))
    if s.public_comment_min_days < 10:
        errors.append(FieldError("public_comment_min_days",
                                 "Policy 4311 requires a public comment period of at least 10 days."))
    if s.suppression_threshold < 10:
        errors.append(FieldError("suppression_threshold",
                                 "Cells describing fewer than 10 students must be suppressed; the threshold cannot be lower."))
    if not 1 <= s.lock_after_minutes <= 120:
        errors.append(FieldError("lock_after_minutes", "Lock the window after 1 to 120 idle minutes."))
    if not 1 <= s.roster_max_inactive_percent <= 100:
        errors.append(FieldError("roster_max_inactive_percent",
                                 "The share of a school's students an import may make inactive is 1 to 100 percent."))
    if any(d <= 0 for d in s.agreement_reminder_days):
        errors.append(FieldError("agreement_reminder_days", "Reminder days must be positive."))
    return errors
