"""Reads of matchmaking.

Agendas: what a company (on one mission, or on all of its missions) or a partner (on the
mission of its signed link) has to attend, day by day in the mission's time zone: its live
meetings and the delegation's programme items together, with venue, table and who attends,
and the travel legs between two consecutive items at different venues. An agenda is built
with a fixed number of queries, however many meetings, items and missions it holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q

from missions.enums import SEATED_STATUSES, ProgrammeItemKind
from missions.models import Application, Mission, ProgrammeItem
from partners.models import Company, Contact, TravelTime, Venue

from ..enums import LIVE_MEETING_STATES, MeetingState
from ..models import CalendarFeed, Meeting, PartnerLink

COMPANY = "company"
PARTNER = "partner"

MEETING = "meeting"
PROGRAMME = "programme"


@dataclass(frozen=True)
class AgendaItem:
    """A meeting or a programme item, its times in the mission's zone.

    ``counterpart`` is the other side of a meeting (the partner on a company's agenda, the
    company on a partner's); ``company_attendees`` is the contact person of the company's
    application, ``partner_attendees`` what the partner said when accepting.
    """

    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str
    venue: Venue | None
    table: int | None = None
    state: str = ""
    counterpart: str = ""
    company_name: str = ""
    partner_name: str = ""
    company_attendees: str = ""
    partner_attendees: str = ""
    description: str = ""
    programme_kind: str = ""
    meeting: Meeting | None = None
    programme_item: ProgrammeItem | None = None

    is_leg = False

    @property
    def is_meeting(self) -> bool:
        return self.kind == MEETING

    @property
    def state_label(self) -> str:
        return MeetingState(self.state).label if self.state else ""

    @property
    def programme_kind_label(self) -> str:
        return ProgrammeItemKind(self.programme_kind).label if self.programme_kind else ""

    @property
    def day(self) -> dt.date:
        return self.starts_at.date()


@dataclass(frozen=True)
class TravelLeg:
    """Going from one venue to another between two items of a day.

    ``minutes`` is None when no travel time is stored for the two venues; ``gap_minutes``
    is the time between the end of the first item and the start of the second.
    """

    from_venue: Venue
    to_venue: Venue
    minutes: int | None
    gap_minutes: int

    is_leg = True

    @property
    def is_known(self) -> bool:
        return self.minutes is not None

    @property
    def overlaps(self) -> bool:
        """The second item starts before the first ends: someone cannot attend both."""
        return self.gap_minutes < 0

    @property
    def is_tight(self) -> bool:
        """The two items overlap, or the known travel takes longer than the time between."""
        return self.overlaps or (self.minutes is not None and self.minutes > self.gap_minutes)


@dataclass
class AgendaDay:
    day: dt.date
    rows: list[AgendaItem | TravelLeg] = field(default_factory=list)

    @property
    def items(self) -> list[AgendaItem]:
        return [row for row in self.rows if not row.is_leg]


@dataclass
class Agenda:
    """The agenda of a company or a partner (``side``) on one mission."""

    mission: Mission
    side: str
    owner_name: str
    days: list[AgendaDay]

    @property
    def time_zone(self) -> str:
        return self.mission.time_zone

    @property
    def items(self) -> list[AgendaItem]:
        return [item for day in self.days for item in day.items]

    @property
    def meetings(self) -> list[AgendaItem]:
        return [item for item in self.items if item.is_meeting]

    @property
    def is_empty(self) -> bool:
        return not self.days


# --- Building blocks ------------------------------------------------------------------------


def _travel_minutes(venue_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """Stored travel times between any two of these venues (one query), keyed low id first."""
    ids = sorted(set(venue_ids))
    rows = TravelTime.objects.filter(from_venue_id__in=ids, to_venue_id__in=ids).values_list(
        "from_venue_id", "to_venue_id", "minutes"
    )
    return {(low, high): minutes for low, high, minutes in rows}


def _days_with_legs(items: list[AgendaItem], travel: dict[tuple[int, int], int]) -> list[AgendaDay]:
    """Sort the items, group them by (local) day, and put a leg wherever the venue changes.

    A leg joins an item to the last earlier item of the same day that had a venue: an item
    without one (a free-form "travel" item, say) does not break the chain.
    """
    items = sorted(
        items,
        key=lambda i: (i.starts_at, i.kind != PROGRAMME, i.ends_at, i.title, i.table or 0),
    )
    days: list[AgendaDay] = []
    previous: AgendaItem | None = None
    for item in items:
        if not days or days[-1].day != item.day:
            days.append(AgendaDay(day=item.day))
            previous = None
        day = days[-1]
        if item.venue is not None:
            if previous is not None and previous.venue.pk != item.venue.pk:
                key = tuple(sorted((previous.venue.pk, item.venue.pk)))
                gap = int((item.starts_at - previous.ends_at).total_seconds() // 60)
                day.rows.append(
                    TravelLeg(
                        from_venue=previous.venue,
                        to_venue=item.venue,
                        minutes=travel.get(key),
                        gap_minutes=gap,
                    )
                )
            previous = item
        day.rows.append(item)
    return days


def _meeting_item(meeting: Meeting, *, side: str, contact: Contact | None) -> AgendaItem:
    zone = ZoneInfo(meeting.mission.time_zone)
    company_name = meeting.company.legal_name
    partner_name = str(meeting.partner)
    return AgendaItem(
        kind=MEETING,
        starts_at=meeting.starts_at.astimezone(zone),
        ends_at=meeting.ends_at.astimezone(zone),
        title=partner_name if side == COMPANY else company_name,
        venue=meeting.venue,
        table=meeting.table,
        state=meeting.state,
        counterpart=partner_name if side == COMPANY else company_name,
        company_name=company_name,
        partner_name=partner_name,
        company_attendees=contact.full_name if contact is not None else "",
        partner_attendees=meeting.request.partner_attendees,
        meeting=meeting,
    )


def _programme_item(item: ProgrammeItem, *, zone: ZoneInfo) -> AgendaItem:
    return AgendaItem(
        kind=PROGRAMME,
        starts_at=item.starts_at.astimezone(zone),
        ends_at=item.ends_at.astimezone(zone),
        title=item.title,
        venue=item.venue,
        description=item.description,
        programme_kind=item.kind,
        partner_name=str(item.host) if item.host_id else "",
        programme_item=item,
    )


def _meetings():
    return Meeting.objects.select_related("mission", "company", "partner", "venue", "request")


def _programme(mission_ids: Iterable[int]):
    return ProgrammeItem.objects.filter(mission_id__in=list(mission_ids)).select_related(
        "venue", "host"
    )


# --- Company agendas ------------------------------------------------------------------------


def _company_agendas(*, company: Company, mission: Mission | None) -> list[Agenda]:
    meetings = _meetings().live().filter(company=company)
    applications = Application.objects.filter(company=company).select_related("mission", "contact")
    if mission is not None:
        meetings = meetings.filter(mission=mission)
        applications = applications.filter(mission=mission)
    meetings = list(meetings)
    applications = list(applications)

    contacts = {application.mission_id: application.contact for application in applications}
    missions = {meeting.mission_id: meeting.mission for meeting in meetings}
    for application in applications:
        if application.status in SEATED_STATUSES:
            missions.setdefault(application.mission_id, application.mission)
    if mission is not None:
        missions = {mission.pk: mission}

    items: dict[int, list[AgendaItem]] = defaultdict(list)
    for meeting in meetings:
        items[meeting.mission_id].append(
            _meeting_item(meeting, side=COMPANY, contact=contacts.get(meeting.mission_id))
        )
    for item in _programme(missions):
        items[item.mission_id].append(
            _programme_item(item, zone=ZoneInfo(missions[item.mission_id].time_zone))
        )
    travel = _travel_minutes(
        item.venue.pk for group in items.values() for item in group if item.venue is not None
    )
    agendas = [
        Agenda(
            mission=one,
            side=COMPANY,
            owner_name=company.legal_name,
            days=_days_with_legs(items[one.pk], travel),
        )
        for one in missions.values()
    ]
    return sorted(agendas, key=lambda a: (a.mission.starts_on, a.mission.pk), reverse=True)


def agenda_for_company(*, company: Company, mission: Mission) -> Agenda:
    """A company's agenda on one mission (4 queries)."""
    return _company_agendas(company=company, mission=mission)[0]


def agendas_for_company(*, company: Company) -> list[Agenda]:
    """A company's agendas on every mission where it is seated or has live meetings, the
    latest mission first (4 queries, whatever the number of missions).
    """
    return _company_agendas(company=company, mission=None)


def agenda_missions_for_company(*, company: Company):
    """The missions a company has an agenda for (seated, or with live meetings)."""
    return Mission.objects.filter(
        Q(meetings__company=company, meetings__state__in=LIVE_MEETING_STATES)
        | Q(applications__company=company, applications__status__in=SEATED_STATUSES)
    ).distinct()


# --- Partner agendas ------------------------------------------------------------------------


def agenda_for_partner(*, link: PartnerLink) -> Agenda:
    """A partner's agenda on the mission of its link: its live meetings with the delegation,
    and the programme items it hosts (the rest of the delegation's programme is not its
    time). 4 queries.
    """
    mission, partner = link.mission, link.partner
    meetings = list(_meetings().live().filter(mission=mission, partner=partner))
    contacts = {
        application.company_id: application.contact
        for application in Application.objects.filter(
            mission=mission, company_id__in={m.company_id for m in meetings}
        ).select_related("contact")
    }
    zone = ZoneInfo(mission.time_zone)
    items = [
        _meeting_item(meeting, side=PARTNER, contact=contacts.get(meeting.company_id))
        for meeting in meetings
    ]
    items += [
        _programme_item(item, zone=zone) for item in _programme([mission.pk]).filter(host=partner)
    ]
    travel = _travel_minutes(item.venue.pk for item in items if item.venue is not None)
    return Agenda(
        mission=mission, side=PARTNER, owner_name=str(partner), days=_days_with_legs(items, travel)
    )


# --- One meeting, as both sides see it (for e-mails and their .ics) -------------------------


def meeting_item(*, meeting_id: int, side: str) -> AgendaItem | None:
    """One meeting, live or not, as ``side`` sees it on its agenda (None if it vanished)."""
    meeting = _meetings().filter(pk=meeting_id).first()
    if meeting is None:
        return None
    application = (
        Application.objects.filter(mission_id=meeting.mission_id, company_id=meeting.company_id)
        .select_related("contact")
        .first()
    )
    return _meeting_item(
        meeting, side=side, contact=application.contact if application is not None else None
    )


@dataclass(frozen=True)
class Recipient:
    """Someone told about a meeting: the company's contact or one of the partner's."""

    side: str
    email: str
    name: str
    language: str


def meeting_recipients(*, meeting: Meeting) -> list[Recipient]:
    """Both sides of a meeting: the contact person of the company's application (in the
    application's language, the one the company hears from us in) and every contact of the
    partner organisation with an address (each in their own language). One entry per
    address.
    """
    recipients: dict[str, Recipient] = {}
    application = (
        Application.objects.filter(mission_id=meeting.mission_id, company_id=meeting.company_id)
        .select_related("contact")
        .first()
    )
    if application is not None and application.contact is not None and application.contact.email:
        contact = application.contact
        recipients[contact.email.lower()] = Recipient(
            side=COMPANY,
            email=contact.email.lower(),
            name=contact.full_name,
            language=application.language,
        )
    for contact in Contact.objects.filter(organisation_id=meeting.partner_id).exclude(email=""):
        recipients.setdefault(
            contact.email.lower(),
            Recipient(
                side=PARTNER,
                email=contact.email.lower(),
                name=contact.full_name,
                language=contact.language,
            ),
        )
    return list(recipients.values())


# --- Calendar feeds -------------------------------------------------------------------------


def calendar_feed_from_token(*, token: str) -> CalendarFeed | None:
    """The feed a subscription address names, or None when the token is not one of ours,
    was replaced (an older version) or revoked, or its partner's link was revoked.

    A partner's feed outlives the expiry of its link on purpose: the link is for answering
    requests weeks before the mission, the calendar is read during it. Revoking the link
    stops both.
    """
    payload = CalendarFeed.unsign(token)
    if payload is None:
        return None
    feed = (
        CalendarFeed.objects.select_related(
            "company", "partner_link__mission", "partner_link__partner"
        )
        .filter(pk=payload["id"])
        .first()
    )
    if feed is None or feed.version != payload.get("v") or feed.revoked_at is not None:
        return None
    if feed.partner_link_id is not None and feed.partner_link.revoked_at is not None:
        return None
    return feed


def calendar_feed_of_company(*, company: Company) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(company=company, revoked_at__isnull=True).first()


def calendar_feed_of_partner(*, link: PartnerLink) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(partner_link=link, revoked_at__isnull=True).first()


def feed_meetings(*, feed: CalendarFeed) -> list[AgendaItem]:
    """The live meetings a feed publishes: the company's on all its missions, or the
    partner's on the mission of its link.
    """
    if feed.company_id is not None:
        agendas = agendas_for_company(company=feed.company)
    else:
        agendas = [agenda_for_partner(link=feed.partner_link)]
    return [item for agenda in agendas for item in agenda.meetings]
