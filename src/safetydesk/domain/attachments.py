"""Files kept inside the encrypted data file: presentation materials, agreement documents.

A file is a record (type ``attachment``) whose state names its bytes by their
sha256 (``blob``): the bytes are stored once, by content, in the encrypted data
file (store/blobs.py), the entry's hash covers the reference, and the exchange
carries the bytes beside the entry. Files attached before that kept their bytes
as base64 in the record (``content_b64``); those entries are kept as they were.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from safetydesk.domain.records import bookkeeping
from safetydesk.domain.validation import FieldError

ATTACHMENT_RECORD_TYPE = "attachment"
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = frozenset({
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".ppt", ".pptx", ".odp", ".png", ".jpg",
    ".jpeg", ".gif", ".xls", ".xlsx", ".ods", ".csv", ".html", ".htm",
})


@dataclass(frozen=True)
class AttachmentMeta:
    id: str
    name: str
    media_type: str
    size: int
    sha256: str


def validate_attachment(name: str, data: bytes) -> list[FieldError]:
    errors = []
    clean = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not clean:
        errors.append(FieldError("name", "The file needs a name."))
    elif "." not in clean or "." + clean.rsplit(".", 1)[-1].lower() not in ALLOWED_SUFFIXES:
        errors.append(FieldError("name", "Attach a document, presentation, spreadsheet, PDF or picture "
                                         "(for example .pdf, .docx, .pptx, .png)."))
    if not data:
        errors.append(FieldError("data", "The file is empty."))
    elif len(data) > MAX_ATTACHMENT_BYTES:
        errors.append(FieldError("data", f"The file is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB; "
                                         "attach a smaller copy (for example a PDF)."))
    return errors


def attachment_state(name: str, data: bytes, school_id: str, owner_type: str,
                     author: str = "") -> dict[str, Any]:
    import mimetypes  # when a file is attached, not at every start-up (issue 14)

    clean = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return {
        "name": clean,
        "media_type": mimetypes.guess_type(clean)[0] or "application/octet-stream",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "school_id": school_id,
        "owner_type": owner_type,
        "blob": hashlib.sha256(data).hexdigest(),
    } | bookkeeping(author)


def attachment_bytes(state: dict[str, Any], stored: bytes | None = None) -> bytes:
    """The file's bytes: ``stored`` (its blob, fetched by the caller) or an old record's base64."""
    data = stored if stored is not None else base64.b64decode(state.get("content_b64", ""))
    if hashlib.sha256(data).hexdigest() != state.get("sha256"):
        raise ValueError("the stored file does not match its checksum")
    return data
