"""The window kit: what every record screen is built from. Nothing here knows a record kind."""
