"""Celery tasks of reports: generation (thin: ids in, ``services.generation`` does the work)."""

import logging

from celery import shared_task

from ..models import Report
from ..services.generation import (
    TRANSIENT_ERRORS,
    followups_regenerate,
    report_generate,
    reports_watchdog,
)

logger = logging.getLogger(__name__)

__all__: list[str] = ["followups_regenerate_task", "report_generate_task", "reports_watchdog_task"]

# A transient error (a full disk, a lost NFS mount, the database restarting) may pass:
# retried with growing pauses; anything else (a bug in a template or in the data) would fail
# the same way again, so the report fails at once with its error (the service records it).
REPORT_RETRY_OPTIONS = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 4,
}


# acks_late: a worker that dies mid-render leaves the message to another; the service makes
# only a queued report, so a redelivered message does nothing twice.
@shared_task(name="reports.generate", bind=True, acks_late=True, **REPORT_RETRY_OPTIONS)
def report_generate_task(self, *, report_id: int) -> None:
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        logger.warning("report %s vanished before generation", report_id)
        return
    # The last attempt records a transient error as a failure instead of queuing again.
    report_generate(report=report, may_retry=self.request.retries < self.max_retries)


@shared_task(name="reports.regenerate_followups")
def followups_regenerate_task() -> None:
    """Beat, monthly: queue the follow-up report of every mission that ended."""
    followups_regenerate()


@shared_task(name="reports.watchdog")
def reports_watchdog_task() -> None:
    """Beat, every five minutes: queue again the reports no worker is making."""
    reports_watchdog()
