"""Exchange of changes with other workstations through a shared folder."""
