"""Writes of reports: generation."""
