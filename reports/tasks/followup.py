"""Celery tasks of reports: followup. Thin: ids in, the services do the work.

Beat runs ``reports.lead_reminders`` every day and ``reports.overdue_digests`` every week;
each enqueues one e-mail task per reminder or owner, retried on its own when the mail server
fails (``EMAIL_TASK_OPTIONS``). All of them may run twice: see the services.
"""

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from cepex_portal.mail import EMAIL_TASK_OPTIONS

from ..services.followup import (
    lead_reminder_send,
    lead_reminders_run,
    overdue_digest_send,
    overdue_digests_run,
)

__all__: list[str] = [
    "lead_reminder_send_task",
    "lead_reminders_task",
    "overdue_digest_send_task",
    "overdue_digests_task",
]

# The daily and weekly jobs only read and write rows: a database that drops the connection
# is worth a few retries; anything else is a bug and fails at once.
_DATABASE_RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 60,
    "retry_backoff_max": 1800,
    "retry_jitter": True,
    "max_retries": 5,
}


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@shared_task(name="reports.lead_reminders", **_DATABASE_RETRY)
def lead_reminders_task(*, today: str | None = None) -> int:
    """Daily: write the reminders due (30, 90, 180 days after a mission) and send them."""
    return lead_reminders_run(today=_day(today))


@shared_task(name="reports.lead_reminder_send", **EMAIL_TASK_OPTIONS)
def lead_reminder_send_task(*, reminder_id: int) -> bool:
    """E-mail one reminder with its one-time link (once, whoever runs it and how often)."""
    return lead_reminder_send(reminder_id=reminder_id)


@shared_task(name="reports.overdue_digests", **_DATABASE_RETRY)
def overdue_digests_task(*, today: str | None = None) -> int:
    """Weekly: one digest task per owner with overdue actions."""
    return overdue_digests_run(today=_day(today))


@shared_task(name="reports.overdue_digest_send", **EMAIL_TASK_OPTIONS)
def overdue_digest_send_task(*, owner_id: int, today: str) -> int:
    """E-mail one owner their overdue actions as of ``today`` (ISO date)."""
    return overdue_digest_send(owner_id=owner_id, today=dt.date.fromisoformat(today))
