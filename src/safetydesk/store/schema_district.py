"""Derived tables and migrations for complaints (P16), the start-of-year checklist (P03-P05), agreements with law enforcement agencies (P17-P19), policy training sessions.

Register the tables with `schema.register_area(Area(...))` and create them in a
migration on `schema.migrations`, named ``m0xx_...``.
"""

from __future__ import annotations
