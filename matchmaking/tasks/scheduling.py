"""Celery tasks of matchmaking: auto-scheduling runs."""

import logging

from celery import shared_task

from ..models import ScheduleRun
from ..services.scheduling import schedule_run_execute

logger = logging.getLogger(__name__)

__all__ = ["schedule_run_task"]


# acks_late: a worker that dies mid-run leaves the message to another; the service only runs
# a run still queued, so a redelivered message does nothing twice.
@shared_task(name="matchmaking.schedule_run", acks_late=True)
def schedule_run_task(*, run_id: int) -> None:
    run = ScheduleRun.objects.filter(pk=run_id).first()
    if run is None:
        logger.warning("scheduling run %s vanished before it ran", run_id)
        return
    schedule_run_execute(run=run)
