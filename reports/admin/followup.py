"""Admin of reports: followup."""
