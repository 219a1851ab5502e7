"""Meeting requests: from the delegation's wishes, from staff, from suggestions; the
partner's answer; cancellation.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.enums import SEATED_STATUSES, ApplicationStatus
from missions.models import Application, Mission, WishedPartner
from partners.models import Company, PartnerOrganisation

from ..enums import (
    LIVE_MEETING_STATES,
    PAST_MEETING_STATES,
    RequestSource,
    RequestState,
)
from ..models import Meeting, MeetingRequest

if TYPE_CHECKING:
    from cepex_portal.models import User

logger = logging.getLogger(__name__)

# Companies staff may set meetings for: in the delegation, or still being considered.
_REQUESTABLE_APPLICATIONS = (
    *SEATED_STATUSES,
    ApplicationStatus.APPLIED,
    ApplicationStatus.WAITLISTED,
)
# Answers a partner may still change its mind about, until the meeting is held.
_ANSWERABLE = (
    RequestState.PROPOSED,
    RequestState.SENT,
    RequestState.ACCEPTED,
    RequestState.DECLINED,
)


def request_create_refused(
    *, mission: Mission, company: Company, partner: PartnerOrganisation
) -> ValidationError | None:
    """Why staff may not ask this meeting, or None if they may."""
    if not mission.mission_partners.filter(organisation=partner).exists():
        return ValidationError(
            _("%(partner)s does not take part in this mission.") % {"partner": partner},
            code="not_in_mission",
        )
    if not Application.objects.filter(
        mission=mission, company=company, status__in=_REQUESTABLE_APPLICATIONS
    ).exists():
        return ValidationError(
            _("%(company)s has no live application to this mission.") % {"company": company},
            code="no_application",
        )
    if (
        MeetingRequest.objects.open()
        .filter(mission=mission, company=company, partner=partner)
        .exists()
    ):
        return ValidationError(
            _("%(company)s and %(partner)s already have a request on this mission.")
            % {"company": company, "partner": partner},
            code="duplicate",
        )
    return None


@transaction.atomic
def request_create(
    *,
    mission: Mission,
    company: Company,
    partner: PartnerOrganisation,
    priority: int = 2,
    motivation: str = "",
    length_slots: int = 1,
    source: str = RequestSource.STAFF,
    by: User | None = None,
) -> MeetingRequest:
    """Ask for a meeting between a company of the mission and one of its partners."""
    Mission.objects.select_for_update().get(pk=mission.pk)  # one request per pair, even racing
    refused = request_create_refused(mission=mission, company=company, partner=partner)
    if refused is not None:
        raise refused
    if priority not in (1, 2, 3):
        raise ValidationError(_("The priority goes from 1 to 3."), code="priority")
    return MeetingRequest.objects.create(
        mission=mission,
        company=company,
        partner=partner,
        priority=priority,
        motivation=motivation[:500],
        length_slots=length_slots,
        source=source,
        created_by=by,
    )


@transaction.atomic
def requests_from_wishes(*, mission: Mission, by: User | None) -> list[MeetingRequest]:
    """A request for every wish of the companies in the delegation that has none yet (a
    declined request counts: the partner said no)."""
    Mission.objects.select_for_update().get(pk=mission.pk)
    # A pair the partner declined is not asked again behind staff's back; a cancelled one is.
    existing = set(
        MeetingRequest.objects.filter(mission=mission)
        .exclude(state=RequestState.CANCELLED)
        .values_list("company_id", "partner_id")
    )
    partners = set(mission.mission_partners.values_list("organisation_id", flat=True))
    wishes = WishedPartner.objects.filter(
        application__mission=mission, application__status__in=SEATED_STATUSES
    ).select_related("application")
    created = []
    for wish in wishes.order_by("priority", "pk"):
        pair = (wish.application.company_id, wish.partner_id)
        if pair in existing or wish.partner_id not in partners:
            continue
        existing.add(pair)
        created.append(
            MeetingRequest(
                mission=mission,
                company_id=pair[0],
                partner_id=pair[1],
                priority=wish.priority,
                motivation=wish.motivation,
                source=RequestSource.WISH,
                created_by=by,
            )
        )
    MeetingRequest.objects.bulk_create(created)
    logger.info("%d requests made from wishes on mission %s", len(created), mission.pk)
    return created


def _cancel_meeting_of(request: MeetingRequest) -> Meeting | None:
    meeting = Meeting.objects.select_for_update().filter(request=request).first()
    if meeting is None or meeting.state not in LIVE_MEETING_STATES:
        return None
    from .meetings import meeting_cancel

    return meeting_cancel(meeting=meeting, by=None)


@transaction.atomic
def request_cancel(*, request: MeetingRequest, by: User | None) -> MeetingRequest:
    """Staff withdraw a request; its meeting, if any, is cancelled (and both sides told)."""
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.state == RequestState.CANCELLED:
        return request
    request.state = RequestState.CANCELLED
    request.save(update_fields=["state", "updated_at"])
    _cancel_meeting_of(request)
    return request


@transaction.atomic
def request_respond(
    *, request: MeetingRequest, accept: bool, attendees: str = "", note: str = ""
) -> MeetingRequest:
    """The partner accepts or declines a request (through its signed link).

    A partner may change its mind while the meeting has not taken place; declining cancels
    a scheduled meeting.
    """
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.state not in _ANSWERABLE:
        raise ValidationError(_("This request was cancelled."), code="cancelled")
    meeting = Meeting.objects.filter(request=request).first()
    if meeting is not None and meeting.state in PAST_MEETING_STATES:
        raise ValidationError(_("This meeting has already taken place."), code="held")
    request.state = RequestState.ACCEPTED if accept else RequestState.DECLINED
    request.partner_attendees = attendees[:300]
    request.partner_note = note[:500]
    request.responded_at = timezone.now()
    request.save(
        update_fields=["state", "partner_attendees", "partner_note", "responded_at", "updated_at"]
    )
    if not accept:
        _cancel_meeting_of(request)
    return request
