"""Reads of matchmaking: ``agendas`` (agendas, calendar feeds, who hears of a meeting) and
``links`` (what a partner's signed page shows). Querysets with their related rows fetched.
"""

from .agendas import (
    COMPANY,
    MEETING,
    PARTNER,
    PROGRAMME,
    Agenda,
    AgendaDay,
    AgendaItem,
    Recipient,
    TravelLeg,
    agenda_for_company,
    agenda_for_partner,
    agenda_missions_for_company,
    agendas_for_company,
    calendar_feed_from_token,
    calendar_feed_of_company,
    calendar_feed_of_partner,
    feed_meetings,
    meeting_item,
    meeting_recipients,
)
from .links import (
    availability_days,
    mission_days,
    partner_availability_by_day,
    partner_link_request_get,
    partner_link_requests,
)

__all__ = [
    "COMPANY",
    "MEETING",
    "PARTNER",
    "PROGRAMME",
    "Agenda",
    "AgendaDay",
    "AgendaItem",
    "Recipient",
    "TravelLeg",
    "agenda_for_company",
    "agenda_for_partner",
    "agenda_missions_for_company",
    "agendas_for_company",
    "availability_days",
    "calendar_feed_from_token",
    "calendar_feed_of_company",
    "calendar_feed_of_partner",
    "feed_meetings",
    "meeting_item",
    "meeting_recipients",
    "mission_days",
    "partner_availability_by_day",
    "partner_link_request_get",
    "partner_link_requests",
]
