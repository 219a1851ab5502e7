"""Writes of reports: followup."""
