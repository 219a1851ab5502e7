"""Admin of reports: generation."""
