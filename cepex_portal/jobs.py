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

A job that fails for a reason of its own (its task no longer exists after a deploy; with
tasks run in process, the mail server refused) is tried again after 1, 2, 4… minutes; after
``MAX_FAILURES`` it stays in the outbox, logged as an error, until a superuser sends it again
from the admin. A broker that is down is not the job's fault: those jobs wait with no limit.

Delivery is at least once: a sender that dies between the broker's acknowledgement and the
row's deletion leaves a claim that the relay takes again after ``STALE_CLAIM``. Tasks are
written to be idempotent (an e-mail task looks at its row's state before sending).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from importlib import import_module
from typing import Any, NamedTuple

from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from kombu.exceptions import OperationalError as BrokerError

from .models import OutboxJob

logger = logging.getLogger(__name__)

# A sender holds its claim for the time of one publish (milliseconds, or the broker's
# connection timeout); one older than this belongs to a process that died.
STALE_CLAIM = dt.timedelta(minutes=5)
# How many jobs one relay sends at most; the next run takes the rest.
RELAY_BATCH = 500
# A job that fails on its own is tried again after 1, 2, 4… minutes (at most 6 hours
# apart), and left to the superuser after this many failures (about four hours).
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=6)
MAX_FAILURES = 8


class Relay(NamedTuple):
    sent: int
    waiting: int  # rows left in the outbox, given up ones included
    broker_refused: bool  # the relay stopped at a job the broker refused


def retry_delay(failures: int) -> dt.timedelta:
    """How long a job that failed ``failures`` times waits before its next try."""
    return min(FIRST_RETRY * 2 ** (failures - 1), LONGEST_RETRY)


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


@functools.cache
def _import_task_modules() -> None:
    """Import every app's ``tasks`` module, once per process. (Celery's own
    ``import_default_modules`` would also set Django up again, logging and checks included,
    on every call.)"""
    for config in django_apps.get_app_configs():
        if module_has_submodule(config.module, "tasks"):
            import_module(f"{config.name}.tasks")


def _task_named(name: str) -> Any:
    from .celery import app

    if name not in app.tasks:
        _import_task_modules()  # a process that never imported that app's tasks
    return app.tasks[name]  # NotRegistered: renamed or removed since the job was written


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
    except Exception as exc:  # broker down, a task that no longer exists, an eager failure
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if isinstance(exc, BrokerError):
            logger.warning(
                "background job %s (%s) not sent, the relay will try again: %s",
                job.pk,
                job.task_name,
                exc,
            )
            OutboxJob.objects.filter(pk=job_id).update(claimed_at=None, last_error=error)
            return BROKER_DOWN
        failures = job.failures + 1
        if failures >= MAX_FAILURES:
            logger.error(
                "background job %s (%s) failed %s times, the relay gives up; a superuser can "
                "send it again from the admin once the cause is fixed: %s",
                job.pk,
                job.task_name,
                failures,
                exc,
            )
            retry_after = None
        else:
            logger.warning(
                "background job %s (%s) not sent, the relay will try again in %s: %s",
                job.pk,
                job.task_name,
                retry_delay(failures),
                exc,
            )
            retry_after = timezone.now() + retry_delay(failures)
        OutboxJob.objects.filter(pk=job_id).update(
            claimed_at=None, last_error=error, failures=failures, retry_after=retry_after
        )
        return FAILED
    OutboxJob.objects.filter(pk=job_id).delete()
    return SENT


def relay_outbox(*, limit: int = RELAY_BATCH) -> Relay:
    """Send the jobs left in the outbox, oldest first, skipping those that wait after a
    failure of their own and those given up.

    Stops at the first job the broker refuses (it is down: the next run starts there); a job
    whose own run failed stays and the others go on."""
    now = timezone.now()
    OutboxJob.objects.filter(claimed_at__lt=now - STALE_CLAIM).update(claimed_at=None)
    pending = list(
        OutboxJob.objects.filter(claimed_at__isnull=True, failures__lt=MAX_FAILURES)
        .filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return _send_in_order(pending)


def send_again(*, job_ids: list[int]) -> Relay:
    """Send these jobs now, whatever their failures so far (a superuser fixed the cause)."""
    OutboxJob.objects.filter(pk__in=job_ids, claimed_at__isnull=True).update(
        failures=0, retry_after=None
    )
    return _send_in_order(sorted(job_ids))


def _send_in_order(job_ids: list[int]) -> Relay:
    sent = 0
    for job_id in job_ids:
        outcome = dispatch(job_id=job_id)
        if outcome == SENT:
            sent += 1
        elif outcome == BROKER_DOWN:
            return Relay(sent, OutboxJob.objects.count(), broker_refused=True)
    return Relay(sent, OutboxJob.objects.count(), broker_refused=False)
