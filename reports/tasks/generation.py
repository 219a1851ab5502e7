"""Celery tasks of reports: generation."""

__all__: list[str] = []
