"""One module (or package) per record kind: its description and only its own parts."""
