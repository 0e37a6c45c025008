"""`python -m safetydesk` is the same as the `safetydesk` command."""

import sys

from safetydesk.app import main

sys.exit(main())
