"""Records, vocabularies and policy rules: pure Python, no Qt, no SQL."""
