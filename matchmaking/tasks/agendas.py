"""Celery tasks of matchmaking: agendas."""

from celery import shared_task

from cepex_portal.mail import EMAIL_TASK_OPTIONS

from ..services.agendas import meeting_notifications_send

__all__: list[str] = ["meeting_notify_task"]


@shared_task(name="matchmaking.meeting_notify", **EMAIL_TASK_OPTIONS)
def meeting_notify_task(*, meeting_id: int, sequence: int, change: str) -> None:
    """E-mail both sides of a meeting about one change (idempotent: see the service)."""
    meeting_notifications_send(meeting_id=meeting_id, sequence=sequence, change=change)
