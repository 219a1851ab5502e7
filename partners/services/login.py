"""One-time login links of company representatives, and their language.

Company representatives have no password. They ask for a link sent to their address; the
link logs them in once and expires (``LoginLink`` keeps only the SHA-256 of its token).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cepex_portal.jobs import enqueue_on_commit
from cepex_portal.models import LoginLink

from ..models import Contact

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)

# At most this many links per person and hour: enough for a lost e-mail or two, too few for
# anyone to flood a representative's mailbox by typing their address again and again.
LOGIN_LINKS_PER_HOUR = 5


def _representative_for_email(*, email: str, language: str) -> User | None:
    """The company representative with this address, created from a verified contact if need be.

    Returns None when nobody may log in with it: unknown address, unverified contact, an
    account without a company (staff log in with a password), or an inactive account.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is not None:
        # Staff never log in by e-mail (the database refuses a staff representative too).
        if user.company_id is None or not user.is_active or user.is_staff or user.is_superuser:
            return None
        return user

    company_ids = set(
        Contact.objects.filter(
            email__iexact=email, company__isnull=False, email_verified_at__isnull=False
        ).values_list("company_id", flat=True)
    )
    if len(company_ids) != 1:
        if company_ids:
            # One address for contacts of several companies: which company the account
            # would see is a decision for staff, not for whoever types the address.
            logger.warning(
                "login link refused: %d companies share one contact address", len(company_ids)
            )
        return None

    user = user_model(
        username=email.lower()[:150],
        email=email.lower(),
        company_id=company_ids.pop(),
        language=language,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The username is taken (another address with the same first 150 characters), or a
        # concurrent request created this very account a moment ago.
        return user_model.objects.filter(email__iexact=email, company__isnull=False).first()
    return user


def representative_user_for_contact(*, contact: Contact) -> User | None:
    """The account a contact whose address is verified logs in with, created if need be.

    None when they may not log in (see ``_representative_for_email``), or when the account
    with that address is another company's: it must never open a different company's space.
    """
    if not contact.email or contact.email_verified_at is None or contact.company_id is None:
        return None
    user = _representative_for_email(email=contact.email, language=contact.language)
    if user is None or user.company_id != contact.company_id:
        return None
    return user


@transaction.atomic
def login_link_request(*, email: str, language: str) -> None:
    """Send a one-time login link to a company representative, if the address is known.

    Behaves the same whether the address is known or not, so that nobody can learn from the
    portal which addresses have an account. A contact of a company whose address was
    verified (by the link sent with an application) gets an account on first request.
    """
    email = email.strip()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    if not email:
        return
    user = _representative_for_email(email=email, language=language)
    if user is None:
        return
    now = timezone.now()
    if user.login_links.filter(created_at__gt=now - dt.timedelta(hours=1)).count() >= (
        LOGIN_LINKS_PER_HOUR
    ):
        logger.info("login link refused: hourly limit reached for user %s", user.pk)
        return
    token = secrets.token_urlsafe(32)
    link = LoginLink.objects.create(
        user=user,
        token_hash=LoginLink.hash_token(token),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.LOGIN_LINK_MAX_AGE_MINUTES),
    )

    from ..tasks import login_link_email_task

    # The token travels to the worker in clear, through the broker: the database keeps only
    # its hash, and the e-mail has to contain it. The broker is private to the deployment and
    # the link dies within LOGIN_LINK_MAX_AGE_MINUTES; that is the trade-off we accept.
    enqueue_on_commit(login_link_email_task, login_link_id=link.pk, token=token)


def login_link_consume(*, token: str) -> User:
    """Spend a login link and return its user. It works once, even under concurrent requests.

    Raises ValidationError when the token is unknown (or tampered with), expired, or used.
    """
    token_hash = LoginLink.hash_token(token)
    now = timezone.now()
    # One conditional UPDATE: of two requests racing with one token, only one sees a row.
    spent = LoginLink.objects.filter(
        token_hash=token_hash, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    link = LoginLink.objects.select_related("user").filter(token_hash=token_hash).first()
    if not spent:
        if link is None:
            raise ValidationError(_("This login link is not valid."), code="invalid")
        if link.used_at is not None:
            raise ValidationError(_("This login link has already been used."), code="used")
        raise ValidationError(_("This login link has expired."), code="expired")
    user = link.user
    if not user.is_active or user.company_id is None or user.is_staff or user.is_superuser:
        raise ValidationError(_("This login link is not valid."), code="invalid")
    return user


def representative_set_language(*, user: User, language: str) -> None:
    """Remember the language a representative chose: their e-mails are written in it."""
    if language not in dict(settings.LANGUAGES) or language == user.language:
        return
    user.language = language
    user.save(update_fields=["language"])
