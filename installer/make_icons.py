"""Render the application icon (SVG) to the PNG and ICO files installers need.

    .venv/bin/python installer/make_icons.py

The results are checked in beside the SVG (src/safetydesk/resources/icons/);
run this again only when the SVG changes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "src" / "safetydesk" / "resources" / "icons"


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ICONS / "safetydesk.svg")).render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    if not render(256).save(str(ICONS / "safetydesk.png")):
        print("could not write the PNG icon", file=sys.stderr)
        return 1
    if not render(256).save(str(ICONS / "safetydesk.ico"), "ICO"):
        print("could not write the ICO icon (Qt's ico image plugin is missing)", file=sys.stderr)
        return 1
    print(f"wrote {ICONS / 'safetydesk.png'} and {ICONS / 'safetydesk.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
