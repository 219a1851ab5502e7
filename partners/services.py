"""Writes of the company space: one-time login links, the company profile, wished partners.

Company representatives have no password. They ask for a link sent to their address; the
link logs them in once and expires (``LoginLink`` keeps only the SHA-256 of its token).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from cepex_portal.jobs import enqueue_on_commit
from cepex_portal.models import LoginLink
from missions.enums import ApplicationStatus, MissionStatus
from missions.models import Application, WishedPartner
from missions.selectors import mission_partner_choices
from missions.services import application_withdraw

from .models import (
    COMPANY_PROFILE_FIELDS,
    Company,
    CompanyRevision,
    Contact,
    PartnerOrganisation,
)

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)

# At most this many links per person and hour: enough for a lost e-mail or two, too few for
# anyone to flood a representative's mailbox by typing their address again and again.
LOGIN_LINKS_PER_HOUR = 5

# Many-to-many fields, recorded in revisions by a stable key rather than by id.
_PROFILE_M2M_KEYS = {"sectors": "slug", "certifications": "code"}

MAX_WISHES = 10
# Applications whose wishes are settled: nobody will meet anyone on their behalf.
_WISHES_FROZEN_STATUSES = (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)

# A company may leave a mission up to its start; after that there is nothing to leave (staff
# may still record a withdrawal in the admin).
_WITHDRAWABLE_STATUSES = (
    ApplicationStatus.APPLIED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.CONFIRMED,
)
_WITHDRAWABLE_MISSION_STATUSES = (MissionStatus.OPEN, MissionStatus.CLOSED)


# --- One-time login links -------------------------------------------------------------------


def _representative_for_email(*, email: str, language: str) -> User | None:
    """The company representative with this address, created from a verified contact if need be.

    Returns None when nobody may log in with it: unknown address, unverified contact, an
    account without a company (staff log in with a password), or an inactive account.
    """
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is not None:
        if user.company_id is None or not user.is_active:
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

    from .tasks import login_link_email_task

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
    if not user.is_active or user.company_id is None:
        raise ValidationError(_("This login link is not valid."), code="invalid")
    return user


def representative_set_language(*, user: User, language: str) -> None:
    """Remember the language a representative chose: their e-mails are written in it."""
    if language not in dict(settings.LANGUAGES) or language == user.language:
        return
    user.language = language
    user.save(update_fields=["language"])


# --- Company profile ------------------------------------------------------------------------


def _profile_value(company: Company, field: str) -> Any:
    """A field's value in a form fit for JSON and for comparison."""
    if field in _PROFILE_M2M_KEYS:
        return sorted(getattr(company, field).values_list(_PROFILE_M2M_KEYS[field], flat=True))
    if field == "export_markets":
        return sorted(country.code for country in company.export_markets)
    return getattr(company, field)


def _new_profile_value(field: str, value: Any) -> Any:
    if field in _PROFILE_M2M_KEYS:
        key = _PROFILE_M2M_KEYS[field]
        return sorted(getattr(item, key) if isinstance(item, Model) else item for item in value)
    if field == "export_markets":
        return sorted(getattr(country, "code", country) for country in value or [])
    return "" if value is None else value


@transaction.atomic
def company_update_profile(
    *, company: Company, data: dict[str, Any], by: User | None
) -> CompanyRevision | None:
    """Save a company's profile and record what changed, field by field.

    ``data`` holds some of ``COMPANY_PROFILE_FIELDS`` (other keys are ignored): sectors and
    certifications as model instances, export markets as country codes. The revision keeps
    ``{field: [old, new]}``, many-to-many fields by slug or code. Returns None, and writes
    nothing, when nothing changed.
    """
    company = Company.objects.select_for_update().get(pk=company.pk)
    changes: dict[str, list[Any]] = {}
    for field in COMPANY_PROFILE_FIELDS:
        if field not in data:
            continue
        old, new = _profile_value(company, field), _new_profile_value(field, data[field])
        if old != new:
            changes[field] = [old, new]
    if not changes:
        return None

    scalar_fields = [f for f in changes if f not in _PROFILE_M2M_KEYS]
    for field in scalar_fields:
        setattr(company, field, changes[field][1])
    # The tax id is not the representative's to fix: an old one that no longer validates
    # must not block the rest of the profile.
    company.full_clean(exclude=["tax_id"], validate_unique=False, validate_constraints=False)
    if scalar_fields:
        company.save(update_fields=[*scalar_fields, "updated_at"])
    for field in _PROFILE_M2M_KEYS:
        if field in changes:
            getattr(company, field).set(data[field])
    return CompanyRevision.objects.create(company=company, changed_by=by, changes=changes)


