"""Who may read what in a printout of one record: the family copy and the outside-party copy.

A family copy names only the student whose family it is for: every other student
on the record becomes "Another student (n)" in tables and "[another student]" in
free text. A copy for someone outside the school is a disclosure (P24, see
`safetydesk.domain.disclosures`). Pure rules, so property tests reach them
(tests/domain/test_redaction.py).
"""

from __future__ import annotations

import re
from typing import Any

from safetydesk.domain.errors import ValidationFailed
from safetydesk.domain.report_model import Audience
from safetydesk.domain.validation import FieldError

ANOTHER_STUDENT = "[another student]"


def student_label(s: dict[str, Any]) -> str:
    name = f"{s.get('first_name') or ''} {s.get('last_name') or ''}".strip() or "(unknown student)"
    return f"{name} ({s['local_id']})" if s.get("local_id") else name


def redact_names(text: str, others: list[dict[str, Any]]) -> str:
    """Family copy: other students' names in free text become “another student”."""
    words = sorted({w for s in others for w in (s.get("first_name") or "", s.get("last_name") or "")
                    if len(w) > 1}, key=len, reverse=True)
    for w in words:
        text = re.sub(rf"\b{re.escape(w)}\b", "[another student]", text)
    return re.sub(r"(\[another student\]\s*){2,}", "[another student] ", text)


def printout_audience(audience: str, for_student: str, student_ids: list[str]) -> str:
    if audience not in Audience._value2member_map_ or audience == Audience.PUBLIC:
        raise ValidationFailed([FieldError("audience", "A record printout is for staff, the family or "
                                                       "someone outside the school.")], "Nothing was printed.")
    if audience == Audience.FAMILY and for_student not in student_ids:
        raise ValidationFailed([FieldError("for_student", "Choose which student's family the copy is for (one "
                                                          "of the students on the record).")], "Nothing was printed.")
    return audience
