"""The partners' signed links: issue, send, resolve, revoke; and what a partner does through
its link (answer a request, give its availability over the mission days).

A partner has no account. Staff send one link per partner and mission; every contact of the
partner organisation with an address gets it, in their language. The address carries a token
signed over the link's id and version (``PartnerLink.token``); the row is checked on every use,
so staff revoke an address at once by bumping the version, and a link expires.

Nothing here changes state on a mere read: ``link_resolve`` only reads (mail scanners open
links), and the last use is recorded when the partner acts (``link_respond``,
``link_availability_set``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cepex_portal.jobs import enqueue_on_commit
from missions.models import Mission
from partners.models import Contact, PartnerOrganisation

from ..enums import RequestState
from ..models import MeetingRequest, PartnerAvailability, PartnerLink
from ..selectors import mission_days
from .requests import request_respond

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)


# --- Issue, revoke, resolve ------------------------------------------------------------------


def _link_max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.PARTNER_LINK_MAX_AGE_DAYS)


@transaction.atomic
def link_issue(
    *, mission: Mission, partner: PartnerOrganisation, by: User | None = None
) -> PartnerLink:
    """The link of ``partner`` for ``mission``, created or renewed: a new expiry, and no longer
    revoked. A revoked link comes back with its new version, so the revoked address stays dead.
    """
    if not mission.mission_partners.filter(organisation=partner).exists():
        raise ValidationError(
            _("%(partner)s does not take part in this mission.") % {"partner": partner},
            code="not_in_mission",
        )
    link, created = PartnerLink.objects.select_for_update().get_or_create(
        mission=mission, partner=partner
    )
    if not created:
        link.expires_at = timezone.now() + _link_max_age()
        link.revoked_at = None
        link.save(update_fields=["expires_at", "revoked_at", "updated_at"])
    logger.info(
        "partner link %s %s by user %s",
        link.pk,
        "issued" if created else "renewed",
        by.pk if by else None,
    )
    return link


@transaction.atomic
def link_revoke(*, link: PartnerLink, by: User | None = None) -> PartnerLink:
    """Stop the link's address at once (its version changes). Sending again makes a new one."""
    link = PartnerLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        return link
    link.version += 1
    link.revoked_at = timezone.now()
    link.save(update_fields=["version", "revoked_at", "updated_at"])
    logger.info("partner link %s revoked by user %s", link.pk, by.pk if by else None)
    return link


def link_resolve(*, token: str) -> PartnerLink:
    """The usable link a token names, with its mission and partner. Only reads.

    Raises ValidationError with code ``invalid`` (not one of our partner links: tampered,
    truncated, another kind of token, or a link that no longer exists), ``revoked`` (staff
    withdrew or replaced it, or the partner left the mission) or ``expired``.
    """
    invalid = ValidationError(
        _("This link is not valid. Check that you opened the whole address from the e-mail."),
        code="invalid",
    )
    payload = PartnerLink.unsign(token)
    if payload is None or not isinstance(payload.get("v"), int):
        raise invalid
    link = PartnerLink.objects.select_related("mission", "partner").filter(pk=payload["id"]).first()
    if link is None or payload["v"] > link.version:
        raise invalid
    if (
        payload["v"] < link.version
        or link.revoked_at is not None
        or not link.mission.mission_partners.filter(organisation=link.partner_id).exists()
    ):
        raise ValidationError(
            _(
                "This link was withdrawn by the CEPEX missions team. Use the most recent "
                "e-mail you received from us, or ask us for a new link."
            ),
            code="revoked",
        )
    if link.expires_at <= timezone.now():
        raise ValidationError(
            _("This link has expired. Ask the CEPEX missions team for a new one."),
            code="expired",
        )
    return link


def link_touch(*, link: PartnerLink) -> None:
    """Record that the partner used its link (to act, not merely to look)."""
    now = timezone.now()
    PartnerLink.objects.filter(pk=link.pk).update(last_used_at=now, updated_at=now)
    link.last_used_at = now


# --- Send ------------------------------------------------------------------------------------


def link_recipients(*, partner: PartnerOrganisation):
    """The partner's contacts who get its link: every one with an address."""
    return Contact.objects.filter(organisation=partner).exclude(email="").order_by("pk")


