"""The partners a company wishes to meet on a mission, and its withdrawal from a mission.

One rule for wishes, used by the interest form, the company space and the admin inlines:
every partner takes part in the mission and is named once, at most ``MAX_WISHES`` of them,
priority 1 (must meet) to 3, a short motivation; and the list is settled once the mission
stops taking applications or the application is rejected or withdrawn.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import PartnerOrganisation

from .. import rules
from ..enums import ApplicationStatus, MissionStatus
from ..models import Application, Mission, WishedPartner
from .selection import application_withdraw

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)

# Applications whose wishes are settled: nobody will meet anyone on their behalf.
_WISHES_FROZEN_STATUSES = (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)

Wish = tuple[PartnerOrganisation, int, str]


def wishes_check(*, mission: Mission, wishes: list[Wish]) -> None:
    """The rule for a company's list of wished partners on a mission (``rules.py``)."""
    rules.wishes_check(
        allowed_partner_ids=mission.mission_partners.values_list("organisation_id", flat=True),
        wishes=wishes,
    )


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
    *, application: Application, wishes: list[Wish], by: User | None
) -> list[WishedPartner]:
    """Replace the partners a company wishes to meet on a mission.

    ``wishes`` is a list of (partner, priority, motivation). Refused once the mission stops
    taking applications, or when the application was rejected or withdrawn.
    """
    application = (
        Application.objects.select_for_update().select_related("mission").get(pk=application.pk)
    )
    locked = wishes_locked(application=application)
    if locked is not None:
        raise locked
    wishes_check(mission=application.mission, wishes=wishes)
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

# A company may leave a mission up to its start; after that there is nothing to leave (staff
# may still record a withdrawal in the admin).
_WITHDRAWABLE_STATUSES = (
    ApplicationStatus.APPLIED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.WAITLISTED,
    ApplicationStatus.CONFIRMED,
)
_WITHDRAWABLE_MISSION_STATUSES = (MissionStatus.OPEN, MissionStatus.CLOSED)


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
