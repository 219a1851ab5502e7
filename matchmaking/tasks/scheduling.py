"""Celery tasks of matchmaking: scheduling."""

__all__: list[str] = []