@transaction.atomic
def link_send(
    *, mission: Mission, partner: PartnerOrganisation, by: User | None = None
) -> PartnerLink:
    """Send (or send again) the partner its link for the mission.

    The link is issued or renewed; the partner's proposed requests of the mission become
    sent; after commit, each contact of the partner with an address gets one e-mail, in their
    language. ``last_sent_at`` names this send: the e-mail task sends for the current send
    only, once per contact (see ``tasks.links``).
    """
    link = link_issue(mission=mission, partner=partner, by=by)
    recipients = list(link_recipients(partner=partner).values_list("pk", flat=True))
    if not recipients:
        # Raised inside the transaction: the link is not renewed either.
        raise ValidationError(
            _("%(partner)s has no contact with an e-mail address: add one first.")
            % {"partner": partner},
            code="no_recipient",
        )
    now = timezone.now()
    marked = MeetingRequest.objects.filter(
        mission=mission, partner=partner, state=RequestState.PROPOSED
    ).update(state=RequestState.SENT, sent_at=now, updated_at=now)
    link.last_sent_at = now
    link.save(update_fields=["last_sent_at", "updated_at"])
    from ..tasks.links import partner_link_email_task

    for contact_id in recipients:
        enqueue_on_commit(
            partner_link_email_task,
            link_id=link.pk,
            contact_id=contact_id,
            sent_at=now.isoformat(),
        )
    logger.info(
        "partner link %s sent to %d contacts (%d requests now sent) by user %s",
        link.pk,
        len(recipients),
        marked,
        by.pk if by else None,
    )
    return link


# --- What the partner does through its link -------------------------------------------------


@transaction.atomic
def link_respond(
    *,
    link: PartnerLink,
    request: MeetingRequest,
    accept: bool,
    attendees: str = "",
    note: str = "",
) -> MeetingRequest:
    """The partner accepts or declines one of its requests, and names who attends."""
    if (
        request.mission_id != link.mission_id
        or request.partner_id != link.partner_id
        or request.state == RequestState.PROPOSED
    ):
        # Not this link's to answer (the view finds requests through the link: a 404 there).
        raise ValidationError(_("This request is not addressed to you."), code="not_yours")
    answered = request_respond(request=request, accept=accept, attendees=attendees, note=note)
    link_touch(link=link)
    return answered


@dataclass(frozen=True)
class DayAvailability:
    """A partner's answer for one day: available or not, and if so from and until when."""

    day: dt.date
    is_available: bool = True
    available_from: dt.time | None = None
    available_to: dt.time | None = None


def availability_check(
    *, mission: Mission, partner: PartnerOrganisation, days: list[DayAvailability]
) -> None:
    """Raise ValidationError, one message per wrong day, unless every answer is acceptable:
    a partner of the mission, days of the mission only, each once, and a start before the end.
    """
    if not mission.mission_partners.filter(organisation=partner).exists():
        raise ValidationError(
            _("%(partner)s does not take part in this mission.") % {"partner": partner},
            code="not_in_mission",
        )
    allowed = set(mission_days(mission=mission))
    errors, seen = [], set()
    for answer in days:
        if answer.day not in allowed:
            errors.append(
                ValidationError(
                    _("%(day)s is not a day of the mission.") % {"day": answer.day.isoformat()},
                    code="not_a_mission_day",
                )
            )
        elif answer.day in seen:
            errors.append(
                ValidationError(
                    _("%(day)s is given twice.") % {"day": answer.day.isoformat()},
                    code="duplicate_day",
                )
            )
        elif (
            answer.is_available
            and answer.available_from is not None
            and answer.available_to is not None
            and answer.available_to <= answer.available_from
        ):
            errors.append(
                ValidationError(
                    _("On %(day)s, the end of your availability must come after its start.")
                    % {"day": answer.day.isoformat()},
                    code="ends_before_start",
                )
            )
        seen.add(answer.day)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def availability_set(
    *, mission: Mission, partner: PartnerOrganisation, days: list[DayAvailability]
) -> list[PartnerAvailability]:
    """Record when the partner can receive the delegation, day by day (one row a day).

    A day not available keeps no hours. Days not given are left as they were.
    """
    availability_check(mission=mission, partner=partner, days=days)
    rows = []
    for answer in sorted(days, key=lambda a: a.day):
        row, _created = PartnerAvailability.objects.update_or_create(
            mission=mission,
            partner=partner,
            day=answer.day,
            defaults={
                "is_available": answer.is_available,
                "available_from": answer.available_from if answer.is_available else None,
                "available_to": answer.available_to if answer.is_available else None,
            },
        )
        rows.append(row)
    return rows


@transaction.atomic
def link_availability_set(
    *, link: PartnerLink, days: list[DayAvailability]
) -> list[PartnerAvailability]:
    """The partner gives its availability over the mission days through its link."""
    rows = availability_set(mission=link.mission, partner=link.partner, days=days)
    link_touch(link=link)
    return rows
