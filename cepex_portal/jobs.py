"""Enqueueing background jobs: after commit, never lost, and never at the cost of the request.

A web request that records something (an application, a login link) must answer even when
the broker is down or, with tasks run in process, when the mail server is unreachable; and
what it asked for must still happen once the broker is back. So a job is first a row of the
transactional outbox (:class:`~cepex_portal.models.OutboxJob`), written in the caller's
transaction: it exists exactly when what it is about was saved. After the commit the job is
sent to the broker and its row deleted. If sending fails, the row stays with its error (the
visitor sees the same answer either way: an error for known addresses only would tell
strangers which exist), and :func:`relay_outbox` sends it later: beat runs it every minute,
every worker runs it when it starts, and operators have ``manage.py relay_outbox``.

Delivery is at least once: a sender that dies between the broker's acknowledgement and the
row's deletion leaves a claim that the relay takes again after ``STALE_CLAIM``. Tasks are
written to be idempotent (an e-mail task looks at its row's state before sending).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from .models import OutboxJob

logger = logging.getLogger(__name__)

# A sender holds its claim for the time of one publish (milliseconds, or the broker's
# connection timeout); one older than this belongs to a process that died.
STALE_CLAIM = dt.timedelta(minutes=5)
# How many jobs one relay sends at most; the next run takes the rest.
RELAY_BATCH = 500


def enqueue_on_commit(task: Any, /, **kwargs: Any) -> OutboxJob:
    """Record ``task`` in the outbox now and send it once the current transaction commits
    (a worker must see the rows it is about); if the broker is down, the relay sends it."""
    job = OutboxJob.objects.create(task_name=task.name, kwargs=kwargs)
    transaction.on_commit(lambda: dispatch(job_id=job.pk, task=task))
    return job


def _claim(job_id: int) -> bool:
    """Take the job for this process; False if another sender has it or it is gone."""
    now = timezone.now()
    return bool(
        OutboxJob.objects.filter(pk=job_id, claimed_at__isnull=True).update(
            claimed_at=now, last_attempt_at=now, attempts=F("attempts") + 1
        )
    )


def _task_named(name: str) -> Any:
    from .celery import app

    if name not in app.tasks:
        app.loader.import_default_modules()  # a process that never imported that app's tasks
    return app.tasks[name]


SENT, TAKEN, FAILED, BROKER_DOWN = "sent", "taken", "failed", "broker down"


def dispatch(*, job_id: int, task: Any = None) -> str:
    """Send one outbox job to the broker and delete its row.

    Returns ``SENT``; ``TAKEN`` when another sender has it (or sent it already); ``FAILED``
    (an eager task that raised) or ``BROKER_DOWN``, the row kept with its error either way.
    """
    if not _claim(job_id):
        return TAKEN
    job = OutboxJob.objects.get(pk=job_id)
    try:
        (task or _task_named(job.task_name)).apply_async(kwargs=job.kwargs)
    except Exception as exc:  # broker down, or an eager task that failed
        logger.warning(
            "background job %s (%s) not sent, the relay will try again: %s",
            job.pk,
            job.task_name,
            exc,
        )
        OutboxJob.objects.filter(pk=job_id).update(
            claimed_at=None, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return BROKER_DOWN if isinstance(exc, BrokerError) else FAILED
    OutboxJob.objects.filter(pk=job_id).delete()
    return SENT


def relay_outbox(*, limit: int = RELAY_BATCH) -> tuple[int, int]:
    """Send the jobs left in the outbox, oldest first; return (sent, still waiting).

    Stops at the first job the broker refuses (it is down: the next run starts there); a job
    whose eager run failed stays and the others go on."""
    OutboxJob.objects.filter(claimed_at__lt=timezone.now() - STALE_CLAIM).update(claimed_at=None)
    pending = list(
        OutboxJob.objects.filter(claimed_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for job_id in pending:
        outcome = dispatch(job_id=job_id)
        if outcome == SENT:
            sent += 1
        elif outcome == BROKER_DOWN:
            break  # the next run tries again, oldest first
    return sent, OutboxJob.objects.count()
