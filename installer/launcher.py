"""Entry point of the bundled program (PyInstaller runs this file, not the console script)."""

import multiprocessing
import sys

from safetydesk.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
