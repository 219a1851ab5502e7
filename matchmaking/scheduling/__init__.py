"""The B2B meeting scheduler: pure Python, no Django (see docs/scheduling.md)."""
