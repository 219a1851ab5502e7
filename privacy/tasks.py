"""Celery tasks of privacy (thin: the service does the work)."""

import logging

from celery import shared_task
from django.conf import settings

from .services import retention_apply

logger = logging.getLogger(__name__)


@shared_task(name="privacy.apply_retention")
def retention_apply_task() -> int:
    """Beat, nightly: erase the contacts past the retention period."""
    erased = retention_apply(months=settings.RETENTION_REJECTED_CONTACTS_MONTHS)
    if erased:
        logger.info("retention: %s contacts erased", len(erased))
    return len(erased)
