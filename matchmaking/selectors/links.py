"""Reads of matchmaking: querysets with their related rows fetched."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from missions.models import Application, Mission
from partners.models import PartnerOrganisation

from ..enums import RequestState
from ..models import MeetingGrid, MeetingRequest, PartnerAvailability, PartnerLink

# --- A partner's page, behind its link --------------------------------------------------------


def partner_link_requests(*, link: PartnerLink) -> QuerySet[MeetingRequest]:
    """The requests a partner sees behind its link: those of its mission sent to it, answered
    or not, and those cancelled after they were sent (so that it knows); never a request staff
    have not sent yet, nor any other partner's or mission's. Waiting ones first.

    Each comes with its company, the company's sectors, its application to this mission with
    the objectives (``company.mission_applications``), and its meeting if there is one.
    """
    applications = Application.objects.filter(mission_id=link.mission_id).prefetch_related(
        "objectives"
    )
    return (
        MeetingRequest.objects.filter(mission_id=link.mission_id, partner_id=link.partner_id)
        .exclude(state=RequestState.PROPOSED)
        .exclude(state=RequestState.CANCELLED, sent_at__isnull=True)
        .select_related("company", "meeting", "meeting__venue")
        .prefetch_related(
            "company__sectors",
            Prefetch("company__applications", applications, to_attr="mission_applications"),
        )
        .annotate(
            waiting_first=Case(
                When(state=RequestState.SENT, then=Value(0)),
                When(state=RequestState.CANCELLED, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting_first", "company__legal_name", "pk")
    )


def partner_link_request_get(*, link: PartnerLink, request_id: int) -> MeetingRequest | None:
    """One request the link's page shows, or None (another partner's, mission's, or unsent)."""
    return (
        MeetingRequest.objects.filter(
            pk=request_id, mission_id=link.mission_id, partner_id=link.partner_id
        )
        .exclude(state=RequestState.PROPOSED)
        .exclude(state=RequestState.CANCELLED, sent_at__isnull=True)
        .first()
    )


def mission_days(*, mission: Mission) -> list[dt.date]:
    """Every day of the mission, first to last."""
    return [
        mission.starts_on + dt.timedelta(days=n)
        for n in range((mission.ends_on - mission.starts_on).days + 1)
    ]


def availability_days(*, mission: Mission) -> list[dt.date]:
    """The days a partner is asked about: those of the meeting grid, or every mission day."""
    grid = MeetingGrid.objects.filter(mission=mission).first()
    if grid is None:
        return mission_days(mission=mission)
    grid.mission = mission
    return grid.days()


def partner_availability_by_day(
    *, mission: Mission, partner: PartnerOrganisation
) -> dict[dt.date, PartnerAvailability]:
    """The partner's recorded availability on the mission, by day (a missing day: all day)."""
    return {
        row.day: row for row in PartnerAvailability.objects.filter(mission=mission, partner=partner)
    }
