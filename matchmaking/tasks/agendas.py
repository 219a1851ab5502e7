"""Celery tasks of matchmaking: agendas."""

__all__: list[str] = []
