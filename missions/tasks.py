"""Celery tasks of the missions app: thin wrappers that take ids and call the e-mail code."""

import logging

from celery import shared_task

from .emails import send_application_confirmation, send_application_decision
from .models import Application

logger = logging.getLogger(__name__)

SMTP_RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "max_retries": 8,
}


@shared_task(name="missions.application_confirmation_email", acks_late=True, **SMTP_RETRY)
def application_confirmation_email_task(*, application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        logger.warning("application %s vanished before its confirmation e-mail", application_id)
        return
    send_application_confirmation(application=application)


@shared_task(name="missions.application_decision_email", acks_late=True, **SMTP_RETRY)
def application_decision_email_task(*, application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        logger.warning("application %s vanished before its decision e-mail", application_id)
        return
    send_application_decision(application=application)
