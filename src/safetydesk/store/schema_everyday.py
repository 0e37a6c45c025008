"""Derived tables and migrations for staff training (P02), intervention requests (P09), climate activities (P10), outside information requests (P15), duplicates.

Register the tables with `schema.register_area(Area(...))` and create them in a
migration on `schema.migrations`, named ``m0xx_...``.
"""

from __future__ import annotations
