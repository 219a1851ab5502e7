"""Celery tasks of reports: followup."""

__all__: list[str] = []
