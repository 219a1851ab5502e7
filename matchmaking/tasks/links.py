"""Celery tasks of matchmaking: links."""

__all__: list[str] = []
