"""Project-wide Celery tasks: housekeeping that beat runs on a schedule (CELERY_BEAT_SCHEDULE)."""

import datetime as dt
import logging

from celery import shared_task
from celery.signals import worker_ready
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone

from .jobs import relay_outbox
from .models import LoginLink

logger = logging.getLogger(__name__)

# A spent link stays one day: long enough to tell a representative why their link failed
# ("already used at 09:12"), short enough not to keep a trail of logins.
SPENT_LOGIN_LINKS_KEPT_FOR = dt.timedelta(days=1)


@shared_task(name="cepex_portal.purge_login_links")
def purge_login_links_task() -> int:
    """Delete login links that were used or expired more than a day ago; return how many."""
    cutoff = timezone.now() - SPENT_LOGIN_LINKS_KEPT_FOR
    deleted, _ = (
        LoginLink.objects.spent().filter(Q(used_at__lt=cutoff) | Q(expires_at__lt=cutoff)).delete()
    )
    logger.info("purged %s spent login links", deleted)
    return deleted


@shared_task(name="cepex_portal.clear_expired_sessions")
def clear_expired_sessions_task() -> int:
    """Delete the sessions past their expiry date (Django keeps them in the database until
    something does): no trail of who was logged in, and a table that does not grow for ten
    years. Return how many were deleted."""
    expired = Session.objects.filter(expire_date__lt=timezone.now())
    deleted, _ = expired.delete()
    logger.info("cleared %s expired sessions", deleted)
    return deleted


@shared_task(name="cepex_portal.relay_outbox", ignore_result=True)
def relay_outbox_task() -> int:
    """Send the background jobs that could not reach the broker when they were made."""
    relay = relay_outbox()
    if relay.sent or relay.waiting:
        logger.info("outbox: %s jobs sent, %s still waiting", relay.sent, relay.waiting)
    return relay.sent


@worker_ready.connect
def relay_outbox_when_a_worker_starts(sender=None, **kwargs) -> None:
    """A worker that starts (after an outage, a deploy) first sends what waited for it."""
    try:
        relay_outbox_task.delay()
    except Exception:  # the broker went away again: beat tries every minute
        logger.exception("could not ask for an outbox relay at worker start")
