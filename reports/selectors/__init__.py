"""Reads of reports, one module per subject; import from the module itself."""
