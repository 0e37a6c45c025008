"""Helpers for the report tests: read PDFs back, a demo district at small scale."""

from __future__ import annotations

import io
import sys
from datetime import date, datetime
from pathlib import Path

from pypdf import PdfReader

from safetydesk.demo import generator as demo
from safetydesk.paths import resolve
from safetydesk.services import files
from safetydesk.services.context import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "domain"))
from test_suppression import determined_cells  # noqa: F401  (the independent linear-algebra check)

FIXED = datetime(2026, 5, 4, 9, 30)


def pages_text(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]


def fixed_clock(session: Session) -> Session:
    return Session(session.store, session.actor, clock=lambda: FIXED)


def demo_session(folder: Path, scale: int = 3000) -> Session:
    paths = resolve(folder)
    demo.generate(paths, seed=11, interactions=scale, today=date(2026, 5, 4))
    return fixed_clock(files.sign_in(paths, "admin", "demo"))