# --- Wished partners ------------------------------------------------------------------------


def wishes_locked(*, application: Application) -> ValidationError | None:
    """Why the wished partners of an application can no longer change, or None if they can."""
    if not application.mission.is_accepting_applications:
        return ValidationError(
            _("The deadline has passed: your wished partners can no longer be changed."),
            code="deadline",
        )
    if application.status in _WISHES_FROZEN_STATUSES:
        return ValidationError(
            _(
                "The wished partners of a rejected or withdrawn application can no longer "
                "be changed."
            ),
            code="frozen",
        )
    return None


@transaction.atomic
def wishes_update(
    *,
    application: Application,
    wishes: list[tuple[PartnerOrganisation, int, str]],
    by: User | None,
) -> list[WishedPartner]:
    """Replace the partners a company wishes to meet on a mission.

    ``wishes`` is a list of (partner, priority, motivation), priority 1 (must meet) to 3.
    Refused once the mission stops taking applications, or when the application was
    rejected or withdrawn; every partner must take part in the mission, and appear once.
    """
    application = (
        Application.objects.select_for_update().select_related("mission").get(pk=application.pk)
    )
    locked = wishes_locked(application=application)
    if locked is not None:
        raise locked
    if len(wishes) > MAX_WISHES:
        raise ValidationError(
            _("You may name at most %(count)d partners.") % {"count": MAX_WISHES},
            code="too_many",
        )
    allowed = set(mission_partner_choices(mission=application.mission).values_list("pk", flat=True))
    seen: set[int] = set()
    for partner, priority, motivation in wishes:
        if partner.pk not in allowed:
            raise ValidationError(
                _("%(partner)s does not take part in this mission.") % {"partner": partner},
                code="not_in_mission",
            )
        if partner.pk in seen:
            raise ValidationError(
                _("%(partner)s is named more than once.") % {"partner": partner},
                code="duplicate",
            )
        seen.add(partner.pk)
        if priority not in (1, 2, 3):
            raise ValidationError(_("The priority goes from 1 to 3."), code="priority")
        if len(motivation) > 500:
            raise ValidationError(
                _("Keep the motivation under 500 characters."), code="motivation_length"
            )

    application.wishes.all().delete()
    created = WishedPartner.objects.bulk_create(
        WishedPartner(
            application=application, partner=partner, priority=priority, motivation=motivation
        )
        for partner, priority, motivation in wishes
    )
    logger.info(
        "wishes of application %s replaced by user %s (%d partners)",
        application.pk,
        getattr(by, "pk", None),
        len(created),
    )
    return created


# --- Withdrawal -----------------------------------------------------------------------------


def company_can_withdraw(*, application: Application) -> bool:
    """Whether the company itself may still withdraw this application."""
    return (
        application.status in _WITHDRAWABLE_STATUSES
        and application.mission.status in _WITHDRAWABLE_MISSION_STATUSES
    )


def company_withdraw(*, application: Application, by: User) -> Application:
    """A company leaves a mission from its space; its place goes to the first wait-listed."""
    if not company_can_withdraw(application=application):
        raise ValidationError(_("This application can no longer be withdrawn."), code="locked")
    return application_withdraw(application=application, by=by)


# --- A representative's own contact details --------------------------------------------------

CONTACT_SELF_FIELDS = ("first_name", "last_name", "role", "phone", "language")


@transaction.atomic
def contact_update_details(*, contact: Contact, data: dict[str, Any], by: User) -> Contact:
    """A representative corrects their own contact details (not their address: staff do).

    Only the contact whose address the logged-in account has may do it; staff use the admin.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if by.company_id != contact.company_id or by.email.lower() != contact.email.lower():
        raise ValidationError(_("You can only change your own contact details."), code="forbidden")
    changed = [
        name
        for name in CONTACT_SELF_FIELDS
        if name in data and data[name] != getattr(contact, name)
    ]
    for name in changed:
        setattr(contact, name, data[name])
    if changed:
        contact.full_clean(exclude=["company", "organisation"], validate_constraints=False)
        contact.save(update_fields=[*changed, "updated_at"])
        logger.info("contact %s changed %s by user %s", contact.pk, changed, by.pk)
    return contact
