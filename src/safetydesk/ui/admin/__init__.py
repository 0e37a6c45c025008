"""Settings: district settings, accounts, calendar, policy training, audit trail."""
