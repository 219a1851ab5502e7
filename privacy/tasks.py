"""Celery tasks of privacy (thin: the service does the work)."""

import logging

from celery import shared_task
from django.conf import settings

from .services import retention_apply, unreviewed_held_applications_delete, unverified_claims_delete

logger = logging.getLogger(__name__)


@shared_task(name="privacy.apply_retention")
def retention_apply_task() -> int:
    """Beat, nightly: erase the contacts past the retention period, delete the claims never
    verified and the held applications nobody reviewed."""
    erased = retention_apply(months=settings.RETENTION_REJECTED_CONTACTS_MONTHS)
    claims = unverified_claims_delete(days=settings.RETENTION_UNVERIFIED_CLAIMS_DAYS)
    held = unreviewed_held_applications_delete(days=settings.RETENTION_UNREVIEWED_APPLICATIONS_DAYS)
    if erased or claims or held:
        logger.info(
            "retention: %s contacts erased, %s unverified claims and %s unreviewed held "
            "applications deleted",
            len(erased),
            claims,
            held,
        )
    return len(erased)
