"""Celery tasks of matchmaking: the partners' links (thin: they take ids and call services)."""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from cepex_portal.mail import EMAIL_TASK_OPTIONS
from partners.models import Contact

from ..emails.links import send_partner_link
from ..models import PartnerLink

__all__ = ["partner_link_email_task"]

logger = logging.getLogger(__name__)


@shared_task(name="matchmaking.partner_link_email", **EMAIL_TASK_OPTIONS)
def partner_link_email_task(*, link_id: int, contact_id: int, sent_at: str) -> None:
    """E-mail one contact of a partner its link, for the send made at ``sent_at``.

    Idempotent: a send superseded by a newer one (``PartnerLink.last_sent_at`` moved on), a
    link revoked or expired since, or a contact who left or lost its address gets nothing; and
    a send reaches a contact once, even when the broker delivers the task twice (a marker in
    the shared cache, taken before sending and given back if the mail server fails, so that
    the retry sends).
    """
    link = PartnerLink.objects.select_related("mission", "partner").filter(pk=link_id).first()
    if link is None:
        logger.warning("partner link %s vanished before its e-mail", link_id)
        return
    if link.last_sent_at is None or link.last_sent_at != dt.datetime.fromisoformat(sent_at):
        logger.info("partner link %s: the send of %s was superseded", link_id, sent_at)
        return
    if not link.is_usable:
        logger.info("partner link %s revoked or expired before its e-mail went out", link_id)
        return
    contact = Contact.objects.filter(pk=contact_id, organisation_id=link.partner_id).first()
    if contact is None or not contact.email:
        logger.info("contact %s of partner link %s gone or without address", contact_id, link_id)
        return
    marker = f"matchmaking:partner-link-mail:{link.pk}:{link.version}:{sent_at}:{contact.pk}"
    if not cache.add(marker, True, timeout=settings.PARTNER_LINK_MAX_AGE_DAYS * 24 * 3600):
        logger.info("partner link %s already sent to contact %s", link_id, contact_id)
        return
    try:
        send_partner_link(link=link, contact=contact)
    except Exception:
        cache.delete(marker)  # not sent: the retry must be able to send
        raise
