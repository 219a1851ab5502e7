"""Celery tasks of the missions app: thin wrappers that take ids and call the e-mail code."""

import logging

from celery import shared_task

from cepex_portal.mail import EMAIL_TASK_OPTIONS
from partners.models import RepresentativeClaim

from .emails import (
    send_application_confirmation,
    send_application_decision,
    send_submission_received,
)
from .models import Application, Mission

logger = logging.getLogger(__name__)


@shared_task(name="missions.application_confirmation_email", **EMAIL_TASK_OPTIONS)
def application_confirmation_email_task(*, application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        logger.warning("application %s vanished before its confirmation e-mail", application_id)
        return
    send_application_confirmation(application=application)


@shared_task(name="missions.application_decision_email", **EMAIL_TASK_OPTIONS)
def application_decision_email_task(*, application_id: int) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        logger.warning("application %s vanished before its decision e-mail", application_id)
        return
    send_application_decision(application=application)


@shared_task(name="missions.submission_received_email", **EMAIL_TASK_OPTIONS)
def submission_received_email_task(*, claim_id: int, mission_id: int) -> None:
    """Acknowledge a submission of the public form, with the link that proves the address."""
    claim = RepresentativeClaim.objects.filter(pk=claim_id).first()
    mission = Mission.objects.filter(pk=mission_id).first()
    if claim is None or mission is None:
        logger.warning("claim %s or mission %s vanished before the e-mail", claim_id, mission_id)
        return
    if claim.status != "unverified":
        logger.info("claim %s verified before its e-mail went out", claim_id)
        return
    send_submission_received(claim=claim, mission=mission)
