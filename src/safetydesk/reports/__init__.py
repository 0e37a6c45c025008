"""PDF (reportlab) and CSV builders fed by services."""
