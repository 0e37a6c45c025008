"""The Reports section and the print dialog."""
