"""The application: start-up, the main window and its sections, sign-in, first run, lock."""
