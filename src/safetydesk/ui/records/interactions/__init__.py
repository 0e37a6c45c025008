"""Interactions: the form with its law enforcement blocks, the detail, the list."""
