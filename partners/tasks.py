"""Celery tasks of the partners app: thin wrappers that take ids and call the e-mail code."""

import logging

from celery import shared_task
from django.utils import timezone

from cepex_portal.mail import EMAIL_TASK_OPTIONS
from cepex_portal.models import LoginLink

from .emails import send_claim_approval_request, send_claim_decision, send_login_link
from .models import Contact, RepresentativeClaim

logger = logging.getLogger(__name__)


@shared_task(name="partners.login_link_email", **EMAIL_TASK_OPTIONS)
def login_link_email_task(*, login_link_id: int, token: str) -> None:
    """Send a login link. The token comes in clear (the database has only its hash).

    Passing the token through the broker is a deliberate trade-off: the broker is private to
    the deployment and the link expires within minutes. A link already used or expired by the
    time the worker gets to it is not sent: it could not log anyone in.
    """
    link = LoginLink.objects.select_related("user").filter(pk=login_link_id).first()
    if link is None:
        logger.warning("login link %s vanished before its e-mail", login_link_id)
        return
    if link.used_at is not None or link.expires_at <= timezone.now():
        logger.info("login link %s spent before its e-mail went out", login_link_id)
        return
    if LoginLink.hash_token(token) != link.token_hash:
        logger.error("login link %s: the token does not match its hash", login_link_id)
        return
    send_login_link(user=link.user, token=token)


@shared_task(name="partners.claim_approval_request_email", **EMAIL_TASK_OPTIONS)
def claim_approval_request_email_task(*, claim_id: int, approver_id: int) -> None:
    """Ask one confirmed representative to approve or decline a claim still pending."""
    claim = RepresentativeClaim.objects.select_related("company").filter(pk=claim_id).first()
    approver = Contact.objects.filter(pk=approver_id).first()
    if claim is None or approver is None:
        logger.warning("claim %s or approver %s vanished before the e-mail", claim_id, approver_id)
        return
    if claim.status != "pending":
        logger.info("claim %s settled before its approval request went out", claim_id)
        return
    send_claim_approval_request(claim=claim, approver=approver)


@shared_task(name="partners.claim_decision_email", **EMAIL_TASK_OPTIONS)
def claim_decision_email_task(*, claim_id: int) -> None:
    """Tell a claimant that their claim was approved or declined."""
    claim = RepresentativeClaim.objects.select_related("company").filter(pk=claim_id).first()
    if claim is None:
        logger.warning("claim %s vanished before its decision e-mail", claim_id)
        return
    send_claim_decision(claim=claim)
