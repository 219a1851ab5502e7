"""Celery tasks of privacy (thin: the service does the work)."""

import logging

from celery import shared_task
from django.conf import settings

from .services import retention_apply, unverified_claims_delete

logger = logging.getLogger(__name__)


@shared_task(name="privacy.apply_retention")
def retention_apply_task() -> int:
    """Beat, nightly: erase the contacts past the retention period, delete the claims never
    verified."""
    erased = retention_apply(months=settings.RETENTION_REJECTED_CONTACTS_MONTHS)
    claims = unverified_claims_delete(days=settings.RETENTION_UNVERIFIED_CLAIMS_DAYS)
    if erased or claims:
        logger.info(
            "retention: %s contacts erased, %s unverified claims deleted", len(erased), claims
        )
    return len(erased)
